// Part B's screens as the beneficiary reads them (web/sourcing_logic.mjs): the contractors its « Pénalités » screen
// offers (A9 penalties), the criteria by weight (B3), the next step of a ranked need (D4), the order screen's client
// and mission link (B11), the framing form's declaration (B13 conflict of interest).
// Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import { directoryFromContracts } from "../../web/names_logic.mjs";

import {
  GUARANTEE_DAYS, clientColumnLabel, clientFilterAll, criteriaByWeight, guaranteeDefault, criteriaText, d4Delay, declarationRequired, needFormHint, needNextStep,
  needAwaitsProposals, needChanged, budgetFacts,
  orderClientLabel, orderContractorLabel, orderMissionHref, serviceTypeText,
  penaltyContractorOptions, raiseClientChoice, raiseMissionOptions, raiseOrderId, raiseOrderLookup, raiseOrderOptions, raiseSiteNode,
  raiseSiteOptions, raiseTarget,
  recordTitle, regionText,
} from "../../web/sourcing_logic.mjs";

test("the penalties screen offers the agreement's titulaire first, then its orders' contractors, each once", () => {
  const agreement = { beneficiary_id: "ben-lyon", titulaire_id: "ctr-titulaire" };
  const orders = [{ contractor_id: "ctr-titulaire" }, { contractor_id: "ctr-b" }, { contractor_id: "ctr-a" },
    { contractor_id: "ctr-b" }];
  assert.deepEqual(penaltyContractorOptions(agreement, orders), [
    { value: "ctr-titulaire", label: "ctr-titulaire (titulaire de l'accord-cadre)" },
    { value: "ctr-a", label: "ctr-a (commandes de vos missions)" },
    { value: "ctr-b", label: "ctr-b (commandes de vos missions)" }]);
  // either list alone (the other could not be read), or neither
  assert.deepEqual(penaltyContractorOptions(agreement, null).map((o) => o.value), ["ctr-titulaire"]);
  assert.deepEqual(penaltyContractorOptions(null, orders).map((o) => o.value), ["ctr-a", "ctr-b", "ctr-titulaire"]);
  assert.deepEqual(penaltyContractorOptions({ titulaire_id: null }, []), []);
});

test("the penalties picker names the titulaire once when its registered name already says it is the titulaire", () => {
  const names = directoryFromContracts([
    { manager_id: "ben-lyon", contractor_id: "ctr-titulaire", contractor_name: "Titulaire de l’accord-cadre (démo)" },
    { manager_id: "ben-lyon", contractor_id: "ctr-acme", contractor_name: "ACME" }]);
  assert.deepEqual(penaltyContractorOptions({ titulaire_id: "ctr-titulaire" }, [{ contractor_id: "ctr-acme" }], names), [
    { value: "ctr-titulaire", label: "Titulaire de l’accord-cadre (démo)" },
    { value: "ctr-acme", label: "ACME (commandes de vos missions)" }]);
  assert.equal(penaltyContractorOptions({ titulaire_id: "ctr-acme" }, [], names)[0].label,
    "ACME (titulaire de l'accord-cadre)");
});

test("a candidate's criteria are listed by their weight in the ranking, the highest first, weight shown", () => {
  const weights = { text: 0.3, availability: 0.15, level: 0.1, experience: 0.1, rate: 0.1, location: 0.1,
    public_sector: 0.05, certifications: 0.05, rating: 0.05 };
  // the candidate's criteria come in another order (as the ranking stored them)
  const criteria = { rating: 0.6, level: 1, text: 0.8512, public_sector: 1, availability: 0.5, rate: 0.75,
    certifications: 0, experience: 1, location: 1, place: 1 };
  const listed = criteriaByWeight(criteria, weights);
  assert.deepEqual(listed.map((c) => c.key), ["text", "availability", "level", "experience", "rate", "location",
    "public_sector", "certifications", "rating", "place"]);
  assert.deepEqual(listed[0], { key: "text", label: "adéquation du texte", score: 85, weight: 30 });
  assert.equal(listed.at(-1).weight, null);  // a criterion the weights do not name: last, no weight
  const text = criteriaText(criteria, weights).replaceAll("\u00a0", " ");  // no break inside « 85 % (poids 30 %) »
  assert.ok(text.startsWith("adéquation du texte 85 % (poids 30 %) · disponibilité 50 % (poids 15 %) · niveau 100 % "
    + "(poids 10 %)"), text);
  assert.ok(text.endsWith("avis 60 % (poids 5 %) · lieu 100 %"), text);
  assert.match(criteriaText(criteria, weights), /^adéquation du texte 85\u00a0%\u00a0\(poids\u00a030\u00a0%\) · /);
  // weights that put another criterion first order it first
  assert.equal(criteriaByWeight({ text: 1, rate: 1 }, { text: 0.2, rate: 0.5 })[0].key, "rate");
});

