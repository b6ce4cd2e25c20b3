// Pure logic of the role screens (web/logic.mjs): French dates, execution moves, quotes, penalties,
// deadlines, needs and charts. Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  attemptKey, keepsAttemptKey, eurosToCents, isoToFrenchDate, parseFrenchDate, parseFrenchDateTime,
} from "../../web/logic.mjs";
import { barChart, barRows, monthPoints, niceTicks, revenuePoints } from "../../web/report_logic.mjs";
import { buildNeedContent, needField, needFormValues } from "../../web/needs_logic.mjs";
import { timeLeftText } from "../../web/incidents_logic.mjs";
import {
  beneficiaryOutcome, beneficiaryRegistration, contractorRegistration, deactivationOutcome,
  machineIdentityRegistration, managerRegistration, purchasingBodyRegistration, registrationOutcome,
  splitIdentifiers,
} from "../../web/onboarding_logic.mjs";
import { allBeneficiaries, beneficiaryListFailure, beneficiaryOptions, chosenBeneficiaryText }
  from "../../web/parties_logic.mjs";
import { agreementTermsView, penaltyTermsText, termsVersionsView } from "../../web/terms_logic.mjs";
import { parseMonth } from "../../web/penalties_logic.mjs";
import { buildQuoteLines, compareVersions, versionColumnLabel } from "../../web/quotes_logic.mjs";
import { buildExecutionReport, moveInputs, moveLabel } from "../../web/orders_logic.mjs";

test("French dates are read the same whatever the browser's locale", () => {
  assert.equal(parseFrenchDate("05/03/2026"), "2026-03-05");
  assert.equal(parseFrenchDate("5/3/2026"), "2026-03-05");
  assert.equal(parseFrenchDate("2026-03-05"), "2026-03-05");
  assert.equal(parseFrenchDate("31/02/2026"), null);
  assert.equal(parseFrenchDate("03-05-2026"), null);
  assert.equal(parseFrenchDateTime("05/03/2026 09:30"), "2026-03-05T09:30");
  assert.equal(parseFrenchDateTime("05/03/2026 9h30"), "2026-03-05T09:30");
  assert.equal(parseFrenchDateTime("05/03/2026 24:00"), null);
  assert.equal(parseFrenchDateTime("05/03/2026"), null);
  assert.equal(isoToFrenchDate("2026-03-05"), "05/03/2026");
  assert.equal(parseMonth("04/2026"), "2026-04");
  assert.equal(parseMonth("13/2026"), null);
});

test("the execution report reads French date-times and reports a bad one on its field", () => {
  const order = { managerId: "m", orderId: "o", sequence: 2 };
  const { report } = buildExecutionReport({ event_label: "Démarrage", occurred_at: "05/03/2026 09:30",
    state: "in_progress", actual_start: "05/03/2026 08:00" }, order, () => 60);
  assert.equal(report.occurred_at, "2026-03-05T09:30:00+01:00");
  assert.equal(report.actual_start, "2026-03-05T08:00:00+01:00");
  const bad = buildExecutionReport({ event_label: "x", occurred_at: "05/03/2026 09:30", invoice_date: "32/01/2026",
    planned_start: "demain" }, order, () => 60);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ["$.invoice_date", "$.planned_start"]);
});

test("a move asks only for what its unmet requirements name, read from next_moves", () => {
  const schedule = { state: "scheduled", label: "planifié", requires: [{ field: "$.planned_start",
    label: "des dates prévues ou un rendez-vous", inputs: ["planned_start", "planned_end", "appointment"], met: false }] };
  assert.deepEqual(moveInputs(schedule), ["event_label", "occurred_at", "planned_start", "planned_end",
    "appointment__start", "appointment__end"]);
  const start = { state: "in_progress", label: "en cours", requires: [{ field: "$.actual_start", label: "…",
    inputs: ["actual_start"], met: false }] };
  assert.deepEqual(moveInputs(start), ["event_label", "occurred_at", "actual_start"]);
  // a requirement the order already meets is not asked again
  assert.deepEqual(moveInputs({ ...start, requires: [{ ...start.requires[0], met: true }] }), ["event_label", "occurred_at"]);
  assert.deepEqual(moveInputs({ state: "on_hold", label: "suspendu", requires: [{ field: "$.reason", label: "un motif",
    inputs: ["reason"], met: false }] }), ["event_label", "occurred_at", "reason"]);
  // no move: an event, with the progress
  assert.deepEqual(moveInputs(null), ["event_label", "occurred_at", "progress"]);
  assert.equal(moveLabel(start), "Passer à « en cours »");
  assert.equal(moveLabel(null), "Signaler un événement");
});

