// One order on a screen (A11 real-time view): the order screen (orders.mjs, renderOrder) and the beneficiary's
// mission screen (missions.mjs, renderMission) follow watch_orders through ctx.liveOrders and re-read themselves
// when their order changes — a moment after the change, once for changes that come together. A re-read never
// takes from the user what it is using (redrawDecision in live_logic.mjs):
// - it draws only if the screen is still the one it was read for: not left meanwhile, and no newer drawing
//   started (the user's own refresh after an action, « Actualiser »); checked again once its reads answered;
// - it waits while a pointer is pressed on the screen, so a click's press and release land on the same element;
// - while a form was touched since the drawing (typed in, or sent and showing its answer) or a field or button
//   has the focus, it does not draw: « Cette commande vient de changer » and « Actualiser » instead;
// - when it draws, the focus and the scroll stay where they were (ctx.redraw).
// - every drawing of the screen but the visit (drawingOrder's `visit`) — a form's answer, read again at once or a
//   moment after; « Actualiser »; a re-read on a change — is a redraw, through showOrderScreen: it draws only over
//   the screen it was read for (not after the user left it), keeps the focus and the scroll, and keeps each form
//   the user is at — typed in, holding the focus, or sent and not yet accepted (on its way, or showing its errors) —
//   as it is, with what is typed in it, its answer and the focus (formInUse, keptUnits in live_logic.mjs). The
//   form whose accepted answer caused the drawing is drawn anew, and so, on « Actualiser » (`afresh`), is a form whose
//   sending was refused and not typed in since. A redraw whose reads fail leaves the screen as it is.
// - a change the screen already shows is not read again: the user's own command comes back on the stream too, and a
//   screen drawn whole from a read of the order at or after the event's instant skips it (alreadyShown; the order
//   screen knows get_order's `updated_at`, the mission screen its view's — get_sourcing?view=mission).
// A quote's screen (quotes.mjs, renderQuote), which no stream carries, draws through the same path: read again every
// refresh_seconds (pollScreen), its own « Ce devis vient de changer » note (changedNote).
// One screen at a time, so one state; pure logic in live_logic.mjs (alreadyShown, concernsOrder, laterOf,
// liveStatusText, redrawDecision).
import {
  alreadyShown, concernsOrder, controlKey, formInUse, keptUnits, laterOf, liveStatusText, redrawDecision, unitKey,
} from "./live_logic.mjs";
import { announce, h } from "./ui.mjs";
import { ORDER_CHANGED_TEXT } from "./announce_logic.mjs";

const live = { mode: "polling", touched: false, pending: null, drawing: 0, pressedAt: 0, again: null, shownAt: null,
  changedAt: null };
// A form, or a group of fields sent by its buttons (data-form: the mission's deliverable decisions)
const FORMS = "form, [data-form]";
const CONTROLS = "input, select, textarea, button, [contenteditable]";
const PRESS_MS = 5000;  // a press whose release the page never saw (outside the window) stops holding re-reads
// Since the drawing: the forms typed in, the forms sent and the forms whose sending was accepted (`recorder` in ui.mjs
// says so by a `recorded` event), each with the sequence number of its last input, sending or accepted answer
const use = { seq: 0, typed: new Map(), sent: new Map(), answered: new Map(), kept: [], focusedAt: 0 };
const touch = (event) => {
  const form = event.target?.closest?.(FORMS);
  if (!form) return;
  live.touched = true;
  use.seq += 1;
  (event.type === "submit" ? use.sent : use.typed).set(form, use.seq);
};
// its buttons send such a group (a <form> says so by its submit event)
const sent = (event) => {
  const group = event.target?.closest?.("[data-form] button")?.closest("[data-form]");
  if (!group) return;
  live.touched = true;
  use.seq += 1;
  use.sent.set(group, use.seq);
};
const answered = (event) => {
  const form = event.target?.closest?.(FORMS);
  if (!form) return;
  use.seq += 1;
  use.answered.set(form, use.seq);
};
const onScreen = (node) => Boolean(node?.closest?.("#main"));
if (typeof document !== "undefined") {
  document.addEventListener("input", touch, true);
  document.addEventListener("submit", touch, true);
  document.addEventListener("click", sent, true);
  document.addEventListener("recorded", answered, true);
  document.addEventListener("focusin", () => { use.seq += 1; use.focusedAt = use.seq; }, true);
  document.addEventListener("pointerdown", (event) => { if (onScreen(event.target)) live.pressedAt = Date.now(); }, true);
  // released once the click the release makes has run (it comes right after pointerup, in the same task)
  const release = () => setTimeout(() => { live.pressedAt = 0; }, 0);
  document.addEventListener("pointerup", release, true);
  document.addEventListener("pointercancel", release, true);
}

