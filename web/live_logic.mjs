// Pure logic of the push channel (A11 real-time view): reading Server-Sent Events from watch_orders'
// stream, the reconnect delays, what the screen says about freshness, and which events concern a
// screen. No DOM, no network — tested with `node --test` (tests/web/live_logic.test.mjs); live.mjs
// wires it to fetch() and the page.

// Server-Sent Events from text chunks that may cut a line or an event anywhere. `push(chunk)` returns
// the events completed by this chunk: { event, data } (data: the `data:` lines joined, parsed as JSON
// when it is JSON). Comments (`: battement`) and `retry:` are not events.
export function sseParser() {
  let buffer = "";
  let event = null;
  let data = [];
  let pendingCR = false;  // a chunk ended on "\r": its "\n" may start the next one
  return {
    push(chunk) {
      let raw = (pendingCR ? "\r" : "") + chunk;
      pendingCR = raw.endsWith("\r");
      if (pendingCR) raw = raw.slice(0, -1);
      buffer += raw.replace(/\r\n?/g, "\n");
      const done = [];
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === "") {
          if (data.length) done.push({ event: event ?? "message", data: parseData(data.join("\n")) });
          event = null;
          data = [];
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (name === "event") event = value;
          else if (name === "data") data.push(value);
        }
      }
      return done;
    },
  };
}

