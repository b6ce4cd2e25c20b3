// B18 territories, B12 replacement: a mission's replacements are shown on the mission's clock (MissionView's
// time_zone, the mission screen names it once), the titulaire's order screen on the order's, and each row of the
// operator's « Remplacements » on its own (AwaitingReplacement's time_zone) with « (heure locale, UTC−4) »; their
// calendar dates (departure, notice, D5/D6's day) are local already and shown as they are.
import assert from "node:assert/strict";
import { test } from "node:test";

import { orderZone } from "../../web/logic.mjs";
import { awaitingRequestedText, orderMissionProfessional, replacementRows } from "../../web/replacement_logic.mjs";

const MARTINIQUE = { territory: "972", time_zone: "America/Martinique", time_zone_label: "Heures de la Martinique" };
const deadline = (code, due) => ({ code, due, met: true, started_at: "2026-12-01T12:00:00Z", unit: "calendar_days",
  calendar: "holidays:972" });
// Requested at 08:00 and replaced at 09:30 in Fort-de-France (12:00 and 13:30 UTC; 13:00 and 14:30 in Paris).
const REPLACEMENT = { reason: "departure", requested_at: "2026-12-01T12:00:00Z", departure_date: "2026-12-10",
  planned: false, deadline: deadline("D5", "2026-12-24"), leaving_professional_id: "pro-1", replaced_by: "pro-2",
  replaced_at: "2026-12-08T13:30:00Z" };

test("a mission in Martinique shows its replacements' times on Martinique's clock, its dates as they are", () => {
  const [row] = replacementRows([REPLACEMENT], (id) => id, orderZone({ ...MARTINIQUE }));
  assert.equal(row.requestedAt, "01/12/2026 08:00");
  assert.equal(row.outcome, "remplacé par pro-2 le 08/12/2026 09:30");
  assert.equal(row.departure, "10/12/2026");
  assert.equal(row.due, "24/12/2026 (D5) — respecté");
  // A mission that names no clock (an older answer) reads on Paris's, as before
  const [paris] = replacementRows([REPLACEMENT]);
  assert.equal(paris.requestedAt, "01/12/2026 13:00");
  assert.equal(paris.outcome, "remplacé par pro-2 le 08/12/2026 14:30");
});

test("the titulaire reads a change of professional on its mission order's clock", () => {
  const mission = { professional_id: "pro-2", replacement_requested: false, replacements: [{ ...REPLACEMENT,
    due: "2026-12-24" }] };
  assert.equal(orderMissionProfessional(mission, orderZone({ ...MARTINIQUE })),
    "pro-2 ; pro-2 a remplacé pro-1 le 08/12/2026 09:30");
  assert.equal(orderMissionProfessional(mission), "pro-2 ; pro-2 a remplacé pro-1 le 08/12/2026 14:30");
});

test("the titulaire's order screen names the professionals as the mission screen does, by id once a record is gone", () => {
  const mission = { professional_id: "pro-2", replacement_requested: false, replacements: [{ ...REPLACEMENT,
    due: "2026-12-24" }], professional_names: { "pro-2": "Dora Martin", "pro-1": "Anne Lefèvre" } };
  assert.equal(orderMissionProfessional(mission), "Dora Martin ; Dora Martin a remplacé Anne Lefèvre le 08/12/2026 14:30");
  // the leaving professional's record erased (personal data): its id, the others by name
  assert.equal(orderMissionProfessional({ ...mission, professional_names: { "pro-2": "Dora Martin" } }),
    "Dora Martin ; Dora Martin a remplacé pro-1 le 08/12/2026 14:30");
});

test("each row of the operator's list says when its replacement was requested, on its own clock", () => {
  const at = new Date("2026-12-09T12:00:00Z");
  const overseas = { mission_id: "M-1", time_zone: MARTINIQUE.time_zone, replacement: REPLACEMENT };
  assert.equal(awaitingRequestedText(overseas, at), "demandé le 01/12/2026 08:00 (heure locale, UTC\u22124)");
  const paris = { mission_id: "M-2", time_zone: "Europe/Paris", replacement: REPLACEMENT };
  assert.equal(awaitingRequestedText(paris, at), "demandé le 01/12/2026 13:00");
  // a row from before rows carried their zone: Paris's, with no suffix
  assert.equal(awaitingRequestedText({ replacement: REPLACEMENT }, at), "demandé le 01/12/2026 13:00");
});
