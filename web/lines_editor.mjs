// The lines of a quote (its answer, its revision, a raised quote) or of a new order whose contract has no catalogue
// in force (new_order.mjs): one fieldset per line, prefilled; « Ajouter une ligne »; each field names the API paths
// whose errors it shows.
import { buildQuoteLines, switchedUnit } from "./quotes_logic.mjs";
import { field, h } from "./ui.mjs";

// A field's label: « Ligne 2 : quantité » read (its accessible name), « Quantité » seen — the line's number is its
// fieldset's legend, and a shorter label keeps the five fields of a line on one level at 1280 px (« Ligne 1 : prix
// unitaire HT (€) » wrapped onto two rows, its field below the others).
function lineLabel(index, words) {
  return [h("span", { className: "visually-hidden" }, `Ligne ${index + 1} :`), " ",
    h("span", { className: "line-label" }, words)];
}

function lineRow(index, line, unit) {
  const at = `lines[${index}]`;
  return [
    field({ name: `service_code_${index}`, label: lineLabel(index, "code"), value: line.service_code ?? "",
      paths: [`${at}.service_code`] }),
    field({ name: `label_${index}`, label: lineLabel(index, "libellé"), value: line.label ?? "", paths: [`${at}.label`] }),
    field({ name: `quantity_${index}`, label: lineLabel(index, "quantité"), value: line.quantity ?? "",
      inputmode: "decimal", paths: [`${at}.quantity`] }),
    field({ name: `unit_${index}`, label: lineLabel(index, "unité"), value: line.unit ?? unit, paths: [`${at}.unit`] }),
    field({ name: `unit_price_${index}`, label: lineLabel(index, "prix unitaire HT (€)"), inputmode: "decimal",
      value: line.unit_price_cents !== undefined ? String(line.unit_price_cents / 100).replace(".", ",") : "",
      paths: [`${at}.unit_price_cents`, at] }),
  ];
}

// read() gives the lines or the errors found before sending; grow(n) draws empty lines up to n (a draft's lines).
// `unit`: the unit a new line starts with (quoteLineUnit: « j » for a mission's quote), a prefilled line keeping its own.
// setUnit(next): the default changed (« Proposer un devis », another client), each line still at the former one
// following it (switchedUnit).
export function linesEditor(initial, { unit: startUnit = "U" } = {}) {
  let unit = startUnit;
  const rows = [];
  const box = h("div", { className: "lines" });
  const add = (line) => {
    const row = lineRow(rows.length, line, unit);
    rows.push(row);
    box.append(h("fieldset", { className: "line" }, h("legend", {}, `Ligne ${rows.length}`), row));
  };
  for (const line of initial) add(line);
  const more = h("button", { type: "button", className: "secondary", onclick: () => add({}) }, "Ajouter une ligne");
  const read = (data) => buildQuoteLines(rows.map((_, i) => ({ service_code: data[`service_code_${i}`],
    label: data[`label_${i}`], quantity: data[`quantity_${i}`], unit: data[`unit_${i}`],
    unit_price: data[`unit_price_${i}`] })), { unit });
  const grow = (n) => { while (rows.length < n) add({}); };
  const setUnit = (next) => {
    for (const row of rows) {
      const input = row.find((f) => f.input.name.startsWith("unit_") && !f.input.name.startsWith("unit_price_"))?.input;
      if (input) input.value = switchedUnit(input.value, unit, next);
    }
    unit = next;
  };
  return { box, more, read, grow, setUnit, fields: () => rows.flat() };
}
