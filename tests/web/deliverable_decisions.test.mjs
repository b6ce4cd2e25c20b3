// B11 mission follow-up in the web app (web/deliverable_logic.mjs): each deliverable's status and the decision's
// text, who may decide, the body of decide_deliverable, and the reception form's warning (reception not blocked).
// Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  DELIVERABLE_STATUS_LABELS, allAcceptedText, canDecide, decisionBody, decisionText, deliverableBadgeClass, deliverableStatusText,
  deliverableDocumentText, receptionWarnings,
} from "../../web/deliverable_logic.mjs";
import { deliverableRows } from "../../web/mission_logic.mjs";

const DOC = "b".repeat(64);
const REFUSAL = { decision: "refused", reason: "Tests RGAA absents", decided_at: "2026-05-02T08:30:00+00:00",
  decided_by: "sophie.garnier@grandlyon.example.fr" };
// As get_sourcing?view=mission answers milestones_follow_up
const FOLLOW_UP = [
  { milestone_id: "J1", label: "Cahier des charges validé", deliverables_accepted: false, deliverables_follow_up: [
    { label: "Cahier des charges", delivered: true, status: "refused", current_document_id: DOC, decision: REFUSAL,
      documents: [{ document_id: DOC, filename: "v1.pdf", uploaded_at: "2026-04-30T15:10:00+00:00", decision: REFUSAL }] },
    { label: "Plan de recette", delivered: true, status: "delivered", current_document_id: "c".repeat(64), decision: null,
      documents: [{ document_id: "c".repeat(64), filename: "plan.pdf", uploaded_at: "2026-05-01T09:00:00+00:00" }] },
    { label: "Note de cadrage", delivered: false, status: "expected", current_document_id: null, decision: null, documents: [] }] },
  { milestone_id: "J2", label: "Recette", deliverables_accepted: true, deliverables_follow_up: [] },
];

test("the statuses are the platform's, in French, « remis » awaiting the beneficiary's decision", () => {
  assert.deepEqual(DELIVERABLE_STATUS_LABELS, { expected: "attendu", delivered: "remis", accepted: "accepté",
    refused: "refusé" });
  assert.equal(deliverableStatusText("delivered"), "remis, en attente de décision");
  assert.equal(deliverableStatusText("accepted"), "accepté");
  const [cahier, plan, note] = deliverableRows(FOLLOW_UP[0].deliverables_follow_up);
  assert.deepEqual([cahier.status, plan.status, note.status], ["refusé", "remis", "attendu"]);
});

test("only an accepted deliverable is green, a refused one red; « remis » awaits a decision, neutral", () => {
  assert.deepEqual(["expected", "delivered", "accepted", "refused"].map(deliverableBadgeClass),
    ["badge", "badge", "badge ok", "badge late"]);
  assert.equal(deliverableBadgeClass(undefined), "badge");
});

test("a decision says when, by whom and, refused, why; the titulaire reads it without the account", () => {
  assert.equal(decisionText(REFUSAL, "UTC"),
    "refusé le 02/05/2026 08:30 par sophie.garnier@grandlyon.example.fr : Tests RGAA absents");
  assert.equal(decisionText({ ...REFUSAL, decision: "accepted", reason: null, decided_by: null }, "UTC"),
    "accepté le 02/05/2026 08:30");
  assert.equal(decisionText(null), "");
  // B5 accounts: the person who decided by name, the account's e-mail beside it
  assert.equal(decisionText({ ...REFUSAL, decided_by_name: "Sophie Garnier" }, "UTC"),
    "refusé le 02/05/2026 08:30 par Sophie Garnier (sophie.garnier@grandlyon.example.fr) : Tests RGAA absents");
  assert.equal(decisionText({ ...REFUSAL, decided_by_name: "  " }, "UTC"),
    "refusé le 02/05/2026 08:30 par sophie.garnier@grandlyon.example.fr : Tests RGAA absents");
});

test("only the beneficiary decides, and only on a deliverable delivered and not yet decided", () => {
  const [cahier, plan, note] = FOLLOW_UP[0].deliverables_follow_up;
  assert.equal(canDecide(plan, "beneficiary"), true);
  assert.equal(canDecide(plan, "contractor"), false);
  assert.equal(canDecide(plan, "operator"), false);
  assert.equal(canDecide(cahier, "beneficiary"), false);
  assert.equal(canDecide(note, "beneficiary"), false);
});

test("a refusal needs its reason before anything is sent; an acceptance sends none", () => {
  assert.deepEqual(decisionBody({ missionId: "m", documentId: DOC, decision: "accepted", reason: "ignored" }),
    { body: { mission_id: "m", document_id: DOC, decision: "accepted" }, errors: [] });
  assert.deepEqual(decisionBody({ missionId: "m", documentId: DOC, decision: "refused", reason: "  Incomplet " }),
    { body: { mission_id: "m", document_id: DOC, decision: "refused", reason: "Incomplet" }, errors: [] });
  const { body, errors } = decisionBody({ missionId: "m", documentId: DOC, decision: "refused", reason: "  " });
  assert.equal(body, null);
  assert.deepEqual(errors.map((e) => e.field), ["$.reason"]);
  assert.match(errors[0].message, /motif du refus/);
});

test("the reception form warns of a receivable milestone whose deliverables are not all accepted", () => {
  const [warning, ...rest] = receptionWarnings(FOLLOW_UP, ["J1", "J2", "frais-annexes"]);
  assert.deepEqual(rest, []);
  // the milestone by its label, its id in parentheses
  assert.match(warning, /^Jalon « Cahier des charges validé » \(J1\) : livrables non tous acceptés/);
  assert.match(warning, /« Cahier des charges » : refusé ; « Plan de recette » : remis, en attente de décision ; « Note de cadrage » : attendu/);
  assert.match(warning, /La réception reste possible\.$/);
  assert.deepEqual(receptionWarnings(FOLLOW_UP, ["J2"]), []);
  assert.deepEqual(receptionWarnings(null, ["J1"]), []);
});

test("« Tous acceptés » is « — » for a milestone with nothing to accept, not « oui »", () => {
  assert.equal(allAcceptedText([], true), "—");
  assert.equal(allAcceptedText(undefined, undefined), "—");
  assert.equal(allAcceptedText([{ label: "Cahier", status: "accepted" }], true), "oui");
  assert.equal(allAcceptedText([{ label: "Cahier", status: "delivered" }], false), "non");
});

test("a deliverable document names its milestone by its label, the id in parentheses (not « jalon J1 »)", () => {
  const mission = { milestones: [{ milestone_id: "J1", label: "Cadrage" }, { milestone_id: "J2", label: "J2" }] };
  const cahier = { kind: "deliverable", deliverable: "Cahier de recette", milestone_id: "J1" };
  assert.equal(deliverableDocumentText(cahier, mission), " « Cahier de recette », jalon « Cadrage » (J1)");
  assert.equal(deliverableDocumentText({ ...cahier, milestone_id: "J2" }, mission), " « Cahier de recette », jalon J2");
  assert.equal(deliverableDocumentText({ ...cahier, milestone_id: "J3" }, mission), " « Cahier de recette », jalon J3");
  assert.equal(deliverableDocumentText(cahier, null), " « Cahier de recette », jalon J1");
  assert.equal(deliverableDocumentText({ kind: "report" }, mission), "");
});
