// Incidents (B9, D8): reporters report and follow theirs; the operator sees every incident with
// its D8 clock (first response due), enters the reports received by phone (from the time of the
// call), acknowledges (stops D8), records follow-ups and workarounds (which stop no clock) and
// resolves. Every role reads each incident's channel, history, D8 and follow-up clock and its time
// to resolution, as IncidentView gives them (formatting in logic.mjs). Live: polled.
// Times (B18 territories): each incident's on the clock of its territory, where its D8 counts (IncidentView's
// time_zone), its row naming that clock once when it is not Paris's; the phone report's time is typed on the clock
// of the caller's territory (its recorded one proposed).
import {
  ROLE_LABELS, clockNote, formatDateTime, frenchDateTimeOf, orderZone, polledStatusText, rowTimeText,
  territoryOptions,
} from "./logic.mjs";
import {
  D8_LABELS, FOLLOW_UP_KIND_LABELS, INCIDENT_STATE_LABELS, REPORTER_ROLE_OPTIONS, WORKAROUND_NOTE, callTimeHint,
  callerTerritory, incidentChannelText, incidentRowView, incidentStepBody, phoneReport, resolutionClockText,
  timeLeftText,
} from "./incidents_logic.mjs";
import { partyDirectory } from "./parties.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { dateTimeField, errorBox, errorSlot, field, h, messagesOf, recorder, table } from "./ui.mjs";

const SEVERITY_OPTIONS = [
  { value: "1", label: "1 — bloquant" }, { value: "2", label: "2 — majeur" }, { value: "3", label: "3 — mineur" },
  { value: "4", label: "4 — demande d'information" }];

export function renderIncidents(ctx) {
  const operator = ctx.session.claims.role === "operator";
  const body = h("div");
  const status = h("p", { className: "status" });  // the time of the last read: seen, not said at each poll
  // what the operator's last action did; it takes the focus (the list under it is rebuilt)
  const done = h("p", { className: "result outcome", role: "status", tabindex: "-1" });
  const actions = { reload: load, done: (message) => {
    done.textContent = message;
    done.focus();
  } };
  // a poll never rebuilds the list under the operator's typing (checked again when the answer comes)
  const typing = () => body.contains(document.activeElement);
  // the list read again after an action wins over a poll still under way (it would draw the incident as before)
  const latest = latestOnly();
  async function load({ poll = false } = {}) {
    const turn = latest();
    try {
      const page = await turn(ctx.call("list_incidents"));
      if (poll && typing()) return;
      const now = Date.now();
      body.replaceChildren(table(["Incident et historique", "Gravité", "Signalement", "État", "D8 (première réponse)",
        "Suivi et résolution", ...(operator ? ["Action"] : [])], page.incidents
        .map((i) => [i, incidentRowView(i, page.people)]).map(([i, view]) => h("tr", { "data-incident": i.incident_id },
        h("td", {}, h("strong", {}, i.title), h("div", { className: "sub" }, i.description), history(i, operator, view.history),
          clockLine(i)),
        // on a phone each incident a card (table.cards in style.css): its title, description and history across the
        // card, then each column's name (data-label) before its value
        h("td", { className: "num", "data-label": "Gravité" }, String(i.severity)),
        h("td", { "data-label": "Signalement" }, view.reporter,
          view.account ? h("div", { className: "sub reporter" }, view.account) : null,
          h("div", { className: "sub" }, incidentChannelText(i))),
        h("td", { "data-label": "État" }, INCIDENT_STATE_LABELS[i.state] ?? i.state),
        h("td", { "data-label": "D8 (première réponse)" }, h("span", { className: `d8 d8-${i.d8_state}` }, D8_LABELS[i.d8_state] ?? i.d8_state),
          h("div", { className: "sub" }, i.state === "reported" ? timeLeftText((Date.parse(i.due_at) - now) / 1000)
            : `échéance ${formatDateTime(i.due_at, orderZone(i))}`)),
        h("td", { className: "clock", "data-label": "Suivi et résolution" }, resolutionClockText(i).map((line) => h("div", {}, line))),
        operator ? h("td", { className: "stacked", "data-label": "Action" }, operatorActions(ctx, i, actions)) : null)),
      { label: "Incidents", empty: "Aucun incident.", className: "cards" }));
      status.textContent = polledStatusText(ctx.config.refresh_seconds);  // as the other live lists say it
    } catch (err) {
      if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    }
  }
  ctx.show("Incidents", operator ? phoneForm(ctx, actions) : reportForm(ctx, load), status, done, body);
  load();
  ctx.live(() => { if (!typing()) load({ poll: true }); });
}

// B18: an incident whose territory's clock is not Paris's says once, in its row, which clock its times read on.
function clockLine(incident) {
  const note = clockNote(incident);
  return note ? h("p", { className: "sub incident-clock", "data-clock": incident.time_zone },
    `${note} : heures de cet incident à l'heure de son territoire.`) : null;
}

