// Pure logic of the « Incidents » screen (B9, D8; web/incidents.mjs) and the deadlines the operator follows (D7, D8):
// labels, each incident's history, clocks and reporter, the phone report's body and its caller's territory. No rule
// computed here: IncidentView gives it. No DOM, no network — tested with `node --test tests/web/` (incidents.test.mjs…).
import {
  PARIS_ZONE, ROLE_LABELS, clientError, formatDateTime, localDateTimeToIso, offsetIn, orderZone, parseFrenchDateTime,
  territoryZone, utcOffsetText,
} from "./logic.mjs";
import { TERRITORIES } from "./territories.mjs";

// --- deadlines shown to the operator (D7, D8) --------------------------------------------------
// Seconds left → "reste 2 j 3 h", "reste 45 min", "en retard de 5 h".
export function timeLeftText(seconds) {
  const late = seconds < 0;
  let rest = Math.abs(Math.round(seconds));
  const days = Math.floor(rest / 86400); rest -= days * 86400;
  const hours = Math.floor(rest / 3600); rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const parts = days ? [`${days} j`, hours ? `${hours} h` : ""] : hours ? [`${hours} h`, minutes ? `${minutes} min` : ""]
    : [`${minutes} min`];
  const text = parts.filter(Boolean).join(" ");
  return late ? `en retard de ${text}` : `reste ${text}`;
}

export const D8_LABELS = Object.freeze({ running: "en cours", missed: "dépassé", met: "respecté", paused: "suspendu",
  cancelled: "annulé", stopped: "arrêté" });
export const INCIDENT_STATE_LABELS = Object.freeze({ reported: "signalé", acknowledged: "pris en compte",
  resolved: "résolu" });

// --- incidents (B9, D8): formatting what IncidentView gives, no rule computed here ------------------
// FOLLOW_UP_LABELS and FOLLOW_UP_CLOCK_LABELS of shared/domain/incidents.py (tests/unit/test_web_logic.py
// checks they are the same).
export const FOLLOW_UP_KIND_LABELS = Object.freeze({ follow_up: "suivi", workaround: "solution de contournement" });
export const FOLLOW_UP_CLOCK_LABELS = Object.freeze({ "24/7": "24 h/24, 7 j/7",
  working_hours: "heures ouvrées (9 h – 18 h, jours ouvrés)" });
export const WORKAROUND_NOTE = "Une solution de contournement n'interrompt aucun délai : le temps de résolution court "
  + "jusqu'à la résolution de l'incident.";
export const REPORTER_ROLE_OPTIONS = Object.freeze(["manager", "contractor", "beneficiary", "purchasing_body"]);

// The operator's step on an incident (acknowledge_incident's optional note, follow_up_incident's note,
// resolve_incident's resolution): its body, or — a required text left blank — the French error at its field,
// nothing sent (the platform's own answer to a blank text would be a generic « Longueur invalide »).
const INCIDENT_TEXT_REQUIRED = { note: "Indiquez le texte du suivi.", resolution: "Indiquez la résolution de l'incident." };
export function incidentStepBody(incidentId, name, text, { optional = false, extra = {} } = {}) {
  const value = String(text ?? "").trim();
  if (!value && !optional) {
    return { body: null, errors: [{ field: `$.${name}`, message: INCIDENT_TEXT_REQUIRED[name] ?? "Ce champ est obligatoire." }] };
  }
  return { body: { incident_id: incidentId, ...extra, ...(value ? { [name]: value } : {}) }, errors: [] };
}

