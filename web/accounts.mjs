// B5 accounts and rights, the screens: the operator's « Comptes » (a party picked from the registered ones,
// its people's accounts, an account created directly, rights changed, disabled or enabled again, a new
// temporary password) and the « Utilisateurs » of a manager, a beneficiary or the purchasing body (its own
// people, read-only, and the request of an account for one of them: request_account, D7). Pure logic in accounts_logic.mjs.
// B18 territories: the accounts' times and a request's D7 due time are shown on the clock of the party's territory
// (list_accounts' time_zone), named once when it is not Paris's (#accounts-clock).
import { ROLE_LABELS, orderZone, screenClockNote } from "./logic.mjs";
import { LISTED_KIND_LABELS } from "./parties_logic.mjs";
import {
  PARTY_ROLES, accountChange, accountCreation, accountRequestBody, accountRequestOutcome, accountRequestTitle,
  accountRowView, accountsCountText, allAccounts, changeOutcome, heldRights, rightsChoice, temporaryPasswordErrors,
} from "./accounts_logic.mjs";
import { partyDirectory } from "./parties.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { errorBox, errorSlot, field, h, messagesOf, recorder, rightBoxes, table } from "./ui.mjs";

// The rights of a role as check boxes (`ticked` those already held); an error on $.rights[i] goes next to the
// i-th ticked box, as in the machine identity form.
function roleRightBoxes(role, { ticked = [], held = null, legend } = {}) {
  return rightBoxes(rightsChoice(role, held), { ticked, ...(legend ? { legend } : {}) });
}

// The party's clock named once when it is not Paris's (B18), or nothing.
function clockLine(clock) {
  const note = screenClockNote(clock, "accounts");
  return note ? h("p", { id: "accounts-clock", className: "hint", role: "note", "data-clock": clock.time_zone }, note)
    : null;
}

function accountTable(rows, { label, actions = null, clock = null }) {
  const headers = ["Personne", "Droits", "Statut", "Mot de passe", "Créé le", "Modifié le"];
  return table(actions ? [...headers, "Actions"] : headers, rows.map((row) => {
    const v = accountRowView(row, orderZone(clock));
    return h("tr", { "data-account": row.email, className: v.disabled ? "inactive" : null },
      h("td", {}, h("strong", {}, row.display_name || row.email), h("div", { className: "sub" }, row.email)),
      h("td", {}, v.rights), h("td", {}, h("span", { className: v.disabled ? "badge late" : "badge ok" }, v.status)),
      h("td", {}, v.password), h("td", {}, v.created), h("td", {}, v.updated),
      actions ? h("td", {}, actions(row)) : null);
  }), { label, empty: "Aucun compte pour l'instant.",
    // on a phone each person a card: its name and e-mail, then each column's name before its value, its buttons across
    cards: { headings: actions ? [0, headers.length] : [0] } });
}

// --- the operator's « Comptes » ----------------------------------------------------------------
const remembered = { kind: "contractor", party: "" };

