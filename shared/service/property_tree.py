"""Import a manager's property tree (A7 property tree), tell the contractors it concerns, and report how
well its orders and documents are attached.

Layout:
  managers/<m>/property_nodes/<node_id>       one node (kind, parent_id, label, commune, in_commune, status)
  managers/<m>/property_imports/<job_id>      an import job: status, total, written, retired, batches, resumes
  managers/<m>/property_tree/current          written when an import completes: the tree is in force

An import validates the whole file first (nothing is written if any row is bad), then writes
only the new or changed nodes, then retires the stored nodes the file omits (``replace``, the
default; ``merge`` retires none), ``BATCH_NODES`` per commit with the job's progress (several
units of work: a tree of 100 000 nodes does not fit in one). A retired node is kept — orders and
documents that name it keep it — with ``status`` ``retired``; new orders may not name it.

Each commit also carries, for every contractor the batch's nodes concern (``pt.concerns``: the
node's commune within one of its contracts' perimeters), one message on ``orders-<contractor>``:
``fr.passerelle.property_nodes.changed.v1`` with the nodes, ``fr.passerelle.property_nodes.retired.v1``
with the ids retired — in the same commit as the nodes (transactional outbox), ordering key
``property-tree/<manager>``.

The job's id is a digest of the manager, the mode and the file's nodes: the same file again finds
its completed job and writes nothing — unless another import completed since, in which case it runs
again (under an id that also names that import) and puts its own content back. After a crash mid-way
the same file again finds the job ``running``; nodes already written (or retired) are unchanged, so
it does only the rest (the answer says ``resumed``). Orders are checked against the tree only once
``current`` exists (``shared.service.orders.site_node``), and a node's ``in_commune`` is the
commune A13 checks against the contract when the order names none.

An order received before the tree, or whose node an import retired, is attached by the manager to a node
in force (``attach_order_node``): the order's site node, node commune and site path (A11 lists' filter by
site), a history event, the message to
the contractor holding it (``fr.passerelle.order.node_changed.v1``) and their audit records, one commit.
Its documents follow it (coverage reads them through their order, in one collection-group query); its territory does not (B18).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from shared import topology
from shared.domain import property_tree as pt
from shared.domain.attach_proposals import NodeFacts, Proposer
from shared.domain.contracts import Perimeter
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.orders import Actor
from shared.ports import MAX_WRITES, Clock, Document, OutboxMessage, Query, UnitOfWork, digest
from shared.service.order_store import add_event, load_order, save_order
from shared.service.transaction import transact

log = logging.getLogger(__name__)

# Nodes per commit: with the job's progress, 450 documents; that leaves no room for one audit record
# per document, so the unit of work writes one bulk audit record for the batch (2 writes): 452 writes,
# and up to 48 messages to contractors. A manager with more contractors gets smaller batches.
BATCH_NODES = 449
AUDIT_WRITES_OF_A_BULK_COMMIT = 2
assert BATCH_NODES + 1 + AUDIT_WRITES_OF_A_BULK_COMMIT <= MAX_WRITES


def nodes_path(manager_id: str) -> str:
    return f"managers/{manager_id}/property_nodes"


def node_path(manager_id: str, node_id: str) -> str:
    return f"{nodes_path(manager_id)}/{node_id}"


def jobs_path(manager_id: str) -> str:
    return f"managers/{manager_id}/property_imports"


def tree_path(manager_id: str) -> str:
    return f"managers/{manager_id}/property_tree/current"


def _by_name(collection: str, **kw: Any) -> Query:
    return Query(collection, order_by=(("__name__", "asc"),), **kw)


def load_tree(uow: UnitOfWork, manager_id: str) -> dict[str, pt.TreeNode]:
    """Every stored node, retired ones included (read page by page, nothing remembered)."""
    return {d.id: pt.TreeNode.model_validate(d.data) for d in uow.stream(Query(nodes_path(manager_id)))}


def node_state(uow: UnitOfWork, manager_id: str, node_id: str | None) -> str | None:
    """Where an order's node stands in the tree in force: ``active``, ``retired``, ``missing`` (not in
    the tree, or no node named); None while the manager has no tree in force."""
    found = uow.get_all([tree_path(manager_id)] + ([node_path(manager_id, node_id)] if node_id else []))
    if tree_path(manager_id) not in found:
        return None
    node = found.get(node_path(manager_id, node_id)) if node_id else None
    return "missing" if node is None else node.get("status", "active")


MAX_DEPTH = 5  # site, building, staircase, dwelling, equipment (pt.ALLOWED_PARENTS): no longer path exists


def ancestry(uow: UnitOfWork, manager_id: str, node_id: str, node: dict[str, Any] | None) -> list[str]:
    """The tree's path from ``node``'s site down to it (ids), as the node stores it (``path``, written by the
    import): no read. A node stored before nodes kept it has none: its parents are read one by one then (at most
    four reads, within the caller's unit of work). No node (no tree in force): the node alone."""
    if node is None:
        return [node_id]
    if node.get("path"):
        return list(node["path"])
    path, parent = [node_id], node.get("parent_id")
    while parent and parent not in path and len(path) < MAX_DEPTH:
        path.insert(0, parent)
        parent = (uow.get(node_path(manager_id, parent)) or {}).get("parent_id")
    return path


def contractor_perimeters(uow: UnitOfWork, manager_id: str) -> dict[str, list[Perimeter]]:
    """The perimeters of each contractor's contracts with the manager (ended contracts left out)."""
    found: dict[str, list[Perimeter]] = {}
    for doc in uow.query(Query(f"managers/{manager_id}/contracts")):
        contractor = doc.data.get("contractor_id")
        if contractor and doc.data.get("status") != "ended":
            found.setdefault(contractor, []).append(Perimeter.model_validate(doc.data.get("perimeter") or {}))
    return found


def _job_id(manager_id: str, mode: str, rows: list[tuple[int, pt.PropertyNode]], after: str | None = None) -> str:
    return "imp-" + digest(manager_id, mode, *(n.model_dump_json() for _, n in rows), *([after] if after else []))[:24]


def import_tree(manager_id: str, fmt: str, raw: bytes, uow: UnitOfWork, clock: Clock,
                progress: Callable[[dict[str, Any]], None] | None = None, mode: str = "replace") -> dict[str, Any]:
    """A7: validate the whole file, write its new or changed nodes and retire those it omits (``replace``)
    in batches — each one commit with the job's progress and the messages to the contractors the
    batch concerns — then put the tree in force."""
    rows, errors = pt.parse_csv(raw) if fmt == "csv" else pt.parse_json(raw)
    if errors:
        raise DomainError(errors)
    uow.begin()
    job_id = _job_id(manager_id, mode, rows)
    previous = uow.get(f"{jobs_path(manager_id)}/{job_id}")
    if previous is not None and previous.get("status") == "completed":
        last = (uow.get(tree_path(manager_id)) or {}).get("last_import")
        if last in (job_id, None):
            return {**previous, "changed": False, "written_now": 0}
        job_id = _job_id(manager_id, mode, rows, after=last)  # another import since: this one runs again
        previous = uow.get(f"{jobs_path(manager_id)}/{job_id}")
    job_doc = f"{jobs_path(manager_id)}/{job_id}"
    stored = load_tree(uow, manager_id)
    planned, errors = pt.plan(rows, stored, mode)
    if errors:
        raise DomainError(errors)  # all or nothing: every bad row reported, nothing written
    now = clock.now().isoformat()
    resumed = previous is not None
    job: dict[str, Any] = {
        "job_id": job_id, "manager_id": manager_id, "format": fmt, "mode": mode, "status": "running",
        "nodes_in_file": len(rows), "to_write": len(planned.write), "written": 0, "to_retire": len(planned.retire),
        "retired": 0, "batches": 0, "batch_size": BATCH_NODES,
        "started_at": previous["started_at"] if resumed else now, "updated_at": now,
        "resumes": (previous.get("resumes", 0) + 1) if resumed else 0,
        "already_written_before_resume": (previous.get("written", 0)) if resumed else 0,
    }
    if resumed:
        log.warning("property import resumed", extra={"manager_id": manager_id, "job_id": job_id,
                                                       "written_before": previous.get("written", 0)})
    _commit(uow, {job_doc: job})  # the job is visible (running) before its first batch
    perimeters = contractor_perimeters(uow, manager_id)
    size = max(1, min(BATCH_NODES, MAX_WRITES - 1 - AUDIT_WRITES_OF_A_BULK_COMMIT - len(perimeters)))
    for kind, nodes in (("written", planned.write), ("retired", planned.retire)):
        for start in range(0, len(nodes), size):
            chunk, at = nodes[start:start + size], clock.now()
            if kind == "retired":
                chunk = [n.model_copy(update={"status": "retired", "retired_at": at.isoformat()}) for n in chunk]
            job = {**job, kind: start + len(chunk), "batches": job["batches"] + 1, "updated_at": at.isoformat()}
            _commit(uow, {**{node_path(manager_id, n.node_id): n.model_dump(mode="json") for n in chunk}, job_doc: job},
                    _told(manager_id, job_id, kind, chunk, perimeters, at))
            if progress is not None:
                progress(job)
    for start in range(0, len(planned.keep_path), size):  # a path given to nodes stored without one: no message
        _commit(uow, {node_path(manager_id, n.node_id): n.model_dump(mode="json")
                      for n in planned.keep_path[start:start + size]})
    total_nodes = sum(1 for n in {**stored, **{n.node_id: n for n in planned.write}}.values()
                      if n.status == "active") - len(planned.retire)
    done = clock.now().isoformat()
    job = {**job, "status": "completed", "completed_at": done, "updated_at": done, "tree_nodes": total_nodes}
    _commit(uow, {job_doc: job,
                  tree_path(manager_id): {"nodes": total_nodes, "last_import": job_id, "updated_at": done}})
    log.info("property tree imported", extra={"manager_id": manager_id, "job_id": job_id, "written": job["written"],
                                              "retired": job["retired"]})
    return {**job, "changed": bool(planned.write or planned.retire), "written_now": len(planned.write),
            "retired_now": len(planned.retire), "resumed": resumed}


def _told(manager_id: str, job_id: str, kind: str, chunk: list[pt.TreeNode], perimeters: dict[str, list[Perimeter]],
          at: dt.datetime) -> list[OutboxMessage]:
    """One message per contractor the chunk's nodes concern: the nodes changed, or the ids retired."""
    messages = []
    for contractor, its in sorted(perimeters.items()):
        nodes = [n for n in chunk if pt.concerns(n.in_commune, its)]
        if not nodes:
            continue
        if kind == "written":
            event, data = EventType.PROPERTY_NODES_CHANGED, pt.PropertyNodesChanged(
                manager_id=manager_id, import_id=job_id, nodes=nodes, changed_at=at)
        else:
            event, data = EventType.PROPERTY_NODES_RETIRED, pt.PropertyNodesRetired(
                manager_id=manager_id, import_id=job_id, node_ids=[n.node_id for n in nodes], retired_at=at)
        messages.append(OutboxMessage(
            id=f"nodes-{digest(manager_id, job_id, contractor, kind, nodes[0].node_id, nodes[-1].node_id)[:32]}",
            topic=topology.orders_topic(contractor), event_type=event,
            source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"property-tree/{job_id}",
            data=data.model_dump(mode="json"), created_at=at, ordering_key=f"property-tree/{manager_id}"))
    return messages


def _commit(uow: UnitOfWork, documents: dict[str, dict[str, Any]], messages: list[OutboxMessage] = ()) -> None:
    """One commit of whole documents and their messages. Unconditional, as the import always was: a
    node's content is the file's, so writing it twice (a resumed or concurrent import of the same file)
    changes nothing."""
    def attempt() -> None:
        for path, data in documents.items():
            uow.put(path, data)
        for message in messages:
            uow.publish(message)

    transact(uow, attempt)


def attach_order_node(manager_id: str, command: pt.AttachOrderNode, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """A7: attach one of the manager's orders to a node of its tree in force (``pt.attach`` says when it may), one
    commit (``attach_in``). Many orders at once (``order_ids``): shared/service/property_attach.py, the same path."""
    result = transact(uow, lambda: attach_in(uow, manager_id, command.order_id, command.node_id, clock))
    log.info("order attached to its property node", extra={
        "manager_id": manager_id, "order_id": command.order_id, "node_id": command.node_id,
        "changed": result["changed"]})
    return result


def attach_in(uow: UnitOfWork, manager_id: str, order_id: str, node_id: str, clock: Clock) -> dict[str, Any]:
    """Attach ``order_id`` to ``node_id`` within the caller's unit of work (not committed): the order's site node,
    node commune and site path, a history event and the message to the contractor holding it, their audit records
    written by the commit. The same attachment again changes nothing (``changed`` false: no event, no message).
    Another manager's order is not in this manager's space: ORDER_NOT_FOUND, as for every order command. A refusal
    (DomainError) buffers nothing. Three reads: the order, the node and the order's contract (its perimeter; B18's
    territory of an order stored before orders kept theirs may read the manager too) — none when the unit of work
    read them already."""
    from shared.service.territories import territory_of

    order = load_order(uow, manager_id, order_id)
    if order is None:
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=order_id)])
    found = uow.get(node_path(manager_id, node_id))
    node = pt.TreeNode.model_validate(found) if found is not None else None
    if node is not None and not node.path and node.status == "active":  # stored before nodes kept their path
        node = node.model_copy(update={"path": ancestry(uow, manager_id, node_id, found)})
    contract = uow.get(f"managers/{manager_id}/contracts/{order.contract_id}")
    perimeter = Perimeter.model_validate(contract.get("perimeter") or {}) if contract is not None else None
    territory = territory_of(uow, order, contract)  # as it stands: kept at issue, else the rule's (B18)
    after = pt.attach(order, node_id, node, perimeter, territory)
    answer = {"manager_id": manager_id, "order_id": order.order_id, "node_id": node_id,
              "previous_node_id": order.site.node_id, "changed": after is not None, "state": order.state.value}
    if after is None:
        return answer
    now = clock.now()
    event_id = f"node-{digest(manager_id, order.order_id, order.site.node_id, node_id, now.isoformat())[:16]}"
    save_order(uow, after)
    add_event(uow, after, event_id, {
        "actor": Actor.MANAGER.value, "channel": "rest", "kind": "node_changed",
        "label": f"Rattachement au patrimoine : « {node_id} » ({node.label}), au lieu de "
                 f"« {order.site.node_id} »",
        "occurred_at": now.isoformat(), "received_at": now.isoformat(), "state_before": order.state.value,
        "state_after": after.state.value, "previous_node_id": order.site.node_id, "node_id": node_id})
    uow.publish(OutboxMessage(
        id=f"{event_id}-{digest(manager_id, order.order_id)[:16]}", topic=topology.orders_topic(order.contractor_id),
        event_type=EventType.ORDER_NODE_CHANGED, source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}",
        subject=f"orders/{order.order_id}", data=pt.OrderNodeChanged(
            manager_id=manager_id, order_id=order.order_id, node_id=node_id,
            previous_node_id=order.site.node_id, node=node, site=after.site, changed_at=now).model_dump(mode="json"),
        created_at=now, ordering_key=order.order_id))
    return answer


