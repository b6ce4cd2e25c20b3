// Every column of a table the screens draw has a header that says something (axe-core's `empty-table-header`,
// RGAA 5.6): a column of buttons is « Action », not "". Read from the screens' `table([...], …)` calls (web/ui.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

const WEB = new URL("../../web/", import.meta.url);
const HEADERS = /\btable\(\s*\[([^\]]*)\]/g;

test("no table column of any screen has an empty header", () => {
  const calls = readdirSync(WEB).filter((f) => /\.(m?js)$/.test(f))
    .flatMap((f) => [...readFileSync(new URL(f, WEB), "utf8").matchAll(HEADERS)].map((m) => ({ f, headers: m[1] })));
  assert.ok(calls.length > 10, "the screens' table([...]) calls are found");
  const empty = calls.filter(({ headers }) => /(^|,)\s*(""|''|``)\s*(,|$)/.test(headers)).map(({ f, headers }) => `${f}: ${headers}`);
  assert.deepEqual(empty, []);
});

test("a table read as cards on a phone labels each cell by its column, its heading columns across the card", async () => {
  const { cardLabels } = await import("../../web/logic.mjs");
  // « Utilisateurs »: the person (name, e-mail) heads the card, the other columns named before their values
  const people = ["Personne", "Droits", "Statut", "Mot de passe", "Créé le", "Modifié le"];
  assert.deepEqual(cardLabels(people), [null, "Droits", "Statut", "Mot de passe", "Créé le", "Modifié le"]);
  // the operator's « Comptes »: its buttons across the card too
  assert.deepEqual(cardLabels([...people, "Actions"], { headings: [0, 6] }).slice(-2), ["Modifié le", null]);
  // a catalogue's items: the code and the label head the card
  assert.deepEqual(cardLabels(["Code", "Libellé", "Unité", "Prix unitaire HT", "TVA"], { headings: [0, 1] }),
    [null, null, "Unité", "Prix unitaire HT", "TVA"]);
  assert.deepEqual(cardLabels(undefined), []);
});

test("« Utilisateurs », « Comptes » and a catalogue's items are card lists on a phone, not frames scrolled sideways", () => {
  const accounts = readFileSync(new URL("accounts.mjs", WEB), "utf8");
  const contracts = readFileSync(new URL("contracts.mjs", WEB), "utf8");
  assert.match(accounts, /function accountTable[\s\S]*?cards: \{ headings: actions \? \[0, headers\.length\] : \[0\] \}/);
  assert.match(contracts, /label: "Prestations", empty: "Aucune prestation\.",\s*cards: \{ headings: \[0, 1\] \}/);
});
