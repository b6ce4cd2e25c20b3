// Pure logic of the orders screens (A3 c, A11; web/orders.mjs): the list's query and its empty text, an order's
// progress, site and history, the contractor's execution as moves (get_order's next_moves) and its report, the
// upload form's document kinds, the client's decisions. No DOM, no network — tested with `node --test tests/web/`
// (logic.test.mjs, order_screen.test.mjs, order_display.test.mjs, order_clock.test.mjs…).
import {
  clientError, formatDateTime, localDateTimeToIso, parseFrenchDate, parseFrenchDateTime, rowClock, stateLabel,
} from "./logic.mjs";

// The choices of the execution form's "new state": no change (an event or progress only), then
// exactly the states get_order says the caller may move the order to next (`next_states`, read by
// the platform from its state machine — the rule lives there, not here), with their French labels.
export const NO_STATE_CHANGE = "(pas de changement d'état)";

export function stateOptions(nextStates) {
  return [{ value: "", label: NO_STATE_CHANGE },
    ...(nextStates ?? []).map((state) => ({ value: state, label: stateLabel(state) }))];
}

export const DOCUMENT_KINDS = Object.freeze({
  intervention_report: "Rapport d'intervention",
  service_done: "Attestation de service fait",
  invoice: "Facture",
  deliverable: "Livrable",
});

// B11 mission follow-up: the kinds the upload form offers — « Livrable » only on a mission's order, whose
// milestones and deliverables get_order gives (``mission``, null for any other order).
export function uploadKindOptions(mission) {
  return Object.entries(DOCUMENT_KINDS).filter(([value]) => value !== "deliverable" || (mission?.milestones ?? []).length)
    .map(([value, label]) => ({ value, label }));
}

export function milestoneOptions(mission) {
  return (mission?.milestones ?? []).map((m) => ({ value: m.milestone_id, label: `${m.label} (${m.milestone_id})` }));
}

// The deliverables a document may name for one milestone: its own, then the mission's (as the platform lists them).
export function deliverableOptions(mission, milestoneId) {
  const milestone = (mission?.milestones ?? []).find((m) => m.milestone_id === milestoneId);
  return (milestone?.deliverables ?? []).map((label) => ({ value: label, label }));
}

// The upload form's text fields for the chosen kind: a deliverable names its milestone and its deliverable,
// other kinds neither (the platform refuses them there). Errors on the fields, in French.
export function uploadFields({ kind, milestoneId = "", deliverable = "" }) {
  if (kind !== "deliverable") return { fields: { kind }, errors: [] };
  const errors = [];
  if (!milestoneId) errors.push({ field: "$.milestone_id", message: "Choisissez le jalon que ce livrable concerne." });
  if (!deliverable) errors.push({ field: "$.deliverable", message: "Choisissez le livrable remis." });
  return { fields: { kind, milestone_id: milestoneId, deliverable }, errors };
}

// What active content a stored PDF carries (docs/documents.md): shown beside the document.
export const ACTIVE_CONTENT = Object.freeze({
  javascript: "JavaScript",
  launch: "lancement d'application",
  embedded_files: "fichiers incorporés",
  rich_media: "média enrichi",
  xfa: "formulaire XFA",
  unreadable_structure: "structure illisible",
});

export const LATE_LABELS = Object.freeze({
  start_missed: "début prévu dépassé sans démarrage",
  end_missed: "fin prévue dépassée",
});

// A6 overall progress %, as the contractor last reported it — except once the work is done: a « terminé » order
// (and so a réceptionné, facturé or clôturé one, all reached through it) reads 100 %, the figure last reported
// (when one was and it was less) kept in a note. A display rule: the stored progress is never rewritten.
const DONE_STATES = Object.freeze(["completed", "received", "invoiced", "closed"]);
export function progressView(order) {
  const reported = order?.progress ?? null;
  if (DONE_STATES.includes(order?.state)) {
    return { value: 100, text: "100 %", note: reported !== null && reported < 100
      ? `terminée ; dernier avancement déclaré : ${reported} %` : null };
  }
  return reported === null ? { value: null, text: "—", note: null } : { value: reported, text: `${reported} %`, note: null };
}

