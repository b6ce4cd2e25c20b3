// The purchasing body's « Barème de prix » (B17 purchasing-body report): the fee rate typed in percent
// sent in basis points, the versions in force and to come, the request of a new version and its summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  PRICE_SCHEDULE_COLUMNS, PRICE_SCHEDULE_TEMPLATE, earliestValidFrom, feeRateBps, feeRateText, priceScheduleRequest,
  priceScheduleSummary, priceScheduleSummaryText, scheduleSections,
} from "../../web/price_schedule_logic.mjs";
import { readImportFile } from "../../web/import_logic.mjs";
import { isoToFrenchDate } from "../../web/logic.mjs";

const NBSP = "\u00a0";

test("the fee rate typed in percent, French or not, is sent in basis points; anything else is refused", () => {
  assert.equal(feeRateBps("3,5"), 350);
  assert.equal(feeRateBps("3.5"), 350);
  assert.equal(feeRateBps(" 2 % "), 200);
  assert.equal(feeRateBps("0"), 0);
  assert.equal(feeRateBps("12,34"), 1234);
  assert.equal(feeRateBps("100"), 10_000);
  for (const bad of ["", "abc", "-1", "3,555", "100,01", "101", "3,5,1"]) assert.equal(feeRateBps(bad), null, bad);
});

test("a fee rate reads as French writes a percentage", () => {
  assert.equal(feeRateText(350), `3,5${NBSP}%`);
  assert.equal(feeRateText(200), `2${NBSP}%`);
  assert.equal(feeRateText(1234), `12,34${NBSP}%`);
  assert.equal(feeRateText(null), "—");
});

const LIST = { today: "2026-06-10", versions: [
  { version: "2026-01", number: 0, valid_from: "2026-01-01", fee_rate_bps: 200, state: "past", lines: [] },
  { version: "2026-03", number: 1, valid_from: "2026-03-01", fee_rate_bps: 250, state: "in_force", lines: [] },
  { version: "2026-09", number: 3, valid_from: "2026-09-01", fee_rate_bps: 300, state: "upcoming", lines: [] },
  { version: "2026-07", number: 2, valid_from: "2026-07-01", fee_rate_bps: 300, state: "upcoming", lines: [] }] };

test("the version in force comes first, then those to come by date; the past ones apart, the latest first", () => {
  const { current, past, latest } = scheduleSections(LIST);
  assert.deepEqual(current.map((v) => v.version), ["2026-03", "2026-07", "2026-09"]);
  assert.deepEqual(past.map((v) => v.version), ["2026-01"]);
  assert.equal(latest.version, "2026-09");
  assert.deepEqual(scheduleSections({ versions: [] }), { current: [], past: [], latest: null });
});

test("a new version is offered from the day after the latest one's, today at the earliest", () => {
  assert.equal(earliestValidFrom({ valid_from: "2026-09-01" }, "2026-06-10"), "2026-09-02");
  assert.equal(earliestValidFrom({ valid_from: "2026-01-01" }, "2026-06-10"), "2026-06-10");
  assert.equal(earliestValidFrom(null, "2026-06-10"), "2026-06-10");
});

const CSV = "category;label;reference_daily_rate\nCHEF-PROJET;Chef de projet;800,00\nDEVELOPPEUR;Développeur;600\n"
  + "DATA;Data scientist;720,00\n";

test("a CSV is sent as it is with the date, the fee rate in basis points and the version in the query", () => {
  const read = readImportFile("csv", CSV, "lines");
  const built = priceScheduleRequest({ validFrom: "01/07/2026", feeRate: "3,5", version: " 2026-07 ", read,
    bytesDigest: "abc" });
  assert.deepEqual(built.request, { query: "valid_from=2026-07-01&fee_rate_bps=350&version=2026-07", csv: true });
  assert.deepEqual(built.content, { valid_from: "2026-07-01", fee_rate_bps: 350, version: "2026-07", format: "csv",
    file: "abc" });
  // no version: the platform names it by its date
  assert.equal(priceScheduleRequest({ validFrom: "01/07/2026", feeRate: "2", version: "", read }).request.query,
    "valid_from=2026-07-01&fee_rate_bps=200");
});

