"""The unit of work: what one command reads, and everything it changes, committed at once.

A service reads through the unit of work (``get``, ``get_all``, ``query``, ``count``); each
read remembers the version of what it saw. The service then buffers its changes:

- ``create``: the document must not exist yet (deterministic ids make commands idempotent);
- ``update``: the given fields change; the document must still be at the version this unit
  of work read (optimistic concurrency), or merely exist if it was not read;
- ``put``: the whole document, unconditionally (derived read models, registries);
- ``delete``;
- ``publish``: an outgoing CloudEvent, stored in ``outbox/{id}`` in the same commit (the
  transactional outbox) and published right after it;
- ``schedule`` / ``unschedule``: deadline timers, armed once the commit has succeeded.

``commit`` writes every change, the outbox documents and one audit record per change (B15
traceability) in one atomic batch under the preconditions. A failed precondition raises
``ConcurrencyConflict`` and nothing is written: ``shared.service.transaction.transact`` runs
the command again from fresh reads. After the commit the outgoing messages are published
(stopping at the first failure, so an ordering key stays in order; ``relay_outbox`` publishes
what is left) and the timers are armed.

Adapters implement four storage primitives (``_fetch``, ``_run_query``, ``_count``,
``_apply``). Buffering, preconditions, the audit records and the effects after the commit are
written here once, so that the in-memory unit of work of the unit tests (tests/fakes.py) and
Firestore's (shared/adapters/firestore) behave alike by construction.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from shared import context
from shared.domain.audit import AuditRecord, sha256_json
from shared.ports.messaging import OutboxMessage, Publisher, Timer, Timers

log = logging.getLogger(__name__)

# Firestore's limit of writes per commit.
MAX_WRITES = 500
OUTBOX = "outbox"
# Collections whose writes carry no audit record: the platform's own bookkeeping.
UNAUDITED = frozenset({OUTBOX, "audit", "audit_chain", "audit_pending", "idempotency"})
# Fields the database maintains (server commit time): left out of the audit digests, so that the
# digest of what was read equals the digest of what was written.
SERVER_FIELDS = frozenset({"updated_at"})


class _ServerTime:
    """One instance, kept as it is by copies (writes are deep-copied when buffered)."""

    def __repr__(self) -> str:
        return "SERVER_TIME"

    def __copy__(self) -> _ServerTime:
        return self

    def __deepcopy__(self, memo: dict) -> _ServerTime:
        return self


SERVER_TIME: Any = _ServerTime()  # a field value: the database's commit time
_MISSING = object()
_IMMUTABLE = (str, int, float, bool, bytes, type(None), dt.datetime, dt.date, dt.time, dt.timedelta, _ServerTime)


def _clone(value: Any) -> Any:
    """A copy of a document's data that shares nothing mutable: dicts and lists are rebuilt, immutable
    leaves kept (``copy.deepcopy`` of the rest). Several times faster than ``deepcopy`` on documents,
    which every read and write of a unit of work copies (docs/performance.md, "Accrual")."""
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.deepcopy(value)


class ConcurrencyConflict(Exception):
    """A precondition failed (changed since read, created meanwhile, gone): nothing was written."""


@dataclass(frozen=True)
class Document:
    path: str
    data: dict[str, Any]
    version: Any = None  # opaque (Firestore's update time)

    @property
    def id(self) -> str:
        return self.path.rsplit("/", 1)[-1]


Order = Literal["asc", "desc"]


@dataclass(frozen=True)
class Query:
    """A query on one collection (``managers/m/orders``), or on every collection of that name
    (``group=True``: ``deadlines`` across all spaces). ``order_by`` may end with ``__name__``
    (the document path); ``start_after`` gives one value per ``order_by`` field. ``select``: only
    these fields (dotted paths) are read — a projection, for a scan that writes nothing back: what it
    returns is not remembered (no version, no cache), like ``stream``."""

    collection: str
    where: tuple[tuple[str, str, Any], ...] = ()
    order_by: tuple[tuple[str, Order], ...] = ()
    start_after: tuple[Any, ...] | None = None
    limit: int | None = None
    group: bool = False
    select: tuple[str, ...] = ()

    def filter(self, name: str, op: str, value: Any) -> Query:
        return replace(self, where=(*self.where, (name, op, value)))


@dataclass(frozen=True)
class Write:
    """One change of a commit. ``version``: for an update or delete, the version it must still be
    at (None: it must exist); ignored for create (must not exist) and put (unconditional)."""

    path: str
    kind: Literal["create", "update", "put", "delete"]
    data: dict[str, Any] | None = None
    version: Any = None
    audit_space: str | None = None


def space_of(path: str) -> str:
    """The space a document belongs to: ``managers/<id>``, ``contractors/<id>``, ``beneficiaries/<id>``,
    or the platform's registry for documents outside any tenant (professionals, incidents…)."""
    parts = path.split("/")
    if parts[0] in ("managers", "contractors", "beneficiaries") and len(parts) >= 2:
        return f"{parts[0]}/{parts[1]}"
    return "platform/registry"