test("a ranked need tells the beneficiary that the operator proposes by the D4 date", () => {
  const need = { status: "scored", d4: { due: "2026-03-09T17:00:00+00:00" } };
  assert.equal(needNextStep(need), "Le classement est calculé. L'opérateur vous propose des professionnels parmi "
    + "ces résultats au plus tard le 09/03/2026 à 18:00 (délai D4) ; vous pourrez alors accepter une proposition, la "
    + "refuser et relancer la recherche, ou l'abandonner.");
  for (const status of ["acknowledged", "abandoned"]) {
    assert.equal(needNextStep({ ...need, status }), null);
  }
});

test("each step of a need says what comes next: choose a proposal, frame the mission, follow it and its order", () => {
  const proposals = [{ professional_id: "pro-anne", name: "Anne Lefèvre", status: "accepted" },
    { professional_id: "pro-bruno", name: "Bruno Caron", status: "refused" }];
  assert.equal(needNextStep({ status: "proposed", proposals: [] }), "Choisissez un professionnel ci-dessous (Accepter) ; "
    + "si aucun ne convient, refusez et relancez la recherche (le besoin peut être modifié), ou abandonnez-la.");
  // accepted: the mission is to be framed by the beneficiary, and its order goes to the titulaire once framed
  assert.equal(needNextStep({ status: "accepted", proposals }), "Vous avez retenu Anne Lefèvre. Étape suivante : "
    + "cadrez la mission (dates, jalons et livrables) ; sa commande est alors émise au titulaire de l'accord-cadre.");
  assert.equal(needNextStep({ status: "accepted", proposals: [] }), "Étape suivante : cadrez la mission (dates, jalons "
    + "et livrables) ; sa commande est alors émise au titulaire de l'accord-cadre.");
  assert.equal(needNextStep({ status: "mission_framed", proposals }), "La mission est cadrée et sa commande émise : "
    + "suivez-la depuis la mission (jalons, livrables, temps passés, remplacement, devis au titulaire).");
});

test("a ranked need waiting on the operator's proposals is read again until they come, then drawn once", () => {
  const ranked = { status: "scored", version: 1, proposals: [], mission_id: null,
    versions: [{ version: 1, result: { candidates: [] } }] };
  assert.equal(needAwaitsProposals(ranked), true);
  // still being ranked: the screen's own 2-second poll reads it; once proposed, accepted… the beneficiary acts
  assert.equal(needAwaitsProposals({ ...ranked, versions: [{ version: 1 }] }), false);
  for (const status of ["acknowledged", "proposed", "accepted", "abandoned", "mission_framed"]) {
    assert.equal(needAwaitsProposals({ ...ranked, status }), false, status);
  }
  assert.equal(needChanged(ranked, { ...ranked }), false);  // the same need: nothing drawn again
  const proposed = { ...ranked, status: "proposed", proposals: [{ professional_id: "pro-1", status: "proposed" }] };
  assert.equal(needChanged(ranked, proposed), true);
  assert.equal(needChanged(ranked, { ...ranked, proposals: proposed.proposals }), true);
  assert.equal(needChanged(ranked, { ...ranked, version: 2 }), true);
});

