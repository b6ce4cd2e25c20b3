// The coverage screen's « Rattacher » action (A7 property tree): which orders may be attached, the active
// nodes read page after page, the picker's options, the body sent and the words said.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  NODE_KIND_LABELS, activeNodes, attachBody, attachQuestion, attachableOrders, attachedText, coverageMeter,
  chosenNodeNaming, chosenNodeText, currentNodeText, nodeLabel, nodeNaming, nodeOptions, nodeShortLabels, nodesById, siteNodes, siteOptions,
} from "../../web/coverage_logic.mjs";
import { readFileSync } from "node:fs";
import { listQuery } from "../../web/orders_logic.mjs";

const coverage = {
  orphans: [{ kind: "order", id: "BC-1", node_id: "ANCIEN-BAT" }, { kind: "document", id: "BC-1/abc", node_id: "ANCIEN-BAT" },
    { kind: "order", id: "BC-2", node_id: null }],
  on_retired_nodes: [{ kind: "order", id: "BC-3", node_id: "LOG-12" }, { kind: "document", id: "BC-3/def", node_id: "LOG-12" }],
};

test("A7: the orphan orders and those on a retired node may be attached, each once; documents follow", () => {
  assert.deepEqual(attachableOrders(coverage), [
    { orderId: "BC-1", nodeId: "ANCIEN-BAT", why: "élément inconnu du patrimoine" },
    { orderId: "BC-2", nodeId: null, why: "aucun élément indiqué" },
    { orderId: "BC-3", nodeId: "LOG-12", why: "élément retiré du patrimoine" },
  ]);
  assert.deepEqual(attachableOrders({ orphans: [] }), []);
});

test("A7: the active nodes are read page after page while more follow, retired ones left out, and bounded", async () => {
  const tree = [{ node_id: "A", status: "active" }, { node_id: "B", status: "retired" }, { node_id: "C", status: "active" }];
  const asked = [];
  const call = async (name, { query }) => {
    asked.push(`${name}?${query}`);
    const after = new URLSearchParams(query).get("after");
    const rest = tree.slice(after ? tree.findIndex((n) => n.node_id === after) + 1 : 0);
    const page = rest.slice(0, 2);
    return { nodes: page, next_cursor: page.at(-1)?.node_id ?? null, more: rest.length > 2 };
  };
  const read = await activeNodes(call, { pageSize: 2 });
  assert.deepEqual([read.rows.map((n) => n.node_id), read.complete], [["A", "C"], true]);
  assert.deepEqual(asked, ["list_property_nodes?limit=2", "list_property_nodes?limit=2&after=B"]);
  const endless = async () => ({ nodes: [{ node_id: "x" }], next_cursor: "x", more: true });
  assert.equal((await activeNodes(endless, { maxPages: 3 })).complete, false);
});

test("A7: the picker offers the nodes by label in French order, without the order's current node", () => {
  const rows = [
    { node_id: "LYON-BAT-B", kind: "building", label: "Bâtiment B", in_commune: "69383" },
    { node_id: "LYON", kind: "site", label: "Résidence Les Tilleuls", in_commune: "69383" },
    { node_id: "LYON-BAT-A", kind: "building", label: "Bâtiment A", in_commune: "69383" },
    { node_id: "ENTREPOT", kind: "site", label: "Entrepôt", in_commune: null },
  ];
  assert.deepEqual(nodeOptions(rows, "LYON-BAT-B").map((o) => o.value), ["LYON-BAT-A", "ENTREPOT", "LYON"]);
  assert.equal(nodeLabel(rows[2]), "Bâtiment A — LYON-BAT-A (bâtiment, 69383)");
  assert.equal(nodeLabel(rows[3]), "Entrepôt — ENTREPOT (site)");
});

const OULLINS = [
  { node_id: "OULLINS", kind: "site", parent_id: null, label: "Site Oullins", in_commune: "69149" },
  { node_id: "OULLINS-BAT-A", kind: "building", parent_id: "OULLINS", label: "Bâtiment A", in_commune: "69149" },
  { node_id: "OULLINS-BAT-B", kind: "building", parent_id: "OULLINS", label: "Bâtiment B", in_commune: "69149" },
  { node_id: "OULLINS-BAT-B-CAGE-1", kind: "staircase", parent_id: "OULLINS-BAT-B", label: "Cage 1", in_commune: "69149" },
  { node_id: "OULLINS-BAT-B-LOG-3", kind: "dwelling", parent_id: "OULLINS-BAT-B", label: "Logement 3",
    in_commune: "69149", status: "retired" },
  { node_id: "VAULX", kind: "site", parent_id: null, label: "Résidence du Mas", in_commune: "69256" },
  { node_id: "VAULX-BAT-A", kind: "building", parent_id: "VAULX", label: "Bâtiment A", in_commune: "69256" },
];

