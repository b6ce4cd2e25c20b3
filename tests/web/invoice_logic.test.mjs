// Reception and invoice logic of the web screens (web/invoice_logic.mjs). Run with `node --test tests/web/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  buildInvoice, invoiceTotals, invoiceableLines, lineNetCents, openReservations, parseReservations, receivableLines,
} from "../../web/invoice_logic.mjs";

const LINES = [{ line_id: "L1", quantity: "1", unit_price_cents: 8500 }, { line_id: "L2", quantity: "2.5", unit_price_cents: 4200 },
  { line_id: "L3", quantity: "1", unit_price_cents: 1000 }];

test("the client may receive the lines delivered and not received yet", () => {
  const completed = { state: "completed", lines: LINES, line_status: { L3: false }, reception: { L1: {} } };
  assert.deepEqual(receivableLines(completed).map((l) => l.line_id), ["L2"]);
  const inProgress = { state: "in_progress", lines: LINES, line_status: { L2: true }, reception: {} };
  assert.deepEqual(receivableLines(inProgress).map((l) => l.line_id), ["L2"]);
});

test("the contractor may invoice what was received and is not invoiced yet", () => {
  const order = { lines: LINES, reception: { L1: {}, L2: {} }, invoiced: { L2: "1.5" } };
  assert.deepEqual(invoiceableLines(order).map((l) => [l.line_id, l.remaining]), [["L1", "1"], ["L2", "1"]]);
  assert.deepEqual(invoiceableLines({ ...order, invoiced: { L1: "1", L2: "2.5" } }), []);
});

test("totals are computed as the platform does: half up, VAT once per rate", () => {
  assert.equal(lineNetCents("2.5", 4200), 10500);
  assert.equal(lineNetCents("0.333", 1001), 333);
  assert.deepEqual(invoiceTotals([{ quantity: "1", unit_price_cents: 8500, vat_rate: "10" },
    { quantity: "2.5", unit_price_cents: 4200, vat_rate: "10" }, { quantity: "1", unit_price_cents: 1005, vat_rate: "5.5" }]),
  { net: 20005, vat: 1955, total: 21960 });
});

test("the invoice form gives a SubmitInvoice, or the errors on their fields", () => {
  const values = { invoice_number: "F-2026-0042", issue_date: "10/03/2026", due_date: "", supplier_siret: "732 829 320 00074",
    supplier_name: "Plomberie Durand", supplier_vat_number: "fr44732829320",
    lines: [{ line_id: "L1", selected: true, quantity: "1", unit_price: "85,00", vat_rate: "10" },
      { line_id: "L2", selected: false, quantity: "2,5", unit_price: "42", vat_rate: "10" }] };
  const { invoice, errors } = buildInvoice(values, { managerId: "m", orderId: "o" });
  assert.deepEqual(errors, []);
  assert.deepEqual(invoice, { manager_id: "m", order_id: "o", invoice_number: "F-2026-0042", issue_date: "2026-03-10",
    supplier: { siret: "73282932000074", name: "Plomberie Durand", vat_number: "FR44732829320" },
    lines: [{ line_id: "L1", quantity: "1", unit_price_cents: 8500, vat_rate: "10" }],
    total_excl_tax_cents: 8500, vat_cents: 850, total_incl_tax_cents: 9350 });
  const bad = buildInvoice({ ...values, invoice_number: "", issue_date: "31/02/2026",
    lines: [{ line_id: "L1", selected: true, quantity: "x", unit_price: "abc", vat_rate: "10" }] }, {});
  assert.deepEqual(bad.errors.map((e) => e.field), ["$.invoice_number", "$.issue_date", "$.lines[0].quantity",
    "$.lines[0].unit_price_cents"]);
});

test("an invoice falling due before its issue date is named at « Échéance », nothing sent", () => {
  const values = { invoice_number: "FA-2026-0042", issue_date: "06/12/2026", due_date: "01/12/2026",
    supplier_siret: "73282932000074", supplier_name: "ACME Maintenance",
    lines: [{ line_id: "L1", selected: true, quantity: "1", unit_price: "85,00", vat_rate: "20" }] };
  const { invoice, errors } = buildInvoice(values, { managerId: "m", orderId: "o" });
  assert.equal(invoice, null);
  assert.deepEqual(errors.map((e) => [e.field, e.code, e.message]), [["$.due_date", "INVOICE_DUE_BEFORE_ISSUE",
    "L'échéance (01/12/2026) précède la date d'émission de la facture (06/12/2026)."]]);
  // due on its issue day, or later: sent
  assert.equal(buildInvoice({ ...values, due_date: "06/12/2026" }, {}).invoice.due_date, "2026-12-06");
  assert.equal(buildInvoice({ ...values, due_date: "05/01/2027" }, {}).invoice.due_date, "2027-01-05");
});

test("reservations are typed one per line, and the open ones are listed", () => {
  assert.deepEqual(parseReservations("Joint à reprendre\n\n  Peinture \n"), [{ description: "Joint à reprendre" },
    { description: "Peinture" }]);
  const order = { reception: { L1: { reservations: [{ reservation_id: "R1" }, { reservation_id: "R2", lifted_at: "x" }] } } };
  assert.deepEqual(openReservations(order).map((r) => r.reservation_id), ["R1"]);
});
