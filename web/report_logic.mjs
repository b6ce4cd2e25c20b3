// Reporting screens (B6 beneficiary report, B17 purchasing-body report): the default period and the rows of
// the B17 report as the purchasing body reads them — volume per quarter and per year, the distribution across
// price lines, the return on investment, every order with its French state and its beneficiary's name. Pure
// functions of get_report's answer (no rule computed here: the figures are the platform's), tested by Node
// (tests/web/report_logic.test.mjs). Below, the charts' geometry (inline SVG drawn by ui.mjs) and the points and file
// name of the reports (web/reports.mjs; tests/web/logic_screens.test.mjs).
import { formatEuros, frenchDateTimeOf, fullMonthLabel, stateLabel } from "./logic.mjs";
import { missionLabel } from "./names_logic.mjs";

// The period a report opens on: 1 January of the current year to today, both on Paris's calendar (the
// platform's own default, docs/sourcing.md), whatever zone the browser's machine is set to.
export function defaultPeriod(now = new Date()) {
  const today = frenchDateTimeOf(now).slice(0, 10);  // "jj/mm/aaaa" in Paris
  return { from: `01/01/${today.slice(6)}`, to: today };
}

// "2026-Q2" → "2e trimestre 2026"; "2026" → "2026"; "2026-03" → "mars 2026".
export function bucketLabel(period) {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period ?? "");
  if (quarter) return `${quarter[2] === "1" ? "1er" : `${quarter[2]}e`} trimestre ${quarter[1]}`;
  return fullMonthLabel(period);
}

// B17 business volume per quarter then per year: [{ step, period, orders, amount }].
export function volumeRows(volume) {
  return [["Trimestre", volume?.quarters], ["Année", volume?.years]].flatMap(([step, buckets]) =>
    (buckets ?? []).map((b) => ({ step, period: bucketLabel(b.period), orders: b.orders, amount: formatEuros(b.cents) })));
}

const percentText = (value) => (value === null || value === undefined ? "—" : `${String(value).replace(".", ",")} %`);
const daysText = (value) => (value === null || value === undefined ? "—" : `${String(value).replace(".", ",")} j`);

// B17 distribution across price lines: category, label, days, amount, share of the volume, the reference daily
// rate (« plusieurs » when the period mixes price schedule versions), the purchasing gain (« — » when none applies).
export function priceLineRows(lines) {
  return (lines ?? []).map((p) => ({
    category: p.category, label: p.label, days: daysText(p.days), amount: formatEuros(p.cents),
    share: percentText(p.share_percent),
    reference: p.reference_daily_rate_cents !== null && p.reference_daily_rate_cents !== undefined
      ? formatEuros(p.reference_daily_rate_cents) : p.reference_cents !== null && p.reference_cents !== undefined
        ? "plusieurs" : "—",
    gain: p.gain_cents === null || p.gain_cents === undefined ? "—" : formatEuros(p.gain_cents),
  }));
}

// B17 return on investment: the fees at the fee rate against the purchasing gains.
export function roiFacts(roi) {
  if (!roi) return [];
  return [
    ["Taux de frais", roi.fee_rate_bps === null || roi.fee_rate_bps === undefined ? "plusieurs"
      : percentText(roi.fee_rate_bps / 100)],
    ["Frais", formatEuros(roi.fees_cents)],
    ["Gain d'achat", formatEuros(roi.gain_cents)],
    ["Retour sur investissement", percentText(roi.roi_percent)],
  ];
}

// A beneficiary's SIRET as the reports show it (B17 volume per SIRET): « manquant » when its record names none — the
// beneficiary is still reported, by its name.
export function siretText(siret) {
  return siret || "manquant";
}

// B17 every order of the period: its beneficiary by name (and SIRET), its French state, whether it counts in the
// business volume (a cancelled order is listed, not counted).
export function reportedOrderRows(report) {
  const names = new Map((report?.beneficiaries ?? []).map((b) => [b.beneficiary_id, b.name]));
  return (report?.orders ?? []).map((o) => ({
    orderId: o.order_id, beneficiary: names.get(o.beneficiary_id) ?? o.beneficiary_id, siret: siretText(o.siret),
    issuedOn: o.issued_on, state: stateLabel(o.state), days: o.days === null || o.days === undefined ? "—"
      : String(o.days).replace(".", ","),
    amount: formatEuros(o.total_cents), consumed: formatEuros(o.consumed_cents), counted: o.counted === false ? "non" : "oui",
  }));
}