export function renderAccounts(ctx) {
  const directory = partyDirectory(ctx.call);
  const kind = field({ name: "kind", label: "Type de partie", value: remembered.kind,
    options: Object.entries(LISTED_KIND_LABELS).map(([value, label]) => ({ value, label })) });
  const party = directory.picker({ kind: remembered.kind, name: "party", label: "Partie", paths: ["tenant"] });
  const status = h("p", { className: "status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "accounts-list" });
  const creation = h("div");
  const chosen = () => party.values()[0] ?? "";

  const latest = latestOnly();  // a party chosen later wins over a read still under way, its error too
  async function load() {
    const turn = latest();
    remembered.party = chosen();
    const tenant = remembered.party;
    if (!tenant) {
      status.textContent = "Choisissez une partie pour voir ses comptes.";
      list.replaceChildren();
      creation.replaceChildren();
      return;
    }
    status.textContent = "Chargement…";
    try {
      const { rows, complete, clock } = await turn(allAccounts(ctx.call, tenant));
      status.textContent = accountsCountText(rows.length, tenant, party.row(tenant)?.name, complete);
      list.replaceChildren(...[clockLine(clock), accountTable(rows, { label: `Comptes de ${tenant}`, clock,
        actions: (row) => rowActions(ctx, row, load, clock) })].filter(Boolean));
      creation.replaceChildren(createForm(ctx, PARTY_ROLES[remembered.kind], tenant, load));
    } catch (err) {
      if (err.status !== 401) {
        status.textContent = "";
        list.replaceChildren(errorBox(messagesOf(err)));
      }
    }
  }

  kind.input.addEventListener("change", () => {
    remembered.kind = kind.input.value;
    party.kind(remembered.kind);
    load();
  });
  party.addEventListener("change", load);
  const filters = h("form", { className: "filters", id: "accounts-party", "aria-label": "Choisir la partie",
    onsubmit: (event) => { event.preventDefault(); load(); } }, kind, party,
  h("button", { type: "submit", className: "secondary" }, "Afficher ses comptes"));
  ctx.show("Comptes des personnes", h("p", { className: "hint" }, "Qui a accès à l'espace d'une partie, avec quels "
    + "droits. Créez un compte, changez ses droits, désactivez-le quand la personne s'en va, donnez un nouveau mot de "
    + "passe provisoire quand le sien est oublié : chaque changement ferme ses sessions en cours."),
  filters, status, list, creation);
  load();
}

// The actions of one row: its rights, disabled or enabled, a new temporary password.
function rowActions(ctx, row, reload, clock = null) {
  const v = accountRowView(row, orderZone(clock));
  const outcome = h("p", { className: "outcome", role: "status" });
  const rights = roleRightBoxes(row.role, { ticked: row.default_rights ? [] : row.rights });
  const password = field({ name: `password-${row.uid}`, label: "Nouveau mot de passe provisoire (12 caractères au moins)",
    type: "password", autocomplete: "new-password", paths: ["password"] });
  const slot = errorSlot(() => [...rights.boxes, password]);
  async function change(changes, what) {
    if (send.busy) return;  // a double click changes it once
    slot.clear();
    try {
      const sent = await send.send(accountChange(row, changes));
      if (sent.ignored) return;
      outcome.textContent = changeOutcome(sent.reply, what);
      setTimeout(reload, 800);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  }
  const rightsForm = h("form", { className: "inline-decision", "aria-label": `Droits de ${row.email}`,
    onsubmit: (event) => { event.preventDefault(); change({ rights: rights.ticked() }, "rights"); } },
  rights.node, h("button", { type: "submit" }, "Enregistrer les droits"));
  const passwordForm = h("form", { className: "inline-decision", "aria-label": `Mot de passe de ${row.email}`,
    onsubmit: (event) => {
      event.preventDefault();
      const errors = temporaryPasswordErrors(password.input.value);
      if (errors.length) return slot.show(errors);
      return change({ password: password.input.value }, "password");
    } }, password, h("button", { type: "submit" }, "Donner ce mot de passe provisoire"));
  const toggle = h("button", { type: "button", className: v.disabled ? "secondary" : "danger",
    onclick: () => change({ disabled: !v.disabled }, v.disabled ? "enabled" : "disabled") }, v.toggle);
  const actions = h("div", { className: "account-actions" }, slot.node, toggle,
    h("details", {}, h("summary", {}, "Modifier les droits"), rightsForm),
    h("details", {}, h("summary", {}, "Mot de passe oublié"), passwordForm), outcome);
  const send = recorder(ctx, "manage_account", { form: actions });
  return actions;
}

// A person's account created directly (no request): the role is the party's kind, the password temporary.
function createForm(ctx, role, tenant, reload) {
  const rights = roleRightBoxes(role);
  const fields = [
    field({ name: "email", label: "Adresse e-mail", type: "email", required: true }),
    field({ name: "display_name", label: "Nom", required: true }),
    field({ name: "password", label: "Mot de passe provisoire", type: "password", required: true,
      autocomplete: "new-password", hint: "12 caractères au moins, trois types parmi minuscules, majuscules, chiffres, "
        + "symboles ; la personne le remplace à sa première connexion" }),
  ];
  const slot = errorSlot(() => [...fields, ...rights.boxes]);
  const result = h("p", { className: "outcome", role: "status", tabindex: "-1" });
  const button = h("button", { type: "submit" }, "Créer le compte");
  const form = h("form", { className: "card", id: "create-account", novalidate: true,
    "aria-labelledby": "create-account-title" },
  h("h2", { id: "create-account-title" }, `Créer un compte (${(ROLE_LABELS[role] ?? role).toLowerCase()} — ${tenant})`),
  slot.node, h("div", { className: "grid" }, fields), rights.node, button, result);
  const send = recorder(ctx, "manage_account", { form });  // a double click creates it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const { body, errors } = accountCreation(Object.fromEntries(new FormData(form).entries()), rights.ticked(),
      { role, tenant });
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (sent.ignored) return;
      result.textContent = changeOutcome(sent.reply, "created");
      form.reset();
      result.focus();
      setTimeout(reload, 800);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// --- the « Utilisateurs » of a manager, a beneficiary or the purchasing body ------------------------
export function renderUsers(ctx) {
  const claims = ctx.session.claims;
  const list = h("div", { id: "users-list" }, h("p", {}, "Chargement…"));
  const seen = { clock: null };  // the party's clock (B18), which a request's D7 due time is shown on too
  const latest = latestOnly();  // the list read again after a request wins over a read still under way
  async function load() {
    const turn = latest();
    try {
      const { rows, clock } = await turn(allAccounts(ctx.call));
      seen.clock = clock;
      list.replaceChildren(...[clockLine(clock), accountTable(rows, { label: "Personnes ayant un compte", clock })]
        .filter(Boolean));
    } catch (err) {
      if (err.status !== 401) list.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Utilisateurs", h("p", { className: "hint" }, "Les personnes de votre organisation qui ont un compte, "
    + "leurs droits et leur état. L'opérateur de la plateforme crée les comptes, change les droits et désactive un "
    + "compte : demandez-lui un compte ci-dessous."), list, requestForm(ctx, claims, load, () => seen.clock));
  load();
}

function requestForm(ctx, claims, reload, clock = () => null) {
  const held = heldRights(claims);
  const rights = roleRightBoxes(claims.role, { held, legend: "Droits demandés (aucune case cochée : les vôtres au plus)" });
  const fields = [
    field({ name: "email", label: "Adresse e-mail", type: "email", required: true }),
    field({ name: "display_name", label: "Nom", required: true }),
  ];
  const slot = errorSlot(() => [...fields, ...rights.boxes]);
  const result = h("p", { className: "outcome", role: "status", tabindex: "-1" });
  const button = h("button", { type: "submit" }, "Demander un compte");
  const form = h("form", { className: "card", id: "request-account", novalidate: true,
    "aria-labelledby": "request-account-title" }, h("h2", { id: "request-account-title" },
    accountRequestTitle(claims.role)),
  slot.node, h("div", { className: "grid" }, fields), rights.node, button, result);
  const send = recorder(ctx, "request_account", { form });  // a double click requests it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const { body, errors } = accountRequestBody(Object.fromEntries(new FormData(form).entries()), rights.ticked());
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (sent.ignored) return;
      result.textContent = accountRequestOutcome(sent.reply, claims.role, orderZone(clock()));
      form.reset();
      result.focus();
      reload();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}
