// The manager's imports from the web app, for a manager without an integrator: a contract's catalogue (A14
// service-code catalogue, import_catalogue) on its contract screen, its property tree (A7 property tree,
// import_property_tree) on « Patrimoine ». The file chosen is shown (its first lines), sent as it is — a French CSV,
// or its JSON — once per content (recorder: one Idempotency-Key per file and fields, a second click in flight
// ignored); a refusal places each error at its line and column, nothing recorded; a success says what changed.
// The rules are pure in import_logic.mjs (tests/web/imports.test.mjs).
import { heldRights } from "./accounts_logic.mjs";
import { allNodes } from "./coverage_logic.mjs";
import {
  CATALOGUE_COLUMNS, CATALOGUE_TEMPLATE, TREE_COLUMNS, TREE_MODES, TREE_TEMPLATE, catalogueRequest, catalogueSummary,
  catalogueSummaryText, decodeFile, fileFormat, noAnswerText, placeImportErrors, readImportFile, refusalText, rowsToShow,
  treeRequest, treeSummary, treeSummaryText,
} from "./import_logic.mjs";
import { isoToFrenchDate } from "./logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { dateField, errorSlot, field, frenchFilePicker, h, recorder, table } from "./ui.mjs";

// Whether the signed-in person may import: a manager's account holding the right (its claim, else its role's).
export function mayImport(claims, right) {
  return claims?.role === "manager" && heldRights(claims).includes(right);
}

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// One import form. `fields`: its own fields (dates, mode); `build(read, digest)`: catalogueRequest or treeRequest;
// `before()`: read once a file is chosen, before sending (what the summary compares with); `summary(answer, read,
// before)`: the text once done; `done(text)`: what follows (the screen drawn again with the text). Also the
// purchasing body's price schedule (web/price_schedule.mjs).
export function importForm(ctx, { id, fn, title, hint, columns, template, templateName, listKey, fields, build,
  before = () => null, summary, done, submitLabel }) {
  const file = field({ name: "file", label: "Fichier (CSV ou JSON)", type: "file", required: true,
    hint: "CSV : séparateur « ; », encodage UTF-8, la première ligne donne les colonnes. JSON : comme l'API le prend." });
  file.input.accept = ".csv,.json,text/csv,application/json";
  frenchFilePicker(file.input);  // « Choisir un fichier… » and the name chosen, not the browser's « Choose File »
  const slot = errorSlot(() => [...fields, file]);
  const preview = h("div", { className: "import-preview" });
  const status = h("p", { className: "status", role: "status", hidden: true });  // shown when it has something to say
  const templateUrl = URL.createObjectURL(new Blob([template], { type: "text/csv;charset=utf-8" }));
  const form = h("form", { id, "aria-label": title, novalidate: true },
    h("p", { className: "hint" }, hint, " ",
      h("a", { href: templateUrl, download: templateName }, `Télécharger le modèle (${templateName})`)),
    h("details", {}, h("summary", {}, "Voir l'exemple"), h("pre", { className: "example" }, template.replace(/^\ufeff/, ""))),
    slot.node, h("div", { className: "grid" }, fields), file, preview,
    h("button", { type: "submit" }, submitLabel), status);
  let chosen = null;  // { read, bytes, digest, before }
  let reading = null;  // the file being read: a submit waits for it
  const files = latestOnly();  // a file chosen later wins over one still being read (its rows, its errors)

  const showRows = (read, byLine = new Map()) => {
    const { rows, hidden } = rowsToShow(read, byLine);
    const refused = byLine.size > 0;
    preview.replaceChildren(table(["Ligne", ...columns.map((c) => c.label), ...(refused ? ["Erreurs"] : [])],
      rows.map((r) => h("tr", { "data-line": String(r.line), className: r.errors.length ? "refused" : null },
        h("th", { scope: "row" }, String(r.line)),
        columns.map((c) => h("td", { className: r.errors.some((e) => e.column === c.name) ? "invalid" : null },
          r.cells[c.name] ?? "")),
        refused ? h("td", { className: "field-error" }, h("ul", {}, r.errors.map((e) => h("li", {}, e.message)))) : null)),
      { label: refused ? "Lignes refusées" : "Aperçu du fichier", empty: "Aucune ligne." }),
    ...(hidden ? [h("p", { className: "hint" }, refused ? `… et ${hidden} autre(s) ligne(s) refusée(s).`
      : `… et ${hidden} autre(s) ligne(s), envoyées avec celles-ci.`)] : []));
  };

  file.input.addEventListener("change", () => {
    status.hidden = true;
    slot.clear();
    preview.replaceChildren();
    chosen = null;
    const picked = file.input.files?.[0];
    const turn = files();
    if (!picked) return;
    reading = (async () => {
      const bytes = new Uint8Array(await picked.arrayBuffer());
      const decoded = decodeFile(bytes);
      const read = decoded.errors ? { format: "csv", header: [], rows: [], errors: decoded.errors }
        : readImportFile(fileFormat(picked.name, decoded.text), decoded.text, listKey);
      const digest = await sha256(bytes);
      if (!turn.current()) return;
      chosen = { read, bytes, digest, before: Promise.resolve().then(before).catch(() => null) };
      if (read.errors.length) slot.show(read.errors);
      else showRows(read);
    })().finally(() => { if (turn.current()) reading = null; });
  });

  // one import, once: a double click, a retry after no answer or a 5xx is the same request (recorder)
  const send = recorder(ctx, fn, { form, call: (request, idempotencyKey) => ctx.call(fn, request.csv
    ? { query: request.query, form: new Blob([chosen.bytes], { type: "text/csv;charset=utf-8" }), idempotencyKey }
    : { body: request.json, idempotencyKey }) });
  let submitting = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy || submitting) return;
    submitting = true;
    try {
      await reading;
      status.hidden = true;
      slot.clear();
      const built = build(chosen?.read ?? null, chosen?.digest ?? null);
      if (built.errors) return slot.show(built.errors);
      const known = await chosen.before;
      const { read } = chosen;
      const sent = await send.send(built.content, () => built.request);
      if (sent.ignored) return undefined;
      const text = await summary(sent.reply, read, known);
      status.textContent = text;
      status.hidden = false;
      await done(text);
    } catch (err) {
      if (err?.status === 401) return undefined;
      const unanswered = noAnswerText(err?.status);
      if (unanswered) return slot.show([{ field: "", message: unanswered }]);
      const placed = placeImportErrors(err?.problem ?? { detail: err?.message }, columns);
      if (chosen && placed.byLine.size) showRows(chosen.read, placed.byLine);
      const errors = [...placed.general.map((e) => ({ ...e, field: e.field === "$" ? "" : e.field }))];
      const said = refusalText(placed.byLine, placed.general);
      slot.show([...(said ? [{ field: "", message: said }] : []), ...errors]);
    } finally {
      submitting = false;
    }
    return undefined;
  });
  return h("section", { className: "import", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title), form);
}

