// « Devis » in pages (A2 quotes, A11 lists; web/logic.mjs): the list's query — the state filter, the page's size and
// the cursor of the page before — and the state filter's choices, the platform's six quote states in French.
import assert from "node:assert/strict";
import { test } from "node:test";

import { QUOTE_LABELS, QUOTE_PAGE, emptyQuotesText, quoteListQuery } from "../../web/quotes_logic.mjs";
import { contractOptions, quoteContractSuggestions } from "../../web/new_order_logic.mjs";

test("the first page asks for a page of quotes, every state, no cursor", () => {
  assert.equal(quoteListQuery(), `limit=${QUOTE_PAGE}`);
  assert.equal(quoteListQuery({ state: "", cursor: null }), `limit=${QUOTE_PAGE}`);
  assert.ok(QUOTE_PAGE >= 1 && QUOTE_PAGE <= 200, "within list_quotes' limit");
});

test("the state filter and the next page's cursor are sent as list_quotes reads them", () => {
  const query = new URLSearchParams(quoteListQuery({ state: "submitted", cursor: "eyJ0IjoiMjAyNi0wMy0wMiJ9" }));
  assert.deepEqual(Object.fromEntries(query), { state: "submitted", limit: String(QUOTE_PAGE),
    cursor: "eyJ0IjoiMjAyNi0wMy0wMiJ9" });
  assert.equal(new URLSearchParams(quoteListQuery({ cursor: "a+b/c=" })).get("cursor"), "a+b/c=");  // kept intact
  assert.equal(quoteListQuery({ limit: 10 }), "limit=10");
});

test("the state filter offers the six quote states, in French", () => {
  assert.deepEqual(Object.keys(QUOTE_LABELS).sort(),
    ["accepted", "expired", "refused", "requested", "submitted", "withdrawn"]);
  assert.equal(QUOTE_LABELS.withdrawn, "retiré");
  assert.equal(QUOTE_LABELS.submitted, "remis");
});

test("the search by reference is sent trimmed, and with it no cursor (one short answer)", () => {
  const query = new URLSearchParams(quoteListQuery({ state: "submitted", quoteId: "  dv-2026-0001 ", cursor: "eyJ0" }));
  assert.deepEqual(Object.fromEntries(query), { state: "submitted", limit: String(QUOTE_PAGE), quote_id: "dv-2026-0001" });
  assert.equal(quoteListQuery({ quoteId: "   " }), `limit=${QUOTE_PAGE}`);
});

test("« Demander un devis »: « Marché » suggests the chosen contractor's contracts, each named with its contractor", () => {
  const contracts = [
    { contract_id: "AC-2026-033", contractor_id: "ctr-volta", contractor_name: "Volta Électricité", status: "active",
      starts_on: "2026-01-01", ends_on: "2029-12-31" },
    { contract_id: "AC-2026-017", contractor_id: "ctr-acme", contractor_name: "ACME Maintenance", status: "active",
      starts_on: "2026-01-01", ends_on: "2029-12-31" },
  ];
  // no contractor chosen yet: every contract, by id, its contractor by its name beside it
  assert.deepEqual(quoteContractSuggestions(contracts, "").map((o) => o.value), ["AC-2026-017", "AC-2026-033"]);
  assert.deepEqual(quoteContractSuggestions(contracts, ""), contractOptions(contracts));
  // ACME chosen: its contract only — not Volta's, which the platform would refuse (« n'est pas attribué »)
  assert.deepEqual(quoteContractSuggestions(contracts, " ctr-acme "), [{ value: "AC-2026-017",
    label: "AC-2026-017 — ACME Maintenance" }]);
  // a contractor with none: none suggested (any id may still be typed)
  assert.deepEqual(quoteContractSuggestions(contracts, "ctr-autre"), []);
  assert.deepEqual(quoteContractSuggestions(null, "ctr-acme"), []);
});

test("an empty « Devis » says what to do next by role; a filtered one names its filter", () => {
  assert.equal(emptyQuotesText("manager", {}), "Aucun devis : demandez-en un avec « Demander un devis » ci-dessus.");
  assert.equal(emptyQuotesText("contractor", {}), "Aucun devis : ceux que vos clients vous demandent s'affichent ici ; "
    + "« Proposer un devis » en remet un de votre initiative.");
  assert.equal(emptyQuotesText("beneficiary", {}), "Aucun devis : demandez-en un depuis la page d'une mission.");
  assert.equal(emptyQuotesText("contractor", { state: "submitted" }), "Aucun devis « remis ».");
  assert.equal(emptyQuotesText("manager", { quoteId: "DV-9", state: "submitted" }),
    "Aucun devis de référence « DV-9 » avec ces filtres.");
});
