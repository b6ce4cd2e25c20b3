// Pure logic of the coverage screen's « Rattacher » action (A7 property tree): which orders the manager may
// attach (the orphans and those on a retired node), the active nodes it may attach them to, read page after
// page from list_property_nodes, the picker's options, the confirmation's words and the body of
// attach_order_node. No DOM, no network — tested with `node --test tests/web/` (tests/web/coverage.test.mjs).

import { plural } from "./logic.mjs";

// shared/domain/property_tree.py LABELS: one French wording for the kinds, the import's, its hint's and the picker's
export const NODE_KIND_LABELS = Object.freeze({
  site: "site", building: "bâtiment", staircase: "cage d'escalier", dwelling: "logement", equipment: "équipement",
});

export const NODE_PAGE = 2000;  // list_property_nodes' largest page
export const NODE_PAGES = 25;  // 50 000 nodes offered at most; a larger tree: the node id is typed

// The orders of the coverage report the manager may attach: the orphans (no node, or one unknown to the tree)
// and those on a retired node, each once, with why, in the report's order. Documents follow their order.
export function attachableOrders(coverage) {
  const rows = [];
  const seen = new Set();
  const add = (item, why) => {
    if (item?.kind !== "order" || seen.has(item.id)) return;
    seen.add(item.id);
    rows.push({ orderId: item.id, nodeId: item.node_id ?? null, why });
  };
  for (const o of coverage?.orphans ?? []) add(o, o.node_id ? "élément inconnu du patrimoine" : "aucun élément indiqué");
  for (const o of coverage?.on_retired_nodes ?? []) add(o, "élément retiré du patrimoine");
  return rows;
}

// The manager's active nodes, page after page by node id (`more` says whether another page follows), at most
// `maxPages` pages: `complete` false when more would follow; `treeInForce` whether a tree is in force at all
// (list_property_nodes' tree_in_force: without one, an order's node_id is the manager's own reference, A7).
// `call` is the app's ctx.call.
export async function activeNodes(call, { pageSize = NODE_PAGE, maxPages = NODE_PAGES } = {}) {
  return treeNodes(call, { pageSize, maxPages, active: true });
}

// Every node of the manager's tree, retired ones included (what an import compares with: created or changed).
export async function allNodes(call, { pageSize = NODE_PAGE, maxPages = NODE_PAGES } = {}) {
  return treeNodes(call, { pageSize, maxPages, active: false });
}

// The tree's sites alone (list_property_nodes kind=site, page after page), retired ones included: what a « Site »
// filter offers (siteOptions) without reading the whole tree. A contractor names the manager (`managerId`) and reads
// the sites within its perimeter only.
export async function siteNodes(call, { managerId = null, pageSize = NODE_PAGE, maxPages = NODE_PAGES } = {}) {
  return treeNodes(call, { pageSize, maxPages, active: false,
    filters: { kind: "site", ...(managerId ? { manager_id: managerId } : {}) } });
}

async function treeNodes(call, { pageSize, maxPages, active, filters = {} }) {
  const rows = [];
  let after = null;
  let treeInForce = false;
  for (let page = 0; page < maxPages; page += 1) {
    const query = new URLSearchParams({ ...filters, limit: String(pageSize), ...(after ? { after } : {}) }).toString();
    const answer = await call("list_property_nodes", { query });
    treeInForce ||= Boolean(answer?.tree_in_force);
    rows.push(...(answer?.nodes ?? []).filter((n) => !active || (n.status ?? "active") === "active"));
    after = answer?.next_cursor ?? null;
    if (!answer?.more || !after) return { rows, complete: true, treeInForce };
  }
  return { rows, complete: false, treeInForce };
}

// The « Site » filter of the orders' list (A7 property tree, A11 lists): the tree's sites (its top nodes), by label
// in French order, each with its id (two sites may share a label); a site an import retired is still offered, marked
// so, since its orders keep it. `rows`: siteNodes' (or allNodes') rows.
export function siteOptions(rows) {
  return (rows ?? []).filter((n) => n.kind === "site" && !n.parent_id)
    .sort((a, b) => a.label.localeCompare(b.label, "fr") || a.node_id.localeCompare(b.node_id))
    .map((n) => ({ value: n.node_id,
      label: `${n.label} — ${n.node_id}${(n.status ?? "active") === "retired" ? " (retiré du patrimoine)" : ""}` }));
}

