// B11 mission follow-up in the web app (web/logic.mjs): the titulaire's timesheet with « dont jours sur site »
// (shown unless the mission is fully remote, required on a hybrid one) and the beneficiary's frais-annexes line.
// Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { daysOnSiteField, extraCostsRows, timesheetBody } from "../../web/mission_logic.mjs";

const ORDER = { manager_id: "ben-lyon", order_id: "BC-recette-portail" };
const mission = (work_mode) => ({ mission_id: "recette-portail-mission", work_mode, milestones: [
  { milestone_id: "j1", label: "Stratégie de recette", deliverables: [] }] });
const VALUES = { timesheetId: "TS-1", milestoneId: "j1", periodStart: "06/04/2026", periodEnd: "17/04/2026", days: "6" };

test("« dont jours sur site » is shown unless the mission is fully remote, and required on a hybrid one", () => {
  assert.deepEqual(daysOnSiteField(mission("mixed")), { shown: true, required: true });
  assert.deepEqual(daysOnSiteField(mission("on_site")), { shown: true, required: false });
  assert.deepEqual(daysOnSiteField(mission("remote")), { shown: false, required: false });
  // a mission framed before its work mode was kept: shown, optional (the platform keeps today's rule)
  assert.deepEqual(daysOnSiteField(mission(null)), { shown: true, required: false });
});

test("a hybrid mission's timesheet says its days on site, within its days", () => {
  const missing = timesheetBody(VALUES, ORDER, mission("mixed"));
  assert.deepEqual(missing.errors.map((e) => e.field), ["$.days_on_site"]);
  assert.match(missing.errors[0].message, /mode mixte/);
  const above = timesheetBody({ ...VALUES, daysOnSite: "6,5" }, ORDER, mission("mixed"));
  assert.deepEqual(above.errors.map((e) => e.field), ["$.days_on_site"]);
  const { body, errors } = timesheetBody({ ...VALUES, days: "4,5", daysOnSite: "1,5" }, ORDER, mission("mixed"));
  assert.deepEqual(errors, []);
  assert.deepEqual(body, { beneficiary_id: "ben-lyon", mission_id: "recette-portail-mission", timesheet_id: "TS-1",
    milestone_id: "j1", period_start: "2026-04-06", period_end: "2026-04-17", days: "4.5", days_on_site: "1.5" });
});

test("an on-site mission may leave it empty, a remote one never sends it", () => {
  assert.equal("days_on_site" in timesheetBody(VALUES, ORDER, mission("on_site")).body, false);
  const remote = timesheetBody({ ...VALUES, daysOnSite: "2" }, ORDER, mission("remote"));
  assert.deepEqual(remote.errors, []);
  assert.equal("days_on_site" in remote.body, false);
});

test("bad days and periods are refused on their fields, in French", () => {
  const { errors } = timesheetBody({ ...VALUES, days: "0", periodEnd: "01/04/2026", timesheetId: " " }, ORDER,
    mission("on_site"));
  assert.deepEqual(errors.map((e) => e.field), ["$.timesheet_id", "$.period_end", "$.days"]);
  assert.deepEqual(timesheetBody({ ...VALUES, days: "6.25" }, ORDER, mission("on_site")).errors.map((e) => e.field),
    ["$.days"]);
});

test("the beneficiary's mission screen follows the frais-annexes line, and shows nothing without one", () => {
  const rows = extraCostsRows({ line_id: "frais-annexes", unit_price_cents: 5000, days_planned: "15",
    days_on_site_reported: "3.5", amount_cents: 17500, remaining_days: "11.5", remaining_cents: 57500,
    received: true, days_invoiced: "3.5" });
  const nbsp = (text) => text.replace(/[\u202f\u00a0]/g, " ");
  assert.deepEqual(rows.map(([label, value]) => [label, nbsp(value)]), [
    ["Frais annexes par jour sur site", "50,00 €"], ["Jours prévus", "15 j"],
    ["Jours sur site déclarés", "3,5 j — 175,00 €"], ["Reste", "11,5 j — 575,00 €"], ["Réceptionnée", "oui"],
    ["Jours facturés", "3,5 j"]]);
  assert.deepEqual(extraCostsRows(null), []);
});
