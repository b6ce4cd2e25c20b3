// B12 replacement in the web app: the beneficiary's request read from its form (the dates each reason needs, what
// D5 or D6 means), the mission's replacement state and history, the operator's picker and proposal, and what the
// titulaire reads on the mission's order. Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  candidateChoices, candidateCountText, candidateRows, candidateSearchQuery, noticeEnds, noticeWarning,
  orderMissionProfessional, proposalRefusals, proposeReplacementBody, replacementDuePreview, replacementDueText, REPLACEMENT_HINTS, replacementRequestBody,
  replacementRows, replacementState,
} from "../../web/replacement_logic.mjs";

test("a departure needs its date and becomes replace_professional's request", () => {
  assert.deepEqual(replacementRequestBody({ missionId: "M-1", reason: "departure", departure: "15/06/2026" }),
    { body: { action: "request", mission_id: "M-1", reason: "departure", departure_date: "2026-06-15" }, errors: [] });
  const missing = replacementRequestBody({ missionId: "M-1", reason: "departure", departure: "" });
  assert.equal(missing.body, null);
  assert.deepEqual(missing.errors.map((e) => e.field), ["$.departure_date"]);
  assert.match(missing.errors[0].message, /jj\/mm\/aaaa/);
  assert.deepEqual(replacementRequestBody({ missionId: "M-1", reason: "departure", departure: "31/02/2026" }).errors
    .map((e) => e.field), ["$.departure_date"]);
});

test("a planned departure needs the day it was notified, not after the departure", () => {
  assert.deepEqual(replacementRequestBody({ missionId: "M-1", reason: "departure", departure: "30/06/2026", planned: true,
    notified: "01/06/2026" }).body, { action: "request", mission_id: "M-1", reason: "departure",
    departure_date: "2026-06-30", planned: true, notified_on: "2026-06-01" });
  const none = replacementRequestBody({ missionId: "M-1", reason: "departure", departure: "30/06/2026", planned: true });
  assert.deepEqual(none.errors.map((e) => e.field), ["$.notified_on"]);
  const late = replacementRequestBody({ missionId: "M-1", reason: "departure", departure: "30/06/2026", planned: true,
    notified: "01/07/2026" });
  assert.deepEqual(late.errors, [{ field: "$.notified_on", message: "La notification ne peut pas suivre le départ." }]);
});

test("an insufficiency takes no date; no reason is named, not sent", () => {
  assert.deepEqual(replacementRequestBody({ missionId: "M-1", reason: "insufficiency", departure: "garbage" }).body,
    { action: "request", mission_id: "M-1", reason: "insufficiency" });
  assert.deepEqual(replacementRequestBody({ missionId: "M-1", reason: "" }).errors.map((e) => e.field), ["$.reason"]);
});

test("the form says when a departure's replacement is due (D5: 14 calendar days) and what D6 counts", () => {
  assert.equal(replacementDuePreview({ reason: "departure", departure: "20/12/2026" }), "2027-01-03");
  assert.equal(replacementDuePreview({ reason: "departure", departure: "30/06/2026", planned: true,
    notified: "01/06/2026" }), "2026-06-15");
  assert.equal(replacementDuePreview({ reason: "insufficiency" }), null);
  assert.match(replacementDueText({ reason: "departure", departure: "20/12/2026" }), /^Remplaçant dû au plus tard le 03\/01\/2027 \(D5\)/);
  assert.match(replacementDueText({ reason: "departure", departure: "" }), /14 jours calendaires/);
  assert.match(replacementDueText({ reason: "insufficiency" }), /10 jours ouvrés .*\(D6\)/);
});

