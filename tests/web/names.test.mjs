// Parties by their names (web/names_logic.mjs): the directory a caller builds from its own contracts
// (list_contracts rows with contractor_name and client_name), and how lists, facts, headings and pickers show it.
import test from "node:test";
import assert from "node:assert/strict";

import {
  EMPTY_DIRECTORY, PICKER_TEXTS, clientsOf, directoryFromContracts, directoryRead, nameOf, partyCell, partyChoices,
  accountFacts, homonymIn, missionLabel, nameText, partyLabel, partyPick, partyTitle, titleLabel, whoLabel, whoTitle,
} from "../../web/names_logic.mjs";
import { ROLE_LABELS } from "../../web/logic.mjs";
import { statementHeading } from "../../web/penalties_logic.mjs";
import { contractOptions, contractorText } from "../../web/new_order_logic.mjs";
import { clientColumnLabel, penaltyContractorOptions, raiseClientChoice } from "../../web/sourcing_logic.mjs";

const CONTRACTS = [
  { manager_id: "mgr-rhone", contract_id: "AC-1", contractor_id: "ctr-acme", contractor_name: "ACME Plomberie",
    client_name: "Rhône Habitat", client_kind: "manager" },
  { manager_id: "mgr-rhone", contract_id: "AC-2", contractor_id: "ctr-bativert", contractor_name: "Bativert",
    client_name: "Rhône Habitat", client_kind: "manager" },
  { manager_id: "mgr-rhone", contract_id: "AC-3", contractor_id: "ctr-sans-nom", contractor_name: null,
    client_name: "Rhône Habitat", client_kind: "manager" },
  { manager_id: "ben-metropole", contract_id: "AC-CADRE", contractor_id: "ctr-acme", contractor_name: "ACME Plomberie",
    client_name: "Métropole de Lyon", client_kind: "beneficiary" },
];

test("the directory names each contractor and each client of the caller's contracts once", () => {
  const names = directoryFromContracts(CONTRACTS);
  assert.deepEqual([...names.contractors], [["ctr-acme", "ACME Plomberie"], ["ctr-bativert", "Bativert"],
    ["ctr-sans-nom", null]]);
  assert.deepEqual([...names.clients], [["mgr-rhone", { name: "Rhône Habitat", kind: "manager" }],
    ["ben-metropole", { name: "Métropole de Lyon", kind: "beneficiary" }]]);
  assert.equal(nameOf(names, "ctr-acme"), "ACME Plomberie");
  assert.equal(nameOf(names, "ben-metropole"), "Métropole de Lyon");
  // unknown, unnamed, or a name that only repeats the id: no name
  assert.equal(nameOf(names, "ctr-inconnu"), null);
  assert.equal(nameOf(names, "ctr-sans-nom"), null);
  assert.equal(nameOf(directoryFromContracts([{ manager_id: "m", contractor_id: "c", contractor_name: "c" }]), "c"), null);
  assert.equal(nameOf(null, "ctr-acme"), null);
  assert.deepEqual(directoryFromContracts(undefined), { contractors: new Map(), clients: new Map(), own: null });
});

test("facts and headings read the name alone, the id alone when no name is known", () => {
  const names = directoryFromContracts(CONTRACTS);
  assert.equal(partyLabel(names, "ctr-acme"), "ACME Plomberie");
  assert.equal(partyLabel(names, "mgr-rhone"), "Rhône Habitat");
  assert.equal(partyLabel(names, "ctr-inconnu"), "ctr-inconnu");
  assert.equal(partyLabel(EMPTY_DIRECTORY, "ctr-acme"), "ctr-acme");
  assert.equal(partyLabel(names, ""), "—");
  assert.equal(statementHeading({ month: "2026-04", contractor_id: "ctr-acme" }, names),
    "Relevé d'avril 2026 — ACME Plomberie");
  assert.equal(statementHeading({ month: "2026-04", contractor_id: "ctr-acme" }), "Relevé d'avril 2026 — ctr-acme");
});

test("a list's cell shows the name with the id in its tooltip, or the id alone", () => {
  const names = directoryFromContracts(CONTRACTS);
  assert.deepEqual(partyCell(names, "ctr-bativert"), { name: "Bativert", title: "Identifiant : ctr-bativert" });
  assert.deepEqual(partyCell(names, "ctr-sans-nom"), { name: "ctr-sans-nom", title: null });
  assert.deepEqual(partyCell(names, null), { name: "—", title: null });
});