test("the need form promises D4 as the agreement states it: 10 working days, or the shorter delay of its terms", () => {
  const agreement = (lengths) => ({ penalty_terms_versions: { in_force_terms: { lengths } } });
  assert.equal(needFormHint(agreement({})), "Le besoin est accusé aussitôt ; les professionnels vous sont proposés "
    + "sous 10 jours ouvrés (délai D4), comptés sur le calendrier de votre territoire : la date limite s'affiche sur le "
    + "besoin.");
  assert.equal(d4Delay(agreement({ D4: 4 })), "sous 4 jours ouvrés (délai D4 de votre convention)");
  assert.equal(d4Delay(agreement({ D4: 1 })), "sous 1 jour ouvré (délai D4 de votre convention)");
  assert.equal(d4Delay(agreement({ D7: 24 })), "sous 10 jours ouvrés (délai D4)");
  // the agreement unread: what the contract allows at most, never a number it may not state
  assert.equal(d4Delay(null), "sous 10 jours ouvrés au plus (délai D4, ou le délai plus court de votre convention)");
  assert.ok(!needFormHint(null).includes("4 jours"));
  assert.ok(!needNextStep({ status: "scored", d4: {} }).includes("4 jours"));
});

test("a beneficiary's order names it as the client and links back to its mission", () => {
  const missionOrder = { order: { order_id: "BC-1" }, mission: { mission_id: "BES-1-mission" } };
  assert.equal(orderClientLabel("beneficiary", missionOrder), "Bénéficiaire");
  assert.equal(orderClientLabel("contractor", missionOrder), "Bénéficiaire");  // the titulaire: a beneficiary's space
  assert.equal(orderClientLabel("contractor", { mission: null }), "Gestionnaire");
  assert.equal(orderClientLabel("manager", { mission: null }), "Gestionnaire");
  assert.equal(orderMissionHref("beneficiary", missionOrder), "#/missions/BES-1-mission");
  assert.equal(orderMissionHref("contractor", missionOrder), null);  // no mission screen for the titulaire
  assert.equal(orderMissionHref("beneficiary", { mission: null }), null);
});

test("the titulaire's lists and screens name its clients beneficiaries: a mission's row or quote, a beneficiary's contract", () => {
  const missionRow = { manager_id: "ben-lyon", mission_id: "N-1-mission" };
  const partA = { manager_id: "mgr-a", mission_id: null };
  // a list row of list_orders or list_quotes, a quote (get_quote), a contract row (list_contracts)
  assert.equal(orderClientLabel("contractor", missionRow), "Bénéficiaire");
  assert.equal(orderClientLabel("contractor", { quote_id: "DV-M-1", mission_id: "N-1-mission" }), "Bénéficiaire");
  assert.equal(orderClientLabel("contractor", { contract_id: "AC-PFI", client_kind: "beneficiary" }), "Bénéficiaire");
  assert.equal(orderClientLabel("contractor", { contract_id: "AC-1", client_kind: "manager" }), "Gestionnaire");
  assert.equal(orderClientLabel("contractor", partA), "Gestionnaire");
  // a column (and the orders list's filter): by its rows
  assert.equal(clientColumnLabel("contractor", [missionRow, missionRow]), "Bénéficiaire");
  assert.equal(clientColumnLabel("contractor", [partA]), "Gestionnaire");
  assert.equal(clientColumnLabel("contractor", [missionRow, partA]), "Gestionnaire ou bénéficiaire");
  assert.equal(clientColumnLabel("contractor", []), "Gestionnaire");  // nothing read yet
  assert.equal(clientColumnLabel("contractor", null), "Gestionnaire");
  assert.equal(clientColumnLabel("beneficiary", []), "Bénéficiaire");
});

test("a list with no row yet names its clients by the caller's contracts: the titulaire's empty « Devis »", () => {
  const framework = { contract_id: "AC-PFI", manager_id: "ben-metropole", client_kind: "beneficiary" };
  const partA = { contract_id: "AC-1", manager_id: "mgr-rhone", client_kind: "manager" };
  // no quote yet: its contracts say whose spaces it works in (list_contracts' client_kind)
  assert.equal(clientColumnLabel("contractor", [], [framework]), "Bénéficiaire");
  assert.equal(clientColumnLabel("contractor", [], [partA]), "Gestionnaire");
  assert.equal(clientColumnLabel("contractor", [], [framework, partA]), "Gestionnaire ou bénéficiaire");
  assert.equal(clientColumnLabel("contractor", [], []), "Gestionnaire");  // nothing known
  // once rows are read, the rows name them
  assert.equal(clientColumnLabel("contractor", [{ manager_id: "mgr-rhone", mission_id: null }], [framework]),
    "Gestionnaire");
});

