// B18 territories on the penalties and sourcing screens: a statement's, a need's, a mission's and an agreement's
// times read on the clock their answer names (Statement's, NeedView's, MissionView's, AgreementView's and the need
// rows' time_zone), with the order screen's note; the statement's first month is the beneficiary's.
//   node --test tests/web/   (the results do not depend on the machine's zone: TZ=UTC gives the same)
import assert from "node:assert/strict";
import { test } from "node:test";

import { decisionText } from "../../web/deliverable_logic.mjs";
import { formatDateTime, monthIn, orderZone, rowTimeText, screenClockNote } from "../../web/logic.mjs";
import { penaltyDecisionText } from "../../web/penalties_logic.mjs";

const WINTER = new Date("2026-12-09T12:00:00Z");
const MARTINIQUE = { time_zone: "America/Martinique", time_zone_label: "Heures de la Martinique" };
const REUNION = { time_zone: "Indian/Reunion", time_zone_label: "Heures de La Réunion" };
const PARIS = { time_zone: "Europe/Paris", time_zone_label: "Heures de Paris" };

test("a statement counted in Martinique names its clock once and gives each decision's time there", () => {
  // Given a statement whose lines were all counted in Martinique, one disputed at 12:00 UTC
  const line = { ...MARTINIQUE, entry_id: "e1", status: "disputed", decided_at: "2026-12-09T12:00:00+00:00" };
  const statement = { ...MARTINIQUE, lines: [line, { ...MARTINIQUE, entry_id: "e2", status: "accrued" }] };
  // Then the screen names Martinique's clock once and the decision reads 08:00, with no suffix
  assert.equal(screenClockNote(statement, "statement", WINTER), "Heures de la Martinique (UTC\u22124) : les jours et "
    + "les heures de ce relevé sont ceux du territoire où ses délais ont couru.");
  assert.equal(penaltyDecisionText(line, statement, WINTER), "contestée le 09/12/2026 08:00");
  // And a line never decided says nothing
  assert.equal(penaltyDecisionText(statement.lines[1], statement, WINTER), null);
});

test("a statement whose lines ran on two clocks names none, and each overseas decision says « heure locale »", () => {
  const statement = { time_zone: null, time_zone_label: null };
  const reunion = { ...REUNION, status: "waived", decided_at: "2026-12-09T12:00:00+00:00" };
  // upheld: due again (accrued), its last decision « uphold » (get_penalty_statement's last_decision)
  const paris = { ...PARIS, status: "accrued", last_decision: "uphold", decided_at: "2026-12-09T12:00:00+00:00" };
  assert.equal(screenClockNote(statement, "statement", WINTER), null);
  assert.equal(penaltyDecisionText(reunion, statement, WINTER), "remise le 09/12/2026 16:00 (heure locale, UTC+4)");
  assert.equal(penaltyDecisionText(paris, statement, WINTER), "maintenue le 09/12/2026 13:00");
  // A Paris statement has no note
  assert.equal(screenClockNote({ ...PARIS }, "statement", WINTER), null);
});

test("the month a statement opens on is the current one on the beneficiary's clock, not the browser's", () => {
  // 1 March 2026, 02:00 UTC: 03:00 in Paris, still 28 February 22:00 in Martinique
  const instant = new Date("2026-03-01T02:00:00Z");
  assert.equal(monthIn("America/Martinique", instant), "2026-02");
  assert.equal(monthIn("Europe/Paris", instant), "2026-03");
  assert.equal(monthIn(undefined, instant), "2026-03");  // a manager's or a contractor's: Paris's
});

test("a need, a mission and an agreement of a beneficiary in Martinique show their times there, named once", () => {
  const need = { ...MARTINIQUE, need_id: "n1", submitted_at: "2026-12-09T12:00:00+00:00" };
  assert.equal(formatDateTime(need.submitted_at, orderZone(need)), "09/12/2026 08:00");
  assert.match(screenClockNote(need, "need", WINTER), /^Heures de la Martinique \(UTC\u22124\) : les heures de ce besoin/);
  // its row in « Mes besoins »
  assert.equal(rowTimeText(need, need.submitted_at, WINTER), "09/12/2026 08:00 (heure locale, UTC\u22124)");
  // a mission's deliverable decision
  const mission = { ...MARTINIQUE, mission_id: "n1-mission" };
  assert.equal(decisionText({ decision: "accepted", decided_at: "2026-12-09T12:00:00+00:00", decided_by: null },
    orderZone(mission)), "accepté le 09/12/2026 08:00");
  assert.match(screenClockNote(mission, "mission", WINTER), /^Heures de la Martinique \(UTC\u22124\) : les heures de cette mission/);
  assert.match(screenClockNote({ ...MARTINIQUE }, "agreement", WINTER), /dates d'effet sont des jours de ce territoire, où ses délais commencent\.$/);
  // A beneficiary in Lyon, or an older answer naming no clock: Paris's, no note
  for (const view of [{ ...PARIS }, {}]) {
    assert.equal(screenClockNote(view, "need", WINTER), null);
    assert.equal(formatDateTime(need.submitted_at, orderZone(view)), "09/12/2026 13:00");
  }
});
