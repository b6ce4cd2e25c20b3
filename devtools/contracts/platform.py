"""The platform in memory, deterministic, for the stories the examples come from.

Built on the in-memory unit of work of the unit tests (tests/fakes.py: ``InMemoryDatabase`` and
``InMemoryUnitOfWork`` run shared/ports' own buffering, preconditions, outbox, timers and audit code,
with Firestore's semantics) rather than on a copy of it, so that the two cannot drift apart; devtools
and tests are both development-only and never deployed. What a generation needs on top of a test
``World``, to give the same bytes every time:

- one clock for the services *and* the database's commit time (SERVER_TIME) and the audit records;
- ids drawn from a counter where production draws random ones (audit record ids; export job and
  upload ids are passed to the services as ``new_id``);
- in-memory Cloud Storage (documents, reports, the search index, export archives) answering signed
  URLs shaped like V4 ones, and a Firebase Auth that records the users it creates;
- ``as_(uid, role, tenant)``: who acts, as the HTTPS edge would set it (audit records name them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from shared import context
from shared.ports import Timers, digest
from tests.fakes import FixedClock, InMemoryDatabase, InMemoryUnitOfWork, RecordingPublisher, RecordingTaskQueue

SIGNATURE = "X-Goog-Signature=…"  # a real V4 signature is 512 hex digits of noise


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Ids:
    """Hex ids that look random but come from a name and a counter."""

    def __init__(self, seed: str):
        self.seed, self.count = seed, 0

    def __call__(self) -> str:
        self.count += 1
        return digest(self.seed, str(self.count))[:32]


class _Database(InMemoryDatabase):
    """Commits at the platform's clock (strictly increasing, as Firestore's commit times are)."""

    def __init__(self, clock: FixedClock):
        super().__init__()
        self.clock = clock
        self._last_time = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def commit_time(self) -> dt.datetime:
        return max(self.clock.now(), self._last_time + dt.timedelta(microseconds=1))


class _UnitOfWork(InMemoryUnitOfWork):
    def __init__(self, platform: Platform):
        super().__init__(platform.db, platform.publisher, platform.timers)
        self.platform = platform

    def fork(self) -> _UnitOfWork:
        return _UnitOfWork(self.platform)

    def _now(self) -> dt.datetime:
        return self.platform.clock.now()

    def _new_record_id(self) -> str:
        return self.platform.audit_ids()


class Bucket:
    """Cloud Storage objects in memory: DocumentFiles, ReportFiles and BlobStore at once."""

    def __init__(self, name: str):
        self.name = name
        self.objects: dict[str, bytes] = {}

    def url(self, name: str, ttl: dt.timedelta, method: str = "GET") -> str:
        return (f"https://storage.googleapis.com/{self.name}/{name}?X-Goog-Algorithm=GOOG4-RSA-SHA256"
                f"&X-Goog-Expires={int(ttl.total_seconds())}&{SIGNATURE}")

    # DocumentFiles
    def put_if_absent(self, name: str, data: bytes, content_type: str = "application/pdf") -> bool:
        if name in self.objects:
            return False
        self.objects[name] = data
        return True

    def stat(self, name: str) -> tuple[int, int] | None:
        return (len(self.objects[name]), 1) if name in self.objects else None

    def read(self, name: str, generation: int | None = None) -> bytes | None:
        return self.objects.get(name)

    def delete(self, name: str, generation: int | None = None) -> None:
        self.objects.pop(name, None)

    def download_url(self, name: str, ttl: dt.timedelta) -> str:
        return self.url(name, ttl)

    def upload_url(self, name: str, ttl: dt.timedelta, max_bytes: int) -> tuple[str, dict[str, str]]:
        return self.url(name, ttl, "PUT"), {"Content-Type": "application/pdf",
                                             "x-goog-content-length-range": f"0,{max_bytes}",
                                             "x-goog-if-generation-match": "0"}

    # BlobStore
    def put(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.objects[name] = data

    def get(self, name: str) -> bytes | None:
        return self.objects.get(name)

    def names(self, prefix: str) -> Iterator[str]:
        yield from sorted(n for n in self.objects if n.startswith(prefix))


class Archive:
    """ExportArchive over the platform's database and its documents bucket."""

    def __init__(self, platform: Platform):
        self.platform = platform
        self.bucket = Bucket("passerelle-exports")
        self.on_walk: Any = None  # called once, when a run starts reading (the job is running then)

    def walk(self, space: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if self.on_walk is not None:
            self.on_walk, hook = None, self.on_walk
            hook()
        docs = self.platform.db.docs
        if space in docs:
            yield space, json.loads(json.dumps(docs[space][0], default=str))
        for path in sorted(p for p in docs if p.startswith(space + "/")):
            yield path, json.loads(json.dumps(docs[path][0], default=str))

    def files(self, prefix: str) -> Iterator[tuple[str, int]]:
        objects = self.platform.documents.objects
        for name in sorted(n for n in objects if n.startswith(prefix)):
            yield name, len(objects[name])

    def reader(self, name: str) -> contextlib.AbstractContextManager[BinaryIO]:
        data = self.bucket.objects[name] if name in self.bucket.objects else self.platform.documents.objects[name]
        return contextlib.closing(io.BytesIO(data))

    @contextlib.contextmanager
    def writer(self, name: str, content_type: str) -> Iterator[BinaryIO]:
        stream = io.BytesIO()
        yield stream
        self.bucket.objects[name] = stream.getvalue()

    def delete(self, name: str) -> None:
        self.bucket.objects.pop(name, None)

    def signed_url(self, name: str, ttl: dt.timedelta, download_name: str | None = None) -> str:
        from urllib.parse import quote

        from shared.domain.exports import attachment

        url = self.bucket.url(name, ttl)
        if not download_name:
            return url
        head, signature = url.rsplit("&", 1)
        return f"{head}&response-content-disposition={quote(attachment(download_name), safe='')}&{signature}"


class IdentityAdmin:
    """Firebase Auth in memory: a user per e-mail, its uid derived from it, its claims recorded."""

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}

    def upsert_user(self, email: str, display_name: str, password: str | None, claims: dict[str, Any],
                    disabled: bool | None = None) -> str:
        uid = self.users.get(email, {}).get("uid") or hashlib.sha256(email.encode()).hexdigest()[:28]
        was = bool(self.users.get(email, {}).get("disabled"))
        self.users[email] = {"uid": uid, "display_name": display_name, "claims": claims,
                             "disabled": was if disabled is None else disabled}
        return uid

    def find_user(self, email: str) -> dict[str, Any] | None:
        user = self.users.get(email)
        return None if user is None else {"uid": user["uid"], "claims": user["claims"],
                                          "display_name": user["display_name"], "disabled": user["disabled"]}

    def set_own_password(self, uid: str, password: str) -> dict[str, Any]:
        """The mark of a temporary password dropped (no password is kept here)."""
        email, user = next((e, u) for e, u in self.users.items() if u["uid"] == uid)
        user["claims"] = {k: v for k, v in user["claims"].items() if k != "password_change_required"}
        return {"email": email, "claims": user["claims"]}

    def sessions_revoked(self, uid: str) -> None:
        """No session cache in the generator's platform."""


