// B12 replacement in the web app. The beneficiary, on its mission's screen: « Demander un remplacement »
// (departure or insufficiency, the dates each needs, what D5 or D6 means for it), then the replacement's state and
// due day and the history of the mission's replacements. The operator: « Remplacements », the missions awaiting
// one (get_sourcing?view=replacements), and « Proposer un remplaçant » — the whole pool searched
// (get_sourcing?view=replacement_candidates: name, skill, availability, daily rate), each professional found with
// what the replacement rules say of it, or one typed — each refusal of the platform next to the choice.
// Pure logic in replacement_logic.mjs.
import { formatDateTime, formatEuros, orderZone } from "./logic.mjs";
import { LEVEL_LABELS } from "./needs_logic.mjs";
import {
  awaitingRequestedText, candidateChoices, candidateCountText, candidateRows, candidateSearchQuery, noticeWarning,
  proposalRefusals, proposeReplacementBody, replacementDueText, replacementRequestBody, replacementRows,
  replacementState,
} from "./replacement_logic.mjs";
import { dateField, definitionList, errorBox, errorSlot, field, h, messagesOf, recorder, table } from "./ui.mjs";
import { missionLabel } from "./names_logic.mjs";

// The mission's replacement part: its state (due day), the request form while none is open (beneficiary), the history.
export function replacementSection(ctx, mission, refresh, nameOf = (id) => id) {
  const state = replacementState(mission);
  const history = replacementRows(mission.replacements, nameOf, orderZone(mission));  // B18: the mission's clock
  const canRequest = ctx.session.claims.role === "beneficiary" && mission.state === "ordered";
  return h("section", { id: "replacement", "aria-labelledby": "replacement-title" },
    h("h2", { id: "replacement-title" }, "Remplacement du professionnel"),
    state ? h("p", { className: "notice", role: "status", "data-replacement": "requested" }, state.text,
      " L'opérateur propose un professionnel équivalent, aux mêmes conditions tarifaires.") : null,
    canRequest ? requestForm(ctx, mission, refresh) : null,
    // on a phone each replacement a card (table.cards in style.css): its reason, then each column's name (data-label)
    // before its value — not a table to scroll sideways
    history.length ? table(["Motif", "Demandé le", "Départ", "Professionnel remplacé", "Remplaçant dû le", "Issue"],
      history.map((r, i) => h("tr", { "data-replacement-row": String(i) }, h("td", {}, r.reason),
        h("td", { "data-label": "Demandé le" }, r.requestedAt), h("td", { "data-label": "Départ" }, r.departure),
        h("td", { "data-label": "Professionnel remplacé" }, r.leaving),
        h("td", { "data-label": "Remplaçant dû le" }, r.due), h("td", { "data-label": "Issue" }, r.outcome))),
    { label: "Historique des remplacements", className: "cards" }) : null);
}

