// The operator's directory of parties (A1 spaces, B1 parties, A10 onboarding): list_parties read page after
// page, the options of the pickers, why a typed id replaces a list, the text filter and the rows' words; the
// purchasing bodies among them (B1 parties).
import { test } from "node:test";
import assert from "node:assert/strict";
import { registrationTerritoryOptions, territoryText } from "../../web/logic.mjs";
import { contractorRegistration } from "../../web/onboarding_logic.mjs";
import {
  LISTED_KIND_LABELS, NONE_REGISTERED, allParties, filterParties, listState, offeredState, partiesCountText,
  chosenPartyText, partyListFailure, partyLists, partyOptions, partyRowView, conformanceProgressLines, d2Text, managersText,
} from "../../web/parties_logic.mjs";

const acme = { id: "ctr-acme", kind: "contractor", name: "Acme Maintenance", siret: "73282932000074", territory: null,
  status: "active", registered_at: "2026-02-16T08:31:10Z", deactivated_at: null, managers: ["mgr-rhone", "mgr-loire"],
  connected: true, conformance_passed_at: "2026-02-23T09:16:30Z", erp_service_account: null, region: null,
  region_label: null };

test("A10: each kind is read page after page by its cursor, and a bound stops an endless list", async () => {
  // three managers served two by two, as list_parties pages them by id
  const ids = ["mgr-a", "mgr-b", "mgr-c"];
  const asked = [];
  const call = async (name, { query }) => {
    asked.push(`${name}?${query}`);
    const after = new URLSearchParams(query).get("after");
    const rest = ids.slice(after ? ids.indexOf(after) + 1 : 0);
    return { parties: rest.slice(0, 2).map((id) => ({ id })), next_cursor: rest.length > 2 ? rest[1] : null };
  };
  const read = await allParties(call, "manager");
  assert.deepEqual([read.rows.map((p) => p.id), read.complete], [ids, true]);
  assert.deepEqual(asked, ["list_parties?kind=manager", "list_parties?kind=manager&after=mgr-b"]);
  const endless = async () => ({ parties: [{ id: "x" }], next_cursor: "x" });
  assert.deepEqual(await listState(allParties(endless, "contractor", 3)), { error: "incomplete" });
});

test("A10: a picker's list is its rows, or why it failed; a 401 ends the session and is thrown on", async () => {
  const refused = Object.assign(new Error("x"), { status: 403, problem: { errors: [{ message: "Vos droits ne permettent pas cette opération." }] } });
  const call = async (name, { query }) => {
    if (query === "kind=contractor") throw refused;
    return { parties: [{ id: query === "kind=manager" ? "mgr-a" : "ben-a" }], next_cursor: null };
  };
  const lists = await partyLists(call);
  assert.deepEqual(lists.manager, { rows: [{ id: "mgr-a" }] });
  assert.equal(lists.contractor.error, refused);
  assert.deepEqual(lists.beneficiary.rows.map((b) => b.id), ["ben-a"]);
  await assert.rejects(listState(Promise.reject(Object.assign(new Error("x"), { status: 401 }))));
  assert.equal(partyListFailure(refused, "contractor"), "La liste des prestataires n'a pas pu être chargée (Vos droits "
    + "ne permettent pas cette opération) : saisissez l'identifiant du prestataire.");
  assert.match(partyListFailure(new TypeError("Failed to fetch"), "manager"),
    /des gestionnaires n'a pas pu être chargée \(le service ne répond pas\) : saisissez l'identifiant du gestionnaire/);
  assert.match(partyListFailure("incomplete", "beneficiary"), /bénéficiaires est trop longue.*du bénéficiaire\.$/);
});

