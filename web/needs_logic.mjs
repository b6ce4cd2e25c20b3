// Pure logic of the beneficiary's need and framing forms (B2 needs, B3 ranking, B11 missions, B13 framing;
// web/sourcing.mjs): the labels of a need, its content from the form and back, the framing's body with its milestones
// and their deliverables, the platform's error paths placed on their fields. No DOM, no network — tested with
// `node --test tests/web/` (sourcing_forms.test.mjs, logic_screens.test.mjs).
import { clientError, eurosToCents, fieldOf, isoToFrenchDate, parseFrenchDate } from "./logic.mjs";

// --- sourcing ----------------------------------------------------------------------------------
export const NEED_STATUS_LABELS = Object.freeze({ acknowledged: "accusé de réception", scored: "résultats calculés",
  proposed: "professionnels proposés", accepted: "proposition acceptée", abandoned: "recherche abandonnée",
  mission_framed: "mission cadrée" });
export const LEVEL_LABELS = Object.freeze({ junior: "junior", confirme: "confirmé", senior: "sénior",
  expert: "expert" });
export const WORK_MODE_LABELS = Object.freeze({ on_site: "sur site", remote: "à distance", mixed: "mixte" });
// The criteria of the ranking (DEFAULT_WEIGHTS in shared/domain/sourcing/scoring.py) and its filters.
export const CRITERIA_LABELS = Object.freeze({ text: "adéquation du texte", availability: "disponibilité",
  level: "niveau", experience: "expérience", rate: "tarif", location: "localisation",
  public_sector: "secteur public", certifications: "certifications", rating: "avis",
  service_type: "type de prestation", budget: "budget", place: "lieu" });

function splitList(text) {
  return String(text ?? "").split(/\n|;/).map((s) => s.trim()).filter(Boolean);
}

// The need form (flat strings) → SubmitNeed content, with the errors a person can fix first.
export function buildNeedContent(form) {
  const errors = [];
  const text = (name) => String(form[name] ?? "").trim();
  const date = (name) => {
    const iso = parseFrenchDate(text(name));
    if (!iso) errors.push(clientError(`$.content.${name}`, "INVALID_FORMAT", "Date au format jj/mm/aaaa."));
    return iso;
  };
  const integer = (name, min, max) => {
    const n = Number(text(name));
    if (!Number.isInteger(n) || n < min || n > max || text(name) === "") {
      errors.push(clientError(`$.content.${name}`, "OUT_OF_RANGE", `Un entier de ${min} à ${max}.`));
    }
    return n;
  };
  for (const name of ["title", "summary"]) {
    if (!text(name)) errors.push(clientError(`$.content.${name}`, "REQUIRED", "Champ obligatoire."));
  }
  const ceiling = eurosToCents(text("daily_rate_ceiling"));
  if (ceiling === null || ceiling <= 0) {
    errors.push(clientError("$.content.daily_rate_ceiling_cents", "INVALID_FORMAT", "Plafond du TJM en euros, par exemple 650."));
  }
  const content = { title: text("title"), nature: text("nature"), summary: text("summary"),
    prerequisites: text("prerequisites"), skills: splitList(form.skills),
    min_years_of_experience: integer("min_years_of_experience", 0, 40), expected_profile: text("expected_profile"),
    level: text("level"), certifications: splitList(form.certifications),
    public_sector_required: form.public_sector_required === "on" || form.public_sector_required === true,
    context: text("context"), start_date: date("start_date"), duration_days: integer("duration_days", 1, 1000),
    end_date: date("end_date"), region: text("region"), work_mode: text("work_mode"),
    deliverables: splitList(form.deliverables), daily_rate_ceiling_cents: ceiling,
    other_information: text("other_information") };
  if (content.start_date && content.end_date && content.end_date < content.start_date) {  // NeedContent's INVALID_PERIOD
    errors.push(clientError("$.content.end_date", "INVALID_PERIOD", `La fin (${isoToFrenchDate(content.end_date)}) `
      + `précède le début (${isoToFrenchDate(content.start_date)}).`));
  }
  return { content, errors };
}

// A SubmitNeed content → the flat strings of the need form (to relaunch with the content edited).
export function needFormValues(content) {
  if (!content) return {};
  return { ...content, skills: (content.skills ?? []).join("\n"), certifications: (content.certifications ?? []).join("\n"),
    deliverables: (content.deliverables ?? []).join("\n"), start_date: isoToFrenchDate(content.start_date),
    end_date: isoToFrenchDate(content.end_date), duration_days: String(content.duration_days ?? ""),
    min_years_of_experience: String(content.min_years_of_experience ?? ""),
    daily_rate_ceiling: content.daily_rate_ceiling_cents ? String(content.daily_rate_ceiling_cents / 100).replace(".", ",") : "" };
}

