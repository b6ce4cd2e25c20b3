// Pure logic of the quotes screens (A24, A25, B16; web/quotes.mjs, web/lines_editor.mjs): the list's query and its
// empty text, the versions compared line by line, a quote's lines as sent, the client's decision. No DOM, no
// network — tested with `node --test tests/web/` (quote_list.test.mjs, quote_line_unit.test.mjs, logic_screens…).
import { clientError, eurosToCents, formatEuros, isoToFrenchDate } from "./logic.mjs";

// decide_quote's body for the buyer's decision on a submitted quote (A2.4), or the error found before sending: a
// refusal needs its reason (the platform's QUOTE_REFUSAL_REASON_REQUIRED), told next to « Motif » before anything is
// sent; an acceptance takes one if given. It names the version shown (`current_version` of the quote as the screen
// drew it): a quote revised since is refused, QUOTE_VERSION_CHANGED, rather than decided on unseen.
export function quoteDecisionBody(quote, action, reason) {
  const text = (reason ?? "").trim();
  if (action === "refuse" && !text) {
    return { body: null, errors: [clientError("$.reason", "QUOTE_REFUSAL_REASON_REQUIRED",
      "Un refus doit être motivé : indiquez le motif du refus avant de refuser le devis.")] };
  }
  const version = quote.current_version ?? null;
  return { body: { quote_id: quote.quote_id, action, ...(text ? { reason: text } : {}),
    ...(version !== null ? { version } : {}) }, errors: [] };
}

// --- quotes ----------------------------------------------------------------------------------
// The order a quote completes (A2.5) or created once accepted (A2.4): its id and the link to its screen, else null.
export function quoteOrderLink(quote) {
  const orderId = quote?.created_order_id ?? quote?.order_id;
  if (!orderId) return null;
  return { orderId, href: `#/orders/${encodeURIComponent(quote.manager_id)}/${encodeURIComponent(orderId)}` };
}

export const QUOTE_LABELS = Object.freeze({ requested: "demandé", submitted: "remis", accepted: "accepté",
  refused: "refusé", expired: "expiré", withdrawn: "retiré" });

// « Devis » in pages (A2 quotes, A11 lists): the filters and the page's cursor → the query string of list_quotes (empty
// values left out), 50 quotes a page, most recent activity first.
export const QUOTE_PAGE = 50;
// What an empty « Devis » says: the reference searched, else the state chosen, else what to do next for `role`.
export function emptyQuotesText(role, { quoteId, state } = {}) {
  if (quoteId) return `Aucun devis de référence « ${quoteId} » avec ces filtres.`;
  if (state) return `Aucun devis « ${QUOTE_LABELS[state] ?? state} ».`;
  return {
    manager: "Aucun devis : demandez-en un avec « Demander un devis » ci-dessus.",
    contractor: "Aucun devis : ceux que vos clients vous demandent s'affichent ici ; « Proposer un devis » en remet un "
      + "de votre initiative.",
    beneficiary: "Aucun devis : demandez-en un depuis la page d'une mission.",
  }[role] ?? "Aucun devis.";
}

export function quoteListQuery({ state, cursor, limit = QUOTE_PAGE, quoteId } = {}) {
  const params = new URLSearchParams();
  if (state) params.set("state", state);
  if (limit) params.set("limit", String(limit));
  const reference = (quoteId ?? "").trim();  // the search by reference (list_quotes trims it too, and ignores case)
  if (reference) params.set("quote_id", reference);
  else if (cursor) params.set("cursor", cursor);  // a search by reference is one short answer: no page to continue
  return params.toString();
}

export function lineAmountCents(line) {
  return Math.round(Number(line.quantity) * Number(line.unit_price_cents));
}

export function versionTotalCents(version) {
  return (version?.lines ?? []).reduce((sum, line) => sum + lineAmountCents(line), 0);
}

// Versions side by side: one row per service code (union of the versions, first seen first),
// each with the quantity, unit price and amount of every version (null where a version lacks it).
// The column of a quote's version in the comparison: its number and what its date is (« valable jusqu'au »).
export function versionColumnLabel(version) {
  return `Version ${version.version} (valable jusqu'au ${isoToFrenchDate(version.valid_until)})`;
}

