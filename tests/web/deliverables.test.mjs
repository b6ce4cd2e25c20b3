// B11 mission follow-up in the web app (web/logic.mjs): the upload form's « Livrable » on a mission's order,
// its milestone and deliverable choices and fields, and the beneficiary's « remis » / « attendu » list.
// Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { deliverableRows } from "../../web/mission_logic.mjs";
import {
  DOCUMENT_KINDS, deliverableOptions, milestoneOptions, uploadFields, uploadKindOptions,
} from "../../web/orders_logic.mjs";

// As get_order answers ``mission`` for a mission's order
const MISSION = {
  mission_id: "recette-portail-mission",
  milestones: [
    { milestone_id: "j1", label: "Stratégie de recette", deliverables: ["Cahier de recette", "Bilan de mission"] },
    { milestone_id: "j2", label: "Campagne", deliverables: ["Bilan de mission"] },
  ],
};

test("« Livrable » is offered only on a mission's order", () => {
  assert.equal(DOCUMENT_KINDS.deliverable, "Livrable");
  assert.deepEqual(uploadKindOptions(null).map((o) => o.value), ["intervention_report", "service_done", "invoice"]);
  assert.deepEqual(uploadKindOptions({ mission_id: "m", milestones: [] }).map((o) => o.value),
    ["intervention_report", "service_done", "invoice"]);
  assert.deepEqual(uploadKindOptions(MISSION).at(-1), { value: "deliverable", label: "Livrable" });
});

test("the milestone chosen gives the deliverables it may name", () => {
  assert.deepEqual(milestoneOptions(MISSION), [{ value: "j1", label: "Stratégie de recette (j1)" },
    { value: "j2", label: "Campagne (j2)" }]);
  assert.deepEqual(deliverableOptions(MISSION, "j2"), [{ value: "Bilan de mission", label: "Bilan de mission" }]);
  assert.deepEqual(deliverableOptions(MISSION, "j9"), []);
  assert.deepEqual(milestoneOptions(null), []);
});

test("a deliverable sends its milestone and label, another kind neither, and a missing choice is named", () => {
  assert.deepEqual(uploadFields({ kind: "deliverable", milestoneId: "j1", deliverable: "Cahier de recette" }),
    { fields: { kind: "deliverable", milestone_id: "j1", deliverable: "Cahier de recette" }, errors: [] });
  assert.deepEqual(uploadFields({ kind: "service_done", milestoneId: "j1", deliverable: "Cahier de recette" }),
    { fields: { kind: "service_done" }, errors: [] });
  const { errors } = uploadFields({ kind: "deliverable", milestoneId: "", deliverable: "" });
  assert.deepEqual(errors.map((e) => e.field), ["$.milestone_id", "$.deliverable"]);
  assert.match(errors[1].message, /Choisissez le livrable/);
});

test("the beneficiary sees each deliverable remis with its latest document's link, or attendu", () => {
  const followUp = [
    { label: "Cahier de recette", delivered: true, documents: [
      { document_id: "a".repeat(64), filename: "v1.pdf", uploaded_at: "2026-04-10T10:00:00+00:00", milestone_id: "j1" },
      { document_id: "b".repeat(64), filename: "v2.pdf", uploaded_at: "2026-04-20T10:00:00+00:00", milestone_id: "j1" }] },
    { label: "Plan de tests", delivered: false, documents: [] },
  ];
  const [cahier, plan] = deliverableRows(followUp, { ["b".repeat(64)]: "https://storage.example/v2" });
  assert.deepEqual(cahier, { label: "Cahier de recette", delivered: true, status: "remis", count: 2, document: {
    id: "b".repeat(64), filename: "v2.pdf", uploadedAt: "2026-04-20T10:00:00+00:00", url: "https://storage.example/v2" } });
  assert.deepEqual(plan, { label: "Plan de tests", delivered: false, status: "attendu", count: 0, document: null });
  // No download URL known (the documents could not be listed): the file is named, without a link
  assert.equal(deliverableRows(followUp)[0].document.url, null);
  assert.deepEqual(deliverableRows(undefined), []);
});
