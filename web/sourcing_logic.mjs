// Pure helpers of part B's screens as the beneficiary reads them: the contractors its « Pénalités » screen offers
// (A9 penalties), each candidate's criteria by weight (B3 ranking), what happens next to a ranked need (D4), the
// order screen's client and its mission (B11), the framing form's declaration (B13 conflict of interest).
// Tested by Node's runner (tests/web/sourcing_screens.test.mjs).
import { PARIS_ZONE, formatDateTime, parseFrenchDate, plural, todayFrenchIn } from "./logic.mjs";
import { CRITERIA_LABELS } from "./needs_logic.mjs";
import { directoryFromContracts, homonymIn, nameOf, nameText } from "./names_logic.mjs";

// « Nom (rôle) » when the caller's directory names the party (nameText, names_logic.mjs's one rule: the id in
// parentheses too for a homonym), else « identifiant (rôle) ». « ACME (titulaire de l'accord-cadre) »; a name that
// already says the role is not followed by it again (« Titulaire de l'accord-cadre (démo) », never « … (titulaire de
// l'accord-cadre) » twice).
const folded = (text) => String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[’‘]/g, "'").toLowerCase();
function namedChoice(names, id, role) {
  const name = nameOf(names, id);
  if (!name) return `${id} (${role})`;
  const label = nameText(name, id, { homonym: homonymIn(names, id) });
  return folded(name).includes(folded(role)) ? label : `${label} (${role})`;
}

// A9 penalties: the contractors a beneficiary may read the penalties of — its agreement's titulaire
// (get_sourcing?view=agreement) first, then the contractors of its own orders (list_orders: its missions'),
// each once, by name when its directory (`names`, names_logic.mjs) knows it. Both are its own data: no other tenant
// is read. → [{ value, label }]
export function penaltyContractorOptions(agreement, orders, names = null) {
  const titulaire = agreement?.titulaire_id ?? null;
  const others = [...new Set((orders ?? []).map((o) => o.contractor_id).filter((id) => id && id !== titulaire))]
    .sort((a, b) => a.localeCompare(b, "fr"));
  return [...(titulaire ? [{ value: titulaire, label: namedChoice(names, titulaire, "titulaire de l'accord-cadre") }] : []),
    ...others.map((id) => ({ value: id, label: namedChoice(names, id, "commandes de vos missions") }))];
}

// B3 ranking: a candidate's criteria in the order of their weight in the ranking (`weights` of the result), the
// highest first (equal weights in the ranking's own order), each with its score and its weight in percent; a
// criterion the weights do not name comes last, without a weight. → [{ key, label, score, weight }]
export function criteriaByWeight(criteria, weights) {
  const order = Object.keys(weights ?? {});
  const rank = (key) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.entries(criteria ?? {})
    .map(([key, score]) => ({ key, label: CRITERIA_LABELS[key] ?? key, score: Math.round(score * 100),
      weight: typeof weights?.[key] === "number" ? Math.round(weights[key] * 100) : null }))
    .sort((a, b) => (b.weight ?? -1) - (a.weight ?? -1) || rank(a.key) - rank(b.key));
}

// « adéquation du texte 85 % (poids 30 %) · … », a criterion's score and weight never broken across lines.
export function criteriaText(criteria, weights) {
  return criteriaByWeight(criteria, weights).map((c) => `${c.label} ${c.score}\u00a0%`
    + `${c.weight === null ? "" : `\u00a0(poids\u00a0${c.weight}\u00a0%)`}`).join(" · ");
}