// The stored half-year reports (B17), while none is stored: when the first one comes. Cloud Scheduler calls
// publish_half_year_report every day at 06:00 in Paris (infra/terraform/scheduler.tf); each run stores the last
// half-year ended there if it is missing. So the first report is that of the half-year ended by the next 06:00 run.
export function firstHalfYearReportText(now = new Date()) {
  const [date, time] = frenchDateTimeOf(now).split(" ");  // "jj/mm/aaaa", "hh:mm" in Paris
  const [d, m, y] = date.split("/").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + (time < "06:00" ? 0 : 1)));  // the next run's day
  const ended = day.getUTCMonth() < 6 ? { label: "2e semestre", months: "juillet à décembre", year: day.getUTCFullYear() - 1 }
    : { label: "1er semestre", months: "janvier à juin", year: day.getUTCFullYear() };  // the last ended on that day
  const on = `${String(day.getUTCDate()).padStart(2, "0")}/${String(day.getUTCMonth() + 1).padStart(2, "0")}/${day.getUTCFullYear()}`;
  return `Aucun rapport semestriel enregistré pour l'instant. Le premier, celui du ${ended.label} ${ended.year} `
    + `(${ended.months}), sera enregistré le ${on} vers 6 h (heure de Paris). Ensuite, chaque semestre écoulé est `
    + "enregistré le lendemain de sa fin : le 1er janvier et le 1er juillet.";
}

// B6: the missions of a professional who delivered, as the beneficiary's report names them — each by its title (its
// order's, get_report's mission_titles) without the « Mission : » its « Missions » column says already, its id in
// parentheses; the id alone when no title came.
export function professionalMissionsText(professional) {
  const titles = professional?.mission_titles ?? {};
  return (professional?.mission_ids ?? []).map((id) => missionLabel(titles[id], id, { labelled: true })).join(", ");
}

// --- charts (inline SVG drawn by app.js from this geometry) --------------------------------------
// Round maximum and ticks for an axis from 0 to max.
export function niceTicks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks.at(-1) < max) ticks.push(Number((ticks.at(-1) + step).toPrecision(12)));
  return ticks;
}

// points [{label, value}] → the geometry of a bar chart in a width × height box: bars (x, y, w, h),
// the y ticks (value, y) and the plot area. Pure numbers: app.js turns them into SVG elements.
export function barChart(points, { width = 640, height = 240, left = 64, bottom = 28, top = 12, right = 8 } = {}) {
  const values = points.map((p) => Math.max(0, Number(p.value) || 0));
  const ticks = niceTicks(Math.max(...values, 0));
  const top_ = ticks.at(-1) || 1;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const slot = points.length ? plotW / points.length : plotW;
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const bars = points.map((p, i) => {
    const h = (values[i] / top_) * plotH;
    return { label: p.label, value: values[i], x: left + i * slot + (slot - barW) / 2, y: top + plotH - h, w: barW, h,
      labelX: left + i * slot + slot / 2 };
  });
  return { width, height, plot: { x: left, y: top, w: plotW, h: plotH }, bars,
    ticks: ticks.map((value) => ({ value, y: top + plotH - (value / top_) * plotH })) };
}

// The same points as rows of a bar list (a phone's chart: one row per point, its label, its bar and its value in
// text, readable at any width where the SVG's labels would shrink to a few pixels): each bar's length in percent of
// the largest value; `empty` when no value is above zero (nothing to draw: the figure says so instead of an axis
// from 0 to 1).
export function barRows(points) {
  const values = points.map((p) => Math.max(0, Number(p.value) || 0));
  const max = Math.max(0, ...values);
  return { empty: !(max > 0),
    rows: points.map((p, i) => ({ label: p.label, value: values[i], percent: max > 0 ? (values[i] / max) * 100 : 0 })) };
}

// B6: revenue per month of a beneficiary report → chart points (euros).
export function revenuePoints(report) {
  return monthPoints((report?.revenue_months ?? []).map((m) => [m.month, m.cents / 100]));
}

// [["2026-04", value], …] → chart points labelled by month, the year shown only when they span several.
export function monthPoints(pairs) {
  const years = new Set(pairs.map(([month]) => String(month).slice(0, 4)));
  return pairs.map(([month, value]) => ({ label: monthLabel(month, years.size > 1), value }));
}

// "2026-04" → "avr. 2026" (or "avr." without the year).
export function monthLabel(month, withYear = true) {
  const match = /^(\d{4})-(\d{2})$/.exec(month ?? "");
  if (!match) return month ?? "";
  const names = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
  return withYear ? `${names[Number(match[2]) - 1]} ${match[1]}` : names[Number(match[2]) - 1];
}

// The file name a CSV download gets: "rapport-beneficiaire-2026-01-01-2026-06-30.csv".
export function reportFilename(view, from, to) {
  const kind = view === "purchasing_body" ? "centrale" : "beneficiaire";
  return `rapport-${kind}-${from}-${to}.csv`;
}
