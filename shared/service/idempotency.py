"""The one idempotency mechanism, for HTTP requests and bus messages alike.

A keyed record remembers what was asked (the digest of the body) and the answer given:

    state          "in_progress" (a holder is deciding, under a lease) | "completed"
    digest         what was asked: the same key with another body is refused, never replayed
    answer         the stored answer, given again to a retry or a redelivery
    locked_until   the lease of an in-progress record; past it, the holder is taken for dead
    expires_at     HTTP records only: Firestore's TTL policy deletes them after a day

Where it lives says whose it is: ``idempotency/<key>`` for an HTTP request (the key is the
client's Idempotency-Key, scoped by operation, role and tenant), ``contractors/<c>/messages/<key>``
for a contractor's message (the key is its CloudEvents source and id; the contractor reads its
own message log there).

There are two ways to take the record, and only two:

1. **In the command's own commit** (``check`` … ``complete`` in one unit of work): the record is
   read with what the command reads and written in the same atomic commit as its effects and its
   reply. A duplicate racing the first delivery fails that commit's create precondition, starts
   again and finds the answer. Nothing is taken before, so the hot paths (every execution
   message, REST or Pub/Sub) pay no extra round trip, and effects and answer are exactly once.
2. **Under a lease** (``claim`` … ``complete``, or ``release`` on an infrastructure failure): for
   commands whose effects do not all fit one commit — Firebase Auth accounts, files in Cloud
   Storage, several commits — and at the HTTP edge, which does not see the service's commit.
   A concurrent duplicate finds the record in progress (409 over HTTP, a redelivery later over
   Pub/Sub); a holder that died is taken over when its lease ends, and the command is run
   again, which its deterministic ids (``create()`` of named documents) make harmless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from shared.ports import UnitOfWork
from shared.service.transaction import transact

LEASE = dt.timedelta(seconds=60)
HTTP_RETENTION = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Seen:
    kind: Literal["new", "replay", "mismatch", "in_progress"]
    answer: dict[str, Any] | None = None
    record: dict[str, Any] | None = None


def http_path(key: str) -> str:
    return f"idempotency/{key}"


def message_path(contractor_id: str, key: str) -> str:
    return f"contractors/{contractor_id}/messages/{key}"


def _seen(record: dict[str, Any] | None, digest: str, now: dt.datetime) -> Seen:
    if record is None:
        return Seen("new")
    expires = record.get("expires_at")
    if expires is not None and expires <= now:
        return Seen("new", record=record)
    if record.get("state", "completed") == "in_progress":
        if record.get("locked_until") is not None and record["locked_until"] <= now:
            return Seen("new", record=record)  # its holder died: taken over
        return Seen("in_progress", record=record) if record.get("digest") == digest else Seen("mismatch", record=record)
    if record.get("digest") != digest:
        return Seen("mismatch", record.get("answer"), record)
    return Seen("replay", record.get("answer"), record)


def check(uow: UnitOfWork, path: str, digest: str, now: dt.datetime) -> Seen:
    """Read the record within ``uow``: the command's commit is then conditioned on it."""
    return _seen(uow.get(path), digest, now)


def complete(uow: UnitOfWork, path: str, digest: str, answer: dict[str, Any], now: dt.datetime, *,
             retention: dt.timedelta | None = None, **extra: Any) -> None:
    """Buffer the completed record (``extra``: fields a message log keeps beside the answer)."""
    record = {"state": "completed", "digest": digest, "answer": answer, "completed_at": now, "locked_until": None,
              **extra}
    if retention is not None:
        record["expires_at"] = now + retention
    uow.save(path, record)


def claim(uow: UnitOfWork, path: str, digest: str, now: dt.datetime, *, lease: dt.timedelta = LEASE,
          retention: dt.timedelta | None = None) -> Seen:
    """Take the record in progress, in a commit of its own; what was found if it could not be taken."""

    def attempt() -> Seen:
        seen = check(uow, path, digest, now)
        if seen.kind != "new":
            return seen
        record = {"state": "in_progress", "digest": digest, "locked_until": now + lease, "created_at": now}
        if retention is not None:
            record["expires_at"] = now + retention
        uow.save(path, record)
        return seen

    return transact(uow, attempt)


def finish(uow: UnitOfWork, path: str, digest: str, answer: dict[str, Any], now: dt.datetime, *,
           retention: dt.timedelta | None = None, **extra: Any) -> None:
    """Complete a claimed record in a commit of its own."""
    transact(uow, lambda: complete(uow, path, digest, answer, now, retention=retention, **extra))


def release(uow: UnitOfWork, path: str) -> None:
    """Drop a claimed record after an infrastructure failure, so that a retry runs the command again."""

    def attempt() -> None:
        if uow.get(path) is not None:
            uow.delete(path)

    transact(uow, attempt)