test("A7: the picker names each element with its ancestors' labels: many are « Bâtiment A »", () => {
  const byId = nodesById(OULLINS);
  const active = OULLINS.filter((n) => n.status !== "retired");
  const options = nodeOptions(active, null, byId);
  // the whole naming, written under the field once chosen, in the tree's order
  assert.deepEqual(options.map((o) => o.path), [
    "Résidence du Mas — VAULX (site, 69256)",
    "Résidence du Mas › Bâtiment A — VAULX-BAT-A (bâtiment, 69256)",
    "Site Oullins — OULLINS (site, 69149)",
    "Site Oullins › Bâtiment A — OULLINS-BAT-A (bâtiment, 69149)",
    "Site Oullins › Bâtiment B — OULLINS-BAT-B (bâtiment, 69149)",
    "Site Oullins › Bâtiment B › Cage 1 — OULLINS-BAT-B-CAGE-1 (cage d'escalier, 69149)",
  ]);
  // the option itself short for a phone: the element first, then its parent
  assert.deepEqual(options.map((o) => o.label), [
    "Résidence du Mas", "Bâtiment A — Résidence du Mas", "Site Oullins", "Bâtiment A — Site Oullins",
    "Bâtiment B — Site Oullins", "Cage 1 — Bâtiment B",
  ]);
  // the rows alone name the ancestors they hold
  assert.equal(nodeOptions(active).find((o) => o.value === "VAULX-BAT-A").path,
    "Résidence du Mas › Bâtiment A — VAULX-BAT-A (bâtiment, 69256)");
});

// Two « Logement 12 » in two « Bâtiment B » of two residences, two in the same building (an import's twins), a
// dwelling straight under a site: on a phone each option stays short and never reads as another one.
const TWINS = [
  { node_id: "PARC", kind: "site", label: "Résidence du Parc", in_commune: "69383" },
  { node_id: "PARC-B", kind: "building", parent_id: "PARC", label: "Bâtiment B", in_commune: "69383" },
  { node_id: "PARC-B-12", kind: "dwelling", parent_id: "PARC-B", label: "Logement 12", in_commune: "69383" },
  { node_id: "TIL", kind: "site", label: "Résidence Les Tilleuls", in_commune: "69383" },
  { node_id: "TIL-B", kind: "building", parent_id: "TIL", label: "Bâtiment B", in_commune: "69383" },
  { node_id: "TIL-B-12", kind: "dwelling", parent_id: "TIL-B", label: "Logement 12", in_commune: "69383" },
  { node_id: "TIL-A", kind: "building", parent_id: "TIL", label: "Bâtiment A", in_commune: "69383" },
  { node_id: "TIL-A-12", kind: "dwelling", parent_id: "TIL-A", label: "Logement 12", in_commune: "69383" },
  { node_id: "TIL-A-12-BIS", kind: "dwelling", parent_id: "TIL-A", label: "Logement 12", in_commune: "69383" },
  { node_id: "TIL-LOGE", kind: "dwelling", parent_id: "TIL", label: "Loge", in_commune: "69383" },
];

test("A7 on a phone: two « Logement 12 » read apart — their parent, then their site, their id for twins", () => {
  const short = nodeShortLabels(TWINS);
  assert.equal(short.get("PARC-B-12"), "Logement 12 — Bâtiment B, Résidence du Parc");
  assert.equal(short.get("TIL-B-12"), "Logement 12 — Bâtiment B, Résidence Les Tilleuls");
  assert.equal(short.get("TIL-A-12"), "Logement 12 — Bâtiment A, Résidence Les Tilleuls (TIL-A-12)");
  assert.equal(short.get("TIL-A-12-BIS"), "Logement 12 — Bâtiment A, Résidence Les Tilleuls (TIL-A-12-BIS)");
  assert.equal(short.get("TIL-LOGE"), "Loge — Résidence Les Tilleuls");
  assert.equal(short.get("PARC-B"), "Bâtiment B — Résidence du Parc");  // its parent tells it from TIL-B already
  assert.equal(short.get("TIL"), "Résidence Les Tilleuls");
  const labels = nodeOptions(TWINS).map((o) => o.label);
  assert.equal(new Set(labels).size, TWINS.length, `two options read the same: ${labels}`);
  // alone in the list (the other residence's left out, as the order's current node), the parent is enough again
  assert.equal(nodeOptions(TWINS.filter((n) => !n.node_id.startsWith("TIL")), null, nodesById(TWINS))
    .find((o) => o.value === "PARC-B-12").label, "Logement 12 — Bâtiment B");
});

