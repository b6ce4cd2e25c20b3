// Pure logic of the sign-in and the session (app.js): the French texts of the Identity Toolkit's errors, the
// claims of an ID token for the display, when to refresh it. No DOM, no network — tested with `node --test`
// (tests/web/logic.test.mjs).

// Identity Toolkit error codes (accounts:signInWithPassword, securetoken) → French.
const AUTH_MESSAGES = {
  EMAIL_NOT_FOUND: "Adresse e-mail ou mot de passe incorrect.",
  INVALID_PASSWORD: "Adresse e-mail ou mot de passe incorrect.",
  INVALID_LOGIN_CREDENTIALS: "Adresse e-mail ou mot de passe incorrect.",
  INVALID_EMAIL: "Adresse e-mail invalide.",
  MISSING_PASSWORD: "Saisissez votre mot de passe.",
  USER_DISABLED: "Ce compte est désactivé : contactez l'opérateur de la plateforme.",
  TOO_MANY_ATTEMPTS_TRY_LATER: "Trop de tentatives : réessayez dans quelques minutes.",
  TOKEN_EXPIRED: "Votre session a expiré : reconnectez-vous.",
  INVALID_REFRESH_TOKEN: "Votre session a expiré : reconnectez-vous.",
};

export function authErrorMessage(body) {
  const raw = body?.error?.message ?? "";
  const code = raw.split(":")[0].trim().split(" ")[0];
  return AUTH_MESSAGES[code] ?? "Connexion impossible pour le moment : réessayez.";
}

function base64UrlDecode(part) {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// The claims of an ID token, for the display only: the functions verify the token themselves.
export function decodeClaims(idToken) {
  try {
    const payload = JSON.parse(base64UrlDecode(idToken.split(".")[1]));
    return { uid: payload.user_id ?? payload.sub, email: payload.email ?? null, role: payload.role ?? null,
      tenant: payload.tenant ?? null, exp: payload.exp ?? 0,
      // B15: a password the operator set, to be replaced before anything else (web/password_logic.mjs)
      password_change_required: payload.password_change_required === true };
  } catch {
    return null;
  }
}

// Refresh a minute before expiry.
export function needsRefresh(session, nowSeconds) {
  return !session || session.expiresAt - 60 <= nowSeconds;
}
