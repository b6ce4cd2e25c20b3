// The push channel's pure logic (web/live_logic.mjs, A11 real-time view): run with `node --test tests/web/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  alreadyShown, backoffDelay, concernsList, concernsOrder, controlKey, formInUse, keptUnits, laterOf, listUpdate,
  liveStatusText, missionOrder, redrawDecision, rowFilters, rowKey, sseParser, unitKey, withRow,
} from "../../web/live_logic.mjs";
import { listQuery } from "../../web/orders_logic.mjs";

const STREAM = "retry: 3000\n\n: flux des commandes ouvert\n\nevent: ready\ndata: {\"as_of\":\"2026-03-04T09:15:00+00:00\"}\n\n"
  + "event: order\ndata: {\"manager_id\":\"mgr-test\",\"order_id\":\"BC-1\",\"state\":\"acknowledged\"}\n\n"
  + ": battement\n\nevent: end\ndata: {\"reason\":\"lifetime\"}\n\n";

test("the parser gives each event of watch_orders' stream, skipping comments and the retry hint", () => {
  const events = sseParser().push(STREAM);
  assert.deepEqual(events.map((e) => e.event), ["ready", "order", "end"]);
  assert.deepEqual(events[1].data, { manager_id: "mgr-test", order_id: "BC-1", state: "acknowledged" });
  assert.deepEqual(events[2].data, { reason: "lifetime" });
});

test("the parser joins events cut anywhere across chunks, and CRLF line ends", () => {
  // Given the same stream cut every 7 characters, then with CRLF line ends cut every 3
  for (const [text, size] of [[STREAM, 7], [STREAM.replaceAll("\n", "\r\n"), 3]]) {
    const parser = sseParser();
    const events = [];
    for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
    // Then it gives the same three events, and none before an event is complete
    assert.deepEqual(events.map((e) => e.event), ["ready", "order", "end"]);
    assert.equal(events[1].data.order_id, "BC-1");
  }
  const parser = sseParser();
  assert.deepEqual(parser.push("event: order\ndata: {\"order_id\""), []);
  assert.deepEqual(parser.push(":\"BC-2\"}\n\n"), [{ event: "order", data: { order_id: "BC-2" } }]);
});

test("a data that is not JSON stays text, and an event without a name is a message", () => {
  assert.deepEqual(sseParser().push("data: bonjour\ndata: tout le monde\n\n"),
    [{ event: "message", data: "bonjour\ntout le monde" }]);
});

test("reconnects back off 1 s, 2 s, 4 s… up to 30 s after failures, at once after a normal end", () => {
  const noJitter = () => 0;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, noJitter)),
    [0, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  // With the largest jitter, a delay shrinks by a fifth at most
  assert.equal(backoffDelay(3, () => 0.999999), 3200);
});

test("the screen says « en direct » on the stream and the polling period otherwise, in French", () => {
  assert.equal(liveStatusText("live", 15), "en direct");
  assert.equal(liveStatusText("polling", 15), "actualisation toutes les 15 s");
  assert.equal(liveStatusText("connecting", 15), "actualisation toutes les 15 s");
});

test("an order event concerns the order screen of that manager's order only", () => {
  const event = { manager_id: "mgr-test", order_id: "BC-1", state: "acknowledged" };
  assert.ok(concernsOrder(event, "mgr-test", "BC-1"));
  assert.ok(!concernsOrder(event, "mgr-other", "BC-1"));
  assert.ok(!concernsOrder(event, "mgr-test", "BC-2"));
  assert.ok(!concernsOrder(null, "mgr-test", "BC-1"));
});

test("a list re-reads on any of the caller's order changes, unless it is narrowed to another manager", () => {
  // Given a contractor's order changing in mgr-test's space
  const event = { manager_id: "mgr-test", order_id: "BC-1", state: "cancelled" };
  // Then every list re-reads, whatever its state or lateness filter (the order may just have left it)…
  assert.ok(concernsList(event, {}));
  assert.ok(concernsList(event));
  assert.ok(concernsList(event, { managerId: "", state: "to_acknowledge", lateOnly: true }));
  assert.ok(concernsList(event, { managerId: "mgr-test" }));
  // …but one narrowed to another manager does not, nor does a missing event
  assert.ok(!concernsList(event, { managerId: "mgr-other" }));
  assert.ok(!concernsList(null, {}));
});