class Platform:
    """One tenant world: the database, the clock, the bus, the timers, the buckets and Auth."""

    def __init__(self, name: str, now: str):
        # What a function instance remembers between requests belongs to another platform: forget it.
        from shared.service import onboarding
        from shared.service.sourcing import index

        onboarding._connected.clear()
        index.forget()
        # Nor does a request's audit actor or correlation id that an earlier caller (a test) left bound
        # in this thread: the stories' audit records must not depend on what ran before them.
        context.actor.set(context.SYSTEM)
        context.correlation_id.set("")
        self.clock = FixedClock(utc(now))
        self.db = _Database(self.clock)
        self.publisher = RecordingPublisher()
        self.queue = RecordingTaskQueue()
        self.timers = Timers(self.queue, "http://accrue_penalties")
        self.documents = Bucket("passerelle-documents")
        self.blobs = Bucket("passerelle-index")
        self.archive = Archive(self)
        self.identity = IdentityAdmin()
        self.audit_ids = Ids(f"{name}/audit")
        self.ids = Ids(name)
        self.fired: set[str] = set()

    def uow(self) -> _UnitOfWork:
        return _UnitOfWork(self)

    def at(self, when: str | dt.datetime) -> Platform:
        """Move the clock (never backwards: a story is told in order)."""
        at = utc(when) if isinstance(when, str) else when
        assert at >= self.clock.now(), f"the story goes back in time: {at} < {self.clock.now()}"
        self.clock.at = at
        return self

    def seed(self, path: str, data: dict[str, Any]) -> None:
        self.db.seed(path, data)

    @contextlib.contextmanager
    def as_(self, uid: str, role: str, tenant: str) -> Iterator[None]:
        """Act as a caller (as the HTTPS edge does), for what follows in the ``with`` block."""
        token = context.actor.set(context.AuditActor(uid, role, tenant))
        try:
            yield
        finally:
            context.actor.reset(token)

    def fire_timers(self) -> list[dict[str, Any]]:
        """Run every deadline timer due by now, oldest first, as Cloud Tasks calls accrue_penalties (a timer
        a run arms for later waits)."""
        from shared.service import deadlines

        fired: list[dict[str, Any]] = []
        while due := sorted((t["schedule_time"], name) for name, t in self.queue.tasks.items()
                            if name not in self.fired and t["schedule_time"] <= self.clock.now()):
            _, name = due[0]
            self.fired.add(name)
            fired.append(deadlines.on_timer(self.queue.tasks[name]["payload"], self.uow(), self.clock))
        return fired

    def published(self, topic: str | None = None) -> list[tuple[dict[str, str], dict[str, Any]]]:
        """(CloudEvents attributes, data) of every message published so far, oldest first."""
        return [(attributes, json.loads(data)) for t, data, attributes, _ in self.publisher.published
                if topic is None or t == topic]

    def last(self, ce_type: str) -> tuple[dict[str, str], dict[str, Any]]:
        """The last message of a type published so far."""
        found = [m for m in self.published() if m[0]["ce-type"] == ce_type]
        assert found, f"nothing of type {ce_type} was published"
        return found[-1]