// The tree's nodes by id (`rows`: allNodes' or activeNodes' rows): what names a node by its labels.
export function nodesById(rows) {
  return new Map((rows ?? []).map((n) => [n.node_id, n]));
}

// A node named by its ancestors' labels then its own, « Site Oullins › Bâtiment A »: many buildings share the label
// « Bâtiment A ». An ancestor the tree does not hold (or a loop) ends the path.
export function nodePath(node, byId = new Map()) {
  const labels = [node.label];
  const seen = new Set([node.node_id]);
  for (let parent = byId.get(node.parent_id); parent && !seen.has(parent.node_id); parent = byId.get(parent.parent_id)) {
    seen.add(parent.node_id);
    labels.unshift(parent.label);
  }
  return labels.join(" › ");
}

// A node as the picker says it: « Site Oullins › Bâtiment A — OULLINS-BAT-A (bâtiment, 69383) ».
export function nodeLabel(node, byId = new Map()) {
  const facts = [NODE_KIND_LABELS[node.kind] ?? node.kind, node.in_commune].filter(Boolean).join(", ");
  return `${nodePath(node, byId)} — ${node.node_id}${facts ? ` (${facts})` : ""}`;
}

// A node's ancestors' labels, the nearest first (the tree's top last).
function ancestorLabels(node, byId) {
  const labels = [];
  const seen = new Set([node.node_id]);
  for (let parent = byId.get(node.parent_id); parent && !seen.has(parent.node_id); parent = byId.get(parent.parent_id)) {
    seen.add(parent.node_id);
    labels.push(parent.label);
  }
  return labels;
}

// The picker's words for each node, short enough for a phone's drop-down (375 px cut a whole path after 35 characters,
// the element itself lost at the end): its own label first, then its nearest parent — « Logement 12 — Bâtiment B » —
// then further ancestors only where two nodes would read the same (« Logement 12 — Bâtiment B, Résidence du Parc »
// beside « …, Résidence Les Tilleuls »), its id last where even their whole paths are equal. A site alone: its label.
// → Map node_id → words. The whole path, id, kind and commune are written under the field once chosen (nodeLabel).
export function nodeShortLabels(nodes, byId = nodesById(nodes)) {
  const items = nodes.map((node) => {
    const up = ancestorLabels(node, byId);
    return { node, up, depth: Math.min(1, up.length), id: false };
  });
  const words = (item) => [item.node.label, item.up.slice(0, item.depth).join(", ")].filter(Boolean).join(" — ")
    + (item.id ? ` (${item.node.node_id})` : "");
  const clashes = () => {
    const groups = new Map();
    for (const item of items) groups.set(words(item), [...(groups.get(words(item)) ?? []), item]);
    return [...groups.values()].filter((group) => group.length > 1);
  };
  for (let clash = clashes(); clash.length; clash = clashes()) {
    let deeper = false;
    for (const item of clash.flat()) {
      if (item.depth < item.up.length) { item.depth += 1; deeper = true; }
    }
    if (!deeper) { for (const item of clash.flat()) item.id = true; }  // the same path twice: the ids tell them apart
    if (!deeper && clashes().length) break;  // the same id twice: nothing more to tell
  }
  return new Map(items.map((item) => [item.node.node_id, words(item)]));
}

// The picker's options, by their labels' path in French order (then by id) — an element under its parent, a building's
// dwellings together; the order's current node is left out. Each option's words are short (nodeShortLabels), its
// `path` the whole naming written under the field once chosen (nodeLabel). `byId` names the ancestors (every node of
// the tree; by default the rows themselves).
export function nodeOptions(rows, currentNodeId = null, byId = nodesById(rows)) {
  const kept = [...rows].filter((n) => n.node_id !== currentNodeId);
  const short = nodeShortLabels(kept, byId);
  return kept.map((n) => ({ node: n, path: nodePath(n, byId) }))
    .sort((a, b) => a.path.localeCompare(b.path, "fr") || a.node.node_id.localeCompare(b.node.node_id))
    .map(({ node }) => ({ value: node.node_id, label: short.get(node.node_id), path: nodeLabel(node, byId) }));
}

