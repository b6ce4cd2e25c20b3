// A quote's own screen kept current (web/quote_live_logic.mjs, A11 real-time view, A2 quotes, B16): run with
// `node --test tests/web/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { quoteChangeText, quoteChanged, quoteStaleText, quoteStamp } from "../../web/quote_live_logic.mjs";

const version = (n, at, more = {}) => ({ version: n, submitted_at: at, valid_until: "2026-12-31", lines: [], ...more });
const quote = (more = {}) => ({ manager_id: "mgr-1", quote_id: "DEV-1", state: "requested", versions: [],
  current_version: null, valid_until: null, decided_at: null, reason: null, created_order_id: null, ...more });

test("the same quote read again is no change, whatever the order of its keys or a name read beside it", () => {
  const shown = quote({ mission_title: "Mission : Recette" });
  const again = { ...quote(), mission_title: "Mission : Recette (renommée)" };
  assert.equal(quoteStamp(shown), quoteStamp(again));
  assert.equal(quoteChanged(quoteStamp(shown), again), false);
});

test("an answer, a revision, a decision, a withdrawal and the expiry are each a change", () => {
  const requested = quote();
  const answered = quote({ state: "submitted", versions: [version(1, "2026-12-07T09:00:00Z")], current_version: 1,
    valid_until: "2026-12-31" });
  const revised = quote({ state: "submitted", versions: [version(1, "2026-12-07T09:00:00Z"),
    version(2, "2026-12-07T10:00:00Z")], current_version: 2, valid_until: "2026-12-31" });
  const accepted = { ...revised, state: "accepted", decided_at: "2026-12-07T11:00:00Z", created_order_id: "DEV-1" };
  const withdrawn = { ...requested, state: "withdrawn", decided_at: "2026-12-07T11:00:00Z", reason: "plus disponible" };
  const expired = { ...answered, state: "expired" };
  const stamps = [requested, answered, revised, accepted, withdrawn, expired].map(quoteStamp);
  assert.equal(new Set(stamps).size, stamps.length);
  assert.equal(quoteChanged(quoteStamp(requested), answered), true);
  assert.equal(quoteChanged(quoteStamp(answered), revised), true);
});

test("before the screen was drawn there is nothing to compare with: no change", () => {
  assert.equal(quoteChanged(null, quote()), false);
});

test("what changed is said in French: a first answer, a revision, a new state", () => {
  const requested = quote();
  const answered = quote({ state: "submitted", versions: [version(1, "a")], current_version: 1 });
  const revised = quote({ state: "submitted", versions: [version(1, "a"), version(2, "b")], current_version: 2 });
  assert.equal(quoteChangeText(requested, answered), "le prestataire a remis la version 1");
  assert.equal(quoteChangeText(answered, revised), "le prestataire a remis la version 2");
  assert.equal(quoteChangeText(answered, { ...answered, state: "withdrawn" }), "il est désormais « retiré »");
  assert.equal(quoteChangeText(answered, { ...answered, state: "accepted" }), "il est désormais « accepté »");
  assert.equal(quoteChangeText(answered, { ...answered, valid_until: "2027-01-15" }), "il a été modifié");
});

test("a sending refused because the quote changed meanwhile says so, and that the screen shows it as it is", () => {
  const answered = quote({ state: "submitted", versions: [version(1, "a")], current_version: 1 });
  const revised = quote({ state: "submitted", versions: [version(1, "a"), version(2, "b")], current_version: 2 });
  assert.equal(quoteStaleText(answered, revised),
    "Rien n'a été enregistré : ce devis a changé entre-temps (le prestataire a remis la version 2). "
    + "Il est affiché à jour ci-dessous ; vérifiez-le avant d'agir à nouveau.");
});