// The history of an incident, oldest first: report (or call), first response, follow-ups, resolution, on the
// incident's clock. Steps are told by role; the operator also sees which account took each one.
// `entries`: incidentRowView's history (the reporter named in the row's « Signalement » cell, not again here).
function history(incident, operator, entries) {
  const zone = orderZone(incident);
  return h("ol", { className: "history", "aria-label": `Historique de « ${incident.title} »` },
    entries.map((e) => h("li", { "data-kind": e.kind },
      h("time", { datetime: e.at }, formatDateTime(e.at, zone)), " — ", h("span", { className: "what" }, e.label),
      e.by ? h("span", { className: "sub" }, ` — par ${e.by}`) : null,
      operator && e.account ? h("span", { className: "sub" }, ` (compte ${e.account})`) : null,
      e.text ? h("div", {}, e.text) : null)));
}

function reportForm(ctx, reload) {
  const fields = [
    field({ name: "title", label: "Titre", required: true }),
    field({ name: "severity", label: "Gravité", required: true, value: "2", options: SEVERITY_OPTIONS }),
    field({ name: "description", label: "Description", required: true, rows: 3 }),
    field({ name: "order_id", label: "Commande concernée (facultatif)" }),
  ];
  const slot = errorSlot(() => fields);
  const result = h("p", { className: "status", role: "status" });
  const button = h("button", { type: "submit" }, "Signaler");
  const form = h("form", { className: "card", id: "report-incident", "aria-labelledby": "report-title" },
    h("h2", { id: "report-title" }, "Signaler un incident"), slot.node, h("div", { className: "grid" }, fields),
    button, result);
  guardedSubmit(ctx, { form, button, slot, functionName: "report_incident",
    build: (v) => ({ body: { title: v.title.trim(), severity: Number(v.severity), description: v.description.trim(),
      ...(v.order_id.trim() ? { order_id: v.order_id.trim() } : {}) }, errors: [] }),
    answered: (incident) => {
      result.textContent = `Incident signalé : première réponse attendue avant le ${rowTimeText(incident, incident.due_at)}.`;
      form.reset();
      reload();
    } });
  return form;
}

