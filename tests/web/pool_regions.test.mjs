// « Statistiques du vivier » by region (B14; web/sourcing_logic.mjs poolRegions): the regions with professionals, by
// region code, then one line naming those with none, in alphabetical order (« Aucun professionnel : Corse,
// Guyane, … »), rather than a table of zeros.
import assert from "node:assert/strict";
import { test } from "node:test";

import { poolRegions } from "../../web/sourcing_logic.mjs";

const stats = { "01": { label: "Guadeloupe", count: 0 }, "03": { label: "Guyane", count: 0 },
  "11": { label: "Île-de-France", count: 4 }, "84": { label: "Auvergne-Rhône-Alpes", count: 2 },
  "94": { label: "Corse", count: 0 }, "53": { label: "Bretagne", count: 1 } };

test("the regions with professionals are the rows, by region code", () => {
  assert.deepEqual(poolRegions(stats).rows, [{ code: "11", label: "Île-de-France", count: 4 },
    { code: "53", label: "Bretagne", count: 1 }, { code: "84", label: "Auvergne-Rhône-Alpes", count: 2 }]);
});

test("those with none are named on one line, alphabetically in French", () => {
  assert.equal(poolRegions(stats).none, "Aucun professionnel : Corse, Guadeloupe, Guyane.");
  assert.equal(poolRegions({ "11": { label: "Île-de-France", count: 0 }, "28": { label: "Normandie", count: 0 },
    "44": { label: "Grand Est", count: 3 } }).none, "Aucun professionnel : Île-de-France, Normandie.");
});

test("every region with professionals: no line; none at all: no row, every region named", () => {
  assert.equal(poolRegions({ "11": { label: "Île-de-France", count: 1 } }).none, null);
  const empty = poolRegions({ "94": { label: "Corse", count: 0 }, "03": { label: "Guyane", count: 0 } });
  assert.deepEqual(empty.rows, []);
  assert.equal(empty.none, "Aucun professionnel : Corse, Guyane.");
  assert.deepEqual(poolRegions(undefined), { rows: [], none: null });
});