test("a beneficiary's mission screen follows its mission's order, named by the beneficiary's id", () => {
  // Given a mission view with its order read, opened by its beneficiary
  const mission = { mission_id: "MIS-1", order_id: "BC-MIS-1", order: { order_id: "BC-MIS-1", state: "acknowledged" } };
  const beneficiary = { role: "beneficiary", tenant: "ben-test" };
  const followed = missionOrder(mission, beneficiary);
  // Then it follows that order in the beneficiary's space: an event on it concerns the screen, others do not
  assert.deepEqual(followed, { managerId: "ben-test", orderId: "BC-MIS-1" });
  assert.ok(concernsOrder({ manager_id: "ben-test", order_id: "BC-MIS-1", state: "in_progress" },
    followed.managerId, followed.orderId));
  assert.ok(!concernsOrder({ manager_id: "ben-test", order_id: "BC-MIS-2", state: "in_progress" },
    followed.managerId, followed.orderId));
  // And nothing is followed when its order could not be read, nor by a role the stream does not serve
  assert.equal(missionOrder({ ...mission, order: undefined }, beneficiary), null);
  assert.equal(missionOrder({ ...mission, order_id: "" }, beneficiary), null);
  assert.equal(missionOrder(mission, { role: "operator", tenant: "platform" }), null);
  assert.equal(missionOrder(null, beneficiary), null);
});

test("a one-order screen is drawn again on a change only when nothing on it is in the user's hands", () => {
  // Given nothing pressed, touched nor focused: the re-read draws
  assert.equal(redrawDecision({}), "draw");
  assert.equal(redrawDecision(), "draw");
  // When a pointer is pressed on the screen (a click under way), it waits and tries again, whatever else holds
  assert.equal(redrawDecision({ pressing: true }), "defer");
  assert.equal(redrawDecision({ pressing: true, touched: true, controlFocused: true }), "defer");
  // When a form was touched, or a field or button has the focus, it offers « Actualiser » instead
  assert.equal(redrawDecision({ touched: true }), "note");
  assert.equal(redrawDecision({ controlFocused: true }), "note");
});

const ROWS = [
  { manager_id: "mgr-a", order_id: "BC-3", updated_at: "2026-03-04T09:03:00+00:00", state: "in_progress" },
  { manager_id: "mgr-a", order_id: "BC-2", updated_at: "2026-03-04T09:02:00+00:00", state: "acknowledged" },
  { manager_id: "mgr-b", order_id: "BC-2", updated_at: "2026-03-04T09:01:00+00:00", state: "acknowledged" },
];
const keys = (rows) => rows.map(rowKey);

test("a list re-reads one row on its first page, its page on a later page or when many orders changed together", () => {
  const event = { manager_id: "mgr-a", order_id: "BC-2", state: "scheduled" };
  assert.equal(listUpdate(event, {}), "row");
  assert.equal(listUpdate(event, {}, { firstPage: false }), "page");
  assert.equal(listUpdate(event, {}, { pending: 5 }), "page");
  assert.equal(listUpdate(event, { managerId: "mgr-b" }), "ignore");
  assert.equal(listUpdate(null, {}), "ignore");
});

test("a list searching one reference follows that order only, in every space", () => {
  const event = { manager_id: "mgr-a", order_id: "BC-2", state: "scheduled" };
  // the search « BC-2 »: its order's change re-reads its row; another order's change is none of this list's
  assert.equal(listUpdate(event, { orderId: "BC-2" }), "row");
  assert.equal(listUpdate({ ...event, manager_id: "mgr-b" }, { orderId: "BC-2" }), "row");
  assert.equal(listUpdate({ ...event, order_id: "BC-3" }, { orderId: "BC-2" }), "ignore");
  // the reference as typed: trimmed, regardless of case, as list_orders searches it
  assert.equal(listUpdate(event, { orderId: " bc-2 " }), "row");
  assert.equal(listUpdate({ ...event, order_id: "bc-2" }, { orderId: "BC-2" }), "row");
  assert.equal(listUpdate({ ...event, order_id: "BC-20" }, { orderId: "bc-2" }), "ignore");
  assert.equal(listQuery({ orderId: "BC-2", state: "scheduled" }), "state=scheduled&order_id=BC-2");
});

test("a list searching by « Référence ou objet » re-reads a changed order's row with the search, whatever its reference", () => {
  const event = { manager_id: "mgr-a", order_id: "BC-2", state: "scheduled" };
  // an event does not carry the title: the row is read with q= and list_orders says whether the search finds it
  assert.equal(listUpdate(event, { search: "fuite" }), "row");
  assert.equal(listUpdate({ ...event, order_id: "XY-9" }, { search: "bc-2" }), "row");
  assert.equal(listUpdate(event, { search: "fuite", managerId: "mgr-b" }), "ignore");  // another client's space
  assert.equal(listUpdate(event, { search: "fuite" }, { pending: 5 }), "page");  // many at once: the list read again
  assert.equal(listQuery(rowFilters(event, { search: " fuite ", state: "scheduled" }, "contractor")),
    "state=scheduled&manager_id=mgr-a&order_id=BC-2&q=fuite");
  assert.equal(listQuery({ search: "   " }), "");  // a blank search: the whole list
});

