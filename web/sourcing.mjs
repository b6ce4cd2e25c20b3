// Sourcing for a beneficiary (part B): submit and relaunch a need (B2), the ranked professionals
// with the reasons of each score (B3) and their full record (B4), accept / refuse / relaunch, frame
// the mission (B13), then follow it on missions.mjs. The pool statistics (B14), read by the operator and the
// purchasing body. The agreements' penalty terms (A9): agreements.mjs.
import { formatDateTime, formatEuros, nowIsoIn, orderZone, rowTimeText, screenClockNote } from "./logic.mjs";
import {
  CRITERIA_LABELS, LEVEL_LABELS, NEED_STATUS_LABELS, WORK_MODE_LABELS, buildNeedContent, frameBody, frameFormValues,
  frameMilestones, milestoneDeliverablesPrefill, needField, needFormValues,
} from "./needs_logic.mjs";
import { liveList } from "./live_list.mjs";
import { NEED_ROWS } from "./live_list_logic.mjs";
import {
  REGIONS, criteriaText, declarationRequired, needAwaitsProposals, needChanged, needFormHint, needNextStep,
  poolRegions, recordTitle, regionText, serviceTypeText,
} from "./sourcing_logic.mjs";
import { dateField, definitionList, errorSlot, field, h, keepDraft, recorder, scrollFrame, table } from "./ui.mjs";
import { draftKey } from "./draft_logic.mjs";
import { missionLabel } from "./names_logic.mjs";
import { todoBlock } from "./todo.mjs";
import { deliverablesToDecide, needFiltersFromQuery } from "./todo_logic.mjs";

const options = (pairs) => pairs.map(([value, label]) => ({ value, label }));

// A11: « Mes besoins » read again every refresh_seconds while shown (live_list.mjs): a need moves when the platform
// ranks it, the operator proposes, a proposal is decided, its mission is framed — the changed rows drawn again and
// highlighted, never under the user's hand.
export async function renderNeeds(ctx, query = "") {
  const todo = todoBlock(ctx);  // « À faire », read again with the list (its polls, « Actualiser »)
  // « À faire » links here with ?deliverables=delivered (B11): the needs whose mission has deliverables to decide
  const { deliverables } = needFiltersFromQuery(query);
  const list = liveList(ctx, { kind: NEED_ROWS, columns: 6, drawRow: needRow,
    empty: () => deliverables ? "Aucun livrable remis n'attend votre décision."
      : "Aucun besoin exprimé : « Exprimer un nouveau besoin » décrit la prestation que vous cherchez.",
    read: () => {
      todo?.refresh();
      return ctx.call("list_needs", deliverables ? { query: `deliverables=${deliverables}` } : undefined)
        .then((page) => ({ ...page, rows: page.needs }));
    } });
  ctx.show("Mes besoins", todo?.node,
    h("p", {}, h("a", { href: "#/needs/new", className: "button" }, "Exprimer un nouveau besoin")),
    deliverables ? h("p", { className: "filter-note" }, "Besoins dont la mission a des livrables remis qui attendent "
      + "votre décision : ouvrez la mission pour les accepter ou les refuser. ", h("a", { href: "#/" },
      "Voir tous les besoins")) : null,
    ...list.nodes,
    // on a phone each need a card (table.cards in style.css): its title, then each column's name (data-label) before
    // its value; the frame a named region with its hint only if it still scrolls (scrollFrame)
    scrollFrame(h("div", { className: "table-wrap" }, h("table", { className: "cards", "aria-label": "Besoins" },
      h("thead", {}, h("tr", {}, ["Besoin", "Version", "Statut", "Propositions", "Propositions attendues le", "Mis à jour"]
        .map((t) => h("th", { scope: "col" }, t)))),
      list.tbody))));
  await list.load({ reset: true });
}

// B11: on the list filtered from « À faire », each mission's deliverables to decide, linked to the mission
const deliverableLink = (link) => link ? h("div", {}, h("a", { href: link.href }, link.text)) : null;

