// B5 accounts and rights: the pure part of the « Comptes » and « Utilisateurs » screens (web/accounts_logic.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ROLE_RIGHTS, accountChange, accountCreation, accountRequestBody, accountRequestOutcome, accountRequestTitle,
  accountRowView, accountsCountText, allAccounts, changeOutcome, heldRights, rightsChoice, temporaryPasswordErrors,
} from "../../web/accounts_logic.mjs";

const paul = { uid: "u1", email: "paul@acme.fr", display_name: "Paul Chef", role: "contractor", tenant: "ctr-acme",
  rights: ["orders.read"], default_rights: false, status: "active", password_change_required: false,
  created_at: "2026-03-10T09:05:00Z", updated_at: "2026-03-11T10:00:00Z", disabled_at: null, request_id: null };

test("B5: a party's accounts are read page after page, the operator naming the party, a manager not", async () => {
  const asked = [];
  const call = async (name, { query }) => {
    asked.push(`${name}?${query}`);
    const after = new URLSearchParams(query).get("after");
    return after ? { accounts: [{ uid: "u2" }], next_cursor: null } : { accounts: [{ uid: "u1" }], next_cursor: "u1" };
  };
  const read = await allAccounts(call, "ctr-acme");
  assert.deepEqual([read.rows.map((a) => a.uid), read.complete], [["u1", "u2"], true]);
  assert.deepEqual(asked, ["list_accounts?tenant=ctr-acme", "list_accounts?tenant=ctr-acme&after=u1"]);
  asked.length = 0;
  await allAccounts(call);
  assert.equal(asked[0], "list_accounts?");
});

test("B5: a row says its state, its rights and its password in French", () => {
  const v = accountRowView(paul);
  assert.deepEqual([v.status, v.rights, v.password, v.toggle, v.disabled],
    ["actif", "lire les commandes", "choisi par la personne", "Désactiver", false]);
  const gone = accountRowView({ ...paul, status: "disabled", disabled_at: "2026-09-30T17:45:00Z", default_rights: true,
    password_change_required: true });
  assert.match(gone.status, /^désactivé le 30\/09\/2026/);
  assert.deepEqual([gone.rights, gone.toggle, gone.disabled], ["tous ceux du rôle", "Réactiver", true]);
  assert.match(gone.password, /provisoire/);
});

test("B5: a change keeps the row's account and rights, and changes only what is asked", () => {
  assert.deepEqual(accountChange(paul, { disabled: true }), { email: "paul@acme.fr", display_name: "Paul Chef",
    role: "contractor", tenant: "ctr-acme", rights: ["orders.read"], disabled: true });
  assert.deepEqual(accountChange(paul, { rights: ["orders.read", "execution.write"] }).rights,
    ["execution.write", "orders.read"]);
  assert.equal("rights" in accountChange(paul, { rights: [] }), false);  // none ticked: the role's
  assert.equal("rights" in accountChange({ ...paul, default_rights: true }, { disabled: false }), false);
  assert.equal(accountChange(paul, { password: "Provisoire-2026-Lyon" }).password, "Provisoire-2026-Lyon");
  assert.equal("password" in accountChange(paul, { disabled: false }), false);
});

test("B5: the rights offered are the role's, narrowed to the requester's own", () => {
  assert.deepEqual(rightsChoice("contractor").map((r) => r.right).sort(), [...ROLE_RIGHTS.contractor].sort());
  assert.deepEqual(rightsChoice("manager", ["orders.read", "execution.write"]).map((r) => r.right), ["orders.read"]);
  assert.deepEqual(heldRights({ role: "manager", rights: ["orders.read", "needs.read"] }), ["orders.read"]);
  assert.deepEqual(heldRights({ role: "beneficiary" }), ROLE_RIGHTS.beneficiary);
});

