// Pure logic of the party lists (B1 parties, A10 onboarding): every page of list_parties and of the beneficiaries'
// list, the pickers' options and the failures told in French, the operator's « Annuaire » (web/parties.mjs) — each
// row, its D2 and its conformance run. No DOM, no network — tested with `node --test tests/web/` (parties.test.mjs…).
import { formatDateTime, plural } from "./logic.mjs";

// A1 spaces, B1 parties: the registered parties a screen chooses from, every page by its cursor, at most
// `maxPages` pages: `complete` is false when more would follow. `call` is the app's ctx.call; `query` the
// list's own parameters; `key` the answer's list. The beneficiaries the purchasing body and the operator
// choose from (get_sourcing?view=beneficiaries), and the operator's directory (list_parties?kind=).
export const BENEFICIARY_PAGES = 25;
export const PARTY_PAGES = BENEFICIARY_PAGES;

export async function allPages(call, name, query, key, maxPages = PARTY_PAGES) {
  const rows = [];
  let after = null;
  for (let page = 0; page < maxPages; page += 1) {
    const search = new URLSearchParams({ ...query, ...(after ? { after } : {}) }).toString();
    const answer = await call(name, { query: search });
    rows.push(...(answer?.[key] ?? []));
    after = answer?.next_cursor ?? null;
    if (!after) return { rows, complete: true };
  }
  return { rows, complete: false };
}

export function allBeneficiaries(call, maxPages = BENEFICIARY_PAGES) {
  return allPages(call, "get_sourcing", { view: "beneficiaries" }, "beneficiaries", maxPages);
}

// kind: manager, contractor, beneficiary or purchasing_body (list_parties, the operator only).
export function allParties(call, kind, maxPages = PARTY_PAGES) {
  return allPages(call, "list_parties", { kind }, "parties", maxPages);
}

// The <select> options, by name in French order (then by id): each the beneficiary's name alone, short enough for a
// phone's screen (375 px cut « Métropole de démonstration — Rhône (69) »); homonyms told apart by their territory
// (« nom — territoire (code) », the territory by the French name the platform gives it: get_sourcing?view=beneficiaries'
// territory_label), by their id when the territory does not. Each option's `path` is its whole naming
// (« Métropole de démonstration — Rhône (69) », « nom (code) » when the territory has no name, « nom » for a record
// naming no territory), written under the field once chosen (chosenBeneficiaryText).
export function beneficiaryOptions(rows) {
  const full = (b) => (!b.territory ? b.name : b.territory_label ? `${b.name} — ${b.territory_label} (${b.territory})`
    : `${b.name} (${b.territory})`);
  const count = (key) => {
    const seen = new Map();
    for (const b of rows) seen.set(key(b), (seen.get(key(b)) ?? 0) + 1);
    return (b) => seen.get(key(b));
  };
  const sameName = count((b) => b.name);
  const samePath = count(full);
  return [...rows].sort((a, b) => a.name.localeCompare(b.name, "fr") || a.beneficiary_id.localeCompare(b.beneficiary_id))
    .map((b) => {
      const path = samePath(b) > 1 ? `${full(b)} — ${b.beneficiary_id}` : full(b);
      return { value: b.beneficiary_id, label: sameName(b) > 1 ? path : b.name, path };
    });
}

// What is written under the beneficiary picker once one is chosen (read with it, aria-describedby): its whole naming,
// « Bénéficiaire choisi : Métropole de démonstration — Rhône (69) »; empty while none is chosen.
export function chosenBeneficiaryText(options, beneficiaryId) {
  const chosen = beneficiaryId ? (options ?? []).find((o) => o.value === beneficiaryId) : null;
  return chosen?.path ? `Bénéficiaire choisi : ${chosen.path}` : "";
}

// What a picker offers once its list is read: {rows} when every page came, {error: "incomplete"} past the
// bound, {error} when the call failed (a 401 is the session's end: thrown on).
export async function listState(loading) {
  try {
    const { rows, complete } = await loading;
    return complete ? { rows } : { error: "incomplete" };
  } catch (err) {
    if (err?.status === 401) throw err;
    return { error: err };
  }
}

// The operator's pickers: the state of each kind's list ({manager: {rows}, contractor: {error}…}).
export async function partyLists(call, kinds = Object.keys(LISTED_KIND_LABELS)) {
  const states = await Promise.all(kinds.map((kind) => listState(allParties(call, kind))));
  return Object.fromEntries(kinds.map((kind, i) => [kind, states[i]]));
}