function decision() {
  const focused = document.activeElement;
  return redrawDecision({ pressing: live.pressedAt > 0 && Date.now() - live.pressedAt < PRESS_MS,
    touched: live.touched, controlFocused: onScreen(focused) && Boolean(focused.matches?.(CONTROLS)) });
}

function showStatus(ctx) {
  const node = document.getElementById("order-live");
  if (node) {
    node.textContent = `Suivi de la commande : ${liveStatusText(live.mode, ctx.config.refresh_seconds)}`;
    node.dataset.live = live.mode;
  }
}

// The screen's note shown, and said once (a note unhidden is not reliably heard: the page's live region says it, ui.mjs
// announce) — the order's « Cette commande vient de changer », a quote's « Ce devis vient de changer » (changedNote).
function showChanged() {
  const note = document.querySelector("#main [data-changed-note]");
  if (!note?.hidden) return;
  note.hidden = false;
  announce(note.dataset.said);
}

// The hidden « … vient de changer — Actualiser » note of a one-record screen: `text` shown, `said` through the announcer
// when it is shown; « Actualiser » draws the screen afresh (`refresh({ afresh: true })`).
export function changedNote(refresh, { id, text, said }) {
  return h("p", { id, className: "hint", role: "status", hidden: true, "data-changed-note": "", "data-said": said },
    text, h("button", { type: "button", className: "secondary", onclick: () => refresh({ afresh: true }) }, "Actualiser"));
}

// The status line and the hidden « Cette commande vient de changer — Actualiser » note, where the screen puts them.
export function liveOrderNodes(refresh) {
  return [h("p", { id: "order-live", className: "status", "aria-live": "polite" }),
    changedNote(refresh, { id: "order-changed", text: "Cette commande vient de changer. ", said: ORDER_CHANGED_TEXT })];
}

// At the start of each drawing (it reads the order afresh, so a re-read still waiting is needless): its ticket,
// which says later whether it may still draw, and how. `visit`: the screen's first drawing, on its route (ctx.show);
// any other is a redraw of the screen on display (showOrderScreen) — `afresh` the user's own « Actualiser ».
export function drawingOrder({ visit = false, afresh = false } = {}) {
  clearTimeout(live.pending);
  live.drawing += 1;
  return { drawing: live.drawing, route: location.hash, visit, afresh };
}

// Whether the drawing of `ticket` is still the screen's: not left, and no newer drawing started since.
export function stillCurrent(ticket) {
  return ticket.drawing === live.drawing && location.hash === ticket.route;
}

// Whether the screen on display is the one `ticket` draws: a redraw never draws over another screen (a form's answer
// read again after the user left its screen).
function onDisplay(ticket) {
  return document.getElementById("main")?.dataset.orderScreen === ticket.route;
}

// Once a drawing's reads answered: whether it may draw now. A redraw only over its own screen; a re-read on a change
// (`reread`) also waits for a click under way (tried again a moment later) and yields to a form in use (the note
// instead).
export function mayDraw(ticket, { reread = false } = {}) {
  if (!stillCurrent(ticket)) return false;
  if (!ticket.visit && !onDisplay(ticket)) return false;
  if (!reread) return true;
  const now = decision();
  if (now === "defer") live.again?.(200);
  else if (now === "note") showChanged();
  return now === "draw";
}