// B4 professional record: the administrative regions by INSEE code (the need form's « Région », the record's), and
// the record's title with French elision (« Fiche d'Anne Lefèvre », « Fiche de Bruno Caron »).
export const REGIONS = [["01", "Guadeloupe"], ["02", "Martinique"], ["03", "Guyane"], ["04", "La Réunion"],
  ["06", "Mayotte"], ["11", "Île-de-France"], ["24", "Centre-Val de Loire"], ["27", "Bourgogne-Franche-Comté"],
  ["28", "Normandie"], ["32", "Hauts-de-France"], ["44", "Grand Est"], ["52", "Pays de la Loire"], ["53", "Bretagne"],
  ["75", "Nouvelle-Aquitaine"], ["76", "Occitanie"], ["84", "Auvergne-Rhône-Alpes"],
  ["93", "Provence-Alpes-Côte d'Azur"], ["94", "Corse"]];
const REGION_LABELS = Object.fromEntries(REGIONS);

// « Auvergne-Rhône-Alpes (84) »; a code the list does not know as it is; « — » without one.
export function regionText(code) {
  if (!code) return "—";
  return REGION_LABELS[code] ? `${REGION_LABELS[code]} (${code})` : String(code);
}

export function recordTitle(name) {
  return /^[aeiouyàâäéèêëîïôöùûüæœ]/i.test(name ?? "") ? `Fiche d'${name}` : `Fiche de ${name}`;
}

// D4 (B10 search process): how long the operator has to propose professionals — 10 working days, or the shorter delay
// the agreement's terms in force state (get_sourcing?view=agreement: in_force_terms.lengths.D4). Without the
// agreement, what the contract allows at most. The day itself is the platform's, shown on the need once submitted.
export const D4_WORKING_DAYS = 10;

export function d4Delay(agreement) {
  const shorter = agreement?.penalty_terms_versions?.in_force_terms?.lengths?.D4;
  if (Number.isInteger(shorter) && shorter > 0 && shorter < D4_WORKING_DAYS) {
    return `sous ${plural(shorter, "jour ouvré", "jours ouvrés")} (délai D4 de votre convention)`;
  }
  return agreement ? `sous ${D4_WORKING_DAYS} jours ouvrés (délai D4)` : `sous ${D4_WORKING_DAYS} jours ouvrés au plus `
    + "(délai D4, ou le délai plus court de votre convention)";
}

// B3 ranking / D4: the operator's proposal's default « Disponibilité garantie jusqu'au » (an ISO day). The platform
// refuses only a day before today on Paris's calendar (GUARANTEE_IN_PAST: propose in shared/service/sourcing/needs.py,
// its today() is Paris's); a user accepts the later of the need's start (the professional held until the mission
// starts: get_sourcing?view=need, its latest version's content.start_date) and two weeks from today on Paris's day —
// never a day counted on UTC, which late in a Paris evening is still yesterday.
export const GUARANTEE_DAYS = 14;

export function guaranteeDefault(need, date = new Date()) {
  const today = new Date(`${parseFrenchDate(todayFrenchIn(PARIS_ZONE, date))}T00:00:00Z`);
  today.setUTCDate(today.getUTCDate() + GUARANTEE_DAYS);
  const inTwoWeeks = today.toISOString().slice(0, 10);
  const start = need?.versions?.at(-1)?.content?.start_date ?? need?.content?.start_date ?? "";
  return /^\d{4}-\d{2}-\d{2}$/.test(start) && start > inTwoWeeks ? start : inTwoWeeks;
}

// B1 parties: the beneficiaries' names the operator's list of needs read (list_needs' beneficiary_name, one batch read of
// the registry per page), remembered for « Proposer », which reads the need alone: no read per row nor per screen. A row
// naming none (list_needs then answers the id) teaches nothing.
export function rememberBeneficiaryNames(rows, names = new Map()) {
  for (const row of rows ?? []) {
    if (row?.beneficiary_id && row.beneficiary_name && row.beneficiary_name !== row.beneficiary_id) {
      names.set(row.beneficiary_id, row.beneficiary_name);
    }
  }
  return names;
}

// « Bénéficiaire » on « Proposer »: its name with its id beneath, or the id alone when no list named it (the screen
// opened from a link). → { name, id } (id null when the name is the id).
export function beneficiaryFact(names, id) {
  const name = names?.get(id);
  return name ? { name, id } : { name: id, id: null };
}

