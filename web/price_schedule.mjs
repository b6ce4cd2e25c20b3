// « Barème de prix » (B17 purchasing-body report): the versions of the framework's price schedule in
// force and to come — date, fee rate of the central purchasing body, reference daily rate of each profile category —
// read by get_report?view=price_schedule; the purchasing body publishes the next version with the manager's import
// form (imports.mjs `importForm`: the file shown, sent once, refusals at their lines, a summary once done). Pure
// logic in price_schedule_logic.mjs (tests/web/price_schedule.test.mjs).
import { heldRights } from "./accounts_logic.mjs";
import { importForm } from "./imports.mjs";
import { formatEuros, isoToFrenchDate, todayFrenchIn } from "./logic.mjs";
import {
  PRICE_SCHEDULE_COLUMNS, PRICE_SCHEDULE_TEMPLATE, STATE_LABELS, earliestValidFrom, feeRateText, priceScheduleRequest,
  priceScheduleSummary, priceScheduleSummaryText, scheduleSections,
} from "./price_schedule_logic.mjs";
import { dateField, definitionList, errorBox, field, h, messagesOf, table } from "./ui.mjs";

// Whether the signed-in person publishes a version: the purchasing body's account holding agreements.write.
export function mayPublish(claims) {
  return claims?.role === "purchasing_body" && heldRights(claims).includes("agreements.write");
}

function versionSection(v) {
  const id = `bareme-${v.number}`;
  return h("section", { className: "price-version", "aria-labelledby": id, "data-version": v.version },
    h("h2", { id }, `Version ${v.version} — ${STATE_LABELS[v.state] ?? v.state}`),
    definitionList([["Applicable à partir du", isoToFrenchDate(v.valid_from)],
      ["Frais de la centrale", feeRateText(v.fee_rate_bps)], ["Catégories", String(v.lines.length)]]),
    table(["Catégorie", "Libellé", "TJM de référence HT"], v.lines.map((l) => h("tr", {},
      h("td", {}, l.category), h("td", {}, l.label), h("td", { className: "num" }, formatEuros(l.reference_daily_rate_cents)))),
    { label: `Version ${v.version}`, empty: "Aucune catégorie." }));
}

export async function renderPriceSchedule(ctx, notice = null) {
  const body = h("div", {}, h("p", {}, "Chargement…"));
  ctx.show("Barème de prix", body);
  let list;
  try {
    list = await ctx.call("get_report", { query: "view=price_schedule" });
  } catch (err) {
    if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
    return;
  }
  const { current, past, latest } = scheduleSections(list);
  body.replaceChildren(...[  // replaceChildren writes a null as « null »: the absent parts left out
    notice ? h("p", { className: "status", role: "status", id: "price-schedule-published" }, notice) : null,
    h("p", { className: "hint" }, "Les taux journaliers de référence (HT) mesurent le gain d'achat de chaque commande, "
      + "et les frais de la centrale son coût, selon la version en vigueur à la date de la commande. Une nouvelle "
      + "version s'applique à partir de sa date ; les précédentes restent inchangées."),
    ...current.map(versionSection),
    past.length ? h("details", {}, h("summary", {}, `Versions précédentes (${past.length})`), ...past.map(versionSection))
      : null,
    mayPublish(ctx.session.claims) ? publishForm(ctx, latest, list.today) : null].filter(Boolean));
}

// The next version: from the day after the latest version's, today (Paris) at the earliest; the summary compares it
// with the latest version (the one it follows), read with the list.
function publishForm(ctx, latest, todayIso) {
  const from = dateField({ name: "valid_from", label: "Applicable à partir du", required: true,
    value: isoToFrenchDate(earliestValidFrom(latest, todayIso ?? todayFrenchIn().split("/").reverse().join("-"))),
    hint: latest ? `Après le ${isoToFrenchDate(latest.valid_from)}, début de la version ${latest.version}` : null });
  const fee = field({ name: "fee_rate_bps", label: "Frais de la centrale (%)", required: true, inputmode: "decimal",
    value: latest ? feeRateText(latest.fee_rate_bps).replace(/\u00a0%$/, "") : "",
    hint: "Pourcentage du volume d'affaires, ex. 3,5" });
  const version = field({ name: "version", label: "Nom de la version (facultatif)", placeholder: "ex. 2027-01",
    hint: "Par défaut, la date d'application (AAAA-MM-JJ)." });
  return importForm(ctx, {
    id: "price-schedule-import", fn: "import_price_schedule", title: "Publier une nouvelle version",
    hint: "Le fichier donne toutes les catégories de la nouvelle version : catégorie de profil, libellé et taux "
      + "journalier de référence HT en euros (virgule décimale). Rien n'est enregistré si une ligne est refusée.",
    columns: PRICE_SCHEDULE_COLUMNS, template: PRICE_SCHEDULE_TEMPLATE, templateName: "modele-bareme.csv",
    listKey: "lines", fields: [from, fee, version], submitLabel: "Publier le barème",
    build: (read, digest) => priceScheduleRequest({ validFrom: from.input.value, feeRate: fee.input.value,
      version: version.input.value, read, bytesDigest: digest }),
    summary: (answer, read) => priceScheduleSummaryText(priceScheduleSummary(answer, read, latest), isoToFrenchDate),
    done: (text) => renderPriceSchedule(ctx, text),
  });
}