// A form of the operator's: one send at a time, one Idempotency-Key per content (`recorder`, record_logic.mjs: a
// double click, a retry after a network failure or a 5xx, or a click on the same content after its answer is the same
// request), errors next to their fields. build(values) gives {body, errors}; answered(reply) returns the message.
function guardedSubmit(ctx, { form, slot, functionName, build, answered }) {
  const send = recorder(ctx, functionName, { form });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;  // a double click is not a second request
    slot.clear();
    const { body, errors } = build(Object.fromEntries(new FormData(form).entries()));
    if (errors.length) {
      slot.show(errors);
      return;
    }
    try {
      const sent = await send.send(body);
      if (!sent.ignored) answered(sent.reply);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
}

// The operator enters a report received by phone (ReportIncident with reported_for and
// first_reported_at): whose incident it is, and when the call came — D8 and the time to resolution
// run from the call, not from this entry. B18: the call's time is typed on the clock of the caller's territory
// (« Territoire de l'appelant »: the caller's recorded one once it is picked, else chosen; Paris's when none).
function phoneForm(ctx, actions) {
  const caller = partyDirectory(ctx.call).picker({ kind: "manager", name: "reporter_tenant",
    label: "Espace de l'appelant", paths: ["reported_for.tenant", "reported_for"],
    hint: "Identifiant de son espace, par exemple mgr-rhone-habitat ou ctr-acme" });
  const role = field({ name: "reporter_role", label: "Rôle de l'appelant", required: true, value: "manager",
    paths: ["reported_for.role"], options: REPORTER_ROLE_OPTIONS.map((r) => ({ value: r, label: ROLE_LABELS[r] })) });
  const territory = field({ name: "territory", label: "Territoire de l'appelant", options: territoryOptions(),
    paths: ["territory"],
    hint: "L'heure de l'appel est lue à l'heure de ce territoire, où les heures ouvrées de l'incident sont comptées" });
  const when = dateTimeField({ name: "first_reported_at", label: "Date et heure de l'appel", required: true,
    value: frenchDateTimeOf(new Date()), hint: callTimeHint("") });
  const showClock = () => {
    const hint = when.querySelector(".hint");
    if (hint) hint.textContent = callTimeHint(territory.input.value);
  };
  // the caller picked: its recorded territory proposed (the operator may choose another), the call's clock with it
  caller.addEventListener("change", () => {
    const row = caller.row(caller.values()[0]);
    if (row) territory.input.value = callerTerritory(row);
    showClock();
  });
  territory.input.addEventListener("change", showClock);
  const who = [caller, role, territory, when];
  role.input.addEventListener("change", () => caller.kind(role.input.value));  // the list of the caller's role
  const what = [
    field({ name: "title", label: "Titre", required: true }),
    field({ name: "severity", label: "Gravité", required: true, value: "2", options: SEVERITY_OPTIONS }),
    field({ name: "description", label: "Description", required: true, rows: 3 }),
    field({ name: "order_id", label: "Commande concernée (facultatif)" }),
    field({ name: "need_id", label: "Besoin concerné (facultatif)" }),
  ];
  const all = [...who, ...what];
  const slot = errorSlot(() => all);
  const button = h("button", { type: "submit" }, "Enregistrer le signalement téléphonique");
  const form = h("form", { className: "card", id: "phone-report", "aria-labelledby": "phone-report-title", novalidate: true },
    h("h2", { id: "phone-report-title" }, "Saisir un signalement reçu par téléphone"),
    h("p", { className: "hint" }, "La première réponse (D8) et le temps de résolution courent depuis l'appel."),
    slot.node,
    h("fieldset", {}, h("legend", {}, "L'appel"), h("div", { className: "grid" }, who)),
    h("fieldset", {}, h("legend", {}, "L'incident"), h("div", { className: "grid" }, what)),
    button);
  guardedSubmit(ctx, { form, button, slot, functionName: "report_incident",
    build: (v) => phoneReport(v),
    answered: (incident) => {
      form.reset();
      caller.kind(role.input.value);
      when.input.value = frenchDateTimeOf(new Date());
      showClock();
      actions.reload();
      actions.done(`Signalement téléphonique enregistré : « ${incident.title} », appel du `
        + `${rowTimeText(incident, incident.reported_at)} ; première réponse attendue avant le `
        + `${rowTimeText(incident, incident.due_at)}.`);
    } });
  return form;
}

function operatorActions(ctx, incident, actions) {
  if (incident.state === "resolved") return h("span", { className: "sub" }, "Résolu : aucune action.");
  if (incident.state === "reported") {
    return decisionForm(ctx, incident, actions, { name: "note", label: "Note (facultative)", submit: "Prendre en compte",
      functionName: "acknowledge_incident", optional: true, message: "Incident pris en compte : D8 arrêté." });
  }
  return h("div", { className: "incident-actions" }, followUpForm(ctx, incident, actions),
    decisionForm(ctx, incident, actions, { name: "resolution", label: "Résolution", submit: "Résoudre",
      functionName: "resolve_incident", optional: false, message: "Incident résolu." }));
}

function decisionForm(ctx, incident, actions, { name, label, submit, functionName, optional, message }) {
  const text = field({ name, label, rows: 2, paths: [name], required: !optional });
  const slot = errorSlot(() => [text]);
  const button = h("button", { type: "submit" }, submit);
  // named by its incident: each row has the same fields and buttons, a screen reader tells them apart (RGAA 11.2, 11.9)
  const form = h("form", { className: "inline-decision", novalidate: true, "aria-label": `${submit} — « ${incident.title} »` },
    slot.node, text, button);
  guardedSubmit(ctx, { form, button, slot, functionName,
    build: (v) => incidentStepBody(incident.incident_id, name, v[name], { optional }),
    answered: () => {
      actions.reload();
      actions.done(`${message} — « ${incident.title} »`);
    } });
  return form;
}

// A follow-up (news given to the reporter) or a workaround (a provisional solution): recorded with
// its time and author in the history; neither stops a clock — the incident stays open until resolved.
function followUpForm(ctx, incident, actions) {
  const kind = field({ name: "kind", label: "Type", value: "follow_up", paths: ["kind"],
    options: Object.entries(FOLLOW_UP_KIND_LABELS).map(([value, label]) => ({ value, label })) });
  const note = field({ name: "note", label: "Texte du suivi", rows: 2, required: true, paths: ["note"],
    hint: WORKAROUND_NOTE });
  const slot = errorSlot(() => [kind, note]);
  const button = h("button", { type: "submit", className: "secondary" }, "Enregistrer le suivi");
  const form = h("form", { className: "inline-decision", novalidate: true,
    "aria-label": `Suivi ou contournement — « ${incident.title} »` },
    h("fieldset", {}, h("legend", {}, "Suivi ou contournement"), slot.node, kind, note, button));
  guardedSubmit(ctx, { form, button, slot, functionName: "follow_up_incident",
    build: (v) => incidentStepBody(incident.incident_id, "note", v.note, { extra: { kind: v.kind } }),
    answered: (reply) => {
      actions.reload();
      const recorded = reply.follow_ups?.[reply.follow_ups.length - 1];
      actions.done(`${recorded?.kind === "workaround" ? "Solution de contournement enregistrée (aucun délai interrompu)"
        : "Suivi enregistré"} — « ${incident.title} »`);
    } });
  return form;
}
