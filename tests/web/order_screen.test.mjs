// The order screen's logic (web/logic.mjs) found missing by walking the web app as the manager and the contractor:
// the site lead a contractor names (A6 order execution data), the client's own decisions — suspend, cancel,
// resume — (change_order_state), the channel of each event in French (A3), and a PDF upload without its file.
//   node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import { constraintMessage } from "../../web/logic.mjs";
import { catalogueReviewText } from "../../web/contracts_logic.mjs";
import { quoteOrderLink } from "../../web/quotes_logic.mjs";
import {
  SITE_LEAD_INPUTS, buildExecutionReport, channelLabel, clientDecisionBody, clientMoveLabel, clientMoves,
  executionInputs, siteLeadValues,
} from "../../web/orders_logic.mjs";

const PARIS_WINTER = () => 60;
const REASON = { field: "$.reason", label: "un motif", inputs: ["reason"], met: false };
const ORDER = { manager_id: "mgr-rhone-habitat", order_id: "BC-2026-0101", state: "acknowledged", site_lead: null };

test("the contractor names the site lead on an event, and when it plans an order that has none (A6)", () => {
  const schedule = { state: "scheduled", label: "planifié", requires: [{ field: "$.planned_start", label: "des dates",
    inputs: ["planned_start", "planned_end", "appointment"], met: false }] };
  // Given an order without a site lead: « Signaler un événement » and « planifié » ask for it; acknowledging and a
  // stop ask only for what they require
  assert.deepEqual(executionInputs(null, ORDER).slice(-3), SITE_LEAD_INPUTS);
  assert.deepEqual(executionInputs(schedule, ORDER).slice(-3), SITE_LEAD_INPUTS);
  assert.deepEqual(executionInputs({ state: "acknowledged", label: "pris en compte", requires: [] }, ORDER),
    ["event_label", "occurred_at"]);
  assert.equal(executionInputs({ state: "on_hold", label: "suspendu", requires: [REASON] }, ORDER)
    .some((n) => n.startsWith("site_lead")), false);
  // Given one named: the moves no longer ask, the event still does (to change it), prefilled with the order's
  const named = { ...ORDER, site_lead: { last_name: "Martin", first_name: "Léa", mobile: "+33612345678" } };
  assert.equal(executionInputs(schedule, named).some((n) => n.startsWith("site_lead")), false);
  assert.deepEqual(executionInputs(null, named).slice(-3), SITE_LEAD_INPUTS);
  assert.deepEqual(siteLeadValues(named), { site_lead__last_name: "Martin", site_lead__first_name: "Léa",
    site_lead__mobile: "+33612345678" });
  assert.deepEqual(siteLeadValues(ORDER), { site_lead__last_name: "", site_lead__first_name: "", site_lead__mobile: "" });
  // And what is typed is sent as the report's site_lead
  const { report, errors } = buildExecutionReport({ event_label: "Pilote désigné", occurred_at: "07/12/2026 08:00",
    site_lead__last_name: " Martin ", site_lead__first_name: "Léa", site_lead__mobile: "06 12 34 56 78" },
  { managerId: "m", orderId: "o", sequence: 2 }, PARIS_WINTER);
  assert.deepEqual(errors, []);
  assert.deepEqual(report.site_lead, { last_name: "Martin", first_name: "Léa", mobile: "06 12 34 56 78" });
});

test("the client is offered its own moves but reception and closing, which have their forms", () => {
  const moves = [{ state: "on_hold", label: "suspendu", requires: [REASON] },
    { state: "cancelled", label: "annulé", requires: [REASON] }, { state: "received", label: "réceptionné", requires: [] },
    { state: "closed", label: "clôturé", requires: [] }];
  assert.deepEqual(clientMoves(moves).map((m) => m.state), ["on_hold", "cancelled"]);
  assert.deepEqual(clientMoves(undefined), []);
  assert.equal(clientMoveLabel(moves[0], ORDER), "Suspendre la commande");
  assert.equal(clientMoveLabel(moves[1], ORDER), "Annuler la commande");
  // an order on hold resumes to the state it left
  assert.equal(clientMoveLabel({ state: "scheduled", label: "planifié", requires: [] }, { ...ORDER, state: "on_hold" }),
    "Reprendre la commande (« planifié »)");
});