test("quote versions are compared line by line with their totals and the last change", () => {
  const v1 = { version: 1, lines: [{ service_code: "A", label: "Colonne", quantity: "5", unit_price_cents: 68000 },
    { service_code: "B", label: "Déplacement", quantity: "1", unit_price_cents: 4500 }] };
  const v2 = { version: 2, lines: [{ service_code: "A", label: "Colonne", quantity: "4", unit_price_cents: 68000 },
    { service_code: "C", label: "Fuite", quantity: "1", unit_price_cents: 12500 }] };
  const cmp = compareVersions([v1, v2]);
  assert.deepEqual(cmp.rows.map((r) => r.key), ["A", "B", "C"]);
  assert.equal(cmp.rows[1].cells[1], null);
  assert.deepEqual(cmp.totals, [344500, 284500]);
  assert.equal(cmp.delta, -60000);
  // each cell reads in French with its unit: « 2,5 j × 690,00 € », never « 2.5 × 690,00 € »
  const decimal = compareVersions([{ version: 1, lines: [{ service_code: "AUDIT", label: "Audit", quantity: "2.5",
    unit: "j", unit_price_cents: 69000 }] }]);
  assert.equal(decimal.rows[0].cells[0].text, "2,5 j × 690,00\u00a0€ = 1\u202f725,00\u00a0€");
  assert.equal(cmp.rows[0].cells[0].text, "5 × 680,00\u00a0€ = 3\u202f400,00\u00a0€");
});

test("quote lines are built from the form with their errors at $.lines[i].field", () => {
  assert.equal(eurosToCents("1 234,56 €"), 123456);
  assert.equal(eurosToCents("12,345"), null);
  const { lines, errors } = buildQuoteLines([
    { service_code: "A", label: "Colonne", quantity: "2,5", unit: "", unit_price: "680" },
    { service_code: "", label: "", quantity: "", unit_price: "" },
    { service_code: "B", label: "", quantity: "0", unit_price: "abc" }]);
  assert.deepEqual(lines[0], { line_id: "1", service_code: "A", label: "Colonne", quantity: "2.5", unit: "U",
    unit_price_cents: 68000 });
  assert.deepEqual(errors.map((e) => e.field), ["$.lines[1].label", "$.lines[1].quantity", "$.lines[1].unit_price_cents"]);
  assert.deepEqual(buildQuoteLines([{}]).errors.map((e) => e.field), ["$.lines"]);
});

test("time left on D7 and D8 reads in French, overdue included", () => {
  assert.equal(timeLeftText(2 * 86400 + 3 * 3600 + 59), "reste 2 j 3 h");
  assert.equal(timeLeftText(45 * 60), "reste 45 min");
  assert.equal(timeLeftText(-5 * 3600), "en retard de 5 h");
});

test("the need form becomes SubmitNeed content, and back for a relaunch", () => {
  const form = { title: "Recette", nature: "AMOA", summary: "Conduire la recette", skills: "recette\nRGAA",
    level: "confirme", min_years_of_experience: "5", start_date: "01/04/2026", end_date: "30/06/2026",
    duration_days: "40", region: "84", work_mode: "mixed", daily_rate_ceiling: "650", deliverables: "PV",
    public_sector_required: "on" };
  const { content, errors } = buildNeedContent(form);
  assert.deepEqual(errors, []);
  assert.equal(content.start_date, "2026-04-01");
  assert.equal(content.daily_rate_ceiling_cents, 65000);
  assert.deepEqual(content.skills, ["recette", "RGAA"]);
  assert.equal(content.public_sector_required, true);
  const back = needFormValues(content);
  assert.equal(back.start_date, "01/04/2026");
  assert.equal(back.daily_rate_ceiling, "650");
  const bad = buildNeedContent({ ...form, title: "", start_date: "1er avril", daily_rate_ceiling: "" });
  assert.deepEqual(bad.errors.map((e) => needField(e.field)).sort(), ["daily_rate_ceiling", "start_date", "title"]);
  // an end before the start is told next to « Fin » before anything is sent (the platform named the need's content)
  const reversed = buildNeedContent({ ...form, start_date: "01/03/2027", end_date: "01/02/2027" });
  assert.deepEqual(reversed.errors.map((e) => [needField(e.field), e.message]),
    [["end_date", "La fin (01/02/2027) précède le début (01/03/2027)."]]);
  assert.deepEqual(buildNeedContent({ ...form, start_date: "01/03/2027", end_date: "01/03/2027" }).errors, []);
});

