// B18 territories: an order's screen shows and reads its times on the clock of the order's territory (get_order's
// time_zone), and a list shows an overseas order's dates on its own clock (list_orders' time_zone).
//   node --test tests/web/   (also under TZ=UTC, TZ=America/New_York, TZ=Europe/Paris: the results are the same)
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  answerDueText, clockNote, formatDateTime, frenchDateTimeOf, nowIsoIn, offsetIn, orderZone, rowClock, utcOffsetText,
} from "../../web/logic.mjs";
import { buildExecutionReport, rowScheduleText, scheduleText } from "../../web/orders_logic.mjs";

const MARTINIQUE = { time_zone: "America/Martinique", time_zone_label: "Heures de la Martinique", territory: "972" };
const PARIS = { time_zone: "Europe/Paris", time_zone_label: "Heures de Paris", territory: "69" };
const WINTER = new Date("2026-12-09T12:00:00Z");
const SUMMER = new Date("2026-07-03T12:00:00Z");

test("08:00 typed on a Martinique order's form is 08:00 in Martinique: 12:00 UTC, not 08:00 Paris", () => {
  // Given the contractor's execution form on an order whose view names Martinique's clock
  const form = { state: "scheduled", event_label: "Rendez-vous pris", occurred_at: "09/12/2026 07:30",
    appointment__start: "10/12/2026 08:00", appointment__end: "10/12/2026 10:00" };
  const { report, errors } = buildExecutionReport(form, { managerId: "mgr-test", orderId: "BC-B18-972", sequence: 1 },
    offsetIn(orderZone(MARTINIQUE)));
  // Then every time it sends is Fort-de-France's wall clock, with its offset (UTC−4, no summer time)
  assert.deepEqual(errors, []);
  assert.equal(report.occurred_at, "2026-12-09T07:30:00-04:00");
  assert.equal(report.appointment.start, "2026-12-10T08:00:00-04:00");
  assert.equal(new Date(report.appointment.start).toISOString(), "2026-12-10T12:00:00.000Z");
  // And the same form on a Paris order reads Paris's, winter and summer
  assert.equal(offsetIn(orderZone(PARIS))("2026-12-10T08:00"), 60);
  assert.equal(offsetIn(orderZone(PARIS))("2026-07-10T08:00"), 120);
  // And La Réunion's is four hours east, Nouméa's eleven
  assert.equal(offsetIn("Indian/Reunion")("2026-12-10T08:00"), 240);
  assert.equal(offsetIn("Pacific/Noumea")("2026-12-10T08:00"), 660);
});

test("an order's times are shown on its territory's clock, and the form is prefilled with its wall clock", () => {
  // Given the appointment stored at 12:00 UTC
  const order = { appointment: { start: "2026-12-10T12:00:00Z", end: "2026-12-10T14:00:00Z" } };
  // Then the Martinique order's screen shows 08:00 → 10:00, a Paris order's 13:00 → 15:00
  assert.equal(scheduleText(order, orderZone(MARTINIQUE)), "RDV 10/12/2026 08:00 → 10/12/2026 10:00");
  assert.equal(scheduleText(order, orderZone(PARIS)), "RDV 10/12/2026 13:00 → 10/12/2026 15:00");
  assert.equal(scheduleText(order), "RDV 10/12/2026 13:00 → 10/12/2026 15:00");
  assert.equal(formatDateTime("2026-12-10T12:00:00Z", orderZone(MARTINIQUE)), "10/12/2026 08:00");
  // And "now" prefilled in its form is Fort-de-France's, sent with its offset
  assert.equal(frenchDateTimeOf(WINTER, orderZone(MARTINIQUE)), "09/12/2026 08:00");
  assert.equal(nowIsoIn(orderZone(MARTINIQUE), WINTER), "2026-12-09T08:00:00-04:00");
  assert.equal(nowIsoIn(orderZone(PARIS), SUMMER), "2026-07-03T14:00:00+02:00");
  // And a view naming no clock (an older answer) is Paris's
  assert.equal(orderZone({}), "Europe/Paris");
  assert.equal(orderZone(undefined), "Europe/Paris");
});

