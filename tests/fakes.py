"""In-memory adapters for unit tests (the emulators serve every other tier): a fixed clock, a recording
publisher and task queue, and the unit of work over an in-memory database, whose buffering,
preconditions, audit records and effects after the commit are shared.ports' own code."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
from typing import Any

from shared.domain.orders import Order
from shared.ports import SERVER_TIME, ConcurrencyConflict, Document, OutboxMessage, Query, UnitOfWork


class FixedClock:
    def __init__(self, at: str | dt.datetime):
        self.at = dt.datetime.fromisoformat(at) if isinstance(at, str) else at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)




class RecordingPublisher:
    """Remembers what was published; ``fail`` makes the next publishes raise ``fail``."""

    def __init__(self):
        self.published: list[tuple[str, bytes, dict[str, str], str | None]] = []
        self.fail: BaseException | None = None

    def publish(self, topic: str, data: bytes, attributes: dict[str, str], ordering_key: str | None) -> str:
        if self.fail is not None:
            raise self.fail
        self.published.append((topic, data, attributes, ordering_key))
        return str(len(self.published))



# --- the unit of work in memory -----------------------------------------------------------------



class InMemoryDatabase:
    """Documents by path with versions, committed atomically under Firestore's preconditions.

    ``crash_after``: that many commits succeed, the next one raises (an instance dying mid-job);
    ``before_commit``: a concurrent writer, run once just before the next commit."""

    def __init__(self, crash_after: int | None = None):
        self.docs: dict[str, tuple[dict[str, Any], int]] = {}
        self.commits = 0
        self.crash_after = crash_after
        self.before_commit = None
        self._versions = itertools.count(1)
        self._lock = threading.RLock()
        self._last_time = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def data(self, path: str) -> dict[str, Any] | None:
        found = self.docs.get(path)
        return copy.deepcopy(found[0]) if found else None

    def seed(self, path: str, data: dict[str, Any]) -> None:
        """``data`` stored as is; a SERVER_TIME field (a record built by a store's ``*_doc``) gets a commit time."""
        if any(v is SERVER_TIME for v in data.values()):
            now = self._last_time = self.commit_time()
            data = {k: (now if v is SERVER_TIME else v) for k, v in data.items()}
        self.docs[path] = (copy.deepcopy(data), next(self._versions))

    def under(self, collection: str) -> dict[str, dict[str, Any]]:
        """The documents directly in ``collection``, by path."""
        depth = collection.count("/") + 1
        return {p: copy.deepcopy(d) for p, (d, _) in self.docs.items()
                if p.startswith(collection + "/") and p.count("/") == depth}

    def apply(self, writes) -> None:
        if self.before_commit is not None:
            self.before_commit, hook = None, self.before_commit
            hook()
        with self._lock:
            if self.crash_after is not None and self.commits >= self.crash_after:
                raise ConnectionError("the instance died")
            for w in writes:
                found = self.docs.get(w.path)
                if w.kind == "create" and found is not None:
                    raise ConcurrencyConflict(f"exists: {w.path}")
                if w.kind in ("update", "delete") and w.version is not None and (found is None or found[1] != w.version):
                    raise ConcurrencyConflict(f"changed: {w.path}")
                if w.kind == "update" and found is None:
                    raise ConcurrencyConflict(f"gone: {w.path}")
            now = self._last_time = self.commit_time()
            for w in writes:
                data = {k: (now if v is SERVER_TIME else v) for k, v in (w.data or {}).items()}
                if w.kind == "delete":
                    self.docs.pop(w.path, None)
                elif w.kind == "update":
                    self.docs[w.path] = ({**self.docs[w.path][0], **copy.deepcopy(data)}, next(self._versions))
                else:
                    self.docs[w.path] = (copy.deepcopy(data), next(self._versions))
            self.commits += 1

    def commit_time(self) -> dt.datetime:
        """SERVER_TIME of the next commit: the system clock, strictly increasing."""
        return max(dt.datetime.now(dt.UTC), self._last_time + dt.timedelta(microseconds=1))

    def query(self, q: Query) -> list[Document]:
        def in_scope(path: str) -> bool:
            parent = path.rsplit("/", 1)[0]
            return parent.rsplit("/", 1)[-1] == q.collection if q.group else parent == q.collection

        rows = [Document(p, copy.deepcopy(d), v) for p, (d, v) in self.docs.items() if in_scope(p)]
        for name, op, value in q.where:
            rows = [r for r in rows if _matches(r, name, op, value)]
        for name, _ in q.order_by:
            if name != "__name__":
                rows = [r for r in rows if name in r.data]
        for name, direction in reversed(q.order_by):
            rows.sort(key=lambda r, n=name: _sort_value(_field(r, n)), reverse=direction == "desc")
        if q.start_after is not None:
            def after(r: Document) -> bool:
                for (name, direction), cursor in zip(q.order_by, q.start_after):
                    a, b = _sort_value(_field(r, name)), _sort_value(cursor)
                    if a != b:
                        return a > b if direction == "asc" else a < b
                return False
            rows = [r for r in rows if after(r)]
        rows = rows[: q.limit] if q.limit is not None else rows
        return [Document(r.path, _projected(r.data, q.select), r.version) for r in rows] if q.select else rows


def _projected(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only ``fields`` (dotted paths) of ``data``, nested as stored; a field the document lacks is left out
    (Firestore's projection)."""
    out: dict[str, Any] = {}
    for name in fields:
        value: Any = data
        parts = name.split(".")
        for part in parts:
            if not isinstance(value, dict) or part not in value:
                break
            value = value[part]
        else:
            target = out
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = value
    return out


def _field(doc: Document, name: str) -> Any:
    if name == "__name__":
        return doc.path
    value: Any = doc.data
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _sort_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (1, value.timestamp())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (2, str(value))


def _matches(doc: Document, name: str, op: str, value: Any) -> bool:
    if name != "__name__" and "." not in name and name not in doc.data:
        return False
    v = _field(doc, name)
    if op == "==":
        return v == value
    if op == "!=":
        return v != value
    if op == "in":
        return v in value
    if op == "not-in":
        return v not in value
    if op == "array_contains":
        return isinstance(v, list) and value in v
    if op == "array_contains_any":
        return isinstance(v, list) and any(x in v for x in value)
    if v is None:
        return False
    a, b = _sort_value(v), _sort_value(value)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


class InMemoryUnitOfWork(UnitOfWork):
    """The unit of work of shared/ports over an InMemoryDatabase: same buffering, preconditions,
    audit records, outbox and timers as Firestore's, by construction."""

    def __init__(self, db: InMemoryDatabase | None = None, publisher=None, timers=None):
        super().__init__(publisher, timers)
        self.db = db if db is not None else InMemoryDatabase()

    def _fetch(self, paths):
        return {p: Document(p, copy.deepcopy(self.db.docs[p][0]), self.db.docs[p][1]) for p in paths if p in self.db.docs}

    def _run_query(self, query):
        return self.db.query(query)

    def _count(self, query):
        return len(self.db.query(query))

    def _apply(self, writes):
        self.db.apply(writes)

    def fork(self):
        return InMemoryUnitOfWork(self.db, self.publisher, self.timers)

    # test conveniences
    def outbox(self, status: str | None = None) -> list[OutboxMessage]:
        return sorted((OutboxMessage.from_document(p.rsplit("/", 1)[1], d) for p, d in self.db.under("outbox").items()
                       if status is None or d.get("status") == status), key=lambda m: m.created_at)


class RecordingTaskQueue:
    """Remembers scheduled tasks; a name already used is refused like Cloud Tasks does."""

    def __init__(self):
        self.tasks: dict[str, dict[str, Any]] = {}
        self.cancelled: list[str] = []

    def schedule(self, name: str, url: str, payload: dict[str, Any], schedule_time: dt.datetime) -> bool:
        if name in self.tasks:
            return False
        self.tasks[name] = {"url": url, "payload": payload, "schedule_time": schedule_time}
        return True

    def cancel(self, name: str) -> bool:
        self.cancelled.append(name)
        return name in self.tasks


class RecordingChorusPro:
    """Chorus Pro in memory: every call recorded, one deposit per (supplier SIRET, invoice number), and
    statuses moved by ``set_status`` as the buyer's side would (the emulators use
    shared/adapters/chorus_pro.py, the same behaviour on Firestore)."""

    def __init__(self, clock: FixedClock):
        self.clock = clock
        self.calls: list[tuple[str, str]] = []
        self.deposits: dict[str, dict[str, Any]] = {}
        self.down = False

    def deposit(self, deposit):
        from shared.adapters.chorus_pro import chorus_id_of
        from shared.ports import ChorusReport

        if self.down:
            raise ConnectionError("Chorus Pro unreachable")
        chorus_id = chorus_id_of(deposit.supplier_siret, deposit.invoice_number)
        self.calls.append(("deposit", chorus_id))
        found = self.deposits.setdefault(chorus_id, {"deposit": deposit, "status": "DEPOSEE", "reason": None,
                                                     "at": self.clock.now()})
        return ChorusReport(chorus_id, found["status"], found["at"], found["reason"])

    def status(self, chorus_id: str):
        from shared.ports import ChorusReport

        if self.down:
            raise ConnectionError("Chorus Pro unreachable")
        self.calls.append(("status", chorus_id))
        found = self.deposits[chorus_id]
        return ChorusReport(chorus_id, found["status"], found["at"], found["reason"])

    def set_status(self, chorus_id: str, status: str, reason: str | None = None) -> None:
        self.deposits[chorus_id].update(status=status, reason=reason, at=self.clock.now())


class World:
    """The platform in memory for unit tests: one database, a fixed clock, a recording publisher and
    task queue; ``uow()`` is a fresh unit of work on them, as ``shared.bootstrap.uow()`` in production."""

    def __init__(self, now: dt.datetime | str = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)):
        from shared.ports import Timers

        self.db = InMemoryDatabase()
        self.clock = FixedClock(now)
        self.publisher = RecordingPublisher()
        self.queue = RecordingTaskQueue()
        self.timers = Timers(self.queue, "http://accrue_penalties")

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.db, self.publisher, self.timers)

    def seed(self, path: str, data: dict[str, Any]) -> None:
        self.db.seed(path, data)

    def seed_order(self, order: Order) -> None:
        from shared.service.order_store import order_doc, order_path

        self.seed(order_path(order.manager_id, order.order_id), {**order_doc(order), "updated_at": self.clock.now()})

    def seed_contractor(self, contractor_id: str, managers: tuple[str, ...], name: str = "Test") -> None:
        self.seed(f"contractors/{contractor_id}", {"name": name, "managers": list(managers)})

    def order(self, manager_id: str, order_id: str) -> Order | None:
        from shared.service.order_store import load_order

        return load_order(self.uow(), manager_id, order_id)

    def events(self, manager_id: str, order_id: str) -> dict[str, dict[str, Any]]:
        return {p.rsplit("/", 1)[1]: d for p, d in self.db.under(f"managers/{manager_id}/orders/{order_id}/events").items()}

    def outbox(self, status: str | None = None) -> list[OutboxMessage]:
        return self.uow().outbox(status)

    def deadlines(self, tenant_id: str) -> dict[str, Any]:
        from shared.service.deadlines import deadline_from

        return {p.rsplit("/", 1)[1]: deadline_from(d) for p, d in self.db.under(f"managers/{tenant_id}/deadlines").items()}

    def ledger(self, tenant_id: str, deadline_id: str | None = None) -> list:
        """The ledger entries; with ``deadline_id``, the deadline's own days or, pooled (D1, F1), the
        contract days it is a cause of."""
        from shared.service.deadlines import entry_from

        entries = [entry_from(d) for d in self.db.under(f"managers/{tenant_id}/penalties").values()]
        caused = {c.entry_id for c in self.causes(tenant_id, deadline_id)} if deadline_id else set()
        return sorted((e for e in entries if deadline_id is None or e.deadline_id == deadline_id
                       or e.entry_id in caused), key=lambda e: (e.deadline_id, e.local_date, e.day))

    def causes(self, tenant_id: str, deadline_id: str | None = None) -> list:
        """The causes of pooled ledger days (one per day of a D1 or F1 deadline)."""
        from shared.service.deadlines import cause_from

        found = [cause_from(d) for d in self.db.under(f"managers/{tenant_id}/penalty_causes").values()]
        return sorted((c for c in found if deadline_id is None or c.deadline_id == deadline_id),
                      key=lambda c: (c.day_start, c.cause_id))


class MemoryExportArchive:
    """ExportArchive in memory (shared/ports/outside.py): documents per space, objects by name; ``peak``
    is the largest object ever held, to show that nothing but objects is materialised."""

    def __init__(self, documents: dict[str, list[tuple[str, dict[str, Any]]]] | None = None,
                 objects: dict[str, bytes] | None = None):
        self.documents = documents or {}
        self.objects: dict[str, bytes] = dict(objects or {})
        self.deleted: list[str] = []

    def walk(self, space: str):
        yield from self.documents.get(space, [])

    def files(self, prefix: str):
        for name in sorted(self.objects):
            if name.startswith(prefix):
                yield name, len(self.objects[name])

    def reader(self, name: str):
        import contextlib
        import io

        return contextlib.closing(io.BytesIO(self.objects[name]))

    def writer(self, name: str, content_type: str):
        import contextlib
        import io

        archive = self

        class _Writer(io.BytesIO):
            def close(self) -> None:
                if not self.closed:
                    archive.objects[name] = self.getvalue()
                super().close()

        return contextlib.closing(_Writer())

    def delete(self, name: str) -> None:
        self.objects.pop(name, None)
        self.deleted.append(name)

    def signed_url(self, name: str, ttl: dt.timedelta, download_name: str | None = None) -> str:
        disposition = f"&response-content-disposition={download_name}" if download_name else ""
        return f"https://storage.example/{name}?X-Goog-Expires={int(ttl.total_seconds())}{disposition}"