test("the dashboard's picker offers the caller's contractors by name, its value the id", () => {
  const names = directoryFromContracts(CONTRACTS);
  assert.deepEqual(partyChoices(names, "contractors"), [
    { value: "ctr-acme", label: "ACME Plomberie" }, { value: "ctr-bativert", label: "Bativert" },
    { value: "ctr-sans-nom", label: "ctr-sans-nom" }]);
  // the contractor's client picker, by name in French order (accents ignored)
  assert.deepEqual(partyChoices(names, "clients").map((o) => o.value), ["ben-metropole", "mgr-rhone"]);
  // a filter kept from before, no longer among them, stays choosable as its id
  assert.deepEqual(partyChoices(names, "contractors", "ctr-ancien").at(-1), { value: "ctr-ancien", label: "ctr-ancien" });
  assert.equal(partyChoices(names, "contractors", "ctr-acme").length, 3);
  assert.deepEqual(partyChoices(EMPTY_DIRECTORY, "contractors"), []);
});

test("the new order's contract picker and « Prestataire : » name the contractor", () => {
  const rows = CONTRACTS.slice(0, 3).map((c) => ({ ...c, status: "active", starts_on: null, ends_on: null }));
  assert.deepEqual(contractOptions(rows).map((o) => o.label),
    ["AC-1 — ACME Plomberie", "AC-2 — Bativert", "AC-3 — ctr-sans-nom"]);
  assert.equal(contractorText(rows[0]), "ACME Plomberie");
  assert.equal(contractorText(null), "—");
});

test("the titulaire's client picker and the beneficiary's contractor picker name the parties", () => {
  const choice = raiseClientChoice(CONTRACTS);
  assert.deepEqual(choice.options.map((o) => o.label),
    ["Métropole de Lyon (bénéficiaire)", "Rhône Habitat (gestionnaire)"]);
  const names = directoryFromContracts(CONTRACTS.slice(3));
  assert.deepEqual(penaltyContractorOptions({ titulaire_id: "ctr-acme" }, [{ contractor_id: "ctr-autre" }], names), [
    { value: "ctr-acme", label: "ACME Plomberie (titulaire de l'accord-cadre)" },
    { value: "ctr-autre", label: "ctr-autre (commandes de vos missions)" }]);
});

test("a contractor's empty list names its clients by the directory's one read: the titulaire's « Bénéficiaire »", () => {
  const titulaire = directoryFromContracts([{ manager_id: "ben-lyon", contractor_id: "ctr-t", client_kind: "beneficiary" }]);
  assert.deepEqual(clientsOf(titulaire), [{ manager_id: "ben-lyon", client_kind: "beneficiary" }]);
  assert.equal(clientColumnLabel("contractor", [], clientsOf(titulaire)), "Bénéficiaire");
  assert.equal(clientColumnLabel("contractor", [], clientsOf(EMPTY_DIRECTORY)), "Gestionnaire");
  const both = directoryFromContracts([...CONTRACTS, { manager_id: "ben-lyon", contractor_id: "ctr-t",
    client_kind: "beneficiary" }]);
  assert.equal(clientColumnLabel("contractor", [], clientsOf(both)).includes("bénéficiaire"), true);
});

test("the header names the signed-in party by its own name, its id in the tooltip; the operator « Opérateur »", () => {
  const manager = { role: "manager", tenant: "mgr-rhone" };
  // list_contracts' caller_name: the party's own registry record, with or without a contract
  const read = directoryFromContracts(CONTRACTS, " Rhône Habitat ");
  assert.equal(read.own, "Rhône Habitat");
  assert.equal(whoLabel(manager, read, ROLE_LABELS), "Gestionnaire — Rhône Habitat");
  assert.equal(whoTitle({ ...manager, email: "g@rhone.fr" }, read), "g@rhone.fr — Identifiant : mgr-rhone");
  assert.equal(whoLabel({ role: "contractor", tenant: "ctr-acme" }, directoryFromContracts([], "ACME Plomberie"),
    ROLE_LABELS), "Prestataire — ACME Plomberie");
  assert.equal(whoLabel({ role: "beneficiary", tenant: "ben-metropole" },
    directoryFromContracts(CONTRACTS, "Métropole de Lyon"), ROLE_LABELS), "Bénéficiaire — Métropole de Lyon");
  // not read yet, the read failed, no name registered, or a name that only repeats the id: the id alone
  for (const names of [null, EMPTY_DIRECTORY, directoryFromContracts(CONTRACTS), directoryFromContracts([], ""),
    directoryFromContracts([], "mgr-rhone")]) {
    assert.equal(whoLabel(manager, names, ROLE_LABELS), "Gestionnaire — mgr-rhone");
  }
  // the other parties' names are never the caller's own (a contractor's clients are not its name)
  assert.equal(whoLabel({ role: "contractor", tenant: "ctr-acme" }, directoryFromContracts(CONTRACTS), ROLE_LABELS),
    "Prestataire — ctr-acme");
  assert.equal(whoLabel({ role: "purchasing_body", tenant: "cab-national" }, EMPTY_DIRECTORY, ROLE_LABELS),
    "Centrale d'achat — cab-national");
  assert.equal(whoLabel({ role: "operator", tenant: "platform" }, read, ROLE_LABELS), "Opérateur");
});

