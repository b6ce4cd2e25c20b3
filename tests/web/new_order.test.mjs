// « Nouvelle commande » (A2.3 orders, web/new_order.mjs → web/new_order_logic.mjs): the order id, the contract's
// options, the catalogue's lines and their totals as the platform computes them, the site with and without a
// property tree (A7), the requested dates, the billing account's buyer, the body receive_order gets, and the
// Idempotency-Key and issued_at kept for a retry.
//   node --test tests/web/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  IDENTIFIER, billingAccountOptions, billingAccountsOf, catalogueItems, catalogueLines, contractFactsText, contractOptions,
  keepsOrderAttempt, linesTotalCents, lotOptions, newOrderContent, newOrderId, orderAttempt, orderBody, orderHref,
  publicInvoicingOf, requestedDates, siteOf,
} from "../../web/new_order_logic.mjs";
import { activeNodes } from "../../web/coverage_logic.mjs";

const CATALOGUE = { contract_id: "AC-1", in_force: { version: 3, items: {
  "PLB-024": { code: "PLB-024", label: "Remplacement siphon", unit: "U", unit_price_cents: 4200, vat_rate: "10" },
  "PLB-010": { code: "PLB-010", label: "Recherche de fuite", unit: "U", unit_price_cents: 8500, vat_rate: "10" },
  "PEI-100": { code: "PEI-100", label: "Peinture murs", unit: "m2", unit_price_cents: 1333, vat_rate: "20" },
} } };
const CONTRACT = { contract_id: "AC-1", contractor_id: "ctr-acme", status: "active", starts_on: "2026-01-01",
  ends_on: "2029-12-31", lots: [{ code: "LOT2", label: "Plomberie" }] };
const ACCOUNT = { billing_account_id: "CF-69-01", contract_ids: ["AC-1", "AC-9"],
  legal_entity: { name: "Rhône Habitat", siret: "21690123100011" } };

test("the order id generated is the Paris day and 6 random characters, in a form the Identifier pattern accepts", () => {
  // 23:30 UTC on 31 December is already 1 January in Paris
  const id = newOrderId(new Date("2026-12-31T23:30:00Z"), Uint8Array.from([0, 1, 31, 32, 255, 200]));
  assert.equal(id, "BC-20270101-AB9A9J");
  assert.match(id, IDENTIFIER);
  for (let i = 0; i < 200; i += 1) {
    assert.match(newOrderId(new Date(), crypto.getRandomValues(new Uint8Array(6))), /^BC-\d{8}-[A-HJ-NP-Z2-9]{6}$/);
  }
  // the same pattern as shared/domain/base.py's Identifier
  const python = readFileSync(new URL("../../shared/domain/base.py", import.meta.url), "utf8");
  assert.ok(python.includes('Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}$")]'));
  assert.ok(!IDENTIFIER.test("-BC") && !IDENTIFIER.test("BC 1") && !IDENTIFIER.test("x".repeat(65)));
});

test("the contracts are offered with their contractor, their dates under the picker; a contract not active says so; lots", () => {
  assert.deepEqual(contractOptions([{ ...CONTRACT, contract_id: "AC-2", status: "suspended" }, CONTRACT]), [
    { value: "AC-1", label: "AC-1 — ctr-acme" },
    { value: "AC-2", label: "AC-2 — ctr-acme, suspendu" },
  ]);
  // short enough for a phone's select (about 33 characters at 16 px in 285 px): the dates said once chosen
  assert.equal(contractFactsText(CONTRACT), "Prestataire : ctr-acme — marché du 01/01/2026 au 31/12/2029");
  assert.equal(contractFactsText({ ...CONTRACT, contractor_name: "ACME Maintenance", starts_on: null, ends_on: null }),
    "Prestataire : ACME Maintenance");
  assert.equal(contractFactsText(null), "");
  assert.deepEqual(lotOptions(CONTRACT), [{ value: "LOT2", label: "LOT2 — Plomberie" }]);
  assert.deepEqual(lotOptions({ lots: [] }), []);
});

test("A14: the lines are the catalogue's items given a quantity, priced as the catalogue says, numbered as sent", () => {
  const items = catalogueItems(CATALOGUE);
  assert.deepEqual(items.map((i) => i.code), ["PEI-100", "PLB-010", "PLB-024"]);
  assert.deepEqual(catalogueItems({ in_force: null }), []);
  const read = catalogueLines(items, { "PLB-010": "1", "PLB-024": "2,5", "PEI-100": " " });
  assert.deepEqual(read.errors, []);
  assert.deepEqual(read.lines, [
    { line_id: "L1", service_code: "PLB-010", label: "Recherche de fuite", quantity: "1", unit: "U", unit_price_cents: 8500 },
    { line_id: "L2", service_code: "PLB-024", label: "Remplacement siphon", quantity: "2.5", unit: "U", unit_price_cents: 4200 },
  ]);
  assert.deepEqual(read.positions, { "PLB-010": 0, "PLB-024": 1 });
  assert.equal(read.totalCents, 8500 + 10500);
});