test("A10: options read the name alone in French order (« nom — identifiant » for homonyms), a deactivated party said so", () => {
  const options = partyOptions([
    { id: "mgr-z", name: "Office public de l'habitat", status: "active" },
    { id: "mgr-e", name: "Émeraude Habitation", status: "inactive" },
    { id: "mgr-a", name: "Office public de l'habitat", status: "active" },
    { id: "ctr-titulaire", name: "Titulaire de l'accord-cadre (démo)", status: "active" },
  ]);
  assert.deepEqual(options, [
    { value: "mgr-e", label: "Émeraude Habitation (désactivé)", path: "Émeraude Habitation — mgr-e (désactivé)" },
    { value: "mgr-a", label: "Office public de l'habitat — mgr-a", path: "Office public de l'habitat — mgr-a" },
    { value: "mgr-z", label: "Office public de l'habitat — mgr-z", path: "Office public de l'habitat — mgr-z" },
    { value: "ctr-titulaire", label: "Titulaire de l'accord-cadre (démo)",
      path: "Titulaire de l'accord-cadre (démo) — ctr-titulaire" },
  ]);
  // the id under the field once chosen (the operator tells parties apart by id), nothing while none is chosen
  assert.equal(chosenPartyText(options, "ctr-titulaire"),
    "Partie choisie : Titulaire de l'accord-cadre (démo) — ctr-titulaire");
  assert.equal(chosenPartyText(options, ""), "");
});

test("A10: the directory's filter finds every word typed in the id or the name, accents and case ignored", () => {
  const rows = [acme, { ...acme, id: "ctr-eau", name: "Société des Eaux" }, { ...acme, id: "ctr-elec", name: "Élec Rhône" }];
  assert.deepEqual(filterParties(rows, "").map((p) => p.id), ["ctr-acme", "ctr-eau", "ctr-elec"]);
  assert.deepEqual(filterParties(rows, "elec").map((p) => p.id), ["ctr-elec"]);
  assert.deepEqual(filterParties(rows, "SOCIETE eau").map((p) => p.id), ["ctr-eau"]);
  assert.deepEqual(filterParties(rows, "ctr maintenance").map((p) => p.id), ["ctr-acme"]);
  assert.deepEqual(filterParties(rows, "inconnu"), []);
});

test("A10: a row says whether the contractor is connected, active or deactivated, and whom it serves", () => {
  const connected = partyRowView(acme);
  assert.equal(connected.status, "actif");
  assert.match(connected.connection, /^raccordé le 23\/02\/2026/);
  assert.deepEqual([connected.connected, connected.managers, connected.territory], [true, "mgr-rhone, mgr-loire", "—"]);
  const gone = partyRowView({ ...acme, connected: false, conformance_passed_at: null, status: "inactive",
    deactivated_at: "2026-03-02T09:00:00Z", managers: [] });
  assert.match(gone.status, /^désactivé le 02\/03\/2026/);
  assert.deepEqual([gone.inactive, gone.connected, gone.managers], [true, false, "aucun"]);
  assert.match(gone.connection, /^non raccordé/);
  const ben = partyRowView({ ...acme, kind: "beneficiary", managers: null, connected: null, region: "84",
    region_label: "Auvergne-Rhône-Alpes", territory: "69" });
  assert.deepEqual([ben.connection, ben.managers, ben.region, ben.territory, ben.connected],
    ["—", "—", "Auvergne-Rhône-Alpes (84)", "69", null]);
});

test("A10: the managers chosen in the list, or typed, become the registration's list", () => {
  const form = { contractor_id: " ctr-acme ", name: "Acme", siret: "73282932000074", erp_service_account: "" };
  assert.deepEqual(contractorRegistration({ ...form, managers: ["mgr-a", "mgr-b"] }).managers, ["mgr-a", "mgr-b"]);
  assert.deepEqual(contractorRegistration({ ...form, managers: "mgr-a, mgr-b\nmgr-c" }).managers, ["mgr-a", "mgr-b", "mgr-c"]);
});

