// Parties by their names, not their ids (A2 orders and quotes, A9 penalties, A1 spaces, B1 parties): the names a
// caller may read, from its own contracts (list_contracts rows name their contractor and the space they are in:
// `contractor_name`, `client_name`) — a manager learns its contractors', a contractor its clients', a beneficiary
// its titulaire's, nobody another tenant's. Pure logic: web/names.mjs reads and caches; the screens show them.

// list_contracts rows → { contractors: Map id → name, clients: Map id → { name, kind }, own } (a name the registry
// does not give is left out: the id is shown alone); `own` is the caller's own name, list_contracts' `caller_name`
// (its own registry record, with or without a contract), null when none.
export function directoryFromContracts(contracts, callerName = null) {
  const contractors = new Map();
  const clients = new Map();
  for (const c of contracts ?? []) {
    if (c?.contractor_id && !contractors.has(c.contractor_id)) contractors.set(c.contractor_id, c.contractor_name || null);
    if (c?.manager_id && !clients.has(c.manager_id)) {
      clients.set(c.manager_id, { name: c.client_name || null, kind: c.client_kind ?? "manager" });
    }
  }
  const own = typeof callerName === "string" && callerName.trim() ? callerName.trim() : null;
  return { contractors, clients, own };
}

export const EMPTY_DIRECTORY = Object.freeze({ contractors: new Map(), clients: new Map(), own: null });

// Whether the caller's contracts were read (names.mjs answers EMPTY_DIRECTORY itself when the read failed, or for a
// role that reads none): a picker of parties is offered then, the typed id otherwise.
export function directoryRead(directory) {
  return Boolean(directory) && directory !== EMPTY_DIRECTORY;
}

// THE rule for a party's name and its id, everywhere a person reads a party (docs/web-app.md « Noms et
// identifiants »): where its name is known, people read the name alone — its id goes in a tooltip (the `title` the
// screens give: partyTitle) —; the id stands alone when no name is known (a name that only repeats the id is none);
// the id comes beside the name, « Nom (identifiant) », only when another party of the same list or directory bears
// the same name (`homonym`: two homonyms are told apart). The operator's own directory and pickers (« Annuaire »,
// « Comptes », parties.mjs) keep their ids: telling parties apart by id is its work. « — » when there is no party.
export function nameText(name, id, { homonym = false } = {}) {
  const shown = typeof name === "string" ? name.trim() : "";
  if (!id) return shown || "—";
  if (!shown || shown === id) return id;
  return homonym ? `${shown} (${id})` : shown;
}

// The tooltip of a party shown by its name (nameText): « Identifiant : ctr-acme »; null when its id is already read.
export function partyTitle(name, id) {
  const shown = typeof name === "string" ? name.trim() : "";
  return id && shown && shown !== id ? `Identifiant : ${id}` : null;
}

const foldName = (name) => String(name).normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim().toLowerCase();

// Whether another party of the directory (its contractors and clients) bears the name of `id` (case and accents
// ignored): then « Nom (identifiant) ».
export function homonymIn(directory, id) {
  const name = nameOf(directory, id);
  if (!name) return false;
  const d = directory ?? EMPTY_DIRECTORY;
  const ids = new Set([...d.contractors.keys(), ...d.clients.keys()]);
  return [...ids].some((other) => other !== id && nameOf(d, other) && foldName(nameOf(d, other)) === foldName(name));
}

// The header's « who is signed in »: the role, then the party's own name alone, « Gestionnaire — Rhône Habitat »
// (its id in the tooltip: whoTitle); its id alone while the name is unknown (not read yet, none registered, the read
// failed); the operator, whose tenant is the platform itself, « Opérateur » alone. `roleLabels`: logic.mjs's ROLE_LABELS.
export function whoLabel(claims, directory, roleLabels = {}) {
  const role = claims?.role ?? "";
  const label = roleLabels[role] ?? role;
  if (role === "operator" || !claims?.tenant) return label;
  return `${label} — ${nameText(directory?.own, claims.tenant)}`;
}

// The header's tooltip: the account's e-mail, and the party's id when its name is shown (nameText).
export function whoTitle(claims, directory) {
  const id = claims?.role === "operator" ? null : partyTitle(directory?.own, claims?.tenant);
  return [claims?.email ?? claims?.uid ?? null, id].filter(Boolean).join(" — ") || null;
}

// What the header's tooltip says (whoTitle), written on « Mon mot de passe » for whoever cannot hover it (keyboard,
// touch, a screen reader: a `title` is the browser's own tooltip, shown to a pointer only): the account's e-mail, its
// space as the header names it (whoLabel), and the space's id but for the operator's. → [[term, value]], in French.
export function accountFacts(claims, directory, roleLabels = {}) {
  const email = claims?.email ?? claims?.uid ?? null;
  const id = claims?.role === "operator" ? null : claims?.tenant ?? null;
  return [email ? ["Compte connecté", email] : null, ["Espace", whoLabel(claims, directory, roleLabels)],
    id ? ["Identifiant de l'espace", id] : null].filter(Boolean);
}