function needRow(n) {
  return h("tr", { "data-need": n.need_id },
    h("td", {}, h("a", { href: `#/needs/${encodeURIComponent(n.need_id)}` }, n.title), h("div", { className: "sub" }, n.need_id),
      deliverableLink(deliverablesToDecide(n))),
    h("td", { className: "num", "data-label": "Version" }, String(n.version)),
    h("td", { "data-label": "Statut" }, n.status_label),
    h("td", { className: "num", "data-label": "Propositions" }, String(n.proposals)),
    h("td", { "data-label": "Propositions attendues le" }, formatDateTime(n.d4_due)),
    h("td", { "data-label": "Mis à jour" }, rowTimeText(n, n.updated_at)));
}

// The need form: a new need, or the content of a relaunch (prefilled with the last version).
function needFields(values = {}) {
  return [
    field({ name: "title", label: "Intitulé", required: true, value: values.title }),
    field({ name: "nature", label: "Nature", options: options([["AMOA", "AMOA"], ["AMOE", "AMOE"]]), value: values.nature }),
    field({ name: "summary", label: "Description de la prestation", required: true, rows: 4, value: values.summary }),
    field({ name: "skills", label: "Compétences attendues (une par ligne)", rows: 3, value: values.skills }),
    field({ name: "level", label: "Niveau", options: options(Object.entries(LEVEL_LABELS)), value: values.level ?? "confirme" }),
    field({ name: "min_years_of_experience", label: "Années d'expérience minimales", required: true, inputmode: "numeric",
      value: values.min_years_of_experience ?? "3" }),
    field({ name: "certifications", label: "Certifications (une par ligne)", rows: 2, value: values.certifications }),
    field({ name: "public_sector_required", label: "Connaissance du secteur public exigée", type: "checkbox",
      value: values.public_sector_required }),
    dateField({ name: "start_date", label: "Début", required: true, value: values.start_date }),
    dateField({ name: "end_date", label: "Fin", required: true, value: values.end_date }),
    field({ name: "duration_days", label: "Durée (jours travaillés)", required: true, inputmode: "numeric",
      value: values.duration_days }),
    field({ name: "region", label: "Région", options: options(REGIONS), value: values.region ?? "84" }),
    field({ name: "work_mode", label: "Modalité", options: options(Object.entries(WORK_MODE_LABELS)),
      value: values.work_mode ?? "mixed" }),
    field({ name: "daily_rate_ceiling", label: "Plafond du TJM (€ HT)", required: true, inputmode: "decimal",
      value: values.daily_rate_ceiling, paths: ["daily_rate_ceiling", "daily_rate_ceiling_cents"] }),
    field({ name: "deliverables", label: "Livrables (un par ligne)", rows: 2, value: values.deliverables }),
    field({ name: "prerequisites", label: "Prérequis", rows: 2, value: values.prerequisites }),
    field({ name: "expected_profile", label: "Profil attendu", value: values.expected_profile }),
    field({ name: "context", label: "Contexte", rows: 2, value: values.context }),
    field({ name: "other_information", label: "Autres informations", rows: 2, value: values.other_information }),
  ];
}

function contentErrors(problem) {
  const errors = Array.isArray(problem) ? problem : (problem?.errors ?? []);
  return errors.map((e) => ({ ...e, field: needField(e.field) ? `$.${needField(e.field)}` : e.field }));
}

