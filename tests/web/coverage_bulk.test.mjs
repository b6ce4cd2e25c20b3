// « Rattacher la sélection » (A7 property tree): the bodies of attach_order_node for a selection, the answers merged
// and the French summary. Pure logic: web/coverage_logic.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_ATTACH_ORDERS, attachSelectionBodies, attachSelectionQuestion, attachSelectionText, mergeAttachAnswers,
  orderListText, proposalGroups,
} from "../../web/coverage_logic.mjs";

test("a selection is sent by requests of at most 500 orders, each order once", () => {
  const ids = Array.from({ length: 1203 }, (_, i) => `BC-${i}`);
  const { bodies } = attachSelectionBodies([...ids, "BC-0"], " LYON-BAT-A ");
  assert.equal(MAX_ATTACH_ORDERS, 500);
  assert.deepEqual(bodies.map((b) => b.order_ids.length), [500, 500, 203]);
  assert.deepEqual(bodies.flatMap((b) => b.order_ids), ids);
  assert.ok(bodies.every((b) => b.node_id === "LYON-BAT-A"));
});

test("nothing selected or no element chosen is said before anything is sent", () => {
  assert.deepEqual(attachSelectionBodies([], "").errors.map((e) => e.message),
    ["Cochez au moins une commande.", "Choisissez l'élément du patrimoine."]);
  assert.deepEqual(attachSelectionBodies(["BC-1"], "  ").errors.map((e) => e.field), ["$.node_id"]);
});

test("the summary counts the orders attached, already there and refused, with each refusal's reason", () => {
  const merged = mergeAttachAnswers([
    { attached: 40, unchanged: 0, refused: [{ order_id: "BC-9", errors: [{ message: "Commande « BC-9 » introuvable pour cet émetteur." }] }] },
    { attached: 2, unchanged: 1, refused: [{ order_id: "BC-7", errors: [{ message: "Hors commune." }] },
      { order_id: "BC-8", errors: [{ message: "Hors périmètre." }] }] },
  ]);
  assert.equal(attachSelectionText(merged, "LYON-BAT-A"),
    "42 commandes rattachées à « LYON-BAT-A », 1 déjà rattachée, 3 refusées : "
    + "BC-9 (Commande « BC-9 » introuvable pour cet émetteur.) ; BC-7 (Hors commune.) ; BC-8 (Hors périmètre.).");
  assert.equal(attachSelectionText(mergeAttachAnswers([{ attached: 1, unchanged: 0, refused: [] }]), "N"),
    "1 commande rattachée à « N ».");
  assert.equal(attachSelectionText(mergeAttachAnswers([{ attached: 0, unchanged: 3, refused: [] }]), "N"),
    "0 commande rattachée à « N », 3 déjà rattachées.");
});

test("a request that failed after others were recorded is said after what they did", () => {
  assert.equal(attachSelectionText(mergeAttachAnswers([{ attached: 500, unchanged: 0, refused: [] }]), "N",
    ["Service momentanément indisponible."]),
  "500 commandes rattachées à « N ». Le reste de la sélection n'a pas été envoyé : Service momentanément indisponible.");
});

test("the confirmation names how many orders go to which element", () => {
  assert.match(attachSelectionQuestion(42, "« Résidence › Bâtiment A »"), /^Rattacher ces 42 commandes à « Résidence › Bâtiment A » \?/);
  assert.match(attachSelectionQuestion(1, "X"), /^Rattacher cette commande à X \?/);
});

test("the proposals are grouped by element, the largest group first, only for orders that may be attached", () => {
  const coverage = {
    orphans: [
      { kind: "order", id: "BC-X", node_id: "PAPER-7", proposed_node_id: "LYON-A", proposed_because: "libellé du site" },
      { kind: "document", id: "BC-X/abc", node_id: "PAPER-7", proposed_node_id: "LYON-A" },
      { kind: "order", id: "BC-Y", node_id: null },
    ],
    on_retired_nodes: [
      { kind: "order", id: "BC-12", node_id: "OLD-12", proposed_node_id: "L12", proposed_because: "même parent" },
      { kind: "order", id: "BC-12B", node_id: "OLD-12", proposed_node_id: "L12", proposed_because: "même parent" },
      { kind: "order", id: "BC-GONE", node_id: "OLD-9", proposed_node_id: "RETIRED-SINCE" },
    ],
  };
  const byId = new Map([["RETIRED-SINCE", { node_id: "RETIRED-SINCE", status: "retired" }]]);
  const groups = proposalGroups(coverage, byId);
  assert.deepEqual(groups.map((g) => [g.nodeId, g.orderIds, g.because]),
    [["L12", ["BC-12", "BC-12B"], "même parent"], ["LYON-A", ["BC-X"], "libellé du site"]]);
  assert.deepEqual(proposalGroups({ orphans: [], on_retired_nodes: [] }), []);
});

test("a group's orders are named by their references, the rest counted", () => {
  assert.equal(orderListText(["BC-1"]), "BC-1");
  assert.equal(orderListText(["BC-1", "BC-2"]), "BC-1 et BC-2");
  assert.equal(orderListText(["BC-1", "BC-2", "BC-3", "BC-4"]), "BC-1, BC-2, BC-3 et 1 autre");
  assert.equal(orderListText(["BC-1", "BC-2", "BC-3", "BC-4", "BC-5"]), "BC-1, BC-2, BC-3 et 2 autres");
});