// Draws the screen of `ticket`: ctx.show on a visit; any other drawing — a form's answer, « Actualiser », a re-read on a
// change — is ctx.redraw (focus and scroll kept) keeping the forms in use (formInUse) as they are. The one path of
// every drawing of a one-order screen (the order screen, the mission screen).
export function showOrderScreen(ctx, ticket, title, ...content) {
  use.kept = [];
  if (ticket.visit) {
    const heading = ctx.show(title, ...content);
    drawn(ticket);
    return heading;
  }
  const before = document.getElementById("main");
  const wasOnScreen = onScreen(document.activeElement);
  const focused = wasOnScreen && document.activeElement.matches?.(CONTROLS) ? document.activeElement : null;
  const selection = focused ? selectionOf(focused) : null;
  const inUse = [...(before?.querySelectorAll(FORMS) ?? [])].filter((form) => formInUse({
    typedAt: use.typed.get(form) ?? null, sentAt: use.sent.get(form) ?? null, answeredAt: use.answered.get(form) ?? null,
    pending: form.getAttribute("aria-busy") === "true", focused: Boolean(focused && form.contains(focused)),
    afresh: ticket.afresh }));
  const chains = inUse.map((form) => partsUp(form, before));
  const heading = ctx.redraw(title, ...content);
  const after = document.getElementById("main");
  const present = new Map();
  for (const node of after.querySelectorAll("[id], [aria-labelledby]")) {
    const key = keyOf(node);
    if (key && !present.has(key)) present.set(key, node);
  }
  for (const key of keptUnits(chains.map((chain) => chain.map((part) => part.key)), new Set(present.keys()))) {
    const old = chains.flatMap((chain) => chain).find((part) => part.key === key).node;
    present.get(key).replaceWith(old);
    use.kept.push(...inUse.filter((form) => old.contains(form)));
  }
  if (focused?.isConnected) {  // in a form kept: the focus and the caret where they were
    focused.focus({ preventScroll: true });
    restoreSelection(focused, selection);
  } else if (focused && use.focusedAt > (use.sent.get(focused.closest(FORMS)) ?? 0)) {
    // moved to a field of the form drawn anew (the one just sent) after its sending: its counterpart there; the focus
    // the sending left (its button, the field Enter was pressed in) goes to the form's answer instead (orders.mjs)
    counterpart(focused, before, after)?.focus({ preventScroll: true });
  }
  // what had the focus is gone (the button of the form answered, « Actualiser »): the heading, as a visit does, the
  // scroll where it was
  if (wasOnScreen && !onScreen(document.activeElement)) heading.focus({ preventScroll: true });
  drawn(ticket);
  return heading;
}

// Once drawn: the screen is the ticket's, and nothing is touched on it yet but the forms kept, which stay in use as
// they were (typed in, sent, answered) — a later change offers « Actualiser » rather than draw over them.
function drawn(ticket) {
  document.getElementById("main").dataset.orderScreen = ticket.route;
  const carried = (seqs) => new Map(use.kept.filter((form) => seqs.has(form)).map((form) => [form, seqs.get(form)]));
  use.typed = new Map(use.kept.map((form) => [form, use.typed.get(form) ?? 0]));
  use.sent = carried(use.sent);
  use.answered = carried(use.answered);
  live.touched = use.kept.length > 0;
}

// A form's accepted answer, shown a moment (0.7 s), then the screen read again (`refresh`: a redraw, which keeps the
// other forms in use and draws nothing once the user left the screen). `said`, the answer, is said once the screen is
// drawn again (ui.mjs announce): shown only, it went with its form, and the focus the redraw moves to the heading
// cut it short for a screen reader (RGAA 7.5).
export function redrawAfterAnswer(refresh, said = "") {
  setTimeout(async () => {
    try {
      await refresh();
    } finally {
      announce(said);
    }
  }, 700);
}