// The caller's clients as list_contracts rows name them ({ manager_id, client_kind }): what a contractor's empty list
// names its client column by (clientColumnLabel in sourcing_logic.mjs: the titulaire's « Bénéficiaire »).
export function clientsOf(directory) {
  return [...(directory ?? EMPTY_DIRECTORY).clients].map(([id, c]) => ({ manager_id: id, client_kind: c.kind }));
}

// The name of a party the directory knows, contractor or client; null when it does not (its id stands alone).
// A name that only repeats the id is none.
export function nameOf(directory, id) {
  if (!id) return null;
  const d = directory ?? EMPTY_DIRECTORY;
  const name = d.contractors.get(id) || d.clients.get(id)?.name || null;
  return name && name !== id ? name : null;
}

// A party as facts, a statement's heading, a sentence name it (nameText): its name, « Nom (identifiant) » for a
// homonym in the caller's directory, the id alone when no name is known (an order of a contract since gone, a list
// cut at its cap).
export function partyLabel(directory, id) {
  if (!id) return "—";
  return nameText(nameOf(directory, id), id, { homonym: homonymIn(directory, id) });
}

// A list's cell: the party's label (partyLabel) and its tooltip, the id (null when the id is what is read).
export function partyCell(directory, id) {
  if (!id) return { name: "—", title: null };
  return { name: partyLabel(directory, id), title: partyTitle(nameOf(directory, id), id) };
}

// The options of a picker of parties (the dashboard's « Prestataire » filter: `kind` "contractors"; the
// contractor's client filter: "clients"), by name in French order then by id; the value stays the id; each option
// named by nameText, the id beside the name of two homonyms. A value chosen before and no longer among them (a
// filter kept from an earlier list) is kept, as its id.
export function partyChoices(directory, kind, chosen = "") {
  const entries = [...((directory ?? EMPTY_DIRECTORY)[kind] ?? new Map())]
    .map(([id]) => ({ id, name: nameOf(directory, id) }));
  entries.sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id, "fr", { sensitivity: "base" })
    || a.id.localeCompare(b.id, "fr"));
  const counts = new Map();
  for (const e of entries) if (e.name) counts.set(foldName(e.name), (counts.get(foldName(e.name)) ?? 0) + 1);
  const options = entries.map((e) => ({ value: e.id,
    label: nameText(e.name, e.id, { homonym: Boolean(e.name) && counts.get(foldName(e.name)) > 1 }) }));
  if (chosen && !options.some((o) => o.value === chosen)) options.push({ value: chosen, label: chosen });
  return options;
}

// A form's picker of the caller's parties — the manager's « Prestataire » of « Demander un devis » and of
// « Pénalités », the contractor's client there —: its options by name (partyChoices), the value sent the id, the only
// party chosen already; null when the contracts could not be read (the id is typed then, told why: PICKER_TEXTS).
export function partyPick(directory, kind, chosen = "") {
  if (!directoryRead(directory)) return null;
  const options = partyChoices(directory, kind, chosen);
  return { options, value: chosen || (options.length === 1 ? options[0].value : "") };
}

// What such a picker says: its first, empty option (none chosen yet, or no party at all) and why its id is typed.
export const PICKER_TEXTS = Object.freeze({
  contractors: { none: (count) => (count ? "— Choisir un prestataire —" : "— Aucun prestataire —"),
    failure: "La liste de vos prestataires n'a pas pu être chargée : saisissez l'identifiant du prestataire.",
    hint: "Identifiant du prestataire" },
  clients: { none: (count) => (count ? "— Choisir un client —" : "— Aucun client —"),
    failure: "La liste de vos clients n'a pas pu être chargée : saisissez l'identifiant du client.",
    hint: "Identifiant du client" },
});

// A record a person knows by its title, not its id (B16 a quote's mission, B17 the report's missions): « Titre
// (identifiant) » as partyLabel names a party; the id alone when no title is known (a title that only repeats the id
// is none); « — » for none.
export function titleLabel(title, id) {
  const name = typeof title === "string" ? title.trim() : "";
  if (!id) return name || "—";
  return name && name !== id ? `${name} (${id})` : id;
}

// A mission as a quote names it: its title (its order's, « Mission : <the need's title> »), its id in parentheses;
// « Mission <id> » while the title is unknown. `labelled`: shown after a « Mission » label or under a « Mission »
// column, which says it already — « Recette du portail (N-1-mission) », the id alone while the title is unknown,
// never « Mission : Mission : … ».
export function missionLabel(title, id, { labelled = false } = {}) {
  if (!id) return "—";
  const own = labelled && typeof title === "string" ? title.replace(/^\s*mission\s*:\s*/iu, "") : title;
  const label = titleLabel(own, id);
  return label === id && !labelled ? `Mission ${id}` : label;
}