export async function renderNeedForm(ctx) {
  // B10: the D4 the agreement states (a shorter one than 10 working days), said before sending; the form without it
  const signedOut = Symbol("signed out");
  const agreement = await ctx.call("get_sourcing", { query: "view=agreement" })
    .catch((err) => (err.status === 401 ? signedOut : null));
  if (agreement === signedOut) return;
  const id = field({ name: "need_id", label: "Référence du besoin", required: true, placeholder: "BES-2026-001",
    hint: "Lettres, chiffres, tirets." });
  const fields = needFields();
  const slot = errorSlot(() => [id, ...fields]);
  const form = h("form", { className: "card", id: "need-form" }, slot.node, id, h("div", { className: "grid" }, fields),
    h("button", { type: "submit" }, "Soumettre le besoin"));
  const send = recorder(ctx, "submit_need", { form });  // a double click submits it once
  // what was typed kept while the tab lives: left by the menu or reloaded, the form comes back filled in
  const draft = keepDraft(form, draftKey(ctx.session.claims, "need"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const { content, errors } = buildNeedContent(Object.fromEntries(new FormData(form).entries()));
    if (!id.input.value.trim()) errors.push({ field: "$.need_id", message: "Indiquez une référence." });
    if (errors.length) return slot.show(contentErrors(errors));
    try {
      const sent = await send.send({ need_id: id.input.value.trim(), content });
      if (sent.ignored) return;
      draft.clear();
      ctx.go(`#/needs/${encodeURIComponent(id.input.value.trim())}`);
    } catch (err) {
      if (err.status !== 401) slot.show(contentErrors(err.problem ?? [{ field: "$", message: err.message }]));
    }
  });
  ctx.show("Nouveau besoin", h("p", { className: "hint", id: "need-d4" }, needFormHint(agreement)), form);
  id.input.focus();
}

// The need screen's one reading every refresh_seconds while its need awaits the operator's proposals (D4,
// needAwaitsProposals): started once per visit of the screen, stopped with it (the route stops every timer) or once
// the need no longer waits.
let needWatch = null;

export function renderNeed(ctx, needId) {
  needWatch = null;  // a visit: the previous screen's timer was stopped by the route
  return showNeed(ctx, needId);
}

const readNeed = (ctx, needId) => ctx.call("get_sourcing",
  { query: new URLSearchParams({ view: "need", need_id: needId }).toString() });

async function showNeed(ctx, needId) {
  let need;
  try {
    need = await readNeed(ctx, needId);
  } catch (err) {
    return ctx.showError(`Besoin ${needId}`, err);
  }
  const hash = `#/needs/${encodeURIComponent(needId)}`;
  drawNeed(ctx, needId, need, ctx.show);
  if (!need.versions.at(-1)?.result) setTimeout(() => { if (location.hash === hash) showNeed(ctx, needId); }, 2000);
  else if (needAwaitsProposals(need) && needWatch?.needId !== needId) {
    const watch = { needId, shown: need };
    needWatch = watch;
    const stop = () => { clearInterval(watch.timer); if (needWatch === watch) needWatch = null; };
    watch.timer = ctx.live(async () => {
      if (needWatch !== watch || location.hash !== hash) return stop();
      const read = await readNeed(ctx, needId).catch(() => null);
      if (!read || needWatch !== watch || location.hash !== hash || !needChanged(watch.shown, read)) return;
      watch.shown = read;
      if (!needAwaitsProposals(read)) stop();
      drawNeed(ctx, needId, read, ctx.redraw);  // the proposals, focus and scroll kept
    });
  }
}

function drawNeed(ctx, needId, need, paint) {
  const current = need.versions.at(-1);
  const candidates = current?.result?.candidates ?? [];
  const proposed = need.status === "proposed";
  const refresh = () => showNeed(ctx, needId);
  // B18: its times on the clock of its beneficiary's territory, where its D4 counts (NeedView's time_zone)
  const clock = screenClockNote(need, "need");
  paint(`${need.title}`,
    h("p", {}, h("a", { href: "#/" }, "← Mes besoins")),
    clock ? h("p", { id: "need-clock", className: "hint", role: "note", "data-clock": need.time_zone }, clock) : null,
    definitionList([["Référence", need.need_id], ["Statut", NEED_STATUS_LABELS[need.status] ?? need.status],
      ["Version", String(need.version)], ["Soumis le", formatDateTime(need.submitted_at, orderZone(need))],
      ["Propositions attendues le (D4)", `${formatDateTime(need.d4.due)}${need.d4.met === true ? " — respecté"
        : need.d4.met === false ? " — dépassé" : ""}`],
      // B11: its mission by its title (its order's, « Mission : <the need's title> », said once: the label says
      // « Mission »), its id beside it
      ["Mission", need.mission_id ? h("a", { href: `#/missions/${encodeURIComponent(need.mission_id)}` },
        missionLabel(need.mission_title, need.mission_id, { labelled: true })) : "—"]]),
    needNextStep(need) ? h("p", { className: "hint", id: "need-next-step", role: "note" }, needNextStep(need)) : null,
    // the next step's own action, right under what it says: frame the accepted proposal's mission, then follow it
    need.status === "accepted" ? h("p", {}, h("a", { className: "button", href: `#/needs/${encodeURIComponent(needId)}/frame` },
      "Cadrer la mission")) : null,
    need.status === "mission_framed" && need.mission_id ? h("p", {}, h("a", { className: "button",
      href: `#/missions/${encodeURIComponent(need.mission_id)}` }, "Suivre la mission")) : null,
    need.proposals.length ? proposalsSection(ctx, need, refresh) : null,
    proposed ? relaunchForm(ctx, need, current?.content, refresh) : null,
    h("section", { "aria-labelledby": "ranking-title" },
      h("h2", { id: "ranking-title" }, `Professionnels classés (version ${current?.version ?? "—"})`),
      current?.result ? rankingTable(needId, candidates, current.result) : h("p", {}, "Classement en cours de calcul…")));
}