// A list_parties row as a <select> option, by name in French order: its name alone, short enough for a phone's screen
// (375 px cut « Titulaire de l'accord-cadre (démo) — ctr-titulaire »), « nom — identifiant » for homonyms; a deactivated
// party is said so (the platform refuses it where an active one is needed, next to the field). Each option's `path`,
// « nom — identifiant », is written under the field once chosen (chosenPartyText) and labels a check box (checkGroup).
export function partyOptions(rows) {
  const names = new Map();
  for (const p of rows) names.set(p.name, (names.get(p.name) ?? 0) + 1);
  const off = (p) => (p.status === "inactive" ? " (désactivé)" : "");
  return [...rows].sort((a, b) => a.name.localeCompare(b.name, "fr") || a.id.localeCompare(b.id))
    .map((p) => ({ value: p.id, label: names.get(p.name) > 1 ? `${p.name} — ${p.id}${off(p)}` : `${p.name}${off(p)}`,
      path: `${p.name} — ${p.id}${off(p)}` }));
}

// What is written under the operator's party picker once one is chosen (read with it): its name and its id,
// « Partie choisie : Bativert Rénovation — ctr-bativert »; empty while none is chosen.
export function chosenPartyText(options, id) {
  const chosen = id ? (options ?? []).find((o) => o.value === id) : null;
  return chosen?.path ? `Partie choisie : ${chosen.path}` : "";
}

// Why a list is not offered, in French, when the typed id takes its place: `what` names the list
// ("des bénéficiaires") and `whose` the id to type ("du bénéficiaire").
export function listFailure(error, what, whose) {
  if (error === "incomplete") {
    return `La liste ${what} est trop longue pour être proposée : saisissez l'identifiant ${whose}.`;
  }
  const reasons = error?.status ? (error.problem?.errors ?? []).map((e) => e.message).filter(Boolean) : [];
  const why = reasons.length ? reasons.join(" ") : error?.status ? `erreur ${error.status}` : "le service ne répond pas";
  return `La liste ${what} n'a pas pu être chargée (${why.replace(/\.$/, "")}) : saisissez l'identifiant ${whose}.`;
}

export function beneficiaryListFailure(error) {
  return listFailure(error, "des bénéficiaires", "du bénéficiaire");
}

// The party kinds of list_parties, as the directory and the pickers name them (B1 parties: the central
// purchasing body, once the operator registered it).
export const LISTED_KIND_LABELS = Object.freeze({ manager: "Gestionnaires", contractor: "Prestataires",
  beneficiary: "Bénéficiaires", purchasing_body: "Centrales d'achat" });
const LIST_WORDS = { manager: ["des gestionnaires", "du gestionnaire"], contractor: ["des prestataires", "du prestataire"],
  beneficiary: ["des bénéficiaires", "du bénéficiaire"], purchasing_body: ["des centrales d'achat", "de la centrale d'achat"] };
// What the directory says of a kind with nobody registered (each noun with its own gender).
export const NONE_REGISTERED = Object.freeze({ manager: "Aucun gestionnaire inscrit.",
  contractor: "Aucun prestataire inscrit.", beneficiary: "Aucun bénéficiaire inscrit.",
  purchasing_body: "Aucune centrale d'achat inscrite." });

// The list a picker offers for `kind`: its state as read (partyLists), except that a purchasing body need not
// be registered (its people's tokens are valid without a record, B1 parties): with none registered, its id is
// typed rather than chosen from an empty list.
export function offeredState(state, kind) {
  if (kind === "purchasing_body" && state?.rows && state.rows.length === 0) return undefined;
  return state;
}

export function partyListFailure(error, kind) {
  const [what, whose] = LIST_WORDS[kind] ?? ["des parties", "de la partie"];
  return listFailure(error, what, whose);
}

// The directory's count, agreeing with its number and the kind's gender: « 1 prestataire affiché sur 4. »,
// « 3 centrales d'achat affichées sur 5. »; a list cut at its pages says so.
const COUNT_NOUNS = { manager: ["gestionnaire", "gestionnaires"], contractor: ["prestataire", "prestataires"],
  beneficiary: ["bénéficiaire", "bénéficiaires"], purchasing_body: ["centrale d'achat", "centrales d'achat", "e"] };
