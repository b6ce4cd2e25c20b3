// Reception and invoices (B7, B10): the pure logic of the web screens — which lines may be received
// or invoiced now, an invoice's totals as the platform computes them (half-up, VAT once per rate),
// and the SubmitInvoice body with the errors a person can fix before sending. Tested by Node
// (tests/web/invoice_logic.test.mjs); the platform checks everything again (docs/invoicing.md).
import { eurosToCents, formatEuros, parseFrenchDate } from "./logic.mjs";

export const VAT_RATES = Object.freeze(["20", "10", "5.5", "2.1"]);
export const INVOICE_KINDS = Object.freeze({ invoice: "facture", credit_note: "avoir" });

const RECEIVABLE_STATES = new Set(["completed", "received", "invoiced"]);

// Lines the client may receive now: not received yet, not reported not done; before the end of the
// work only lines reported done (a mission's milestones).
export function receivableLines(order) {
  const reception = order.reception ?? {};
  const status = order.line_status ?? {};
  const anyLine = RECEIVABLE_STATES.has(order.state);
  return order.lines.filter((l) => !(l.line_id in reception) && status[l.line_id] !== false
    && (anyLine || status[l.line_id] === true));
}

// Lines the contractor may invoice now: received, with quantity left to invoice.
export function invoiceableLines(order) {
  const reception = order.reception ?? {};
  return order.lines.filter((l) => l.line_id in reception).map((l) => {
    const left = thousandths(l.quantity) - thousandths(order.invoiced?.[l.line_id] ?? "0");
    return { ...l, remaining: fromThousandths(left) };
  }).filter((l) => thousandths(l.remaining) > 0);
}

export function openReservations(order) {
  return Object.values(order.reception ?? {}).flatMap((r) => r.reservations ?? []).filter((r) => !r.lifted_at);
}

// "1,5" → 1500 (thousandths), null when not a quantity with at most 3 decimals.
export function thousandths(text) {
  const clean = String(text ?? "").trim().replace(",", ".");
  if (!/^\d+(\.\d{1,3})?$/.test(clean)) return null;
  const [whole, decimals = ""] = clean.split(".");
  return Number(whole) * 1000 + Number(decimals.padEnd(3, "0"));
}