test("B3/D4: the proposal's default guarantee is two weeks from Paris's today, or the need's start when later", () => {
  const need = (start) => ({ versions: [{ content: { start_date: start } }] });
  // 23:30 in Paris on 31 May (21:30 UTC): Paris's day is the 31st, so two weeks is 14 June whatever the browser's zone
  const lateEvening = new Date("2026-05-31T21:30:00Z");
  assert.equal(guaranteeDefault(need("2026-06-01"), lateEvening), "2026-06-14");
  // 00:30 in Paris on 1 June (22:30 UTC on 31 May): Paris's day is already the 1st — UTC's would say 14 June
  assert.equal(guaranteeDefault(need("2026-06-01"), new Date("2026-05-31T22:30:00Z")), "2026-06-15");
  // a mission starting after those two weeks: held until its start
  assert.equal(guaranteeDefault(need("2026-09-01"), lateEvening), "2026-09-01");
  assert.equal(guaranteeDefault(null, lateEvening), "2026-06-14");
  assert.equal(GUARANTEE_DAYS, 14);
});

test("the framing form asks for the declaration up front when the need says the beneficiary must sign it", () => {
  assert.equal(declarationRequired({ conflict_declaration_required: true }), true);
  assert.equal(declarationRequired({ conflict_declaration_required: false }), false);
  assert.equal(declarationRequired({}), false);
  assert.equal(declarationRequired(null), false);
});

test("B16: the titulaire picks the client of its quote among its contracts' spaces, a beneficiary named so", () => {
  const contracts = [{ manager_id: "mgr-rhone", contract_id: "AC-1", client_kind: "manager" },
    { manager_id: "ben-metropole", contract_id: "AC-CADRE", client_kind: "beneficiary" },
    { manager_id: "ben-metropole", contract_id: "AC-CADRE-2", client_kind: "beneficiary" }];
  const both = raiseClientChoice(contracts);
  assert.equal(both.label, "Gestionnaire ou bénéficiaire");
  assert.deepEqual(both.options.map((o) => [o.value, o.label]),
    [["ben-metropole", "ben-metropole (bénéficiaire)"], ["mgr-rhone", "mgr-rhone (gestionnaire)"]]);
  assert.deepEqual(both.contractsOf("ben-metropole"), ["AC-CADRE", "AC-CADRE-2"]);
  // only a beneficiary's framework agreement: the field says « Bénéficiaire », never « Gestionnaire »
  const titulaire = raiseClientChoice(contracts.slice(1));
  assert.equal(titulaire.label, "Bénéficiaire");
  assert.deepEqual(titulaire.options.map((o) => o.value), ["ben-metropole"]);
  assert.equal(raiseClientChoice(contracts.slice(0, 1)).label, "Gestionnaire");
  // one client only (ACME's one manager, the titulaire's one beneficiary): picked already, with its only contract;
  // two framework agreements: the titulaire picks one; two clients: nothing assumed
  const one = raiseClientChoice(contracts.slice(0, 1));
  assert.deepEqual([one.chosen, one.contract], ["mgr-rhone", "AC-1"]);
  assert.deepEqual([raiseClientChoice(contracts.slice(1, 2)).chosen, raiseClientChoice(contracts.slice(1, 2)).contract],
    ["ben-metropole", "AC-CADRE"]);
  assert.deepEqual([titulaire.chosen, titulaire.contract], ["ben-metropole", ""]);
  assert.deepEqual([both.chosen, both.contract], ["", ""]);
  const onOrder = raiseClientChoice(contracts, { managerId: "mgr-rhone", order: { order: { contract_id: "AC-9" } } });
  assert.deepEqual([onOrder.chosen, onOrder.contract], ["mgr-rhone", "AC-9"]);
  // supplementary works on a mission's order: its client, kept even when the contracts could not be read
  const onMission = raiseClientChoice([], { managerId: "ben-metropole", order: { mission: { mission_id: "M-1" } } });
  assert.equal(onMission.label, "Bénéficiaire");
  assert.equal(onMission.chosen, "ben-metropole");
  // the field « Bénéficiaire » says the role: not repeated after each option (cut on a phone otherwise)
  assert.deepEqual(onMission.options.map((o) => o.label), ["ben-metropole"]);
  const named = raiseClientChoice([{ manager_id: "mgr-rhone", contract_id: "AC-1", client_kind: "manager",
    client_name: "Rhône Habitat (démo)" }]);
  assert.deepEqual([named.label, named.options.map((o) => o.label)], ["Gestionnaire", ["Rhône Habitat (démo)"]]);
  // nothing read and nothing given: nobody is assumed to be a manager
  const unknown = raiseClientChoice(null);
  assert.deepEqual([unknown.label, unknown.options], ["Gestionnaire ou bénéficiaire", []]);
});

