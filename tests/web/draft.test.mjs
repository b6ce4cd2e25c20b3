// A long form keeps what was typed (draft_logic.mjs): a beneficiary who leaves « Nouveau besoin » by a tap on the menu,
// or reloads the page, finds its fields again; never a password or a file, never another person's, and gone once sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DRAFT_PREFIX, draftKey, draftKeysToForget, draftOf, draftRestores, draftShown } from "../../web/draft_logic.mjs";

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
