// The polled lists' pure logic (web/live_list_logic.mjs, A11 real-time view: « Mes besoins », « Devis »): run with
// `node --test tests/web/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  NEED_ROWS, QUOTE_ROWS, changedKeys, listChangesText, listLeftText, listPatch, listRedrawDecision, listStatusText,
} from "../../web/live_list_logic.mjs";

const quote = (id, state, updatedAt, more = {}) => ({ manager_id: "mgr-test", quote_id: id, state,
  state_label: { requested: "demandé", submitted: "remis", accepted: "accepté" }[state], updated_at: updatedAt,
  current_version: null, total_cents: null, valid_until: null, ...more });
const need = (id, status, updatedAt, more = {}) => ({ beneficiary_id: "ben-1", need_id: id, status,
  status_label: { scored: "classé", proposed: "proposé" }[status], updated_at: updatedAt, version: 1, proposals: 0,
  mission_id: null, ...more });

test("the first read of a list highlights nothing; a later one the rows that changed or came", () => {
  const before = [quote("DV-2", "requested", "2026-03-04T09:00:00Z"), quote("DV-1", "requested", "2026-03-04T08:00:00Z")];
  assert.deepEqual([...changedKeys(null, before, QUOTE_ROWS)], []);
  const after = [quote("DV-1", "submitted", "2026-03-04T09:05:00Z", { current_version: 1, total_cents: 8500 }),
    quote("DV-3", "requested", "2026-03-04T09:04:00Z"), before[0]];
  assert.deepEqual([...changedKeys(before, after, QUOTE_ROWS)].sort(), ["mgr-test/DV-1", "mgr-test/DV-3"]);
  // the same page read again: nothing changed
  assert.equal(changedKeys(after, after.map((q) => ({ ...q })), QUOTE_ROWS).size, 0);
});

test("a quote is a change when its state moves even without updated_at (a quote recorded before it was kept)", () => {
  const before = [quote("DV-1", "requested", null)];
  const after = [quote("DV-1", "submitted", null)];
  assert.deepEqual([...changedKeys(before, after, QUOTE_ROWS)], ["mgr-test/DV-1"]);
});

test("a need changes with its status, its version, its proposals or its mission", () => {
  const base = need("BES-1", "scored", "2026-03-04T09:00:00Z");
  for (const moved of [{ status: "proposed" }, { version: 2 }, { proposals: 1 }, { mission_id: "m-1" },
    { updated_at: "2026-03-04T09:01:00Z" }]) {
    assert.deepEqual([...changedKeys([base], [{ ...base, ...moved }], NEED_ROWS)], ["ben-1/BES-1"], JSON.stringify(moved));
  }
  assert.equal(changedKeys([base], [{ ...base }], NEED_ROWS).size, 0);
});

test("a patch keeps every row shown that did not change, draws the changed and new ones, removes the gone ones", () => {
  const key = QUOTE_ROWS.keyOf;
  const rows = [quote("DV-1", "submitted", "3"), quote("DV-3", "requested", "2"), quote("DV-2", "requested", "1")];
  const plan = listPatch(["mgr-test/DV-2", "mgr-test/DV-1", "mgr-test/DV-9"], rows, new Set(["mgr-test/DV-1", "mgr-test/DV-3"]), key);
  assert.deepEqual([...plan.keep], ["mgr-test/DV-2"]);
  assert.deepEqual([...plan.draw].sort(), ["mgr-test/DV-1", "mgr-test/DV-3"]);
  assert.deepEqual(plan.remove.sort(), ["mgr-test/DV-1", "mgr-test/DV-9"]);
  assert.deepEqual(plan.order, ["mgr-test/DV-1", "mgr-test/DV-3", "mgr-test/DV-2"]);
});

test("an unchanged row that would move against the other kept ones is drawn again, never moved", () => {
  // Given rows A, B shown and read back as B, A though neither changed (the same updated_at: an unstable order)
  const rows = [need("B", "scored", "1"), need("A", "scored", "1")];
  const plan = listPatch(["ben-1/A", "ben-1/B"], rows, new Set(), NEED_ROWS.keyOf);
  // Then one of them stays in place, the other is drawn again at its new place
  assert.equal(plan.keep.size, 1);
  assert.equal(plan.draw.size, 1);
  assert.deepEqual(plan.remove, [...plan.draw]);
});

