// « À faire » (A11 daily view, B10–B12, B16, A10, B9): what waits on the signed-in person, at the top of its role's
// home — each entry a count, what it is (one `plural` rule), the nearest due date where there is one and a link to the
// screen filtered on it. Pure: which lists to read (existing list endpoints with their filters, small pages), what
// their answers say, the links' filters read back from the address. The block itself: todo.mjs.
import { STATE_LABELS, formatDateTime, plural } from "./logic.mjs";
import { QUOTE_LABELS } from "./quotes_logic.mjs";
import { heldRights } from "./accounts_logic.mjs";

// Each list is read with at most this many rows: more is said « 50 ou plus ».
export const TODO_LIMIT = 50;
// The contractor's refused messages counted over this many days (« Messages envoyés », list_message_log since=).
export const REFUSED_DAYS = 7;
// A14: a catalogue's six-monthly review counted from this many days before it is due (the contractor is reminded a
// month before: REMIND_MONTHS_BEFORE in shared/domain/catalogue.py), and once past.
export const REVIEW_SOON_DAYS = 31;

const limit = (params) => new URLSearchParams({ ...params, limit: String(TODO_LIMIT) }).toString();

// role → the lists read, in the order shown. `rows`: the answer's rows; `due`: the row's due date (the nearest is
// shown: a field's name, or a function of the row), `dueText` what it is (a feminine noun: « … la plus proche »);
// `keep`: the rows that still wait (a refused message corrected since, or whose order has ended, does not);
// `weight`: the field counting what one row holds (a mission's deliverables to decide), else one per row;
// `one`/`many`: what one or several are; `label`: the entry named when its read fails; `href`: the screen, `oneHref`
// the screen of the one row when there is only one; `acts`: the right acting on it takes, when its list is read under
// another (todoSourcesFor leaves it out for an account without it).
export function todoSources(role, now = new Date()) {
  const submitted = { key: "quotes_to_decide", call: "list_quotes", query: limit({ state: "submitted" }),
    rows: "quotes",
    due: "valid_until", dueText: "fin de validité", one: "devis remis attend votre décision",
    many: "devis remis attendent votre décision", label: "Devis à décider", href: "#/quotes?state=submitted" };
  const sources = {
    manager: [submitted,
      { key: "orders_to_receive", call: "list_orders", query: limit({ state: "completed" }), rows: "orders",
        one: "commande terminée à réceptionner", many: "commandes terminées à réceptionner",
        label: "Commandes à réceptionner", href: "#/?state=completed" },
      { key: "orders_late", call: "list_orders", query: limit({ late: "true" }), rows: "orders",
        one: "commande en retard", many: "commandes en retard", label: "Commandes en retard", href: "#/?late=true" },
      { key: "catalogue_reviews", call: "list_contracts", query: "", rows: "contracts", due: "review_due_on",
        dueText: "revue semestrielle", keep: (c) => reviewSoon(c, now), one: "catalogue de marché à revoir (revue "
        + "semestrielle)", many: "catalogues de marché à revoir (revue semestrielle)", label: "Revues de catalogue",
        href: "#/contracts?review=due", acts: "contracts.write",
        oneHref: (c) => `#/contracts/${encodeURIComponent(c.manager_id)}/${encodeURIComponent(c.contract_id)}` }],
    contractor: [
      { key: "quotes_to_answer", call: "list_quotes", query: limit({ state: "requested" }), rows: "quotes",
        due: "answer_due_at", dueText: "date limite de réponse", one: "devis demandé à chiffrer",
        many: "devis demandés à chiffrer", label: "Devis à chiffrer", href: "#/quotes?state=requested" },
      { key: "orders_to_acknowledge", call: "list_orders", query: limit({ state: "to_acknowledge" }), rows: "orders",
        one: "commande à prendre en compte", many: "commandes à prendre en compte",
        label: "Commandes à prendre en compte", href: "#/?state=to_acknowledge" },
      { key: "messages_refused", call: "list_message_log",
        query: limit({ status: "rejected", since: new Date(now.getTime() - REFUSED_DAYS * 86400000).toISOString() }),
        rows: "messages", keep: (m) => !m.corrected_at && !m.order_ended,
        one: `message refusé ces ${REFUSED_DAYS} derniers jours pas encore corrigé`,
        many: `messages refusés ces ${REFUSED_DAYS} derniers jours pas encore corrigés`, label: "Messages refusés",
        href: "#/messages" }],
    beneficiary: [
      { key: "needs_proposed", call: "list_needs", query: "status=proposed", rows: "needs", one: "besoin dont les "
        + "professionnels proposés attendent votre choix", many: "besoins dont les professionnels proposés attendent "
        + "votre choix", label: "Propositions à choisir", href: "#/",
        oneHref: (n) => `#/needs/${encodeURIComponent(n.need_id)}` },
      { key: "needs_accepted", call: "list_needs", query: "status=accepted", rows: "needs",
        one: "besoin accepté dont la mission est à cadrer", many: "besoins acceptés dont la mission est à cadrer",
        label: "Missions à cadrer", href: "#/", oneHref: (n) => `#/needs/${encodeURIComponent(n.need_id)}/frame` },
      { key: "deliverables_to_decide", call: "list_needs", query: "deliverables=delivered", rows: "needs",
        weight: "deliverables_to_decide", one: "livrable remis attend votre décision",
        many: "livrables remis attendent votre décision", label: "Livrables à décider",
        href: "#/?deliverables=delivered", acts: "needs.write", oneHref: (n) => `#/missions/${encodeURIComponent(n.mission_id)}` },
      submitted],
    operator: [
      { key: "account_requests", call: "list_account_requests", query: "", rows: "requests", due: "due_at",
        dueText: "échéance D7", one: "demande de compte à traiter", many: "demandes de compte à traiter",
        label: "Demandes de compte", href: "#/" },
      { key: "needs_waiting", call: "list_needs", query: "", rows: "needs", due: "d4_due", dueText: "échéance D4",
        one: "besoin attend vos propositions", many: "besoins attendent vos propositions",
        label: "Besoins en attente", href: "#/needs" },
      { key: "replacements_awaiting", call: "get_sourcing", query: "view=replacements", rows: "missions",
        due: (m) => m.replacement?.deadline?.due, dueText: "échéance du remplacement",
        one: "mission attend un remplaçant",
        many: "missions attendent un remplaçant", label: "Remplacements", href: "#/replacements" },
      { key: "contractors_waiting", call: "list_parties", query: "kind=contractor&connected=false", rows: "parties",
        due: "d2_due_at", dueText: "échéance D2", one: "prestataire pas encore raccordé",
        many: "prestataires pas encore raccordés", label: "Prestataires à raccorder", href: "#/parties" },
      { key: "incidents_reported", call: "list_incidents", query: limit({ state: "reported" }), rows: "incidents",
        due: "due_at", dueText: "échéance D8", one: "incident signalé à prendre en compte",
        many: "incidents signalés à prendre en compte", label: "Incidents signalés", href: "#/incidents" },
      { key: "incidents_acknowledged", call: "list_incidents", query: limit({ state: "acknowledged" }),
        rows: "incidents", one: "incident pris en compte à résoudre", many: "incidents pris en compte à résoudre",
        label: "Incidents à résoudre", href: "#/incidents" }],
  };
  return sources[role] ?? [];
}

