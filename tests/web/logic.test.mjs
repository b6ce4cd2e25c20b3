// Pure logic of the web application (web/logic.mjs), run with Node's built-in test runner:
//   node --test tests/web/
// tests/unit/test_web_logic.py runs it from pytest, so ./scripts/test covers it.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  STATE_LABELS, errorsByField, fieldOf, frenchDateTimeOf, localDateTimeToIso, parisOffsetOf, stateLabel,
} from "../../web/logic.mjs";
import {
  NO_STATE_CHANGE, buildExecutionReport, changedRows, listQuery, nextSequence, scheduleText, stateOptions,
} from "../../web/orders_logic.mjs";
import { authErrorMessage, decodeClaims, needsRefresh } from "../../web/session_logic.mjs";

const PARIS_WINTER = () => 60;
const ORDER = { managerId: "mgr-rhone-habitat", orderId: "BC-2026-0101", sequence: 3 };

test("every state of the A6 annex has its French contractual label", () => {
  // Given the annex's eight states, in French
  const annex = ["à prendre en compte", "pris en compte", "planifié", "en cours", "terminé", "réceptionné",
    "facturé", "clôturé"];
  // Then the labels of the platform's states are exactly those, plus the three stops
  assert.deepEqual(Object.values(STATE_LABELS).slice(0, 8), annex);
  assert.equal(stateLabel("on_hold"), "suspendu");
  assert.equal(stateLabel("cannot_complete"), "non réalisable");
});

test("the form offers no state change first, then only the next states get_order gave, in French", () => {
  // Given the next states of a scheduled order for its contractor (get_order's next_states)
  const options = stateOptions(["in_progress", "on_hold", "cannot_complete"]);
  // Then the form offers "no change" (an event or progress only) and exactly those, labelled in French
  assert.deepEqual(options, [
    { value: "", label: NO_STATE_CHANGE }, { value: "in_progress", label: "en cours" },
    { value: "on_hold", label: "suspendu" }, { value: "cannot_complete", label: "non réalisable" }]);
  // And a terminal order (nothing next), or an answer without next_states, offers no state at all
  assert.deepEqual(stateOptions([]), [{ value: "", label: "(pas de changement d'état)" }]);
  assert.deepEqual(stateOptions(undefined).map((o) => o.value), [""]);
  // And a state the labels do not know is still offered under its own name rather than hidden
  assert.deepEqual(stateOptions(["new_state"]).at(-1), { value: "new_state", label: "new_state" });
});

test("a datetime-local value gets the offset of its own local time", () => {
  assert.equal(localDateTimeToIso("2026-03-03T09:00", 60), "2026-03-03T09:00:00+01:00");
  assert.equal(localDateTimeToIso("2026-07-03T09:00", 120), "2026-07-03T09:00:00+02:00");
  assert.equal(localDateTimeToIso("2026-07-03T09:00:30", -210), "2026-07-03T09:00:30-03:30");
  assert.equal(localDateTimeToIso("03/07/2026 09:00", 60), null);
  assert.equal(localDateTimeToIso("", 60), null);
});

test("a time typed in a form is Paris's, whatever zone the browser's machine is set to (B8 standard browsers)", () => {
  // Given wall-clock times in Paris, in winter, in summer and on both days the clocks change
  // Then each reads with Paris's offset of that day, not the browser's (these tests run in any TZ)
  assert.equal(parisOffsetOf("2026-12-09T08:00"), 60);
  assert.equal(parisOffsetOf("2026-07-03T09:00"), 120);
  assert.equal(parisOffsetOf("2026-03-29T01:59"), 60); // the last minute of winter time
  assert.equal(parisOffsetOf("2026-03-29T03:00"), 120); // the first of summer time
  assert.equal(parisOffsetOf("2026-03-29T02:30"), 60); // a time the clock skips reads as winter time
  assert.equal(parisOffsetOf("2026-10-25T03:30"), 60); // after the autumn change
  assert.equal(parisOffsetOf("2026-10-24T23:30"), 120);
  assert.equal(localDateTimeToIso("2026-12-09T08:00", parisOffsetOf("2026-12-09T08:00")), "2026-12-09T08:00:00+01:00");
  // And another zone, when asked, is that zone's
  assert.equal(parisOffsetOf("2026-12-09T08:00", "America/Cayenne"), -180);
  assert.equal(parisOffsetOf("not a time"), 0);
});

