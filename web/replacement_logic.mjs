// B12 replacement, pure logic of its screens (replacements.mjs): the beneficiary's request (reason, the dates
// each reason needs, what D5 or D6 means for it), the mission's replacement state and history, and the
// operator's search of the pool for an equivalent professional and its choice. No DOM, no fetch: tested by
// tests/web/replacements.test.mjs.
import {
  PARIS_ZONE, eurosToCents, formatDateTime, formatEuros, parseFrenchDate, plural, rowTimeText,
} from "./logic.mjs";
import { LEVEL_LABELS } from "./needs_logic.mjs";

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

// B12 notice: the first day a planned departure respects its notice, from the day it was notified (ISO days) and the
// mission's notice (get_sourcing?view=mission's `notice`: its length from the platform's notice table) — a length in
// calendar days added as such, a length in months the same day that many months later (the last day of a shorter
// month), as the platform counts it (shared/domain/deadlines.py add_months).
export function noticeEnds(notifiedIso, notice) {
  const [y, m, d] = notifiedIso.split("-").map(Number);
  if (notice.unit === "calendar_months") {
    const month = m - 1 + notice.amount;
    const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, month, Math.min(d, last))).toISOString().slice(0, 10);
  }
  return new Date(Date.UTC(y, m - 1, d + notice.amount)).toISOString().slice(0, 10);
}

