"""The audit trail (B15): who did what, when, to which record — append-only and hash-chained.

Each write a function makes appends an ``AuditRecord`` in the same atomic batch, inside
the space it touched. A sealer then chains the records of each space in order: link n
holds the digest of its record and ``hash = sha256(previous hash | link n)``. Changing,
removing or re-ordering any record breaks every later link, which ``verify`` reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ConfigDict

from shared.domain.base import Command, Model

GENESIS = "0" * 64


class AuditRecord(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: str
    space: str  # "managers/<id>" or "contractors/<id>": where the write happened
    who: str
    role: str
    tenant: str
    action: str  # e.g. "order.created", "order.updated", "message.answered"
    target: str  # document path
    at: dt.datetime
    before_digest: str | None
    after_digest: str | None
    correlation_id: str

    def digest(self) -> str:
        return sha256_json(self.model_dump(mode="json"))


class AuditLink(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int
    record_id: str
    record_digest: str
    prev_hash: str
    hash: str


def sha256_json(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def link(prev_hash: str, seq: int, record: AuditRecord) -> AuditLink:
    digest = record.digest()
    chained = hashlib.sha256(f"{prev_hash}|{seq}|{record.record_id}|{digest}".encode()).hexdigest()
    return AuditLink(seq=seq, record_id=record.record_id, record_digest=digest, prev_hash=prev_hash, hash=chained)


def seal(prev_hash: str, next_seq: int, records: list[AuditRecord]) -> list[AuditLink]:
    """Chain ``records`` (in the order given) after the link whose hash is ``prev_hash``."""
    links = []
    for offset, record in enumerate(records):
        new = link(prev_hash, next_seq + offset, record)
        links.append(new)
        prev_hash = new.hash
    return links


def verify(links: list[AuditLink], records: dict[str, AuditRecord | None],
           after: tuple[int, str] = (0, GENESIS)) -> list[str]:
    """Every break in a space's chain, in French; empty when the chain is intact.

    ``after`` is the ``(seq, hash)`` of the link the given ones follow: the genesis for a whole chain,
    a link checked before for a segment (the scheduled check of the links sealed since then)."""
    problems: list[str] = []
    expected_seq, prev_hash = after[0] + 1, after[1]
    for current in sorted(links, key=lambda k: k.seq):
        if current.seq != expected_seq:
            problems.append(f"maillon {expected_seq} manquant (trouvé {current.seq})")
        record = records.get(current.record_id)
        if record is None:
            problems.append(f"maillon {current.seq} : enregistrement {current.record_id} supprimé")
        elif record.digest() != current.record_digest:
            problems.append(f"maillon {current.seq} : enregistrement {current.record_id} modifié")
        if current.prev_hash != prev_hash:
            problems.append(f"maillon {current.seq} : chaînage rompu")
        recomputed = link(current.prev_hash, current.seq, record).hash if record is not None else None
        if record is not None and record.digest() == current.record_digest and recomputed != current.hash:
            problems.append(f"maillon {current.seq} : empreinte falsifiée")
        prev_hash, expected_seq = current.hash, current.seq + 1
    sealed = {k.record_id for k in links}
    return problems + out_of_chain(rid for rid in records if rid not in sealed)


def out_of_chain(record_ids: Iterable[str]) -> list[str]:
    """Records no link seals, in French: written in the space but never chained (or their link removed)."""
    return [f"enregistrement {rid} hors chaîne" for rid in sorted(record_ids)]


def head_errors(head: tuple[int, str] | None, last: tuple[int, str]) -> list[str]:
    """The chain's head document against the last link read (``(seq, hash)``). A head beyond that link is
    a chain that grew while it was read (the next reading goes there); behind it, or another hash at the
    same place, the head no longer says where the chain ends."""
    if last[0] == 0:
        return []
    if head is None or head[0] < last[0] or (head[0] == last[0] and head[1] != last[1]):
        return ["tête de chaîne incohérente"]
    return []


def witness_errors(links: list[AuditLink], witnessed: Iterable[tuple[int, str]]) -> list[str]:
    """The links that differ from the heads logged when they were sealed (``(seq, head hash)``), in French.

    ``verify`` cannot see a wholesale rewrite: whoever edits a record and recomputes every later link
    leaves a chain that verifies. The sealer logs each new head to Cloud Logging, in a locked bucket
    (infra/terraform/logging.tf) that Firestore's writers cannot rewrite: a rewritten link no longer
    carries the hash logged for it. A logged head beyond the chain means links were removed."""
    hashes = {k.seq: k.hash for k in links}
    problems = []
    for seq, head_hash in sorted(set(witnessed)):
        if seq not in hashes:
            problems.append(f"maillon {seq} consigné au scellement, absent de la chaîne")
        elif hashes[seq] != head_hash:
            problems.append(f"maillon {seq} : empreinte différente de celle consignée au scellement")
    return problems


class WitnessedHead(Model):
    """A chain head as the sealer wrote it, once, into the witness bucket (B15 traceability)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    space: str
    seq: int
    hash: str
    sealed_at: dt.datetime