test("D6 is previewed with the day the platform plans (d6_preview), never one counted in the browser", () => {
  const d6 = { code: "D6", as_of: "2026-05-11T12:00:00Z", due: "2026-05-28", due_at: "2026-05-29T04:00:00Z",
    territory: "972" };
  const said = replacementDueText({ reason: "insufficiency" }, d6);
  assert.match(said, /^Remplaçant dû au plus tard le 28\/05\/2026 \(D6\) si la demande est enregistrée aujourd'hui/);
  assert.match(said, /calendrier de votre territoire/);
  // a departure keeps its D5 from the dates typed; a read without the preview says what D6 counts
  assert.match(replacementDueText({ reason: "departure", departure: "20/12/2026" }, d6), /03\/01\/2027 \(D5\)/);
  assert.equal(replacementDueText({ reason: "insufficiency" }, null), REPLACEMENT_HINTS.insufficiency);
});

const deadline = (code, due, met = null) => ({ code, due, met, started_at: "2026-06-01T08:00:00Z", unit: "days",
  calendar: "holidays:69" });

test("the mission says a replacement is awaited and by when; nothing while it is not", () => {
  const mission = { state: "replacement_requested", replacements: [{ reason: "insufficiency",
    requested_at: "2026-06-01T08:00:00Z", deadline: deadline("D6", "2026-06-15"), leaving_professional_id: "pro-1" }] };
  assert.deepEqual(replacementState(mission), { code: "D6", reason: "insuffisance", due: "2026-06-15",
    text: "Remplacement demandé (insuffisance) : remplaçant dû le 15/06/2026 (D6)." });
  assert.equal(replacementState({ ...mission, state: "ordered" }), null);
});

test("the history names each replacement, its notice and its outcome", () => {
  const rows = replacementRows([
    { reason: "departure", requested_at: "2026-06-01T08:00:00Z", departure_date: "2026-06-30", planned: true,
      notified_on: "2026-06-01", notice_label: "2 semaines", notice_respected: true, deadline: deadline("D5", "2026-06-15", true),
      leaving_professional_id: "pro-1", replaced_by: "pro-2", replaced_at: "2026-06-10T09:00:00Z" },
    { reason: "insufficiency", requested_at: "2026-07-01T08:00:00Z", deadline: deadline("D6", "2026-07-15"),
      leaving_professional_id: "pro-2" }], (id) => ({ "pro-1": "Anne", "pro-2": "Bruno" }[id] ?? id));
  assert.equal(rows[0].reason, "départ");
  assert.equal(rows[0].departure, "30/06/2026 (planifié, notifié le 01/06/2026, préavis 2 semaines respecté)");
  assert.equal(rows[0].leaving, "Anne");
  assert.equal(rows[0].due, "15/06/2026 (D5) — respecté");
  assert.match(rows[0].outcome, /^remplacé par Bruno le 10\/06\/2026/);
  assert.equal(rows[1].departure, "—");
  assert.equal(rows[1].outcome, "remplaçant attendu");
  assert.deepEqual(replacementRows(undefined), []);
});

test("the operator's search of the pool says its filters, the daily rate typed in euros", () => {
  const ids = { beneficiaryId: "ben-1", missionId: "M-1" };
  const { query, errors } = candidateSearchQuery({ ...ids, name: " Émilie ", skill: "recette", available: true,
    maxRate: "700,50" });
  assert.deepEqual(errors, []);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(query)), { view: "replacement_candidates",
    beneficiary_id: "ben-1", mission_id: "M-1", name: "Émilie", skill: "recette", available: "true",
    max_daily_rate_cents: "70050" });
  assert.deepEqual(Object.fromEntries(new URLSearchParams(candidateSearchQuery({ ...ids, available: false }).query)),
    { view: "replacement_candidates", beneficiary_id: "ben-1", mission_id: "M-1" });
  assert.deepEqual(candidateSearchQuery({ ...ids, maxRate: "sept cents" }), { query: null, errors: [
    { field: "$.max_daily_rate_cents", message: "TJM maximal en euros, par exemple 700 ou 700,50." }] });
});

test("each professional found says what the replacement rules say of it, the picker offers them all", () => {
  const list = { count: 2, matched: 5, truncated: true, first_day: "2026-05-04", end_date: "2026-06-30",
    candidates: [
      { professional_id: "pro-2", name: "Bruno", profile_category: "CHEF-PROJET", level: "senior",
        service_types: ["AMOA"], daily_rate_cents: 68000, skills: ["recette", "RGAA"], eligible: true, refusals: [] },
      { professional_id: "pro-3", name: "Émilie", profile_category: "CHEF-PROJET", level: "senior",
        service_types: ["AMOA", "AMOE"], daily_rate_cents: 69000, skills: [], eligible: false, refusals: [
          { field: "$.professional_id", code: "REPLACEMENT_RATE_MISMATCH",
            message: "Remplaçant refusé : TJM de 690,00 € au lieu de 680,00 € (mêmes conditions tarifaires exigées)." },
        ] }] };
  const rows = candidateRows(list);
  assert.deepEqual(rows.map((r) => [r.id, r.eligible, r.verdict]), [["pro-2", true, "Remplaçant possible"],
    ["pro-3", false, "Remplaçant refusé : TJM de 690,00 € au lieu de 680,00 € (mêmes conditions tarifaires exigées)."]]);
  assert.equal(rows[1].profile, "CHEF-PROJET, sénior, AMOA / AMOE");
  assert.deepEqual(candidateChoices(list).map((o) => [o.value, o.eligible]), [["pro-2", true], ["pro-3", false]]);
  assert.match(candidateChoices(list)[1].label, /^Émilie — 690,00\s€ — refusé$/);
  assert.equal(candidateCountText(list), "2 professionnels trouvés sur 5 : précisez la recherche pour voir les "
    + "autres ; disponibilité demandée du 04/05/2026 au 30/06/2026.");
  assert.equal(candidateCountText({ count: 0, candidates: [] }),
    "Aucun professionnel actif du vivier ne répond à ces critères.");
  assert.deepEqual(candidateChoices(undefined), []);
});

