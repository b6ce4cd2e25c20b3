// What the screens say is in the user's words: no requirement id (« (A7) », « (A8, réversibilité) ») nor API
// function name (« (upsert_contract) ») in a text a person reads (docs/web-app.md, Screens per role). The ids stay in
// the code's comments; the contract's deadlines and penalties (D1…D8, P1) keep their names, which the contracts use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { orderStateText } from "../../web/logic.mjs";
import { catalogueReviewText } from "../../web/contracts_logic.mjs";

const WEB = new URL("../../web/", import.meta.url);
const STRING = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;
const REQUIREMENT = /\((?:[AB]\d{1,2}(?:\.\d)?)[,)]/;
const API_NAME = /\([a-z]+_[a-z_]+\)/;

// every string literal of the web app's modules, comments left out (a // after « : » is a URL's)
function literals(file) {
  const code = readFileSync(new URL(file, WEB), "utf8").split("\n")
    .map((line) => line.replace(/(^|[^:"'])\/\/.*$/, "$1")).join("\n");
  return [...code.matchAll(STRING)].map((m) => m[0]);
}

test("no screen text names a requirement id or an API function", () => {
  const found = readdirSync(WEB).filter((f) => /\.(m?js)$/.test(f))
    .flatMap((f) => literals(f).filter((s) => REQUIREMENT.test(s) || API_NAME.test(s)).map((s) => `${f}: ${s}`));
  assert.deepEqual(found, []);
});

test("the catalogue's review is told without its requirement id", () => {
  const view = { in_force: { reviewed_on: "2026-01-01" }, review_due_on: "2026-07-01", needs_review: true };
  assert.equal(catalogueReviewText(view).text,
    "Revue semestrielle en retard : elle était due le 01/07/2026 (dernière revue le 01/01/2026).");
});

test("A6: an order's state is said « la commande est à l'état « terminé » », never « la commande est « terminé » »", () => {
  assert.equal(orderStateText("completed"), "la commande est à l'état « terminé »");
  const found = readdirSync(WEB).filter((f) => /\.(m?js)$/.test(f))
    .flatMap((f) => literals(f).filter((s) => /commande est «/i.test(s)).map((s) => `${f}: ${s}`));
  assert.deepEqual(found, []);
});

test("« Patrimoine » says « élément du patrimoine », never « nœud », in every text a person reads", () => {
  const found = readdirSync(WEB).filter((f) => /\.(m?js)$/.test(f))
    .flatMap((f) => literals(f).filter((s) => /n(?:œ|oe)uds?\b/iu.test(s)).map((s) => `${f}: ${s}`));
  assert.deepEqual(found, []);
});
