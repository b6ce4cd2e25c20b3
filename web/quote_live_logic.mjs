// A quote's own screen kept current (A11 real-time view, A2 quotes, B16): watch_orders carries no change of a quote, so
// the screen (quotes.mjs, renderQuote) reads it again every refresh_seconds while it is shown, and draws it again only
// when what it shows of the quote changed — never under the user's hand (live_order.mjs, as the order screens). This is
// what such a re-read compares and what it says. No DOM, no network — tested with `node --test`
// (tests/web/quote_live_logic.test.mjs).
import { QUOTE_LABELS } from "./quotes_logic.mjs";

// What a write of the quote moves, as get_quote answers it: its state, its versions (each submission adds one), the
// validity date, the decision (when, why, the order it made). Not a name read beside it (mission_title, the directory):
// renaming a mission is no change of the quote.
export function quoteStamp(quote) {
  return JSON.stringify([quote?.state ?? null, quote?.current_version ?? null,
    (quote?.versions ?? []).map((v) => [v.version, v.submitted_at ?? null]), quote?.valid_until ?? null,
    quote?.decided_at ?? null, quote?.reason ?? null, quote?.created_order_id ?? null]);
}

// Whether the quote read again differs from the one on screen (`shownStamp`: quoteStamp of the drawing; null before
// the first drawing — nothing to compare with).
export function quoteChanged(shownStamp, quote) {
  return shownStamp !== null && shownStamp !== undefined && quoteStamp(quote) !== shownStamp;
}

// What changed between the quote shown (`before`) and as read now (`after`), in French, lower case: a new version
// first (the contractor's answer or revision), else a new state, else « il a été modifié ».
export function quoteChangeText(before, after) {
  const was = before?.current_version ?? null;
  const now = after?.current_version ?? null;
  if (now !== null && now !== was) return `le prestataire a remis la version ${now}`;
  if (after?.state && after.state !== before?.state) {
    return `il est désormais « ${QUOTE_LABELS[after.state] ?? after.state} »`;
  }
  return "il a été modifié";
}

// A form's sending refused while the quote had changed meanwhile (a decision on a version revised since, an answer to a
// quote withdrawn or decided): what the screen says above the quote it then shows as it is (and says once).
export function quoteStaleText(before, after) {
  return `Rien n'a été enregistré : ce devis a changé entre-temps (${quoteChangeText(before, after)}). `
    + "Il est affiché à jour ci-dessous ; vérifiez-le avant d'agir à nouveau.";
}