// Whether the user is at a field or button of the screen (a drawing's answer then leaves the focus where it is).
export function atControl() {
  const focused = document.activeElement;
  return onScreen(focused) && Boolean(focused.matches?.(CONTROLS));
}

const keyOf = (node) => unitKey({ id: node.id || null, labelledBy: node.getAttribute("aria-labelledby") });

// A form and its ancestors up to the screen's top, innermost first, each with its key.
function partsUp(form, main) {
  const parts = [];
  for (let node = form; node && node !== main; node = node.parentElement) parts.push({ node, key: keyOf(node) });
  return parts;
}

function selectionOf(control) {
  try {
    return control.selectionStart === null || control.selectionStart === undefined ? null
      : [control.selectionStart, control.selectionEnd, control.selectionDirection];
  } catch {
    return null;  // a control without a caret (select, checkbox…)
  }
}

function restoreSelection(control, selection) {
  if (!selection) return;
  try {
    control.setSelectionRange(...selection);
  } catch {
    // a control without a caret
  }
}

// The control of the new drawing standing where `control` stood in the old one: in the form of the same key, the
// control of the same name (or the button of the same text).
function counterpart(control, before, after) {
  const form = control.closest(FORMS);
  const formKey = form ? partsUp(form, before).map((p) => p.key).find(Boolean) : null;
  const key = controlKey({ name: control.name || null, text: control.tagName === "BUTTON" ? control.textContent : null });
  if (!formKey || !key) return null;
  const fresh = [...after.querySelectorAll("[id], [aria-labelledby]")].find((node) => keyOf(node) === formKey);
  return [...(fresh?.querySelectorAll(CONTROLS) ?? [])].find((c) => controlKey({ name: c.name || null,
    text: c.tagName === "BUTTON" ? c.textContent : null }) === key) ?? null;
}

// Once the screen is drawn (showOrderScreen): on the first drawing (follow), the stream is wired —
// reread({ reread: true }) draws the screen again without wiring it twice.
// `shownAt`: the order's `updated_at` as the drawing read it (get_order), when the screen knows it.
export function orderDrawn(ctx, { follow, managerId, orderId, reread, shownAt = null }) {
  live.shownAt = shownAt;
  if (follow) {
    live.mode = "polling";
    followOrder(ctx, managerId, orderId, reread);
  }
  showStatus(ctx);
}

// A one-record screen no stream carries (a quote's, quotes.mjs): read again every refresh_seconds while shown and the tab
// visible (ctx.live, stopped when the screen is left) — reread({ reread: true }), which draws through mayDraw like a
// re-read on a change (a click under way: tried again 0.2 s later; a form in use: the screen's changedNote instead).
export function pollScreen(ctx, reread) {
  live.again = (ms) => { clearTimeout(live.pending); live.pending = setTimeout(() => reread({ reread: true }), ms); };
  ctx.live(() => reread({ reread: true }));
}

function followOrder(ctx, managerId, orderId, reread) {
  const route = location.hash;
  live.changedAt = null;
  const again = () => {
    if (location.hash !== route) return;  // the screen was left while the re-read waited
    if (alreadyShown(live.changedAt, live.shownAt)) return;  // its own change, read since: nothing new to draw
    const now = decision();
    if (now === "defer") return soon(200);
    if (now === "note") return showChanged();
    return reread({ reread: true });
  };
  // Re-read a moment after a change, once for changes that come together; a drawing of the screen meanwhile
  // (the screen's own refresh after its user's action, which caused the change) makes it needless.
  const soon = (ms = 800) => { clearTimeout(live.pending); live.pending = setTimeout(again, ms); };
  live.again = soon;
  let first = true;  // the stream's first `ready` comes right after this screen's own reads
  ctx.liveOrders({
    refresh: () => { if (first) first = false; else soon(); },
    onOrder: (event) => {
      if (!concernsOrder(event, managerId, orderId)) return;
      live.changedAt = laterOf(live.changedAt, event.updated_at);
      soon();
    },
    onMode: (mode) => { live.mode = mode; showStatus(ctx); },
  });
}