test("B1: the purchasing bodies are a kind of the directory and of the pickers, in French", async () => {
  const asked = [];
  const call = async (name, { query }) => {
    asked.push(query);
    return { parties: query === "kind=purchasing_body" ? [{ id: "centrale-demo", name: "Centrale", status: "active" }]
      : [], next_cursor: null };
  };
  const lists = await partyLists(call);
  assert.ok(asked.includes("kind=purchasing_body"));
  assert.deepEqual(lists.purchasing_body.rows.map((p) => p.id), ["centrale-demo"]);
  assert.equal(LISTED_KIND_LABELS.purchasing_body, "Centrales d'achat");
  assert.equal(NONE_REGISTERED.purchasing_body, "Aucune centrale d'achat inscrite.");
  assert.match(partyListFailure("incomplete", "purchasing_body"), /des centrales d'achat.*de la centrale d'achat\.$/);
  const row = partyRowView({ ...acme, id: "centrale-demo", kind: "purchasing_body", siret: null, territory: "75",
    managers: null, connected: null, conformance_passed_at: null, status: "inactive",
    deactivated_at: "2026-03-02T09:00:00Z" });
  assert.deepEqual([row.connection, row.managers, row.territory, row.inactive], ["—", "—", "75", true]);
  assert.match(row.status, /^désactivé le /);
});

test("B1: a purchasing body need not be registered: with none registered its id is typed, else chosen", () => {
  assert.equal(offeredState({ rows: [] }, "purchasing_body"), undefined);  // typed, as before its record existed
  const some = { rows: [{ id: "centrale-demo" }] };
  assert.equal(offeredState(some, "purchasing_body"), some);
  assert.deepEqual(offeredState({ rows: [] }, "manager"), { rows: [] });  // the others are registered first
  const failed = { error: "incomplete" };
  assert.equal(offeredState(failed, "purchasing_body"), failed);
  assert.equal(offeredState(undefined, "machine_identity"), undefined);
});

test("A10: a contractor not connected yet shows where its conformance run stands, and why it is stuck", () => {
  const run = { run_id: "3f9c1a7e52b0", started_at: "2026-12-01T09:00:00Z", checked_at: null, passed: false,
    steps_passed: 0, steps_total: 9, next_step: "receive_order", next_step_label: "Réception de la commande",
    next_step_status: "pending", errors: [] };
  const waiting = { ...acme, connected: false, conformance_passed_at: null };
  assert.deepEqual(partyRowView(waiting).progress, []);  // no run yet: « recette à passer »
  assert.match(partyRowView(waiting).connection, /^non raccordé \(recette de conformité à passer\)/);
  const started = partyRowView({ ...waiting, conformance_progress: run });
  assert.equal(started.connection, "non raccordé : recette de conformité en cours");
  assert.deepEqual(started.progress, ["Recette commencée le 01/12/2026 10:00",
    "Pas encore contrôlée par le prestataire : aucune étape jugée",
    "Prochaine étape : « Réception de la commande » (pas encore tentée)"]);
  const stuck = conformanceProgressLines({ ...run, checked_at: "2026-12-02T15:30:00Z", steps_passed: 1,
    next_step: "acknowledge", next_step_label: "Prise en compte", next_step_status: "failed",
    errors: [{ field: "$.sequence", code: "SEQUENCE_GAP", message: "Séquence 2 reçue, 1 attendue." }] });
  assert.deepEqual(stuck.slice(1), ["Au dernier contrôle, le 02/12/2026 16:30 : 1 étape sur 9 réussie",
    "Bloquée à l'étape « Prise en compte » : dernier essai refusé — Séquence 2 reçue, 1 attendue."]);
  assert.ok(!stuck.join(" ").includes("SEQUENCE_GAP") && !stuck.join(" ").includes("$.sequence"));  // no API word
  const ahead = conformanceProgressLines({ ...run, checked_at: "2026-12-02T15:30:00Z", steps_passed: 3,
    next_step: "correct_rejected_report", next_step_label: "Rapport rejeté puis corrigé" });
  assert.equal(ahead[1], "Au dernier contrôle, le 02/12/2026 16:30 : 3 étapes sur 9 réussies");
  assert.equal(ahead[2], "Prochaine étape : « Rapport rejeté puis corrigé » (pas encore tentée)");
  // once connected, the row says so and nothing more
  assert.deepEqual(partyRowView({ ...acme, conformance_progress: { ...run, passed: true } }).progress, []);
});