test("a decision whose move requires a reason is not sent without one; the body is change_order_state's", () => {
  const hold = { state: "on_hold", label: "suspendu", requires: [REASON] };
  const at = "2026-12-07T09:00:00+01:00";
  assert.deepEqual(clientDecisionBody(ORDER, hold, "  ", at), { body: null, errors: [{ field: "$.reason", code: "REQUIRED",
    message: "Indiquez le motif de cette décision." }] });
  assert.deepEqual(clientDecisionBody(ORDER, hold, " Accès impossible ", at).body, { order_id: "BC-2026-0101",
    state: "on_hold", occurred_at: at, reason: "Accès impossible" });
  // resuming asks for no reason, and sends none when none is typed
  assert.deepEqual(clientDecisionBody({ ...ORDER, state: "on_hold" }, { state: "acknowledged", requires: [] }, "", at),
    { body: { order_id: "BC-2026-0101", state: "acknowledged", occurred_at: at }, errors: [] });
});

test("each event's channel is told in French, never by its code (A3)", () => {
  assert.equal(channelLabel("rest"), "API REST ou application web");
  assert.equal(channelLabel("pubsub"), "Pub/Sub");
  assert.equal(channelLabel("chorus_pro"), "Chorus Pro");
  assert.equal(channelLabel(null), "—");
});

test("a PDF upload sent without its file is told in French (an en-US browser says « Please select a file. »)", () => {
  assert.equal(constraintMessage({ valid: false, valueMissing: true }, "file"), "Choisissez le fichier à déposer.");
});

test("an accepted quote links to the order it created, a supplementary quote to the order it completes (A2.4, A2.5)", () => {
  assert.deepEqual(quoteOrderLink({ manager_id: "mgr-rhone-habitat", quote_id: "DV-1", created_order_id: "DV-1" }),
    { orderId: "DV-1", href: "#/orders/mgr-rhone-habitat/DV-1" });
  assert.deepEqual(quoteOrderLink({ manager_id: "mgr-rhone-habitat", quote_id: "DV-2", order_id: "BC 12/A" }),
    { orderId: "BC 12/A", href: "#/orders/mgr-rhone-habitat/BC%2012%2FA" });
  assert.equal(quoteOrderLink({ manager_id: "mgr-rhone-habitat", quote_id: "DV-3" }), null);
});

test("a contract without a catalogue is not said « not reviewed for six months »: it has none (A14)", () => {
  // Given get_catalogue's answer for a contract with no version imported (needs_review is true then)
  const none = catalogueReviewText({ contract_id: "AC-1", versions: [], in_force: null, needs_review: true });
  assert.match(none.text, /^Aucun catalogue en vigueur/);
  assert.equal(none.canConfirm, false);
  // Given a version in force whose review is overdue, then one reviewed lately
  const version = { version: 1, valid_from: "2026-01-01", reviewed_on: "2026-01-01", items: {} };
  const late = catalogueReviewText({ in_force: version, needs_review: true, last_reviewed_on: "2026-01-01",
    review_due_on: "2026-07-01" });
  assert.equal(late.text, "Revue semestrielle en retard : elle était due le 01/07/2026 (dernière revue le 01/01/2026).");
  assert.deepEqual([late.late, late.canConfirm], [true, true]);
  const fresh = catalogueReviewText({ in_force: version, needs_review: false, last_reviewed_on: "2026-11-02",
    review_due_on: "2027-05-02" });
  assert.equal(fresh.text, "Dernière revue le 02/11/2026 ; prochaine revue semestrielle le 02/05/2027.");
  assert.equal(fresh.late, false);
});

test("a contract without a catalogue tells its reader what to do next: its manager imports it below, others wait (A14)", () => {
  const view = { contract_id: "AC-1", versions: [], in_force: null, needs_review: true };
  // Given the manager of the space, who has « Importer une nouvelle version du catalogue » under the message
  assert.equal(catalogueReviewText(view, { canImport: true }).text, "Aucun catalogue en vigueur : importez-le ci-dessous "
    + "(« Importer une nouvelle version du catalogue ») ou depuis votre système ; il se révise ensuite tous les six mois.");
  // Given its contractor, who cannot import: the manager of the contract does, the contractor is never told to
  const contractor = catalogueReviewText(view).text;
  assert.equal(contractor, "Aucun catalogue en vigueur : le gestionnaire du marché doit en importer un, révisé ensuite "
    + "tous les six mois.");
  assert.doesNotMatch(contractor, /importez/);
});
