// Part B's forms in French whatever the browser: the browser's own checks told in French (constraintMessage), and
// the mission's framing read from what the beneficiary typed (frameBody, frameFormValues; B13, B11).
// Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { constraintMessage } from "../../web/logic.mjs";
import {
  FRAME_LIMITS, frameBody, frameFormValues, frameMilestones, milestoneDeliverablesPrefill,
} from "../../web/needs_logic.mjs";

const state = (flags) => ({ valid: false, valueMissing: false, typeMismatch: false, badInput: false, tooShort: false,
  tooLong: false, rangeUnderflow: false, rangeOverflow: false, stepMismatch: false, patternMismatch: false, ...flags });

test("the browser's own checks are told in French, whatever its language", () => {
  assert.equal(constraintMessage({ valid: true }), null);
  assert.equal(constraintMessage(state({ valueMissing: true }), "text"), "Ce champ est obligatoire.");
  assert.equal(constraintMessage(state({ valueMissing: true }), "textarea"), "Ce champ est obligatoire.");
  assert.equal(constraintMessage(state({ valueMissing: true }), "select-one"), "Choisissez une valeur dans la liste.");
  assert.match(constraintMessage(state({ typeMismatch: true }), "email"), /^Adresse e-mail invalide/);
  assert.equal(constraintMessage(state({ tooShort: true }), "password"), "Valeur trop courte.");
  for (const flag of ["valueMissing", "typeMismatch", "badInput", "tooShort", "tooLong", "rangeUnderflow",
    "rangeOverflow", "stepMismatch", "patternMismatch", "customError"]) {
    const message = constraintMessage(state({ [flag]: true }), "text");
    assert.ok(message && !/please|field|invalid value/i.test(message), `${flag}: ${message}`);
  }
});

const framing = { needId: "BES-1", start: "05/01/2027", end: "05/04/2027", deliverables: "Cahier de recette\nPV de recette\n",
  milestones: "Stratégie ; 10 ; 20/01/2027\nRecette ; 30 ; 15/03/2027", signedBy: " Jeanne Martin ", statement: "Aucun lien.",
  today: "2026-12-06" };

test("a framing typed as the form asks becomes frame_mission's body", () => {
  const { body, errors } = frameBody(framing);
  assert.deepEqual(errors, []);
  assert.deepEqual(body, { need_id: "BES-1", start_date: "2027-01-05", end_date: "2027-04-05",
    deliverables: ["Cahier de recette", "PV de recette"],
    milestones: [{ milestone_id: "J1", label: "Stratégie", days: 10, due: "2027-01-20", deliverables: [] },
      { milestone_id: "J2", label: "Recette", days: 30, due: "2027-03-15", deliverables: [] }],
    conflict_declaration: { no_conflict: true, signed_by: "Jeanne Martin", signed_on: "2026-12-06", statement: "Aucun lien." } });
  assert.equal(frameBody({ ...framing, signedBy: "" }).body.conflict_declaration, undefined);
});

