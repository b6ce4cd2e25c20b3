// Pure logic of the purchasing body's « Barème de prix » (B17 purchasing-body report): the versions
// read by get_report?view=price_schedule, and the next version published through import_price_schedule with the
// manager's import form (web/imports.mjs `importForm`, the file read by web/import_logic.mjs). No DOM, no network —
// tested with `node --test tests/web/` (tests/web/price_schedule.test.mjs).
import { parseFrenchDate, plural } from "./logic.mjs";
import { priceCents } from "./import_logic.mjs";

// The columns of the file, as import_price_schedule reads them (shared/domain/sourcing/price_schedule.py COLUMNS).
export const PRICE_SCHEDULE_COLUMNS = Object.freeze([
  { name: "category", label: "Catégorie" }, { name: "label", label: "Libellé" },
  { name: "reference_daily_rate", label: "TJM de référence HT (€)" },
]);

// The template offered for download (UTF-8 with a BOM, so that a spreadsheet opens it as UTF-8): the award's
// categories, as docs/sourcing.md names them.
export const PRICE_SCHEDULE_TEMPLATE = "\ufeffcategory;label;reference_daily_rate\r\n"
  + "CHEF-PROJET;Chef de projet;750,00\r\nCONSULTANT-AMOA;Consultant AMOA;650,00\r\nDEVELOPPEUR;Développeur;600,00\r\n";

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

// « 3,5 » (%, a comma or a point, at most two decimals, 0 to 100) → 350 basis points; else null.
export function feeRateBps(text) {
  const clean = String(text ?? "").replace(/[\u00a0\u202f %]/g, "").replace(",", ".");
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(clean)) return null;
  const [units, decimals = ""] = clean.split(".");
  const bps = Number(units) * 100 + Number((decimals + "00").slice(0, 2));
  return bps <= 10_000 ? bps : null;
}

// 350 → « 3,5 % », 200 → « 2 % », 1234 → « 12,34 % » (a narrow no-break space before the sign, as French writes it).
export function feeRateText(bps) {
  if (bps === null || bps === undefined) return "—";
  return `${new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 }).format(bps / 100)}\u00a0%`;
}

export const STATE_LABELS = Object.freeze({ in_force: "En vigueur", upcoming: "À venir", past: "Précédente" });

// The versions to show first — in force, then those to come (by date) — and the past ones, latest first.
export function scheduleSections(list) {
  const versions = [...(list?.versions ?? [])].sort((a, b) => a.valid_from.localeCompare(b.valid_from));
  return { current: versions.filter((v) => v.state !== "past"),
    past: versions.filter((v) => v.state === "past").reverse(), latest: versions.at(-1) ?? null };
}

// The earliest date a new version may take (the platform refuses an earlier one): the day after the latest
// version's, today (Paris, ISO) at the earliest.
export function earliestValidFrom(latest, todayIso) {
  const dayAfter = latest ? new Date(Date.parse(`${latest.valid_from}T00:00:00Z`) + 86400000).toISOString().slice(0, 10) : null;
  return dayAfter && dayAfter > todayIso ? dayAfter : todayIso;
}

// The request of an import, or the errors to fix before sending (each at its field, in French).
// → { request: { query, csv } | { json }, content } | { errors }
export function priceScheduleRequest({ validFrom, feeRate, version, read, bytesDigest }) {
  const errors = [];
  const from = parseFrenchDate(validFrom);
  const bps = feeRateBps(feeRate);
  const label = String(version ?? "").trim();
  if (!from) errors.push({ field: "$.valid_from", message: validFrom?.trim() ? "Date au format jj/mm/aaaa." : "Indiquez la date d'application." });
  if (bps === null) {
    errors.push({ field: "$.fee_rate_bps", message: String(feeRate ?? "").trim()
      ? "Un pourcentage entre 0 et 100, deux décimales au plus (ex. 3,5)." : "Indiquez les frais de la centrale (%)." });
  }
  if (label && !VERSION.test(label)) {
    errors.push({ field: "$.version", message: "32 caractères au plus : lettres, chiffres, « . », « _ » ou « - » (ex. 2027-01)." });
  }
  if (!read) errors.push({ field: "file", message: "Choisissez le fichier du barème (CSV ou JSON)." });
  else errors.push(...read.errors);
  if (errors.length) return { errors };
  const content = { valid_from: from, fee_rate_bps: bps, version: label || null, format: read.format, file: bytesDigest };
  if (read.format === "csv") {
    const query = new URLSearchParams({ valid_from: from, fee_rate_bps: String(bps), ...(label ? { version: label } : {}) });
    return { content, request: { query: query.toString(), csv: true } };
  }
  const lines = Array.isArray(read.data) ? read.data : read.data.lines;
  return { content, request: { json: { ...(label ? { version: label } : {}), valid_from: from, fee_rate_bps: bps, lines } } };
}

// After a success: the file's categories compared with the previous version (the latest before it: `previous`,
// as get_report?view=price_schedule gives it, or null) — created, changed (label or rate), unchanged — and the
// previous categories the new version no longer holds.
export function priceScheduleSummary(answer, read, previous) {
  const before = new Map((previous?.lines ?? []).map((l) => [l.category, l]));
  const counts = { created: 0, changed: 0, unchanged: 0, removed: 0 };
  const seen = new Set();
  for (const { cells } of read.rows) {
    const category = String(cells.category ?? "").trim();
    seen.add(category);
    const old = before.get(category);
    if (!old) counts.created += 1;
    else if (String(cells.label ?? "").trim() === old.label
      && priceCents(cells.reference_daily_rate) === old.reference_daily_rate_cents) counts.unchanged += 1;
    else counts.changed += 1;
  }
  counts.removed = [...before.keys()].filter((c) => !seen.has(c)).length;
  return { version: answer.version, validFrom: answer.valid_from, feeRateBps: answer.fee_rate_bps, lines: answer.lines,
    previous: previous?.version ?? null, previousFeeRateBps: previous?.fee_rate_bps ?? null, ...counts };
}

export function priceScheduleSummaryText(s, frenchDate) {
  const against = s.previous ? ` (par rapport à la version ${s.previous})` : "";
  const removed = s.removed ? ` ; ${plural(s.removed, "catégorie")} de la version ${s.previous} n'y figure${s.removed > 1 ? "nt" : ""} plus` : "";
  const fee = s.previousFeeRateBps === null || s.previousFeeRateBps === s.feeRateBps ? feeRateText(s.feeRateBps)
    : `${feeRateText(s.feeRateBps)} (au lieu de ${feeRateText(s.previousFeeRateBps)})`;
  return `Version ${s.version} du barème publiée, applicable à partir du ${frenchDate(s.validFrom)}, frais de la `
    + `centrale ${fee} : ${plural(s.lines, "catégorie")} — ${plural(s.created, "créée")}, ${plural(s.changed, "modifiée")}, `
    + `${plural(s.unchanged, "inchangée")}${against}${removed}.`;
}
