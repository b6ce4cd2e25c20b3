// The titulaire's screens (B11 timesheets on its mission's order, B10 its invoice's seller) and the « Actualisé à »
// of the lists, on Paris's clock. Run with `node --test tests/web/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { refreshedText } from "../../web/logic.mjs";
import { milestoneDaysRows, timesheetRows } from "../../web/mission_logic.mjs";
import { supplierDefaults } from "../../web/invoice_logic.mjs";

// get_order's `mission` as shared/service/order_store.py writes it (tests/unit/test_mission_follow_up.py reads the
// same figures from the service)
const MISSION = {
  mission_id: "m1", work_mode: "mixed",
  milestones: [
    { milestone_id: "j1", label: "Stratégie de recette", deliverables: [], days_planned: 10, days_reported: "7.5",
      days_on_site_reported: "3.5", days_remaining: "2.5" },
    { milestone_id: "j2", label: "Campagne", deliverables: [], days_planned: 5, days_reported: "5",
      days_on_site_reported: "0", days_remaining: "0" }],
  timesheets: [
    { timesheet_id: "ts-1", milestone_id: "j1", period_start: "2026-04-06", period_end: "2026-04-10", days: "4",
      days_on_site: "2", comment: null, submitted_at: "2026-04-10T16:00:00+00:00" },
    { timesheet_id: "ts-3", milestone_id: "j2", period_start: "2026-06-01", period_end: "2026-06-05", days: "5",
      days_on_site: "0", comment: "Campagne de recette", submitted_at: "2026-06-05T16:00:00+00:00" },
    { timesheet_id: "ts-9", milestone_id: "j9", period_start: "2026-06-08", period_end: "2026-06-08", days: "0.5",
      days_on_site: "0.5", submitted_at: "2026-06-08T16:00:00+00:00" }],
};

test("each milestone says its days planned, declared (of which on site) and left, in French", () => {
  assert.deepEqual(milestoneDaysRows(MISSION), [
    { milestoneId: "j1", label: "Stratégie de recette (j1)", planned: "10 j", reported: "7,5 j", onSite: "3,5 j",
      remaining: "2,5 j" },
    { milestoneId: "j2", label: "Campagne (j2)", planned: "5 j", reported: "5 j", onSite: "0 j", remaining: "0 j" }]);
  assert.deepEqual(milestoneDaysRows(null), []);
});

test("each timesheet shows its period in French dates, its milestone by name, its days and days on site", () => {
  assert.deepEqual(timesheetRows(MISSION), [
    { timesheetId: "ts-1", period: "du 06/04/2026 au 10/04/2026", milestone: "Stratégie de recette (j1)", days: "4 j",
      onSite: "2 j", comment: "" },
    { timesheetId: "ts-3", period: "du 01/06/2026 au 05/06/2026", milestone: "Campagne (j2)", days: "5 j",
      onSite: "0 j", comment: "Campagne de recette" },
    // a milestone the mission no longer lists is named by its id
    { timesheetId: "ts-9", period: "du 08/06/2026 au 08/06/2026", milestone: "j9", days: "0,5 j", onSite: "0,5 j",
      comment: "" }]);
  assert.deepEqual(timesheetRows({ milestones: [] }), []);
});

test("« Actualisé à » reads Paris's clock whatever the browser's zone", () => {
  const before = process.env.TZ;
  process.env.TZ = "UTC";  // a machine set to UTC, as the tester's
  try {
    const at = new Date("2026-06-10T14:14:05Z");
    assert.equal(at.toLocaleTimeString("fr-FR"), "14:14:05");  // what the screens showed
    assert.equal(refreshedText(at), "Actualisé à 16:14:05");  // summer: Paris is UTC+2
    assert.equal(refreshedText(new Date("2026-01-10T23:30:00Z")), "Actualisé à 00:30:00");  // winter, after midnight
  } finally {
    if (before === undefined) delete process.env.TZ; else process.env.TZ = before;
  }
});

test("the invoice form offers the seller the registry holds of the contractor, blank without one", () => {
  assert.deepEqual(supplierDefaults({ siret: "73282932000074", name: "Titulaire SAS " }),
    { siret: "73282932000074", name: "Titulaire SAS" });
  assert.deepEqual(supplierDefaults(null), { siret: "", name: "" });
  assert.deepEqual(supplierDefaults(undefined), { siret: "", name: "" });
});