function requestForm(ctx, mission, refresh) {
  const reason = field({ name: "replacement_reason", label: "Motif", paths: ["reason"],
    options: [{ value: "departure", label: "Départ du professionnel" },
      { value: "insufficiency", label: "Insuffisance du professionnel" }] });
  const departure = dateField({ name: "departure_date", label: "Date du départ", paths: ["departure_date"] });
  const planned = field({ name: "planned", label: "Départ planifié (annoncé à l'avance)", type: "checkbox",
    paths: ["planned"] });
  const notified = dateField({ name: "notified_on", label: "Notifié le", paths: ["notified_on"],
    hint: "Format jj/mm/aaaa : le jour où le départ a été annoncé ; D5 court à partir de ce jour." });
  const hint = h("p", { className: "hint", id: "replacement-hint", "aria-live": "polite" });
  // B12: a planned departure sooner than the mission's notice allows, said next to its date before sending
  const warning = h("p", { className: "warning", id: "notice-warning", role: "status", hidden: true });
  departure.append(warning);
  // described by its hint, the warning, then its error note (the last, as every field's)
  const described = departure.input.getAttribute("aria-describedby").split(" ");
  departure.input.setAttribute("aria-describedby", [...described.slice(0, -1), "notice-warning", described.at(-1)]
    .join(" "));
  const fields = [reason, departure, planned, notified];
  const slot = errorSlot(() => fields);
  const values = () => ({ missionId: mission.mission_id, reason: reason.input.value, departure: departure.input.value,
    planned: planned.input.checked, notified: notified.input.value });
  const sync = () => {
    const leaving = reason.input.value === "departure";
    departure.hidden = !leaving;
    planned.hidden = !leaving;
    notified.hidden = !(leaving && planned.input.checked);
    hint.textContent = replacementDueText(values(), mission.d6_preview);
    const short = noticeWarning(values(), mission.notice);
    warning.textContent = short ?? "";
    warning.hidden = !short;
  };
  for (const f of fields) {
    f.input.addEventListener("input", sync);
    f.input.addEventListener("change", sync);
  }
  const button = h("button", { type: "submit" }, "Demander le remplacement");
  const form = h("form", { className: "card", id: "replacement-form", "aria-labelledby": "replacement-form-title",
    novalidate: true }, h("h3", { id: "replacement-form-title" }, "Demander un remplacement"), slot.node,
  h("div", { className: "grid" }, fields), hint, button);
  const send = recorder(ctx, "replace_professional", { form });  // a double click requests it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const { body, errors } = replacementRequestBody(values());
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (!sent.ignored) refresh();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
    return undefined;
  });
  sync();
  return form;
}

// The operator's « Remplacements »: the missions awaiting a replacement, the one due soonest first.
export function renderAwaiting(ctx) {
  const body = h("div", {}, h("p", {}, "Chargement…"));
  async function load() {
    try {
      const list = await ctx.call("get_sourcing", { query: "view=replacements" });
      body.replaceChildren(table(["Mission", "Bénéficiaire", "Motif", "Professionnel remplacé", "Profil", "TJM",
        "Remplaçant dû le"], list.missions.map((m) => {
        const state = replacementState({ state: "replacement_requested", replacements: [m.replacement] });
        return h("tr", { "data-mission": m.mission_id },
          // the mission by its title (its order's), its id in parentheses; the beneficiary by its name, its id below
          h("td", {}, h("a", { href: `#/replacements/${encodeURIComponent(m.beneficiary_id)}/${encodeURIComponent(
            m.mission_id)}` }, missionLabel(m.mission_title, m.mission_id, { labelled: true })), h("div", { className: "sub" }, `besoin ${m.need_id}`)),
          h("td", {}, m.beneficiary_name ?? m.beneficiary_id,
            m.beneficiary_name ? h("div", { className: "sub" }, m.beneficiary_id) : null),
          h("td", {}, state.reason, h("div", { className: "sub" }, awaitingRequestedText(m))),
          // its name (the view reads the pool's record), its id below; the id alone once the record is erased
          h("td", {}, m.professional_name ?? m.professional_id,
            m.professional_name ? h("div", { className: "sub" }, m.professional_id) : null),
          h("td", {}, `${m.profile_category}, ${LEVEL_LABELS[m.level] ?? m.level}, ${m.service_type}`),
          h("td", { className: "num" }, formatEuros(m.daily_rate_cents)),
          h("td", {}, `${formatDateTime(state.due)} (${state.code})`));
      }), { label: "Missions en attente de remplacement", empty: "Aucune mission n'attend de remplaçant." }),
      ...(list.truncated ? [h("p", { className: "hint" }, "Liste tronquée : les plus urgentes sont affichées.")] : []));
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Missions en attente de remplacement", h("p", { className: "hint" }, "Un professionnel qui part est "
    + "remplacé sous 14 jours calendaires (D5), un professionnel insuffisant sous 10 jours ouvrés (D6), par un profil "
    + "équivalent aux mêmes conditions tarifaires."), body);
  load();
  ctx.live(() => { if (!body.contains(document.activeElement)) load(); });
}

