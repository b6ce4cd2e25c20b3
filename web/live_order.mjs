// One order on a screen (A11 real-time view): the order screen (orders.mjs, renderOrder) and the beneficiary's
// mission screen (sourcing.mjs, renderMission) follow watch_orders through ctx.liveOrders and re-read themselves
// when their order changes — a moment after the change, once for changes that come together — unless one of
// their forms was touched since they were drawn (typed in, or sent and showing its answer): then « Cette commande
// vient de changer » and « Actualiser » rather than wipe what was typed or answered. One screen at a time, so
// one state; pure logic in live_logic.mjs (concernsOrder, liveStatusText).
import { concernsOrder, liveStatusText } from "./live_logic.mjs";
import { h } from "./ui.mjs";

const live = { mode: "polling", touched: false, pending: null };
// A form, or a group of fields sent by its buttons (data-form: the mission's deliverable decisions)
const FORMS = "form, [data-form]";
const touch = (event) => { if (event.target?.closest?.(FORMS)) live.touched = true; };
// its buttons send such a group (a <form> says so by its submit event)
const sent = (event) => { if (event.target?.closest?.("[data-form] button")) live.touched = true; };
if (typeof document !== "undefined") {
  document.addEventListener("input", touch, true);
  document.addEventListener("submit", touch, true);
  document.addEventListener("click", sent, true);
}

function showStatus(ctx) {
  const node = document.getElementById("order-live");
  if (node) {
    node.textContent = `Suivi de la commande : ${liveStatusText(live.mode, ctx.config.refresh_seconds)}`;
    node.dataset.live = live.mode;
  }
}

// The status line and the hidden « Cette commande vient de changer — Actualiser » note, where the screen puts them.
export function liveOrderNodes(refresh) {
  return [h("p", { id: "order-live", className: "status", "aria-live": "polite" }),
    h("p", { id: "order-changed", className: "hint", role: "status", hidden: true },
      "Cette commande vient de changer. ", h("button", { type: "button", className: "secondary", onclick: refresh },
        "Actualiser"))];
}

// At the start of each drawing: it reads the order afresh, so a re-read still pending is needless.
export function drawingOrder() {
  clearTimeout(live.pending);
}

// Once the screen is drawn: nothing is touched yet; on the first drawing (follow), the stream is wired — reread()
// draws the screen again without wiring it twice.
export function orderDrawn(ctx, { follow, managerId, orderId, reread }) {
  live.touched = false;
  if (follow) {
    live.mode = "polling";
    followOrder(ctx, managerId, orderId, reread);
  }
  showStatus(ctx);
}

function followOrder(ctx, managerId, orderId, reread) {
  const route = location.hash;
  const again = () => {
    if (location.hash !== route) return;  // the screen was left while the re-read waited
    if (live.touched) {
      const note = document.getElementById("order-changed");
      if (note) note.hidden = false;
      return;
    }
    reread();
  };
  // Re-read a moment after a change, once for changes that come together; a drawing of the screen meanwhile
  // (the screen's own refresh after its user's action, which caused the change) makes it needless.
  const soon = () => { clearTimeout(live.pending); live.pending = setTimeout(again, 800); };
  let first = true;  // the stream's first `ready` comes right after this screen's own reads
  ctx.liveOrders({
    refresh: () => { if (first) first = false; else soon(); },
    onOrder: (event) => { if (concernsOrder(event, managerId, orderId)) soon(); },
    onMode: (mode) => { live.mode = mode; showStatus(ctx); },
  });
}
