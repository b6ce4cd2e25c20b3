// B18 territories: a quote's and an incident's times read on the clock of their territory (QuoteView's, list_quotes'
// rows' and IncidentView's time_zone), through the order's helpers (orderZone, clockNote, rowClock) and rowTimeText.
//   node --test tests/web/   (the results do not depend on the machine's zone: TZ=UTC gives the same)
import assert from "node:assert/strict";
import { test } from "node:test";

import { clockNote, formatDateTime, orderZone, rowTimeText } from "../../web/logic.mjs";
import { incidentChannelText, resolutionClockText } from "../../web/incidents_logic.mjs";

const WINTER = new Date("2026-12-09T12:00:00Z");
const MARTINIQUE = { time_zone: "America/Martinique", time_zone_label: "Heures de la Martinique" };
const PARIS = { time_zone: "Europe/Paris", time_zone_label: "Heures de Paris" };

test("a Martinique quote's request time reads 08:00 on its screen and in its list row, named once", () => {
  // Given a quote requested at 12:00 UTC whose answer names Martinique's clock
  const quote = { ...MARTINIQUE, quote_id: "DEV-972", territory: "972", requested_at: "2026-12-09T12:00:00+00:00" };
  // Then its screen shows 08:00, names the clock once, and its list row says « heure locale »
  assert.equal(formatDateTime(quote.requested_at, orderZone(quote)), "09/12/2026 08:00");
  assert.equal(clockNote(quote, WINTER), "Heures de la Martinique (UTC\u22124)");
  assert.equal(rowTimeText(quote, quote.requested_at, WINTER), "09/12/2026 08:00 (heure locale, UTC\u22124)");
  // And a Paris quote reads 13:00 with no note and no suffix, as an older answer naming no zone does
  for (const paris of [{ ...quote, ...PARIS }, { quote_id: "DEV-old", requested_at: quote.requested_at }]) {
    assert.equal(formatDateTime(paris.requested_at, orderZone(paris)), "09/12/2026 13:00");
    assert.equal(clockNote(paris, WINTER), null);
    assert.equal(rowTimeText(paris, paris.requested_at, WINTER), "09/12/2026 13:00");
  }
  assert.equal(rowTimeText(quote, null, WINTER), "—");
});

test("a Martinique incident's report, workaround and due times read on Martinique's clock", () => {
  // Given an incident reported at 12:00 UTC, counted in Martinique
  const incident = { ...MARTINIQUE, territory: "972", channel: "platform", state: "acknowledged",
    reported_at: "2026-12-09T12:00:00+00:00", due_at: "2026-12-09T16:00:00+00:00",
    workaround_at: "2026-12-09T13:30:00+00:00", follow_up_clock: "24/7", time_to_resolution_hours: 2 };
  // Then its channel line, its workaround and its first-response due time are Fort-de-France's
  assert.equal(incidentChannelText(incident), "sur la plateforme — le 09/12/2026 08:00");
  assert.equal(incidentChannelText({ ...incident, channel: "phone" }), "par téléphone — appel le 09/12/2026 08:00");
  assert.ok(resolutionClockText(incident).includes(
    "Contournement le 09/12/2026 09:30 : le délai de résolution court toujours"));
  assert.equal(rowTimeText(incident, incident.due_at, WINTER), "09/12/2026 12:00 (heure locale, UTC\u22124)");
  assert.equal(clockNote(incident, WINTER), "Heures de la Martinique (UTC\u22124)");
  // And the same incident on Paris's clock (or an answer naming none) reads Paris's
  const paris = { ...incident, ...PARIS };
  assert.equal(incidentChannelText(paris), "sur la plateforme — le 09/12/2026 13:00");
  assert.equal(incidentChannelText({ ...incident, time_zone: undefined }), "sur la plateforme — le 09/12/2026 13:00");
  assert.equal(rowTimeText(paris, paris.due_at, WINTER), "09/12/2026 17:00");
});

test("La Réunion's clock is east of Paris: a quote requested at 05:00 UTC is 09:00 there", () => {
  const reunion = { time_zone: "Indian/Reunion", time_zone_label: "Heures de La Réunion",
    requested_at: "2026-12-09T05:00:00Z" };
  assert.equal(formatDateTime(reunion.requested_at, orderZone(reunion)), "09/12/2026 09:00");
  assert.equal(clockNote(reunion, WINTER), "Heures de La Réunion (UTC+4)");
});
