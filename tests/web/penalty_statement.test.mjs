// A9 penalty statement: what a manager reads of each line before deciding on it — the decisions the platform
// accepts on it now (none once waived) and the orders behind a pooled P1 day.
//   node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CAUSES_SHOWN, penaltyActionsFor, penaltyCauseGroups, penaltyCauses, penaltyLineOrder,
} from "../../web/penalties_logic.mjs";

const labels = (line) => penaltyActionsFor(line).map((a) => a.label);

test("a line offers only the decisions its status accepts, named in French", () => {
  assert.deepEqual(labels({ status: "accrued", decisions_allowed: ["waive", "dispute"] }), ["Remettre", "Contester"]);
  assert.deepEqual(labels({ status: "disputed", decisions_allowed: ["waive", "uphold"] }), ["Remettre", "Maintenir"]);
  assert.deepEqual(labels({ status: "waived", decisions_allowed: [] }), []);
  // an answer that does not say offers the three; the platform still refuses what it must
  assert.deepEqual(labels({ status: "accrued" }), ["Remettre", "Contester", "Maintenir"]);
});

test("a pooled day names each order behind it, with its own day of lateness", () => {
  const line = { kind: "P1", causes: [
    { deadline_id: "D1-a", kind: "D1", day: 9, order_id: "BC-2026-0101", ref: "m1" },
    { deadline_id: "D1-b", kind: "D1", day: 1, order_id: "BC-2026-0102", ref: "m2" },
    { deadline_id: "F1-c", kind: "F1", day: 2, order_id: null, ref: "m3" }] };
  assert.deepEqual(penaltyCauses(line), [
    { orderId: "BC-2026-0101", orderLabel: "BC-2026-0101", prefix: "Commande ",
      text: "événement transmis en retard (plus de 15 min), 9e jour" },
    { orderId: "BC-2026-0102", orderLabel: "BC-2026-0102", prefix: "Commande ",
      text: "événement transmis en retard (plus de 15 min), 1er jour" },
    { orderId: null, orderLabel: null, prefix: "",
      text: "message refusé pour son format, pas encore corrigé ce jour-là, 2e jour" }]);
  assert.deepEqual(penaltyCauses({ kind: "D2", causes: [] }), []);
  // the statement's order_titles name each order by its title, its id beside it (the link still goes by its id)
  const titles = { "BC-2026-0101": "Fuite sous évier — logement 12", "BC-2026-0102": "  " };
  assert.deepEqual(penaltyCauses(line, titles).map((c) => [c.orderId, c.orderLabel]), [
    ["BC-2026-0101", "Fuite sous évier — logement 12 (BC-2026-0101)"], ["BC-2026-0102", "BC-2026-0102"], [null, null]]);
  assert.deepEqual(penaltyCauseGroups(line, titles).first.map((c) => c.orderLabel),
    penaltyCauses(line, titles).map((c) => c.orderLabel));
});

test("a day of one deadline names its order by its title and id; a pooled day or a day of no order names none", () => {
  const titles = { "BC-42": "Ascenseur bloqué" };
  assert.deepEqual(penaltyLineOrder({ kind: "D8", order_id: "BC-42", causes: [] }, titles),
    { orderId: "BC-42", orderLabel: "Ascenseur bloqué (BC-42)" });
  assert.deepEqual(penaltyLineOrder({ kind: "D3", order_id: "BC-43" }, titles),
    { orderId: "BC-43", orderLabel: "BC-43" });
  assert.equal(penaltyLineOrder({ kind: "D2", order_id: null, causes: [] }, titles), null);
  assert.equal(penaltyLineOrder({ kind: "P1", order_id: "BC-42", causes: [{ order_id: "BC-42" }] }, titles), null);
});

test("at volume a pooled day says how many messages are behind it, the first few, the others behind « Voir les N autres »", () => {
  const causes = Array.from({ length: 30 }, (_, i) => ({ deadline_id: `D1-${i}`, kind: "D1", day: i + 1,
    order_id: `BC-${String(i).padStart(4, "0")}`, ref: `m${i}` }));
  const groups = penaltyCauseGroups({ kind: "P1", causes });
  assert.equal(CAUSES_SHOWN, 3);
  assert.equal(groups.count, 30);
  assert.equal(groups.countText, "30 messages en cause");
  assert.deepEqual(groups.first.map((c) => c.orderId), ["BC-0000", "BC-0001", "BC-0002"]);
  assert.equal(groups.rest.length, 27);
  assert.equal(groups.moreText, "Voir les 27 autres");
  // every message is there, in order, once: the first ones then the others
  assert.deepEqual([...groups.first, ...groups.rest], penaltyCauses({ causes }));
  // never one alone behind the disclosure: up to CAUSES_SHOWN + 1 all are shown
  const four = penaltyCauseGroups({ causes: causes.slice(0, 4) });
  assert.deepEqual([four.first.length, four.rest.length, four.moreText], [4, 0, ""]);
  const five = penaltyCauseGroups({ causes: causes.slice(0, 5) }, {});
  assert.deepEqual([five.first.length, five.rest.length, five.moreText], [3, 2, "Voir les 2 autres"]);
  assert.equal(penaltyCauseGroups({ causes: causes.slice(0, 1) }).countText, "1 message en cause");
  // a day with no message behind it (D2 connection) shows nothing
  assert.deepEqual(penaltyCauseGroups({ kind: "D2", causes: [] }), { count: 0, countText: "", first: [], rest: [],
    moreText: "" });
});

test("on a phone a day of penalty reads its deadline and causes across the card, its decision form once named", async () => {
  const { penaltyColumns } = await import("../../web/penalties_logic.mjs");
  const manager = penaltyColumns(true);
  assert.deepEqual(manager.map((c) => c.header), ["Date", "Délai", "Jour", "Montant", "Statut", "Motif", "Décision"]);
  // « Délai » (its order, its causes, « Voir les N autres ») under its name across the card, not in an 8 rem column
  assert.deepEqual(manager.filter((c) => c.stacked).map((c) => c.header), ["Délai", "Décision"]);
  // the decision's form says « Décision » and « Motif » itself: no column name before it
  assert.equal(manager.at(-1).label, null);
  assert.deepEqual(manager.filter((c) => c.num).map((c) => c.label), ["Jour", "Montant"]);
  // the contractor reads its statement without the decision column
  assert.deepEqual(penaltyColumns(false).map((c) => c.header), ["Date", "Délai", "Jour", "Montant", "Statut", "Motif"]);
});
