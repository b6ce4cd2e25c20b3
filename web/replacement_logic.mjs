// B12 replacement, pure logic of its screens (replacements.mjs): the beneficiary's request (reason, the dates
// each reason needs, what D5 or D6 means for it), the mission's replacement state and history, and the
// operator's choice of an equivalent professional. No DOM, no fetch: tested by tests/web/replacements.test.mjs.
import { formatDateTime, formatEuros, parseFrenchDate } from "./logic.mjs";

export const REPLACEMENT_REASON_LABELS = { departure: "départ", insufficiency: "insuffisance" };

// What each reason's deadline means, said before the request is sent (the exact day comes back with it).
export const REPLACEMENT_HINTS = {
  departure: "Départ : le remplaçant est dû sous 14 jours calendaires à compter du départ, ou de sa notification "
    + "si le départ est planifié (D5). Un départ planifié respecte un préavis selon la durée de la mission : "
    + "moins d'un mois, 3 jours ; 1 à 3 mois, 1 semaine par mois ; plus de 3 mois, 1 mois.",
  insufficiency: "Insuffisance : le remplaçant est dû sous 10 jours ouvrés à compter de cette demande (D6), "
    + "comptés sur le calendrier de votre territoire.",
};

const D5_CALENDAR_DAYS = 14;

