// A beneficiary's mission (part B, web/sourcing.mjs's needs lead to it): its order followed live (A11), proof of
// service, documents and deliverables (accept or refuse each, B11), a quote requested from the titulaire (B16), the
// professional's replacement (B12, replacements.mjs).
import { allAcceptedText, canDecide, decisionBody, decisionText, deliverableBadgeClass } from "./deliverable_logic.mjs";
import { formatDateTime, formatEuros, orderZone, screenClockNote, stateLabel } from "./logic.mjs";
import { deliverableRows, extraCostsRows } from "./mission_logic.mjs";
import { progressText, progressView } from "./orders_logic.mjs";
import { missionOrder } from "./live_logic.mjs";
import { drawingOrder, liveOrderNodes, mayDraw, orderDrawn, showOrderScreen, stillCurrent } from "./live_order.mjs";
import { quoteHref } from "./quotes.mjs";
import { budgetFacts } from "./sourcing_logic.mjs";
import { replacementSection } from "./replacements.mjs";
import { definitionList, errorSlot, field, h, keepDraft, recorder, table } from "./ui.mjs";
import { draftKey } from "./draft_logic.mjs";
import { directory } from "./names.mjs";
import { partyLabel } from "./names_logic.mjs";

// A11 real-time view: the screen follows its mission's order on watch_orders (live_order.mjs, like the order screen)
// and is read again when the order changes (`reread`), never under the user's hand: « Actualiser » while a form
// on it is in use, and a drawing the user left or a newer one overtook is dropped. Every drawing but the visit
// (`follow`) — a deliverable's decision, a replacement requested, « Actualiser », a re-read — is a redraw that keeps
// the forms the user is at as they are (showOrderScreen in live_order.mjs).
export async function renderMission(ctx, missionId, { follow = true, reread = false, afresh = false } = {}) {
  const ticket = drawingOrder({ visit: follow, afresh });
  let m;
  try {
    m = await ctx.call("get_sourcing", { query: new URLSearchParams({ view: "mission", mission_id: missionId }).toString() });
  } catch (err) {
    if (!follow || !stillCurrent(ticket)) return undefined;  // a redraw leaves the screen as drawn
    return ctx.showError(`Mission ${missionId}`, err);
  }
  // The delivered documents' download links: the order's documents, each with a signed URL (B11, B7)
  const downloads = {};
  if (m.order) {
    try {
      const listed = await ctx.call("get_documents", { query: new URLSearchParams({ order_id: m.order_id }).toString() });
      for (const d of listed.documents) downloads[d.sha256] = d.download_url;
    } catch (err) {
      if (err.status === 401) return undefined;
    }
  }
  // who the professional is: its name, linked to its record (read through the need, B4); its id when not readable.
  // The same for those its replacements name (B12), each read once.
  const names = new Map();
  for (const id of new Set([m.professional_id, ...(m.replacements ?? []).flatMap((r) => [r.leaving_professional_id,
    r.replaced_by])].filter(Boolean))) {
    try {
      const record = await ctx.call("get_professional", { query: new URLSearchParams({ need_id: m.need_id,
        professional_id: id }).toString() });
      names.set(id, record.name);
    } catch (err) {
      if (err.status === 401) return undefined;
    }
  }
  if (!mayDraw(ticket, { reread })) return undefined;
  const nameOf = (id) => names.get(id) ?? id;
  const professional = names.has(m.professional_id) ? h("a", { href: `#/needs/${encodeURIComponent(m.need_id)}/`
    + `professionals/${encodeURIComponent(m.professional_id)}` }, names.get(m.professional_id)) : m.professional_id;
  const followUp = new Map((m.milestones_follow_up ?? []).map((f) => [f.milestone_id, f.deliverables_follow_up]));
  const accepted = new Map((m.milestones_follow_up ?? []).map((f) => [f.milestone_id, f.deliverables_accepted]));
  // a redraw: a decision's answer, or « Actualiser » ({ afresh: true })
  const refresh = (options = {}) => renderMission(ctx, missionId, { follow: false, ...options });
  const decide = ctx.session.claims.role === "beneficiary" ? decisionForm(ctx, m, refresh) : null;
  const followed = missionOrder(m, ctx.session.claims);
  // B18: its times on the clock of its order's territory, its beneficiary's (MissionView's time_zone)
  const zone = orderZone(m);
  const clock = screenClockNote(m, "mission");
  const orderHref = `#/orders/${encodeURIComponent(ctx.session.claims.tenant)}/${encodeURIComponent(m.order_id)}`;
  // named by its order's title, « Mission : <the need's title> » (B11), its id only before its order is stored
  showOrderScreen(ctx, ticket, m.order?.title ?? `Mission ${m.mission_id}`,
    h("p", {}, h("a", { href: `#/needs/${encodeURIComponent(m.need_id)}` }, "← Retour au besoin")),
    ...(followed ? liveOrderNodes(refresh) : []),
    clock ? h("p", { id: "mission-clock", className: "hint", role: "note", "data-clock": m.time_zone }, clock) : null,
    definitionList([["Professionnel", professional], ["Du", formatDateTime(m.start_date)],
      ["Au", formatDateTime(m.end_date)], ["TJM", formatEuros(m.daily_rate_cents)],
      ["Commande", h("a", { href: orderHref }, m.order_id)],
      ["État de la commande", m.order ? `${stateLabel(m.order.state)}${progressView(m.order).value === null ? ""
        : ` — ${progressText(m.order)}`}` : "—"],
      ...budgetFacts(m.budget, formatEuros)]),
    h("h2", { id: "milestones-title" }, "Jalons"),
    // B11: on a phone each milestone a card (table.cards in style.css) — its label, then each column's name
    // (data-label) before its value, its deliverables and their decisions across the screen — not a table to scroll
    h("div", { id: "milestones" }, table(["Jalon", "Jours", "Échéance", "Livrables", "Tous acceptés"],
      (m.milestones ?? []).map((j) => h("tr", { "data-milestone": j.milestone_id },
        h("td", {}, j.label), h("td", { className: "num", "data-label": "Jours" }, String(j.days)),
        h("td", { "data-label": "Échéance" }, formatDateTime(j.due)),
        h("td", { className: "stacked", "data-label": "Livrables" }, deliverableList(followUp.get(j.milestone_id)
          ?? (j.deliverables ?? []).map((label) => ({ label, delivered: false, documents: [] })), downloads, decide, zone)),
        h("td", { "data-label": "Tous acceptés" }, allAcceptedText(followUp.get(j.milestone_id),
          accepted.get(j.milestone_id))))),
      { label: "Jalons", className: "cards" })),
    extraCostsRows(m.extra_costs_follow_up).length ? h("section", { id: "extra-costs", "aria-labelledby": "extra-costs-title" },
      h("h2", { id: "extra-costs-title" }, "Frais annexes (suivis par les jours sur site)"),
      definitionList(extraCostsRows(m.extra_costs_follow_up))) : null,
    h("h2", {}, "Livrables de la mission"),
    deliverableList(m.deliverables_follow_up ?? (m.deliverables ?? []).map((label) => ({ label, delivered: false,
      documents: [] })), downloads, null, zone),
    h("p", { className: "hint" }, "Chaque livrable remis s'accepte ou se refuse (motivé) dans son jalon ; un livrable "
      + "refusé est remis à nouveau par le titulaire. La réception du jalon n'attend pas l'acceptation."),
    h("p", {}, h("a", { className: "button", href: orderHref }, "Suivre la commande, l'attestation de service fait et les documents")),
    replacementSection(ctx, m, refresh, nameOf),
    missionQuoteForm(ctx, m));
  if (followed) {
    // its view's `updated_at` (its order's, as read): a change it already shows — its user's own decision, read
    // again after it — is not read again when the stream announces it (alreadyShown), as on the order screen
    orderDrawn(ctx, { follow, ...followed, shownAt: m.updated_at ?? null,
      reread: (options) => renderMission(ctx, missionId, { follow: false, ...options }) });
  }
  return undefined;
}