export function compareVersions(versions) {
  const order = [];
  const labels = new Map();
  for (const version of versions ?? []) {
    for (const line of version.lines) {
      const key = line.service_code ?? line.line_id;
      if (!labels.has(key)) { labels.set(key, line.label); order.push(key); }
    }
  }
  const rows = order.map((key) => ({ key, label: labels.get(key), cells: (versions ?? []).map((version) => {
    const line = version.lines.find((l) => (l.service_code ?? l.line_id) === key);
    if (!line) return null;
    const amount = lineAmountCents(line);
    // « 2,5 j × 690,00 € = 1 725,00 € »: the quantity with its French decimal comma and its unit
    const quantity = `${String(line.quantity ?? "").trim().replace(".", ",")}${line.unit ? ` ${line.unit}` : ""}`;
    return { quantity: Number(line.quantity), unit_price_cents: line.unit_price_cents, amount_cents: amount,
      text: `${quantity} × ${formatEuros(line.unit_price_cents)} = ${formatEuros(amount)}` };
  }) }));
  const totals = (versions ?? []).map(versionTotalCents);
  return { rows, totals, delta: totals.length > 1 ? totals.at(-1) - totals.at(-2) : null };
}

// The unit a quote's new line starts with, the one its context implies: a mission's quote (B16) is counted in days
// (« j »), as every line of its mission's order is (one per milestone, and the extra costs per day); any other
// quote in units (« U »).
export function quoteLineUnit(quote) {
  return quote?.mission_id ? "j" : "U";
}

// B16: the unit a new line of « Proposer un devis » starts with, by the client chosen: a beneficiary's quote concerns
// one of its missions, counted in days (« j », as quoteLineUnit); a manager's works in units (« U »).
export function raiseLineUnit(clientKind) {
  return clientKind === "beneficiary" ? "j" : "U";
}

// A line's unit once the form's default changes (another client chosen): a unit still at the former default, or left
// empty, takes the new one; a unit the person typed (« h », « forfait ») is kept.
export function switchedUnit(value, from, to) {
  const unit = String(value ?? "").trim();
  return !unit || unit === from ? to : value;
}

// The lines of the quote form (an array of {service_code, label, quantity, unit, unit_price}) →
// SubmitQuote lines, with the errors a person can fix before sending ($.lines[i].field); a line without a unit takes
// `unit` (quoteLineUnit).
export function buildQuoteLines(rows, { unit: defaultUnit = "U" } = {}) {
  const lines = [];
  const errors = [];
  rows.forEach((row, i) => {
    const empty = !["service_code", "label", "quantity", "unit_price"].some((k) => String(row[k] ?? "").trim());
    if (empty) return;
    const at = `$.lines[${lines.length}]`;
    const line = { line_id: String(lines.length + 1), service_code: String(row.service_code ?? "").trim(),
      label: String(row.label ?? "").trim(), quantity: String(row.quantity ?? "").trim().replace(",", "."),
      unit: String(row.unit ?? "").trim() || defaultUnit, unit_price_cents: eurosToCents(row.unit_price) };
    if (!line.service_code) errors.push(clientError(`${at}.service_code`, "REQUIRED", "Indiquez le code de prestation."));
    if (!line.label) errors.push(clientError(`${at}.label`, "REQUIRED", "Indiquez le libellé."));
    if (!/^\d+(\.\d{1,3})?$/.test(line.quantity) || Number(line.quantity) <= 0) {
      errors.push(clientError(`${at}.quantity`, "INVALID_FORMAT", "La quantité est un nombre positif (3 décimales au plus)."));
    }
    if (line.unit_price_cents === null) {
      errors.push(clientError(`${at}.unit_price_cents`, "INVALID_FORMAT", "Prix unitaire en euros, par exemple 125,50."));
    }
    lines.push(line);
    void i;
  });
  if (!lines.length && !errors.length) errors.push(clientError("$.lines", "REQUIRED", "Ajoutez au moins une ligne."));
  return { lines, errors };
}
