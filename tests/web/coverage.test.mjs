// The coverage screen's « Rattacher » action (A7 property tree): which orders may be attached, the active
// nodes read page after page, the picker's options, the body sent and the words said.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  activeNodes, attachBody, attachQuestion, attachableOrders, attachedText, nodeLabel, nodeOptions, siteNodes,
  siteOptions,
} from "../../web/coverage_logic.mjs";
import { listQuery } from "../../web/logic.mjs";

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
  assert.equal(nodeLabel(rows[3]), "Entrepôt — ENTREPOT (site / groupe)");
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