// B11: each deliverable « attendu », or as its latest document stands — « remis » (with « Accepter » and
// « Refuser » for the beneficiary), « accepté » (when, by whom) or « refusé » (the reason) — with its link.
function deliverableList(followUp, downloads, decide = null, zone = undefined) {
  const rows = deliverableRows(followUp, downloads);
  if (!rows.length) return h("span", { className: "hint" }, "aucun");
  return h("ul", { className: "deliverables" }, rows.map((r, i) => h("li", { "data-delivered": String(r.delivered),
    "data-status": followUp[i].status ?? "" },
  `${r.label} — `, h("span", { className: deliverableBadgeClass(followUp[i].status) }, r.status),
  r.document ? [" : ", r.document.url ? h("a", { href: r.document.url, target: "_blank", rel: "noopener noreferrer" },
    r.document.filename) : r.document.filename, ` (déposé le ${formatDateTime(r.document.uploadedAt, zone)}`
      + `${r.count > 1 ? `, ${r.count} versions` : ""})`] : null,
  followUp[i].decision ? h("div", { className: "sub" }, decisionText(followUp[i].decision, zone)) : null,
  decide && canDecide(followUp[i], "beneficiary") ? decide(followUp[i]) : null)));
}

// « Accepter » / « Refuser » (with its reason) on a delivered deliverable's current document (decide_deliverable).
function decisionForm(ctx, mission, refresh) {
  return (followUp) => {
    const reason = field({ name: `reason_${followUp.current_document_id.slice(0, 12)}`, label: "Motif",
      rows: 2, paths: ["reason"], hint: "Obligatoire pour refuser le livrable : le titulaire le reçoit." });
    const slot = errorSlot(() => [reason]);
    const send = async (decision) => {
      if (recording.busy) return undefined;  // a double click decides once
      slot.clear();
      const { body, errors } = decisionBody({ missionId: mission.mission_id, documentId: followUp.current_document_id,
        decision, reason: reason.input.value });
      if (errors.length) return slot.show(errors);
      try {
        const sent = await recording.send(body);
        if (!sent.ignored) refresh();
      } catch (err) {
        if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
      }
      return undefined;
    };
    const accept = h("button", { type: "button" }, "Accepter");
    const refuse = h("button", { type: "button", className: "secondary" }, "Refuser");
    accept.addEventListener("click", () => send("accepted"));
    refuse.addEventListener("click", () => send("refused"));
    // its own id (the document's): a reason typed is kept as it is when another answer draws the screen again
    const group = h("div", { className: "card deliverable-decision", role: "group", "data-form": true,
      id: `decision-${followUp.current_document_id.slice(0, 12)}`,
      "aria-label": `Décision sur « ${followUp.label} »` },
    slot.node, reason, accept, " ", refuse);
    const recording = recorder(ctx, "decide_deliverable", { form: group });
    return group;
  };
}