test("one row's query keeps the list's filters, names the space for a contractor, and never a cursor", () => {
  const event = { manager_id: "mgr-a", order_id: "BC-2" };
  const filters = { state: "scheduled", lateOnly: true, contractorId: "ctr-x", managerId: "" };
  assert.equal(listQuery(rowFilters(event, { ...filters, cursor: "abc" }, "manager")),
    "state=scheduled&contractor_id=ctr-x&late=true&order_id=BC-2");
  assert.equal(listQuery(rowFilters(event, { managerId: "" }, "contractor")), "manager_id=mgr-a&order_id=BC-2");
  assert.equal(listQuery(rowFilters(event, {}, "beneficiary")), "order_id=BC-2");
  // the « Site » filter stays on the row's query: an order no longer under the site leaves the list
  assert.equal(listQuery(rowFilters(event, { nodeId: "VAULX" }, "manager")), "node_id=VAULX&order_id=BC-2");
});

test("a row read again takes its place by activity, leaves when the order left the list, and stays on its page", () => {
  // When mgr-a's BC-2 changed last, it comes first; the other rows keep their order (same names, other spaces apart)
  const moved = { ...ROWS[1], updated_at: "2026-03-04T09:05:00+00:00", state: "scheduled" };
  const after = withRow(ROWS, "mgr-a/BC-2", moved);
  assert.deepEqual(keys(after), ["mgr-a/BC-2", "mgr-a/BC-3", "mgr-b/BC-2"]);
  assert.equal(after[0].state, "scheduled");
  // When no row came back (out of the list's filters now), the row goes
  assert.deepEqual(keys(withRow(ROWS, "mgr-a/BC-2", null)), ["mgr-a/BC-3", "mgr-b/BC-2"]);
  // When a new order comes, it is added in its place; one older than the page's last row belongs to a later page
  const newest = { manager_id: "mgr-a", order_id: "BC-9", updated_at: "2026-03-04T09:06:00+00:00" };
  assert.deepEqual(keys(withRow(ROWS, "mgr-a/BC-9", newest)), ["mgr-a/BC-9", ...keys(ROWS)]);
  const oldest = { manager_id: "mgr-a", order_id: "BC-0", updated_at: "2026-03-04T08:00:00+00:00" };
  assert.deepEqual(keys(withRow(ROWS, "mgr-a/BC-0", oldest)), [...keys(ROWS), "mgr-a/BC-0"]);
  assert.deepEqual(keys(withRow(ROWS, "mgr-a/BC-0", oldest, { more: true })), keys(ROWS));
  // And an empty or unread list takes the row alone
  assert.deepEqual(keys(withRow(null, "mgr-a/BC-9", newest)), ["mgr-a/BC-9"]);
});

// A11 real-time view: a change the one-order screen already shows (its own command, back on the stream) is not read
// again; the instants are get_order's and the event's `updated_at`, Python ISO texts with microseconds.
test("alreadyShown: an event no later than the screen's reading is shown; unknown either side is not", () => {
  const read = "2026-03-03T10:00:00.654321+00:00";
  assert.equal(alreadyShown("2026-03-03T10:00:00.654321+00:00", read), true);
  assert.equal(alreadyShown("2026-03-03T09:59:59.100000+00:00", read), true);
  assert.equal(alreadyShown("2026-03-03T11:00:00.000001+01:00", read), true);  // the same day, another offset
  assert.equal(alreadyShown("2026-03-03T10:00:01.000000+00:00", read), false);  // a later change: read again
  assert.equal(alreadyShown("2026-03-03T10:00:01+00:00", null), false);  // the mission screen knows no instant
  assert.equal(alreadyShown(null, read), false);
  assert.equal(alreadyShown("pas une date", read), false);
});

test("laterOf keeps the latest instant told, whichever side is missing", () => {
  const a = "2026-03-03T10:00:00.100000+00:00";
  const b = "2026-03-03T10:00:02.000000+00:00";
  assert.equal(laterOf(a, b), b);
  assert.equal(laterOf(b, a), b);
  assert.equal(laterOf(null, a), a);
  assert.equal(laterOf(a, undefined), a);
  assert.equal(laterOf(null, null), null);
});

test("a redraw after one form's accepted answer keeps the forms typed in meanwhile, not the one answered", () => {
  // Given the timesheet form sent (sequence 3) and accepted (sequence 5)
  // Then a form typed in before the drawing and never sent is in use: kept with what it holds
  assert.equal(formInUse({ typedAt: 2 }), true);
  // and the form just answered is drawn anew (its sent values cleared, its answer kept)…
  assert.equal(formInUse({ typedAt: 2, sentAt: 3, answeredAt: 5 }), false);
  assert.equal(formInUse({ sentAt: 3, answeredAt: 5, focused: true }), false);  // its button still focused by the click
  // …unless the user typed in it again after sending it (the next timesheet, begun during the read)
  assert.equal(formInUse({ typedAt: 4, sentAt: 3, answeredAt: 5 }), true);
  // and a form merely focused (a field tabbed into, about to be typed in) is kept; an untouched one is not
  assert.equal(formInUse({ focused: true }), true);
  assert.equal(formInUse({}), false);
  assert.equal(formInUse(), false);
  // a form kept by the previous drawing stays in use (its typing counted from 0)
  assert.equal(formInUse({ typedAt: 0 }), true);
});