def coverage(manager_id: str, uow: UnitOfWork) -> dict[str, Any]:
    """% of the manager's orders and documents attached to a node of its tree, and the orphans.

    A document is attached through its order's node. A retired node still attaches what names it (the
    orders keep their node); those items are listed under ``on_retired_nodes``, and the documents
    flagged when they were attached (their order's node missing or retired) under ``flagged_documents`` while
    their order still sits on such a node: once ``attach_order_node`` moved the order to a node in force, the
    document is attached with it and no longer listed (its ``property_flag`` stays on it, as history)."""
    tree = uow.get(tree_path(manager_id))
    # the same one reading of the nodes, with what a proposal compares (A7: the node an order left without one most
    # likely belongs to, shared/domain/attach_proposals.py)
    facts = [NodeFacts.of(d.id, d.data) for d in uow.stream(Query(nodes_path(manager_id), select=(
        "status", "label", "kind", "parent_id", "in_commune")))]
    stored = {n.node_id: n.status for n in facts}
    items: list[tuple[str, str, str | None]] = []
    flagged: list[dict[str, Any]] = []
    orders = uow.query(_by_name(f"managers/{manager_id}/orders", select=("site.node_id", "site.label", "site.commune")))
    documents = order_documents(uow, manager_id, {order.path for order in orders})
    for order in orders:
        node_id = (order.data.get("site") or {}).get("node_id")
        items.append(("order", order.id, node_id))
        for d in documents.get(order.path, ()):
            items.append(("document", f"{order.id}/{d.id}", node_id))
            if d.data.get("property_flag") and stored.get(node_id or "") != "active":
                flagged.append({"id": f"{order.id}/{d.id}", "node_id": node_id, "flag": d.data["property_flag"]})
    report = pt.coverage(items, set(stored))
    retired = [{"kind": kind, "id": item_id, "node_id": node_id} for kind, item_id, node_id in items
               if stored.get(node_id or "") == "retired"]
    proposer, sites = Proposer(facts), {order.id: order.data.get("site") or {} for order in orders}
    for item in (*report["orphans"], *retired):
        site = sites.get(item["id"]) if item["kind"] == "order" else None
        proposal = proposer.propose(item["node_id"], site.get("label"), site.get("commune")) if site is not None else None
        if proposal is not None:
            item.update(proposed_node_id=proposal.node_id, proposed_because=proposal.because)
    running = [d.data for d in uow.query(_by_name(jobs_path(manager_id), where=(("status", "==", "running"),)))]
    return {"manager_id": manager_id, "tree_nodes": sum(1 for s in stored.values() if s == "active"),
            "retired_nodes": sum(1 for s in stored.values() if s == "retired"), "tree_in_force": tree is not None,
            **report, "on_retired_nodes": retired, "flagged_documents": flagged, "unfinished_imports": running}


def order_documents(uow: UnitOfWork, manager_id: str, order_paths: set[str]) -> dict[str, list[Document]]:
    """The documents of the manager's orders ``order_paths``, by order path, each order's in path order: one
    collection-group query on ``documents`` filtered on the caller's tenant (``manager_id``, which every
    document record carries; collection-group index in infra/terraform/firestore.tf), ``property_flag`` only —
    not one query per order (a month's 600 orders took 4.5 to 8 s so, 8 at a time: docs/performance.md). A
    record outside ``managers/<manager_id>/orders/<one of order_paths>/documents`` is not the manager's: left out."""
    found: dict[str, list[Document]] = {}
    for d in uow.query(_by_name("documents", group=True, where=(("manager_id", "==", manager_id),),
                                select=("property_flag",))):
        parent = d.path.rsplit("/", 2)[0]
        if parent in order_paths and d.path.startswith(f"managers/{manager_id}/orders/"):
            found.setdefault(parent, []).append(d)
    return found