test("a re-read waits for a click under way, holds back while the focus is in a row it would replace, else draws", () => {
  assert.equal(listRedrawDecision({ pressing: true, focusReplaced: false }), "defer");
  assert.equal(listRedrawDecision({ pressing: true, focusReplaced: true }), "defer");
  assert.equal(listRedrawDecision({ focusReplaced: true }), "note");
  assert.equal(listRedrawDecision({ focusReplaced: false }), "draw");
  assert.equal(listRedrawDecision({}), "draw");
  // the user's own « Actualiser » draws whatever has the focus (it is on that button)
  assert.equal(listRedrawDecision({ focusReplaced: true, afresh: true }), "draw");
});

test("what a list says of its changes, by reference and new state, in French", () => {
  const rows = [quote("DV-1", "submitted", "3"), quote("DV-3", "requested", "2"), quote("DV-2", "accepted", "1"),
    quote("DV-4", "accepted", "0")];
  const one = new Set(["mgr-test/DV-1"]);
  assert.equal(listChangesText(rows, one, QUOTE_ROWS), "Le devis DV-1 vient de changer : remis.");
  assert.equal(listChangesText(rows, new Set(["mgr-test/DV-1", "mgr-test/DV-2"]), QUOTE_ROWS),
    "2 devis viennent de changer : DV-1 (remis) et DV-2 (accepté).");
  assert.equal(listChangesText(rows, new Set(rows.map(QUOTE_ROWS.keyOf)), QUOTE_ROWS),
    "4 devis viennent de changer : DV-1 (remis), DV-3 (demandé), DV-2 (accepté) et 1 autre.");
  assert.equal(listChangesText(rows, new Set(), QUOTE_ROWS), "");
  const needs = [need("BES-1", "proposed", "2"), need("BES-2", "scored", "1")];
  assert.equal(listChangesText(needs, new Set(["ben-1/BES-1"]), NEED_ROWS), "Le besoin BES-1 vient de changer : proposé.");
  assert.equal(listChangesText(needs, new Set(["ben-1/BES-1", "ben-1/BES-2"]), NEED_ROWS),
    "2 besoins viennent de changer : BES-1 (proposé) et BES-2 (classé).");
  assert.equal(listLeftText(1, QUOTE_ROWS), "Un devis ne figure plus dans cette page de la liste.");
  assert.equal(listLeftText(2, QUOTE_ROWS), "2 devis ne figurent plus dans cette page de la liste.");
  assert.equal(listLeftText(0, NEED_ROWS), "");
});

test("the status line says when the list was read, on Paris's clock, and how often it is read again", () => {
  const at = new Date("2026-03-04T15:14:05Z");
  assert.equal(listStatusText(at, 15), "Actualisé à 16:14:05 — actualisation toutes les 15 s");
  assert.equal(listStatusText(at, 15, { held: true, rows: QUOTE_ROWS }),
    "Actualisé à 16:14:05 — actualisation toutes les 15 s. Des devis ont changé : « Actualiser » affiche la liste "
    + "à jour.");
  assert.equal(listStatusText(null, 15), "");
});

test("every list read again on a timer says it the same way: « Actualisé à … — actualisation toutes les 15 s »", async () => {
  const { polledStatusText } = await import("../../web/logic.mjs");
  assert.equal(polledStatusText(15, new Date("2026-03-05T15:14:05Z")), "Actualisé à 16:14:05 — actualisation toutes les 15 s");
  // and no screen writes its own variant (« — toutes les 15 s » was the operator's and the audit journal's)
  const { readFileSync, readdirSync } = await import("node:fs");
  const web = new URL("../../web/", import.meta.url);
  for (const name of readdirSync(web).filter((n) => n.endsWith(".mjs"))) {
    assert.doesNotMatch(readFileSync(new URL(name, web), "utf8"), /— toutes les \$\{/, name);
  }
});
