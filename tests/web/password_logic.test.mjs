// « Mon mot de passe » and the first sign-in (web/password_logic.mjs): node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  PASSWORD_RULE, changeOutcome, mustChooseOwnPassword, newPasswordErrors, passwordIsStrong,
} from "../../web/password_logic.mjs";

test("the rule is the platform's: 12 characters or more, three kinds among four", () => {
  for (const strong of ["Grand-Lyon-Besoins-2026", "motdepasse-2026", "MOTDEPASSE2026x", "Éléphant-rosé1"]) {
    assert.equal(passwordIsStrong(strong), true, strong);
  }
  for (const weak of ["Court-1!", "toutenminuscules", "ToutEnLettresSansChiffre", "123456789012", "", undefined]) {
    assert.equal(passwordIsStrong(weak), false, String(weak));
  }
  assert.match(PASSWORD_RULE, /12 caractères/);
});

test("the form's errors name their field, in French, before anything is sent", () => {
  assert.deepEqual(newPasswordErrors({ newPassword: "Grand-Lyon-Besoins-2026", confirmation: "Grand-Lyon-Besoins-2026" }),
    []);
  const weakAndDifferent = newPasswordErrors({ newPassword: "motdepasse", confirmation: "autre" });
  assert.deepEqual(weakAndDifferent.map((e) => e.field), ["$.new_password", "$.confirmation"]);
  assert.match(weakAndDifferent[0].message, /^Mot de passe trop faible : 12 caractères/);
  // « Mon mot de passe »: the current one is required, and the new one must differ from it
  const same = newPasswordErrors({ newPassword: "Grand-Lyon-Besoins-2026", confirmation: "Grand-Lyon-Besoins-2026",
    current: "Grand-Lyon-Besoins-2026" });
  assert.deepEqual(same.map((e) => [e.field, e.message]),
    [["$.new_password", "Choisissez un mot de passe différent de l'actuel."]]);
  assert.deepEqual(newPasswordErrors({ newPassword: "Grand-Lyon-Besoins-2026", confirmation: "Grand-Lyon-Besoins-2026",
    current: "" }).map((e) => e.field), ["$.current_password"]);
});

test("only a token carrying the mark goes to « Choisissez votre mot de passe »", () => {
  assert.equal(mustChooseOwnPassword({ role: "manager", password_change_required: true }), true);
  assert.equal(mustChooseOwnPassword({ role: "manager" }), false);
  assert.equal(mustChooseOwnPassword({ password_change_required: "true" }), false);
  assert.equal(mustChooseOwnPassword(null), false);
});

test("change_password's answer: changed, sign in again, signed out, or refused with its errors", () => {
  assert.equal(changeOutcome(200, null), "changed");
  assert.equal(changeOutcome(401, { errors: [{ code: "REAUTHENTICATION_REQUIRED" }] }), "reauthenticate");
  assert.equal(changeOutcome(401, { errors: [{ code: "UNAUTHENTICATED" }] }), "signed_out");
  assert.equal(changeOutcome(422, { errors: [{ code: "WEAK_PASSWORD", field: "$.new_password" }] }), "refused");
});
