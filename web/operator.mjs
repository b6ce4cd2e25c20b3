// The operator's screens: account requests with D7's time left (B5) on the clock of D7's territory (B18), needs waiting for proposals
// and the proposing of professionals (B3, D4), onboarding (A10). Incidents are in incidents.mjs,
// the pool statistics (B14, which the purchasing body reads too) in sourcing.mjs. Live lists are
// polled every refresh_seconds.
import {
  ROLE_LABELS, formatDateTime, formatEuros, isoToFrenchDate, parseFrenchDate, plural, polledStatusText,
  registrationTerritoryOptions, rowTimeText, territoryText,
} from "./logic.mjs";
import { RIGHT_LABELS } from "./rights.mjs";  // generated from the platform's own labels
import { NEED_STATUS_LABELS } from "./needs_logic.mjs";
import { timeLeftText } from "./incidents_logic.mjs";
import {
  IAM_LABELS, PARTY_KIND_LABELS, beneficiaryOutcome, beneficiaryRegistration, contractorRegistration,
  deactivationOutcome, machineIdentityRegistration, managerRegistration, purchasingBodyRegistration,
  registrationOutcome,
} from "./onboarding_logic.mjs";
import { partyDirectory } from "./parties.mjs";
import { REGIONS, beneficiaryFact, guaranteeDefault, regionText, rememberBeneficiaryNames } from "./sourcing_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { dateField, definitionList, errorBox, errorSlot, field, h, messagesOf, recorder, rightBoxes, table } from "./ui.mjs";
import { todoBlock } from "./todo.mjs";