// The session's sources: its role's, but those whose action its rights do not allow (B5: a manager reading orders
// without « marchés et comptes de facturation » confirms no review; a beneficiary reading needs decides nothing).
export function todoSourcesFor(claims, now = new Date()) {
  const held = heldRights(claims);
  return todoSources(claims?.role, now).filter((s) => !s.acts || held.includes(s.acts));
}

// A14: a contract whose catalogue review is due within REVIEW_SOON_DAYS, or past (`review_due_on`, list_contracts;
// none before a first catalogue is imported). The day is the contract's: a review due today still waits.
export function reviewSoon(contract, now = new Date()) {
  const due = contract?.review_due_on ? Date.parse(contract.review_due_on) : Number.NaN;
  return !Number.isNaN(due) && due <= now.getTime() + REVIEW_SOON_DAYS * 86400000;
}

// « Marchés » filtered from « À faire » (#/contracts?review=due): only the contracts whose review waits.
export function contractFiltersFromQuery(query) {
  return { reviewDue: new URLSearchParams(query ?? "").get("review") === "due" };
}

// The beneficiary's « Mes besoins » filtered from « À faire » (#/?deliverables=delivered, B11): the needs whose mission
// has deliverables « remis » awaiting its decision (list_needs?deliverables=delivered); any other value ignored.
export function needFiltersFromQuery(query) {
  return { deliverables: new URLSearchParams(query ?? "").get("deliverables") === "delivered" ? "delivered" : "" };
}