// The same, on one line: "100 % (terminée ; dernier avancement déclaré : 50 %)".
export function progressText(order) {
  const view = progressView(order);
  return view.note ? `${view.text} (${view.note})` : view.text;
}

// A7 a site as a screen names it: its label, else the label of its node when the screen has the manager's nodes
// (list_property_nodes rows), else « Élément <id> du patrimoine » — never the bare technical id.
export function siteText(site, nodes = []) {
  if (!site) return "—";
  if (site.label) return site.label;
  if (!site.node_id) return "—";
  const node = (nodes ?? []).find((n) => n.node_id === site.node_id);
  return node?.label || `Élément ${site.node_id} du patrimoine`;
}

// An order's facts that only its contractor reads: the number of the last execution report the platform applied
// (its last sequence, A3 ordering — sent by its connector or by this app: the next one is numbered from it), in words
// its staff reads — « Dernier compte rendu d'exécution enregistré : n° 7 », « aucun » before the first; nothing for
// the client.
export function sequenceFacts(order, role) {
  const last = Number(order?.last_sequence ?? 0);
  return role === "contractor" ? [["Dernier compte rendu d'exécution enregistré", last > 0 ? `n° ${last}` : "aucun"]]
    : [];
}

// The form of app.js as a flat object of strings (names as in index.html) → the ExecutionReport
// body of submit_execution (docs/contracts), and the errors a person can fix before sending.
// offsetOf(localValue) gives the local offset of a datetime-local value (injected: testable).
export function buildExecutionReport(form, { managerId, orderId, sequence }, offsetOf) {
  const errors = [];
  const text = (name) => (form[name] ?? "").trim();
  const when = (name) => {
    const value = text(name);
    if (!value) return null;
    const local = parseFrenchDateTime(value);
    const iso = local ? localDateTimeToIso(local, offsetOf(local)) : null;
    if (!iso) {
      errors.push(clientError(`$.${name.replace("__", ".")}`, "INVALID_FORMAT",
        "Date et heure au format jj/mm/aaaa hh:mm."));
    }
    return iso;
  };
  const report = { manager_id: managerId, order_id: orderId, sequence, occurred_at: when("occurred_at"),
    event: { label: text("event_label") } };
  if (!report.occurred_at && !errors.length) {
    errors.push(clientError("$.occurred_at", "REQUIRED", "Indiquez la date et l'heure de l'événement."));
  }
  if (!report.event.label) {
    errors.push(clientError("$.event.label", "REQUIRED", "Indiquez le libellé de l'événement."));
  }
  if (text("event_code")) report.event.code = text("event_code");
  if (text("state")) report.state = text("state");
  if (text("reason")) report.reason = text("reason");
  if (text("progress")) {
    const progress = Number(text("progress"));
    if (!Number.isInteger(progress) || progress < 0 || progress > 100) {
      errors.push(clientError("$.progress", "OUT_OF_RANGE", "L'avancement est un entier de 0 à 100 %."));
    } else {
      report.progress = progress;
    }
  }
  const lead = { last_name: text("site_lead__last_name"), first_name: text("site_lead__first_name"),
    mobile: text("site_lead__mobile") };
  if (lead.last_name || lead.first_name || lead.mobile) report.site_lead = lead;
  for (const name of ["planned_start", "planned_end", "actual_start", "actual_end"]) {
    const iso = when(name);
    if (iso) report[name] = iso;
  }
  const appointmentStart = when("appointment__start");
  const appointmentEnd = when("appointment__end");
  if (appointmentStart || appointmentEnd) {
    report.appointment = { start: appointmentStart };
    if (appointmentEnd) report.appointment.end = appointmentEnd;
  }
  if (text("invoice_date")) {
    report.invoice_date = parseFrenchDate(text("invoice_date"));
    if (!report.invoice_date) {
      errors.push(clientError("$.invoice_date", "INVALID_FORMAT", "Date au format jj/mm/aaaa."));
    }
  }
  return { report, errors };
}

