// A long form keeps what was typed (draft_logic.mjs): a beneficiary who leaves « Nouveau besoin » by a tap on the menu,
// or reloads the page, finds its fields again; never a password or a file, never another person's, and gone once sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ATTEMPT, DRAFT_PREFIX, draftAttempt, draftKey, draftKeysToForget, draftLineCount, draftMissing, draftOf, draftOwner,
  draftPending, draftRestores, draftShown, draftToSave,
} from "../../web/draft_logic.mjs";
import { attemptKey } from "../../web/logic.mjs";
import { decodeClaims } from "../../web/session_logic.mjs";
import { orderAttempt } from "../../web/new_order_logic.mjs";
import { recordAttempt } from "../../web/record_logic.mjs";

const controls = [
  { name: "need_id", type: "text", value: "BES-2027-004" },
  { name: "title", type: "text", value: "Audit accessibilité" },
  { name: "summary", type: "textarea", value: "Audit RGAA\ndu portail" },
  { name: "level", type: "select-one", value: "senior" },
  { name: "public_sector", type: "checkbox", value: "on", checked: true },
  { name: "password", type: "password", value: "secret" },
  { name: "file", type: "file", value: "C:\\fakepath\\a.pdf" },
  { name: "", type: "text", value: "no name" },
  { name: "send", type: "submit", value: "" },
];

test("a draft holds each named field as typed, a check box as checked or not, never a password nor a file", () => {
  assert.deepEqual(draftOf(controls), { need_id: "BES-2027-004", title: "Audit accessibilité",
    summary: "Audit RGAA\ndu portail", level: "senior", public_sector: true });
});

test("a draft is the signed-in account's own: keyed by its uid and the screen, forgotten at sign-out", () => {
  assert.equal(draftKey({ user_id: "u-1", tenant: "ben-1" }, "need"), `${DRAFT_PREFIX}ben-1:u-1:need`);
  assert.equal(draftKey({ sub: "u-2", tenant: "ben-1" }, "need"), `${DRAFT_PREFIX}ben-1:u-2:need`);
  // the session's claims as decodeClaims gives them (uid): two people of one space never share a draft
  const session = decodeClaims(`x.${Buffer.from(JSON.stringify({ user_id: "u-3", tenant: "ben-1" })).toString("base64url")}.y`);
  assert.equal(draftKey(session, "need"), `${DRAFT_PREFIX}ben-1:u-3:need`);
  assert.deepEqual(draftKeysToForget(["passerelle-session", `${DRAFT_PREFIX}ben-1:u-1:need`, "export-job",
    `${DRAFT_PREFIX}ben-1:u-2:need`]), [`${DRAFT_PREFIX}ben-1:u-1:need`, `${DRAFT_PREFIX}ben-1:u-2:need`]);
});

test("a draft restores only the fields the form still has, as text or as a check box, and says so when it differs", () => {
  const form = [{ name: "title", type: "text", value: "" }, { name: "public_sector", type: "checkbox", checked: false },
    { name: "experience", type: "number", value: "3" }, { name: "password", type: "password", value: "" }];
  const draft = { title: "Audit", public_sector: true, experience: "5", password: "leaked", gone: "x" };
  assert.deepEqual(draftRestores(draft, form), [["title", "Audit"], ["public_sector", true], ["experience", "5"]]);
  // nothing typed beyond the form's own defaults: no « saisie reprise » to tell
  assert.equal(draftShown({ experience: "3", public_sector: false, title: "" }, form), false);
  assert.equal(draftShown(draft, form), true);
  assert.equal(draftShown(null, form), false);
  // a draft unreadable (another version of the app, a hand-edited storage) restores nothing
  assert.deepEqual(draftRestores("not an object", form), []);
});

test("a per-quote form's draft is keyed by its quote (and the version it revises), a raise from an order by the order", () => {
  const claims = { user_id: "u-1", tenant: "ctr-1" };
  assert.equal(draftKey(claims, "quote-submit", "mgr-1", "DEV 1/2", 2), `${DRAFT_PREFIX}ctr-1:u-1:quote-submit:mgr-1:DEV%201%2F2:2`);
  assert.equal(draftKey(claims, "quote-raise", "", ""), `${DRAFT_PREFIX}ctr-1:u-1:quote-raise`);
  assert.notEqual(draftKey(claims, "quote-raise", "mgr-1", "CMD-1"), draftKey(claims, "quote-raise"));
  assert.notEqual(draftKey(claims, "quote-submit", "mgr-1", "DEV-1", 1), draftKey(claims, "quote-submit", "mgr-1", "DEV-1", 2));
  assert.ok(draftKey(claims, "order").startsWith(draftOwner(claims)));
  assert.ok(!draftKey({ user_id: "u-2", tenant: "ctr-1" }, "order").startsWith(draftOwner(claims)));
});