test("the time a form is prefilled with is Paris's wall clock of that instant", () => {
  // Given instants in UTC
  // Then the form shows them as a person in Paris reads a clock, whatever the browser's zone
  assert.equal(frenchDateTimeOf(new Date("2026-12-09T07:05:00Z")), "09/12/2026 08:05");
  assert.equal(frenchDateTimeOf(new Date("2026-07-03T22:30:00Z")), "04/07/2026 00:30"); // already tomorrow in Paris
  assert.equal(frenchDateTimeOf(new Date("2026-12-31T23:00:00Z")), "01/01/2027 00:00");
  assert.equal(frenchDateTimeOf(new Date("2026-12-09T07:05:00Z"), "UTC"), "09/12/2026 07:05");
});

test("a scheduling report carries only what the contractor filled in", () => {
  // Given a form that schedules the order with an appointment and names the site lead
  const form = { state: "scheduled", event_label: "  Rendez-vous pris  ", occurred_at: "2026-03-03T09:00",
    progress: "10", site_lead__last_name: "Martin", site_lead__first_name: "Léa",
    site_lead__mobile: "06 12 34 56 78", appointment__start: "2026-03-05T08:30", appointment__end: "",
    planned_start: "", invoice_date: "" };
  // When the payload is built
  const { report, errors } = buildExecutionReport(form, ORDER, PARIS_WINTER);
  // Then it is the ExecutionReport of submit_execution, without empty fields
  assert.deepEqual(errors, []);
  assert.deepEqual(report, {
    manager_id: "mgr-rhone-habitat", order_id: "BC-2026-0101", sequence: 3,
    occurred_at: "2026-03-03T09:00:00+01:00", event: { label: "Rendez-vous pris" }, state: "scheduled",
    progress: 10, site_lead: { last_name: "Martin", first_name: "Léa", mobile: "06 12 34 56 78" },
    appointment: { start: "2026-03-05T08:30:00+01:00" },
  });
});

test("a completion report carries actual dates and the invoice date", () => {
  const form = { state: "completed", event_label: "Travaux terminés", occurred_at: "2026-03-06T17:00",
    actual_start: "2026-03-05T08:30", actual_end: "2026-03-06T16:45", invoice_date: "2026-03-07", progress: "100" };
  const { report, errors } = buildExecutionReport(form, ORDER, PARIS_WINTER);
  assert.deepEqual(errors, []);
  assert.equal(report.actual_start, "2026-03-05T08:30:00+01:00");
  assert.equal(report.actual_end, "2026-03-06T16:45:00+01:00");
  assert.equal(report.invoice_date, "2026-03-07");
  assert.equal(report.progress, 100);
  assert.equal(report.appointment, undefined);
});