test("the screen names its clock once when it is not Paris's, with the offset of the day", () => {
  assert.equal(clockNote(MARTINIQUE, WINTER), "Heures de la Martinique (UTC\u22124)");
  assert.equal(clockNote({ time_zone: "Indian/Reunion", time_zone_label: "Heures de La Réunion" }, WINTER),
    "Heures de La Réunion (UTC+4)");
  // Saint-Pierre-et-Miquelon has a summer time: the offset is the day's
  const miquelon = { time_zone: "America/Miquelon", time_zone_label: "Heures de Saint-Pierre-et-Miquelon" };
  assert.equal(clockNote(miquelon, WINTER), "Heures de Saint-Pierre-et-Miquelon (UTC\u22123)");
  assert.equal(clockNote(miquelon, SUMMER), "Heures de Saint-Pierre-et-Miquelon (UTC\u22122)");
  // Paris's clock, or none named: no note
  assert.equal(clockNote(PARIS, WINTER), null);
  assert.equal(clockNote({}, WINTER), null);
  // Offsets with minutes, and UTC itself
  assert.equal(utcOffsetText("Pacific/Marquesas", WINTER), "UTC\u22129:30");
  assert.equal(utcOffsetText("UTC", WINTER), "UTC");
  assert.equal(utcOffsetText("Europe/Paris", SUMMER), "UTC+2");
});

test("a list shows an overseas order's dates on its own clock, marked, and every other row on Paris's", () => {
  const row = { appointment: { start: "2026-12-10T12:00:00Z" }, time_zone: "America/Martinique" };
  assert.equal(rowScheduleText(row, WINTER), "RDV 10/12/2026 08:00 (heure locale, UTC\u22124)");
  assert.deepEqual(rowClock(row, WINTER), { zone: "America/Martinique", suffix: " (heure locale, UTC\u22124)" });
  // A Paris row, or a row whose clock is unknown (null): Paris's, unmarked
  assert.equal(rowScheduleText({ ...row, time_zone: "Europe/Paris" }, WINTER), "RDV 10/12/2026 13:00");
  assert.equal(rowScheduleText({ ...row, time_zone: null }, WINTER), "RDV 10/12/2026 13:00");
  // Nothing scheduled: nothing to mark
  assert.equal(rowScheduleText({ time_zone: "America/Martinique" }, WINTER), "—");
});

test("a requested quote says by when it must be answered, on its territory's clock (B16 D3)", () => {
  // D3 of a mission quote in Martinique ends at midnight starting 28 May there (04:00 UTC): the last day is the 27th
  const quote = { ...MARTINIQUE, state: "requested", answer_due_at: "2026-05-28T04:00:00Z" };
  const EARLY = new Date("2026-03-01T00:00:00Z");  // before every due time below
  assert.equal(answerDueText(quote, "", EARLY), "Réponse attendue au plus tard le 27/05/2026");
  // in a list, an overseas row says its clock
  assert.equal(answerDueText(quote, rowClock(quote, new Date("2026-05-20T12:00:00Z")).suffix, EARLY),
    "Réponse attendue au plus tard le 27/05/2026 (heure locale, UTC−4)");
  // on Paris's clock (a quote with no time zone): midnight starting 10 March in Paris is 23:00 UTC on the 9th
  assert.equal(answerDueText({ state: "requested", answer_due_at: "2026-03-09T23:00:00Z" }, "", EARLY),
    "Réponse attendue au plus tard le 09/03/2026");
  // a due time that is not midnight is written with its hour
  assert.equal(answerDueText({ state: "requested", answer_due_at: "2026-03-09T15:30:00Z" }, "", EARLY),
    "Réponse attendue au plus tard le 09/03/2026 à 16:30");
  // once the due time has passed with the quote still unanswered (D3 missed): « — en retard », on either screen
  const before = new Date("2026-05-28T03:59:00Z");
  const after = new Date("2026-05-28T04:00:00Z");
  assert.equal(answerDueText(quote, "", before), "Réponse attendue au plus tard le 27/05/2026");
  assert.equal(answerDueText(quote, "", after), "Réponse attendue au plus tard le 27/05/2026 — en retard");
  assert.equal(answerDueText(quote, " (heure locale, UTC−4)", after),
    "Réponse attendue au plus tard le 27/05/2026 (heure locale, UTC−4) — en retard");
  // nothing awaited: submitted, raised by the contractor, or requested before the due date was kept
  assert.equal(answerDueText({ ...quote, state: "submitted" }, "", after), null);
  assert.equal(answerDueText({ ...quote, state: "submitted" }), null);
  assert.equal(answerDueText({ state: "submitted", answer_due_at: null }), null);
  assert.equal(answerDueText({ state: "requested", answer_due_at: null }), null);
  assert.equal(answerDueText({ state: "requested" }), null);
});