function fromThousandths(value) {
  const whole = Math.floor(value / 1000);
  const rest = String(value % 1000).padStart(3, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}

// Net amount of a line in cents: quantity × unit price, rounded half up (as the platform).
export function lineNetCents(quantity, unitPriceCents) {
  const q = thousandths(quantity);
  return q === null || unitPriceCents === null ? null : Math.floor((q * unitPriceCents + 500) / 1000);
}

// An order line's quantity × unit price, as the order screen shows it beside its amount: « 2 U × 45,00 € »,
// « 2,5 h × 38,00 € » (French decimal comma and euros, the unit as the order names it; none: the quantity alone).
export function lineCalculationText(line) {
  const quantity = String(line?.quantity ?? "").trim().replace(".", ",");
  const unit = String(line?.unit ?? "").trim();
  return `${quantity}${unit ? ` ${unit}` : ""} × ${formatEuros(line?.unit_price_cents)}`;
}

// An order line's amount excluding tax, in cents, as the platform computes it (half up: lineNetCents).
export function lineAmountCents(line) {
  return lineNetCents(line?.quantity, line?.unit_price_cents ?? null);
}

// Totals of invoice lines [{quantity, unit_price_cents, vat_rate}]: VAT computed once per rate.
export function invoiceTotals(lines) {
  const bases = new Map();
  let net = 0;
  for (const line of lines) {
    const amount = lineNetCents(line.quantity, line.unit_price_cents) ?? 0;
    net += amount;
    bases.set(line.vat_rate, (bases.get(line.vat_rate) ?? 0) + amount);
  }
  let vat = 0;
  for (const [rate, base] of bases) vat += Math.floor((base * Math.round(Number(rate) * 10) + 500) / 1000);
  return { net, vat, total: net + vat };
}

function clientError(field, code, message) {
  return { field, code, message };
}

// B10: the seller the invoice form offers — what the platform's registry holds of the contractor reading the order
// (get_invoices' ``supplier``: the SIRET and name it was registered with), still editable; blank when it holds none.
export function supplierDefaults(supplier) {
  return { siret: String(supplier?.siret ?? "").replace(/\s/g, ""), name: String(supplier?.name ?? "").trim() };
}

// The invoice form's values → a SubmitInvoice body (totals computed), or the errors to fix first.
// values: {invoice_number, issue_date, due_date (jj/mm/aaaa), supplier_siret, supplier_name,
// supplier_vat_number, lines: [{line_id, selected, quantity, unit_price (€), vat_rate}]}
export function buildInvoice(values, { managerId, orderId }) {
  const errors = [];
  const number = String(values.invoice_number ?? "").trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,19}$/.test(number)) {
    errors.push(clientError("$.invoice_number", "INVALID_FORMAT",
      "Numéro de facture : 20 caractères au plus (lettres, chiffres, . _ - /)."));
  }
  const issue = parseFrenchDate(values.issue_date);
  if (!issue) errors.push(clientError("$.issue_date", "INVALID_FORMAT", "Date au format jj/mm/aaaa."));
  const due = String(values.due_date ?? "").trim() ? parseFrenchDate(values.due_date) : null;
  if (String(values.due_date ?? "").trim() && !due) {
    errors.push(clientError("$.due_date", "INVALID_FORMAT", "Date au format jj/mm/aaaa."));
  } else if (due && issue && due < issue) {  // the platform's INVOICE_DUE_BEFORE_ISSUE, said before sending
    errors.push(clientError("$.due_date", "INVOICE_DUE_BEFORE_ISSUE",
      `L'échéance (${values.due_date.trim()}) précède la date d'émission de la facture (${values.issue_date.trim()}).`));
  }
  const siret = String(values.supplier_siret ?? "").replace(/\s/g, "");
  if (!/^\d{14}$/.test(siret)) errors.push(clientError("$.supplier.siret", "INVALID_SIRET", "SIRET : 14 chiffres."));
  const name = String(values.supplier_name ?? "").trim();
  if (!name) errors.push(clientError("$.supplier.name", "REQUIRED", "Indiquez la raison sociale."));
  const vatNumber = String(values.supplier_vat_number ?? "").replace(/\s/g, "").toUpperCase();
  const lines = [];
  (values.lines ?? []).filter((l) => l.selected).forEach((row) => {
    const at = `$.lines[${lines.length}]`;
    const quantity = String(row.quantity ?? "").trim().replace(",", ".");
    const price = eurosToCents(row.unit_price);
    if (thousandths(quantity) === null || thousandths(quantity) === 0) {
      errors.push(clientError(`${at}.quantity`, "INVALID_FORMAT", "La quantité est un nombre positif (3 décimales au plus)."));
    }
    if (price === null) errors.push(clientError(`${at}.unit_price_cents`, "INVALID_FORMAT", "Prix unitaire en euros, par exemple 85,00."));
    lines.push({ line_id: row.line_id, quantity, unit_price_cents: price, vat_rate: row.vat_rate });
  });
  if (!lines.length) errors.push(clientError("$.lines", "REQUIRED", "Cochez au moins une ligne à facturer."));
  if (errors.length) return { invoice: null, errors };
  const totals = invoiceTotals(lines);
  const invoice = { manager_id: managerId, order_id: orderId, invoice_number: number, issue_date: issue,
    supplier: { siret, name, ...(vatNumber ? { vat_number: vatNumber } : {}) }, lines,
    total_excl_tax_cents: totals.net, vat_cents: totals.vat, total_incl_tax_cents: totals.total };
  if (due) invoice.due_date = due;
  return { invoice, errors };
}

// "Joint à reprendre\nPeinture" → [{description}…], one reservation per non-empty line.
export function parseReservations(text) {
  return String(text ?? "").split(/\r?\n/).map((s) => s.trim()).filter(Boolean).map((description) => ({ description }));
}
