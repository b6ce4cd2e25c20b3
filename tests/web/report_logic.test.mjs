// The reporting screens (B6, B17): the period they open on, on Paris's calendar whatever the machine's zone, and
// the B17 report's rows as the purchasing body reads them (volume per quarter and year, price lines, return on
// investment, every order with its French state and its beneficiary's name).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bucketLabel, defaultPeriod, firstHalfYearReportText, priceLineRows, professionalMissionsText, reportedOrderRows, roiFacts,
  siretText, volumeRows,
} from "../../web/report_logic.mjs";

const nbsp = (text) => text.replace(/[\u202f\u00a0]/g, " ");

test("a report opens on 1 January to today in Paris, even at 23:30 UTC on New Year's Eve", () => {
  // 23:30 UTC on 31 December 2026 is already 1 January 2027 in Paris
  assert.deepEqual(defaultPeriod(new Date("2026-12-31T23:30:00Z")), { from: "01/01/2027", to: "01/01/2027" });
  assert.deepEqual(defaultPeriod(new Date("2026-12-06T15:00:00Z")), { from: "01/01/2026", to: "06/12/2026" });
});

test("B17 volume buckets are named in French: quarters and years", () => {
  assert.equal(bucketLabel("2026-Q1"), "1er trimestre 2026");
  assert.equal(bucketLabel("2026-Q4"), "4e trimestre 2026");
  assert.equal(bucketLabel("2026-03"), "mars 2026");
  assert.equal(bucketLabel("2026"), "2026");
  const rows = volumeRows({ quarters: [{ period: "2026-Q1", cents: 0, orders: 0 }, { period: "2026-Q2", cents: 2_190_000, orders: 1 }],
    years: [{ period: "2026", cents: 2_190_000, orders: 1 }] });
  assert.deepEqual(rows.map((r) => [r.step, r.period, r.orders, nbsp(r.amount)]), [
    ["Trimestre", "1er trimestre 2026", 0, "0,00 €"], ["Trimestre", "2e trimestre 2026", 1, "21 900,00 €"],
    ["Année", "2026", 1, "21 900,00 €"]]);
});

test("B17 price lines: share, reference rate (or « plusieurs » across versions) and gain; extra costs have none", () => {
  const rows = priceLineRows([
    { category: "CHEF-PROJET", label: "Chef de projet", days: 30, cents: 2_040_000, share_percent: 93.15,
      reference_daily_rate_cents: 75_000, gain_cents: 210_000, reference_cents: 2_250_000 },
    { category: "DEVELOPPEUR", label: "Développeur", days: 12.5, cents: 600_000, share_percent: 5,
      reference_daily_rate_cents: null, gain_cents: 25_000, reference_cents: 625_000 },
    { category: "FRAIS", label: "Frais annexes", days: 30, cents: 150_000, share_percent: 6.85,
      reference_daily_rate_cents: null, gain_cents: null, reference_cents: null }]);
  assert.deepEqual(rows.map((r) => [r.category, r.days, nbsp(r.amount), r.share, nbsp(r.reference), nbsp(r.gain)]), [
    ["CHEF-PROJET", "30 j", "20 400,00 €", "93,15 %", "750,00 €", "2 100,00 €"],
    ["DEVELOPPEUR", "12,5 j", "6 000,00 €", "5 %", "plusieurs", "250,00 €"],
    ["FRAIS", "30 j", "1 500,00 €", "6,85 %", "—", "—"]]);
});

test("B17 return on investment: fee rate, fees, gain and ROI in French", () => {
  assert.deepEqual(roiFacts({ fee_rate_bps: 200, fees_cents: 43_800, gain_cents: 210_000, roi_percent: 379.45 })
    .map(([k, v]) => [k, nbsp(v)]), [["Taux de frais", "2 %"], ["Frais", "438,00 €"], ["Gain d'achat", "2 100,00 €"],
    ["Retour sur investissement", "379,45 %"]]);
  assert.equal(roiFacts({ fee_rate_bps: null, fees_cents: 0, gain_cents: 0, roi_percent: null })[0][1], "plusieurs");
  assert.equal(roiFacts({ fee_rate_bps: 250, fees_cents: 0, gain_cents: 0, roi_percent: null })[3][1], "—");
});