// The « Nouveau besoin » form's promise, said before the need is sent.
export function needFormHint(agreement) {
  return `Le besoin est accusé aussitôt ; les professionnels vous sont proposés ${d4Delay(agreement)}, comptés sur le `
    + "calendrier de votre territoire : la date limite s'affiche sur le besoin.";
}

// What a beneficiary does next on its need's screen, or waits for. Ranked (« résultats calculés »): the operator's
// proposal, due on the D4 date; proposed: a choice among them (B10); accepted: the mission to frame, which issues its
// order to the titulaire (B13); framed: the mission to follow. null for any other status (nothing to do).
export function needNextStep(need) {
  if (need?.status === "proposed") {
    return "Choisissez un professionnel ci-dessous (Accepter) ; si aucun ne convient, refusez et relancez la recherche "
      + "(le besoin peut être modifié), ou abandonnez-la.";
  }
  if (need?.status === "accepted") {
    const chosen = (need.proposals ?? []).find((p) => p.status === "accepted")?.name;
    return `${chosen ? `Vous avez retenu ${chosen}. ` : ""}Étape suivante : cadrez la mission (dates, jalons et `
      + "livrables) ; sa commande est alors émise au titulaire de l'accord-cadre.";
  }
  if (need?.status === "mission_framed") {
    return "La mission est cadrée et sa commande émise : suivez-la depuis la mission (jalons, livrables, temps passés, "
      + "remplacement, devis au titulaire).";
  }
  if (need?.status !== "scored") return null;
  const due = need.d4?.due ? formatDateTime(need.d4.due).replace(/^(\d\d\/\d\d\/\d{4}) (\d)/, "$1 à $2") : null;
  return `Le classement est calculé. L'opérateur vous propose des professionnels parmi ces résultats`
    + `${due ? ` au plus tard le ${due} (délai D4)` : ` ${d4Delay(null)}`} ; vous pourrez alors `
    + "accepter une proposition, la refuser et relancer la recherche, ou l'abandonner.";
}

// D4: a need the beneficiary waits on while the operator chooses — ranked, proposals not yet made — is read again on
// its screen every refresh_seconds, so that the operator's proposals appear there without a reload (the need screen
// has no stream: proposals are no change of an order). `needChanged` says whether a new read is worth a drawing.
export function needAwaitsProposals(need) {
  return need?.status === "scored" && Boolean(need.versions?.at(-1)?.result);
}

export function needChanged(shown, read) {
  if (!shown || !read) return Boolean(read);
  return shown.status !== read.status || shown.version !== read.version
    || (shown.proposals?.length ?? 0) !== (read.proposals?.length ?? 0) || shown.mission_id !== read.mission_id;
}

// B11 budget on the mission screen: planned, then — once a quote accepted on the mission (B16) made its order larger —
// « Commandé » (the order's total, accepted quotes included), consumed and what is left of the order, so that the rows
// add up (« Reste » is the order's total less the consumed, never the planned less it). → [[label, text]]
export function budgetFacts(budget, euros) {
  if (!budget) return [["Budget prévu", "—"], ["Consommé", "—"], ["Reste", "—"]];
  const ordered = budget.ordered_cents ?? budget.planned_cents;
  return [["Budget prévu", euros(budget.planned_cents)],
    ...(ordered !== budget.planned_cents ? [["Commandé (devis acceptés compris)", euros(ordered)]] : []),
    ["Consommé", euros(budget.consumed_cents)], ["Reste", euros(budget.remaining_cents)]];
}

// Who the client of an order, a quote or a contract is — a beneficiary (a mission's order and the quotes on it live
// in its space: get_order's mission, a list row's or a quote's mission_id; a contract row's client_kind) or a
// manager — and, for the beneficiary, the link back to the order's mission.
export function orderClientLabel(role, view) {
  return role === "beneficiary" || view?.mission || view?.mission_id || view?.client_kind === "beneficiary"
    ? "Bénéficiaire" : "Gestionnaire";
}