test("A7: the node chosen is written whole under the picker, and named whole by the confirmation", () => {
  const options = nodeOptions(TWINS);
  assert.equal(chosenNodeText(options, "TIL-B-12"),
    "Élément choisi : Résidence Les Tilleuls › Bâtiment B › Logement 12 — TIL-B-12 (logement, 69383)");
  assert.equal(chosenNodeText(options, ""), "");
  assert.equal(chosenNodeText(options, "INCONNU"), "");
  const byId = nodesById(TWINS);
  assert.equal(chosenNodeNaming("PARC-B-12", byId),
    "Résidence du Parc › Bâtiment B › Logement 12 — PARC-B-12 (logement, 69383)");
  assert.equal(chosenNodeNaming("TAPÉ-À-LA-MAIN", byId), "« TAPÉ-À-LA-MAIN »");
});

test("A7: the orphans, the retired elements and « Aujourd'hui » are named by the tree's labels, the id beneath", () => {
  const byId = nodesById(OULLINS);
  assert.deepEqual(nodeNaming("OULLINS-BAT-B-LOG-3", byId),
    { label: "Site Oullins › Bâtiment B › Logement 3", id: "OULLINS-BAT-B-LOG-3" });
  assert.deepEqual(nodeNaming("ANCIEN-BAT", byId), { label: null, id: "ANCIEN-BAT" });
  assert.deepEqual(nodeNaming(null, byId), { label: null, id: null });
  assert.equal(currentNodeText("OULLINS-BAT-B-LOG-3", byId),
    "« Site Oullins › Bâtiment B › Logement 3 » (OULLINS-BAT-B-LOG-3)");
  assert.equal(currentNodeText("ANCIEN-BAT", byId), "« ANCIEN-BAT »");
  assert.equal(currentNodeText(null, byId), "aucun élément");
  assert.match(attachQuestion("BC-3", "OULLINS-BAT-B-LOG-3", "Bâtiment A", byId),
    /^Rattacher la commande BC-3 \(aujourd'hui sur « Site Oullins › Bâtiment B › Logement 3 » \(OULLINS-BAT-B-LOG-3\)\)/);
});

test("A7: the meter says what is on an element in force and what sits on a retired one, never 100 % for both", () => {
  const retired = Array.from({ length: 16 }, (_, i) => ({ kind: "order", id: `BC-${i}`, node_id: "OULLINS-BAT-B-LOG-3" }));
  const meter = coverageMeter({ items: 600, attached: 600, coverage_percent: 100, orphans: [], on_retired_nodes: retired });
  assert.equal(meter.value, 97.33);
  assert.equal(meter.text, "97,33 % rattachés à un élément en vigueur, 2,67 % sur des éléments retirés");
  assert.deepEqual([meter.inForce, meter.retired], [584, 16]);
  assert.equal(coverageMeter({ items: 4, attached: 3, orphans: [{}], on_retired_nodes: [] }).text,
    "75 % rattachés à un élément en vigueur");
  assert.equal(coverageMeter({ items: 0, attached: 0, orphans: [], on_retired_nodes: [] }).text,
    "100 % rattachés à un élément en vigueur");
});

test("A7: the kinds have one French wording, the import's (shared/domain/property_tree.py FRENCH_NAMES)", () => {
  const source = readFileSync(new URL("../../shared/domain/property_tree.py", import.meta.url), "utf8");
  const names = source.match(/FRENCH_NAMES = \{([^}]*)\}/)[1];
  for (const [kind, label] of Object.entries(NODE_KIND_LABELS)) {
    assert.match(names, new RegExp(`NodeKind\\.${kind.toUpperCase()}: "${label}"`), kind);
  }
  assert.ok(!Object.values(NODE_KIND_LABELS).some((l) => l.includes("/")));
});

test("A7: the body names the order and the node; no node chosen is said before sending", () => {
  assert.deepEqual(attachBody("BC-1", " LYON-BAT-A "), { body: { order_id: "BC-1", node_id: "LYON-BAT-A" } });
  assert.deepEqual(attachBody("BC-1", ""), { errors: [{ field: "$.node_id", message: "Choisissez l'élément du patrimoine." }] });
});

test("A7: the confirmation says what moves and what does not; the answer is said in French", () => {
  const question = attachQuestion("BC-1", "ANCIEN-BAT", "Bâtiment A — LYON-BAT-A (bâtiment, 69383)");
  assert.match(question, /^Rattacher la commande BC-1 \(aujourd'hui sur « ANCIEN-BAT »\) à Bâtiment A/);
  assert.match(question, /territoire et ses délais ne changent pas/);
  assert.equal(attachedText({ order_id: "BC-1", node_id: "LYON-BAT-A", previous_node_id: "ANCIEN-BAT", changed: true }),
    "Commande BC-1 rattachée à « LYON-BAT-A » (auparavant « ANCIEN-BAT »).");
  assert.equal(attachedText({ order_id: "BC-1", node_id: "LYON-BAT-A", previous_node_id: "LYON-BAT-A", changed: false }),
    "La commande BC-1 était déjà rattachée à « LYON-BAT-A ».");
});

test("the orders' « Site » filter offers the tree's sites by label, a retired one marked, and asks list_orders node_id=", () => {
  const rows = [
    { node_id: "VAULX-BAT-B", kind: "building", parent_id: "VAULX", label: "Bâtiment B" },
    { node_id: "VAULX", kind: "site", parent_id: null, label: "Résidence du Mas" },
    { node_id: "LYON", kind: "site", label: "Résidence Les Tilleuls" },
    { node_id: "ANCIEN", kind: "site", label: "Ancienne résidence", status: "retired" },
    { node_id: "ELLE", kind: "site", label: "Élan" },
  ];
  assert.deepEqual(siteOptions(rows), [
    { value: "ANCIEN", label: "Ancienne résidence — ANCIEN (retiré du patrimoine)" },
    { value: "ELLE", label: "Élan — ELLE" },
    { value: "VAULX", label: "Résidence du Mas — VAULX" },
    { value: "LYON", label: "Résidence Les Tilleuls — LYON" },
  ]);
  assert.deepEqual(siteOptions(undefined), []);
  assert.equal(listQuery({ nodeId: "VAULX", state: "scheduled", orderId: "BC-2" }), "state=scheduled&node_id=VAULX&order_id=BC-2");
  assert.equal(listQuery({ nodeId: "" }), "");
});

test("the « Site » filter reads the sites alone, page after page: the manager's own, a contractor's client's", async () => {
  // a server that answers list_property_nodes as the platform does: by node id, the kind filtered, `more` to read on
  const tree = [
    { node_id: "LYON", kind: "site", label: "Résidence Les Tilleuls" },
    { node_id: "LYON-BAT-A", kind: "building", parent_id: "LYON", label: "Bâtiment A" },
    { node_id: "PARIS", kind: "site", label: "Résidence Voltaire" },
    { node_id: "VAULX", kind: "site", label: "Résidence du Mas", status: "retired" },
  ];
  const asked = [];
  const call = async (name, { query }) => {
    asked.push(query);
    const q = new URLSearchParams(query);
    const after = q.get("after");
    const rest = tree.filter((n) => !q.get("kind") || n.kind === q.get("kind"))
      .filter((n) => !after || n.node_id > after);
    const page = rest.slice(0, Number(q.get("limit")));
    return { tree_in_force: true, nodes: page, more: rest.length > page.length, next_cursor: page.at(-1)?.node_id ?? null };
  };
  const own = await siteNodes(call, { pageSize: 2 });
  assert.deepEqual(own.rows.map((n) => n.node_id), ["LYON", "PARIS", "VAULX"]);
  assert.equal(own.complete, true);
  assert.deepEqual(asked, ["kind=site&limit=2", "kind=site&limit=2&after=PARIS"]);
  assert.deepEqual(siteOptions(own.rows).map((o) => o.value), ["VAULX", "LYON", "PARIS"]);
  // a contractor names the client whose sites it reads (its perimeter only, the platform's answer)
  asked.length = 0;
  await siteNodes(call, { managerId: "mgr-rhone" });
  assert.deepEqual(asked, ["kind=site&manager_id=mgr-rhone&limit=2000"]);
});