// B16: a quote requested from the titulaire for this mission; its answer is due within 5 working days (D3),
// and accepting it adds its lines to the mission's order.
function missionQuoteForm(ctx, mission) {
  const fields = [field({ name: "quote_id", label: "Référence du devis", required: true, placeholder: "DEV-2026-0001" }),
    field({ name: "title", label: "Objet du devis", required: true })];
  const slot = errorSlot(() => fields);
  const result = h("p", { className: "status", role: "status" });
  const form = h("form", { className: "card", id: "mission-quote", "aria-labelledby": "mission-quote-title" },
    h("h2", { id: "mission-quote-title" }, "Demander un devis au titulaire"),
    h("p", { className: "hint" }, "Réponse attendue sous 5 jours ouvrés ; un devis accepté complète la commande de la mission."),
    slot.node, h("div", { className: "grid" }, fields), h("button", { type: "submit" }, "Demander le devis"), result);
  // what was typed kept while the tab lives, this mission's own (as « Nouveau besoin »): left by the menu, reloaded or
  // signed out by an expired session, the form comes back filled in; forgotten once the quote is requested
  const draft = keepDraft(form, draftKey(ctx.session.claims, "mission-quote", mission.mission_id));
  const send = recorder(ctx, "request_mission_quote", { form, draft });  // a double click asks once; a reload's too
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const v = Object.fromEntries(new FormData(form).entries());
    try {
      const sent = await send.send({ quote_id: v.quote_id.trim(), mission_id: mission.mission_id, title: v.title.trim() });
      if (sent.ignored) return;
      draft.clear();
      const quote = sent.reply;
      result.textContent = `Devis ${quote.quote_id} demandé à ${partyLabel(await directory(ctx), quote.contractor_id)}.`;
      setTimeout(() => ctx.go(quoteHref(quote)), 500);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}