// The node chosen as a confirmation names it (« Rattacher … à … ? »): its whole naming (nodeLabel) when the tree read
// holds it, else its id between quotes.
export function chosenNodeNaming(nodeId, byId = new Map()) {
  const node = byId.get(nodeId);
  return node ? nodeLabel(node, byId) : `« ${nodeId} »`;
}

// What is written under the node picker (read with it, aria-describedby): the chosen option's whole naming, « Résidence
// Les Tilleuls › Bâtiment B › Logement 12 — LYON-BAT-B-LOG-12 (logement, 69383) »; empty while none is chosen.
export function chosenNodeText(options, nodeId) {
  const chosen = nodeId ? (options ?? []).find((o) => o.value === nodeId) : null;
  return chosen?.path ? `Élément choisi : ${chosen.path}` : "";
}

// An element named on the coverage screen (the orphans, the retired ones, « Aujourd'hui »): its labels' path when the
// tree holds it, with its id beneath; `label` null for an id the tree does not know (or no id at all).
export function nodeNaming(nodeId, byId = new Map()) {
  if (!nodeId) return { label: null, id: null };
  const node = byId.get(nodeId);
  return { label: node ? nodePath(node, byId) : null, id: nodeId };
}

// « Aujourd'hui : « Site Oullins › Bâtiment B › Logement 3 » (OULLINS-BAT-B-LOG-3) » — or its id alone, or none.
export function currentNodeText(nodeId, byId = new Map()) {
  const { label, id } = nodeNaming(nodeId, byId);
  if (!id) return "aucun élément";
  return label ? `« ${label} » (${id})` : `« ${id} »`;
}

const PERCENT = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

// The coverage meter: what is attached to an element in force, and what still sits on a retired one (the report
// counts both as attached: a retired element keeps its orders). `value` is the meter's, in force only.
export function coverageMeter(coverage) {
  const items = coverage?.items ?? 0;
  const retired = (coverage?.on_retired_nodes ?? []).length;
  const inForce = Math.max(0, (coverage?.attached ?? 0) - retired);
  const share = (n) => (items === 0 ? (n === inForce ? 100 : 0) : Math.round((10000 * n) / items) / 100);
  const value = share(inForce);
  const text = `${PERCENT.format(value)} % rattachés à un élément en vigueur`
    + (retired ? `, ${PERCENT.format(share(retired))} % sur des éléments retirés` : "");
  return { value, text, inForce, retired };
}

// The body of attach_order_node, or the error a person fixes before sending (no node chosen or typed).
export function attachBody(orderId, nodeId) {
  const node = String(nodeId ?? "").trim();
  if (!node) return { errors: [{ field: "$.node_id", message: "Choisissez l'élément du patrimoine." }] };
  return { body: { order_id: orderId, node_id: node } };
}

