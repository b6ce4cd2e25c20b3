// The unit a quote's new line starts with (web/logic.mjs quoteLineUnit): a mission's quote is counted in days, as its
// mission's order lines are (« j », shared/service/sourcing/missions.py), any other quote in units (« U »); a line left
// without a unit takes that default when read (buildQuoteLines).
import assert from "node:assert/strict";
import { test } from "node:test";

import { buildQuoteLines, quoteLineUnit, raiseLineUnit, switchedUnit } from "../../web/quotes_logic.mjs";

test("a mission's quote starts its lines in days, any other quote in units", () => {
  assert.equal(quoteLineUnit({ quote_id: "DEV-1", mission_id: "mis-1", order_id: "ord-1" }), "j");
  assert.equal(quoteLineUnit({ quote_id: "DEV-2", order_id: "ord-2" }), "U");  // supplementary works of an order
  assert.equal(quoteLineUnit({ quote_id: "DEV-3", mission_id: null }), "U");
  assert.equal(quoteLineUnit(null), "U");
});

test("a line read without a unit takes the quote's default, « U » when none is given", () => {
  const row = { service_code: "DEV-SENIOR", label: "Jours de développement", quantity: "3", unit: " ", unit_price: "690" };
  assert.equal(buildQuoteLines([row], { unit: "j" }).lines[0].unit, "j");
  assert.equal(buildQuoteLines([row]).lines[0].unit, "U");
  assert.equal(buildQuoteLines([{ ...row, unit: "h" }], { unit: "j" }).lines[0].unit, "h");  // a typed unit is kept
});

test("B16 « Proposer un devis »: a beneficiary's quote (a mission's) starts its lines in days, a manager's in units", () => {
  assert.equal(raiseLineUnit("beneficiary"), "j");
  assert.equal(raiseLineUnit("manager"), "U");
  assert.equal(raiseLineUnit(undefined), "U");  // no client chosen yet: works
});

test("another client chosen: a line still at the former default follows the new one, a typed unit is kept", () => {
  assert.equal(switchedUnit("U", "U", "j"), "j");
  assert.equal(switchedUnit("", "U", "j"), "j");
  assert.equal(switchedUnit(" ", "j", "U"), "U");
  assert.equal(switchedUnit("j", "j", "U"), "U");  // back to a manager: its works in units
  assert.equal(switchedUnit("h", "U", "j"), "h");
  assert.equal(switchedUnit("forfait", "j", "U"), "forfait");
  assert.equal(switchedUnit("j", "U", "j"), "j");  // already there (a draft given back)
});
