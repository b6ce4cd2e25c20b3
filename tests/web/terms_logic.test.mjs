// A9 penalties: the purchasing body's form of a new version of a beneficiary's agreement terms — prefilled from
// the latest version, the body set_penalty_terms takes, the errors named before anything is sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AGREEMENT_KINDS, latestTerms, termsBody, termsFormValues, termsSetText } from "../../web/terms_logic.mjs";

const agreement = { beneficiary_id: "ben-lyon", contract_id: "AC-CADRE", penalty_terms_versions: {
  on: "2026-04-02", in_force_version: 1, in_force_terms: { lengths: { D7: 48 } },
  versions: [
    { version: 1, effective_from: "2026-03-01", terms: { lengths: { D7: 48 } } },
    { version: 2, effective_from: "2026-05-01", terms: { daily_amount_cents: { P1: 20050 },
      rules_by_kind: { D3: "P1", D7: "P1" }, lengths: { D4: 8, D7: 24 } } },
  ] } };

test("A9: the form starts from the latest version (one to come included), effective today in French", () => {
  assert.deepEqual(latestTerms(agreement), agreement.penalty_terms_versions.versions[1].terms);
  const values = termsFormValues(latestTerms(agreement), "2026-04-02");
  assert.deepEqual(values, { effective_from: "02/04/2026", amount: "200,50",
    rules: { D3: "P1", D4: "", D5: "", D6: "", D7: "P1", D8: "" }, lengths: { D4: "8", D7: "24" }, reason: "" });
  // no version yet: the terms in force (the agreement's at signature), the default amount
  const blank = termsFormValues(latestTerms({ penalty_terms_versions: { versions: [], in_force_terms: {} } }), "2026-04-02");
  assert.equal(blank.amount, "150");
  assert.deepEqual(blank.lengths, { D4: "", D7: "" });
  assert.deepEqual(Object.keys(AGREEMENT_KINDS), ["D3", "D4", "D5", "D6", "D7", "D8"]);
});

test("A9: the body is what set_penalty_terms takes: cents, the kinds priced, the shorter lengths, the reason", () => {
  const { body, errors } = termsBody({ effective_from: "01/06/2026", amount: "175,5", reason: " Avenant n°2 ",
    rules: { D3: "P1", D4: "", D8: "P1" }, lengths: { D4: "", D7: "36" } }, "ben-lyon");
  assert.deepEqual(errors, []);
  assert.deepEqual(body, { beneficiary_id: "ben-lyon", effective_from: "2026-06-01", reason: "Avenant n°2",
    terms: { daily_amount_cents: { P1: 17550 }, rules_by_kind: { D3: "P1", D8: "P1" }, lengths: { D7: 36 } } });
  // the default amount and nothing priced: the catalogue's terms, an empty object
  const plain = termsBody({ effective_from: "2026-06-01", amount: "150", reason: "retour au catalogue", rules: {},
    lengths: {} }, "ben-lyon");
  assert.deepEqual([plain.errors, plain.body.terms], [[], {}]);
});

test("A9: every mistake is named on its field before anything is sent", () => {
  const { errors } = termsBody({ effective_from: "31/02/2026", amount: "cent", reason: "  ",
    rules: { D5: "P9" }, lengths: { D4: "11", D7: "1,5" } }, "ben-lyon");
  assert.deepEqual(errors.map((e) => e.field), ["$.effective_from", "$.terms.daily_amount_cents.P1",
    "$.terms.rules_by_kind.D5", "$.terms.lengths.D4", "$.terms.lengths.D7", "$.reason"]);
  assert.match(errors[0].message, /31\/02\/2026/);
  assert.match(errors[3].message, /de 1 à 10/);
  assert.match(errors[4].message, /heures ouvrées/);
  assert.deepEqual(termsBody({ effective_from: "", amount: "", reason: "x" }, "b").errors.map((e) => e.field),
    ["$.effective_from"]);
});

test("A9: the answer is one French sentence with the version and its date", () => {
  assert.equal(termsSetText({ tenant_id: "ben-lyon", version: 3, effective_from: "2026-06-01" }),
    "Version 3 enregistrée pour ben-lyon : en vigueur à partir du 01/06/2026.");
});