// B14: a service type by its acronym and what it stands for (the pool's « Par type de prestation »): « AMOA (assistance
// à maîtrise d'ouvrage) »; an unknown one as it is.
export const SERVICE_TYPE_LABELS = Object.freeze({ AMOA: "assistance à maîtrise d'ouvrage",
  AMOE: "assistance à maîtrise d'œuvre" });

export function serviceTypeText(type) {
  return SERVICE_TYPE_LABELS[type] ? `${type} (${SERVICE_TYPE_LABELS[type]})` : String(type ?? "—");
}

// Who the contractor of that order or quote is, in the same words on the beneficiary's and the titulaire's screens:
// « Titulaire » (of the framework agreement, part B) when its client is a beneficiary (orderClientLabel), otherwise
// « Prestataire ».
export function orderContractorLabel(role, view) {
  return orderClientLabel(role, view) === "Bénéficiaire" ? "Titulaire" : "Prestataire";
}

// A list's column (and its filter) naming the client of its rows, by orderClientLabel: « Bénéficiaire » when every
// row is a beneficiary's (the titulaire's), « Gestionnaire » when none is, both otherwise. A list with no row yet
// names its clients by what else the screen knows of them: `contracts`, the caller's contracts (list_contracts rows,
// their client_kind) — the titulaire's empty « Devis » says « Bénéficiaire » —; « Gestionnaire » when neither says.
export function clientColumnLabel(role, rows, contracts = []) {
  const named = rows?.length ? rows : (contracts ?? []);
  const labels = new Set(named.map((row) => orderClientLabel(role, row)));
  if (role === "beneficiary" || labels.size === 1) return orderClientLabel(role, named[0]);
  return labels.size ? "Gestionnaire ou bénéficiaire" : "Gestionnaire";
}

// The first choice of a contractor's client filter (« Mes commandes »): « Tous les » of what its column is named.
export function clientFilterAll(columnLabel) {
  return { "Bénéficiaire": "Tous les bénéficiaires", "Gestionnaire": "Tous les gestionnaires" }[columnLabel]
    ?? "Tous les clients";
}

// B16: the client a contractor raises a quote for (« Proposer un devis »), picked among the spaces of its contracts
// (list_contracts rows: manager_id, client_kind) rather than typed — a beneficiary's (its missions' framework
// agreement) or a manager's, the beneficiaries first. The field is named as clientColumnLabel names a list's column
// (« Bénéficiaire » when every contract is a beneficiary's), by the order's own client for supplementary works on it
// (get_order's view), « Gestionnaire ou bénéficiaire » when no contract could be read. `contractsOf(id)`: the
// contracts held in that space. `chosen`: the client already picked — the one given (an order's), else the only one;
// `contract`: the contract filled for it — the order's, else the only one it holds in that space (else "").
// → { label, options: [{ value, label, kind }], contractsOf, chosen, contract }
export function raiseClientChoice(contracts, { managerId = "", order = null } = {}) {
  const kinds = new Map();
  for (const c of contracts ?? []) {
    if (c?.manager_id && !kinds.has(c.manager_id)) kinds.set(c.manager_id, c.client_kind === "beneficiary"
      ? "beneficiary" : "manager");
  }
  if (managerId && !kinds.has(managerId)) kinds.set(managerId, order?.mission ? "beneficiary" : "manager");
  const rows = [...kinds].map(([id, kind]) => ({ manager_id: id, client_kind: kind }))
    .sort((a, b) => (a.client_kind === b.client_kind ? a.manager_id.localeCompare(b.manager_id, "fr")
      : a.client_kind === "beneficiary" ? -1 : 1));
  const label = order ? orderClientLabel("contractor", order)
    : rows.length ? clientColumnLabel("contractor", rows) : "Gestionnaire ou bénéficiaire";
  const names = directoryFromContracts(contracts);  // each row names its space (client_name)
  // the role after each name only when the clients are of both kinds: a field named « Gestionnaire » (or
  // « Bénéficiaire ») says it already — « Rhône Habitat (démo) (gestionnaire) » was cut at 375 px
  const mixed = new Set(rows.map((r) => r.client_kind)).size > 1;
  const options = rows.map((r) => ({ value: r.manager_id, kind: r.client_kind,
    label: mixed ? namedChoice(names, r.manager_id, r.client_kind === "beneficiary" ? "bénéficiaire" : "gestionnaire")
      : nameText(nameOf(names, r.manager_id), r.manager_id, { homonym: homonymIn(names, r.manager_id) }) }));
  const contractsOf = (id) => [...new Set((contracts ?? []).filter((c) => c?.manager_id === id)
    .map((c) => c.contract_id))];
  const chosen = managerId || (options.length === 1 ? options[0].value : "");
  const held = chosen ? contractsOf(chosen) : [];
  const contract = order?.order?.contract_id ?? (held.length === 1 ? held[0] : "");
  return { label, options, contractsOf, chosen, contract };
}