def collection_of(path: str) -> str:
    return path.rsplit("/", 2)[-2] if path.count("/") >= 1 else path


def _entity(path: str) -> str:
    name = collection_of(path)
    return name[:-1] if name.endswith("s") else name


_VERBS = {"create": "created", "update": "updated", "put": "written", "delete": "deleted"}


def _content(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: v for k, v in data.items() if k not in SERVER_FIELDS and v is not SERVER_TIME}


@dataclass
class _Buffer:
    writes: dict[str, Write] = field(default_factory=dict)
    outbox: list[OutboxMessage] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    callbacks: list[Callable[[], None]] = field(default_factory=list)


class UnitOfWork(ABC):
    """Reads remember versions; writes, outgoing messages and timers wait for ``commit``."""

    def __init__(self, publisher: Publisher | None = None, timers: Timers | None = None):
        self.publisher = publisher
        self.timers = timers
        self._seen: dict[str, Any] = {}  # path → version read (_MISSING: read and absent)
        self._cache: dict[str, dict[str, Any] | None] = {}  # what was read: one snapshot per document
        self._read_digests: dict[str, str] = {}
        self._buffer = _Buffer()

    # --- storage primitives (adapters) -------------------------------------------------------
    @abstractmethod
    def _fetch(self, paths: Sequence[str]) -> dict[str, Document]:
        """The documents that exist among ``paths``."""

    @abstractmethod
    def _run_query(self, query: Query) -> list[Document]: ...

    @abstractmethod
    def _count(self, query: Query) -> int: ...

    @abstractmethod
    def _apply(self, writes: Sequence[Write]) -> None:
        """Commit ``writes`` atomically, each under its precondition; ConcurrencyConflict if one fails.
        SERVER_TIME values become the commit time."""

    @abstractmethod
    def fork(self) -> UnitOfWork:
        """A new unit of work on the same database (another thread may use it), sharing nothing."""

    # --- reads -------------------------------------------------------------------------------
    def get(self, path: str) -> dict[str, Any] | None:
        """The document (as this unit of work would leave it), or None."""
        if path in self._buffer.writes:
            return self._pending(path)
        return self.get_all([path]).get(path)

    def get_all(self, paths: Iterable[str]) -> dict[str, dict[str, Any]]:
        paths = list(dict.fromkeys(paths))
        found: dict[str, dict[str, Any]] = {}
        unread = [p for p in paths if p not in self._buffer.writes and p not in self._cache]
        fetched = self._fetch(unread) if unread else {}
        for path in unread:
            self._remember(path, fetched.get(path))
        for path in paths:
            if path not in self._buffer.writes and self._cache.get(path) is not None:
                found[path] = _clone(self._cache[path])
        for path in paths:
            if path in self._buffer.writes and (pending := self._pending(path)) is not None:
                found[path] = pending
        return found

    def query(self, query: Query) -> list[Document]:
        docs = self._run_query(query)
        if query.select:  # a part of each document: not what a later read of it would see
            return docs
        for doc in docs:
            self._remember(doc.path, doc)
        return [Document(d.path, _clone(d.data), d.version) for d in docs]

    def count(self, query: Query) -> int:
        return self._count(query)

    def stream(self, query: Query, page: int = 500) -> Iterator[Document]:
        """Every document of a query, page by page in path order, for a scan that writes nothing
        back: nothing is remembered (no version, no cache), so memory stays one page deep."""
        after: tuple[Any, ...] | None = None
        base = replace(query, order_by=(("__name__", "asc"),), limit=page)
        while True:
            docs = self._run_query(replace(base, start_after=after))
            yield from docs
            if len(docs) < page:
                return
            after = (docs[-1].path,)

    def remember(self, doc: Document) -> None:
        """Take ``doc`` as read by this unit of work (a page read by another one, committed here)."""
        self._remember(doc.path, doc)

    def version(self, path: str) -> Any:
        """The version this unit of work read (None if unread or absent)."""
        seen = self._seen.get(path)
        return None if seen is _MISSING else seen

    def _remember(self, path: str, doc: Document | None) -> None:
        self._seen[path] = _MISSING if doc is None else doc.version
        self._cache[path] = None if doc is None else doc.data
        if doc is not None:
            self._read_digests[path] = sha256_json(_content(doc.data))

    def _pending(self, path: str) -> dict[str, Any] | None:
        write = self._buffer.writes[path]
        if write.kind == "delete":
            return None
        return _clone(write.data)

    # --- writes ------------------------------------------------------------------------------
    def create(self, path: str, data: dict[str, Any], *, audit_space: str | None = None) -> None:
        self._put_write(Write(path, "create", _clone(data), audit_space=audit_space))

    def update(self, path: str, data: dict[str, Any], *, audit_space: str | None = None) -> None:
        """Change the given top-level fields of a document that exists (and, if this unit of work
        read it, is still at the version read)."""
        previous = self._buffer.writes.get(path)
        if previous is not None and previous.kind in ("create", "put"):
            merged = {**(previous.data or {}), **_clone(data)}
            self._buffer.writes[path] = replace(previous, data=merged)
            return
        if self._seen.get(path) is _MISSING:
            raise ValueError(f"update of a document read as absent: {path}")
        base = previous.data if previous is not None and previous.kind == "update" else {}
        self._put_write(Write(path, "update", {**(base or {}), **_clone(data)}, self.version(path),
                              audit_space=audit_space))

    def put(self, path: str, data: dict[str, Any], *, audit_space: str | None = None) -> None:
        self._put_write(Write(path, "put", _clone(data), audit_space=audit_space))

    def delete(self, path: str) -> None:
        self._put_write(Write(path, "delete", None, self.version(path)))

    def save(self, path: str, data: dict[str, Any], *, audit_space: str | None = None) -> None:
        """Create the document if this unit of work read it as absent, else replace its fields."""
        if path not in self._seen and path not in self._buffer.writes:
            self.get(path)
        if self._seen.get(path) is _MISSING and path not in self._buffer.writes:
            self.create(path, data, audit_space=audit_space)
        else:
            self.update(path, data, audit_space=audit_space)

    def _put_write(self, write: Write) -> None:
        previous = self._buffer.writes.get(write.path)
        if previous is not None and previous.kind == "create" and write.kind != "delete":
            write = replace(write, kind="create")
        self._buffer.writes[write.path] = write

    def publish(self, message: OutboxMessage) -> None:
        """Send ``message`` if, and only if, this unit of work commits (transactional outbox)."""
        self._buffer.outbox.append(message)

    def schedule(self, timer: Timer) -> None:
        self._buffer.timers.append(timer)

    def unschedule(self, name: str) -> None:
        self._buffer.cancelled.append(name)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this unit of work has committed (e.g. remember what is now true)."""
        self._buffer.callbacks.append(callback)

    @property
    def pending_writes(self) -> int:
        return len(self._buffer.writes) + len(self._buffer.outbox)

    # --- commit ------------------------------------------------------------------------------
    def begin(self) -> None:
        """Forget what was read and buffered: a fresh attempt."""
        self._seen.clear()
        self._cache.clear()
        self._read_digests.clear()
        self._buffer = _Buffer()

    def commit(self) -> None:
        buffer = self._buffer
        writes = list(buffer.writes.values())
        # stored_at, the commit time, orders a contractor's messages for replay (shared/service/replay.py)
        writes += [Write(f"{OUTBOX}/{m.id}", "create", {**m.document(), "stored_at": SERVER_TIME})
                   for m in buffer.outbox]
        writes += self._audit(writes, room=MAX_WRITES - len(writes))
        if len(writes) > MAX_WRITES:
            raise ValueError(f"{len(writes)} writes in one commit (at most {MAX_WRITES}): chunk the work")
        if writes:
            self._apply(writes)
        self.begin()
        if buffer.outbox:
            self.redeliver(buffer.outbox, just_committed=True)
        self._arm(buffer)
        for callback in buffer.callbacks:
            callback()

    def redeliver(self, messages: Sequence[OutboxMessage], *, just_committed: bool = False) -> int:
        """Publish outbox messages, then mark the published ones sent in one commit; stop at the first
        failure (the relay retries, and a later message of the same ordering key must not overtake an
        earlier one). ``just_committed``: the messages of this unit of work's own commit, whose marks
        an adapter may defer (``_mark_sent``)."""
        if self.publisher is None:
            return 0
        sent: list[str] = []
        for message in messages:
            try:
                self.publisher.publish(message.topic, message.body(), message.attributes(), message.ordering_key)
            except Exception:
                log.warning("outbox publish deferred to the relay",
                            extra={"outbox_id": message.id, "topic": message.topic}, exc_info=True)
                break
            sent.append(message.id)
        if sent:
            try:
                self._mark_sent(sent, self._now(), deferrable=just_committed)
            except Exception:  # published but still pending: the relay publishes them again (same ce-id)
                log.warning("outbox messages published but not marked sent", extra={"outbox_ids": sent},
                            exc_info=True)
        return len(sent)

    def _mark_sent(self, ids: Sequence[str], at: dt.datetime, *, deferrable: bool = False) -> None:
        """Mark published outbox messages sent, in one commit. An adapter may defer the marks of a
        command's own messages (``deferrable``) and batch them off the request path: a message still
        pending when the relay runs is published once more, under the same ce-id (at least once)."""
        self._apply([Write(f"{OUTBOX}/{i}", "update", {"status": "sent", "sent_at": at}) for i in ids])

    def _arm(self, buffer: _Buffer) -> None:
        if self.timers is None:
            return
        for timer in buffer.timers:
            try:
                self.timers.queue.schedule(timer.name, self.timers.url, timer.payload, timer.fire_at)
            except Exception:  # the hourly sweep re-arms it
                log.warning("timer not armed; the sweep will catch up", extra={"timer": timer.name}, exc_info=True)
        for name in buffer.cancelled:
            try:
                self.timers.queue.cancel(name)
            except Exception:  # a stale timer finds nothing to do
                log.info("timer not cancelled", extra={"timer": name}, exc_info=True)

    # The time of the platform's own bookkeeping (audit records, outbox sent_at) and the audit records'
    # ids: the system clock and random ids; a deterministic platform (devtools/contracts) fixes both.
    def _now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def _new_record_id(self) -> str:
        return uuid.uuid4().hex

    def _audit(self, writes: list[Write], room: int) -> list[Write]:
        """One audit record per change (two writes each), or one per space when a bulk commit has
        no room for that. An update of the database's own fields only (an order's ``updated_at``
        moved by a change beside it: ``order_store.mark_changed``, A11) changes no content: no record."""
        audited = [w for w in writes if collection_of(w.path) not in UNAUDITED
                   and not (w.kind == "update" and not _content(w.data))]
        if not audited:
            return []
        who, cid, at = context.actor.get(), context.correlation_id.get(), self._now()

        def record(space: str, action: str, target: str, before: str | None, after: Any) -> list[Write]:
            rec = AuditRecord(record_id=self._new_record_id(), space=space, who=who.who, role=who.role,
                              tenant=who.tenant, action=action, target=target, at=at, before_digest=before,
                              after_digest=sha256_json(after) if after is not None else None, correlation_id=cid)
            return [Write(f"{space}/audit/{rec.record_id}", "create", rec.model_dump(mode="json")),
                    Write(f"audit_pending/{rec.record_id}", "create", {"space": space, "at": at})]

        if 2 * len(audited) <= room:
            out: list[Write] = []
            for w in audited:
                before = self._read_digests.get(w.path) if w.kind != "create" else None
                out += record(w.audit_space or space_of(w.path), f"{_entity(w.path)}.{_VERBS[w.kind]}", w.path,
                              before, _content(w.data))
            return out
        by_space: dict[str, list[Write]] = {}
        for w in audited:
            by_space.setdefault(w.audit_space or space_of(w.path), []).append(w)
        out = []
        for space, ws in list(by_space.items())[: max(room // 2, 0)]:
            out += record(space, "documents.bulk_written", f"{ws[0].path} (+{len(ws) - 1})", None,
                          {w.path: sha256_json(_content(w.data)) for w in ws})
        return out