export function renderAccountRequests(ctx) {
  const body = h("div");
  const status = h("p", { className: "status" });  // the time of the last read: seen, not said at each poll
  // the list read again once an account is created wins over a poll still under way (the request still listed)
  const latest = latestOnly();
  const todo = todoBlock(ctx);  // « À faire », read again with the list (its polls, after an account is created)
  async function load() {
    const turn = latest();
    todo?.refresh();
    try {
      const list = await turn(ctx.call("list_account_requests"));
      body.replaceChildren(table(["Demande", "Rôle", "Espace", "Demandée par", "Demandée le", "D7 (72 heures ouvrées)",
        "Créer le compte"],
        list.requests.map((r) => h("tr", { "data-request": r.request_id, className: r.seconds_left < 0 ? "late" : null },
          h("td", {}, h("strong", {}, r.display_name), h("div", { className: "sub" }, r.email),
            h("div", { className: "sub" }, r.rights ? `droits : ${r.rights.join(", ")}` : "droits du rôle")),
          h("td", {}, ROLE_LABELS[r.role] ?? r.role), h("td", {}, r.tenant),
          // B18: on the clock of D7's territory (the row's time_zone), « (heure locale, UTC−4) » when not Paris's
          h("td", {}, r.requested_by_email || r.requested_by || "—"), h("td", {}, rowTimeText(r, r.requested_at)),
          h("td", {}, h("span", { className: r.seconds_left < 0 ? "badge late" : "" }, timeLeftText(r.seconds_left)),
            h("div", { className: "sub" }, `échéance ${rowTimeText(r, r.due_at)}`)),
          h("td", {}, createForm(ctx, r, load)))),
        { label: "Demandes de compte en attente", empty: "Aucune demande en attente." }));
      status.textContent = polledStatusText(ctx.config.refresh_seconds);
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Demandes de compte", todo?.node, status, body);
  load();
  ctx.live(() => { if (!body.contains(document.activeElement)) load(); });
}

// Creating the account fulfils the request and stops D7 (manage_account with its request_id).
function createForm(ctx, request, reload) {
  const password = field({ name: `password-${request.request_id}`, label: "Mot de passe initial (12 caractères au moins)",
    type: "password", autocomplete: "new-password", paths: ["password"] });
  const slot = errorSlot(() => [password]);
  const form = h("form", { className: "inline-decision" }, slot.node, password, h("button", { type: "submit" }, "Créer"));
  const send = recorder(ctx, "manage_account", { form });  // a double click creates it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    try {
      const sent = await send.send({ email: request.email, display_name: request.display_name,
        role: request.role, tenant: request.tenant, request_id: request.request_id,
        ...(password.input.value ? { password: password.input.value } : {}) });
      if (!sent.ignored) reload();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// B1 parties: the names list_needs gave, for « Proposer » (rememberBeneficiaryNames)
const needBeneficiaries = new Map();

export function renderWaitingNeeds(ctx) {
  const body = h("div");
  async function load() {
    try {
      const list = await ctx.call("list_needs");
      rememberBeneficiaryNames(list.needs, needBeneficiaries);
      body.replaceChildren(table(["Besoin", "Bénéficiaire", "Version", "Statut", "Propositions dues le (D4)"],
        list.needs.map((n) => h("tr", { "data-need": n.need_id },
          h("td", {}, h("a", { href: `#/needs/${encodeURIComponent(n.beneficiary_id)}/${encodeURIComponent(n.need_id)}` },
            n.title), h("div", { className: "sub" }, n.need_id)),
          // B1 parties: the beneficiary by its name (list_needs reads them once per page), its id beneath
          h("td", {}, n.beneficiary_name ?? n.beneficiary_id, h("div", { className: "sub" }, n.beneficiary_id)),
          h("td", { className: "num" }, String(n.version)), h("td", {}, n.status_label),
          h("td", {}, formatDateTime(n.d4_due)))), { label: "Besoins en attente",
          // what the empty list means once the operator proposed (the need leaves it), and when one comes back
          empty: "Aucun besoin n'attend vos propositions : un besoin classé apparaît ici jusqu'à ce que vous proposiez "
            + "des professionnels, puis de nouveau si son bénéficiaire relance la recherche." }));
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Besoins en attente de propositions", body);
  load();
  ctx.live(load);
}

export async function renderPropose(ctx, beneficiaryId, needId) {
  let need;
  try {
    need = await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "need", need_id: needId,
      beneficiary_id: beneficiaryId }).toString() });
  } catch (err) {
    return ctx.showError(`Besoin ${needId}`, err);
  }
  const current = need.versions.at(-1);
  const candidates = current?.result?.candidates ?? [];
  // the later of the need's start and two weeks from today, on Paris's calendar (the platform's day: guaranteeDefault)
  const guaranteed = dateField({ name: "guaranteed_until", label: "Disponibilité garantie jusqu'au", required: true,
    value: isoToFrenchDate(guaranteeDefault(need)), paths: ["guaranteed_until", "proposals"] });
  const boxes = candidates.map((c) => field({ name: `pro-${c.professional_id}`, type: "checkbox", value: c.rank <= 3,
    label: `${c.rank}. ${c.name} — ${Math.round(c.total * 100)} / 100, ${formatEuros(c.daily_rate_cents)}`,
    paths: [`pro-${c.professional_id}`, ...(c === candidates[0] ? ["proposals_chosen"] : [])] }));
  const slot = errorSlot(() => [guaranteed, ...boxes]);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "propose-form" }, slot.node,
    h("fieldset", {}, h("legend", {}, "Professionnels à proposer"), boxes.length ? boxes : h("p", {}, "Classement en cours…")),
    guaranteed, h("button", { type: "submit" }, "Proposer"), result);
  const send = recorder(ctx, "propose_professionals", { form });  // a double click proposes once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const until = parseFrenchDate(guaranteed.input.value);
    if (!until) return slot.show([{ field: "$.guaranteed_until", message: "Date au format jj/mm/aaaa." }]);
    const chosen = candidates.filter((_, i) => boxes[i].input.checked);
    // none ticked: said next to the first box, not sent (the platform's « au moins 1 élément » named no box)
    if (!chosen.length) {
      return slot.show([{ field: "$.proposals_chosen", message: "Cochez au moins un professionnel à proposer." }]);
    }
    try {
      const sent = await send.send({ beneficiary_id: beneficiaryId, need_id: needId,
        version: need.version, proposals: chosen.map((c) => ({ professional_id: c.professional_id, guaranteed_until: until })) });
      if (sent.ignored) return undefined;
      result.textContent = `${plural(chosen.length, "professionnel proposé", "professionnels proposés")}.`;
      setTimeout(() => ctx.go("#/needs"), 600);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  ctx.show(`Proposer pour « ${need.title} »`, h("p", {}, h("a", { href: "#/needs" }, "← Besoins en attente")),
    definitionList([["Bénéficiaire", beneficiaryNodes(beneficiaryFact(needBeneficiaries, need.beneficiary_id))],
      ["Statut", NEED_STATUS_LABELS[need.status] ?? need.status],
      ["Version", String(need.version)], ["Propositions dues le (D4)", formatDateTime(need.d4.due)]]),
    need.status === "scored" ? form : h("p", {}, "Ce besoin n'attend pas de proposition pour l'instant."));
}