// What the confirmation asks, and what the screen says once done.
export function attachQuestion(orderId, fromNodeId, label, byId = new Map()) {
  return `Rattacher la commande ${orderId}${fromNodeId ? ` (aujourd'hui sur ${currentNodeText(fromNodeId, byId)})` : ""} à ${label} ? `
    + "Ses documents suivent la commande ; le prestataire en est informé ; son territoire et ses délais ne changent pas.";
}

export function attachedText(answer) {
  if (!answer?.changed) return `La commande ${answer?.order_id} était déjà rattachée à « ${answer?.node_id} ».`;
  return `Commande ${answer.order_id} rattachée à « ${answer.node_id} » (auparavant « ${answer.previous_node_id} »).`;
}

// --- « Rattacher la sélection »: many orders to one element at once (attach_order_node's `order_ids`).

export const MAX_ATTACH_ORDERS = 500;  // shared/domain/property_attach.py MAX_ORDERS: a larger selection, several requests

// The bodies of attach_order_node for a selection (each order once, in the list's order; `max` per request), or the
// error a person fixes before sending (nothing selected, no element chosen or typed).
export function attachSelectionBodies(orderIds, nodeId, max = MAX_ATTACH_ORDERS) {
  const orders = [...new Set((orderIds ?? []).filter(Boolean))];
  const node = String(nodeId ?? "").trim();
  const errors = [];
  if (!orders.length) errors.push({ field: "$.order_ids", message: "Cochez au moins une commande." });
  if (!node) errors.push({ field: "$.node_id", message: "Choisissez l'élément du patrimoine." });
  if (errors.length) return { errors };
  const bodies = [];
  for (let start = 0; start < orders.length; start += max) {
    bodies.push({ order_ids: orders.slice(start, start + max), node_id: node });
  }
  return { bodies };
}

// The answers of a selection's requests as one: how many attached, already there, refused (with their reasons).
export function mergeAttachAnswers(answers) {
  const merged = { attached: 0, unchanged: 0, refused: [] };
  for (const a of answers ?? []) {
    merged.attached += a?.attached ?? 0;
    merged.unchanged += a?.unchanged ?? 0;
    merged.refused.push(...(a?.refused ?? []));
  }
  return merged;
}

// « 1 commande rattachée », « 42 commandes sélectionnées »: the count, its noun and the participle agreeing.
export const ordersText = (n, what) => `${plural(n, "commande")} ${what}${n >= 2 ? "s" : ""}`;

// « cette commande », « ces 3 commandes »: what the confirmation and the proposals' buttons name.
export const theseOrders = (n) => (n > 1 ? `ces ${n} commandes` : "cette commande");

// « 42 commandes rattachées, 3 refusées : BC-1 (raison) ; … » — what the screen says once a selection was sent;
// `failure`: the messages of a request that failed after others were recorded (the rest was not sent).
export function attachSelectionText(answer, nodeId, failure = null) {
  const parts = [`${ordersText(answer?.attached ?? 0, "rattachée")} à « ${nodeId} »`];
  if (answer?.unchanged) parts.push(`${answer.unchanged} déjà rattachée${answer.unchanged > 1 ? "s" : ""}`);
  const refused = answer?.refused ?? [];
  let text = parts.join(", ");
  if (refused.length) {
    text += `, ${refused.length} refusée${refused.length > 1 ? "s" : ""} : `
      + refused.map((r) => `${r.order_id} (${(r.errors ?? []).map((e) => e.message).join(" ")})`).join(" ; ");
  }
  return `${text}.${failure?.length ? ` Le reste de la sélection n'a pas été envoyé : ${failure.join(" ")}` : ""}`;
}

// What the confirmation asks before a selection is sent.
export function attachSelectionQuestion(count, label) {
  return `Rattacher ${theseOrders(count)} à ${label} ? `
    + "Leurs documents les suivent ; les prestataires en sont informés ; territoires et délais ne changent pas.";
}

// --- « Propositions de rattachement »: the element get_property_coverage proposes for an order (its
// `proposed_node_id`, `proposed_because`: the renamed element of its retired one, or the one its site's label names —
// shared/domain/attach_proposals.py), grouped by element so that each group is one request (`order_ids`), the largest
// first. Only the orders the manager may attach (`attachableOrders`) and only elements the tree still has in force.
export function proposalGroups(coverage, byId = new Map()) {
  const attachable = new Set(attachableOrders(coverage).map((row) => row.orderId));
  const groups = new Map();
  for (const o of [...(coverage?.orphans ?? []), ...(coverage?.on_retired_nodes ?? [])]) {
    if (!o?.proposed_node_id || !attachable.has(o.id)) continue;
    const node = byId.get(o.proposed_node_id);
    if (node && (node.status ?? "active") !== "active") continue;
    const group = groups.get(o.proposed_node_id) ?? { nodeId: o.proposed_node_id, because: new Set(), orderIds: [] };
    if (!group.orderIds.includes(o.id)) group.orderIds.push(o.id);
    if (o.proposed_because) group.because.add(o.proposed_because);
    groups.set(o.proposed_node_id, group);
  }
  return [...groups.values()].map((g) => ({ ...g, because: [...g.because].join(" ; ") }))
    .sort((a, b) => b.orderIds.length - a.orderIds.length || a.nodeId.localeCompare(b.nodeId));
}

// « BC-1, BC-2 et 3 autres » — a group's orders, the first `shown` by their reference.
export function orderListText(orderIds, shown = 3) {
  const ids = orderIds ?? [];
  if (ids.length <= shown) return ids.length > 1 ? `${ids.slice(0, -1).join(", ")} et ${ids.at(-1)}` : (ids[0] ?? "");
  const more = ids.length - shown;
  return `${ids.slice(0, shown).join(", ")} et ${plural(more, "autre")}`;
}