test("A10, B1: « Gestionnaires servis » names the managers, a shared name followed by its id, an unknown one by its id", () => {
  const named = { ...acme, managers: ["mgr-rhone", "mgr-loire", "mgr-gone"],
    manager_names: { "mgr-rhone": "Rhône Habitat", "mgr-loire": "Loire Habitat", "mgr-gone": "mgr-gone" } };
  assert.equal(partyRowView(named).managers, "Rhône Habitat, Loire Habitat, mgr-gone");
  assert.equal(managersText({ ...named, manager_names: { "mgr-rhone": "Habitat", "mgr-loire": "Habitat" } }),
    "Habitat (mgr-rhone), Habitat (mgr-loire), mgr-gone");
  assert.equal(managersText({ ...acme, manager_names: null }), "mgr-rhone, mgr-loire");  // an older answer: its ids
  assert.equal(managersText({ ...acme, managers: [] }), "aucun");
});

test("A10: a contractor not connected says by when it is due to be, on its D2's own clock, and when that is past", () => {
  const waiting = { ...acme, connected: false, conformance_passed_at: null, d2_due_at: "2026-03-10T20:00:00Z",
    d2_time_zone: "Indian/Reunion" };
  const before = new Date("2026-03-05T10:00:00Z");
  assert.equal(d2Text(waiting, before), "Raccordement attendu avant le 11/03/2026");  // midnight in La Réunion
  assert.equal(d2Text({ ...waiting, d2_time_zone: "Europe/Paris" }, before), "Raccordement attendu avant le 10/03/2026");
  assert.equal(d2Text(waiting, new Date("2026-03-11T08:00:00Z")),
    "Raccordement attendu avant le 11/03/2026 — délai dépassé");
  assert.equal(partyRowView(waiting, before).d2, "Raccordement attendu avant le 11/03/2026");
  assert.equal(partyRowView(acme).d2, null);  // connected: no D2 open
});

test("the directory's count agrees with its number and each kind's gender, « 1 prestataire affiché sur 4. »", () => {
  assert.equal(partiesCountText("contractor", 1, 4, true), "1 prestataire affiché sur 4.");
  assert.equal(partiesCountText("contractor", 4, 4, true), "4 prestataires affichés sur 4.");
  assert.equal(partiesCountText("manager", 0, 3, true), "0 gestionnaire affiché sur 3.");
  assert.equal(partiesCountText("beneficiary", 2, 2, true), "2 bénéficiaires affichés sur 2.");
  assert.equal(partiesCountText("purchasing_body", 1, 1, true), "1 centrale d'achat affichée sur 1.");
  assert.equal(partiesCountText("purchasing_body", 3, 5, true), "3 centrales d'achat affichées sur 5.");
  // a list cut at its pages says so
  assert.equal(partiesCountText("contractor", 2, 500, false),
    "2 prestataires affichés sur 500 — liste limitée aux premières pages : précisez la recherche.");
  for (const kind of Object.keys(LISTED_KIND_LABELS)) assert.doesNotMatch(partiesCountText(kind, 1, 2, true), /\(s\)/);
});

test("a registration's territory is chosen by its French name: optional for a party, required for a beneficiary", () => {
  const optional = registrationTerritoryOptions();
  // short enough for a phone (375 px): what it means is the field's hint
  assert.deepEqual(optional[0], { value: "", label: "Non précisé" });
  assert.ok(optional.some((o) => o.value === "974" && o.label === "La Réunion (974)"));
  const required = registrationTerritoryOptions({ required: true });
  assert.deepEqual(required[0], { value: "", label: "— Choisir —" });
  assert.equal(required.length, optional.length);
  // the registration's answer names it the same way; a code the app does not know stays as it is
  assert.equal(territoryText("972"), "Martinique (972)");
  assert.equal(territoryText(null), "—");
  assert.equal(territoryText("99"), "99");
});
