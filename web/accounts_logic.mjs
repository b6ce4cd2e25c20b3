// B5 accounts and rights, the pure part: the rights each role can hold (ROLE_RIGHTS, generated from
// shared/domain/identity.py into web/rights.mjs), a party's accounts read page
// after page (list_accounts), the words of a row, and the manage_account / request_account bodies the
// « Comptes » and « Utilisateurs » screens send. No DOM here: tests/web/accounts.test.mjs runs it in node.
import { PARIS_ZONE, formatDateTime, plural } from "./logic.mjs";
import { allPages } from "./parties_logic.mjs";
import { RIGHT_LABELS, ROLE_RIGHTS } from "./rights.mjs";

// The operator's « Comptes » count: « 3 comptes de ACME Maintenance (ctr-acme). », the party by its name when
// list_parties gives one (its id alone otherwise); a list cut at its pages says so.
export function accountsCountText(count, tenant, name, complete) {
  const party = name && name !== tenant ? `${name} (${tenant})` : tenant;
  return `${plural(count, "compte")} de ${party}` + (complete ? "." : " — liste limitée aux premières pages.");
}

export { ROLE_RIGHTS } from "./rights.mjs";

// The kind of party the operator picks is the role of its people's accounts (one namespace of tenants).
export const PARTY_ROLES = Object.freeze({ manager: "manager", contractor: "contractor", beneficiary: "beneficiary",
  purchasing_body: "purchasing_body" });

export const PASSWORD_MIN = 12;

// The rights offered as check boxes for a role, in the order of RIGHT_LABELS; `held` (the caller's own, for a
// request) narrows them: nobody asks for a right it does not hold. Each box reads its French label; the operator's
// (held null) adds the right's name in the API, « lire les commandes (orders.read) », which it gives an ERP's
// identity too, while a manager, a beneficiary or a purchasing body asking for an account reads French only.
export function rightsChoice(role, held = null) {
  const allowed = new Set(ROLE_RIGHTS[role] ?? []);
  return Object.keys(RIGHT_LABELS).filter((r) => allowed.has(r) && (held === null || held.includes(r)))
    .map((right) => ({ right, label: RIGHT_LABELS[right],
      boxLabel: held === null ? `${RIGHT_LABELS[right]} (${right})` : RIGHT_LABELS[right] }));
}

// The rights a signed-in person holds: its claim narrowed to its role's, or its role's when it has none.
export function heldRights(claims) {
  const allowed = ROLE_RIGHTS[claims?.role] ?? [];
  return Array.isArray(claims?.rights) ? allowed.filter((r) => claims.rights.includes(r)) : [...allowed];
}

// Every page of a party's accounts (the operator names the party; a manager, a beneficiary or the purchasing
// body reads its own).
// B18: with the clock of the party's territory its pages name (AccountList's territory, time_zone,
// time_zone_label; Paris's when none does).
export async function allAccounts(call, tenant = null, maxPages = 25) {
  let clock = null;
  const remembering = async (name, options) => {
    const answer = await call(name, options);
    clock ??= answer?.time_zone ? { territory: answer.territory ?? null, time_zone: answer.time_zone,
      time_zone_label: answer.time_zone_label } : null;
    return answer;
  };
  const { rows, complete } = await allPages(remembering, "list_accounts", tenant ? { tenant } : {}, "accounts", maxPages);
  return { rows, complete, clock: clock ?? { territory: null, time_zone: PARIS_ZONE, time_zone_label: "Heures de Paris" } };
}

// The words of a row: its state, its rights, its password; its times on the clock of its party's territory
// (`timeZone`: allAccounts' clock.time_zone, B18).
export function accountRowView(row, timeZone = PARIS_ZONE) {
  const disabled = row.status === "disabled";
  return {
    disabled,
    status: disabled ? (row.disabled_at ? `désactivé le ${formatDateTime(row.disabled_at, timeZone)}` : "désactivé")
      : "actif",
    rights: row.default_rights ? "tous ceux du rôle"
      : (row.rights.length ? row.rights.map((r) => RIGHT_LABELS[r] ?? r).join(", ") : "aucun"),
    password: row.password_change_required ? "provisoire : à changer à la prochaine connexion" : "choisi par la personne",
    created: row.created_at ? formatDateTime(row.created_at, timeZone) : "—",
    updated: row.updated_at ? formatDateTime(row.updated_at, timeZone) : "—",
    toggle: disabled ? "Réactiver" : "Désactiver",
  };
}