// Filters of the list → the query string of list_orders (empty values left out).
export function listQuery({ state, contractorId, managerId, nodeId, lateOnly, updatedSince, limit, cursor, orderId,
  search } = {}) {
  const params = new URLSearchParams();
  if (state) params.set("state", state);
  if (nodeId) params.set("node_id", nodeId);  // under this node of the manager's tree: a site (A7, A11)
  if (contractorId) params.set("contractor_id", contractorId);
  if (managerId) params.set("manager_id", managerId);
  if (lateOnly) params.set("late", "true");
  if (updatedSince) params.set("updated_since", updatedSince);
  if (limit) params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  if (orderId) params.set("order_id", orderId);  // one order's row (A11 real-time view)
  // A11 lists: the start of a reference or a word of the title (« Référence ou objet »): one list, no cursor
  if (search?.trim()) params.set("q", search.trim());
  return params.toString();
}

// What an empty orders list says (the dashboard, « Mes commandes », a beneficiary's « Commandes »): the reference
// or the search typed, else its filters as the cause, else what to do next for `role`.
export function emptyOrdersText(role, { orderId, search, state, contractorId, managerId, nodeId, lateOnly } = {}) {
  if (orderId) return `Aucune commande de référence « ${orderId} » avec ces filtres.`;
  if (search?.trim()) {
    return `Aucune commande dont la référence commence par « ${search.trim()} » ou dont l'objet contient un mot commençant ainsi, `
      + "avec ces filtres.";
  }
  if (state || contractorId || managerId || nodeId || lateOnly) return "Aucune commande avec ces filtres.";
  return {
    manager: "Aucune commande : créez-en une depuis « Nouvelle commande », ou envoyez-la par votre ERP.",
    contractor: "Aucune commande pour l'instant : les commandes que vos clients vous adressent s'affichent ici dès "
      + "leur réception.",
    beneficiary: "Aucune commande : celle d'une mission s'affiche ici une fois la mission cadrée depuis son besoin "
      + "(« Mes besoins »).",
  }[role] ?? "Aucune commande.";
}

// The next sequence of an execution report: one more than the last the platform applied.
export function nextSequence(order) {
  return (order?.last_sequence ?? 0) + 1;
}

// What the "schedule" column shows: the appointment, else the planned dates, else the requested ones, on the clock of
// `timeZone` (an order's screen: its territory's, B18; the lists: Paris's).
export function scheduleText(row, timeZone = "Europe/Paris") {
  const at = (iso) => formatDateTime(iso, timeZone);
  if (row.appointment?.start) {
    const end = row.appointment.end ? ` → ${at(row.appointment.end)}` : "";
    return `RDV ${at(row.appointment.start)}${end}`;
  }
  if (row.planned_start || row.planned_end) {
    return `Prévu ${at(row.planned_start)} → ${at(row.planned_end)}`;
  }
  if (row.requested_start || row.requested_end) {
    return `Souhaité ${at(row.requested_start)} → ${at(row.requested_end)}`;
  }
  return "—";
}

// A6 history, one event: its state, once when the event left it as it was (« en cours », not « en cours → en cours »:
// a progress point, a change of dates), else « avant → après ».
export function eventStateText(event) {
  const before = event?.state_before ?? null;
  const after = event?.state_after ?? null;
  return !before || before === after ? stateLabel(after) : `${stateLabel(before)} → ${stateLabel(after)}`;
}