test("a form without label, date or with a wrong progress is stopped before sending, in French", () => {
  const { errors } = buildExecutionReport({ event_label: " ", occurred_at: "", progress: "120" }, ORDER, PARIS_WINTER);
  assert.deepEqual(errors.map((e) => [e.field, e.code]), [
    ["$.occurred_at", "REQUIRED"], ["$.event.label", "REQUIRED"], ["$.progress", "OUT_OF_RANGE"]]);
  assert.match(errors[0].message, /date et l'heure/);
});

test("API error paths map to the form's fields; the rest is shown above the form", () => {
  assert.equal(fieldOf("$.site_lead.mobile"), "site_lead.mobile");
  assert.equal(fieldOf("$.line_statuses[0].line_id"), "line_statuses");
  assert.equal(fieldOf("query.state"), "state");
  assert.equal(fieldOf("$"), "");
  assert.equal(fieldOf("header.Idempotency-Key"), "");
  // Given a rejected report (problem+json, A4)
  const problem = { status: 422, detail: "…", errors: [
    { field: "$.site_lead.mobile", code: "INVALID_PHONE", message: "Numéro de mobile français invalide." },
    { field: "$.planned_start", code: "MISSING_FIELD_FOR_TRANSITION", message: "Le passage à l'état « planifié » exige …" },
    { field: "$.sequence", code: "SEQUENCE_OUTDATED", message: "Numéro de séquence 3 déjà dépassé." },
  ] };
  // When grouped by the fields the form has
  const known = new Set(["site_lead.mobile", "planned_start", "state"]);
  const byField = errorsByField(problem, known);
  // Then each message is next to its field, and the sequence error (no input) goes on top
  assert.deepEqual(byField.get("site_lead.mobile"), ["Numéro de mobile français invalide."]);
  assert.equal(byField.get("planned_start").length, 1);
  assert.deepEqual(byField.get(""), ["Numéro de séquence 3 déjà dépassé."]);
  // And a problem without errors still shows its detail
  assert.deepEqual(errorsByField({ status: 500, detail: "Erreur interne" }).get(""), ["Erreur interne"]);
});

test("sign-in errors of Identity Toolkit are told in French without saying which part was wrong", () => {
  assert.equal(authErrorMessage({ error: { message: "INVALID_PASSWORD" } }), "Adresse e-mail ou mot de passe incorrect.");
  assert.equal(authErrorMessage({ error: { message: "EMAIL_NOT_FOUND" } }), "Adresse e-mail ou mot de passe incorrect.");
  assert.match(authErrorMessage({ error: { message: "TOO_MANY_ATTEMPTS_TRY_LATER : Too many" } }), /Trop de tentatives/);
  assert.match(authErrorMessage({}), /Connexion impossible/);
});

test("the claims of an ID token are read for display, and a token is refreshed a minute early", () => {
  const payload = Buffer.from(JSON.stringify({ user_id: "u1", email: "léa@example.fr", role: "contractor",
    tenant: "ctr-acme", exp: 2000 })).toString("base64url");
  const claims = decodeClaims(`eyJhbGciOiJub25lIn0.${payload}.`);
  assert.deepEqual(claims, { uid: "u1", email: "léa@example.fr", role: "contractor", tenant: "ctr-acme", exp: 2000,
    password_change_required: false });
  const marked = Buffer.from(JSON.stringify({ user_id: "u1", role: "contractor", tenant: "ctr-acme", exp: 2000,
    password_change_required: true })).toString("base64url");
  assert.equal(decodeClaims(`eyJhbGciOiJub25lIn0.${marked}.`).password_change_required, true);
  assert.equal(decodeClaims("not-a-token"), null);
  assert.equal(needsRefresh({ expiresAt: 2000 }, 1900), false);
  assert.equal(needsRefresh({ expiresAt: 2000 }, 1941), true);
  assert.equal(needsRefresh(null, 0), true);
});

test("the list query leaves empty filters out and the next sequence follows the last applied", () => {
  assert.equal(listQuery({ state: "", contractorId: "ctr-acme", lateOnly: true, cursor: "abc" }),
    "contractor_id=ctr-acme&late=true&cursor=abc");
  assert.equal(listQuery({}), "");
  assert.equal(nextSequence({ last_sequence: 4 }), 5);
  assert.equal(nextSequence({ last_sequence: 0 }), 1);
});

test("the schedule column prefers the appointment, then planned, then requested dates", () => {
  assert.match(scheduleText({ appointment: { start: "2026-03-05T08:30:00+01:00" }, planned_start: "x" }), /^RDV 05\/03\/2026/);
  assert.match(scheduleText({ planned_start: "2026-03-05T08:30:00+01:00", planned_end: "2026-03-06T08:30:00+01:00" }),
    /^Prévu 05\/03\/2026.*06\/03\/2026/);
  assert.match(scheduleText({ requested_start: "2026-03-05" }), /^Souhaité 05\/03\/2026/);
  assert.equal(scheduleText({}), "—");
});

test("a refresh highlights only the rows whose activity changed", () => {
  const before = [{ manager_id: "m", order_id: "A", updated_at: "1" }, { manager_id: "m", order_id: "B", updated_at: "1" }];
  const after = [{ manager_id: "m", order_id: "A", updated_at: "2" }, { manager_id: "m", order_id: "B", updated_at: "1" },
    { manager_id: "m", order_id: "C", updated_at: "1" }];
  assert.deepEqual([...changedRows(before, after)].sort(), ["m/A", "m/C"]);
  assert.equal(changedRows(null, after).size, 0, "the first load highlights nothing");
});