// B16: the missions a titulaire's quote to a beneficiary may concern (« Mission concernée »): its orders in that
// beneficiary's space that are a mission's (list_orders rows: mission_id), not ended (the platform refuses a quote
// on a closed, cancelled or not completable order), each once, named by its title.
const ENDED_STATES = Object.freeze(["closed", "cancelled", "cannot_complete"]);
export function raiseMissionOptions(rows, clientId) {
  const seen = new Set();
  return (rows ?? []).filter((r) => r?.mission_id && r.manager_id === clientId && !ENDED_STATES.includes(r.state)
    && !seen.has(r.mission_id) && seen.add(r.mission_id))
    .map((r) => ({ value: r.mission_id, label: `${r.title ?? r.order_id} (${r.mission_id})` }));
}

// A7: a contractor's own quote (« Proposer un devis ») is at a node of its client's property tree: the client's sites
// within the contractor's perimeter (`sites`: list_property_nodes kind=site rows, which the platform keeps to the
// perimeter of its contracts; a site an import retired left out), by the tree's name, then the nodes its orders with
// that client name (`rows`: list_orders', which may be a building or a dwelling), each once, by name (its id when it
// has none). Its orders' nodes first, then the tree's other sites, each group in French order. → [{ value, label }]
export function raiseSiteOptions(rows, clientId, sites = []) {
  const fromTree = new Map();
  for (const n of sites ?? []) {
    if (n?.node_id && (n.status ?? "active") === "active") fromTree.set(n.node_id, n.label || n.node_id);
  }
  const byNode = new Map();
  for (const r of rows ?? []) {
    const node = r?.site?.node_id;
    if (r.manager_id === clientId && node && !byNode.has(node)) byNode.set(node, fromTree.get(node) ?? (r.site.label || node));
  }
  const ordered = [...byNode].map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label, "fr") || a.value.localeCompare(b.value));
  const treeOnly = [...fromTree].filter(([value]) => !byNode.has(value)).map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label, "fr") || a.value.localeCompare(b.value));
  return [...ordered, ...treeOnly];
}

// « Commande complétée » (A2.5 supplementary works): the contractor's orders with that client not ended, offered by
// reference with their title — `kept`, the options offered already, first, then `rows`' (list_orders rows: the
// first page read for the client, or the answer of a search by reference), each reference once.
// → [{ value: order_id, label: title or null }]
export function raiseOrderOptions(rows, clientId, kept = []) {
  const seen = new Set((kept ?? []).map((o) => o.value));
  return [...(kept ?? []), ...(rows ?? []).filter((r) => r?.order_id && r.manager_id === clientId
    && !ENDED_STATES.includes(r.state) && !seen.has(r.order_id) && seen.add(r.order_id))
    .map((r) => ({ value: r.order_id, label: r.title ?? null }))];
}

