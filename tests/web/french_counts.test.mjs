// Counts as French writes them (« 1 ligne », « 3 lignes », « aucune ligne »), with the app's one count helper
// (`plural` in web/logic.mjs), never « ligne(s) »: the helper, the texts built with it, and no « (s) » left in what
// the screens write.
//   node --test tests/web/
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

import { chainRows } from "../../web/audit_logic.mjs";
import { hiddenRowsText, refusalText } from "../../web/import_logic.mjs";
import { plural } from "../../web/logic.mjs";
import { exportJobText } from "../../web/exports_logic.mjs";

test("the count helper agrees the noun with its number, from two on, and says « aucune » when asked", () => {
  assert.equal(plural(1, "ligne"), "1 ligne");
  assert.equal(plural(3, "ligne"), "3 lignes");
  assert.equal(plural(0, "ligne"), "0 ligne");
  assert.equal(plural(0, "ligne", undefined, "aucune ligne"), "aucune ligne");
  assert.equal(plural(2, "journal altéré", "journaux altérés"), "2 journaux altérés");
});

test("an import's lines left out of the preview are counted, before sending and after a refusal", () => {
  assert.equal(hiddenRowsText(0, false), "");
  assert.equal(hiddenRowsText(1, false), "… et 1 autre ligne, envoyée avec celles-ci.");
  assert.equal(hiddenRowsText(12, false), "… et 12 autres lignes, envoyées avec celles-ci.");
  assert.equal(hiddenRowsText(1, true), "… et 1 autre ligne refusée.");
  assert.equal(hiddenRowsText(4, true), "… et 4 autres lignes refusées.");
  assert.match(refusalText(new Map([[2, []]]), []), /^1 ligne refusée \(voir ci-dessous\)\. /);
});

test("the export's progress counts its records and files, « aucun » before the first", () => {
  assert.equal(exportJobText({ status: "running", progress: { records: 1, files: 0 } }).text,
    "Export en cours : 1 enregistrement, aucun fichier à ce stade.");
});

test("an altered chain's problems not listed are « 1 autre », « 2 autres »", () => {
  const chain = (count) => ({ space: "s", kind: "manager", party_id: "mgr-a", verdict: "altered", problems: ["p"],
    problem_count: count });
  assert.deepEqual(chainRows({ chains: [chain(2), chain(3), chain(1)] }).map((r) => r.more),
    ["… et 1 autre", "… et 2 autres", ""]);
});

test("no screen writes a count with « (s) », nor a gender with « (e) »", () => {
  const web = new URL("../../web/", import.meta.url);
  const found = [];
  for (const name of readdirSync(web).filter((n) => n.endsWith(".mjs"))) {
    readFileSync(new URL(name, web), "utf8").split("\n").forEach((line, i) => {
      if (/^\s*\/\//.test(line)) return;  // a comment is read by developers only
      // « ligne(s) », « proposé(s). », not a call or a definition of a function of `s`: « f(s)) », « f(s) { »
      if (/\p{L}\((?:e?s|x|e)\)(?=[\s.,;:`"'!?…])(?!\s*\{)/u.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});