// A14: the next version of a contract's catalogue. The dates: from the day after the latest version's (the platform
// refuses an earlier one), today on the contract's clock at the earliest; reviewed today.
export function catalogueImport(ctx, { contractId, view, today, done }) {
  const latest = [...(view.versions ?? [])].sort((a, b) => b.version - a.version)[0] ?? null;
  const dayAfter = latest ? new Date(Date.parse(`${latest.valid_from}T00:00:00Z`) + 86400000).toISOString().slice(0, 10) : null;
  const todayIso = today.split("/").reverse().join("-");
  const from = dateField({ name: "valid_from", label: "Applicable à partir du", required: true,
    value: isoToFrenchDate(dayAfter && dayAfter > todayIso ? dayAfter : todayIso),
    hint: latest ? `Après le ${isoToFrenchDate(latest.valid_from)}, début de la version ${latest.version}` : null });
  const reviewed = dateField({ name: "reviewed_on", label: "Revu le", required: true, value: today });
  const previous = async () => {
    if (!latest) return null;
    if (view.in_force?.version === latest.version) return view.in_force;
    const query = new URLSearchParams({ contract_id: contractId, on: latest.valid_from }).toString();
    return (await ctx.call("get_catalogue", { query })).in_force;
  };
  return importForm(ctx, {
    id: "catalogue-import", fn: "import_catalogue", title: "Importer une nouvelle version du catalogue",
    hint: "Le fichier donne toutes les prestations de la nouvelle version : code, libellé, unité, prix unitaire HT en "
      + "euros (virgule décimale) et taux de TVA (0, 2,1, 5,5, 10 ou 20). Les versions précédentes restent inchangées ; "
      + "le prestataire est informé.",
    columns: CATALOGUE_COLUMNS, template: CATALOGUE_TEMPLATE, templateName: "modele-catalogue.csv", listKey: "items",
    fields: [from, reviewed], submitLabel: "Importer le catalogue", before: previous,
    build: (read, digest) => catalogueRequest({ contractId, validFrom: from.input.value, reviewedOn: reviewed.input.value,
      read, bytesDigest: digest }),
    summary: (answer, read, before) => catalogueSummaryText(catalogueSummary(answer, read, before), isoToFrenchDate),
    done,
  });
}

// A7: the manager's property tree, whole (the nodes it omits retired) or added to. The tree read before the import
// (every node, retired ones too) tells created from changed in the summary.
export function treeImport(ctx, { done }) {
  const mode = field({ name: "mode", label: "Mode d'import", options: TREE_MODES, value: "replace", required: true,
    hint: "Arbre complet : les éléments absents du fichier sont retirés. Ajouts et modifications : rien n'est retiré." });
  return importForm(ctx, {
    id: "tree-import", fn: "import_property_tree", title: "Importer le patrimoine",
    hint: "Une ligne par élément : identifiant, type (site, bâtiment, cage d'escalier, logement, équipement), parent "
      + "(vide pour un site), libellé et, si besoin, code INSEE de la commune. Le fichier est vérifié en entier "
      + "avant tout enregistrement ; les prestataires concernés sont informés.",
    columns: TREE_COLUMNS, template: TREE_TEMPLATE, templateName: "modele-patrimoine.csv", listKey: "nodes",
    fields: [mode], submitLabel: "Importer le patrimoine",
    before: async () => {
      const tree = await allNodes(ctx.call);
      return tree.complete ? new Set(tree.rows.map((n) => n.node_id)) : null;
    },
    build: (read, digest) => treeRequest({ mode: mode.input.value, read, bytesDigest: digest }),
    summary: (answer, read, known) => treeSummaryText(treeSummary(answer, read, known)),
    done,
  });
}
