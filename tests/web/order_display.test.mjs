// What part A screens display of an order, a statement and a quote (web/logic.mjs): the A6 progress of a finished
// order, the A9 statement's French month, a site without a label (A7), the connector's sequence (contractor only).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fullMonthLabel } from "../../web/logic.mjs";
import { statementHeading } from "../../web/penalties_logic.mjs";
import {
  emptyOrdersText, eventFacts, eventStateText, mobileText, progressText, progressView, sequenceFacts, siteLeadText,
  siteText,
} from "../../web/orders_logic.mjs";

test("A6 progress: a « terminé » order reads 100 %, the figure last reported kept in a note", () => {
  assert.deepEqual(progressView({ state: "completed", progress: 50 }),
    { value: 100, text: "100 %", note: "terminée ; dernier avancement déclaré : 50 %" });
  assert.equal(progressText({ state: "completed", progress: 50 }),
    "100 % (terminée ; dernier avancement déclaré : 50 %)");
  for (const state of ["received", "invoiced", "closed"]) {
    assert.equal(progressView({ state, progress: 80 }).value, 100, state);
  }
  assert.equal(progressText({ state: "completed", progress: 100 }), "100 %");
  assert.equal(progressText({ state: "completed", progress: null }), "100 %");
});

test("A6 progress: before the work is done, it is shown as reported (none: a dash)", () => {
  assert.deepEqual(progressView({ state: "in_progress", progress: 50 }), { value: 50, text: "50 %", note: null });
  assert.equal(progressText({ state: "in_progress", progress: 0 }), "0 %");
  assert.deepEqual(progressView({ state: "scheduled", progress: null }), { value: null, text: "—", note: null });
  assert.equal(progressText({ state: "cancelled", progress: 40 }), "40 %");
  assert.equal(progressText({ state: "cannot_complete" }), "—");
  assert.equal(progressText({ state: "on_hold", progress: 30 }), "30 %");
});

test("A9 the penalty statement's heading names its month in French", () => {
  assert.equal(statementHeading({ month: "2026-12", contractor_id: "ctr-1" }), "Relevé de décembre 2026 — ctr-1");
  assert.equal(statementHeading({ month: "2026-04", contractor_id: "ctr-1" }), "Relevé d'avril 2026 — ctr-1");
  assert.equal(statementHeading({ month: "2026-08", contractor_id: "ctr-1" }), "Relevé d'août 2026 — ctr-1");
  assert.equal(statementHeading({ month: "2026-10", contractor_id: "ctr-1" }), "Relevé d'octobre 2026 — ctr-1");
  assert.equal(fullMonthLabel("2026-01"), "janvier 2026");
  assert.equal(fullMonthLabel("2026-13"), "2026-13");
});

test("A7 a site without a label: its node's label when the screen has it, else « Élément <id> du patrimoine »", () => {
  const nodes = [{ node_id: "bat-a", label: "Bâtiment A" }, { node_id: "bat-b" }];
  assert.equal(siteText({ node_id: "bat-a", label: "Résidence Les Tilleuls" }, nodes), "Résidence Les Tilleuls");
  assert.equal(siteText({ node_id: "bat-a" }, nodes), "Bâtiment A");
  assert.equal(siteText({ node_id: "bat-b" }, nodes), "Élément bat-b du patrimoine");
  assert.equal(siteText({ node_id: "bat-c" }), "Élément bat-c du patrimoine");
  assert.equal(siteText(null), "—");
});

test("the connector's last sequence is the contractor's fact only, in its staff's words", () => {
  assert.deepEqual(sequenceFacts({ last_sequence: 7 }, "contractor"),
    [["Dernier compte rendu d'exécution enregistré", "n° 7"]]);
  assert.deepEqual(sequenceFacts({ last_sequence: 0 }, "contractor"), [["Dernier compte rendu d'exécution enregistré", "aucun"]]);
  assert.deepEqual(sequenceFacts({}, "contractor")[0][1], "aucun");
  // no technical word a contractor's staff would not read
  assert.doesNotMatch(sequenceFacts({ last_sequence: 7 }, "contractor")[0][0], /séquence|connecteur/);
  assert.deepEqual(sequenceFacts({ last_sequence: 7 }, "manager"), []);
  assert.deepEqual(sequenceFacts({ last_sequence: 7 }, "beneficiary"), []);
});