test("B17 orders: the beneficiary by name, the state in French, a cancelled order listed but not counted", () => {
  const rows = reportedOrderRows({
    beneficiaries: [{ beneficiary_id: "ben-metropole-demo", name: "Métropole de démonstration" }],
    orders: [
      { order_id: "BC-1", beneficiary_id: "ben-metropole-demo", siret: "92443595100018", issued_on: "2026-12-06",
        state: "acknowledged", total_cents: 2_190_000, consumed_cents: 680_000, days: 30, counted: true },
      { order_id: "BC-2", beneficiary_id: "ben-inconnu", siret: "1", issued_on: "2026-12-01", state: "cancelled",
        total_cents: 100, consumed_cents: 0, days: 0.5, counted: false }] });
  assert.deepEqual(rows.map((r) => [r.orderId, r.beneficiary, r.state, r.days, r.counted]), [
    ["BC-1", "Métropole de démonstration", "pris en compte", "30", "oui"],
    ["BC-2", "ben-inconnu", "annulé", "0,5", "non"]]);
});

test("B17: a beneficiary whose record names no SIRET is reported, its SIRET told missing", () => {
  assert.equal(siretText("92443595100018"), "92443595100018");
  assert.equal(siretText(null), "manquant");
  assert.equal(siretText(undefined), "manquant");
  const [row] = reportedOrderRows({ beneficiaries: [{ beneficiary_id: "ben-nom", name: "Commune sans SIRET", siret: null }],
    orders: [{ order_id: "BC-3", beneficiary_id: "ben-nom", siret: null, issued_on: "2026-12-01", state: "issued",
      total_cents: 100, consumed_cents: 0, days: 1, counted: true }] });
  assert.deepEqual([row.beneficiary, row.siret], ["Commune sans SIRET", "manquant"]);
});

test("no half-year report yet: the page says which one comes first and when, the daily 06:00 run in Paris", () => {
  // 6 December 2026 at 16:00 in Paris: the next run is tomorrow at 06:00, and stores the first half of 2026
  assert.match(firstHalfYearReportText(new Date("2026-12-06T15:00:00Z")),
    /celui du 1er semestre 2026 \(janvier à juin\), sera enregistré le 07\/12\/2026 vers 6 h/);
  // 05:00 in Paris on 1 July 2027: the run of this morning already stores the half-year just ended
  assert.match(firstHalfYearReportText(new Date("2027-07-01T03:00:00Z")),
    /celui du 1er semestre 2027 \(janvier à juin\), sera enregistré le 01\/07\/2027/);
  // 23:30 UTC on 31 December 2026 is 00:30 on 1 January 2027 in Paris: the second half of 2026, that morning
  assert.match(firstHalfYearReportText(new Date("2026-12-31T23:30:00Z")),
    /celui du 2e semestre 2026 \(juillet à décembre\), sera enregistré le 01\/01\/2027/);
  // 30 June 2027 at 20:00 in Paris: tomorrow's run stores the half-year ending tonight, not the previous one
  assert.match(firstHalfYearReportText(new Date("2027-06-30T18:00:00Z")), /1er semestre 2027 .* le 01\/07\/2027/);
  assert.match(firstHalfYearReportText(new Date("2027-06-30T18:00:00Z")), /le 1er janvier et le 1er juillet\.$/);
});

test("B6: a professional's missions are named by their titles, their ids in parentheses, an id alone without one", () => {
  const anne = { mission_ids: ["n1-mission", "n3-mission"],
    mission_titles: { "n1-mission": "Mission : Recette du portail" } };
  assert.equal(professionalMissionsText(anne), "Recette du portail (n1-mission), n3-mission");  // « Missions » says it
  assert.equal(professionalMissionsText({ mission_ids: ["n2-mission"] }), "n2-mission");
  assert.equal(professionalMissionsText({}), "");
});