// « Proposer un remplaçant » for one mission: its profile and rates, the search of the whole pool (name, skill,
// available over the mission's remaining period, daily rate at most: the need's cap to start with), then the picker
// of the professionals found, each with what the replacement rules say of it; the platform decides on the proposal.
export async function renderProposeReplacement(ctx, beneficiaryId, missionId) {
  let mission;
  let need;
  try {
    mission = await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "mission", mission_id: missionId,
      beneficiary_id: beneficiaryId }).toString() });
    need = await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "need", need_id: mission.need_id,
      beneficiary_id: beneficiaryId }).toString() });
  } catch (err) {
    return ctx.showError(`Mission ${missionId}`, err);
  }
  // who leaves, by name (the operator reads the pool's record once); its id when the record cannot be read
  let leaving = mission.professional_id;
  try {
    leaving = (await ctx.call("get_professional", { query: new URLSearchParams({
      professional_id: mission.professional_id }).toString() })).name ?? leaving;
  } catch (err) {
    if (err.status === 401) return undefined;
  }
  const names = new Map();  // the professionals found, by id: who the proposal names once it is accepted
  const back = h("p", {}, h("a", { href: "#/replacements" }, "← Missions en attente de remplacement"));
  const open = replacementState(mission);
  const facts = definitionList([["Bénéficiaire", beneficiaryId], ["Besoin", need.title],
    ["Professionnel remplacé", leaving === mission.professional_id ? leaving : `${leaving} (${mission.professional_id})`],
    ["Profil exigé", `${mission.profile_category}, ${LEVEL_LABELS[mission.level] ?? mission.level}, ${mission.service_type}`],
    ["TJM exigé", formatEuros(mission.daily_rate_cents)], ["Mission", `du ${formatDateTime(mission.start_date)} au `
      + `${formatDateTime(mission.end_date)}`], ["Remplacement", open ? open.text : "aucun en attente"]]);
  if (!open) return ctx.show(`Remplacement — mission ${missionId}`, back, facts);
  const cap = need.versions.at(-1)?.content?.daily_rate_ceiling_cents;
  const search = searchForm(ctx, { beneficiaryId, missionId, cap }, (list) => {
    for (const c of list?.candidates ?? []) names.set(c.professional_id, c.name);
    const choices = candidateChoices(list);
    chosen.input.replaceChildren(...[{ value: "", label: choices.length ? "— Choisir un professionnel —"
      : "— Aucun professionnel trouvé —" }, ...choices].map((o) => h("option", { value: o.value }, o.label)));
  });
  const chosen = field({ name: "replacement_professional", label: "Remplaçant (professionnels trouvés dans le vivier)",
    paths: ["professional_id"], options: [{ value: "", label: "— Recherche en cours —" }] });
  const typed = field({ name: "replacement_professional_id", label: "Ou identifiant d'un autre professionnel du vivier",
    hint: "Taper un identifiant vide le choix de la liste, et choisir dans la liste vide l'identifiant tapé.",
    paths: ["replacement_professional_id"] });
  // one choice: using one input empties the other, so what is sent is what the user sees chosen
  const only = (used, other) => {
    if (!used.input.value.trim()) return;
    other.input.value = "";
    other.note.textContent = "";
    other.input.removeAttribute("aria-invalid");
  };
  chosen.input.addEventListener("change", () => only(chosen, typed));
  typed.input.addEventListener("input", () => only(typed, chosen));
  search.choose = (id) => {
    chosen.input.value = id;
    only(chosen, typed);
    chosen.input.focus();
  };
  const slot = errorSlot(() => [chosen, typed]);
  const result = h("p", { className: "status", role: "status" });
  const button = h("button", { type: "submit" }, "Proposer le remplaçant");
  const form = h("form", { className: "card", id: "propose-replacement", "aria-labelledby": "propose-replacement-title",
    novalidate: true }, h("h2", { id: "propose-replacement-title" }, "Proposer un remplaçant"),
  h("p", { className: "hint" }, "La plateforme vérifie l'équivalence (catégorie, niveau, type de prestation), les "
    + "mêmes TJM et frais annexes et la disponibilité jusqu'à la fin de la mission : chaque refus est indiqué ici."),
  slot.node, h("div", { className: "grid" }, chosen, typed), button, result);
  const send = recorder(ctx, "replace_professional", { form });  // a double click proposes once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const { body, errors, used } = proposeReplacementBody({ beneficiaryId, missionId, chosen: chosen.input.value,
      typed: typed.input.value });
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (sent.ignored) return undefined;
      const moved = sent.reply;
      result.textContent = `${names.get(moved.professional_id) ?? moved.professional_id} remplace ${leaving} sur la `
        + `mission ${missionId}.`;
      setTimeout(() => ctx.go("#/replacements"), 800);
    } catch (err) {
      // each refusal next to the input the professional came from (the typed id's field when typed)
      if (err.status !== 401) {
        slot.show(err.problem ? { ...err.problem, errors: proposalRefusals(err.problem.errors, used) }
          : [{ field: "$", message: err.message }]);
      }
    }
    return undefined;
  });
  ctx.show(`Remplacement — mission ${missionId}`, back, facts, search.node, form);
  return search.run();
}