test("B16: a quote in a beneficiary's space names its client « Bénéficiaire » without a mission (client_kind)", () => {
  const spontaneous = { quote_id: "DV-T-2", manager_id: "ben-metropole", mission_id: null, client_kind: "beneficiary" };
  assert.equal(orderClientLabel("contractor", spontaneous), "Bénéficiaire");
  assert.equal(clientColumnLabel("contractor", [spontaneous]), "Bénéficiaire");
  assert.equal(clientColumnLabel("contractor", [spontaneous, { manager_id: "mgr-rhone", client_kind: "manager" }]),
    "Gestionnaire ou bénéficiaire");
});

test("a professional's record names its region and takes French elision in its title (B4)", () => {
  assert.equal(regionText("84"), "Auvergne-Rhône-Alpes (84)");
  assert.equal(regionText("02"), "Martinique (02)");
  assert.equal(regionText("99"), "99");  // a code the list does not know, as it is
  assert.equal(regionText(null), "—");
  assert.equal(recordTitle("Anne Lefèvre"), "Fiche d'Anne Lefèvre");
  assert.equal(recordTitle("Émilie Faure"), "Fiche d'Émilie Faure");
  assert.equal(recordTitle("Bruno Caron"), "Fiche de Bruno Caron");
});

// B16, A7: a titulaire's quote to a beneficiary concerns one of its missions (no property tree to name a node of)
test("« Mission concernée » offers the beneficiary's missions with this titulaire, each once, not ended", () => {
  const rows = [
    { manager_id: "ben-lyon", order_id: "BC-N-1", mission_id: "N-1-mission", title: "Mission : Recette", state: "in_progress" },
    { manager_id: "ben-lyon", order_id: "BC-N-1", mission_id: "N-1-mission", title: "Mission : Recette", state: "in_progress" },
    { manager_id: "ben-lyon", order_id: "BC-N-2", mission_id: "N-2-mission", title: "Mission : Audit", state: "closed" },
    { manager_id: "ben-lyon", order_id: "DV-1", mission_id: null, title: "Travaux", state: "issued" },
    { manager_id: "ben-autre", order_id: "BC-N-3", mission_id: "N-3-mission", title: "Mission : Autre", state: "issued" },
  ];
  assert.deepEqual(raiseMissionOptions(rows, "ben-lyon"), [{ value: "N-1-mission", label: "Mission : Recette (N-1-mission)" }]);
  assert.deepEqual(raiseMissionOptions(undefined, "ben-lyon"), []);
});

test("a contractor's own quote: the sites of its orders with that manager offered, each once, by name", () => {
  const rows = [
    { manager_id: "mgr-a", order_id: "BC-1", site: { node_id: "LYON-BAT-B", label: "Bâtiment B" } },
    { manager_id: "mgr-a", order_id: "BC-2", site: { node_id: "LYON-BAT-A", label: "Bâtiment A" } },
    { manager_id: "mgr-a", order_id: "BC-3", site: { node_id: "LYON-BAT-A", label: "Bâtiment A" } },
    { manager_id: "mgr-a", order_id: "BC-4", site: { node_id: "LYON-LOG-1" } },
    { manager_id: "mgr-a", order_id: "BC-5" },
    { manager_id: "mgr-b", order_id: "BC-6", site: { node_id: "PARIS-1", label: "Paris" } },
  ];
  assert.deepEqual(raiseSiteOptions(rows, "mgr-a"), [
    { value: "LYON-BAT-A", label: "Bâtiment A" }, { value: "LYON-BAT-B", label: "Bâtiment B" },
    { value: "LYON-LOG-1", label: "LYON-LOG-1" }]);
  assert.deepEqual(raiseSiteOptions(undefined, "mgr-a"), []);
  // the site's name typed (trimmed, any case) is its node; an id, or anything else, stays as typed
  const options = raiseSiteOptions(rows, "mgr-a");
  assert.deepEqual(raiseSiteNode("  bâtiment a ", options), { node_id: "LYON-BAT-A", label: "Bâtiment A" });
  assert.deepEqual(raiseSiteNode("LYON-BAT-B", options), { node_id: "LYON-BAT-B", label: "Bâtiment B" });
  assert.deepEqual(raiseSiteNode("AUTRE-1", options), { node_id: "AUTRE-1", label: null });
});