export function partiesCountText(kind, shown, total, complete) {
  const [one, many, feminine = ""] = COUNT_NOUNS[kind] ?? ["partie", "parties", "e"];
  const plural = shown > 1 ? "s" : "";
  return `${shown} ${plural ? many : one} affiché${feminine}${plural} sur ${total}`
    + (complete ? "." : " — liste limitée aux premières pages : précisez la recherche.");
}

// The directory's text filter: every word typed found in the id or the name (case and accents ignored).
export function filterParties(rows, text) {
  const fold = (s) => String(s ?? "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const words = fold(text).split(/\s+/).filter(Boolean);
  return rows.filter((p) => words.every((w) => fold(p.id).includes(w) || fold(p.name).includes(w)));
}

// « Gestionnaires servis »: the managers a contractor works for by the names list_parties gives (manager_names, read
// in one batch per page), in its order; a name two of them share is followed by its id; an id without a name as it is.
export function managersText(row) {
  const ids = row.managers ?? [];
  if (!ids.length) return "aucun";
  const names = ids.map((id) => row.manager_names?.[id] ?? id);
  const counts = new Map();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return names.map((n, i) => (n !== ids[i] && counts.get(n) > 1 ? `${n} (${ids[i]})` : n)).join(", ");
}

// A10 onboarding: a contractor not yet connected, by when it is due to be — the earliest of its open D2 deadlines
// (one month from a contract's signature), its day read on that D2's territory clock (d2_time_zone); null when none
// is open (connected, deactivated, or without a contract).
export function d2Text(row, now = new Date()) {
  if (!row?.d2_due_at) return null;
  const due = new Date(row.d2_due_at);
  const day = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: row.d2_time_zone || "Europe/Paris" })
    .format(due);
  return `Raccordement attendu avant le ${day}${due <= now ? " — délai dépassé" : ""}`;
}

// One directory row as the operator reads it (dates in French; "—" where the kind does not apply).
export function partyRowView(row, now = new Date()) {
  const inactive = row.status === "inactive";
  const progress = row.kind === "contractor" && !row.connected ? conformanceProgressLines(row.conformance_progress) : [];
  const connection = row.kind !== "contractor" ? "—" : row.connected
    ? `raccordé le ${formatDateTime(row.conformance_passed_at)}`
    : progress.length ? "non raccordé : recette de conformité en cours" : "non raccordé (recette de conformité à passer)";
  return {
    status: inactive ? `désactivé${row.deactivated_at ? ` le ${formatDateTime(row.deactivated_at)}` : ""}` : "actif",
    inactive, connection, progress, connected: row.kind === "contractor" ? !!row.connected : null,
    managers: row.kind === "contractor" ? managersText(row) : "—",
    d2: d2Text(row, now),
    territory: row.territory ?? "—",
    region: row.region_label ? `${row.region_label} (${row.region})` : "—",
  };
}

// Where a contractor being onboarded stands in its latest conformance run (A10), as list_parties' row keeps it from
// the run's start and its last check: when it started, how many steps passed, the first one not passed and why (the
// platform's French messages) — so that the operator can tell the contractor what to do next. [] without a run.
export function conformanceProgressLines(progress) {
  if (!progress) return [];
  const steps = (n) => `${plural(n, "étape")} sur ${progress.steps_total} réussie${n >= 2 ? "s" : ""}`;
  const lines = [`Recette commencée le ${formatDateTime(progress.started_at)}`];
  if (!progress.checked_at) {
    lines.push("Pas encore contrôlée par le prestataire : aucune étape jugée");
  } else {
    lines.push(`Au dernier contrôle, le ${formatDateTime(progress.checked_at)} : ${steps(progress.steps_passed)}`);
  }
  if (progress.passed || !progress.next_step_label) return lines;
  if (progress.next_step_status === "failed") {
    const why = (progress.errors ?? []).map((e) => e.message).filter(Boolean);
    lines.push(`Bloquée à l'étape « ${progress.next_step_label} » : dernier essai refusé${why.length ? ` — ${why.join(" ; ")}` : ""}`);
  } else {
    lines.push(`Prochaine étape : « ${progress.next_step_label} » (pas encore tentée)`);
  }
  return lines;
}
