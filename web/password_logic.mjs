// Pure logic of « Mon mot de passe » and of the first sign-in (B5 accounts, B15 protection of
// identities): the rule the platform applies (shared/domain/identity.py, password_is_strong), the
// checks made before anything is sent, and the temporary-password mark of an ID token's claims.

export const PASSWORD_RULE =
  "12 caractères au moins, mêlant au moins trois types : minuscules, majuscules, chiffres, symboles.";

// The same rule as the platform's: 12+ characters, three of the four classes.
export function passwordIsStrong(password) {
  const chars = [...(password ?? "")];
  const classes = [
    chars.some((c) => c !== c.toUpperCase() && c === c.toLowerCase()),
    chars.some((c) => c !== c.toLowerCase() && c === c.toUpperCase()),
    chars.some((c) => /\p{Nd}/u.test(c)),
    chars.some((c) => !/[\p{L}\p{N}]/u.test(c)),
  ];
  return chars.length >= 12 && classes.filter(Boolean).length >= 3;
}

// The errors of the form, as the API names its fields ($.new_password…), in French; none: send it.
export function newPasswordErrors({ newPassword, confirmation, current = null }) {
  const errors = [];
  if (current !== null && !current) {
    errors.push({ field: "$.current_password", message: "Saisissez votre mot de passe actuel." });
  }
  if (!passwordIsStrong(newPassword)) {
    errors.push({ field: "$.new_password", message: `Mot de passe trop faible : ${PASSWORD_RULE}` });
  } else if (current !== null && newPassword === current) {
    errors.push({ field: "$.new_password", message: "Choisissez un mot de passe différent de l'actuel." });
  }
  if (newPassword !== confirmation) {
    errors.push({ field: "$.confirmation", message: "Les deux saisies du nouveau mot de passe diffèrent." });
  }
  return errors;
}

// A password the operator set: until its user chooses its own, the functions answer nothing else.
export function mustChooseOwnPassword(claims) {
  return claims?.password_change_required === true;
}

// What the app does with change_password's answer: done, the current password asked again (a sign-in
// older than five minutes), or the errors shown next to their fields.
export function changeOutcome(status, problem) {
  if (status >= 200 && status < 300) return "changed";
  const codes = (problem?.errors ?? []).map((e) => e.code);
  if (status === 401 && codes.includes("REAUTHENTICATION_REQUIRED")) return "reauthenticate";
  if (status === 401) return "signed_out";
  return "refused";
}