test("amounts are rounded half up per line and summed, as OrderLine.amount_cents and Order.total_cents", () => {
  // 1.5 × 13.33 € = 19.995 € → 20.00 € (half up, not banker's rounding); 0.125 × 13.33 € = 1.66625 € → 1.67 €
  const read = catalogueLines(catalogueItems(CATALOGUE), { "PEI-100": "1,5" });
  assert.equal(read.amounts["PEI-100"], 2000);
  assert.equal(catalogueLines(catalogueItems(CATALOGUE), { "PEI-100": "0.125" }).totalCents, 167);
  assert.equal(linesTotalCents([{ quantity: "1.5", unit_price_cents: 1333 }, { quantity: "2", unit_price_cents: 100 }]), 2200);
});

test("a bad quantity is told at its line before sending, and an order without any line is refused", () => {
  const read = catalogueLines(catalogueItems(CATALOGUE), { "PLB-010": "2", "PLB-024": "0" });
  assert.deepEqual(read.errors.map((e) => [e.field, e.message]), [["$.lines[1].quantity",
    "La quantité est un nombre positif (3 décimales au plus), par exemple 2 ou 1,5."]]);
  assert.equal(catalogueLines(catalogueItems(CATALOGUE), { "PLB-010": "1.2345" }).errors[0].field, "$.lines[0].quantity");
  assert.deepEqual(catalogueLines(catalogueItems(CATALOGUE), {}).errors.map((e) => [e.field, e.message]),
    [["$.lines", "Indiquez la quantité d'au moins une prestation du catalogue."]]);
});

test("A7: with a tree in force the site is the node chosen, its label the node's unless typed", () => {
  const nodes = [{ node_id: "LYON-BAT-A", label: "Bâtiment A" }];
  assert.deepEqual(siteOf({ treeInForce: true, nodeId: "LYON-BAT-A" }, nodes),
    { site: { node_id: "LYON-BAT-A", label: "Bâtiment A" }, errors: [] });
  assert.deepEqual(siteOf({ treeInForce: true, nodeId: "LYON-BAT-A", label: "Bât. A, hall" }, nodes).site,
    { node_id: "LYON-BAT-A", label: "Bât. A, hall" });
  assert.deepEqual(siteOf({ treeInForce: true, nodeId: "" }, nodes).errors.map((e) => [e.field, e.message]),
    [["$.site.node_id", "Choisissez l'élément du patrimoine."]]);
});

test("A7: without a tree the site is the manager's own reference, label, address and commune, checked first", () => {
  assert.deepEqual(siteOf({ treeInForce: false, nodeId: " RES-12 ", label: "Résidence 12", address: "12 rue Garibaldi",
    commune: "2a004" }).site, { node_id: "RES-12", label: "Résidence 12", address: "12 rue Garibaldi", commune: "2A004" });
  const bad = siteOf({ treeInForce: false, nodeId: "rés 12", commune: "6938" });
  assert.deepEqual(bad.errors.map((e) => e.field), ["$.site.node_id", "$.site.commune"]);
  assert.equal(siteOf({ treeInForce: false }).errors[0].message, "Indiquez la référence du site (votre identifiant du lieu).");
});

test("the requested dates are French calendar dates, optional, the end not before the start", () => {
  assert.deepEqual(requestedDates("05/03/2026", "06/03/2026"),
    { dates: { requested_start: "2026-03-05", requested_end: "2026-03-06" }, errors: [] });
  assert.deepEqual(requestedDates("", ""), { dates: {}, errors: [] });
  assert.deepEqual(requestedDates("06/03/2026", "05/03/2026").errors.map((e) => [e.field, e.message]),
    [["$.requested_end", "La fin souhaitée précède le début souhaité."]]);
  assert.deepEqual(requestedDates("31/02/2026", "").errors.map((e) => e.field), ["$.requested_start"]);
});

test("A2.2: the billing accounts of the contract are offered; the one chosen names the public buyer", () => {
  const other = { ...ACCOUNT, billing_account_id: "CF-01", contract_ids: ["AC-9"] };
  const own = billingAccountsOf([other, ACCOUNT], "AC-1");
  assert.deepEqual(own.map((a) => a.billing_account_id), ["CF-69-01"]);
  assert.deepEqual(billingAccountOptions(own), [{ value: "CF-69-01", label: "Rhône Habitat — CF-69-01 (SIRET 21690123100011)" }]);
  assert.deepEqual(publicInvoicingOf(ACCOUNT, { serviceCode: "SERVICE-TECHNIQUE", engagementNumber: " EJ-1 " }),
    { errors: [], publicInvoicing: { buyer_siret: "21690123100011", buyer_name: "Rhône Habitat",
      service_code: "SERVICE-TECHNIQUE", engagement_number: "EJ-1" } });
  assert.deepEqual(publicInvoicingOf(null), { errors: [] });
  assert.equal(publicInvoicingOf(null, { engagementNumber: "EJ-1" }).errors[0].field, "$.public_invoicing");
});