class WholeReading(Model):
    """Where a whole reading of a space stands when a run's time budget stops it (B15 traceability): the
    next run continues from here instead of starting over.

    ``phase`` "chain": the links were verified page by page up to the witnessed head ``(seq, hash)``;
    the reading goes on with the links after it, chained to that hash. ``phase`` "records": every link
    was verified (``seq``, ``hash``: the latest witnessed head found), and the records are being checked
    for being sealed, in the order of their ids, up to ``record_after``. ``started_at``: when the
    reading began, what the space's ``full_checked_at`` becomes when it ends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: Literal["chain", "records"] = "chain"
    seq: int = 0
    hash: str = GENESIS
    record_after: str = ""
    started_at: dt.datetime


class CheckPoint(Model):
    """Where the scheduled check of a space stands: the last witnessed head it found intact, when it
    last read the whole chain, and the whole reading under way over several runs if there is one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    space: str
    seq: int = 0
    hash: str = GENESIS
    full_checked_at: dt.datetime | None = None
    reading: WholeReading | None = None


def full_check_due(point: CheckPoint | None, now: dt.datetime, every: dt.timedelta) -> bool:
    """A space is read whole when it never was, when its last whole reading is ``every`` old, when no
    witnessed head anchors an incremental check yet, or when a whole reading is under way."""
    return (point is None or point.seq == 0 or point.full_checked_at is None or point.reading is not None
            or now - point.full_checked_at >= every)


def anchor_errors(point: CheckPoint | WholeReading, witnessed: Iterable[tuple[int, str]]) -> list[str]:
    """The check point of an incremental check, or where a whole reading resumes, must be a head the witness
    holds, with the same hash: a point forged in Firestore cannot move the check past a rewritten part of
    the chain."""
    if point.seq == 0 or (point.seq, point.hash) in set(witnessed):
        return []
    return [f"point de reprise {point.seq} absent du témoin ou différent"]


def advanced(point: CheckPoint, witnessed: Iterable[tuple[int, str]], now: dt.datetime, full: bool) -> CheckPoint:
    """The check point after a clean check: the latest witnessed head (all of them were compared). After a
    whole reading, ``now`` is when it began, and no reading is under way any more."""
    heads = sorted(set(witnessed))
    latest = heads[-1] if heads and heads[-1][0] >= point.seq else (point.seq, point.hash)
    update: dict[str, Any] = {"seq": latest[0], "hash": latest[1]}
    if full:
        update |= {"full_checked_at": now, "reading": None}
    return point.model_copy(update=update)


class CheckAuditWitness(Command):
    """The body of check_audit_witness: ``{}`` from Cloud Scheduler; ``{"full": true}`` reads every space
    whole whatever its check point says (an operator's run after an incident)."""

    full: bool = False