function beneficiaryNodes(fact) {
  return [h("span", { className: "party-name" }, fact.name), fact.id ? h("div", { className: "sub" }, fact.id) : null];
}

// Onboarding (A10): the operator registers managers, contractors (whose Pub/Sub topics and
// subscriptions are created at once), the purchasing body (B18: its territory), the beneficiaries of part B (B1
// parties) and the machine identities of their ERPs, and deactivates a party — through register_manager,
// register_contractor, register_purchasing_body, register_beneficiary, register_machine_identity and deactivate_party
// (docs/onboarding.md). Each form shows the answer (created, changed, unchanged)
// or each error next to its field; a repeat of the same form is the same request, its first answer shown again.
// The parties already registered are offered where a form takes an id (list_parties: partyPicker), read
// again after each registration or deactivation.
export function renderOnboarding(ctx) {
  const directory = partyDirectory(ctx.call);
  ctx.show("Raccordement des gestionnaires et prestataires",
    h("p", {}, "Inscrivez un gestionnaire, puis les prestataires qui travaillent pour lui : leurs sujets et "
      + "abonnements Pub/Sub sont créés à l'inscription. Une même inscription envoyée de nouveau ne change rien."),
    managerForm(ctx, directory), contractorForm(ctx, directory), purchasingBodyForm(ctx, directory),
    beneficiaryForm(ctx, directory), machineIdentityForm(ctx, directory), deactivationForm(ctx, directory));
}