const parts = (overrides = {}) => ({
  contract: CONTRACT,
  lines: catalogueLines(catalogueItems(CATALOGUE), { "PLB-010": "1" }),
  site: siteOf({ treeInForce: true, nodeId: "LYON" }, [{ node_id: "LYON", label: "Résidence Les Tilleuls" }]),
  dates: requestedDates("05/03/2026", ""),
  invoicing: publicInvoicingOf(ACCOUNT),
  ...overrides,
});

test("the content sent is IssueOrder's, the contractor implied by the contract, optional fields only when given", () => {
  const { content, errors } = newOrderContent({ order_id: " BC-20260305-7K2QHM ", title: " Fuite ", lot: "LOT2",
    description: "" }, parts());
  assert.deepEqual(errors, []);
  assert.deepEqual(content, {
    order_id: "BC-20260305-7K2QHM", contract_id: "AC-1", lot: "LOT2", contractor_id: "ctr-acme", title: "Fuite",
    site: { node_id: "LYON", label: "Résidence Les Tilleuls" },
    lines: [{ line_id: "L1", service_code: "PLB-010", label: "Recherche de fuite", quantity: "1", unit: "U",
      unit_price_cents: 8500 }],
    requested_start: "2026-03-05",
    public_invoicing: { buyer_siret: "21690123100011", buyer_name: "Rhône Habitat" },
  });
  // every key is one of IssueOrder's fields (its model forbids any other)
  const python = readFileSync(new URL("../../shared/domain/messages.py", import.meta.url), "utf8");
  const model = python.slice(python.indexOf("class IssueOrder"), python.indexOf("class ExecutionEventInfo"));
  for (const key of [...Object.keys(content), "issued_at", "description", "requested_end"]) {
    assert.match(model, new RegExp(`\\n    ${key}: `), key);
  }
});

test("every missing or malformed field is told before sending, at its own path", () => {
  const { errors } = newOrderContent({ order_id: "BC 1", title: "" }, parts({ contract: null,
    lines: catalogueLines(catalogueItems(CATALOGUE), {}), site: siteOf({ treeInForce: true, nodeId: "" }),
    dates: requestedDates("", "bientôt") }));
  assert.deepEqual(errors.map((e) => e.field), ["$.order_id", "$.contract_id", "$.title", "$.site.node_id", "$.lines",
    "$.requested_end"]);
  assert.equal(newOrderContent({ order_id: "", title: "x" }, parts()).errors[0].message, "Indiquez le numéro de la commande.");
});

test("a retry of the same content is the same request: same Idempotency-Key, same issued_at; new content, new ones", () => {
  let keys = 0;
  const makeKey = () => `key-${++keys}`;
  let clock = "2026-03-05T09:00:00+01:00";
  const now = () => clock;
  const content = newOrderContent({ order_id: "BC-1", title: "Fuite" }, parts()).content;
  const first = orderAttempt(null, content, makeKey, now);
  assert.deepEqual([first.key, first.issuedAt], ["key-1", "2026-03-05T09:00:00+01:00"]);
  clock = "2026-03-05T09:01:00+01:00";  // a double click, a network failure: nothing new
  const again = orderAttempt(first, structuredClone(content), makeKey, now);
  assert.equal(again, first);
  assert.deepEqual(orderBody(content, again), { ...content, issued_at: "2026-03-05T09:00:00+01:00" });
  const fixed = orderAttempt(first, { ...content, order_id: "BC-2" }, makeKey, now);  // corrected after a refusal
  assert.deepEqual([fixed.key, fixed.issuedAt], ["key-2", "2026-03-05T09:01:00+01:00"]);
  // the attempt survives what may not have been done (no answer, 5xx, a request in progress), not a refusal
  assert.deepEqual([undefined, 0, 500, 503, 409, 422, 400, 403].map(keepsOrderAttempt),
    [true, true, true, true, true, false, false, false]);
});

test("the new order's screen is the order's own", () => {
  assert.equal(orderHref("mgr-test", "BC-20260305-7K2QHM"), "#/orders/mgr-test/BC-20260305-7K2QHM");
});

test("A7: the node list says whether a tree is in force (a site is then a node of it)", async () => {
  const call = async () => ({ tree_in_force: true, nodes: [{ node_id: "LYON", status: "active" }], more: false });
  assert.equal((await activeNodes(call)).treeInForce, true);
  assert.equal((await activeNodes(async () => ({ tree_in_force: false, nodes: [], more: false }))).treeInForce, false);
});