// A need's row on that list: « 2 livrables remis à décider », linked to its mission (null without any).
export function deliverablesToDecide(need) {
  const count = Number(need?.deliverables_to_decide) || 0;
  return count && need.mission_id ? { text: plural(count, "livrable remis à décider", "livrables remis à décider"),
    href: `#/missions/${encodeURIComponent(need.mission_id)}` } : null;
}

// A role whose home lists nothing that waits on it (the purchasing body: B17 reports are published by the platform,
// its incidents are the operator's to handle, its account requests too) → the screens it consults, said under
// « Rien ne vous attend. » (no read at all).
export function todoConsult(role) {
  return ({
    purchasing_body: [["#/half-years", "Rapports semestriels"], ["#/agreements", "Conventions des bénéficiaires"],
      ["#/price-schedule", "Barème de prix"], ["#/incidents", "Incidents signalés"]],
  })[role] ?? [];
}

// The count: « 3 », or « 50 ou plus » when the list has more than was read.
function countWords(count, more, one, many) {
  return more ? `${count} ou plus ${many}` : plural(count, one, many);
}

// The nearest of the rows' due dates (ISO), or null.
export function nearestDue(rows, field) {
  if (!field) return null;
  let best = null;
  for (const row of rows) {
    const value = typeof field === "function" ? field(row) : row?.[field];
    const time = value ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(time) && (best === null || time < best[0])) best = [time, value];
  }
  return best ? best[1] : null;
}

// A date alone (a quote's « valable jusqu'au ») runs to the end of that day; a time, to that time.
const dueEnd = (due) => Date.parse(due) + (/^\d{4}-\d{2}-\d{2}$/.test(due) ? 86400000 : 0);

// One source's answer → its entry: { key, count, text, due, href }; null when nothing waits.
export function todoEntry(source, answer, now = new Date()) {
  const rows = (answer?.[source.rows] ?? []).filter(source.keep ?? (() => true));
  if (!rows.length) return null;
  const more = Boolean(answer.next_cursor || answer.truncated);
  const count = source.weight ? rows.reduce((sum, row) => sum + (Number(row[source.weight]) || 1), 0) : rows.length;
  const due = nearestDue(rows, source.due);
  const href = rows.length === 1 && !more && source.oneHref ? source.oneHref(rows[0]) : source.href;
  const nearest = rows.length > 1 ? " la plus proche" : "";  // every label a feminine noun: « échéance D7 »…
  const dueText = !due ? null : `${source.dueText}${nearest}${dueEnd(due) <= now.getTime() ? " dépassée" : ""} : `
    + formatDateTime(due);
  return { key: source.key, count, text: countWords(count, more, source.one, source.many), due: dueText, href };
}

// Every source's outcome ({ answer } or { error }) → what the block shows: `entries` (the failed ones with `failed`
// text, never hiding the others; a list the account has not the right to read, none), `empty` when every read
// answered and nothing waits.
export function todoView(sources, outcomes, now = new Date()) {
  const entries = [];
  let failed = false;
  sources.forEach((source, i) => {
    const outcome = outcomes[i] ?? {};
    if (outcome.error?.status === 403) return;  // an account without the right to that list: nothing it can act on
    if (outcome.error) {
      failed = true;
      entries.push({ key: source.key, failed: `${source.label} : lecture impossible pour le moment.`,
        href: source.href });
      return;
    }
    const entry = todoEntry(source, outcome.answer, now);
    if (entry) entries.push(entry);
  });
  return { entries, empty: !failed && !entries.length };
}

export const NOTHING_TEXT = "Rien ne vous attend.";

// The filters a link of « À faire » put in the address (« #/?state=completed », « #/quotes?state=requested ») →
// the list's: only known states, « late=true »; anything else ignored.
export function orderFiltersFromQuery(query) {
  const params = new URLSearchParams(query ?? "");
  const state = params.get("state");
  return { state: state && Object.hasOwn(STATE_LABELS, state) ? state : "", lateOnly: params.get("late") === "true" };
}

export function quoteFiltersFromQuery(query) {
  const state = new URLSearchParams(query ?? "").get("state");
  return { state: state && Object.hasOwn(QUOTE_LABELS, state) ? state : "" };
}