test("a form sent and not accepted is in use: its sending on its way, its refusal shown, its page check's errors", () => {
  // Given the invoice form sent (sequence 3) while another form's answer draws the screen again
  // Then, its answer not yet come, it is kept: the answer will land in it, not in a form the drawing threw away
  assert.equal(formInUse({ typedAt: 2, sentAt: 3 }), true);
  // and refused (or stopped by the page's own check, which records nothing): kept with its errors and its values
  assert.equal(formInUse({ typedAt: 2, sentAt: 3, answeredAt: null }), true);
  // an earlier sending accepted, then sent again and not yet answered: in use again
  assert.equal(formInUse({ typedAt: 6, sentAt: 7, answeredAt: 5 }), true);
  // a form kept that way by the previous drawing (typed from 0, its sending carried over) once accepted: drawn anew
  assert.equal(formInUse({ typedAt: 0, sentAt: 3, answeredAt: 9 }), false);
  // a deliverable's decision group sent by its button, never typed in: kept until accepted
  assert.equal(formInUse({ sentAt: 4 }), true);
  assert.equal(formInUse({ sentAt: 4, answeredAt: 6 }), false);
});

test("« Actualiser » draws anew a form refused and not typed in since, and keeps one typed in or on its way", () => {
  // Given the lines form refused (the order became final meanwhile: ORDER_TERMINATED) and the user asking afresh
  // Then it is drawn anew on the order as it is — the same form is kept by any other drawing
  assert.equal(formInUse({ typedAt: 2, sentAt: 3, afresh: true }), false);
  assert.equal(formInUse({ typedAt: 2, sentAt: 3, afresh: false }), true);
  // a sending still on its way is kept (its answer lands in it), and so is a form typed in since its refusal
  assert.equal(formInUse({ typedAt: 2, sentAt: 3, pending: true, afresh: true }), true);
  assert.equal(formInUse({ typedAt: 4, sentAt: 3, afresh: true }), true);
  // a form typed in and never sent, or holding the focus, is kept as by every drawing
  assert.equal(formInUse({ typedAt: 2, afresh: true }), true);
  assert.equal(formInUse({ focused: true, afresh: true }), true);
  assert.equal(formInUse({ sentAt: 3, answeredAt: 4, afresh: true }), false);
});

test("a form in use is put back in the new drawing as the innermost part the drawing also has", () => {
  assert.equal(unitKey({ id: "timesheet", labelledBy: "timesheet-title" }), "id:timesheet");
  assert.equal(unitKey({ labelledBy: "moves-title" }), "labelledby:moves-title");
  assert.equal(unitKey({}), null);
  assert.equal(controlKey({ name: "timesheet_id" }), "name:timesheet_id");
  assert.equal(controlKey({ text: "Déclarer" }), "text:Déclarer");
  assert.equal(controlKey({}), null);
  const present = new Set(["id:timesheet", "labelledby:timesheets-title", "id:upload", "labelledby:moves-title",
    "id:line-statuses-form", "labelledby:lines-title"]);
  // the timesheet form as itself, not its section (whose tables the drawing shows anew)
  assert.deepEqual(keptUnits([["id:timesheet", "labelledby:timesheets-title"]], present), ["id:timesheet"]);
  // a move's form the user opened during the read, which the new drawing does not have open: with its section
  assert.deepEqual(keptUnits([["id:execution", null, "labelledby:moves-title"]], present), ["labelledby:moves-title"]);
  // two forms in use, each in its place; the same form named twice is kept once
  assert.deepEqual(keptUnits([["id:upload"], ["id:timesheet", "labelledby:timesheets-title"], ["id:upload"]], present),
    ["id:upload", "id:timesheet"]);
  // a form inside a part kept whole is kept with it, not moved out of it
  assert.deepEqual(keptUnits([["id:execution", null, "labelledby:moves-title"],
    ["id:inner", "labelledby:moves-title"]], new Set(["id:inner", "labelledby:moves-title"])), ["labelledby:moves-title"]);
  // a form whose parts the new drawing has none of (the section is gone: a final order): drawn anew, nothing kept
  assert.deepEqual(keptUnits([["id:execution", null, "labelledby:moves-title"]], new Set(["id:timesheet"])), []);
  assert.deepEqual(keptUnits([], present), []);
});