test("a milestone without its days, or with a fraction of a day, is named before anything is sent", () => {
  const { body, errors } = frameBody({ ...framing, milestones: "Stratégie ; 2,5 ; 20/01/2027\nRecette ; ; 15/03/2027\n ; 3 ; 31/02/2027" });
  assert.equal(body, null);
  assert.deepEqual(errors.map((e) => e.field), ["$.milestones", "$.milestones", "$.milestones"]);
  assert.match(errors[0].message, /^Jalon 1 : nombre de jours entier d'au moins 1 attendu \(« 2,5 »\)/);
  assert.match(errors[1].message, /^Jalon 2 : nombre de jours entier d'au moins 1 attendu —/);
  assert.match(errors[2].message, /^Jalon 3 : libellé manquant, échéance au format jj\/mm\/aaaa attendue \(« 31\/02\/2027 »\)/);
  assert.match(frameBody({ ...framing, milestones: "Recette ; 0 ; 15/03/2027" }).errors[0].message, /au moins 1/);
});

test("missing dates, deliverables and milestones, and an end before the start, are named by field", () => {
  const { errors } = frameBody({ needId: "BES-1", today: "2026-12-06" });
  assert.deepEqual(errors.map((e) => e.field), ["$.start_date", "$.end_date", "$.deliverables", "$.milestones"]);
  assert.deepEqual(frameBody({ ...framing, end: "04/01/2027" }).errors,
    [{ field: "$.end_date", message: "La fin précède le début de la mission." }]);
});

test("the framing form starts from the need's dates and deliverables", () => {
  assert.deepEqual(frameFormValues({ start_date: "2027-01-05", end_date: "2027-04-05", deliverables: ["Cahier", "PV"] }),
    { start_date: "05/01/2027", end_date: "05/04/2027", deliverables: "Cahier\nPV" });
  assert.deepEqual(frameFormValues(undefined), {});
});

// B11: each milestone names its own deliverables, one a line, as frame_mission's MilestoneInput takes them
test("each milestone's deliverables box becomes that milestone's deliverables, each once", () => {
  const { body, errors } = frameBody({ ...framing,
    milestoneDeliverables: ["  Cahier de recette \n\nCahier de recette\n", "PV de recette\nBilan"] });
  assert.deepEqual(errors, []);
  assert.deepEqual(body.milestones.map((m) => [m.milestone_id, m.deliverables]),
    [["J1", ["Cahier de recette"]], ["J2", ["PV de recette", "Bilan"]]]);
  // a box beyond the milestones typed is not sent
  assert.equal(frameBody({ ...framing, milestoneDeliverables: ["A", "B", "C"] }).body.milestones.length, 2);
});

test("a milestone's deliverables are refused as the platform refuses them, next to that milestone's box", () => {
  const long = "x".repeat(FRAME_LIMITS.label + 1);
  const many = Array.from({ length: FRAME_LIMITS.milestoneDeliverables + 1 }, (_, i) => `Livrable ${i + 1}`).join("\n");
  const { body, errors } = frameBody({ ...framing, milestoneDeliverables: [long, many] });
  assert.equal(body, null);
  assert.deepEqual(errors.map((e) => e.field), ["$.milestones[0].deliverables", "$.milestones[1].deliverables"]);
  assert.equal(errors[0].message, `Livrable trop long (200 caractères au plus, 201 saisis) : « ${"x".repeat(40)}… ».`);
  assert.equal(errors[1].message, "20 livrables au plus pour le jalon 2 (21 saisis).");
  // exactly at the limits, accepted
  const at = Array.from({ length: 20 }, (_, i) => `L${i}`).join("\n");
  assert.deepEqual(frameBody({ ...framing, milestoneDeliverables: ["y".repeat(200), at] }).errors, []);
  // the mission's own list: 50 at most
  const fifty = Array.from({ length: 51 }, (_, i) => `M${i}`).join("\n");
  assert.deepEqual(frameBody({ ...framing, deliverables: fifty }).errors,
    [{ field: "$.deliverables", message: "50 livrables au plus pour la mission (51 saisis)." }]);
});

test("the milestones typed give each deliverables box its milestone, prefilled with what no box before names", () => {
  assert.deepEqual(frameMilestones("Stratégie ; 10 ; 20/01/2027\n\n ; 3 ; 01/02/2027\nRecette"),
    [{ milestoneId: "J1", label: "Stratégie" }, { milestoneId: "J2", label: "" }, { milestoneId: "J3", label: "Recette" }]);
  assert.deepEqual(frameMilestones(""), []);
  // the first box gets the mission's deliverables (from the need), the next one what the first left
  assert.equal(milestoneDeliverablesPrefill("Cahier\nPV\n", []), "Cahier\nPV");
  assert.equal(milestoneDeliverablesPrefill("Cahier\nPV", ["PV"]), "Cahier");
  assert.equal(milestoneDeliverablesPrefill("Cahier\nPV", ["Cahier\nPV"]), "");
  assert.equal(milestoneDeliverablesPrefill("", []), "");  // the need says nothing delivered: an empty box
});
