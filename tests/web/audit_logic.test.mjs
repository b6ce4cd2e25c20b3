// The operator's « Journal d'audit » (B15 audit trail): get_audit_check's answer as the screen says it — nothing
// before the first check, every chain intact, or the altered chain with its link, record and date, and what to do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ALTERED_STEPS, auditSummary, chainRows, checkFacts, spaceLabel } from "../../web/audit_logic.mjs";

const NEVER = { status: "never_run", checked_at: null, seconds: null, spaces: 0, full: 0, incremental: 0, deferred: 0,
  heads_compared: 0, altered: 0, chains: [] };
const intact = (space, kind, party_id) => ({ space, kind, party_id, verdict: "intact", mode: null, altered_since: null,
  links: [], records: [], problems: [], problem_count: 0 });
const INTACT = { status: "intact", checked_at: "2026-03-09T02:30:00Z", seconds: 1.84, spaces: 3, full: 1, incremental: 2,
  deferred: 0, heads_compared: 6, altered: 0, chains: [intact("contractors/ctr-acme", "contractor", "ctr-acme"),
    intact("managers/mgr-rhone-habitat", "manager", "mgr-rhone-habitat"), intact("platform/registry", "platform", "registry")] };
const ALTERED = { ...INTACT, status: "altered", checked_at: "2026-03-16T14:30:00Z", altered: 1, chains: [
  { space: "managers/mgr-rhone-habitat", kind: "manager", party_id: "mgr-rhone-habitat", verdict: "altered", mode: "full",
    altered_since: "2026-03-16T02:30:00Z", links: [2], records: ["f80fa909a73a32d9"],
    problems: ["maillon 2 : enregistrement f80fa909a73a32d9 modifié"], problem_count: 3 },
  intact("contractors/ctr-acme", "contractor", "ctr-acme"),
  { ...intact("managers/mgr-volta", "manager", "mgr-volta"), verdict: "not_checked" }] };

test("before the first check, the screen says none ran and when the check passes; no figures, no rows", () => {
  const summary = auditSummary(NEVER);
  assert.equal(summary.tone, "none");
  assert.match(summary.title, /Aucune vérification/);
  assert.match(summary.detail, /3 h 30 et à 15 h 30/);
  assert.deepEqual(checkFacts(NEVER), []);
  assert.deepEqual(chainRows(NEVER), []);
  assert.equal(auditSummary(null).tone, "none");
});

test("every chain intact: the check's time in Paris, what it read, one row per space in the user's words", () => {
  const summary = auditSummary(INTACT);
  assert.equal(summary.tone, "intact");
  assert.equal(summary.title, "Tous les journaux sont intacts à la vérification du 09/03/2026 03:30.");
  assert.deepEqual(checkFacts(INTACT).slice(0, 3), [["Dernière vérification", "09/03/2026 03:30"], ["Durée", "1,8 s"],
    ["Espaces vérifiés", "3"]]);
  assert.deepEqual(chainRows(INTACT).map((r) => [r.space, r.verdict, r.since]), [
    ["Prestataire ctr-acme", "intact", "—"], ["Gestionnaire mgr-rhone-habitat", "intact", "—"],
    ["Plateforme (comptes, incidents, exports)", "intact", "—"]]);
});

test("an altered chain names its space, link, record and since when, and the steps to follow are given", () => {
  const summary = auditSummary(ALTERED);
  assert.equal(summary.tone, "altered");
  assert.equal(summary.title, "1 journal altéré à la vérification du 16/03/2026 15:30.");
  const [altered, ok, later] = chainRows(ALTERED);
  assert.deepEqual([altered.space, altered.verdict, altered.links, altered.records, altered.since, altered.altered], [
    "Gestionnaire mgr-rhone-habitat", "altéré", "maillon 2", "f80fa909a73a32d9", "16/03/2026 03:30", true]);
  assert.deepEqual(altered.problems, ["maillon 2 : enregistrement f80fa909a73a32d9 modifié"]);
  assert.equal(altered.more, "… et 2 autres");
  assert.deepEqual([ok.verdict, ok.altered, later.verdict], ["intact", false, "à vérifier au prochain passage"]);
  assert.ok(ALTERED_STEPS.some((s) => /Ne recalculez pas/.test(s)) && ALTERED_STEPS.some((s) => /docs\/runbook\.md/.test(s)));
});

test("several altered chains are counted in the plural; a deferred whole reading is told", () => {
  assert.match(auditSummary({ ...ALTERED, altered: 2 }).title, /^2 journaux altérés/);
  assert.match(auditSummary({ ...INTACT, deferred: 2 }).detail, /2 espaces n'ont pas pu être relus en entier/);
  assert.equal(spaceLabel({ kind: "beneficiary", party_id: "ben-metropole" }), "Bénéficiaire ben-metropole");
});
