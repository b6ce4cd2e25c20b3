// Lists read again while they are shown (A11 real-time view): the beneficiary's « Mes besoins » and every role's
// « Devis ». watch_orders carries no change of a need or a quote, so these lists read their page again every
// refresh_seconds (docs/web-app.md « Live views »); this is what such a re-read decides — which rows changed, which
// <tr> stay as they are, whether it may draw now, what it says. No DOM, no network — tested with `node --test`
// (tests/web/live_list_logic.test.mjs); live_list.mjs wires it to the page.
import { polledStatusText } from "./logic.mjs";

const NAMED = 3;  // rows named one by one in what the list says; beyond, a count

// How a list tells its rows apart and sees one change: `keyOf` (unique on the page), `versionOf` (what a change
// moves — updated_at, and what is shown of the state, for a record written before updated_at was kept), `idOf` and
// `labelOf` (what is said of it), the French nouns.
export const QUOTE_ROWS = {
  keyOf: (q) => `${q.manager_id}/${q.quote_id}`,
  versionOf: (q) => JSON.stringify([q.updated_at ?? null, q.state, q.current_version ?? null, q.total_cents ?? null,
    q.valid_until ?? null]),
  idOf: (q) => q.quote_id,
  labelOf: (q) => q.state_label ?? q.state,
  one: "Le devis", many: "devis", some: "Des devis", gone: ["Un devis", "devis"],
};

export const NEED_ROWS = {
  keyOf: (n) => `${n.beneficiary_id}/${n.need_id}`,
  versionOf: (n) => JSON.stringify([n.updated_at ?? null, n.status, n.version, n.proposals ?? 0, n.mission_id ?? null]),
  idOf: (n) => n.need_id,
  labelOf: (n) => n.status_label ?? n.status,
  one: "Le besoin", many: "besoins", some: "Des besoins", gone: ["Un besoin", "besoins"],
};

// The keys of the rows that changed since the previous read (`previous`: its rows, null on the list's first read
// — nothing is highlighted then): a row whose version moved, or a row that was not there.
export function changedKeys(previous, rows, { keyOf, versionOf }) {
  if (!previous) return new Set();
  const before = new Map(previous.map((row) => [keyOf(row), versionOf(row)]));
  return new Set(rows.filter((row) => before.get(keyOf(row)) !== versionOf(row)).map(keyOf));
}

// How the rows on screen (`shownKeys`, in their order) become `rows`: `keep` the <tr> left as they are — not changed,
// and in the same order among themselves (never moved: a node moved loses the focus it holds) —, `draw` the rows
// drawn anew (changed, new, or an unchanged one whose place among the kept ones moved), `remove` the <tr> taken out
// (gone, or drawn anew), `order` the keys as the list now reads.
export function listPatch(shownKeys, rows, changed, keyOf) {
  const oldIndex = new Map(shownKeys.map((key, i) => [key, i]));
  const keep = new Set();
  const draw = new Set();
  let last = -1;
  for (const row of rows) {
    const key = keyOf(row);
    const at = oldIndex.get(key);
    if (at !== undefined && !changed.has(key) && at > last) {
      keep.add(key);
      last = at;
    } else {
      draw.add(key);
    }
  }
  return { keep, draw, remove: shownKeys.filter((key) => !keep.has(key)), order: rows.map(keyOf) };
}

// Whether a re-read may draw now: "defer" while a pointer is pressed on the list (a click's press and release must
// land on the same link, not on a row the drawing put in its place — tried again a moment later), "note" while the
// focus is in a row the drawing would take out (the status line then says the list changed, its « Actualiser »
// draws it), else "draw". The user's own « Actualiser » (`afresh`) draws: the focus is on that button.
export function listRedrawDecision({ pressing = false, focusReplaced = false, afresh = false } = {}) {
  if (afresh) return "draw";
  if (pressing) return "defer";
  return focusReplaced ? "note" : "draw";
}

// What the list says (the page's live region) of the rows that changed: by reference and new state, in its order.
export function listChangesText(rows, changed, kind) {
  const shown = (rows ?? []).filter((row) => changed?.has(kind.keyOf(row)));
  if (!shown.length) return "";
  if (shown.length === 1) return `${kind.one} ${kind.idOf(shown[0])} vient de changer : ${kind.labelOf(shown[0])}.`;
  const named = shown.slice(0, NAMED).map((row) => `${kind.idOf(row)} (${kind.labelOf(row)})`);
  const others = shown.length - NAMED;
  const list = others > 0 ? `${named.join(", ")} et ${others} ${others === 1 ? "autre" : "autres"}`
    : `${named.slice(0, -1).join(", ")} et ${named.at(-1)}`;
  return `${shown.length} ${kind.many} viennent de changer : ${list}.`;
}

// Rows gone from the page (a filter they no longer match, a later page): said, not named — they are no longer shown.
export function listLeftText(count, kind) {
  if (!count) return "";
  return count === 1 ? `${kind.gone[0]} ne figure plus dans cette page de la liste.`
    : `${count} ${kind.gone[1]} ne figurent plus dans cette page de la liste.`;
}

// The status line: when the list was last read (Paris's clock, polledStatusText), how often it is read again, and — a
// change held back while the focus is in a row it would replace — that « Actualiser » shows it.
export function listStatusText(readAt, refreshSeconds, { held = false, rows = null } = {}) {
  if (!readAt) return "";
  const line = polledStatusText(refreshSeconds, readAt);
  return held && rows ? `${line}. ${listHeldText(rows)}` : line;
}

// What a change held back says (the status line, and once the page's live region).
export function listHeldText(kind) {
  return `${kind.some} ont changé : « Actualiser » affiche la liste à jour.`;
}