const foldReference = (v) => (v ?? "").trim().toLocaleUpperCase("fr");

// What « Commande complétée » typed should look up (list_orders q=: the start of a reference, any case, or a word of
// the title, « fuite »): the text as typed (trimmed) once it has 3 characters or more and no suggestion is exactly it,
// else null — one read per pause in typing, not per letter, and none for an order offered already.
export function raiseOrderLookup(typed, options) {
  const text = (typed ?? "").trim();
  if (text.length < 3) return null;
  return (options ?? []).some((o) => foldReference(o.value) === foldReference(text)) ? null : text;
}

// The order a quote completes, as typed: the reference of a suggestion it names (any case), else as typed (trimmed).
export function raiseOrderId(typed, options) {
  const text = (typed ?? "").trim();
  return (options ?? []).find((o) => o.value === text)?.value
    ?? (options ?? []).find((o) => foldReference(o.value) === foldReference(text))?.value ?? text;
}

// What « Élément de patrimoine » typed names: a site offered, by its id or its name (trimmed, any case — people type
// « Bâtiment A », not « LYON-BAT-A »), else the text as typed (an id the platform checks). → { node_id, label }
export function raiseSiteNode(typed, options) {
  const text = (typed ?? "").trim();
  const fold = (v) => v.toLocaleLowerCase("fr");
  const known = (options ?? []).find((o) => o.value === text) ?? (options ?? []).find((o) => fold(o.label) === fold(text));
  return known ? { node_id: known.value, label: known.label === known.value ? null : known.label }
    : { node_id: text, label: null };
}

// B16, A7: where a raised quote is, by its client. A manager's: the node of its property tree typed (and the order
// it completes, if any). A beneficiary has no property tree: its quote names the mission it concerns, whose order
// it completes at its site (the platform takes both from the mission) — no site, no order typed.
// → { fields: what raise_quote's body carries for it, errors: [{ field, message }] }
export function raiseTarget({ beneficiary = false, missionId = "", siteNode = "", siteLabel = "", orderId = "" } = {}) {
  if (beneficiary) {
    const mission = missionId.trim();
    return mission ? { fields: { mission_id: mission }, errors: [] }
      : { fields: {}, errors: [{ field: "$.mission_id", message: "Choisissez la mission que ce devis concerne." }] };
  }
  const node = siteNode.trim();
  const label = siteLabel.trim();
  const order = orderId.trim();
  if (!node) return { fields: {}, errors: [{ field: "$.site.node_id", message: "Ce champ est obligatoire." }] };
  return { fields: { site: { node_id: node, ...(label ? { label } : {}) }, ...(order ? { order_id: order } : {}) },
    errors: [] };
}

export function orderMissionHref(role, view) {
  const id = view?.mission?.mission_id;
  return role === "beneficiary" && id ? `#/missions/${encodeURIComponent(id)}` : null;
}

// B13 conflict of interest: whether the framing form asks for the declaration up front (get_sourcing?view=need
// says whether the beneficiary must sign it).
export function declarationRequired(need) {
  return need?.conflict_declaration_required === true;
}

// B14 « Vivier » by region (get_sourcing view=pool_statistics' per_region: code → { label, count }): the regions with
// professionals as rows, by region code (the platform's order), and one line naming those with none, alphabetically (« Aucun
// professionnel : Corse, Guyane. »; null when every region has some) — rather than a table of zeros.
export function poolRegions(perRegion) {
  const entries = Object.entries(perRegion ?? {}).map(([code, r]) => ({ code, label: r.label, count: r.count }))
    .sort((a, b) => a.code.localeCompare(b.code));
  const none = entries.filter((r) => !r.count).map((r) => r.label).sort((a, b) => a.localeCompare(b, "fr"));
  return { rows: entries.filter((r) => r.count), none: none.length ? `Aucun professionnel : ${none.join(", ")}.` : null };
}