function rankingTable(needId, candidates, result) {
  return h("div", {},
    result.partial ? h("p", { className: "hint" }, "Résultats partiels : aucun profil ne remplit tous les critères.") : null,
    // on a phone each professional a card (table.cards in style.css): the column's name (data-label) before its value,
    // the name, then « Pourquoi » across the screen's width
    table(["Rang", "Professionnel", "Score", "Pourquoi", "TJM"], candidates.map((c) => h("tr", { "data-professional": c.professional_id },
      h("td", { className: "num", "data-label": "Rang" }, String(c.rank)),
      h("td", {}, h("a", { href: `#/needs/${encodeURIComponent(needId)}/professionals/${encodeURIComponent(c.professional_id)}` },
        c.name)),
      h("td", { className: "num", "data-label": "Score" }, `${Math.round(c.total * 100)} / 100`),
      h("td", {}, c.explanation, h("div", { className: "sub criteria" }, criteriaText(c.criteria, result.weights)),
        c.missed?.length ? h("div", { className: "sub warn" },
          `Critères manqués : ${c.missed.map((m) => CRITERIA_LABELS[m] ?? m).join(", ")}`) : null),
      h("td", { className: "num", "data-label": "TJM" }, formatEuros(c.daily_rate_cents)))),
    { label: "Professionnels classés", empty: "Aucun professionnel.", className: "cards" }));
}