// The operator's change of one listed account (manage_account): the row as it is, with `changes` — rights
// ([] ticked none: the role's), disabled, a new temporary password. The account keeps everything else.
export function accountChange(row, changes = {}) {
  const body = { email: row.email, display_name: row.display_name || row.email, role: row.role, tenant: row.tenant };
  const rights = "rights" in changes ? changes.rights : (row.default_rights ? null : row.rights);
  if (rights && rights.length) body.rights = [...rights].sort();
  if ("disabled" in changes) body.disabled = changes.disabled;
  if (changes.password) body.password = changes.password;
  return body;
}

// Client-side checks of a password the operator types (the platform checks its strength too): errors in the
// shape errorSlot shows, nothing sent when there are some.
export function temporaryPasswordErrors(password, field = "$.password") {
  if (!password) return [{ field, message: "Saisissez un mot de passe provisoire." }];
  if (password.length < PASSWORD_MIN) {
    return [{ field, message: `Au moins ${PASSWORD_MIN} caractères : le mot de passe provisoire est trop court.` }];
  }
  return [];
}

// The operator creates an account directly for a party's person: {body, errors}.
export function accountCreation(form, rights, { role, tenant }) {
  const email = String(form.email ?? "").trim();
  const name = String(form.display_name ?? "").trim();
  const errors = [];
  if (!tenant) errors.push({ field: "$.tenant", message: "Choisissez d'abord la partie." });
  if (!email) errors.push({ field: "$.email", message: "Saisissez l'adresse e-mail de la personne." });
  if (!name) errors.push({ field: "$.display_name", message: "Saisissez le nom de la personne." });
  errors.push(...temporaryPasswordErrors(String(form.password ?? "")));
  const body = { email, display_name: name, role, tenant, password: String(form.password ?? "") };
  if (rights.length) body.rights = [...rights].sort();
  return { body, errors };
}

// A manager's, beneficiary's or purchasing body's request for one of its people (request_account): {body, errors}.
export function accountRequestBody(form, rights) {
  const email = String(form.email ?? "").trim();
  const name = String(form.display_name ?? "").trim();
  const errors = [];
  if (!email) errors.push({ field: "$.email", message: "Saisissez l'adresse e-mail de la personne." });
  if (!name) errors.push({ field: "$.display_name", message: "Saisissez le nom de la personne." });
  const body = { email, display_name: name };
  if (rights.length) body.rights = [...rights].sort();
  return { body, errors };
}

// What the operator's change did, in a sentence.
export function changeOutcome(reply, what) {
  if (reply.changed === false) return `Rien à changer : le compte ${reply.email} était déjà ainsi.`;
  const done = { rights: "droits enregistrés", disabled: "compte désactivé : ses sessions sont fermées",
    enabled: "compte réactivé : la personne se reconnecte", password: "mot de passe provisoire enregistré : la "
      + "personne le remplace à sa prochaine connexion", created: "compte créé" }[what] ?? "compte enregistré";
  return `${reply.email} : ${done}.`;
}

// D7 (B5): what a request of the « Utilisateurs » screen asks for, named after the party whose person it is: the
// purchasing body asks for an account of the purchasing body, not a beneficiary's.
export const REQUESTED_ACCOUNT_LABELS = Object.freeze({ manager: "un compte de gestionnaire",
  beneficiary: "un compte bénéficiaire", purchasing_body: "un compte de la centrale d'achat" });

export function accountRequestTitle(role) {
  return `Demander ${REQUESTED_ACCOUNT_LABELS[role] ?? "un compte"}`;
}

// The sentence once request_account answered: whose account, for whom, by when the operator creates it (D7), on
// the clock of the party's territory (`timeZone`: allAccounts' clock.time_zone, where D7 counts; B18).
export function accountRequestOutcome(reply, role, timeZone = PARIS_ZONE) {
  const what = (REQUESTED_ACCOUNT_LABELS[role] ?? "un compte").replace(/^un /, "");
  return `Demande de ${what} enregistrée pour ${reply.email} : l'opérateur crée le compte au plus tard le `
    + `${formatDateTime(reply.due_at, timeZone)} (délai D7, 72 heures ouvrées).`;
}