// The warning the request form shows next to « Date du départ » before it is sent, when a planned departure comes
// sooner than its notice allows; null otherwise (not planned, a date not typed yet, or no notice read). The request
// is not refused: the platform records it with its notice « non respecté » (notice_respected), which this says.
export function noticeWarning({ reason, departure = "", planned = false, notified = "" }, notice) {
  if (reason !== "departure" || !planned || !notice?.amount) return null;
  const left = parseFrenchDate(departure);
  const told = parseFrenchDate(notified);
  if (!left || !told || told > left) return null;
  const earliest = noticeEnds(told, notice);
  if (left >= earliest) return null;
  return `Préavis trop court : un départ planifié sur cette mission demande un préavis de ${notice.label}, soit un `
    + `départ le ${formatDateTime(earliest)} au plus tôt pour une notification le ${formatDateTime(told)}. La demande `
    + "peut être envoyée : le préavis sera enregistré comme non respecté.";
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

// The operator's « Remplacements » row (AwaitingReplacement): when the replacement was requested, on the row's own
// clock (B18: its time_zone, the mission's), « (heure locale, UTC−4) » after an overseas one.
export function awaitingRequestedText(row, date = new Date()) {
  return `demandé le ${rowTimeText(row, row?.replacement?.requested_at, date)}`;
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

// The history of a mission's replacements, oldest first: one row of cells each. Its times (requested, replaced) on
// the mission's clock, `timeZone` (B18: MissionView's time_zone); its dates (departure, notice, due) as they are.
export function replacementRows(replacements, nameOf = (id) => id, timeZone = PARIS_ZONE) {
  return (replacements ?? []).map((r) => ({
    reason: REPLACEMENT_REASON_LABELS[r.reason] ?? r.reason,
    requestedAt: formatDateTime(r.requested_at, timeZone),
    departure: r.reason === "departure" ? `${formatDateTime(r.departure_date)}${r.planned ? ` (planifié, notifié le `
      + `${formatDateTime(r.notified_on)}${r.notice_label ? `, préavis ${r.notice_label}` : ""}`
      + `${r.notice_respected === false ? " non respecté" : r.notice_respected ? " respecté" : ""})` : ""}` : "—",
    leaving: nameOf(r.leaving_professional_id),
    due: deadlineText(r.deadline),
    outcome: r.replaced_by ? `remplacé par ${nameOf(r.replaced_by)} le ${formatDateTime(r.replaced_at, timeZone)}`
      : "remplaçant attendu",
  }));
}

// The operator's search of the whole pool (get_sourcing?view=replacement_candidates): name, skill, available over
// the mission's remaining period, daily rate at most (euros typed, « 700 » or « 700,50 »). The query, or the
// errors of the form (nothing sent).
export function candidateSearchQuery({ beneficiaryId, missionId, name = "", skill = "", available = true,
  maxRate = "" }) {
  const params = new URLSearchParams({ view: "replacement_candidates", beneficiary_id: beneficiaryId,
    mission_id: missionId });
  if (name.trim()) params.set("name", name.trim());
  if (skill.trim()) params.set("skill", skill.trim());
  if (available) params.set("available", "true");
  if (String(maxRate).trim()) {
    const cents = eurosToCents(maxRate);
    if (!cents) {
      return { query: null, errors: [{ field: "$.max_daily_rate_cents",
        message: "TJM maximal en euros, par exemple 700 ou 700,50." }] };
    }
    params.set("max_daily_rate_cents", String(cents));
  }
  return { query: params.toString(), errors: [] };
}

// What the replacement rules say of a professional found: « remplaçant possible », or each refusal in French.
export function candidateVerdict(candidate) {
  if (candidate.eligible) return "Remplaçant possible";
  return (candidate.refusals ?? []).map((r) => r.message || r.code).join(" ");
}

// The picker's options: every professional found, the mission's profile first as the platform ordered them, each
// with its daily rate and whether the replacement rules accept it.
export function candidateChoices(list) {
  return (list?.candidates ?? []).map((c) => ({ value: c.professional_id, eligible: !!c.eligible,
    label: `${c.name} — ${formatEuros(c.daily_rate_cents)} — ${c.eligible ? "remplaçant possible" : "refusé"}` }));
}

// The table of the professionals found, one row each: who, profile, rate, skills, the rules' verdict.
export function candidateRows(list) {
  return (list?.candidates ?? []).map((c) => ({
    id: c.professional_id, name: c.name, eligible: !!c.eligible,
    profile: `${c.profile_category}, ${LEVEL_LABELS[c.level] ?? c.level}, ${(c.service_types ?? []).join(" / ")}`,
    rate: formatEuros(c.daily_rate_cents), skills: (c.skills ?? []).slice(0, 4).join(", "),
    verdict: candidateVerdict(c),
  }));
}

// How many were found, said above the table (the platform answers at most `limit`).
export function candidateCountText(list) {
  const n = list?.count ?? 0;
  if (!n) return "Aucun professionnel actif du vivier ne répond à ces critères.";
  const found = plural(n, "professionnel trouvé", "professionnels trouvés");
  const period = list.first_day ? ` ; disponibilité demandée du ${formatDateTime(list.first_day)} au `
    + `${formatDateTime(list.end_date)}` : "";
  return list.truncated ? `${found} sur ${list.matched} : précisez la recherche pour voir les autres${period}.`
    : `${found}${period}.`;
}

// The body of replace_professional {action: "propose"}: one professional, either chosen in the list of those found
// or typed — one choice (the screen clears the other input as soon as one is used). Both filled reaches here only
// when the screen could not clear one: refused before sending rather than one silently preferred. `used` says which
// input the proposal came from, where the platform's refusal is shown (proposalRefusals).
export const PROPOSAL_PATHS = { chosen: "$.professional_id", typed: "$.replacement_professional_id" };

export function proposeReplacementBody({ beneficiaryId, missionId, chosen = "", typed = "" }) {
  const fromList = (chosen || "").trim();
  const fromTyped = (typed || "").trim();
  if (fromList && fromTyped && fromList !== fromTyped) {
    return { body: null, used: null, errors: [{ field: PROPOSAL_PATHS.typed, message: "Choisissez le remplaçant dans "
      + "la liste ou tapez son identifiant, pas les deux : videz l'un des deux champs." }] };
  }
  const used = fromList ? "chosen" : fromTyped ? "typed" : null;
  if (!used) {
    return { body: null, used, errors: [{ field: PROPOSAL_PATHS.chosen,
      message: "Choisissez le remplaçant à proposer." }] };
  }
  return { body: { action: "propose", beneficiary_id: beneficiaryId, mission_id: missionId,
    professional_id: fromList || fromTyped }, used, errors: [] };
}

// The platform's refusal of a proposal (its errors name $.professional_id: « inconnu du vivier », « doit être un autre
// professionnel », not equivalent…) placed next to the input the professional came from: the typed id's field when it
// was typed, the list otherwise.
export function proposalRefusals(errors, used) {
  if (used !== "typed") return errors ?? [];
  return (errors ?? []).map((e) => (e.field === PROPOSAL_PATHS.chosen ? { ...e, field: PROPOSAL_PATHS.typed } : e));
}

// What a mission's order (get_order's `mission`) says of its professional: who does it now, a replacement awaited
// (with its due day), and the changes so far — what the titulaire sees of a replacement; a change's time on the order's
// clock, `timeZone` (B18: the order screen's, orderZone). Each professional by name (`professional_names`, read by
// get_order from the pool's records), by id when its record is gone.
export function orderMissionProfessional(mission, timeZone = PARIS_ZONE) {
  const changes = mission?.replacements ?? [];
  const nameOf = (id) => mission?.professional_names?.[id] ?? id;
  const parts = [mission?.professional_id ? nameOf(mission.professional_id) : "—"];
  const open = mission?.replacement_requested ? changes.at(-1) : null;
  if (open) {
    parts.push(` — remplacement demandé (${REPLACEMENT_REASON_LABELS[open.reason] ?? open.reason}), remplaçant dû le `
      + `${formatDateTime(open.due)}`);
  }
  for (const c of changes.filter((change) => change.replaced_by)) {
    parts.push(` ; ${nameOf(c.replaced_by)} a remplacé ${nameOf(c.leaving_professional_id)} le ${formatDateTime(c.replaced_at,
      timeZone)}`);
  }
  return parts.join("");
}