function parseData(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Delay before the n-th reconnect after a failure (n = 1, 2…): 1 s, 2 s, 4 s… up to 30 s, with up
// to 20 % of jitter (`random` in [0, 1)) so that clients cut together do not come back together.
// A stream the server ended normally (`end`) reconnects at once: failures = 0.
export function backoffDelay(failures, random = Math.random, { base = 1000, max = 30000 } = {}) {
  if (failures <= 0) return 0;
  const delay = Math.min(max, base * 2 ** (failures - 1));
  return Math.round(delay * (1 - 0.2 * random()));
}

// What the screen says about freshness: « en direct » while the stream is open, else the polling it
// falls back to.
export function liveStatusText(mode, refreshSeconds) {
  return mode === "live" ? "en direct" : `actualisation toutes les ${refreshSeconds} s`;
}

// Whether an `order` event concerns the order a screen shows.
export function concernsOrder(event, managerId, orderId) {
  return Boolean(event) && event.manager_id === managerId && event.order_id === orderId;
}

// Whether an `order` event may change an orders list shown with these filters (listState.filters). The
// stream carries only the caller's orders; a contractor's list narrowed to one manager ignores the others'.
// State and lateness cannot be judged from an event (an order may just have left the state filtered on),
// so any other event re-reads the page.
export function concernsList(event, { managerId } = {}) {
  if (!event) return false;
  return !managerId || event.manager_id === managerId;
}

// The order a beneficiary's mission screen follows ({ managerId, orderId }), or null: the mission's order is
// its beneficiary's (the stream names it by the beneficiary's id, as its « manager »); a mission whose order
// could not be read (no `order` in the view) and any other role follow nothing.
export function missionOrder(mission, claims) {
  if (!mission?.order_id || !mission.order || claims?.role !== "beneficiary" || !claims.tenant) return null;
  return { managerId: claims.tenant, orderId: mission.order_id };
}

// Whether the latest change an `order` event announced (its `updated_at`) is already on a one-order screen, read at
// `shownAt` (get_order's `updated_at`: the same instant, from the same record). The user's own command — a
// timesheet, a document — comes back on the stream too: the screen already showing it need not be read again,
// nor offer « Actualiser ». Unknown on either side (a screen that does not know it, an old event): not shown.
export function alreadyShown(changedAt, shownAt) {
  const changed = Date.parse(changedAt ?? "");
  const shown = Date.parse(shownAt ?? "");
  return Number.isFinite(changed) && Number.isFinite(shown) && changed <= shown;
}

// The later of two instants given as ISO texts (either may be missing): what a screen has shown, or been told of.
export function laterOf(a, b) {
  if (!Number.isFinite(Date.parse(a ?? ""))) return b ?? null;
  if (!Number.isFinite(Date.parse(b ?? ""))) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

// Whether a re-read of a one-order screen (the order screen, the mission screen) may draw it again now, when its
// order changed: "defer" while a pointer is pressed on the screen (a click is under way: its press and its
// release must land on the same element, not on one the redraw put in its place — retried a moment later),
// "note" while the user is at the screen — a form touched since the drawing (typed in, or sent and showing its
// answer), or a field or button holding the focus (about to be typed in or pressed) — then « Actualiser » rather
// than replace it, else "draw".
export function redrawDecision({ pressing = false, touched = false, controlFocused = false } = {}) {
  if (pressing) return "defer";
  if (touched || controlFocused) return "note";
  return "draw";
}

// --- a drawing of the screen again keeps the forms the user is at ----------------------------------------------------
// Every drawing of a one-order screen but the visit — the answer of one of its forms (read again a moment after, or at
// once: the titulaire's accepted timesheet, renderOrder's `kept`), « Actualiser », a re-read on a change — draws it
// whole again, yet a form the user is at meanwhile is kept as it is, its node moved into the new drawing in place of
// its counterpart, with what is typed and chosen in it, its answer or its errors, and the focus.
// Whether a form is in use, from `typedAt` (the sequence number of the last input in it since the screen was drawn,
// null: none), `sentAt` (of its last sending, null: not sent), `answeredAt` (of the last accepted answer to a sending
// of it, null: none), `pending` (a sending of it on its way), `focused` (it holds the focus) and `afresh` (the drawing
// is the user's own « Actualiser »). Never sent: typed in, or holding the focus. Typed in after its last sending: in
// use. Its last sending accepted: drawn anew (its values cleared; its answer shown by the drawing it caused, when the
// screen keeps one). Else — on its way, refused with its errors shown, or stopped by the page's own check — in use,
// but for « Actualiser », which keeps only a sending on its way: the refusal concerned the order as it was, and the
// user asked for the order as it is (a sequence already passed, an order become final).
export function formInUse({ typedAt = null, sentAt = null, answeredAt = null, pending = false, focused = false,
  afresh = false } = {}) {
  const known = (seq) => seq !== null && seq !== undefined;
  if (!known(sentAt)) return known(typedAt) || focused;
  if (known(typedAt) && typedAt > sentAt) return true;
  if (known(answeredAt) && answeredAt > sentAt) return false;
  return afresh ? pending : true;
}

// What identifies a part of a one-order screen from one drawing to the next: its id, else the heading it is labelled
// by; null for a part that has neither (field ids are drawn anew each time, a form's are fixed).
export function unitKey({ id = null, labelledBy = null } = {}) {
  if (id) return `id:${id}`;
  return labelledBy ? `labelledby:${labelledBy}` : null;
}

// What identifies a control inside its form from one drawing to the next: its name, else a button's text.
export function controlKey({ name = null, text = null } = {}) {
  if (name) return `name:${name}`;
  return text ? `text:${text}` : null;
}

// The parts to keep: each form in use gives the keys of itself and of its ancestors up to the screen's top (`chains`,
// innermost first, null for a part without a key); it is kept as the innermost part the new drawing also has
// (`present`, a Set of keys) — a move's form opened meanwhile, absent from a new drawing, is kept with its section —,
// and a part inside another one kept is kept with it. None present: the form is drawn anew (nothing to put it in).
export function keptUnits(chains, present) {
  const chosen = chains.map((chain) => chain.find((key) => key !== null && present.has(key)) ?? null);
  const kept = new Set(chosen.filter(Boolean));
  return [...kept].filter((key) => !chains.some((chain, i) => chosen[i] === key
    && chain.slice(chain.indexOf(key) + 1).some((outer) => outer !== key && kept.has(outer))));
}

// --- a list follows one row (A11 real-time view) ---------------------------------------------------------------
// The key of a list row: an order id is unique in its space only.
export function rowKey(row) {
  return `${row.manager_id}/${row.order_id}`;
}

// How an orders list follows an `order` event: "ignore" (not its concern, concernsList), "row" (it reads that one
// order's row again: list_orders order_id=, with the list's own filters), or "page" (it reads its page again) — on
// a later page (a changed order, most recent activity now, moves to the first page), or when more orders changed
// together than rows are worth reading one by one (`pending`: the orders already waiting, `maxRows`).
// A list searching one reference (`orderId`) follows the orders of that reference only — as list_orders searches it:
// trimmed, regardless of case (sameReference). A list searching by « Référence ou objet » (`search`, list_orders q=)
// follows every order of its scope: an event does not carry the title, so the changed order's row is read with the
// search (rowFilters keeps it) and list_orders answers whether the search finds it — no row: it is not (or no longer)
// in the list. A search's list has one page: its row is always read, unless too many changed together.
export function listUpdate(event, { managerId, orderId, search } = {}, { firstPage = true, pending = 0, maxRows = 5 } = {}) {
  if (!concernsList(event, { managerId })) return "ignore";
  if (orderId && !sameReference(event.order_id, orderId)) return "ignore";
  return (firstPage || search?.trim()) && pending < maxRows ? "row" : "page";
}

// Whether an order's reference is the one a person typed: spaces around it aside, regardless of case (« bc-2026-014 »
// is « BC-2026-014 », as list_orders?order_id= and list_quotes?quote_id= search it).
export function sameReference(reference, typed) {
  return (reference ?? "").trim().toLowerCase() === (typed ?? "").trim().toLowerCase() && Boolean((typed ?? "").trim());
}

// The filters of one order's row query (listQuery plus order_id): the list's own — its search too (q=): an order
// that no longer matches them, or that the search does not find, comes back as no row — and, for a contractor, the
// order's space (its event's manager_id).
export function rowFilters(event, filters, role) {
  return { ...filters, managerId: role === "contractor" ? event.manager_id : "", cursor: null,
    orderId: event.order_id };
}

// The rows of a list once one order's row was read again (`row`, or null: the order left the list — its filters,
// or the caller's scope): the old row goes, the new one takes its place in activity order (updated_at, most
// recent first) — unless it falls past the last row of a page that has more (`more`): it belongs to a later page.
export function withRow(rows, key, row, { more = false } = {}) {
  const others = (rows ?? []).filter((r) => rowKey(r) !== key);
  if (!row) return others;
  const at = Date.parse(row.updated_at);
  const index = others.findIndex((r) => Date.parse(r.updated_at) < at);
  if (index < 0) return more ? others : [...others, row];
  return [...others.slice(0, index), row, ...others.slice(index)];
}