// « Chercher dans le vivier »: the filters, then the table of the professionals found with the rules' verdict and a
// « Choisir » button each; `onList` receives every answer (the picker's options follow it).
function searchForm(ctx, { beneficiaryId, missionId, cap }, onList) {
  const name = field({ name: "candidate_name", label: "Nom", paths: ["name"] });
  const skill = field({ name: "candidate_skill", label: "Compétence", paths: ["skill"],
    hint: "Un mot du profil : compétence, référence, certification." });
  const maxRate = field({ name: "candidate_max_rate", label: "TJM au plus (€)", inputmode: "decimal",
    value: cap ? String(cap / 100).replace(".", ",") : "", paths: ["max_daily_rate_cents"],
    hint: cap ? `Plafond du besoin : ${formatEuros(cap)}.` : null });
  const available = field({ name: "candidate_available", type: "checkbox", value: true, paths: ["available"],
    label: "Disponible sur toute la période restante de la mission" });
  const fields = [name, skill, maxRate, available];
  const slot = errorSlot(() => fields);
  const count = h("p", { className: "hint", role: "status" });
  const found = h("div", {});
  const button = h("button", { type: "submit" }, "Rechercher");
  const form = h("form", { className: "card", id: "replacement-search", "aria-labelledby": "replacement-search-title",
    novalidate: true }, h("h2", { id: "replacement-search-title" }, "Chercher dans le vivier"),
  slot.node, h("div", { className: "grid" }, fields), button, count, found);
  const self = { node: form, choose: () => undefined };
  self.run = async () => {
    slot.clear();
    const { query, errors } = candidateSearchQuery({ beneficiaryId, missionId, name: name.input.value,
      skill: skill.input.value, available: available.input.checked, maxRate: maxRate.input.value });
    if (errors.length) return slot.show(errors);
    button.disabled = true;
    try {
      const list = await ctx.call("get_sourcing", { query });
      count.textContent = candidateCountText(list);
      found.replaceChildren(table(["Professionnel", "Profil", "TJM", "Compétences", "Règles de remplacement", "Action"],
        candidateRows(list).map((r) => h("tr", { "data-candidate": r.id },
          h("td", {}, r.name, h("div", { className: "sub" }, r.id)), h("td", {}, r.profile),
          h("td", { className: "num" }, r.rate), h("td", {}, r.skills),
          h("td", { className: r.eligible ? "ok" : "refused" }, r.verdict),
          h("td", {}, h("button", { type: "button", className: "secondary", "aria-label": `Choisir ${r.name}`,
            onclick: () => self.choose(r.id) }, "Choisir")))),
        { label: "Professionnels trouvés dans le vivier", empty: "Aucun professionnel trouvé." }));
      onList(list);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    } finally {
      button.disabled = false;
    }
    return undefined;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!button.disabled) self.run();
  });
  return self;
}