test("a JSON file sends its lines in the body, a bare list too", () => {
  const lines = [{ category: "CHEF-PROJET", label: "Chef de projet", reference_daily_rate: "800,00" }];
  for (const text of [JSON.stringify({ lines }), JSON.stringify(lines)]) {
    const read = readImportFile("json", text, "lines");
    assert.deepEqual(priceScheduleRequest({ validFrom: "01/07/2026", feeRate: "0", version: "", read }).request,
      { json: { valid_from: "2026-07-01", fee_rate_bps: 0, lines } });
  }
});

test("a missing date, a fee rate that is not a percentage, a bad version name or no file: told at their fields", () => {
  const built = priceScheduleRequest({ validFrom: "", feeRate: "beaucoup", version: "ma version", read: null });
  assert.deepEqual(built.errors.map((e) => e.field), ["$.valid_from", "$.fee_rate_bps", "$.version", "file"]);
  assert.match(built.errors[1].message, /entre 0 et 100/);
  const empty = priceScheduleRequest({ validFrom: "31/02/2026", feeRate: "", version: "", read: readImportFile("csv", "category;label\n", "lines") });
  assert.deepEqual(empty.errors.map((e) => e.message), ["Date au format jj/mm/aaaa.", "Indiquez les frais de la centrale (%).",
    "Le fichier ne contient aucune ligne après son en-tête."]);
});

test("the summary compares the new version's categories with the previous one's", () => {
  const previous = { version: "2026-01", fee_rate_bps: 200, lines: [
    { category: "CHEF-PROJET", label: "Chef de projet", reference_daily_rate_cents: 75_000 },
    { category: "DEVELOPPEUR", label: "Développeur", reference_daily_rate_cents: 60_000 },
    { category: "ARCHITECTE-SI", label: "Architecte SI", reference_daily_rate_cents: 90_000 }] };
  const answer = { version: "2026-07", number: 1, valid_from: "2026-07-01", fee_rate_bps: 350, lines: 3 };
  const s = priceScheduleSummary(answer, readImportFile("csv", CSV, "lines"), previous);
  assert.deepEqual([s.created, s.changed, s.unchanged, s.removed], [1, 1, 1, 1]);
  assert.equal(priceScheduleSummaryText(s, isoToFrenchDate),
    `Version 2026-07 du barème publiée, applicable à partir du 01/07/2026, frais de la centrale 3,5${NBSP}% `
    + `(au lieu de 2${NBSP}%) : 3 catégories — 1 créée, 1 modifiée, 1 inchangée (par rapport à la version 2026-01) ; `
    + "1 catégorie de la version 2026-01 n'y figure plus.");
  const first = priceScheduleSummary({ ...answer, fee_rate_bps: 200 }, readImportFile("csv", CSV, "lines"), null);
  assert.equal(priceScheduleSummaryText(first, isoToFrenchDate), `Version 2026-07 du barème publiée, applicable à `
    + `partir du 01/07/2026, frais de la centrale 2${NBSP}% : 3 catégories — 3 créées, 0 modifiée, 0 inchangée.`);
});

test("the template is the file the platform takes: its columns, in UTF-8 with a BOM", () => {
  assert.ok(PRICE_SCHEDULE_TEMPLATE.startsWith("\ufeffcategory;label;reference_daily_rate\r\n"));
  const read = readImportFile("csv", PRICE_SCHEDULE_TEMPLATE.slice(1), "lines");
  assert.deepEqual(read.header, PRICE_SCHEDULE_COLUMNS.map((c) => c.name));
  assert.deepEqual(read.errors, []);
});