// A6 history, one event: what its report carried besides its label and state — progress, planned dates or appointment,
// actual dates, site lead, invoice date, lines declared — on the clock of `timeZone` (the order's territory, B18), so
// that forty progress points read as a progression, not forty labels. « » when the report carried nothing else.
export function eventFacts(event, timeZone = "Europe/Paris") {
  const r = event?.report ?? {};
  const at = (iso) => formatDateTime(iso, timeZone);
  const facts = [];
  if (r.progress !== undefined && r.progress !== null) facts.push(`avancement ${r.progress} %`);
  if (r.appointment?.start) {
    facts.push(`rendez-vous ${at(r.appointment.start)}${r.appointment.end ? ` → ${at(r.appointment.end)}` : ""}`);
  }
  if (r.planned_start || r.planned_end) facts.push(`prévu ${at(r.planned_start)} → ${at(r.planned_end)}`);
  if (r.actual_start) facts.push(`début réel ${at(r.actual_start)}`);
  if (r.actual_end) facts.push(`fin réelle ${at(r.actual_end)}`);
  if (r.site_lead) facts.push(`pilote ${r.site_lead.first_name} ${r.site_lead.last_name}`);
  if (r.invoice_date) facts.push(`date de facture ${formatDateTime(r.invoice_date)}`);
  const lines = (r.line_statuses ?? []).map((l) => `${l.line_id} ${l.done ? "réalisée" : "non réalisée"}`);
  return [...facts, ...(lines.length ? [lines.join(", ")] : [])].join(" · ");
}

// Rows whose activity changed since the previous refresh (highlighted by the dashboard).
export function changedRows(previous, current) {
  const before = new Map((previous ?? []).map((row) => [`${row.manager_id}/${row.order_id}`, row.updated_at]));
  return new Set(current.filter((row) => before.size && before.get(`${row.manager_id}/${row.order_id}`) !== row.updated_at)
    .map((row) => `${row.manager_id}/${row.order_id}`));
}

// --- French dates, whatever the browser's locale --------------------------------------------
// The forms use plain text inputs with a French pattern (jj/mm/aaaa, jj/mm/aaaa hh:mm) instead of
// <input type="date">, whose display follows the browser's locale.

// What a list's "schedule" column shows for a row: its schedule on its own clock (rowClock).
export function rowScheduleText(row, date = new Date()) {
  const { zone, suffix } = rowClock(row, date);
  const text = scheduleText(row, zone);
  return text === "—" ? text : `${text}${suffix}`;
}

// --- execution as moves (next_moves of get_order) --------------------------------------------
// Each report field a requirement names → the inputs of the form that fill it.
const REQUIREMENT_INPUTS = {
  planned_start: ["planned_start", "planned_end"], planned_end: ["planned_start", "planned_end"],
  appointment: ["appointment__start", "appointment__end"], actual_start: ["actual_start"], actual_end: ["actual_end"],
  invoice_date: ["invoice_date"], reason: ["reason"],
};

// The inputs a move asks for: the event (label, date and time) always, then only what its unmet
// requirements name (get_order's next_moves, read from the state machine: the rule is not here).
// A move without a state (an event or progress only) asks for the event and the progress.
export function moveInputs(move) {
  const inputs = ["event_label", "occurred_at"];
  if (!move) return [...inputs, "progress"];
  const groups = [];
  for (const requirement of move.requires ?? []) {
    if (requirement.met) continue;
    const fields = requirement.inputs.flatMap((name) => REQUIREMENT_INPUTS[name] ?? [name]);
    groups.push({ label: requirement.label, any: requirement.inputs.length > 1, fields: [...new Set(fields)] });
    for (const field of fields) if (!inputs.includes(field)) inputs.push(field);
  }
  return inputs;
}

// The text of a move's button: "Passer à « planifié »".
export function moveLabel(move) {
  return move ? `Passer à « ${move.label ?? stateLabel(move.state)} »` : "Signaler un événement";
}

