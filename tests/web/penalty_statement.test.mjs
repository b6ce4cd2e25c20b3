// A9 penalty statement: what a manager reads of each line before deciding on it — the decisions the platform
// accepts on it now (none once waived) and the orders behind a pooled P1 day.
//   node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import { penaltyActionsFor, penaltyCauses } from "../../web/logic.mjs";

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
    { orderId: "BC-2026-0101", prefix: "Commande ", text: "événement transmis en retard (plus de 15 min), 9e jour" },
    { orderId: "BC-2026-0102", prefix: "Commande ", text: "événement transmis en retard (plus de 15 min), 1er jour" },
    { orderId: null, prefix: "", text: "message refusé pour son format, pas encore corrigé, 2e jour" }]);
  assert.deepEqual(penaltyCauses({ kind: "D2", causes: [] }), []);
});