// A registry form: its fields, its errors, its result (which gets the focus), sent once like every form that records
// something (`recorder` in ui.mjs, docs/web-app.md « One sending, once »): one Idempotency-Key per body, a second click
// while the first is on its way ignored, a click after the answer on the same body the same request — the registry
// replays its first answer (Idempotent-Replayed), so « Inscription créée » is shown again, never « inchangée » of the
// operator's own repeat —; a corrected body, or any try after a refusal, is a new request.
function onboardingForm(ctx, { id, title, intro = null, fields, groups = [], submit, functionName, build, answer,
  danger = false, saved = null }) {
  const all = () => [...fields, ...groups.flatMap((g) => g.boxes)];
  const slot = errorSlot(all);
  const result = h("div", { className: "result", role: "status", tabindex: "-1" });
  const button = h("button", { type: "submit", className: danger ? "danger" : null }, submit);
  const form = h("form", { className: "card", id, "aria-labelledby": `${id}-title`, novalidate: true },
    h("h2", { id: `${id}-title` }, title), intro ? h("p", { className: "hint" }, intro) : null, slot.node,
    h("div", { className: "grid" }, fields), groups.map((g) => g.node), button, result);
  const send = recorder(ctx, functionName, { form });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // a second click while the first is on its way: the same registration, already sent
    slot.clear();
    result.replaceChildren();
    try {
      const sent = await send.send(build(Object.fromEntries(new FormData(form).entries())));
      if (sent.ignored) return;
      result.replaceChildren(...answer(sent.reply));
      result.focus();
      saved?.();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

function managerForm(ctx, directory) {
  return onboardingForm(ctx, { id: "register-manager", saved: directory.refresh, title: "Inscrire un gestionnaire",
    submit: "Inscrire le gestionnaire",
    functionName: "register_manager", build: managerRegistration,
    fields: [
      field({ name: "manager_id", label: "Identifiant", required: true, hint: "Par exemple mgr-rhone-habitat" }),
      field({ name: "name", label: "Raison sociale", required: true }),
      field({ name: "siret", label: "SIRET", required: true, inputmode: "numeric", hint: "14 chiffres" }),
      territoryField(),
    ],
    answer: (reply) => {
      const m = reply.manager;
      return [outcomeLine(registrationOutcome(reply, "manager", m.manager_id)),
        definitionList([["Raison sociale", m.name], ["SIRET", m.siret], ["Territoire", territoryText(m.territory)],
          ["Statut", statusLabel(m.status)]])];
    } });
}

function contractorForm(ctx, directory) {
  const managers = directory.picker({ kind: "manager", name: "managers", label: "Gestionnaires pour lesquels il travaille",
    multiple: true, required: false, listHint: "Cochez-en un ou plusieurs ; la liste remplace la précédente",
    hint: "Identifiants séparés par des virgules ou un par ligne ; la liste remplace la précédente" });
  return onboardingForm(ctx, { id: "register-contractor", title: "Inscrire un prestataire", saved: directory.refresh,
    intro: "Ses sujets et abonnements Pub/Sub (commandes, exécution, réponses) sont créés à l'inscription.",
    submit: "Inscrire le prestataire", functionName: "register_contractor",
    build: (form) => contractorRegistration({ ...form, managers: managers.values() }),
    fields: [
      field({ name: "contractor_id", label: "Identifiant", required: true,
        hint: "Lettres minuscules, chiffres et tirets : il nomme ses sujets (orders-<identifiant>…)" }),
      field({ name: "name", label: "Raison sociale", required: true }),
      field({ name: "siret", label: "SIRET", required: true, inputmode: "numeric", hint: "14 chiffres" }),
      managers,
      field({ name: "erp_service_account", label: "Compte de service de son ERP (facultatif)", type: "email",
        hint: "…@….iam.gserviceaccount.com : seul autorisé à publier et lire sur ses sujets" }),
      territoryField(),
    ],
    answer: (reply) => {
      const c = reply.contractor;
      const t = reply.topology;
      return [outcomeLine(registrationOutcome(reply, "contractor", c.contractor_id)),
        definitionList([["Raison sociale", c.name], ["SIRET", c.siret],
          ["Gestionnaires", c.managers.length
          ? c.managers.map((id) => (managers.row(id) ? `${managers.row(id).name} (${id})` : id)).join(", ") : "aucun"], ["Territoire", territoryText(c.territory)],
          ["Compte de service de l'ERP", c.erp_service_account ?? "—"], ["Statut", statusLabel(c.status)]]),
        h("h3", {}, "Ressources Pub/Sub"),
        table(["Ressource", "Nom", "Créée à l'instant"], [
          ...t.topics.map((name) => resourceRow("Sujet", name, t.created)),
          ...t.subscriptions.map((name) => resourceRow("Abonnement", name, t.created)),
          resourceRow("Sujet des lettres mortes", t.dead_letter_topic, t.created)],
        { label: "Sujets et abonnements provisionnés" }),
        h("p", { className: "hint" }, `Droits : ${IAM_LABELS[t.iam] ?? t.iam}.`)];
    } });
}

// B18: the territory picker of every registration form — an INSEE département or collectivité where the
// party's own working days and deadlines are counted; left empty, a later registration keeps the recorded one.
function territoryField() {
  return field({ name: "territory", label: "Territoire (facultatif)", value: "", options: registrationTerritoryOptions(),
    hint: "Département ou collectivité où ses jours ouvrés sont comptés ; non précisé : celui déjà enregistré, sinon "
      + "Paris" });
}

// B1 parties, B18 territories: the central purchasing body under the id its accounts carry, and its territory
// (an incident it reports naming none has its D8 counted there); once registered, the pickers offer it.
function purchasingBodyForm(ctx, directory) {
  return onboardingForm(ctx, { id: "register-purchasing-body", title: "Inscrire la centrale d'achat",
    saved: directory.refresh,
    intro: "Son identifiant est l'espace de ses comptes ; son territoire compte ses propres délais (un incident "
      + "qu'elle signale sans en nommer un).",
    submit: "Inscrire la centrale d'achat", functionName: "register_purchasing_body",
    build: purchasingBodyRegistration,
    fields: [
      field({ name: "purchasing_body_id", label: "Identifiant", required: true,
        hint: "L'espace de ses comptes, par exemple centrale-demo" }),
      field({ name: "name", label: "Raison sociale", required: true }),
      territoryField(),
    ],
    answer: (reply) => {
      const b = reply.purchasing_body;
      return [outcomeLine(registrationOutcome(reply, "purchasing_body", b.purchasing_body_id)),
        definitionList([["Raison sociale", b.name], ["Territoire", territoryText(b.territory)],
          ["Statut", statusLabel(b.status)]])];
    } });
}

// B1 parties: a public body of part B that describes its needs (register_beneficiary) — its name, SIRET, region and
// territory (B18: where its deadlines are counted), one contact; it is then listed in « Annuaire » and offered
// wherever the operator picks a beneficiary. Its accounts are created in « Comptes ».
function beneficiaryForm(ctx, directory) {
  return onboardingForm(ctx, { id: "register-beneficiary", title: "Inscrire un bénéficiaire", saved: directory.refresh,
    intro: "Un organisme public qui décrit ses besoins de professionnels du numérique ; ses commandes de mission sont "
      + "passées au titulaire de l'accord-cadre. Créez ensuite ses comptes dans « Comptes ».",
    submit: "Inscrire le bénéficiaire", functionName: "register_beneficiary", build: beneficiaryRegistration,
    fields: [
      field({ name: "beneficiary_id", label: "Identifiant", required: true,
        hint: "L'espace de ses comptes, par exemple ben-metropole-demo" }),
      field({ name: "name", label: "Nom de l'organisme", required: true }),
      field({ name: "siret", label: "SIRET", required: true, inputmode: "numeric", hint: "14 chiffres" }),
      field({ name: "region", label: "Région", required: true, value: "",
        options: [{ value: "", label: "— Choisir —" }, ...REGIONS.map(([value, label]) => ({ value, label }))] }),
      field({ name: "territory", label: "Territoire", required: true, value: "",
        options: registrationTerritoryOptions({ required: true }),
        hint: "Département ou collectivité où ses jours ouvrés et ses délais sont comptés" }),
      field({ name: "contact_last_name", label: "Contact : nom", required: true, paths: ["contacts[0].last_name",
        "contacts"] }),
      field({ name: "contact_first_name", label: "Contact : prénom", required: true,
        paths: ["contacts[0].first_name"] }),
      field({ name: "contact_email", label: "Contact : courriel", type: "email", required: true,
        paths: ["contacts[0].email"] }),
      field({ name: "contact_role", label: "Contact : fonction (facultatif)", paths: ["contacts[0].role"] }),
      field({ name: "requires_conflict_declaration", type: "checkbox",
        label: "Ses missions demandent une déclaration d'absence de conflit d'intérêts" }),
    ],
    answer: (reply) => [outcomeLine(beneficiaryOutcome(reply)),
      definitionList([["Nom", reply.name], ["SIRET", reply.siret], ["Région", regionText(reply.region)],
        ["Territoire", territoryText(reply.territory)], ["Contact", reply.contacts.map((c) => `${c.first_name} ${c.last_name} `
          + `<${c.email}>`).join(", ")]])] });
}

function resourceRow(kind, name, created) {
  // a Pub/Sub name (« orders-… », « replies-… ») in English, marked so for screen readers (RGAA 8.7)
  return h("tr", { "data-resource": name }, h("td", {}, kind), h("td", {}, h("code", { lang: "en" }, name)),
    h("td", {}, created.includes(name) ? "oui" : "non (déjà en place)"));
}

function machineIdentityForm(ctx, directory) {
  const rights = rightBoxes(Object.entries(RIGHT_LABELS).map(([right, label]) => ({ right, label })),
    { legend: "Droits (facultatif : aucune case cochée, tous ceux du rôle)" });
  const role = field({ name: "role", label: "Rôle", required: true, value: "contractor",
    options: Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label })) });
  const tenant = directory.picker({ kind: "contractor", name: "tenant",
    label: "Espace (gestionnaire, prestataire, bénéficiaire ou centrale d'achat)", hint: "Identifiant de l'espace (« platform » pour "
      + "l'opérateur)" });
  role.input.addEventListener("change", () => tenant.kind(role.input.value));
  return onboardingForm(ctx, { id: "register-machine-identity", title: "Inscrire l'identité machine d'un ERP",
    intro: "Le compte de service Google d'un ERP appelle l'API REST avec des jetons signés par Google.",
    submit: "Inscrire l'identité", functionName: "register_machine_identity",
    build: (form) => machineIdentityRegistration(form, rights.ticked()),
    fields: [
      field({ name: "email", label: "Compte de service", type: "email", required: true,
        hint: "…@….iam.gserviceaccount.com" }),
      role, tenant,
    ],
    groups: [rights],
    answer: (reply) => {
      const m = reply.machine_identity;
      return [outcomeLine(registrationOutcome(reply, "machine_identity", m.email)),
        definitionList([["Rôle", ROLE_LABELS[m.role] ?? m.role], ["Espace", m.tenant],
          ["Droits", m.rights ? m.rights.map((r) => RIGHT_LABELS[r] ?? r).join(", ") : "tous ceux du rôle"],
          ["Statut", statusLabel(m.status)]])];
    } });
}


