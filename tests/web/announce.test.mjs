// What the screen says by itself to a screen reader (web/announce_logic.mjs, RGAA 7.5 status messages).
import test from "node:test";
import assert from "node:assert/strict";
import {
  ORDER_CHANGED_TEXT, QUOTE_NOUNS, orderChangesText, orderLeftText, pageText, reportShownText, searchText,
  statementShownText,
} from "../../web/announce_logic.mjs";

test("a search of the orders' lists says what it found, and that typing more narrows a full list", () => {
  assert.equal(searchText(" fuite ", 3, 25), "3 commandes trouvées pour « fuite ».");
  assert.equal(searchText("BC-2026-01", 1, 25), "1 commande trouvée pour « BC-2026-01 ».");
  assert.equal(searchText("chaudière", 0, 25), "Aucune commande trouvée pour « chaudière ».");
  assert.equal(searchText("bc", 25, 25), "25 premières commandes trouvées pour « bc » : précisez la recherche pour les autres.");
});

const row = (order_id, state, extra = {}) => ({ manager_id: "mgr-test", order_id, state, ...extra });
const keys = (...ids) => new Set(ids.map((id) => `mgr-test/${id}`));

test("nothing changed: nothing to say (a poll that finds the same list is silent)", () => {
  assert.equal(orderChangesText([row("BC-1", "scheduled")], new Set()), "");
  assert.equal(orderChangesText([], keys("BC-1")), "");
  assert.equal(orderChangesText(null, null), "");
});

test("one order changed: its reference and its new state in French", () => {
  assert.equal(orderChangesText([row("BC-1", "scheduled"), row("BC-2", "acknowledged")], keys("BC-2")),
    "La commande BC-2 vient de changer : pris en compte.");
  assert.equal(orderChangesText([row("BC-2", "acknowledged", { state_label: "pris en compte (réserve)" })], keys("BC-2")),
    "La commande BC-2 vient de changer : pris en compte (réserve).");
});

test("the key is the manager's and the order's: the same reference in another manager's space is another order", () => {
  assert.equal(orderChangesText([{ manager_id: "mgr-autre", order_id: "BC-1", state: "scheduled" }], keys("BC-1")), "");
});

test("several: named in the list's order, three at most, then how many others", () => {
  const rows = [row("BC-1", "in_progress"), row("BC-2", "completed"), row("BC-3", "scheduled"), row("BC-4", "cancelled"),
    row("BC-5", "received")];
  assert.equal(orderChangesText(rows, keys("BC-2", "BC-1")),
    "2 commandes viennent de changer : BC-1 (en cours) et BC-2 (terminé).");
  assert.equal(orderChangesText(rows, keys("BC-1", "BC-2", "BC-3")),
    "3 commandes viennent de changer : BC-1 (en cours), BC-2 (terminé) et BC-3 (planifié).");
  assert.equal(orderChangesText(rows, keys("BC-1", "BC-2", "BC-3", "BC-4")),
    "4 commandes viennent de changer : BC-1 (en cours), BC-2 (terminé), BC-3 (planifié) et 1 autre.");
  assert.equal(orderChangesText(rows, keys("BC-1", "BC-2", "BC-3", "BC-4", "BC-5")),
    "5 commandes viennent de changer : BC-1 (en cours), BC-2 (terminé), BC-3 (planifié) et 2 autres.");
});

test("an order gone from the list, and the order screen's note, in French", () => {
  assert.equal(orderLeftText("BC-9"), "La commande BC-9 vient de changer et ne correspond plus aux filtres de la liste.");
  assert.match(ORDER_CHANGED_TEXT, /^Cette commande vient de changer\./);
  assert.match(ORDER_CHANGED_TEXT, /« Actualiser »/);
});

test("a report and a statement shown: one short sentence, French dates", () => {
  assert.equal(reportShownText({ from: "2026-01-01", to: "2026-12-06" }),
    "Rapport du 01/01/2026 au 06/12/2026 affiché ci-dessous.");
  assert.equal(statementShownText("Relevé d'avril 2026 — ACME (ctr-acme)"),
    "Relevé d'avril 2026 — ACME (ctr-acme) : affiché ci-dessous.");
});

test("a paged list says the page it now shows and how many rows it holds, in its own words", () => {
  assert.equal(pageText(2, 25), "Page 2 : 25 commandes.");
  assert.equal(pageText(1, 1), "Page 1 : 1 commande.");
  assert.equal(pageText(3, 0), "Page 3 : aucune commande.");
  assert.equal(pageText(2, 50, QUOTE_NOUNS), "Page 2 : 50 devis.");
  assert.equal(pageText(1, 0, QUOTE_NOUNS), "Page 1 : aucun devis.");
});