function proposalsSection(ctx, need, refresh) {
  const reason = field({ name: "reason", label: "Motif", rows: 2,
    hint: "Facultatif, pour accepter comme pour refuser et abandonner la recherche." });
  const slot = errorSlot(() => [reason]);
  async function decide(decision, professionalId = null) {
    if (send.busy) return;  // a double click decides once
    slot.clear();
    try {
      const sent = await send.send({ need_id: need.need_id, version: need.version, decision,
        ...(professionalId ? { professional_id: professionalId } : {}),
        ...(reason.input.value.trim() ? { reason: reason.input.value.trim() } : {}) });
      if (!sent.ignored) refresh();
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  }
  const open = need.status === "proposed";
  const section = h("section", { className: "card", "aria-labelledby": "proposals-title" },
    h("h2", { id: "proposals-title" }, "Professionnels proposés"), slot.node,
    table(["Professionnel", "Pourquoi", "TJM", "Disponibilité garantie jusqu'au", "Statut", open ? "Décision" : null]
      .filter(Boolean), need.proposals.map((p) => h("tr", { "data-proposal": p.professional_id },
      h("td", {}, h("a", { href: `#/needs/${encodeURIComponent(need.need_id)}/professionals/${encodeURIComponent(p.professional_id)}` },
        p.name)),
      h("td", {}, p.explanation), h("td", { className: "num", "data-label": "TJM" }, formatEuros(p.daily_rate_cents)),
      h("td", { "data-label": "Garantie jusqu'au" }, formatDateTime(p.guaranteed_until)),
      h("td", { "data-label": "Statut" }, { proposed: "proposé", accepted: "accepté", refused: "refusé" }[p.status] ?? p.status),
      open ? h("td", {}, h("button", { type: "button", onclick: () => decide("accept", p.professional_id) },
        `Accepter ${p.name}`)) : null)), { label: "Propositions", className: "cards" }),
    open ? [reason, h("div", { className: "actions" }, h("button", { type: "button", className: "danger",
      onclick: () => decide("abandon") }, "Refuser et abandonner la recherche"))] : null);
  const send = recorder(ctx, "decide_proposal", { form: section });
  return section;
}

// Refuse and relaunch: a new version of the need with its content edited.
function relaunchForm(ctx, need, content, refresh) {
  const fields = needFields(needFormValues(content));
  const reason = field({ name: "relaunch_reason", label: "Motif de la relance", rows: 2, paths: ["reason"] });
  const slot = errorSlot(() => [reason, ...fields]);
  const form = h("form", { className: "card", id: "relaunch-form" }, slot.node, reason,
    h("details", {}, h("summary", {}, "Modifier le besoin avant de relancer"), h("div", { className: "grid" }, fields)),
    h("button", { type: "submit" }, "Refuser et relancer la recherche"));
  const send = recorder(ctx, "decide_proposal", { form });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const { content: edited, errors } = buildNeedContent(Object.fromEntries(new FormData(form).entries()));
    if (errors.length) {
      form.querySelector("details").open = true;
      return slot.show(contentErrors(errors));
    }
    try {
      const sent = await send.send({ need_id: need.need_id, version: need.version, decision: "relaunch",
        content: edited, ...(reason.input.value.trim() ? { reason: reason.input.value.trim() } : {}) });
      if (!sent.ignored) refresh();
    } catch (err) {
      form.querySelector("details").open = true;
      if (err.status !== 401) slot.show(contentErrors(err.problem ?? [{ field: "$", message: err.message }]));
    }
  });
  return h("section", { "aria-labelledby": "relaunch-title" }, h("h2", { id: "relaunch-title" }, "Relancer"), form);
}

export async function renderProfessional(ctx, needId, professionalId) {
  let p;
  try {
    p = await ctx.call("get_professional", { query: new URLSearchParams({ need_id: needId,
      professional_id: professionalId }).toString() });
  } catch (err) {
    return ctx.showError("Fiche du professionnel", err);
  }
  const list = (items) => (items?.length ? h("ul", {}, items.map((i) => h("li", {}, i))) : "—");
  const extra = p.extra_costs ?? {};
  ctx.show(recordTitle(p.name),
    h("p", {}, h("a", { href: `#/needs/${encodeURIComponent(needId)}` }, "← Retour au besoin")),
    definitionList([["Niveau", LEVEL_LABELS[p.level] ?? p.level], ["Expérience", `${p.years_of_experience} ans`],
      ["Connaissance du secteur public", p.public_sector_knowledge ? "oui" : "non"],
      ["TJM", formatEuros(p.daily_rate_cents)],
      ["Frais annexes par jour sur site", `déplacement ${formatEuros(extra.travel_cents ?? 0)}, hébergement `
        + `${formatEuros(extra.lodging_cents ?? 0)}, repas ${formatEuros(extra.meals_cents ?? 0)}`],
      ["Prestations", (p.service_types ?? []).join(", ")], ["Région", regionText(p.region)],
      ["Note moyenne", p.mean_rating === null || p.mean_rating === undefined ? "—" : `${p.mean_rating.toFixed(1).replace(".", ",")} / 5`]]),
    h("h2", {}, "Présentation"), h("p", {}, p.summary || "—"),
    h("h2", {}, "Compétences"), list(p.skills),
    h("h2", {}, "Formation"), list(p.education),
    h("h2", {}, "Certifications"), list(p.certifications),
    h("h2", {}, "Références"), list(p.references),
    h("h2", {}, "Disponibilités"), list((p.availability ?? []).map((a) => `${formatDateTime(a.start)} → ${formatDateTime(a.end)}`)),
    h("h2", {}, "Avis"),
    table(["Mission", "Note", "Commentaire", "Date"], (p.reviews ?? []).map((r) => h("tr", {}, h("td", {}, r.mission_ref),
      h("td", { className: "num" }, `${r.rating} / 5`), h("td", {}, r.comment ?? "—"), h("td", {}, formatDateTime(r.on)))),
    { label: "Avis", empty: "Aucun avis." }));
}

