// « Devis » in pages (A2 quotes, A11 lists; web/logic.mjs): the list's query — the state filter, the page's size and
// the cursor of the page before — and the state filter's choices, the platform's six quote states in French.
import assert from "node:assert/strict";
import { test } from "node:test";

import { QUOTE_LABELS, QUOTE_PAGE, quoteListQuery } from "../../web/logic.mjs";

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