test("bar charts are laid out from the data, with round ticks", () => {
  assert.deepEqual(niceTicks(7), [0, 2, 4, 6, 8]);
  assert.deepEqual(niceTicks(10800), [0, 5000, 10000, 15000]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  const chart = barChart([{ label: "janv.", value: 0 }, { label: "févr.", value: 50 }, { label: "mars", value: 100 }],
    { width: 300, height: 200, left: 50, bottom: 20, top: 10, right: 10 });
  assert.equal(chart.bars.length, 3);
  assert.equal(chart.bars[0].h, 0);
  assert.equal(chart.bars[2].y, 10);  // the tallest reaches the top of the plot (ticks end at 100)
  assert.ok(Math.abs(chart.bars[1].h - chart.bars[2].h / 2) < 1e-9);
  assert.ok(chart.bars.every((b) => b.x >= 50 && b.x + b.w <= 290));
  assert.deepEqual(revenuePoints({ revenue_months: [{ month: "2026-04", cents: 1080000 }] }),
    [{ label: "avr.", value: 10800 }]);
  assert.deepEqual(monthPoints([["2025-12", 1], ["2026-01", 2]]).map((p) => p.label), ["déc. 2025", "janv. 2026"]);
});

test("a phone's chart lists each point with its bar's length, and a period of zeros has nothing to draw", () => {
  const listed = barRows([{ label: "janv.", value: 0 }, { label: "févr.", value: "50" }, { label: "mars", value: 200 },
    { label: "avr.", value: -5 }]);
  assert.equal(listed.empty, false);
  assert.deepEqual(listed.rows.map((r) => [r.label, r.value, r.percent]),
    [["janv.", 0, 0], ["févr.", 50, 25], ["mars", 200, 100], ["avr.", 0, 0]]);
  // every month at zero: no axis « 0 € … 1 € » to read, the figure says there is nothing to represent
  assert.equal(barRows([{ label: "janv.", value: 0 }, { label: "févr.", value: 0 }]).empty, true);
  assert.equal(barRows([]).empty, true);
});

test("the onboarding forms send trimmed bodies, optional fields left out, the managers as a list", () => {
  assert.deepEqual(managerRegistration({ manager_id: " mgr-a ", name: "Rhône Habitat", siret: "732 829 320 00074",
    territory: "" }), { manager_id: "mgr-a", name: "Rhône Habitat", siret: "732 829 320 00074" });
  assert.equal(managerRegistration({ manager_id: "m", name: "n", siret: "s", territory: " 2A " }).territory, "2A");
  assert.deepEqual(splitIdentifiers("mgr-a, mgr-b;mgr-c\nmgr-d  mgr-a"), ["mgr-a", "mgr-b", "mgr-c", "mgr-d", "mgr-a"]);
  assert.deepEqual(splitIdentifiers("  "), []);
  assert.deepEqual(contractorRegistration({ contractor_id: "ctr-x", name: "X", siret: "1", managers: "mgr-a,\nmgr-b",
    erp_service_account: " " }), { contractor_id: "ctr-x", name: "X", siret: "1", managers: ["mgr-a", "mgr-b"] });
  const withErp = contractorRegistration({ contractor_id: "c", name: "n", siret: "s", managers: "",
    erp_service_account: "erp@p.iam.gserviceaccount.com" });
  assert.deepEqual([withErp.managers, withErp.erp_service_account], [[], "erp@p.iam.gserviceaccount.com"]);
  // B18: the contractor's and the purchasing body's territory, sent when typed, left out when empty
  assert.equal(contractorRegistration({ contractor_id: "c", name: "n", siret: "s", managers: "",
    territory: " 974 " }).territory, "974");
  assert.deepEqual(purchasingBodyRegistration({ purchasing_body_id: " centrale-a ", name: "Centrale", territory: "" }),
    { purchasing_body_id: "centrale-a", name: "Centrale" });
  assert.equal(purchasingBodyRegistration({ purchasing_body_id: "p", name: "n", territory: " 2A " }).territory, "2A");
  // no box ticked: every right of the role (the field is left out)
  const form = { email: "erp@p.iam.gserviceaccount.com", role: "contractor", tenant: "ctr-x" };
  assert.deepEqual(machineIdentityRegistration(form), form);
  assert.deepEqual(machineIdentityRegistration(form, ["orders.read"]).rights, ["orders.read"]);
});

test("a registry answer reads created, changed or unchanged; a deactivation says whether it changed anything", () => {
  assert.deepEqual(registrationOutcome({ created: true, changed: true }, "manager", "mgr-a"),
    { outcome: "created", text: "Inscription créée — gestionnaire « mgr-a »." });
  assert.equal(registrationOutcome({ created: false, changed: true }, "contractor", "c").outcome, "changed");
  assert.equal(registrationOutcome({ created: true, changed: true }, "purchasing_body", "centrale-a").text,
    "Inscription créée — centrale d'achat « centrale-a ».");
  const same = registrationOutcome({ created: false, changed: false }, "machine_identity", "e");
  assert.equal(same.outcome, "unchanged");
  assert.equal(same.text, "Inscription inchangée (même contenu : rien n'a été écrit) — identité machine « e ».");
  assert.match(deactivationOutcome({ kind: "contractor", id: "ctr-x", changed: true }), /^Désactivation enregistrée/);
  assert.match(deactivationOutcome({ kind: "manager", id: "m", changed: false }), /déjà désactivé/);
  // agreeing with the kind's gender, never « désactivé(e) »
  assert.equal(deactivationOutcome({ kind: "manager", id: "m", changed: false }),
    "Rien n'a changé — gestionnaire « m » était déjà désactivé.");
  assert.equal(deactivationOutcome({ kind: "purchasing_body", id: "cab-a", changed: false }),
    "Rien n'a changé — centrale d'achat « cab-a » était déjà désactivée.");
  assert.equal(deactivationOutcome({ kind: "beneficiary", id: "ben-a", changed: true }),
    "Désactivation enregistrée — bénéficiaire « ben-a ».");
  assert.deepEqual(beneficiaryOutcome({ beneficiary_id: "ben-a" }),
    { outcome: "saved", text: "Inscription enregistrée — bénéficiaire « ben-a »." });
});

test("B1: the beneficiary form sends the model's fields, one contact, the declaration box as a boolean", () => {
  const form = { beneficiary_id: " ben-lyon ", name: " Métropole de Lyon ", siret: "21690123100011", region: "84",
    territory: " 69 ", contact_last_name: " Martin ", contact_first_name: "Claire", contact_email: "c.martin@lyon.fr ",
    contact_role: " " };
  assert.deepEqual(beneficiaryRegistration(form), { beneficiary_id: "ben-lyon", name: "Métropole de Lyon",
    siret: "21690123100011", region: "84", territory: "69",
    contacts: [{ last_name: "Martin", first_name: "Claire", email: "c.martin@lyon.fr" }],
    requires_conflict_declaration: false });
  const ticked = beneficiaryRegistration({ ...form, contact_role: "DSI", requires_conflict_declaration: "on" });
  assert.deepEqual([ticked.contacts[0].role, ticked.requires_conflict_declaration], ["DSI", true]);
  // nothing typed: every field sent empty, for the platform to name each one
  assert.deepEqual(beneficiaryRegistration({}).contacts, [{ last_name: "", first_name: "", email: "" }]);
});

test("a body keeps its Idempotency-Key until it gets an answer; another body gets a new one", () => {
  let n = 0;
  const make = () => `k${++n}`;
  const first = attemptKey(null, { a: 1 }, make);
  assert.equal(first.key, "k1");
  assert.equal(attemptKey(first, { a: 1 }, make).key, "k1");  // the retry of the same body
  assert.equal(attemptKey(first, { a: 2 }, make).key, "k2");  // corrected: a new request
  assert.equal(keepsAttemptKey(undefined), true);  // network failure: no answer
  assert.equal(keepsAttemptKey(500), true);
  assert.equal(keepsAttemptKey(422), false);
  assert.equal(keepsAttemptKey(0), true);
});

test("a contract's penalty terms versions read in French: in force, to come, replaced (A9)", () => {
  const version = (n, effective_from, terms) => ({ contract_id: "AC-1", version: n, effective_from, terms,
    reason: `Avenant n° ${n}`, set_by: "u-1", set_at: "2026-03-03T09:00:00Z" });
  const amended = { daily_amount_cents: { P1: 25000 }, rules_by_kind: { D3: "P1", D1: "none" }, lengths: { D7: 48 } };
  const shown = termsVersionsView({ on: "2026-06-15", in_force_version: 2, in_force_terms: amended, versions: [
    version(1, "2026-04-01", {}), version(2, "2026-06-01", amended), version(3, "2026-07-01", {})] });
  assert.equal(shown.inForce, "version 2");
  assert.deepEqual(shown.rows.map((r) => [r.version, r.effectiveFrom, r.state]),
    [[3, "2026-07-01", "à venir"], [2, "2026-06-01", "en vigueur"], [1, "2026-04-01", "remplacée"]]);
  const spaced = (text) => text.replace(/\s/g, " ");
  assert.equal(spaced(shown.inForceTerms),
    "P1 : 250,00 € par jour ; Partage d'un événement d'exécution (15 min) (D1) : sans pénalité ; "
    + "Réponse à une demande de devis (D3) : pénalité P1 ; Création d'un compte (D7) : délai de 48 heures ouvrées");
  assert.equal(shown.rows[0].terms, "conditions par défaut du catalogue");
  assert.equal(shown.rows[1].reason, "Avenant n° 2");
  // No version in force yet (only one to come): the contract's terms at signature apply
  const signed = termsVersionsView({ on: "2026-03-03", in_force_version: null,
    in_force_terms: { daily_amount_cents: { P1: 10000 } }, versions: [version(1, "2026-04-01", amended)] });
  assert.equal(signed.inForce, "conditions de la signature du marché");
  assert.equal(spaced(signed.inForceTerms), "P1 : 100,00 € par jour");
  assert.deepEqual(signed.rows.map((r) => r.state), ["à venir"]);
  assert.equal(spaced(penaltyTermsText({ lengths: { D4: 7 } })),
    "Proposition de profils pour une recherche (D4) : délai de 7 jours ouvrés");
  // a kind the web app does not know is named by its id alone
  assert.equal(penaltyTermsText({ rules_by_kind: { D9: "P1" } }), "D9 : pénalité P1");
});

test("a beneficiary's agreement terms read as a contract's, in the agreement's words (A9)", () => {
  const version = (n, effective_from, terms) => ({ contract_id: "AC-2024-AOO-PFI", version: n, effective_from, terms,
    reason: "Convention, annexe pénalités", set_by: "uid-canut", set_at: "2026-06-15T07:20:00Z" });
  const toCome = { daily_amount_cents: { P1: 10000 }, rules_by_kind: { D4: "P1" }, lengths: { D4: 5 } };
  const shown = agreementTermsView({ beneficiary_id: "ben-lyon", contract_id: "AC-2024-AOO-PFI",
    penalty_terms_versions: { on: "2026-06-15", in_force_version: null, in_force_terms: {},
      versions: [version(1, "2026-07-01", toCome)] } });
  assert.deepEqual([shown.beneficiary, shown.contract, shown.on], ["ben-lyon", "AC-2024-AOO-PFI", "2026-06-15"]);
  // No version in force yet: the agreement's own terms apply (the catalogue's defaults here), not "du marché"
  assert.equal(shown.inForce, "conditions de la convention à sa signature");
  assert.equal(shown.inForceTerms, "conditions par défaut du catalogue");
  assert.deepEqual(shown.rows.map((r) => [r.version, r.state, r.setBy]), [[1, "à venir", "uid-canut"]]);
  // who set it by name when the answer names the account (the purchasing body's, the operator's read), else its uid
  const named = agreementTermsView({ beneficiary_id: "ben-lyon", contract_id: "AC-2024-AOO-PFI",
    penalty_terms_versions: { on: "2026-06-15", in_force_version: null, in_force_terms: {},
      versions: [version(1, "2026-07-01", toCome), { ...version(2, "2026-08-01", toCome), set_by: "erp/canut" },
        { ...version(3, "2026-09-01", toCome), set_by: null }],
      set_by_names: { "uid-canut": "Camille Canut" } } });
  assert.deepEqual(named.rows.map((r) => [r.version, r.setBy]), [[3, null], [2, "erp/canut"], [1, "Camille Canut"]]);
  // each deadline kind by its French label, its id in parentheses
  assert.equal(shown.rows[0].terms.replace(/\s/g, " "), "P1 : 100,00 € par jour ; "
    + "Proposition de profils pour une recherche (D4) : pénalité P1, délai de 5 jours ouvrés");
  assert.match(shown.empty, /convention/);
  // Once in force, the version is named as a contract's is
  const inForce = agreementTermsView({ beneficiary_id: "ben-lyon", contract_id: "AC-2024-AOO-PFI",
    penalty_terms_versions: { on: "2026-07-01", in_force_version: 1, in_force_terms: toCome,
      versions: [version(1, "2026-07-01", toCome)] } });
  assert.deepEqual([inForce.inForce, inForce.rows[0].state], ["version 1", "en vigueur"]);
  // B1 parties: the beneficiary by its name when known, its id in parentheses
  assert.equal(agreementTermsView({ beneficiary_id: "ben-lyon" }, "Métropole de Lyon").beneficiary,
    "Métropole de Lyon");
  assert.equal(agreementTermsView({ beneficiary_id: "ben-lyon" }, " ").beneficiary, "ben-lyon");
  // A contract keeps its own words
  assert.equal(termsVersionsView({ on: "2026-06-15", in_force_version: null, versions: [] }).inForce,
    "conditions de la signature du marché");
});

test("B1: the beneficiaries are read page after page by their cursor, and a bound stops an endless list", async () => {
  const pages = {
    "view=beneficiaries": { beneficiaries: [{ beneficiary_id: "ben-a" }, { beneficiary_id: "ben-b" }], next_cursor: "ben-b" },
    "view=beneficiaries&after=ben-b": { beneficiaries: [{ beneficiary_id: "ben-c" }], next_cursor: null },
  };
  const asked = [];
  const call = async (name, { query }) => { asked.push(`${name}?${query}`); return pages[query]; };
  const { rows, complete } = await allBeneficiaries(call);
  assert.deepEqual(rows.map((b) => b.beneficiary_id), ["ben-a", "ben-b", "ben-c"]);
  assert.equal(complete, true);
  assert.deepEqual(asked, ["get_sourcing?view=beneficiaries", "get_sourcing?view=beneficiaries&after=ben-b"]);
  const endless = async () => ({ beneficiaries: [{ beneficiary_id: "ben-x" }], next_cursor: "ben-x" });
  const cut = await allBeneficiaries(endless, 3);
  assert.equal(cut.rows.length, 3);
  assert.equal(cut.complete, false);
  await assert.rejects(allBeneficiaries(async () => { throw Object.assign(new Error("x"), { status: 500 }); }));
});

test("B1: the options read the name alone in French order, homonyms told apart by their territory, then their id", () => {
  const options = beneficiaryOptions([
    { beneficiary_id: "ben-lyon", name: "Métropole de Lyon", territory: "69" },
    { beneficiary_id: "ben-ajaccio", name: "Communauté d'agglomération du Pays Ajaccien", territory: "2A" },
    { beneficiary_id: "ben-eveche-2", name: "Évêché", territory: "75" },
    { beneficiary_id: "ben-eveche-1", name: "Évêché", territory: "75" },
    { beneficiary_id: "ben-eveche-3", name: "Évêché", territory: "74", territory_label: "Haute-Savoie" },
    { beneficiary_id: "ben-annecy", name: "Ville d'Annecy", territory: "74" },
  ]);
  assert.deepEqual(options, [
    { value: "ben-ajaccio", label: "Communauté d'agglomération du Pays Ajaccien",
      path: "Communauté d'agglomération du Pays Ajaccien (2A)" },
    { value: "ben-eveche-1", label: "Évêché (75) — ben-eveche-1", path: "Évêché (75) — ben-eveche-1" },
    { value: "ben-eveche-2", label: "Évêché (75) — ben-eveche-2", path: "Évêché (75) — ben-eveche-2" },
    { value: "ben-eveche-3", label: "Évêché — Haute-Savoie (74)", path: "Évêché — Haute-Savoie (74)" },
    { value: "ben-lyon", label: "Métropole de Lyon", path: "Métropole de Lyon (69)" },
    { value: "ben-annecy", label: "Ville d'Annecy", path: "Ville d'Annecy (74)" },
  ]);
  assert.deepEqual(beneficiaryOptions([]), []);
  // a record that names no territory (registered by its name alone): its name, never « (null) »
  assert.deepEqual(beneficiaryOptions([{ beneficiary_id: "ben-nom", name: "Commune sans territoire", territory: null,
    territory_label: null }]), [{ value: "ben-nom", label: "Commune sans territoire", path: "Commune sans territoire" }]);
});

test("B1: a beneficiary's territory is named as the platform names it, « Rhône », under the field once chosen", () => {
  // get_sourcing?view=beneficiaries answers territory_label (shared/domain/territories.py TERRITORY_NAMES)
  const options = beneficiaryOptions([
    { beneficiary_id: "ben-metropole-demo", name: "Métropole de démonstration", territory: "69", territory_label: "Rhône" },
    { beneficiary_id: "ben-fdf", name: "Ville de Fort-de-France", territory: "972", territory_label: "Martinique" },
  ]);
  // the option short enough for a phone (375 px cut « (69) »), the whole naming written under the picker
  assert.deepEqual(options.map((o) => o.label), ["Métropole de démonstration", "Ville de Fort-de-France"]);
  assert.equal(chosenBeneficiaryText(options, "ben-metropole-demo"),
    "Bénéficiaire choisi : Métropole de démonstration — Rhône (69)");
  assert.equal(chosenBeneficiaryText(options, "ben-fdf"), "Bénéficiaire choisi : Ville de Fort-de-France — Martinique (972)");
  assert.equal(chosenBeneficiaryText(options, ""), "");  // none chosen: nothing written
  assert.equal(chosenBeneficiaryText(options, "ben-inconnu"), "");
});

test("B1: when the list fails, the purchasing body is told why in French and asked to type the id", () => {
  const refused = { status: 403, problem: { errors: [{ field: "query.view", message: "Vos droits ne permettent pas cette opération." }] } };
  assert.equal(beneficiaryListFailure(refused), "La liste des bénéficiaires n'a pas pu être chargée (Vos droits ne "
    + "permettent pas cette opération) : saisissez l'identifiant du bénéficiaire.");
  assert.equal(beneficiaryListFailure({ status: 503, problem: null }), "La liste des bénéficiaires n'a pas pu être "
    + "chargée (erreur 503) : saisissez l'identifiant du bénéficiaire.");
  assert.equal(beneficiaryListFailure(new TypeError("Failed to fetch")), "La liste des bénéficiaires n'a pas pu être "
    + "chargée (le service ne répond pas) : saisissez l'identifiant du bénéficiaire.");
  assert.match(beneficiaryListFailure("incomplete"), /trop longue.*saisissez l'identifiant/);
});

test("a quote's versions compared name their date for what it is: valid until", () => {
  assert.equal(versionColumnLabel({ version: 2, valid_until: "2026-12-31" }), "Version 2 (valable jusqu'au 31/12/2026)");
});