// Frame the mission (B13): dates, deliverables, milestones and each milestone's own deliverables (B11),
// conflict-of-interest declaration. The dates and the deliverables come prefilled from the need's current version
// (the beneficiary said them already); each milestone's deliverables box appears with its milestone's line.
export async function renderFrame(ctx, needId) {
  let values = {};
  let required = null;  // unknown when the need could not be read: the platform still says it after sending
  let need = null;
  try {
    need = await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "need", need_id: needId }).toString() });
    values = frameFormValues(need.versions.at(-1)?.content);
    required = declarationRequired(need);
  } catch (err) {
    if (err.status === 401) return;
  }
  // what is framed: the need, by its title, and the professional retained, by name and daily rate (B13)
  const chosen = (need?.proposals ?? []).find((p) => p.status === "accepted");
  const back = h("p", {}, h("a", { href: `#/needs/${encodeURIComponent(needId)}` }, "← Retour au besoin"));
  if (need?.status === "mission_framed" && need.mission_id) {  // framed already (a bookmark, the browser's history)
    return ctx.show("Cadrer la mission", back, h("p", { className: "notice", id: "frame-done" },
      "Cette mission est déjà cadrée et sa commande émise. ", h("a", { className: "button",
        href: `#/missions/${encodeURIComponent(need.mission_id)}` }, "Suivre la mission")));
  }
  const start = dateField({ name: "start_date", label: "Début", required: true, value: values.start_date });
  const end = dateField({ name: "end_date", label: "Fin", required: true, value: values.end_date });
  const deliverables = field({ name: "deliverables", label: "Livrables (un par ligne)", rows: 3, required: true,
    value: values.deliverables });
  const milestones = field({ name: "milestones", label: "Jalons (un par ligne : libellé ; jours ; échéance jj/mm/aaaa)",
    rows: 3, required: true, placeholder: "Cahier des charges validé ; 10 ; jj/mm/aaaa",
    hint: "Jours : un nombre entier de jours travaillés ; l'échéance entre le début et la fin de la mission." });
  const perMilestone = milestoneDeliverablesBoxes(milestones.input, deliverables.input);
  // B13 conflict of interest: required up front when the beneficiary must sign it (the platform refuses without it)
  const signedBy = field({ name: "signed_by", label: "Déclaration d'absence de conflit d'intérêts : signée par",
    paths: ["signed_by", "conflict_declaration"], required: required === true,
    hint: { true: "Obligatoire pour votre organisme : la mission n'est pas cadrée sans cette déclaration signée.",
      false: "Facultative pour votre organisme." }[required] ?? null });
  const statement = field({ name: "statement", label: "Texte de la déclaration", rows: 2,
    value: "Je déclare n'avoir aucun lien d'intérêt avec le professionnel retenu." });
  const fields = [start, end, deliverables, milestones, signedBy, statement];
  const slot = errorSlot(() => [...fields, ...perMilestone.shown()]);
  const form = h("form", { className: "card", id: "frame-form" }, slot.node,
    h("div", { className: "grid" }, start, end, deliverables, milestones), perMilestone.node,
    h("div", { className: "grid" }, signedBy, statement),
    h("button", { type: "submit" }, "Cadrer la mission et émettre la commande"));
  // what was typed kept while the tab lives, this need's own (as « Nouveau besoin »): left by the menu, reloaded or
  // signed out by an expired session, the form comes back filled in — each milestone's deliverables box drawn first
  const draft = keepDraft(form, draftKey(ctx.session.claims, "frame", needId));
  milestones.input.dispatchEvent(new Event("input"));  // not bubbling: the boxes drawn, nothing saved yet
  draft.restore();
  const send = recorder(ctx, "frame_mission", { form, draft });  // a double click frames it once; a reload's too
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return undefined;
    slot.clear();
    const { body, errors } = frameBody({ needId, start: start.input.value, end: end.input.value,
      deliverables: deliverables.input.value, milestones: milestones.input.value,
      milestoneDeliverables: perMilestone.shown().map((box) => box.input.value), signedBy: signedBy.input.value,
      statement: statement.input.value, today: nowIsoIn("Europe/Paris").slice(0, 10) });
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (sent.ignored) return undefined;
      draft.clear();
      const mission = sent.reply;
      ctx.go(`#/missions/${encodeURIComponent(mission.mission_id)}`);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
    return undefined;
  });
  ctx.show("Cadrer la mission", back,
    need ? definitionList([["Besoin", need.title], ["Professionnel retenu", chosen?.name ?? "—"],
      ["TJM", chosen ? formatEuros(chosen.daily_rate_cents) : "—"]]) : null,
    h("p", { className: "hint", id: "frame-next" }, "Une fois la mission cadrée, sa commande est émise au titulaire de "
      + "l'accord-cadre ; la mission se suit ensuite depuis son écran (jalons, livrables, temps passés)."),
    form);
}