// A6 order execution data: the site lead (« pilote » — last name, first name, mobile), which no move requires but the
// client reads on the order. Asked, optional and prefilled with the order's, by « Signaler un événement » (to name or
// change it) and by the move to « planifié » while the order has none (planning is when the pilote is known); the
// other moves ask only for what they require.
export const SITE_LEAD_INPUTS = Object.freeze(["site_lead__last_name", "site_lead__first_name", "site_lead__mobile"]);

export function executionInputs(move, order) {
  const inputs = moveInputs(move);
  if (!move || (move.state === "scheduled" && !order?.site_lead)) inputs.push(...SITE_LEAD_INPUTS);
  return inputs;
}

// The site lead as the order shows it: « Léa Martin — 06 12 34 56 78 », its mobile as people write it (mobileText).
export function siteLeadText(lead) {
  if (!lead) return "—";
  const name = [lead.first_name, lead.last_name].filter(Boolean).join(" ");
  return lead.mobile ? `${name} — ${mobileText(lead.mobile)}` : name;
}

// A French mobile as the platform stores it (« +33612345678 », shared/domain/phone.py) read as people write it:
// « 06 12 34 56 78 ». Any other number as it is.
export function mobileText(mobile) {
  const national = /^\+33([67]\d{8})$/.exec(mobile ?? "")?.[1];
  const digits = national ? `0${national}` : /^0[67]\d{8}$/.test(mobile ?? "") ? mobile : null;
  return digits ? digits.match(/\d\d/g).join(" ") : mobile ?? "";
}

// The value each site-lead input starts with: the order's site lead, if any.
export function siteLeadValues(order) {
  const lead = order?.site_lead ?? {};
  return { site_lead__last_name: lead.last_name ?? "", site_lead__first_name: lead.first_name ?? "",
    site_lead__mobile: lead.mobile ?? "" };
}

// --- the client's decisions on an order (change_order_state) ---------------------------------------
// The manager — or the beneficiary on its mission's order — moves the order as get_order's next_moves allow it:
// reception and closing have their own forms (record_reception, « Clôturer »); the other moves (suspend, cancel,
// resume) are offered here, each with the reason its requirement asks for.
const CLIENT_OWN_FORMS = ["received", "closed"];

export function clientMoves(moves) {
  return (moves ?? []).filter((m) => !CLIENT_OWN_FORMS.includes(m.state));
}

export function clientMoveLabel(move, order) {
  if (move.state === "on_hold") return "Suspendre la commande";
  if (move.state === "cancelled") return "Annuler la commande";
  if (order?.state === "on_hold") return `Reprendre la commande (« ${move.label ?? stateLabel(move.state)} »)`;
  return moveLabel(move);
}

// Whether the move asks for a reason not given yet (its requirement names `reason`).
export function clientMoveNeedsReason(move) {
  return (move.requires ?? []).some((r) => !r.met && (r.inputs ?? []).includes("reason"));
}

// change_order_state's body, or the errors found before sending (a reason the move requires left empty).
export function clientDecisionBody(order, move, reason, occurredAt) {
  const text = (reason ?? "").trim();
  if (clientMoveNeedsReason(move) && !text) {
    return { body: null, errors: [clientError("$.reason", "REQUIRED", "Indiquez le motif de cette décision.")] };
  }
  return { body: { order_id: order.order_id, state: move.state, occurred_at: occurredAt, ...(text ? { reason: text } : {}) },
    errors: [] };
}

// The channel an event of the order's history came by (A3: the bus, the REST API — which the web application
// calls too —, or Chorus Pro's statuses), in French.
export const CHANNEL_LABELS = Object.freeze({ pubsub: "Pub/Sub", rest: "API REST ou application web",
  chorus_pro: "Chorus Pro" });

export function channelLabel(code) {
  if (!code) return "—";
  return CHANNEL_LABELS[code] ?? code;
}
