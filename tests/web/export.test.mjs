// The reversibility export screen's texts (A8 reversibility, web/exports.mjs → exportJobText in web/logic.mjs):
// what a manager reads of its export job while it runs, once its archive is ready, and once it expired.
//   node --test tests/web/
import assert from "node:assert/strict";
import { test } from "node:test";

import { exportJobText, sizeText } from "../../web/logic.mjs";

test("a job being built is followed, and says how far it got", () => {
  assert.deepEqual(exportJobText({ status: "pending", progress: { records: 0, files: 0 } }),
    { text: "Export demandé : il démarre dans un instant.", follow: true });
  assert.deepEqual(exportJobText({ status: "running", progress: { records: 1200, files: 3 } }),
    { text: "Export en cours : 1200 enregistrement(s), 3 fichier(s) à ce stade.", follow: true });
});

test("a completed job is no longer followed and tells when, what and how big, on Paris's clock", () => {
  const done = exportJobText({ status: "completed", completed_at: "2026-12-06T15:20:00+00:00",
    progress: { records: 185, files: 16 }, archive_bytes: 27_800 });
  assert.equal(done.follow, false);
  assert.equal(done.text, "Export terminé le 06/12/2026 16:20 : 185 enregistrement(s), 16 fichier(s), archive ZIP de 27,1 Kio.");
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