test("a form's « Prestataire » is a picker of the caller's contractors by name, the id typed only when unread", () => {
  const names = directoryFromContracts(CONTRACTS.slice(0, 3), "Rhône Habitat");
  assert.equal(directoryRead(names), true);
  assert.equal(directoryRead(EMPTY_DIRECTORY), false);
  assert.equal(directoryRead(null), false);
  // the manager's « Demander un devis » and « Pénalités »: its contractors by name, the value the id, none chosen
  const pick = partyPick(names, "contractors");
  assert.deepEqual(pick.options, [{ value: "ctr-acme", label: "ACME Plomberie" },
    { value: "ctr-bativert", label: "Bativert" }, { value: "ctr-sans-nom", label: "ctr-sans-nom" }]);
  assert.equal(pick.value, "");
  // the one read last stays chosen; the only contractor is chosen already (its statement shown at once)
  assert.equal(partyPick(names, "contractors", "ctr-bativert").value, "ctr-bativert");
  const one = partyPick(directoryFromContracts(CONTRACTS.slice(0, 1)), "contractors");
  assert.deepEqual([one.options.length, one.value], [1, "ctr-acme"]);
  // no contract at all: a picker with nothing to choose (« — Aucun prestataire — »), not a typed id
  assert.deepEqual(partyPick(directoryFromContracts([]), "contractors"), { options: [], value: "" });
  assert.equal(PICKER_TEXTS.contractors.none(0), "— Aucun prestataire —");
  assert.equal(PICKER_TEXTS.contractors.none(3), "— Choisir un prestataire —");
  // the contractor's statement: its clients
  assert.deepEqual(partyPick(directoryFromContracts(CONTRACTS), "clients").options.map((o) => o.value),
    ["ben-metropole", "mgr-rhone"]);
  // the contracts could not be read (names.mjs answers EMPTY_DIRECTORY): the id is typed, and why is said
  assert.equal(partyPick(EMPTY_DIRECTORY, "contractors", "ctr-acme"), null);
  assert.match(PICKER_TEXTS.contractors.failure, /n'a pas pu être chargée : saisissez l'identifiant du prestataire/);
  assert.match(PICKER_TEXTS.clients.failure, /saisissez l'identifiant du client/);
});

test("the purchasing body's header names it « Centrale d'achat — Nom » from its one list_contracts read (B1)", async () => {
  const { directory, forget } = await import("../../web/names.mjs");
  forget();
  const calls = [];
  const ctx = { session: { claims: { role: "purchasing_body", tenant: "centrale-demo", uid: "u-pb" } },
    call: async (name) => { calls.push(name); return { contracts: [], count: 0, caller_name: "Centrale du numérique" }; } };
  const names = await directory(ctx);
  assert.deepEqual(calls, ["list_contracts"]);
  assert.equal(whoLabel(ctx.session.claims, names, ROLE_LABELS),
    `${ROLE_LABELS.purchasing_body} — Centrale du numérique`);
  // the operator still reads nothing: « Opérateur »
  forget();
  const operator = { session: { claims: { role: "operator", tenant: "platform" } }, call: async (n) => calls.push(n) };
  assert.equal(whoLabel(operator.session.claims, await directory(operator), ROLE_LABELS), ROLE_LABELS.operator);
  assert.deepEqual(calls, ["list_contracts"]);
  forget();
});

test("a mission or a report's row is named by its title, its id in parentheses, the id alone without one", () => {
  assert.equal(titleLabel("Mission : Refonte du portail", "N-1-mission"), "Mission : Refonte du portail (N-1-mission)");
  assert.equal(titleLabel("  ", "N-1-mission"), "N-1-mission");
  assert.equal(titleLabel("N-1-mission", "N-1-mission"), "N-1-mission");
  assert.equal(titleLabel(null, null), "—");
  assert.equal(titleLabel("Sans id", null), "Sans id");
  assert.equal(missionLabel("Mission : Refonte du portail", "N-1-mission"), "Mission : Refonte du portail (N-1-mission)");
  assert.equal(missionLabel(null, "N-1-mission"), "Mission N-1-mission");
  assert.equal(missionLabel(null, null), "—");
  // after a « Mission » label (a need's facts, a quote's, the replacements' column) the title says it once
  assert.equal(missionLabel("Mission : Refonte du portail", "N-1-mission", { labelled: true }),
    "Refonte du portail (N-1-mission)");
  assert.equal(missionLabel("Refonte du portail", "N-1-mission", { labelled: true }), "Refonte du portail (N-1-mission)");
  assert.equal(missionLabel(null, "N-1-mission", { labelled: true }), "N-1-mission");
  assert.equal(missionLabel("Mission : ", "N-1-mission", { labelled: true }), "N-1-mission");
});

test("one rule for a party's name and id: the name alone, the id beside it for homonyms only, alone when unnamed", () => {
  assert.equal(nameText("ACME Plomberie", "ctr-acme"), "ACME Plomberie");
  assert.equal(nameText(" ACME Plomberie ", "ctr-acme", { homonym: true }), "ACME Plomberie (ctr-acme)");
  assert.equal(nameText(null, "ctr-acme"), "ctr-acme");
  assert.equal(nameText("ctr-acme", "ctr-acme", { homonym: true }), "ctr-acme");
  assert.equal(nameText("", null), "—");
  assert.equal(partyTitle("ACME Plomberie", "ctr-acme"), "Identifiant : ctr-acme");
  assert.equal(partyTitle(null, "ctr-acme"), null);
  // two contractors registered under the same name (accents and case aside): each told apart by its id, everywhere
  const twins = directoryFromContracts([...CONTRACTS,
    { manager_id: "mgr-rhone", contract_id: "AC-4", contractor_id: "ctr-acme-sud", contractor_name: "Acme plomberie",
      client_name: "Rhône Habitat", client_kind: "manager" }]);
  assert.equal(homonymIn(twins, "ctr-acme"), true);
  assert.equal(homonymIn(twins, "ctr-bativert"), false);
  assert.equal(partyLabel(twins, "ctr-acme"), "ACME Plomberie (ctr-acme)");
  assert.equal(partyLabel(twins, "ctr-acme-sud"), "Acme plomberie (ctr-acme-sud)");
  assert.equal(partyCell(twins, "ctr-bativert").name, "Bativert");
  assert.deepEqual(partyChoices(twins, "contractors").map((o) => o.label),
    ["ACME Plomberie (ctr-acme)", "Acme plomberie (ctr-acme-sud)", "Bativert", "ctr-sans-nom"]);
  assert.equal(penaltyContractorOptions({ titulaire_id: "ctr-acme" }, [], twins)[0].label,
    "ACME Plomberie (ctr-acme) (titulaire de l'accord-cadre)");
  // the header of a party whose name is not known yet: its id, the tooltip its e-mail only
  assert.equal(whoTitle({ role: "manager", tenant: "mgr-rhone", email: "g@rhone.fr" }, null), "g@rhone.fr");
  assert.equal(whoTitle({ role: "operator", tenant: "platform", email: "o@p.fr" }, directoryFromContracts([], "P")), "o@p.fr");
});

test("RGAA 10.13: what the header's tooltip says is written on « Mon mot de passe », for keyboard and touch", () => {
  const read = directoryFromContracts(CONTRACTS, "Rhône Habitat");
  const manager = { role: "manager", tenant: "mgr-rhone", email: "g@rhone.fr" };
  assert.deepEqual(accountFacts(manager, read, ROLE_LABELS), [["Compte connecté", "g@rhone.fr"],
    ["Espace", "Gestionnaire — Rhône Habitat"], ["Identifiant de l'espace", "mgr-rhone"]]);
  // the same words as the tooltip's
  assert.equal(whoTitle(manager, read), "g@rhone.fr — Identifiant : mgr-rhone");
  // the operator: no id of its space (the platform itself); no e-mail in the token: none written
  assert.deepEqual(accountFacts({ role: "operator", tenant: "platform", email: "o@p.fr" }, null, ROLE_LABELS),
    [["Compte connecté", "o@p.fr"], ["Espace", "Opérateur"]]);
  assert.deepEqual(accountFacts({ role: "manager", tenant: "mgr-rhone" }, null, ROLE_LABELS),
    [["Espace", "Gestionnaire — mgr-rhone"], ["Identifiant de l'espace", "mgr-rhone"]]);
});
