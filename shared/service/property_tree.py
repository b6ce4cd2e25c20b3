"""Import a manager's property tree (A7) and report how well its orders and documents are attached.

Layout:
  managers/<m>/property_nodes/<node_id>       one node (kind, parent_id, label, commune)
  managers/<m>/property_imports/<job_id>      an import job: status, total, written, batches, resumes
  managers/<m>/property_tree/current          written when an import completes: the tree is in force

An import validates the whole file first (nothing is written if any row is bad), then writes
only the new or changed nodes in batches of ``BATCH_NODES`` (+ the job's progress in the same
atomic batch). The job's id is a digest of the manager and the file's nodes: the same file again
finds its completed job and writes nothing; after a crash mid-way the same file again finds the
job ``running``, and since nodes already written are unchanged it writes only the rest (the
answer says ``resumed``). Orders are checked against the tree only once ``current`` exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from shared.domain import property_tree as pt
from shared.domain.errors import DomainError
from shared.ports import Clock, DocumentStore, DocWrite, digest

log = logging.getLogger(__name__)

BATCH_NODES = 449  # + the job's progress = 450 writes per atomic batch (Firestore's limit is 500)


def nodes_path(manager_id: str) -> str:
    return f"managers/{manager_id}/property_nodes"


def jobs_path(manager_id: str) -> str:
    return f"managers/{manager_id}/property_imports"


def tree_path(manager_id: str) -> str:
    return f"managers/{manager_id}/property_tree/current"


def load_tree(manager_id: str, docs: DocumentStore) -> dict[str, pt.PropertyNode]:
    return {node_id: pt.PropertyNode.model_validate(data) for node_id, data in docs.list(nodes_path(manager_id))}


def import_tree(manager_id: str, fmt: str, raw: bytes, docs: DocumentStore, clock: Clock,
                progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    rows, errors = pt.parse_csv(raw) if fmt == "csv" else pt.parse_json(raw)
    if errors:
        raise DomainError(errors)
    job_id = "imp-" + digest(manager_id, *(n.model_dump_json() for _, n in rows))[:24]
    job_doc = f"{jobs_path(manager_id)}/{job_id}"
    previous = docs.get(job_doc)
    if previous is not None and previous.value.get("status") == "completed":
        return {**previous.value, "changed": False, "written_now": 0}
    stored = load_tree(manager_id, docs)
    to_write, errors = pt.plan(rows, stored)
    if errors:
        raise DomainError(errors)  # all or nothing: every bad row reported, nothing written
    now = clock.now().isoformat()
    resumed = previous is not None
    job: dict[str, Any] = {
        "job_id": job_id, "manager_id": manager_id, "format": fmt, "status": "running", "nodes_in_file": len(rows),
        "to_write": len(to_write), "written": 0, "batches": 0, "batch_size": BATCH_NODES,
        "started_at": previous.value["started_at"] if resumed else now, "updated_at": now,
        "resumes": (previous.value.get("resumes", 0) + 1) if resumed else 0,
        "already_written_before_resume": (previous.value.get("written", 0)) if resumed else 0,
    }
    if resumed:
        log.warning("property import resumed", extra={"manager_id": manager_id, "job_id": job_id,
                                                       "written_before": previous.value.get("written", 0)})
    docs.commit([DocWrite(job_doc, job, mode="set")])
    for start in range(0, len(to_write), BATCH_NODES):
        chunk = to_write[start:start + BATCH_NODES]
        job = {**job, "written": start + len(chunk), "batches": job["batches"] + 1,
               "updated_at": clock.now().isoformat()}
        docs.commit([DocWrite(f"{nodes_path(manager_id)}/{n.node_id}", n.model_dump(mode="json"), mode="set")
                     for n in chunk] + [DocWrite(job_doc, job, mode="set")])
        if progress is not None:
            progress(job)
    total_nodes = len({**stored, **{n.node_id: n for _, n in rows}})
    done = clock.now().isoformat()
    job = {**job, "status": "completed", "completed_at": done, "updated_at": done, "tree_nodes": total_nodes}
    docs.commit([DocWrite(job_doc, job, mode="set"),
                 DocWrite(tree_path(manager_id), {"nodes": total_nodes, "last_import": job_id, "updated_at": done},
                          mode="set")])
    log.info("property tree imported", extra={"manager_id": manager_id, "job_id": job_id, "written": job["written"]})
    return {**job, "changed": bool(to_write), "written_now": len(to_write), "resumed": resumed}


def coverage(manager_id: str, docs: DocumentStore) -> dict[str, Any]:
    """% of the manager's orders and documents attached to an existing node, and the orphans.

    A document is attached through its order's node."""
    tree = docs.get(tree_path(manager_id))
    nodes = {node_id for node_id, _ in docs.list(nodes_path(manager_id))}
    items: list[tuple[str, str, str | None]] = []
    for order_id, order in docs.list(f"managers/{manager_id}/orders"):
        node_id = (order.get("site") or {}).get("node_id")
        items.append(("order", order_id, node_id))
        items += [("document", f"{order_id}/{sha}", node_id)
                  for sha, _ in docs.list(f"managers/{manager_id}/orders/{order_id}/documents")]
    report = pt.coverage(items, nodes)
    running = [data for _, data in docs.list(jobs_path(manager_id)) if data.get("status") == "running"]
    return {"manager_id": manager_id, "tree_nodes": len(nodes), "tree_in_force": tree is not None,
            **report, "unfinished_imports": running}
