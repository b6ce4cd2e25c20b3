// The reversibility export screen's texts (A8 reversibility, web/exports.mjs → exportJobText in web/logic.mjs):
// what a manager reads of its export job while it runs, once its archive is ready, and once it expired.
//   node --test tests/web/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { exportContents, exportFileName, exportJobText, sizeText } from "../../web/exports_logic.mjs";

test("a job being built is followed, and says how far it got", () => {
  assert.deepEqual(exportJobText({ status: "pending", progress: { records: 0, files: 0 } }),
    { text: "Export demandé : il démarre dans un instant.", follow: true });
  assert.deepEqual(exportJobText({ status: "running", progress: { records: 1200, files: 3 } }),
    { text: "Export en cours : 1200 enregistrements, 3 fichiers à ce stade.", follow: true });
});

test("a completed job is no longer followed and tells when, what and how big, on Paris's clock", () => {
  const done = exportJobText({ status: "completed", completed_at: "2026-12-06T15:20:00+00:00",
    progress: { records: 185, files: 16 }, archive_bytes: 27_800 });
  assert.equal(done.follow, false);
  assert.equal(done.text, "Export terminé le 06/12/2026 16:20 : 185 enregistrements, 16 fichiers, archive ZIP de 27,1 Kio.");
});

test("an expired archive asks for a new export", () => {
  assert.deepEqual(exportJobText({ status: "expired" }),
    { text: "Cette archive n'est plus disponible : lancez un nouvel export.", follow: false });
});

test("sizes are written the French way", () => {
  assert.equal(sizeText(812), "812 octets");
  assert.equal(sizeText(350 * 1024), "350 Kio");
  assert.equal(sizeText(1.25 * 1024 * 1024), "1,3 Mio");
});

test("the screen says what the archive holds for a manager and for a beneficiary (its needs, missions and their orders)", () => {
  assert.match(exportContents("manager"), /^commandes et leur historique, documents, devis, marchés, patrimoine/);
  assert.match(exportContents("beneficiary"), /^besoins et leurs versions, propositions, missions, commandes de vos missions/);
});

test("the beneficiary reaches the export screen from its navigation, as the manager does (export_space allows both)", () => {
  const app = readFileSync(new URL("../../web/app.js", import.meta.url), "utf8");
  const nav = app.slice(app.indexOf("const NAV = {"), app.indexOf("function header()"));
  for (const role of ["manager", "beneficiary"]) {
    const entries = nav.slice(nav.indexOf(`  ${role}: [`)).split(/\n  [a-z_]+: \[/)[0];  // up to the next role's
    assert.ok(entries.includes('["#/export", "Export"]'), role);
  }
  const routes = app.slice(app.indexOf("const ROUTES = {"), app.indexOf("function route()"));
  const beneficiary = routes.slice(routes.indexOf("beneficiary: ["), routes.indexOf("purchasing_body: ["));
  assert.ok(beneficiary.includes("exportScreen.renderExport(ctx)"));
  const python = readFileSync(new URL("../../functions/export_space.py", import.meta.url), "utf8");
  assert.ok(python.includes('roles=frozenset({"manager", "beneficiary"})'));
});

test("the archive is saved under its job's download name (its space and day), never its hash (A8)", () => {
  assert.equal(exportFileName({ job_id: "9f2c4e", download_name: "passerelle-export-rhone-habitat-2026-12-07.zip" }),
    "passerelle-export-rhone-habitat-2026-12-07.zip");
  assert.equal(exportFileName({ job_id: "9f2c4e" }), "passerelle-export.zip");
  const screen = readFileSync(new URL("../../web/exports.mjs", import.meta.url), "utf8");
  assert.match(screen, /download: exportFileName\(job\)/);
  assert.doesNotMatch(screen, /export-\$\{job\.job_id\}/);
});
