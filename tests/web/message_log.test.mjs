// « Messages envoyés » (A3 channels, A4 errors back to the sender, A10 onboarding): the query of list_message_log,
// each error next to the field it names in French, the order linked, the correction, and the empty states.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyLogText, fieldLabel, messageCountText, messageLogQuery, messageRowView } from "../../web/message_log_logic.mjs";

const refused = {
  key: "79804f71e3dfa34457743f2e4f683959436223e4", received_at: "2026-03-04T07:10:05.402000Z", channel: "rest",
  channel_label: "API REST", type: "fr.passerelle.execution.reported.v1", type_label: "Compte rendu d'exécution",
  source: "//passerelle.fr/hub/rest/contractors/ctr-acme", id: "9c4b1e27", manager_id: "mgr-rhone-habitat",
  client_name: "Rhône Habitat", order_id: "BC-2026-0101", quote_id: null, invoice_number: null, sequence: 3,
  status: "rejected", status_label: "refusé", late: false, corrected_at: null,
  errors: [{ field: "$.actual_start", code: "MISSING_FIELD_FOR_TRANSITION",
    message: "Le passage à l'état « en cours » exige la date de début réelle." }],
};

test("A4: each error is named by its field in French, the path kept beside it", () => {
  assert.equal(fieldLabel("$.actual_start"), "début réel");
  assert.equal(fieldLabel("$.site_lead.mobile"), "pilote — téléphone mobile");
  assert.equal(fieldLabel("$.line_statuses[0].line_id"), "état des lignes n° 1 — ligne");
  assert.equal(fieldLabel("attributes.ce-type"), "type du message (ce-type)");
  // an invoice's fields in French too, not « supplier — siret »
  assert.equal(fieldLabel("$.supplier.siret"), "fournisseur — SIRET");
  assert.equal(fieldLabel("$.lines[0].vat_rate"), "lignes n° 1 — taux de TVA");
  assert.equal(fieldLabel("$.issue_date"), "date d'émission");
  assert.equal(fieldLabel("$"), "message entier");
  assert.equal(fieldLabel("$.something_new"), "something_new");  // unknown: the name as sent, never dropped
  const [error] = messageRowView(refused).errors;
  assert.deepEqual(error, { label: "début réel", path: "$.actual_start", code: "MISSING_FIELD_FOR_TRANSITION",
    message: "Le passage à l'état « en cours » exige la date de début réelle." });
});

test("A3: a refused row links to its order for the contractor, not for the operator, and names the client", () => {
  const mine = messageRowView(refused);
  assert.deepEqual(mine.subject, { text: "Commande BC-2026-0101", client: "Rhône Habitat",
    href: "#/orders/mgr-rhone-habitat/BC-2026-0101" });
  assert.equal(messageRowView(refused, { ordersLinked: false }).subject.href, null);
  assert.equal(mine.status, "refusé");
  assert.equal(mine.statusClass, "badge late");
  assert.equal(mine.corrected, null);
  assert.equal(mine.toCorrect, "Pas encore corrigé : corrigez et renvoyez ce message.");
  // a quote message links to its quote; a message that named nothing readable has no subject
  assert.equal(messageRowView({ ...refused, order_id: null, quote_id: "DEV-1" }).subject.href,
    "#/quotes/mgr-rhone-habitat/DEV-1");
  assert.equal(messageRowView({ ...refused, order_id: null, manager_id: null, client_name: null }).subject, null);
  // a client the contractor does not work for is shown by the id the message named
  assert.equal(messageRowView({ ...refused, client_name: null }).subject.client, "mgr-rhone-habitat");
});

test("A4: a refused message on an order ended since (here cancelled by the client) is no task left: nothing to correct", () => {
  const ended = messageRowView({ ...refused, order_ended: "annulé" });
  assert.equal(ended.toCorrect, "Plus rien à corriger : la commande est désormais à l'état « annulé ».");
  assert.equal(ended.corrected, null);
});

test("A4: a refused message corrected since says when, in Paris time; an accepted one says nothing of it", () => {
  const fixed = messageRowView({ ...refused, corrected_at: "2026-03-04T10:58:31.015000Z" });
  assert.equal(fixed.corrected, "Corrigé depuis : un message sur cette commande a été accepté le 04/03/2026 11:58.");
  assert.equal(fixed.toCorrect, null);
  const accepted = messageRowView({ ...refused, status: "accepted", status_label: "accepté", errors: [] });
  assert.deepEqual([accepted.status, accepted.statusClass, accepted.corrected, accepted.toCorrect, accepted.errors],
    ["accepté", "badge ok", null, null, []]);
  assert.equal(messageRowView(refused).when, "04/03/2026 08:10");
});

test("the query: refused by default, the operator names the contractor, the cursor reads on", () => {
  assert.equal(messageLogQuery(), "status=rejected");
  assert.equal(messageLogQuery({ status: "", contractorId: "ctr-acme" }), "contractor_id=ctr-acme");
  assert.equal(messageLogQuery({ status: "accepted", cursor: "abc" }), "status=accepted&cursor=abc");
});

test("an empty list of refused messages says that everything was accepted", () => {
  assert.equal(emptyLogText("rejected"), "Aucun message refusé : tout ce que vous avez envoyé à la plateforme a été accepté.");
  assert.equal(emptyLogText("rejected", true),
    "Aucun message refusé : tout ce que ce prestataire a envoyé à la plateforme a été accepté.");
  assert.equal(emptyLogText(""), "Vous n'avez encore envoyé aucun message.");
  assert.equal(emptyLogText("accepted"), "Aucun message accepté pour le moment.");
});

test("« Messages envoyés » counts its messages in plain French, « 1 message affiché. », not « message(s) affiché(s) »", () => {
  assert.equal(messageCountText(0, false), "");
  assert.equal(messageCountText(1, false), "1 message affiché.");
  assert.equal(messageCountText(30, false), "30 messages affichés.");
  assert.equal(messageCountText(30, true), "30 messages affichés — d'autres, plus anciens, suivent.");
});