test("the proposal names the professional chosen, else the one typed, else says to choose", () => {
  const ids = { beneficiaryId: "ben-1", missionId: "M-1" };
  assert.deepEqual(proposeReplacementBody({ ...ids, chosen: "pro-2" }),
    { body: { action: "propose", beneficiary_id: "ben-1", mission_id: "M-1", professional_id: "pro-2" },
      used: "chosen", errors: [] });
  const typed = proposeReplacementBody({ ...ids, typed: " pro-9 " });
  assert.deepEqual([typed.body.professional_id, typed.used], ["pro-9", "typed"]);
  assert.deepEqual(proposeReplacementBody({ ...ids }).errors,
    [{ field: "$.professional_id", message: "Choisissez le remplaçant à proposer." }]);
});

test("B12: the list and the typed id are one choice: both filled is refused before sending, never one preferred", () => {
  const ids = { beneficiaryId: "ben-1", missionId: "M-1" };
  const both = proposeReplacementBody({ ...ids, chosen: "pro-2", typed: "pro-9" });
  assert.equal(both.body, null);
  assert.deepEqual(both.errors.map((e) => e.field), ["$.replacement_professional_id"]);
  assert.match(both.errors[0].message, /pas les deux/);
  // the same professional in both says one thing
  assert.equal(proposeReplacementBody({ ...ids, chosen: "pro-2", typed: "pro-2" }).body.professional_id, "pro-2");
});

test("B12: the platform's refusal of a typed id lands next to the typed field, of a listed one next to the list", () => {
  const refused = [{ field: "$.professional_id", code: "PROFESSIONAL_NOT_FOUND", message: "inconnu du vivier" },
    { field: "$.mission_id", code: "NO_REPLACEMENT_REQUESTED", message: "aucun remplacement demandé" }];
  assert.deepEqual(proposalRefusals(refused, "typed").map((e) => e.field),
    ["$.replacement_professional_id", "$.mission_id"]);
  assert.deepEqual(proposalRefusals(refused, "chosen"), refused);
  assert.deepEqual(proposalRefusals(undefined, "typed"), []);
});

test("B12: a planned departure sooner than the mission's notice is warned of before sending, as the platform counts it", () => {
  const month = { amount: 1, unit: "calendar_months", label: "1 mois (mission de plus de 3 mois)" };
  const twoWeeks = { amount: 14, unit: "calendar_days", label: "2 semaines (1 semaine par mois de mission commencé)" };
  const planned = { reason: "departure", planned: true, notified: "31/01/2026" };
  // a month from 31 January is 28 February (the last day of the shorter month), as add_months counts it
  assert.equal(noticeEnds("2026-01-31", month), "2026-02-28");
  assert.equal(noticeEnds("2026-06-01", twoWeeks), "2026-06-15");
  assert.match(noticeWarning({ ...planned, departure: "27/02/2026" }, month),
    /^Préavis trop court : .*1 mois \(mission de plus de 3 mois\).*le 28\/02\/2026 au plus tôt pour une notification le 31\/01\/2026/);
  assert.equal(noticeWarning({ ...planned, departure: "28/02/2026" }, month), null);
  assert.match(noticeWarning({ ...planned, notified: "01/06/2026", departure: "14/06/2026" }, twoWeeks), /15\/06\/2026/);
  assert.equal(noticeWarning({ ...planned, notified: "01/06/2026", departure: "15/06/2026" }, twoWeeks), null);
  // not planned, a date missing, no notice read, insufficiency: nothing to warn of
  assert.equal(noticeWarning({ ...planned, planned: false, departure: "01/02/2026" }, month), null);
  assert.equal(noticeWarning({ ...planned, departure: "" }, month), null);
  assert.equal(noticeWarning({ ...planned, departure: "01/02/2026" }, undefined), null);
  assert.equal(noticeWarning({ ...planned, reason: "insufficiency", departure: "01/02/2026" }, month), null);
});

test("the titulaire reads on the mission's order who does it now and each change", () => {
  assert.equal(orderMissionProfessional({ professional_id: "pro-1", replacement_requested: false, replacements: [] }),
    "pro-1");
  const open = { professional_id: "pro-1", replacement_requested: true, replacements: [{ reason: "departure",
    requested_at: "2026-06-01T08:00:00Z", leaving_professional_id: "pro-1", due: "2026-06-15", replaced_by: null }] };
  assert.equal(orderMissionProfessional(open), "pro-1 — remplacement demandé (départ), remplaçant dû le 15/06/2026");
  const done = { professional_id: "pro-2", replacement_requested: false, replacements: [{ ...open.replacements[0],
    replaced_by: "pro-2", replaced_at: "2026-06-10T09:00:00Z" }] };
  assert.match(orderMissionProfessional(done), /^pro-2 ; pro-2 a remplacé pro-1 le 10\/06\/2026/);
});