// Framing a mission (B13, B11): the form's text → frame_mission's body, or the errors of what was typed (nothing sent).
// Milestones are one a line, « libellé ; jours ; jj/mm/aaaa »: a whole number of days, at least 1 (an empty or
// decimal count is named here, not sent as 0). `milestoneDeliverables`: each milestone's deliverables box, by the
// milestone's line (one deliverable a line, B11). `today` is the Paris date of the declaration's signature.
export function frameBody({ needId, start = "", end = "", deliverables = "", milestones = "", milestoneDeliverables = [],
  signedBy = "", statement = "", today }) {
  const errors = [];
  const startDate = parseFrenchDate(start);
  const endDate = parseFrenchDate(end);
  if (!startDate) errors.push({ field: "$.start_date", message: "Date au format jj/mm/aaaa." });
  if (!endDate) errors.push({ field: "$.end_date", message: "Date au format jj/mm/aaaa." });
  if (startDate && endDate && endDate < startDate) {
    errors.push({ field: "$.end_date", message: "La fin précède le début de la mission." });
  }
  const items = deliverableLines(deliverables);
  if (!items.length) errors.push({ field: "$.deliverables", message: "Indiquez au moins un livrable." });
  errors.push(...deliverableListErrors(items, { field: "$.deliverables", max: FRAME_LIMITS.missionDeliverables,
    whose: "la mission" }));
  const lines = milestones.split("\n").map((line) => line.trim()).filter(Boolean);
  if (!lines.length) errors.push({ field: "$.milestones", message: "Indiquez au moins un jalon : « libellé ; jours ; jj/mm/aaaa »." });
  const steps = lines.map((line, i) => {
    const [label = "", days = "", due = ""] = line.split(";").map((part) => part.trim());
    const count = /^\d+$/.test(days) ? Number(days) : NaN;
    const iso = parseFrenchDate(due);
    const problems = [];
    if (!label) problems.push("libellé manquant");
    if (!(count >= 1)) problems.push(`nombre de jours entier d'au moins 1 attendu${days ? ` (« ${days} »)` : ""}`);
    if (!iso) problems.push(`échéance au format jj/mm/aaaa attendue${due ? ` (« ${due} »)` : ""}`);
    if (problems.length) {
      errors.push({ field: "$.milestones", message: `Jalon ${i + 1} : ${problems.join(", ")} — « libellé ; jours ; jj/mm/aaaa ».` });
    }
    const own = deliverableLines(milestoneDeliverables[i] ?? "");
    errors.push(...deliverableListErrors(own, { field: `$.milestones[${i}].deliverables`,
      max: FRAME_LIMITS.milestoneDeliverables, whose: `le jalon ${i + 1}` }));
    return { milestone_id: `J${i + 1}`, label, days: count, due: iso, deliverables: own };
  });
  if (errors.length) return { body: null, errors };
  const signer = signedBy.trim();
  return { errors, body: { need_id: needId, start_date: startDate, end_date: endDate, deliverables: items, milestones: steps,
    ...(signer ? { conflict_declaration: { no_conflict: true, signed_by: signer, signed_on: today,
      statement: statement.trim() } } : {}) } };
}

// What frame_mission accepts (FrameMission, MilestoneInput): each deliverable 1 to 200 characters, 50 for the
// mission, 20 for a milestone.
export const FRAME_LIMITS = Object.freeze({ label: 200, missionDeliverables: 50, milestoneDeliverables: 20 });

// A deliverables box, one a line → its deliverables, each once (a line repeated names the same deliverable).
function deliverableLines(text) {
  return [...new Set(String(text ?? "").split("\n").map((line) => line.trim()).filter(Boolean))];
}

function deliverableListErrors(items, { field, max, whose }) {
  const errors = items.filter((item) => item.length > FRAME_LIMITS.label).map((item) => ({ field,
    message: `Livrable trop long (${FRAME_LIMITS.label} caractères au plus, ${item.length} saisis) : « ${item.slice(0, 40)}… ».` }));
  if (items.length > max) errors.push({ field, message: `${max} livrables au plus pour ${whose} (${items.length} saisis).` });
  return errors;
}

// B11: the framing form's milestones as typed, one a line → the id and label of each, for its deliverables box.
export function frameMilestones(text = "") {
  return String(text ?? "").split("\n").map((line) => line.trim()).filter(Boolean)
    .map((line, i) => ({ milestoneId: `J${i + 1}`, label: line.split(";")[0].trim() }));
}

// B11: the deliverables box of a milestone that appears on the framing form starts with the mission's deliverables
// (prefilled from the need) that no milestone before it names: with one milestone, all of them; the beneficiary
// moves each to the milestone that delivers it.
export function milestoneDeliverablesPrefill(missionDeliverables = "", earlier = []) {
  const named = new Set(earlier.flatMap((text) => deliverableLines(text)));
  return deliverableLines(missionDeliverables).filter((item) => !named.has(item)).join("\n");
}

// The framing form prefilled from the need's current version: its dates and deliverables (B2 → B13).
export function frameFormValues(content) {
  if (!content) return {};
  return { start_date: isoToFrenchDate(content.start_date), end_date: isoToFrenchDate(content.end_date),
    deliverables: (content.deliverables ?? []).join("\n") };
}

// The need form's error paths ($.content.title) → its inputs (title).
export function needField(path) {
  const bare = fieldOf(path);
  return bare.replace(/^content\./, "").replace(/_cents$/, "").replace(/^daily_rate_ceiling$/, "daily_rate_ceiling");
}
