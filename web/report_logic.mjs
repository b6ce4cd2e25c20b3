// Reporting screens (B6 beneficiary report, B17 purchasing-body report): the default period and the rows of
// the B17 report as the purchasing body reads them — volume per quarter and per year, the distribution across
// price lines, the return on investment, every order with its French state and its beneficiary's name. Pure
// functions of get_report's answer (no rule computed here: the figures are the platform's), tested by Node
// (tests/web/report_logic.test.mjs).
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

// B17 every order of the period: its beneficiary by name (and SIRET), its French state, whether it counts in the
// business volume (a cancelled order is listed, not counted).
export function reportedOrderRows(report) {
  const names = new Map((report?.beneficiaries ?? []).map((b) => [b.beneficiary_id, b.name]));
  return (report?.orders ?? []).map((o) => ({
    orderId: o.order_id, beneficiary: names.get(o.beneficiary_id) ?? o.beneficiary_id, siret: o.siret,
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