test("a contractor's own quote: its client's sites within its perimeter offered, not only those of its recent orders", () => {
  // list_property_nodes kind=site (the server keeps the contractor's perimeter): a site none of its orders names is
  // offered; a site an import retired is not; the tree's label wins over the one an order kept
  const sites = [
    { node_id: "LYON", kind: "site", label: "Résidence Les Tilleuls", status: "active" },
    { node_id: "OULLINS", kind: "site", label: "Site Oullins" },
    { node_id: "VIEUX", kind: "site", label: "Ancien site", status: "retired" },
  ];
  const rows = [
    { manager_id: "mgr-a", order_id: "BC-1", site: { node_id: "LYON-BAT-A-LOG-12", label: "Bâtiment A, logement 12" } },
    { manager_id: "mgr-a", order_id: "BC-2", site: { node_id: "LYON", label: "Tilleuls" } },
  ];
  assert.deepEqual(raiseSiteOptions(rows, "mgr-a", sites), [
    { value: "LYON-BAT-A-LOG-12", label: "Bâtiment A, logement 12" }, { value: "LYON", label: "Résidence Les Tilleuls" },
    { value: "OULLINS", label: "Site Oullins" }]);
  assert.deepEqual(raiseSiteOptions([], "mgr-a", sites).map((o) => o.value), ["LYON", "OULLINS"]);
  assert.deepEqual(raiseSiteNode("site oullins", raiseSiteOptions([], "mgr-a", sites)),
    { node_id: "OULLINS", label: "Site Oullins" });
});

test("« Commande complétée »: a reference typed that no suggestion holds is looked up, any case, once it is long enough", () => {
  const options = [{ value: "BC-1", label: "Fuite" }];
  assert.equal(raiseOrderLookup("  bc-1 ", options), null);  // already offered
  assert.equal(raiseOrderLookup("bc", options), null);  // too short: one read per reference, not per letter
  assert.equal(raiseOrderLookup("", options), null);
  assert.equal(raiseOrderLookup(" bc-2026-0457 ", options), "bc-2026-0457");
  assert.equal(raiseOrderLookup(" clapet anti ", options), "clapet anti");  // words of a title: list_orders q= too
  // the answer's open order joins the suggestions (once), a closed one does not; the reference is the order's own
  const found = [{ manager_id: "mgr-a", order_id: "BC-2026-0457", title: "Robinet", state: "acknowledged" },
    { manager_id: "mgr-a", order_id: "bc-2026-0457", title: "Close", state: "closed" }];
  const merged = raiseOrderOptions([...found, { manager_id: "mgr-a", order_id: "BC-1", title: "Fuite", state: "scheduled" }],
    "mgr-a", options);
  assert.deepEqual(merged, [{ value: "BC-1", label: "Fuite" }, { value: "BC-2026-0457", label: "Robinet" }]);
  assert.equal(raiseOrderId(" bc-2026-0457 ", merged), "BC-2026-0457");
  assert.equal(raiseOrderId(" BC-9 ", merged), "BC-9");
  assert.equal(raiseOrderId("", merged), "");
});

test("a contractor's own quote: the orders it may complete with that manager offered by reference and title", () => {
  const rows = [
    { manager_id: "mgr-a", order_id: "BC-1", title: "Fuite sous évier", state: "in_progress" },
    { manager_id: "mgr-a", order_id: "BC-2", state: "scheduled" },
    { manager_id: "mgr-a", order_id: "BC-3", title: "Annulée", state: "cancelled" },
    { manager_id: "mgr-a", order_id: "BC-4", title: "Close", state: "closed" },
    { manager_id: "mgr-b", order_id: "BC-5", title: "Ailleurs", state: "issued" },
  ];
  assert.deepEqual(raiseOrderOptions(rows, "mgr-a"), [
    { value: "BC-1", label: "Fuite sous évier" }, { value: "BC-2", label: null }]);
  assert.deepEqual(raiseOrderOptions(null, "mgr-a"), []);
});