// B11: one deliverables box per milestone line of the framing form (« Livrables du jalon 1 : … (un par ligne) »),
// following the milestones as they are typed. A box keeps what was typed in it when its line changes or goes and
// comes back; a new one starts with the mission's deliverables no box before it names. The platform's refusals on
// `$.milestones[i].deliverables…` are shown next to box i.
function milestoneDeliverablesBoxes(milestonesInput, deliverablesInput) {
  const boxes = [];
  const holder = h("div", { className: "grid" });
  const empty = h("p", { className: "hint" }, "Indiquez les jalons : chacun reçoit ici ses propres livrables.");
  let count = 0;
  const draw = () => {
    const steps = frameMilestones(milestonesInput.value);
    steps.forEach((step, i) => {
      const label = `Livrables du jalon ${i + 1} : ${step.label || "sans libellé"} (un par ligne)`;
      if (!boxes[i]) {
        boxes[i] = field({ name: `milestone_deliverables_${i + 1}`, label, rows: 2,
          paths: [`milestones[${i}].deliverables`],
          value: milestoneDeliverablesPrefill(deliverablesInput.value, boxes.slice(0, i).map((box) => box.input.value)) });
      } else {
        boxes[i].querySelector("label").textContent = label;
      }
    });
    count = steps.length;
    holder.replaceChildren(...boxes.slice(0, count));
    empty.hidden = count > 0;
  };
  milestonesInput.addEventListener("input", draw);
  draw();
  const node = h("fieldset", { className: "milestone-deliverables", id: "milestone-deliverables" },
    h("legend", {}, "Livrables par jalon"), empty, holder);
  return { node, shown: () => boxes.slice(0, count) };
}

// B14: active professionals per region and per service type (the operator's and the purchasing body's "Vivier"), as
// of when the pool's statistics were last computed (built_at; the index revision is the platform's, not shown).
export async function renderPool(ctx) {
  let stats;
  try {
    stats = await ctx.call("get_sourcing", { query: "view=pool_statistics" });
  } catch (err) {
    return ctx.showError("Vivier", err);
  }
  // the regions with professionals, then one line naming those with none (poolRegions)
  const regions = poolRegions(stats.per_region);
  ctx.show("Statistiques du vivier",
    definitionList([["Professionnels actifs", String(stats.total)], ["Chiffres à jour au", formatDateTime(stats.built_at)]]),
    h("h2", {}, "Par région"),
    table(["Région", "Professionnels"], regions.rows.map((r) => h("tr", {},
      h("td", {}, `${r.label} (${r.code})`), h("td", { className: "num" }, String(r.count)))),
    { label: "Par région", empty: "Aucun professionnel actif." }),
    regions.none ? h("p", { id: "pool-regions-none", className: "hint" }, regions.none) : null,
    h("h2", {}, "Par type de prestation"),
    table(["Type", "Professionnels"], Object.entries(stats.per_service_type ?? {}).map(([type, count]) => h("tr", {},
      h("td", {}, serviceTypeText(type)), h("td", { className: "num" }, String(count)))), { label: "Par type de prestation" }));
}