function addDays(isoDay, days) {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// The replacement's last day as the form's dates give it: a departure's D5 counts 14 calendar days from the
// departure, or its notification when planned; an insufficiency's D6 counts working days on the territory's
// calendar, so its day is the platform's (d6_preview, replacementDueText), null here. The recorded day prevails.
export function replacementDuePreview({ reason, departure = "", planned = false, notified = "" }) {
  if (reason !== "departure") return null;
  const from = parseFrenchDate(planned ? notified : departure);
  return from ? addDays(from, D5_CALENDAR_DAYS) : null;
}

// `d6`: get_sourcing?view=mission's d6_preview — D6 as the platform would plan it for a request recorded now (its
// working days on the beneficiary's territory calendar, its agreement's terms): its day is read, never computed here.
export function replacementDueText(values, d6 = null) {
  const due = replacementDuePreview(values);
  if (values.reason !== "departure") {
    return d6?.due ? `Remplaçant dû au plus tard le ${formatDateTime(d6.due)} (D6) si la demande est enregistrée `
      + "aujourd'hui : 10 jours ouvrés comptés sur le calendrier de votre territoire ; la date retenue s'affiche une "
      + "fois la demande enregistrée." : REPLACEMENT_HINTS.insufficiency;
  }
  return due ? `Remplaçant dû au plus tard le ${formatDateTime(due)} (D5), sauf convention plus courte : la date `
    + "retenue s'affiche une fois la demande enregistrée." : REPLACEMENT_HINTS.departure;
}

// The body of replace_professional {action: "request"}, or the errors of the form (nothing sent): a departure
// needs its date; a planned one the date it was notified, not after the departure.
export function replacementRequestBody({ missionId, reason, departure = "", planned = false, notified = "" }) {
  const errors = [];
  if (!REPLACEMENT_REASON_LABELS[reason]) {
    errors.push({ field: "$.reason", message: "Choisissez le motif : départ ou insuffisance." });
    return { body: null, errors };
  }
  const body = { action: "request", mission_id: missionId, reason };
  if (reason === "departure") {
    const left = parseFrenchDate(departure);
    if (!left) errors.push({ field: "$.departure_date", message: "Date du départ au format jj/mm/aaaa." });
    else body.departure_date = left;
    if (planned) {
      const told = parseFrenchDate(notified);
      if (!told) errors.push({ field: "$.notified_on", message: "Date de la notification au format jj/mm/aaaa." });
      else if (left && told > left) {
        errors.push({ field: "$.notified_on", message: "La notification ne peut pas suivre le départ." });
      } else {
        body.planned = true;
        body.notified_on = told;
      }
    }
  }
  return errors.length ? { body: null, errors } : { body, errors };
}

// The mission's replacement state, as its screen says it: null while nobody is being replaced.
export function replacementState(mission) {
  if (mission?.state !== "replacement_requested") return null;
  const open = (mission.replacements ?? []).at(-1);
  if (!open) return null;
  const code = open.reason === "departure" ? "D5" : "D6";
  return { code, reason: REPLACEMENT_REASON_LABELS[open.reason] ?? open.reason, due: open.deadline?.due ?? null,
    text: `Remplacement demandé (${REPLACEMENT_REASON_LABELS[open.reason] ?? open.reason}) : remplaçant dû le `
      + `${formatDateTime(open.deadline?.due)} (${code}).` };
}

function deadlineText(deadline) {
  if (!deadline) return "—";
  const kept = deadline.met === true ? " — respecté" : deadline.met === false ? " — dépassé" : "";
  return `${formatDateTime(deadline.due)} (${deadline.code})${kept}`;
}

// The history of a mission's replacements, oldest first: one row of cells each.
export function replacementRows(replacements, nameOf = (id) => id) {
  return (replacements ?? []).map((r) => ({
    reason: REPLACEMENT_REASON_LABELS[r.reason] ?? r.reason,
    requestedAt: formatDateTime(r.requested_at),
    departure: r.reason === "departure" ? `${formatDateTime(r.departure_date)}${r.planned ? ` (planifié, notifié le `
      + `${formatDateTime(r.notified_on)}${r.notice_label ? `, préavis ${r.notice_label}` : ""}`
      + `${r.notice_respected === false ? " non respecté" : r.notice_respected ? " respecté" : ""})` : ""}` : "—",
    leaving: nameOf(r.leaving_professional_id),
    due: deadlineText(r.deadline),
    outcome: r.replaced_by ? `remplacé par ${nameOf(r.replaced_by)} le ${formatDateTime(r.replaced_at)}`
      : "remplaçant attendu",
  }));
}

// The operator's picker: the professionals ranked for the mission's need, the one leaving left out, each
// saying whether its daily rate is the mission's (B12: same rates; the platform checks everything else too).
export function candidateOptions(candidates, mission) {
  return (candidates ?? []).filter((c) => c.professional_id !== mission.professional_id).map((c) => {
    const same = c.daily_rate_cents === mission.daily_rate_cents;
    return { value: c.professional_id, sameRate: same,
      label: `${c.name} — ${formatEuros(c.daily_rate_cents)}${same ? "" : ` (TJM différent de ${formatEuros(
        mission.daily_rate_cents)})`}` };
  });
}

// The body of replace_professional {action: "propose"}: the professional ticked in the list, else the id typed.
export function proposeReplacementBody({ beneficiaryId, missionId, chosen = "", typed = "" }) {
  const professionalId = (chosen || typed || "").trim();
  if (!professionalId) {
    return { body: null, errors: [{ field: "$.professional_id", message: "Choisissez le remplaçant à proposer." }] };
  }
  return { body: { action: "propose", beneficiary_id: beneficiaryId, mission_id: missionId,
    professional_id: professionalId }, errors: [] };
}

// What a mission's order (get_order's `mission`) says of its professional: who does it now, a replacement awaited
// (with its due day), and the changes so far — what the titulaire sees of a replacement.
export function orderMissionProfessional(mission) {
  const changes = mission?.replacements ?? [];
  const parts = [mission?.professional_id ?? "—"];
  const open = mission?.replacement_requested ? changes.at(-1) : null;
  if (open) {
    parts.push(` — remplacement demandé (${REPLACEMENT_REASON_LABELS[open.reason] ?? open.reason}), remplaçant dû le `
      + `${formatDateTime(open.due)}`);
  }
  for (const c of changes.filter((change) => change.replaced_by)) {
    parts.push(` ; ${c.replaced_by} a remplacé ${c.leaving_professional_id} le ${formatDateTime(c.replaced_at)}`);
  }
  return parts.join("");
}