test("a beneficiary's quote names its mission and no site; a manager's names its node, and the order it completes", () => {
  assert.deepEqual(raiseTarget({ beneficiary: true, missionId: " N-1-mission ", siteNode: "typed", orderId: "BC-1" }),
    { fields: { mission_id: "N-1-mission" }, errors: [] });
  assert.deepEqual(raiseTarget({ beneficiary: true }),
    { fields: {}, errors: [{ field: "$.mission_id", message: "Choisissez la mission que ce devis concerne." }] });
  assert.deepEqual(raiseTarget({ siteNode: " N-1 ", siteLabel: " Bâtiment A ", orderId: " CMD-1 ", missionId: "ignored" }),
    { fields: { site: { node_id: "N-1", label: "Bâtiment A" }, order_id: "CMD-1" }, errors: [] });
  assert.deepEqual(raiseTarget({ siteNode: "N-1" }), { fields: { site: { node_id: "N-1" } }, errors: [] });
  assert.deepEqual(raiseTarget({}).errors, [{ field: "$.site.node_id", message: "Ce champ est obligatoire." }]);
});

test("the mission's budget adds up: an order made larger by an accepted quote shows « Commandé » before « Reste »", () => {
  const euros = (c) => `${c / 100} €`;
  assert.deepEqual(budgetFacts({ planned_cents: 592000, ordered_cents: 592000, consumed_cents: 207000,
    remaining_cents: 385000 }, euros), [["Budget prévu", "5920 €"], ["Consommé", "2070 €"], ["Reste", "3850 €"]]);
  assert.deepEqual(budgetFacts({ planned_cents: 592000, ordered_cents: 764500, consumed_cents: 207000,
    remaining_cents: 557500 }, euros), [["Budget prévu", "5920 €"], ["Commandé (devis acceptés compris)", "7645 €"],
    ["Consommé", "2070 €"], ["Reste", "5575 €"]]);
  assert.deepEqual(budgetFacts(undefined, euros).map(([label]) => label), ["Budget prévu", "Consommé", "Reste"]);
});

test("« Mes commandes »'s client filter says « Tous les » of the column it filters, not « Tous les clients » under « Bénéficiaire »", () => {
  assert.equal(clientFilterAll("Bénéficiaire"), "Tous les bénéficiaires");
  assert.equal(clientFilterAll("Gestionnaire"), "Tous les gestionnaires");
  assert.equal(clientFilterAll("Gestionnaire ou bénéficiaire"), "Tous les clients");
  // the titulaire's orders are all a beneficiary's: its column and its filter say so
  const rows = [{ manager_id: "ben-1", client_kind: "beneficiary" }];
  assert.equal(clientFilterAll(clientColumnLabel("contractor", rows)), "Tous les bénéficiaires");
});

test("a mission's order and its quotes name their contractor « Titulaire » on both sides, a part-A one « Prestataire »", () => {
  const missionQuote = { mission_id: "m-1", contractor_id: "ctr-titulaire" };
  assert.equal(orderContractorLabel("beneficiary", missionQuote), "Titulaire");
  assert.equal(orderContractorLabel("contractor", missionQuote), "Titulaire");
  assert.equal(orderContractorLabel("contractor", { mission: { mission_id: "m-1" } }), "Titulaire");
  assert.equal(orderContractorLabel("manager", { contractor_id: "ctr-acme" }), "Prestataire");
  assert.equal(orderContractorLabel("contractor", { contractor_id: "ctr-acme" }), "Prestataire");
});

test("a service type is named by its acronym and what it stands for, an unknown one as it is", () => {
  assert.equal(serviceTypeText("AMOA"), "AMOA (assistance à maîtrise d'ouvrage)");
  assert.equal(serviceTypeText("AMOE"), "AMOE (assistance à maîtrise d'œuvre)");
  assert.equal(serviceTypeText("AUTRE"), "AUTRE");
});
