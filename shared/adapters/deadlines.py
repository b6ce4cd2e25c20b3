"""Deadlines and the penalty ledger in Firestore (docs/penalties.md, docs/data-model.md).

  managers/{manager}/deadlines/{deadline}   one deadline: state, due time, evidence, version
  managers/{manager}/penalties/{entry}      one day of lateness of one deadline (never deleted)

Writes go through FirestoreStore.commit (one atomic batch with the command's other writes,
``last_update_time`` preconditions, ``create()`` for new documents). ``next_check_at`` is
the instant the deadline next needs attention (its due time while running, the start of its
next day of lateness while missed); the sweep reads it with one collection-group range query.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.adapters import audit
from shared.adapters.firestore import FirestoreStore
from shared.domain.deadlines import Deadline
from shared.domain.penalties import PenaltyEntry
from shared.ports import Changes, ConcurrencyConflict, Versioned

_TIMES = ("started_at", "due_at", "stopped_at", "paused_at")
# Firestore's limit of writes per commit; each document written also writes its audit record
# and the record's sealing marker (shared/adapters/audit.py).
BATCH_WRITES = 500
WRITES_PER_DOCUMENT = 3


def next_check_at(d: Deadline) -> dt.datetime | None:
    return d.next_check_at


def deadline_doc(d: Deadline) -> dict[str, Any]:
    data = d.model_dump(mode="json")
    for name in _TIMES:
        data[name] = getattr(d, name)
    data["next_check_at"] = next_check_at(d)
    return data


def deadline_from(data: dict[str, Any]) -> Deadline:
    data = {k: v for k, v in data.items() if k != "next_check_at"}
    return Deadline.model_validate(data, strict=False)


def entry_doc(e: PenaltyEntry) -> dict[str, Any]:
    data = e.model_dump(mode="json")
    data["day_start"], data["created_at"] = e.day_start, e.created_at
    return data


def entry_from(data: dict[str, Any]) -> PenaltyEntry:
    return PenaltyEntry.model_validate(data, strict=False)


def _deadline_ref(db, tenant_id: str, deadline_id: str):
    return db.collection("managers").document(tenant_id).collection("deadlines").document(deadline_id)


def _entry_ref(db, tenant_id: str, entry_id: str):
    return db.collection("managers").document(tenant_id).collection("penalties").document(entry_id)


def add_writes(db, batch, changes: Changes) -> None:
    """The deadline and ledger writes of ``changes``, added to the command's batch."""
    for write in changes.deadlines:
        d = write.deadline
        ref = _deadline_ref(db, d.tenant_id, d.deadline_id)
        if write.version is None:
            batch.create(ref, deadline_doc(d))
        else:
            batch.update(ref, deadline_doc(d), option=db.write_option(last_update_time=write.version))
    for entry in changes.penalties:
        batch.create(_entry_ref(db, entry.tenant_id, entry.entry_id), entry_doc(entry))


def deadlines_of_order(db, manager_id: str, order_id: str) -> list[Versioned[Deadline]]:
    query = (db.collection("managers").document(manager_id).collection("deadlines")
             .where(filter=firestore.FieldFilter("order_id", "==", order_id)))
    return [Versioned(deadline_from(s.to_dict()), s.update_time) for s in query.stream()]


class FirestoreDeadlineStore(FirestoreStore):
    """The order store plus the reads and the one conditional update the deadline service needs."""

    def get_deadline(self, tenant_id: str, deadline_id: str) -> Versioned[Deadline] | None:
        snap = _deadline_ref(self.db, tenant_id, deadline_id).get()
        return Versioned(deadline_from(snap.to_dict()), snap.update_time) if snap.exists else None

    def due_deadlines(self, now: dt.datetime, limit: int) -> list[Versioned[Deadline]]:
        """Deadlines needing attention at ``now``, oldest check first (one collection-group query)."""
        query = (self.db.collection_group("deadlines")
                 .where(filter=firestore.FieldFilter("next_check_at", "<=", now))
                 .order_by("next_check_at").limit(limit))
        return [Versioned(deadline_from(s.to_dict()), s.update_time) for s in query.stream()]

    def commit_many(self, changes: list[Changes], workers: int = 4) -> list[Changes]:
        """Deadline and ledger changes packed into batches of at most 500 writes, committed by
        ``workers`` threads; a batch a precondition refuses is committed again change by change,
        and the changes still refused are answered (their deadline changed meanwhile)."""
        if any(c.order is not None or c.inbox is not None or c.outbox for c in changes):
            raise ValueError("commit_many takes deadline and ledger changes only")
        groups: list[list[Changes]] = []
        size = BATCH_WRITES
        for change in changes:
            writes = (len(change.deadlines) + len(change.penalties)) * WRITES_PER_DOCUMENT
            if size + writes > BATCH_WRITES:
                groups.append([])
                size = 0
            groups[-1].append(change)
            size += writes

        def commit_group(group: list[Changes]) -> list[Changes]:
            if len(group) > 1:
                try:
                    self._commit_together(group)
                    return []
                except ConcurrencyConflict:
                    pass
            refused = []
            for change in group:
                try:
                    self._commit_together([change])
                except ConcurrencyConflict:
                    refused.append(change)
            return refused

        with ThreadPoolExecutor(max(1, min(workers, len(groups)))) as pool:
            # each task runs in a copy of this context: the audit actor and the correlation id follow
            futures = [pool.submit(contextvars.copy_context().run, commit_group, g) for g in groups]
            return [change for f in futures for change in f.result()]

    def _commit_together(self, group: list[Changes]) -> None:
        batch = self.db.batch()
        for change in group:
            add_writes(self.db, batch, change)
            audit.add_records(self.db, batch, self._audit_writes(change), dt.datetime.now(dt.UTC))
        try:
            batch.commit()
        except (gexc.AlreadyExists, gexc.FailedPrecondition, gexc.Aborted, gexc.Conflict, gexc.NotFound) as exc:
            raise ConcurrencyConflict(str(exc)) from exc

    def get_entry(self, tenant_id: str, entry_id: str) -> Versioned[PenaltyEntry] | None:
        snap = _entry_ref(self.db, tenant_id, entry_id).get()
        return Versioned(entry_from(snap.to_dict()), snap.update_time) if snap.exists else None

    def update_entry(self, entry: PenaltyEntry, version: Any) -> None:
        try:
            _entry_ref(self.db, entry.tenant_id, entry.entry_id).update(
                entry_doc(entry), option=self.db.write_option(last_update_time=version))
        except (gexc.FailedPrecondition, gexc.Aborted, gexc.NotFound) as exc:
            raise ConcurrencyConflict(str(exc)) from exc

    def entries(self, tenant_id: str, contractor_id: str, month: str) -> list[PenaltyEntry]:
        query = (self.db.collection("managers").document(tenant_id).collection("penalties")
                 .where(filter=firestore.FieldFilter("contractor_id", "==", contractor_id))
                 .where(filter=firestore.FieldFilter("month", "==", month)))
        return [entry_from(s.to_dict()) for s in query.stream()]

    def entries_of_deadline(self, tenant_id: str, deadline_id: str) -> list[PenaltyEntry]:
        query = (self.db.collection("managers").document(tenant_id).collection("penalties")
                 .where(filter=firestore.FieldFilter("deadline_id", "==", deadline_id)))
        return sorted((entry_from(s.to_dict()) for s in query.stream()), key=lambda e: e.day)