test("A6 history: an event that leaves the state as it was names it once, and what its report carried is read", () => {
  assert.equal(eventStateText({ state_before: "in_progress", state_after: "in_progress" }), "en cours");
  assert.equal(eventStateText({ state_before: "scheduled", state_after: "in_progress" }), "planifié → en cours");
  assert.equal(eventStateText({ state_before: null, state_after: "to_acknowledge" }), "à prendre en compte");
  // a progress point, on the order's clock (B18): a report's dates in Martinique read on Martinique's time
  assert.equal(eventFacts({ report: { progress: 88 } }), "avancement 88 %");
  assert.equal(eventFacts({ report: { planned_start: "2026-11-11T12:27:17Z", planned_end: "2026-11-11T16:27:17Z",
    site_lead: { first_name: "Léa", last_name: "Martin", mobile: "+33612345678" } } }, "America/Martinique"),
  "prévu 11/11/2026 08:27 → 11/11/2026 12:27 · pilote Léa Martin");
  assert.equal(eventFacts({ report: { appointment: { start: "2026-11-12T08:00:00Z" }, actual_start: "2026-11-12T08:05:00Z",
    actual_end: "2026-11-12T10:00:00Z", invoice_date: "2026-11-13" } }),
  "rendez-vous 12/11/2026 09:00 · début réel 12/11/2026 09:05 · fin réelle 12/11/2026 11:00 · date de facture 13/11/2026");
  assert.equal(eventFacts({ report: { line_statuses: [{ line_id: "L1", done: true }, { line_id: "L2", done: false }] } }),
    "L1 réalisée, L2 non réalisée");
  // no report (the client's decision, the platform's own event) or nothing but the label: nothing added
  assert.equal(eventFacts({ label: "Commande suspendue" }), "");
  assert.equal(eventFacts({ report: { event: { label: "Commande prise en compte" }, state: "acknowledged" } }), "");
});

test("A6 site lead: its mobile as people write it (« 06 12 34 56 78 »), not as stored (« +33612345678 »)", () => {
  assert.equal(mobileText("+33612345678"), "06 12 34 56 78");
  assert.equal(mobileText("+33712345678"), "07 12 34 56 78");
  assert.equal(mobileText("0612345678"), "06 12 34 56 78");
  // anything else as it is: never a number changed into another
  assert.equal(mobileText("+262692123456"), "+262692123456");
  assert.equal(mobileText(""), "");
  assert.equal(mobileText(undefined), "");
  assert.equal(siteLeadText({ first_name: "Léa", last_name: "Martin", mobile: "+33612345678" }),
    "Léa Martin — 06 12 34 56 78");
  assert.equal(siteLeadText({ first_name: "Léa", last_name: "Martin" }), "Léa Martin");
  assert.equal(siteLeadText(null), "—");
});

test("an empty orders list says what to do next, by role; a filtered one says its filters found none", () => {
  assert.equal(emptyOrdersText("manager", {}), "Aucune commande : créez-en une depuis « Nouvelle commande », "
    + "ou envoyez-la par votre ERP.");
  assert.equal(emptyOrdersText("contractor", { state: "" }), "Aucune commande pour l'instant : les commandes que vos "
    + "clients vous adressent s'affichent ici dès leur réception.");
  assert.equal(emptyOrdersText("beneficiary", {}), "Aucune commande : celle d'une mission s'affiche ici une fois la "
    + "mission cadrée depuis son besoin (« Mes besoins »).");
  // a filter chosen (a state, a party, a site, late only): no invitation to create, the filters named as the cause
  for (const filters of [{ state: "completed" }, { contractorId: "ctr-1" }, { managerId: "mgr-1" }, { nodeId: "N1" },
    { lateOnly: true }]) {
    assert.equal(emptyOrdersText("manager", filters), "Aucune commande avec ces filtres.", JSON.stringify(filters));
  }
  assert.equal(emptyOrdersText("contractor", { orderId: "BC-9" }),
    "Aucune commande de référence « BC-9 » avec ces filtres.");
  assert.equal(emptyOrdersText("manager", { search: " fuite ", state: "closed" }),
    "Aucune commande dont la référence commence par « fuite » ou dont l'objet contient un mot commençant ainsi, avec ces filtres.");
});
