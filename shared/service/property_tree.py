"""Import a manager's property tree (A7 property tree) and report how well its orders and documents
are attached.

Layout:
  managers/<m>/property_nodes/<node_id>       one node (kind, parent_id, label, commune)
  managers/<m>/property_imports/<job_id>      an import job: status, total, written, batches, resumes
  managers/<m>/property_tree/current          written when an import completes: the tree is in force

An import validates the whole file first (nothing is written if any row is bad), then writes
only the new or changed nodes, ``BATCH_NODES`` per commit with the job's progress (several
units of work: a tree of 100 000 nodes does not fit in one). The job's id is a digest of the
manager and the file's nodes: the same file again finds its completed job and writes nothing;
after a crash mid-way the same file again finds the job ``running``, and since nodes already
written are unchanged it writes only the rest (the answer says ``resumed``). Orders are checked
against the tree only once ``current`` exists (``shared.service.orders.property_node_known``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from shared.domain import property_tree as pt
from shared.domain.errors import DomainError
from shared.ports import MAX_WRITES, Clock, Query, UnitOfWork, digest
from shared.service.transaction import transact

log = logging.getLogger(__name__)

# Nodes per commit: with the job's progress, 450 documents; that leaves no room for one audit record
# per document, so the unit of work writes one bulk audit record for the batch (2 writes): 452 writes.
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


def load_tree(uow: UnitOfWork, manager_id: str) -> dict[str, pt.PropertyNode]:
    return {d.id: pt.PropertyNode.model_validate(d.data) for d in uow.query(_by_name(nodes_path(manager_id)))}


def import_tree(manager_id: str, fmt: str, raw: bytes, uow: UnitOfWork, clock: Clock,
                progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """A7: validate the whole file against the stored tree, then write its new or changed nodes in
    batches (one commit each, the job's progress in it), then put the tree in force."""
    rows, errors = pt.parse_csv(raw) if fmt == "csv" else pt.parse_json(raw)
    if errors:
        raise DomainError(errors)
    job_id = "imp-" + digest(manager_id, *(n.model_dump_json() for _, n in rows))[:24]
    job_doc = f"{jobs_path(manager_id)}/{job_id}"
    uow.begin()
    previous = uow.get(job_doc)
    if previous is not None and previous.get("status") == "completed":
        return {**previous, "changed": False, "written_now": 0}
    stored = load_tree(uow, manager_id)
    to_write, errors = pt.plan(rows, stored)
    if errors:
        raise DomainError(errors)  # all or nothing: every bad row reported, nothing written
    now = clock.now().isoformat()
    resumed = previous is not None
    job: dict[str, Any] = {
        "job_id": job_id, "manager_id": manager_id, "format": fmt, "status": "running", "nodes_in_file": len(rows),
        "to_write": len(to_write), "written": 0, "batches": 0, "batch_size": BATCH_NODES,
        "started_at": previous["started_at"] if resumed else now, "updated_at": now,
        "resumes": (previous.get("resumes", 0) + 1) if resumed else 0,
        "already_written_before_resume": (previous.get("written", 0)) if resumed else 0,
    }
    if resumed:
        log.warning("property import resumed", extra={"manager_id": manager_id, "job_id": job_id,
                                                       "written_before": previous.get("written", 0)})
    _commit(uow, {job_doc: job})  # the job is visible (running) before its first batch
    for start in range(0, len(to_write), BATCH_NODES):
        chunk = to_write[start:start + BATCH_NODES]
        job = {**job, "written": start + len(chunk), "batches": job["batches"] + 1,
               "updated_at": clock.now().isoformat()}
        _commit(uow, {**{node_path(manager_id, n.node_id): n.model_dump(mode="json") for n in chunk}, job_doc: job})
        if progress is not None:
            progress(job)
    total_nodes = len({**stored, **{n.node_id: n for _, n in rows}})
    done = clock.now().isoformat()
    job = {**job, "status": "completed", "completed_at": done, "updated_at": done, "tree_nodes": total_nodes}
    _commit(uow, {job_doc: job,
                  tree_path(manager_id): {"nodes": total_nodes, "last_import": job_id, "updated_at": done}})
    log.info("property tree imported", extra={"manager_id": manager_id, "job_id": job_id, "written": job["written"]})
    return {**job, "changed": bool(to_write), "written_now": len(to_write), "resumed": resumed}


def _commit(uow: UnitOfWork, documents: dict[str, dict[str, Any]]) -> None:
    """One commit of whole documents. Unconditional, as the import always was: a node's content is the
    file's, so writing it twice (a resumed or concurrent import of the same file) changes nothing."""
    transact(uow, lambda: [uow.put(path, data) for path, data in documents.items()])


def coverage(manager_id: str, uow: UnitOfWork) -> dict[str, Any]:
    """% of the manager's orders and documents attached to an existing node, and the orphans.

    A document is attached through its order's node."""
    tree = uow.get(tree_path(manager_id))
    nodes = {d.id for d in uow.query(_by_name(nodes_path(manager_id)))}
    items: list[tuple[str, str, str | None]] = []
    for order in uow.query(_by_name(f"managers/{manager_id}/orders")):
        node_id = (order.data.get("site") or {}).get("node_id")
        items.append(("order", order.id, node_id))
        items += [("document", f"{order.id}/{d.id}", node_id)
                  for d in uow.query(_by_name(f"{order.path}/documents"))]
    report = pt.coverage(items, nodes)
    running = [d.data for d in uow.query(_by_name(jobs_path(manager_id), where=(("status", "==", "running"),)))]
    return {"manager_id": manager_id, "tree_nodes": len(nodes), "tree_in_force": tree is not None,
            **report, "unfinished_imports": running}
