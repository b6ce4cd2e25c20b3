// Pure logic of a mission's follow-up (B11) on its order and on the beneficiary's mission screen: the deliverables'
// rows, the titulaire's timesheet (days, days on site) and its rows, the frais-annexes line's follow-up. No DOM, no
// network — tested with `node --test tests/web/` (deliverables.test.mjs, timesheets.test.mjs, extra_costs.test.mjs).
import { formatEuros, isoToFrenchDate, parseFrenchDate } from "./logic.mjs";

// B11: a milestone's deliverables as the beneficiary's mission screen lists them: « attendu », or as its latest
// document stands (its download URL from get_documents, by document id): « remis », « accepté », « refusé ».
export function deliverableRows(followUp, downloads = {}) {
  return (followUp ?? []).map((d) => {
    const latest = d.documents?.length ? d.documents[d.documents.length - 1] : null;
    const status = { delivered: "remis", accepted: "accepté", refused: "refusé" }[d.status] ?? (d.delivered ? "remis" : "attendu");
    return { label: d.label, delivered: Boolean(d.delivered), status, count: d.documents?.length ?? 0,
      document: latest ? { id: latest.document_id, filename: latest.filename, uploadedAt: latest.uploaded_at,
        url: downloads[latest.document_id] ?? null } : null };
  });
}

// B11: the titulaire's timesheet on a mission's order. « dont jours sur site » follows the frais-annexes line:
// shown unless the mission is fully remote, required on a hybrid (mixed) one; absent elsewhere, the platform
// counts all the days on an on-site mission (docs/sourcing.md, Missions).
export function daysOnSiteField(mission) {
  const mode = mission?.work_mode ?? null;
  return { shown: mode !== "remote", required: mode === "mixed" };
}

const DAYS = /^\d{1,2}([.,]\d)?$/;

// The SubmitTimesheet body from the form's values, or the errors on its fields, in French (the platform checks
// the milestone's days, the frais-annexes line and the budget).
export function timesheetBody({ timesheetId = "", milestoneId = "", periodStart = "", periodEnd = "", days = "",
  daysOnSite = "", comment = "" }, order, mission) {
  const errors = [];
  const onSite = daysOnSiteField(mission);
  const number = (text) => Number(text.replace(",", "."));
  if (!timesheetId.trim()) errors.push({ field: "$.timesheet_id", message: "Indiquez la référence de la feuille de temps." });
  if (!milestoneId) errors.push({ field: "$.milestone_id", message: "Choisissez le jalon." });
  const start = parseFrenchDate(periodStart);
  const end = parseFrenchDate(periodEnd);
  if (!start) errors.push({ field: "$.period_start", message: "Début de la période : une date jj/mm/aaaa." });
  if (!end) errors.push({ field: "$.period_end", message: "Fin de la période : une date jj/mm/aaaa." });
  else if (start && end < start) errors.push({ field: "$.period_end", message: "La fin précède le début." });
  const daysText = days.trim();
  if (!DAYS.test(daysText) || number(daysText) <= 0 || number(daysText) > 31) {
    errors.push({ field: "$.days", message: "Jours travaillés : un nombre de 0,5 à 31, au dixième près." });
  }
  const onSiteText = onSite.shown ? daysOnSite.trim() : "";
  if (onSite.required && !onSiteText) {
    errors.push({ field: "$.days_on_site", message: "Mission en mode mixte : indiquez les jours passés sur site." });
  } else if (onSiteText && !DAYS.test(onSiteText)) {
    errors.push({ field: "$.days_on_site", message: "Jours sur site : un nombre de 0 à 31, au dixième près." });
  } else if (onSiteText && DAYS.test(daysText) && number(onSiteText) > number(daysText)) {
    errors.push({ field: "$.days_on_site", message: "Les jours sur site sont compris dans les jours travaillés." });
  }
  const body = { beneficiary_id: order?.manager_id, mission_id: mission?.mission_id, timesheet_id: timesheetId.trim(),
    milestone_id: milestoneId, period_start: start, period_end: end, days: daysText.replace(",", ".") };
  if (onSiteText) body.days_on_site = onSiteText.replace(",", ".");
  if (comment.trim()) body.comment = comment.trim();
  return { body, errors };
}

function formatDays(text) {
  const value = Number(text ?? 0);
  return `${String(value).replace(".", ",")} j`;
}

// B11: the titulaire's follow-up on its mission's order (get_order's ``mission``): per milestone the days planned,
// declared (of which on site) and left — what a timesheet may still declare on it.
export function milestoneDaysRows(mission) {
  return (mission?.milestones ?? []).map((m) => ({ milestoneId: m.milestone_id, label: `${m.label} (${m.milestone_id})`,
    planned: formatDays(m.days_planned), reported: formatDays(m.days_reported),
    onSite: formatDays(m.days_on_site_reported), remaining: formatDays(m.days_remaining) }));
}

// B11: the timesheets declared on the mission (get_order's ``mission.timesheets``, earliest period first), each as
// the titulaire's table shows it: its period in French dates, its milestone by name, its days and days on site.
export function timesheetRows(mission) {
  const names = new Map((mission?.milestones ?? []).map((m) => [m.milestone_id, `${m.label} (${m.milestone_id})`]));
  return (mission?.timesheets ?? []).map((t) => ({ timesheetId: t.timesheet_id,
    period: `du ${isoToFrenchDate(t.period_start)} au ${isoToFrenchDate(t.period_end)}`,
    milestone: names.get(t.milestone_id) ?? t.milestone_id, days: formatDays(t.days), onSite: formatDays(t.days_on_site),
    comment: t.comment ?? "" }));
}

// B11: the frais-annexes line on the beneficiary's mission screen (``extra_costs_follow_up`` of the mission view):
// label / value rows; none when the order has no such line (a fully remote mission).
export function extraCostsRows(followUp) {
  if (!followUp) return [];
  return [
    ["Frais annexes par jour sur site", formatEuros(followUp.unit_price_cents)],
    ["Jours prévus", formatDays(followUp.days_planned)],
    ["Jours sur site déclarés", `${formatDays(followUp.days_on_site_reported)} — ${formatEuros(followUp.amount_cents)}`],
    ["Reste", `${formatDays(followUp.remaining_days)} — ${formatEuros(followUp.remaining_cents)}`],
    ["Réceptionnée", followUp.received ? "oui" : "non"],
    ["Jours facturés", formatDays(followUp.days_invoiced)],
  ];
}
