// A list read again while it is shown (A11 real-time view): the beneficiary's « Mes besoins » (sourcing.mjs) and every
// role's « Devis » (quotes.mjs). watch_orders carries no change of a need or a quote, so the list reads its page again
// every refresh_seconds while the tab is visible (ctx.live: stopped when the screen is left), and on « Actualiser ».
// A re-read never draws under the user's hand:
// - only the rows that changed are drawn again (and the new ones put in, the gone ones taken out): every other <tr>
//   stays as it is, never moved — its links, the focus on one of them; the filters, the page and any form of the
//   screen (« Demander un devis ») are outside the list and untouched;
// - while a pointer is pressed on the list it waits (tried again every 0.2 s), so a click's press and release land on
//   the same link;
// - while the focus is in a row it would take out, it does not draw: the status line says the list changed, and its
//   « Actualiser » draws it;
// - the rows that changed are highlighted (and « vient de changer » for a screen reader), and said in the page's live
//   region; « Actualisé à hh:mm:ss » says when the list was last read.
// Pure logic in live_list_logic.mjs (changedKeys, listPatch, listRedrawDecision, listChangesText, listStatusText).
import {
  changedKeys, listChangesText, listHeldText, listLeftText, listPatch, listRedrawDecision, listStatusText,
} from "./live_list_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { announce, errorBox, h, messagesOf } from "./ui.mjs";

const PRESS_MS = 5000;  // a press whose release the page never saw stops holding re-reads
const RETRY_MS = 200;

// liveList(ctx, { kind, columns, drawRow, read, empty, onPage }) → { tbody, nodes, load }
//   kind: QUOTE_ROWS or NEED_ROWS (live_list_logic.mjs); columns: how many (the empty row spans them)
//   drawRow(row): its <tr>; read(): a promise of { rows, … } (the page as read); empty(): the text of an empty list
//   onPage(page): after each drawing (the pager, a column's title)
//   load({ reset }): reads and draws — `reset` a new filter or page: drawn whole, nothing highlighted
export function liveList(ctx, { kind, columns, drawRow, read, empty, onPage = () => {} }) {
  const tbody = h("tbody", {}, h("tr", {}, h("td", { colspan: columns, className: "empty" }, "Chargement…")));
  const errors = h("div");
  const status = h("p", { className: "status", "data-live": "polling" });  // seen, not said at each read
  const refresh = h("button", { type: "button", className: "secondary", onclick: () => load({ afresh: true }) },
    "Actualiser");
  let rows = null;  // as drawn; null before the first drawing, or after a reset
  let readAt = null;
  let held = false;
  const latest = latestOnly();  // a later read (a filter, a page, « Actualiser ») wins over one still under way
  let pressedAt = 0;
  let again = null;

  const showStatus = () => { status.textContent = listStatusText(readAt, ctx.config.refresh_seconds, { held, rows: kind }); };
  tbody.addEventListener("pointerdown", () => {
    pressedAt = Date.now();
    // released once the click the release makes has run (it comes right after pointerup, in the same task)
    const release = () => setTimeout(() => { pressedAt = 0; }, 0);
    window.addEventListener("pointerup", release, { once: true, capture: true });
    window.addEventListener("pointercancel", release, { once: true, capture: true });
  });

  const mark = (tr) => {
    tr.classList.add("changed");
    // a changed row is not told by its colour alone (RGAA 3.1)
    tr.querySelector("td")?.append(h("span", { className: "visually-hidden changed-note" }, " (vient de changer)"));
  };
  const unmark = (tr) => {
    tr.classList.remove("changed");
    tr.querySelectorAll(".changed-note").forEach((note) => note.remove());
  };

  function patch(plan, list, changed) {
    tbody.querySelectorAll("tr:not([data-key])").forEach((tr) => tr.remove());  // the empty list's row
    const byKey = new Map([...tbody.querySelectorAll("tr[data-key]")].map((tr) => [tr.dataset.key, tr]));
    for (const key of plan.remove) byKey.get(key)?.remove();
    if (changed.size) for (const key of plan.keep) unmark(byKey.get(key));  // the previous changes are no longer new
    let next = tbody.firstElementChild;
    for (const row of list) {
      const key = kind.keyOf(row);
      if (plan.keep.has(key)) {
        next = byKey.get(key).nextElementSibling;
        continue;
      }
      const tr = drawRow(row);
      tr.dataset.key = key;
      if (changed.has(key)) mark(tr);
      tbody.insertBefore(tr, next);
    }
    if (!list.length) tbody.append(h("tr", {}, h("td", { colspan: columns, className: "empty" }, empty())));
  }

  function apply(page, { turn, afresh }) {
    if (!turn.current() || (rows !== null && !tbody.isConnected)) return;  // a later read, or a screen left meanwhile
    const changed = changedKeys(rows, page.rows, kind);
    const shown = [...tbody.querySelectorAll("tr[data-key]")].map((tr) => tr.dataset.key);
    const plan = listPatch(shown, page.rows, changed, kind.keyOf);
    const focusRow = tbody.contains(document.activeElement) ? document.activeElement.closest("tr[data-key]") : null;
    const decision = rows === null ? "draw" : listRedrawDecision({ afresh,
      pressing: pressedAt > 0 && Date.now() - pressedAt < PRESS_MS,
      focusReplaced: Boolean(focusRow && plan.remove.includes(focusRow.dataset.key)) });
    if (decision === "defer") {
      again = setTimeout(() => apply(page, { turn, afresh }), RETRY_MS);
      return;
    }
    if (decision === "note") {
      if (!held) {
        held = true;
        showStatus();
        announce(listHeldText(kind));
      }
      return;
    }
    const first = rows === null;
    const left = plan.remove.filter((key) => !plan.order.includes(key)).length;
    patch(plan, page.rows, changed);
    rows = page.rows;
    held = false;
    readAt = new Date();
    showStatus();
    errors.replaceChildren();
    onPage(page);
    if (!first) announce([listChangesText(rows, changed, kind), listLeftText(left, kind)].filter(Boolean).join(" "));
  }

  async function load({ reset = false, afresh = false } = {}) {
    const turn = latest();
    clearTimeout(again);
    if (reset) {
      rows = null;
      held = false;
    }
    let page;
    try {
      page = await turn(read());
    } catch (err) {
      // a failed re-read leaves the list as drawn; a first read says why it is empty
      if (err.status === 401) return;
      errors.replaceChildren(errorBox(messagesOf(err)));
      if (rows === null) tbody.replaceChildren();
      return;
    }
    if (reset) tbody.replaceChildren();
    apply(page, { turn, afresh });
  }

  // read again every refresh_seconds while the tab is visible; the route stops the timer with the screen
  ctx.live(() => { if (tbody.isConnected) load(); });
  return { tbody, nodes: [errors, h("div", { className: "list-live" }, status, refresh)], load };
}