function deactivationForm(ctx, directory) {
  const kind = field({ name: "kind", label: "Type", required: true, value: "contractor",
    options: Object.entries(PARTY_KIND_LABELS).map(([value, label]) => ({ value, label })) });
  const party = directory.picker({ kind: "contractor", name: "party_id", label: "Identifiant (ou compte de service)",
    paths: ["id"] });
  kind.input.addEventListener("change", () => party.kind(kind.input.value));
  return onboardingForm(ctx, { id: "deactivate-party", title: "Désactiver une partie", danger: true,
    saved: directory.refresh,
    intro: "Son inscription et son historique restent. Les comptes d'une partie désactivée (gestionnaire, prestataire, "
      + "bénéficiaire ou centrale d'achat) ne peuvent plus agir ; un prestataire perd aussitôt ses droits Pub/Sub (ses "
      + "sujets restent) ; une identité machine voit ses jetons refusés. L'inscrire de nouveau le réactive.",
    submit: "Désactiver", functionName: "deactivate_party", build: (form) => ({ kind: form.kind, id: form.party_id.trim() }),
    fields: [
      kind, party,
    ],
    answer: (reply) => [outcomeLine({ outcome: reply.changed ? "changed" : "unchanged",
      text: deactivationOutcome(reply) }),
    reply.topology ? h("p", { className: "hint" }, "Droits Pub/Sub de son ERP retirés.") : null].filter(Boolean) });
}

function outcomeLine({ outcome, text }) {
  return h("p", { className: outcome === "unchanged" ? "outcome" : "outcome ok", "data-outcome": outcome }, text);
}

function statusLabel(status) {
  return status === "inactive" ? "désactivé" : "actif";
}
