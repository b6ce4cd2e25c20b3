// A6 order execution data, done / not done per line: on the contractor's order screen, « Lignes de la commande »
// shows each line's status and declares it — one line or several at once — through submit_execution, like the rest
// of « Déclarer l'exécution ». Pure logic and its tests: line_status_logic.mjs, tests/web/line_status.test.mjs.
// The section is one <form>: choosing a status is typing in it, so a live re-read of the screen yields to it
// (« Actualiser » instead, live_order.mjs) until it is sent.
import { nowIsoIn, orderStateText } from "./logic.mjs";
import {
  LINES_PATH, declarationNote, frozenLinesNote, lineChoiceOptions, linePath, lineStatusBody, lineStatusContent, lineStatusErrors,
  lineStatusRows, receptionNote,
} from "./line_status_logic.mjs";
import { errorSlot, field, h, recorder } from "./ui.mjs";

// `frozen`: the order is in a final state, where the platform takes no report (ORDER_TERMINATED): shown, not offered.
// `current()`: the order as the screen last read it — the form, kept as it is by a redraw, sends its next sequence.
export function lineStatusSection(ctx, order, events, zone, { frozen = false, answered = () => {},
  current = () => order } = {}) {
  const rows = lineStatusRows(order, events);
  if (!rows.length) return null;
  const title = h("h2", { id: "lines-title" }, "Lignes de la commande");
  if (frozen) {
    return h("section", { className: "card", id: "line-statuses", "aria-labelledby": "lines-title" }, title,
      h("p", { className: "hint" }, frozenLinesNote(order)),
      h("ul", { className: "line-statuses" }, rows.map((row) => h("li", { "data-line": row.lineId },
        `${row.lineId} — ${row.label} : `, h("strong", { "data-status": row.status }, row.text),
        declarationNote(row, zone) ? h("span", { className: "sub" }, ` (${declarationNote(row, zone)})`) : null))));
  }
  const lines = rows.map((row) => {
    const choice = field({ name: `line_${row.lineId}`, label: `État de la ligne ${row.lineId}`, value: row.status === "unset"
      ? "" : row.status, options: lineChoiceOptions(row.status, row.received), paths: [linePath(row.lineId)] });
    const comment = field({ name: `line_comment_${row.lineId}`, label: `Commentaire sur la ligne ${row.lineId}`,
      hint: "Facultatif (500 caractères au plus)", paths: [linePath(row.lineId, "comment")] });
    const note = declarationNote(row, zone);
    const received = receptionNote(row, zone);
    const box = h("fieldset", { className: "line", "data-line": row.lineId },
      h("legend", {}, `${row.lineId} — ${row.label}${row.quantity ? ` (${String(row.quantity).replace(".", ",")} `
        + `${row.unit})` : ""}`),
      h("p", { className: "line-status" }, "Déclarée : ", h("strong", { "data-status": row.status }, row.text),
        note ? h("span", { className: "sub" }, ` ${note}`) : null),
      received ? h("p", { className: "hint", "data-received": "true" }, received) : null,
      choice, comment);
    return { row, choice, comment, box };
  });
  // the group of lines: where what concerns the whole declaration is said (the order's state, its sequence)
  const groupNote = h("span", { className: "field-error", id: "line-statuses-error" });
  const group = h("fieldset", { className: "lines", tabindex: "-1", "aria-describedby": "line-statuses-error" },
    h("legend", {}, "État des lignes"), lines.map((l) => l.box), groupNote);
  const groupField = { input: group, note: groupNote,
    paths: [LINES_PATH, "state", "sequence", "occurred_at", "event", "line_statuses", "manager_id", "order_id"] };
  const slot = errorSlot(() => [...lines.flatMap((l) => [l.choice, l.comment]), groupField]);
  const result = h("p", { className: "status", role: "status" });
  const send = h("button", { type: "submit" }, "Enregistrer l'état des lignes");
  // « Toutes réalisées » chooses « réalisée » on every line: an input like a choice by hand (the form is in use)
  const allDone = h("button", { type: "button", className: "secondary", onclick: () => {
    for (const { choice } of lines) {
      if (choice.input.value === "done") continue;
      choice.input.value = "done";
      choice.input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  } }, "Toutes réalisées");
  const form = h("form", { id: "line-statuses-form", novalidate: true, "aria-labelledby": "lines-title" },
    h("p", { className: "hint" }, "Déclarez chaque ligne réalisée ou non réalisée, une seule ou plusieurs à la fois : "
      + "seules les lignes modifiées (ou commentées) sont envoyées, en un seul compte rendu d'exécution."),
    slot.node, group, h("div", { className: "actions" }, allDone, send), result);
  // one declaration sent once, like every form that records something (`recorder`, docs/web-app.md « One sending,
  // once »): its Idempotency-Key and occurred_at kept for the same content, a click while it is on its way ignored
  const rec = recorder(ctx, "submit_execution", { form, now: () => nowIsoIn(zone) });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (rec.busy) return;  // a second click while the first is on its way: the same declaration, already sent
    slot.clear();
    result.textContent = "";
    const choices = Object.fromEntries(lines.map((l) => [l.row.lineId,
      { value: l.choice.input.value, comment: l.comment.input.value }]));
    const { content, errors } = lineStatusContent(current(), rows, choices);
    if (errors.length) return slot.show(errors);
    try {
      const sent = await rec.send(content, lineStatusBody);
      if (sent.ignored) return;
      result.textContent = `État des lignes enregistré : ${orderStateText(sent.reply.order_state)}.`;
      answered(result.textContent);
    } catch (err) {
      if (err.status === 401) return;
      slot.show(lineStatusErrors(err.problem ?? { detail: err.status ? err.message : "La plateforme n'a pas répondu : "
        + "renvoyez, la même déclaration sera envoyée (rien n'est enregistré deux fois)." }, content.line_statuses));
    }
  });
  return h("section", { className: "card", id: "line-statuses", "aria-labelledby": "lines-title" }, title, form);
}
