// Reporting: a beneficiary's B6 report and the purchasing body's B17 report over a period, with
// charts drawn from the data (inline SVG) and the French CSV; the stored half-year reports.
import { formatDateTime, formatEuros, parseFrenchDate, plural } from "./logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { announce, barChartFigure, dateField, definitionList, errorBox, errorSlot, h, messagesOf, table } from "./ui.mjs";
import { reportShownText } from "./announce_logic.mjs";
import { todoBlock } from "./todo.mjs";
import {
  defaultPeriod, firstHalfYearReportText, priceLineRows, professionalMissionsText, reportedOrderRows, roiFacts,
  siretText, volumeRows, monthPoints, reportFilename, revenuePoints,
} from "./report_logic.mjs";

const euros = (v) => formatEuros(Math.round(v * 100)).replace(/,00\s€$/, " €");

function periodForm(ctx, view, render) {
  const period = defaultPeriod();  // Paris's calendar, whatever the machine's zone
  const from = dateField({ name: "from", label: "Du", required: true, value: period.from });
  const to = dateField({ name: "to", label: "Au", required: true, value: period.to });
  const slot = errorSlot(() => [from, to]);
  // not a live region: the whole report would be read out at each drawing; a short sentence is (announce)
  const out = h("div", { id: "report-body" });
  const form = h("form", { className: "filters", id: "period-form", "aria-label": "Période" }, from, to,
    h("button", { type: "submit" }, "Afficher"));
  const latest = latestOnly();  // the period asked last wins over a report still read (its answer or its error)
  async function load() {
    const turn = latest();
    slot.clear();
    const period = { from: parseFrenchDate(from.input.value), to: parseFrenchDate(to.input.value) };
    const errors = Object.entries(period).filter(([, v]) => !v).map(([k]) => ({ field: `$.${k}`,
      message: "Date au format jj/mm/aaaa." }));
    if (errors.length) return slot.show(errors);
    const query = new URLSearchParams({ view, ...period }).toString();
    try {
      const report = await turn(ctx.call("get_report", { query }));
      const csv = h("button", { type: "button", className: "secondary", onclick: async () => {
        try {
          await ctx.download("get_report", `${query}&format=csv`, reportFilename(view, period.from, period.to));
        } catch (err) { csv.after(errorBox(messagesOf(err))); }
      } }, "Télécharger le rapport (CSV)");
      out.replaceChildren(csv, render(report));
      announce(reportShownText(period));
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  load();
  return [slot.node, form, out];
}

// B6 (the requirement id stays here: users do not read requirement ids in titles).
export function renderBeneficiaryReport(ctx) {
  ctx.show("Rapport d'activité", periodForm(ctx, "beneficiary", beneficiaryReport));
}

function beneficiaryReport(r) {
  const delays = r.response_delays ?? {};
  return h("div", { className: "report" },
    definitionList([["Bénéficiaire", `${r.name} (SIRET ${siretText(r.siret)})`],
      ["Période", `${formatDateTime(r.period.start)} → ${formatDateTime(r.period.end)}`],
      ["Recherches validées", String(r.validated_searches?.length ?? 0)],
      ["Chiffre d'affaires de la période", formatEuros(r.revenue_cents)],
      ["Réponses en retard", `${r.late_answers?.late ?? 0} sur ${r.late_answers?.due ?? 0}`]]),
    h("div", { className: "charts" },
      barChartFigure({ title: "Chiffre d'affaires par mois (€ HT)", points: revenuePoints(r), format: euros,
        valueLabel: "Chiffre d'affaires" }),
      barChartFigure({ title: "Délais de réponse D4 (heures ouvrées)", valueLabel: "Heures ouvrées",
        format: (v) => `${Math.round(v * 10) / 10} h`, points: [
          { label: "Médiane", value: delays.median_working_hours ?? 0 }, { label: "P90", value: delays.p90_working_hours ?? 0 }] })),
    h("h2", {}, "Professionnels ayant réalisé une prestation"),
    // on a phone each professional a card, as the purchasing body's report rows (table's `cards`: cardLabels): its
    // name, then each column's name before its value
    table(["Professionnel", "Missions", "Services faits", "CA de la période", "CA cumulé"], (r.professionals ?? []).map((p) =>
      h("tr", {}, h("td", {}, p.name), h("td", {}, professionalMissionsText(p)),
        h("td", { className: "num" }, String(p.proofs_of_service)), h("td", { className: "num" }, formatEuros(p.period_cents)),
        h("td", { className: "num" }, formatEuros(p.cumulated_cents)))),
    { label: "Professionnels", empty: "Aucune prestation réalisée sur la période.", cards: {} }));
}

// B17.
export function renderPurchasingReport(ctx) {
  // « À faire » on top (B1, B17): nothing waits on the purchasing body — the block says so and what it consults
  ctx.show("Rapport de la centrale d'achat", todoBlock(ctx)?.node, periodForm(ctx, "purchasing_body", purchasingReport));
}

// A report table that is a card per row on a phone (table's `cards`: table.cards in style.css, cardLabels): its first
// cell, then each other one after its column's name (data-label) — not a table to scroll sideways, as the
// beneficiary's. `cells`: [text, numeric?] in column order.
function cardTable(headers, rows, options) {
  return table(headers, rows.map((cells) => h("tr", {}, cells.map(([text, num]) => h("td", num ? { className: "num" } : {},
    text)))), { ...options, cards: {} });
}

function purchasingReport(r) {
  const volume = monthPoints((r.volume?.months ?? []).map((m) => [m.period, m.cents / 100]));
  const gains = r.gains ?? {};
  return h("div", { className: "report" },
    definitionList([["Période", `${formatDateTime(r.period.start)} → ${formatDateTime(r.period.end)}`],
      ["Commandes", String(r.orders?.length ?? 0)],
      ["Volume d'affaires", `${formatEuros(r.volume?.cents)} (${plural(r.volume?.orders ?? 0, "commande", undefined, "aucune commande")}, annulées non comprises)`],
      ["Montant de référence", formatEuros(gains.reference_cents)],
      ["Montant contracté", formatEuros(gains.contracted_cents)],
      ["Gain d'achat", `${formatEuros(gains.gain_cents)}${gains.gain_percent === null || gains.gain_percent === undefined
        ? "" : ` (${String(gains.gain_percent).replace(".", ",")} %)`}`]]),
    h("div", { className: "charts" },
      barChartFigure({ title: "Volume d'affaires par mois (€ HT)", points: volume, format: euros,
        valueLabel: "Volume d'affaires" })),
    h("h2", {}, "Volume par trimestre et par année"),
    cardTable(["Pas", "Période", "Commandes", "Montant HT"], volumeRows(r.volume).map((v) => [[v.step], [v.period],
      [String(v.orders), true], [v.amount, true]]), { label: "Volume par trimestre et par année", empty: "Aucune commande." }),
    h("h2", {}, "Volume par bénéficiaire"),
    cardTable(["Bénéficiaire", "SIRET", "Commandes", "Montant"], (r.beneficiaries ?? []).map((b) => [[b.name], [siretText(b.siret)],
      [String(b.orders), true], [formatEuros(b.cents), true]]), { label: "Bénéficiaires", empty: "Aucune commande." }),
    h("h2", {}, "Répartition par ligne de prix"),
    h("p", { className: "hint" }, `Bordereau de prix : ${r.price_schedule_version ?? "—"}. Le gain compare les jours `
      + "au taux journalier de référence du bordereau en vigueur à la date de chaque commande."),
    cardTable(["Catégorie", "Libellé", "Jours", "Montant HT", "Part du volume", "TJM de référence", "Gain"],
      priceLineRows(r.price_lines).map((p) => [[p.category], [p.label], [p.days, true], [p.amount, true], [p.share, true],
        [p.reference, true], [p.gain, true]]),
      { label: "Répartition par ligne de prix", empty: "Aucune commande sur la période." }),
    h("h2", {}, "Retour sur investissement"),
    definitionList(roiFacts(r.roi)),
    h("h2", {}, "Commandes"),
    cardTable(["Commande", "Bénéficiaire", "SIRET", "Émise le", "État", "Jours", "Montant", "Consommé", "Compté"],
      reportedOrderRows(r).map((o) => [[o.orderId], [o.beneficiary], [o.siret], [formatDateTime(o.issuedOn)], [o.state],
        [o.days, true], [o.amount, true], [o.consumed, true], [o.counted]]),
      { label: "Commandes", empty: "Aucune commande sur la période." }));
}

// B17 half-year reports; while none is stored, when the first one comes (firstHalfYearReportText).
export async function renderHalfYears(ctx) {
  const body = h("div", {}, h("p", {}, "Chargement…"));
  ctx.show("Rapports semestriels enregistrés", h("p", { className: "hint" },
    "Chaque semestre écoulé est enregistré une fois (JSON et CSV) ; les liens valent 15 minutes."), body);
  try {
    const list = await ctx.call("get_report", { query: "view=half_year_reports" });
    body.replaceChildren(table(["Semestre", "Période", "Commandes", "Volume", "Gain", "Fichiers"], list.reports.map((r) =>
      h("tr", {}, h("td", {}, r.half_year), h("td", {}, `${formatDateTime(r.period.start)} → ${formatDateTime(r.period.end)}`),
        h("td", { className: "num" }, String(r.orders)), h("td", { className: "num" }, formatEuros(r.volume_cents)),
        h("td", { className: "num" }, formatEuros(r.gain_cents)),
        h("td", {}, h("a", { href: r.csv_url, rel: "noopener noreferrer" }, `CSV ${r.half_year}`), " · ",
          h("a", { href: r.json_url, rel: "noopener noreferrer" }, `JSON ${r.half_year}`)))),
    { label: "Rapports semestriels", empty: firstHalfYearReportText() }));
  } catch (err) {
    if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
  }
}
