// Pure logic of the « Pénalités » screen (D1…D12 deadlines, P1; web/penalties.mjs): a statement's heading, its lines'
// causes, columns and decisions, the month chosen. No rule computed here: the statement is the platform's. No DOM,
// no network — tested with `node --test tests/web/` (penalty_statement.test.mjs, screen_clock.test.mjs…).
import { formatDateTime, fullMonthLabel, plural, rowTimeText } from "./logic.mjs";
import { partyLabel, titleLabel } from "./names_logic.mjs";

// A9 penalty statement's heading: « Relevé de décembre 2026 », « Relevé d'avril 2026 » (elided before a vowel),
// then its contractor by name when the caller's directory knows it (« Nom (identifiant) »: names_logic.mjs).
export function statementHeading(statement, names = null) {
  const month = fullMonthLabel(statement?.month);
  const of = /^[aeiouyàâéèêîôû]/i.test(month) ? "d'" : "de ";
  return `Relevé ${of}${month} — ${statement?.contractor_id ? partyLabel(names, statement.contractor_id) : ""}`;
}

// A penalty line's last decision: « contestée le 10/12/2026 08:00 », on the statement's clock when its lines share
// one (the screen names it once), else on the line's own, « (heure locale, UTC−4) » after an overseas one; null
// before any decision. Named by the decision itself (`last_decision`): an upheld line is due again (status accrued)
// and reads « maintenue le … », never « due le … » as if nobody had decided.
export function penaltyDecisionText(line, statement, date = new Date()) {
  if (!line?.decided_at) return null;
  const label = PENALTY_DECISION_LABELS[line.last_decision] ?? PENALTY_STATUS_LABELS[line.status] ?? line.status;
  const when = statement?.time_zone ? formatDateTime(line.decided_at, statement.time_zone)
    : rowTimeText(line, line.decided_at, date);
  return `${label} le ${when}`;
}

// A9: the decisions a penalty line offers — those the platform accepts on it now (get_penalty_statement's
// `decisions_allowed`, from its status: a due line can be waived or disputed, a disputed one waived or upheld, a
// waived one nothing), named as PENALTY_ACTIONS name them. An answer without the list offers the three.
export function penaltyActionsFor(line) {
  const allowed = line?.decisions_allowed;
  return Array.isArray(allowed) ? PENALTY_ACTIONS.filter((a) => allowed.includes(a.value)) : [...PENALTY_ACTIONS];
}

// A9: what a pooled penalty day is about — each message behind it (the statement line's `causes`), with its order
// and its own day of lateness: « Commande Fuite sous évier (BC-2026-0101) : événement transmis en retard, 4e jour » —
// the order by its title (the statement's `order_titles`), its id beside it; the id alone when no title is known. A
// line without causes (D2 connection) has none; the order, when named, is linked by the screen (`orderId`).
const CAUSE_KIND_TEXTS = { D1: "événement transmis en retard (plus de 15 min)",
  F1: "message refusé pour son format, pas encore corrigé ce jour-là" };
export function penaltyCauses(line, titles = {}) {
  return (line?.causes ?? []).map((c) => {
    const what = CAUSE_KIND_TEXTS[c.kind] ?? "délai dépassé";
    const day = Number.isInteger(c.day) ? `, ${c.day === 1 ? "1er" : `${c.day}e`} jour` : "";
    return { orderId: c.order_id || null, orderLabel: c.order_id ? titleLabel(titles?.[c.order_id], c.order_id) : null,
      prefix: c.order_id ? "Commande " : "", text: `${what}${day}` };
  });
}

// A9: the order a day of one deadline belongs to (D3 a quote's order, D8 an incident's…), by its title and id, linked
// by the screen; null for a pooled day (its causes name theirs) and a deadline of no order (D2).
export function penaltyLineOrder(line, titles = {}) {
  if (!line?.order_id || line.causes?.length) return null;
  return { orderId: line.order_id, orderLabel: titleLabel(titles?.[line.order_id], line.order_id) };
}

// A9 statement's columns, and how each reads on a phone where each day of penalty is a card (table.cards): `label`
// its data-label, the column's name before its value; `stacked` read across the card under its name — « Délai », its
// order and its causes, which a 8 rem column squeezed one word a line —; the manager's decision across the card
// without a name of its own, its fields « Décision » and « Motif » saying it (it read « Décision » twice).
export function penaltyColumns(manager) {
  return [{ header: "Date", label: "Date" }, { header: "Délai", label: "Délai", stacked: true },
    { header: "Jour", label: "Jour", num: true }, { header: "Montant", label: "Montant", num: true },
    { header: "Statut", label: "Statut" }, { header: "Motif", label: "Motif" },
    ...(manager ? [{ header: "Décision", label: null, stacked: true }] : [])];
}

// A9 at volume: a pooled day near a month's end has ~30 orders behind it. The screen says how many, shows the first
// CAUSES_SHOWN, and puts the others behind « Voir les N autres » (a <details>); never one alone behind it — up to
// CAUSES_SHOWN + 1 all are shown. The CSV keeps every message (get_penalty_statement?format=csv).
export const CAUSES_SHOWN = 3;
export function penaltyCauseGroups(line, titles = {}, shown = CAUSES_SHOWN) {
  const causes = penaltyCauses(line, titles);
  const cut = causes.length > shown + 1 ? shown : causes.length;
  const rest = causes.slice(cut);
  return { count: causes.length,
    countText: causes.length ? `${plural(causes.length, "message")} en cause` : "",
    first: causes.slice(0, cut), rest, moreText: rest.length ? `Voir les ${rest.length} autres` : "" };
}

// --- penalties ---------------------------------------------------------------------------------
export const PENALTY_STATUS_LABELS = Object.freeze({ accrued: "due", waived: "remise", disputed: "contestée",
  upheld: "maintenue" });
// what each decision made of a line, as its last decision is told (penaltyDecisionText)
export const PENALTY_DECISION_LABELS = Object.freeze({ waive: "remise", dispute: "contestée", uphold: "maintenue" });
export const PENALTY_ACTIONS = Object.freeze([
  { value: "waive", label: "Remettre" }, { value: "dispute", label: "Contester" }, { value: "uphold", label: "Maintenir" }]);

// "2026-04" for a Date (the statement's default month: the current one).
export function monthOf(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}`;
}

// "04/2026" or "2026-04" → "2026-04"; else null.
export function parseMonth(text) {
  const value = String(text ?? "").trim();
  let match = /^(\d{1,2})\/(\d{4})$/.exec(value);
  if (match && Number(match[1]) >= 1 && Number(match[1]) <= 12) return `${match[2]}-${match[1].padStart(2, "0")}`;
  match = /^(\d{4})-(\d{2})$/.exec(value);
  if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12) return value;
  return null;
}
