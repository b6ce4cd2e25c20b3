"""The change feed over Firestore listeners (``on_snapshot``), production and the emulator alike
(A11 real-time view; the port is shared/ports/changes.py).

Each ``watch`` opens one listener on the query (one Listen stream on the client's shared gRPC
channel); its callback runs on the client's own consumer thread and only queues what changed, so
the request's thread sends the events. Firestore bills the documents a listener delivers: its
first snapshot (the query restricts it to recent changes) and one read per change.
"""

from __future__ import annotations

import logging
import queue

from google.cloud import firestore

from shared.adapters.firestore.unit_of_work import firestore_query
from shared.ports import ChangeBatch, Document, Query

log = logging.getLogger(__name__)


class FirestoreChangeFeed:
    def __init__(self, client: firestore.Client):
        self.db = client

    def watch(self, query: Query) -> FirestoreChanges:
        return FirestoreChanges(firestore_query(self.db, query))


class FirestoreChanges:
    def __init__(self, fs_query):
        self._batches: queue.Queue[ChangeBatch] = queue.Queue()
        self._first = True
        self._closed = False
        self._watch = fs_query.on_snapshot(self._on_snapshot)

    def _on_snapshot(self, _snapshot, changes, _read_time) -> None:
        documents = tuple(Document(c.document.reference.path, c.document.to_dict() or {}, c.document.update_time)
                          for c in changes if c.type.name != "REMOVED")
        initial, self._first = self._first, False
        if documents or initial:
            self._batches.put(ChangeBatch(documents, initial=initial))

    @property
    def alive(self) -> bool:
        if self._closed:
            return False
        active = getattr(self._watch, "is_active", True)
        return bool(active() if callable(active) else active)

    def next(self, timeout: float) -> ChangeBatch | None:
        try:
            return self._batches.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._watch.unsubscribe()
        except Exception:  # noqa: BLE001 - a listener the store already ended; nothing left to free
            log.info("listener already closed", exc_info=True)