// Hours (a float, as IncidentView's time_to_resolution_hours) → "45 min", "3 h", "27 h 05 min".
// Hours, not days: on the working-hours clock a day is not 24 hours.
export function hoursText(hours) {
  if (hours === null || hours === undefined || Number.isNaN(Number(hours))) return "—";
  const minutes = Math.max(0, Math.round(Number(hours) * 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${String(m).padStart(2, "0")} min` : `${h} h`;
}

// How the incident came in: "sur la plateforme", or the phone call with its time (the first report), on the
// incident's clock (B18: its time_zone, Paris's when the answer names none).
export function incidentChannelText(incident) {
  const at = formatDateTime(incident.reported_at, orderZone(incident));
  if (incident.channel === "phone") return `par téléphone — appel le ${at}`;
  return `sur la plateforme — le ${at}`;
}

// The follow-up clock and the time to resolution, as IncidentView gives them: which clock the
// severity runs on, and the hours from the first report until resolved (or until the list was read).
export function resolutionClockText(incident) {
  const clock = FOLLOW_UP_CLOCK_LABELS[incident.follow_up_clock] ?? incident.follow_up_clock ?? null;
  const resolved = incident.state === "resolved";
  const hours = resolved ? (incident.resolution_hours ?? incident.time_to_resolution_hours) : incident.time_to_resolution_hours;
  const lines = [];
  if (clock) lines.push(`Suivi ${clock}`);
  if (hours !== null && hours !== undefined) {
    lines.push(resolved ? `Résolu en ${hoursText(hours)} depuis le premier signalement`
      : `Ouvert depuis ${hoursText(hours)} (premier signalement)`);
  }
  if (incident.workaround_at) {
    lines.push(`Contournement le ${formatDateTime(incident.workaround_at, orderZone(incident))} : le délai de `
      + "résolution court toujours");
  }
  return lines;
}

// The incident's history, oldest first: the first report (the call, for a phone report), its
// written record, the first response, each follow-up and workaround, the resolution — each with its
// time, what happened, its author and its text.
// Who did what is told by role, never by account id: the reporter by its organisation and role (in the
// label), every later step by the operator, the only one who takes them. `account` keeps the uid for the
// operator's own screen (which colleague), not shown to the other roles.
// `named` false: the reporter is not named again (the incidents' row names it once, in its « Signalement » column).
export function incidentHistory(incident, people = {}, { named = true } = {}) {
  const who = incidentReporterText(incident);
  const operator = "l'opérateur";
  const entries = [];
  if (incident.channel === "phone") {
    entries.push({ at: incident.reported_at, kind: "call", label: named ? `Appel téléphonique de ${who}` : "Appel téléphonique", by: null,
      account: null, text: null });
    if (incident.recorded_at) {
      entries.push({ at: incident.recorded_at, kind: "recorded", label: "Signalement téléphonique saisi par écrit",
        by: operator, account: personText(people, incident.recorded_by), text: null });
    }
  } else {
    entries.push({ at: incident.reported_at, kind: "reported", label: named ? `Signalé par ${who}` : "Signalé sur la plateforme", by: null,
      account: personText(people, incident.reported_by), text: null });
  }
  if (incident.acknowledged_at) {
    entries.push({ at: incident.acknowledged_at, kind: "acknowledged", label: "Pris en compte (première réponse)",
      by: operator, account: personText(people, incident.acknowledged_by), text: incident.note ?? null });
  }
  for (const f of incident.follow_ups ?? []) {
    const label = FOLLOW_UP_KIND_LABELS[f.kind] ?? f.kind;
    entries.push({ at: f.at, kind: f.kind, label: label.charAt(0).toUpperCase() + label.slice(1)
      + (f.kind === "workaround" ? " (aucun délai interrompu)" : ""), by: operator, account: personText(people, f.by),
      text: f.note });
  }
  if (incident.resolved_at) {
    entries.push({ at: incident.resolved_at, kind: "resolved", label: "Résolu", by: operator,
      account: personText(people, incident.resolved_by), text: incident.resolution ?? null });
  }
  return entries.map((e, i) => ({ ...e, i })).sort((a, b) => (Date.parse(a.at) - Date.parse(b.at)) || a.i - b.i)
    .map(({ i, ...e }) => e);
}

// B1 parties: who reported an incident, « Rhône Habitat — mgr-rh (gestionnaire) » — the party's registered name
// (list_incidents' reporter_name) then its id, the id alone when the registry names none (or only repeats the id).
// `capital`: the role as a list's cell starts it, « (Gestionnaire) ».
export function incidentReporterText(incident, { capital = false } = {}) {
  const label = ROLE_LABELS[incident.reporter_role] ?? incident.reporter_role;
  const role = capital ? label : label.toLowerCase();
  const name = incident.reporter_name && incident.reporter_name !== incident.reporter_tenant ? incident.reporter_name : null;
  return name ? `${name} — ${incident.reporter_tenant} (${role})` : `${incident.reporter_tenant} (${role})`;
}

// B9 incidents: what an incident's row of the list says of who reported it and when — the reporter named once, in its
// « Signalement » cell (`reporter`, with the account beneath, `account`, unless by phone), the history's first step
// not naming it again (« gestionnaire » then « Gestionnaire » was the same party twice).
export function incidentRowView(incident, people = {}) {
  return { reporter: incidentReporterText(incident),
    account: incident.channel !== "phone" ? personText(people, incident.reported_by) : null,
    history: incidentHistory(incident, people, { named: false }) };
}

// B5 accounts: an account as people read it, « Léa Martin <lea.martin@x.fr> » (list_incidents' people), its uid only
// when the page names it not (an account since deleted, another party's); null without an account.
export function personText(people, uid) {
  if (!uid) return null;
  return people?.[uid] ?? uid;
}

// The operator's phone-report form (flat strings) → the ReportIncident body with its reporter
// (reported_for) and the time of the call (first_reported_at, local time with its UTC offset), and the errors a
// person can fix before sending. B18: the time is typed on the clock of the caller's territory (`territory`, sent
// too: where the incident's working hours count), Paris's when none is chosen; `offsetOf` (local → minutes east of
// UTC) may be injected for a test. The platform checks the rest (the call within the last week, the identifiers).
export function phoneReport(form, offsetOf = offsetIn(territoryZone(String(form.territory ?? "").trim()))) {
  const text = (name) => String(form[name] ?? "").trim();
  const errors = [];
  const local = parseFrenchDateTime(text("first_reported_at"));
  const at = local ? localDateTimeToIso(local, offsetOf(local)) : null;
  if (!at) {
    errors.push(clientError("$.first_reported_at", "INVALID_FORMAT", "Date et heure de l'appel au format jj/mm/aaaa hh:mm."));
  }
  const body = { severity: Number(text("severity")), title: text("title"), description: text("description"),
    reported_for: { tenant: text("reporter_tenant"), role: text("reporter_role") }, first_reported_at: at };
  for (const name of ["order_id", "need_id", "territory"]) if (text(name)) body[name] = text(name);
  return { body, errors };
}

// The territory the phone form proposes for a caller: its recorded one (list_parties' `territory`) when the
// platform knows it, else none.
export function callerTerritory(row) {
  return row?.territory && TERRITORIES[row.territory] ? row.territory : "";
}

// The hint of the call's time: on which clock it is typed, « Heure de la Martinique (UTC−4) » (at `date`).
export function callTimeHint(code, date = new Date()) {
  const t = TERRITORIES[code];
  const clock = t && t.time_zone !== PARIS_ZONE ? `${t.time_zone_label.replace(/^Heures/, "Heure")} `
    + `(${utcOffsetText(t.time_zone, date)})` : "Heure de Paris";
  return `${clock}, format jj/mm/aaaa hh:mm, dans les 7 derniers jours : les délais courent depuis l'appel`;
}