test("another account signing in on the tab forgets every draft but its own; sign-out forgets them all", () => {
  const mine = draftKey({ user_id: "u-1", tenant: "m-1" }, "order");
  const theirs = draftKey({ user_id: "u-2", tenant: "m-1" }, "order");
  const keys = ["passerelle.session", mine, theirs, null];
  assert.deepEqual(draftKeysToForget(keys, draftOwner({ user_id: "u-1", tenant: "m-1" })), [theirs]);
  assert.deepEqual(draftKeysToForget(keys), [mine, theirs]);
  // « u-1 » is not a prefix match for « u-10 »: the owner part ends with its separator
  assert.deepEqual(draftKeysToForget([draftKey({ user_id: "u-10", tenant: "m-1" }, "order")],
    draftOwner({ user_id: "u-1", tenant: "m-1" })).length, 1);
});

test("a picker takes back a choice it still offers; one it no longer offers is told, not chosen, and kept", () => {
  const form = [{ name: "contract_id", type: "select-one", value: "", options: ["", "MAR-1"] },
    { name: "node_id", type: "select-one", value: "", options: ["", "BAT-A"] },
    { name: "title", type: "text", value: "" }];
  const draft = { contract_id: "MAR-1", node_id: "BAT-GONE", title: "Réfection" };
  assert.deepEqual(draftRestores(draft, form), [["contract_id", "MAR-1"], ["title", "Réfection"]]);
  assert.deepEqual(draftMissing(draft, form), [["node_id", "BAT-GONE"]]);
  assert.equal(draftShown({ node_id: "BAT-GONE" }, form), true);  // only a missing choice: still told
  assert.deepEqual(draftMissing({ node_id: "" }, form), []);
  // saved again while the picker stays unchosen, the missing choice stays in the draft; chosen anew, it is replaced
  const saved = draftToSave(form, { missing: { node_id: "BAT-GONE" } });
  assert.equal(saved.node_id, "BAT-GONE");
  form[1].value = "BAT-A";
  assert.equal(draftToSave(form, { missing: { node_id: "BAT-GONE" } }).node_id, "BAT-A");
});

test("fields drawn late (a contract's lines, a line added) wait in the draft until drawn, kept at each save", () => {
  const form = [{ name: "contract_id", type: "select-one", value: "MAR-1", options: ["", "MAR-1"] }];
  const draft = { contract_id: "MAR-1", qty_PLB01: "3", label_2: "Dépose", [ATTEMPT]: { text: "{}", key: "k" } };
  const pending = draftPending(draft, form);
  assert.deepEqual(pending, { qty_PLB01: "3", label_2: "Dépose" });
  assert.deepEqual(draftToSave(form, { pending }), { contract_id: "MAR-1", qty_PLB01: "3", label_2: "Dépose" });
  // a field drawn since: its value is the form's, no longer the draft's
  const drawn = [...form, { name: "qty_PLB01", type: "text", value: "4" }];
  assert.equal(draftToSave(drawn, { pending }).qty_PLB01, "4");
  assert.equal(draftLineCount(draft), 3);
  assert.equal(draftLineCount({ title: "x" }), 1);
  assert.equal(draftLineCount(null, 2), 2);
});

test("one sending, one Idempotency-Key across a reload: the same content restored keeps it, another gets a new one", () => {
  let n = 0;
  const makeKey = () => `key-${++n}`;
  const content = { order_id: "CMD-1", title: "Réfection" };
  const sent = orderAttempt(null, content, makeKey, () => "2027-01-04T10:00:00+01:00");
  // no answer, the page reloaded: the draft kept the attempt
  const stored = JSON.parse(JSON.stringify(draftToSave([], { attempt: sent })));
  const restored = draftAttempt(stored);
  assert.deepEqual(restored, sent);
  assert.equal(orderAttempt(restored, { ...content }, makeKey, () => "later"), restored);  // same key, same issued_at
  const changed = orderAttempt(restored, { ...content, title: "Réfection totale" }, makeKey, () => "later");
  assert.notEqual(changed.key, sent.key);
  assert.equal(recordAttempt(restored, content, makeKey, () => null).key, sent.key);
  assert.equal(attemptKey(restored, { ...content, order_id: "CMD-2" }, makeKey).key, "key-3");
  // a draft without a sending, or an unreadable one, has none: the first sending takes a new key
  assert.equal(draftAttempt({ title: "x" }), null);
  assert.equal(draftAttempt({ [ATTEMPT]: { text: 1, key: "k" } }), null);
  assert.deepEqual(draftRestores({ [ATTEMPT]: "x" }, [{ name: ATTEMPT, type: "text", value: "" }]), []);
});
