"""The unit of work over Firestore (production and the emulator alike).

Reads are ``get_all`` and queries; a commit is one ``batch()``: ``create()`` for new documents,
``update()`` with a ``last_update_time`` precondition for documents read, ``set()`` for puts.
(Server transactions time out under contention on the emulator; preconditions on a batch
behave the same in production.) Collection layout: docs/data-model.md.

With ``defer_marks`` (``shared.bootstrap.uow()``), the "sent" marks of the messages a command
publishes right after its commit leave the request path: a background thread per process commits
them in batches (whatever accumulated while the previous batch was in flight), so that a command
costs one read and one commit, and a busy instance one mark commit for many events
(docs/performance.md, "Ingest"). The relay's marks stay synchronous.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
from collections.abc import Sequence

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.adapters.firestore import encoding
from shared.ports import ConcurrencyConflict, Document, Publisher, Query, Timers, UnitOfWork, Write
from shared.ports.unit_of_work import SERVER_TIME

log = logging.getLogger(__name__)

_GET_ALL_CHUNK = 300
_CONFLICTS = (gexc.AlreadyExists, gexc.FailedPrecondition, gexc.Aborted, gexc.Conflict, gexc.NotFound)
_OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "in": "in", "not-in": "not-in",
        "array_contains": "array_contains", "array_contains_any": "array_contains_any"}


class FirestoreUnitOfWork(UnitOfWork):
    def __init__(self, client: firestore.Client, publisher: Publisher | None = None, timers: Timers | None = None,
                 read_only: bool = False, defer_marks: bool = False):
        super().__init__(publisher, timers)
        self.db, self.read_only, self.defer_marks = client, read_only, defer_marks

    def fork(self) -> FirestoreUnitOfWork:
        return FirestoreUnitOfWork(self.db, self.publisher, self.timers, self.read_only, self.defer_marks)

    def _mark_sent(self, ids: Sequence[str], at: dt.datetime, *, deferrable: bool = False) -> None:
        if deferrable and self.defer_marks:
            SentMarks.of(self.db).add(ids, at)
        else:
            super()._mark_sent(ids, at)

    def _fetch(self, paths: Sequence[str]) -> dict[str, Document]:
        found: dict[str, Document] = {}
        for start in range(0, len(paths), _GET_ALL_CHUNK):
            refs = [self.db.document(p) for p in paths[start:start + _GET_ALL_CHUNK]]
            for snap in self.db.get_all(refs):
                if snap.exists:
                    found[snap.reference.path] = Document(snap.reference.path, snap.to_dict(), snap.update_time)
        return found

    def _query(self, query: Query):
        return firestore_query(self.db, query)

    def _run_query(self, query: Query) -> list[Document]:
        return [Document(s.reference.path, s.to_dict(), s.update_time) for s in self._query(query).stream()]

    def _count(self, query: Query) -> int:
        [[result]] = self._query(query).count().get()
        return int(result.value)

    def _apply(self, writes: Sequence[Write]) -> None:
        if self.read_only:
            raise PermissionError("a read-only unit of work may not write")
        batch = self.db.batch()
        for w in writes:
            ref = self.db.document(w.path)
            if w.kind != "delete" and (pb := encoding.write_pb(ref._document_path, w.kind, w.data or {},
                                                                 w.version)) is not None:
                encoding.add(batch, ref, pb)  # built without proto-plus (SERVER_TIME values are not)
                continue
            data = {k: (firestore.SERVER_TIMESTAMP if v is SERVER_TIME else v) for k, v in (w.data or {}).items()}
            if w.kind == "create":
                batch.create(ref, data)
            elif w.kind == "put":
                batch.set(ref, data)
            elif w.kind == "update":
                option = self.db.write_option(last_update_time=w.version) if w.version is not None else None
                batch.update(ref, data, option=option) if option else batch.update(ref, data)
            else:
                option = self.db.write_option(last_update_time=w.version) if w.version is not None else None
                batch.delete(ref, option=option) if option else batch.delete(ref)
        try:
            batch.commit()
        except _CONFLICTS as exc:
            raise ConcurrencyConflict(str(exc)) from exc


def firestore_query(db: firestore.Client, query: Query):
    """The Firestore query of a port ``Query`` (reads here, listeners in changes.py)."""
    q = db.collection_group(query.collection) if query.group else db.collection(query.collection)
    for name, op, value in query.where:
        if name == "__name__":
            value = [db.document(v) for v in value] if isinstance(value, list) else db.document(value)
        q = q.where(filter=firestore.FieldFilter(name, _OPS[op], value))
    for name, direction in query.order_by:
        q = q.order_by(name, direction=firestore.Query.DESCENDING if direction == "desc"
                       else firestore.Query.ASCENDING)
    if query.start_after is not None:
        cursor = {name: (db.document(value) if name == "__name__" else value)
                  for (name, _), value in zip(query.order_by, query.start_after)}
        q = q.start_after(cursor)
    if query.limit is not None:
        q = q.limit(query.limit)
    if query.select:
        q = q.select(list(query.select))
    return q


class SentMarks:
    """The outbox "sent" marks of one Firestore client, committed by a background thread in batches of
    at most 500: whatever was added while the previous batch was in flight goes in the next one."""

    _by_client: dict[int, SentMarks] = {}
    _lock = threading.Lock()

    @classmethod
    def of(cls, client: firestore.Client) -> SentMarks:
        with cls._lock:
            marks = cls._by_client.get(id(client))
            if marks is None or marks.client is not client:
                marks = cls._by_client[id(client)] = SentMarks(client)
            return marks

    def __init__(self, client: firestore.Client):
        self.client = client
        self._pending: dict[str, dt.datetime] = {}
        self._cv = threading.Condition()
        self._busy = False
        threading.Thread(target=self._run, name="outbox-sent-marks", daemon=True).start()
        atexit.register(self.flush)

    def add(self, ids: Sequence[str], at: dt.datetime) -> None:
        with self._cv:
            for i in ids:
                self._pending[i] = at
            self._cv.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every mark added so far is committed (or dropped after a failure); False on timeout."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: bool(self._pending))
                taken = dict(list(self._pending.items())[:500])
                for i in taken:
                    del self._pending[i]
                self._busy = True
            try:
                self._commit(taken)
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()

    def _commit(self, marks: dict[str, dt.datetime]) -> None:
        try:
            batch = self.client.batch()
            for i, at in marks.items():
                batch.update(self.client.document(f"outbox/{i}"), {"status": "sent", "sent_at": at})
            batch.commit()
        except Exception:  # left pending: the relay publishes them again, under the same ce-id
            log.warning("outbox sent marks not written", extra={"outbox_ids": list(marks)}, exc_info=True)