test("B5: the purchasing body asks for accounts for its people with the rights it holds, never more", () => {
  // its role holds accounts.request (its « Utilisateurs »), and a buyer narrowed to the report cannot offer the rest
  assert.ok(heldRights({ role: "purchasing_body" }).includes("accounts.request"));
  assert.deepEqual(rightsChoice("purchasing_body", heldRights({ role: "purchasing_body",
    rights: ["reports.read", "accounts.request"] })).map((r) => r.right).sort(), ["accounts.request", "reports.read"]);
  assert.equal(rightsChoice("purchasing_body").some((r) => r.right === "orders.write"), false);
  // asked for by the party's own person: French only, no API name; the operator's boxes name the right too
  const asked = rightsChoice("purchasing_body", ["reports.read", "accounts.request"]);
  assert.deepEqual(asked.map((r) => r.boxLabel).sort(), ["demander des comptes", "lire les rapports"]);
  assert.equal(rightsChoice("manager").find((r) => r.right === "orders.read").boxLabel, "lire les commandes (orders.read)");
});

test("B5: creating and requesting an account check their fields before sending", () => {
  const ok = accountCreation({ email: " paul@acme.fr ", display_name: "Paul", password: "Provisoire-2026-Lyon" },
    ["orders.read"], { role: "contractor", tenant: "ctr-acme" });
  assert.deepEqual(ok, { errors: [], body: { email: "paul@acme.fr", display_name: "Paul", role: "contractor",
    tenant: "ctr-acme", password: "Provisoire-2026-Lyon", rights: ["orders.read"] } });
  const bad = accountCreation({ email: "", display_name: "", password: "court" }, [], { role: "manager", tenant: "" });
  assert.deepEqual(bad.errors.map((e) => e.field), ["$.tenant", "$.email", "$.display_name", "$.password"]);
  assert.equal(temporaryPasswordErrors("").length, 1);
  assert.deepEqual(accountRequestBody({ email: "lea@x.fr", display_name: "Léa" }, []),
    { errors: [], body: { email: "lea@x.fr", display_name: "Léa" } });
  assert.deepEqual(accountRequestBody({ email: "", display_name: "Léa" }, []).errors.map((e) => e.field), ["$.email"]);
});

test("B5: the outcome of a change is one French sentence, « rien à changer » when nothing changed", () => {
  assert.equal(changeOutcome({ email: "paul@acme.fr", changed: false }, "disabled"),
    "Rien à changer : le compte paul@acme.fr était déjà ainsi.");
  assert.match(changeOutcome({ email: "paul@acme.fr", changed: true }, "disabled"), /désactivé/);
});

test("D7: the Utilisateurs request names the account of the requester's own party, the purchasing body's its own", () => {
  assert.equal(accountRequestTitle("purchasing_body"), "Demander un compte de la centrale d'achat");
  assert.equal(accountRequestTitle("beneficiary"), "Demander un compte bénéficiaire");
  assert.equal(accountRequestTitle("manager"), "Demander un compte de gestionnaire");
  const reply = { email: "b.acheteur@centrale.fr", due_at: "2026-03-13T09:05:00Z" };
  const said = accountRequestOutcome(reply, "purchasing_body");
  assert.match(said, /^Demande de compte de la centrale d'achat enregistrée pour b\.acheteur@centrale\.fr : /);
  assert.match(said, /au plus tard le 13\/03\/2026 .*\(délai D7, 72 heures ouvrées\)\.$/);
  assert.doesNotMatch(said, /bénéficiaire/);
  assert.match(accountRequestOutcome(reply, "beneficiary"), /^Demande de compte bénéficiaire enregistrée/);
});

test("« Comptes » counts a party's accounts in plain French and names the party, « 1 compte de ACME Maintenance (ctr-acme). »", () => {
  assert.equal(accountsCountText(1, "ctr-acme", "ACME Maintenance", true), "1 compte de ACME Maintenance (ctr-acme).");
  assert.equal(accountsCountText(3, "ctr-acme", "ACME Maintenance", true), "3 comptes de ACME Maintenance (ctr-acme).");
  assert.equal(accountsCountText(0, "ctr-acme", null, true), "0 compte de ctr-acme.");
  assert.equal(accountsCountText(2, "ctr-acme", "ctr-acme", true), "2 comptes de ctr-acme.");  // a name that is the id
  assert.equal(accountsCountText(200, "mgr-x", "Office X", false),
    "200 comptes de Office X (mgr-x) — liste limitée aux premières pages.");
});
