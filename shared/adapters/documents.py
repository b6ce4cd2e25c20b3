"""DocumentStore over Firestore: generic documents by path, atomic batches with preconditions.

Used by the sourcing services (beneficiaries, needs, professionals, missions). Outbox
messages go to the same ``outbox`` collection as part A's, so ``relay_outbox`` publishes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.adapters import audit
from shared.adapters.firestore import _outbox_doc
from shared.domain.audit import sha256_json
from shared.ports import ConcurrencyConflict, DocWrite, OutboxMessage, Versioned

MAX_BATCH = 450
MAX_FIRESTORE_BATCH = 500


def space_of(path: str) -> str:
    """The space a document belongs to: ``beneficiaries/<id>``, ``managers/<id>``… or the
    platform's registry for documents outside any tenant (professionals, search index)."""
    parts = path.split("/")
    if parts[0] in ("managers", "contractors", "beneficiaries") and len(parts) >= 2:
        return f"{parts[0]}/{parts[1]}"
    return "platform/registry"


def audit_writes(writes: list[DocWrite], room: int) -> list[tuple[str, str, str, str | None, Any]]:
    """One audit record per write (two batch operations each), or one per space when the
    batch has no room for that (bulk imports)."""
    if 2 * len(writes) <= room:
        return [(space_of(w.path), f"document.{w.mode}", w.path, None, w.data) for w in writes]
    by_space: dict[str, list[DocWrite]] = {}
    for w in writes:
        by_space.setdefault(space_of(w.path), []).append(w)
    return [(space, "documents.bulk_written", f"{ws[0].path} (+{len(ws) - 1})", None,
             {w.path: sha256_json(w.data) for w in ws}) for space, ws in by_space.items()][: max(room // 2, 0)]


class FirestoreDocuments:
    def __init__(self, client: firestore.Client):
        self.db = client

    def get(self, path: str) -> Versioned[dict[str, Any]] | None:
        snap = self.db.document(path).get()
        return Versioned(snap.to_dict(), snap.update_time) if snap.exists else None

    def get_many(self, paths: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(paths), 300):
            refs = [self.db.document(p) for p in paths[start:start + 300]]
            for snap in self.db.get_all(refs):
                if snap.exists:
                    found[snap.reference.path] = snap.to_dict()
        return found

    def list(self, collection: str, limit: int | None = None) -> list[tuple[str, dict[str, Any]]]:
        query = self.db.collection(collection).order_by("__name__")
        if limit:
            query = query.limit(limit)
        return [(snap.id, snap.to_dict()) for snap in query.stream()]

    def commit(self, writes: list[DocWrite], outbox: list[OutboxMessage] = ()) -> None:
        if len(writes) + len(outbox) > MAX_BATCH:
            raise ValueError("too many writes for one atomic batch")
        batch = self.db.batch()
        for write in writes:
            ref = self.db.document(write.path)
            if write.mode == "create":
                batch.create(ref, write.data)
            elif write.mode == "update":
                batch.set(ref, write.data, merge=False) if write.version is None else batch.update(
                    ref, write.data, option=self.db.write_option(last_update_time=write.version))
            else:
                batch.set(ref, write.data)
        for message in outbox:
            batch.create(self.db.collection("outbox").document(message.id), _outbox_doc(message))
        audit.add_records(self.db, batch, audit_writes(writes, room=MAX_FIRESTORE_BATCH - len(writes) - len(outbox)),
                          dt.datetime.now(dt.UTC))
        try:
            batch.commit()
        except (gexc.AlreadyExists, gexc.FailedPrecondition, gexc.Aborted, gexc.Conflict, gexc.NotFound) as exc:
            raise ConcurrencyConflict(str(exc)) from exc
