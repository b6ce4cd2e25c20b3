"""D4, D5 and D6 of the sourcing process, run by the deadline service (docs/penalties.md).

The sourcing documents (a need's ``d4``, a replacement's ``deadline``) keep showing the due
date; it is *derived* from the deadline instance planned here (``on_document``), never
computed apart. The instance lives in the beneficiary's space like D7's:
``managers/<beneficiary>/deadlines/<id>``, tenant = the beneficiary id.

Order of writes: the sourcing document is committed first, then the deadline is opened
(idempotent, deterministic id) — a submission retried after a failure opens it again.
The proposal (or replacement) stops it after its own commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.domain import deadlines as dl
from shared.domain import workdays
from shared.domain.penalties import PenaltyTerms
from shared.domain.sourcing import process
from shared.ports import Clock, digest
from shared.service import legacy_deadlines as service


@dataclass(frozen=True)
class SourcingDeadlines:
    """Where the sourcing flows start and stop their deadlines; None in a flow: dates only."""

    store: service.DeadlineStore
    timers: service.Timers | None
    clock: Clock
    d4_length: dl.Length | None = None  # the offer may state less than 10 working days (B10)
    terms: PenaltyTerms | None = None  # when the framework contract prices D4–D6 (none by default)


def d4_id(beneficiary_id: str, need_id: str, version: int) -> str:
    return f"D4-{digest(beneficiary_id, need_id, str(version))[:32]}"


def replacement_id(kind: str, beneficiary_id: str, mission_id: str, index: int) -> str:
    return f"{kind}-{digest(beneficiary_id, mission_id, str(index))[:32]}"


def plan_d4(hooks: SourcingDeadlines | None, beneficiary_id: str, territory: str, need_id: str, version: int,
            at: dt.datetime) -> dl.Deadline:
    return service.plan_deadline("D4", d4_id(beneficiary_id, need_id, version), tenant_id=beneficiary_id,
                                 territory=territory, started_at=at, ref=f"needs/{need_id}/versions/{version}",
                                 length=hooks.d4_length if hooks else None, terms=hooks.terms if hooks else None)


def plan_replacement(hooks: SourcingDeadlines | None, kind: str, beneficiary_id: str, territory: str,
                     mission_id: str, index: int, started_at: dt.datetime, ref: str) -> dl.Deadline:
    return service.plan_deadline(kind, replacement_id(kind, beneficiary_id, mission_id, index),
                                 tenant_id=beneficiary_id, territory=territory, started_at=started_at, ref=ref,
                                 terms=hooks.terms if hooks else None)


def start_of(day: dt.date, territory: str) -> dt.datetime:
    """Local midnight of ``day`` in the territory (D5 counts calendar days from a date)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=workdays.territory(territory).tz).astimezone(dt.UTC)


def on_document(d: dl.Deadline) -> process.RecordedDeadline:
    """What the sourcing document shows of a planned deadline: its last day, from the same value."""
    last_day = workdays.local_date(d.due_at - dt.timedelta(microseconds=1), d.territory)
    return process.RecordedDeadline(code=d.kind, started_at=d.started_at, due=last_day, unit=d.length_unit.value,
                            calendar=f"holidays:{d.territory}", deadline_id=d.deadline_id, due_at=d.due_at)


def stopped(doc: process.RecordedDeadline, at: dt.datetime) -> process.RecordedDeadline:
    """The document's copy of a stop: met exactly when the deadline service says so (at < due)."""
    met = at < doc.due_at if doc.due_at is not None else at.date() <= doc.due
    return doc.model_copy(update={"stopped_at": at, "met": met})


def open_(hooks: SourcingDeadlines | None, d: dl.Deadline) -> None:
    if hooks is not None:
        service.open_deadline(d, hooks.store, hooks.timers, hooks.clock)


def stop(hooks: SourcingDeadlines | None, tenant_id: str, doc: process.RecordedDeadline, at: dt.datetime, ref: str) -> None:
    if hooks is not None and doc.deadline_id is not None:
        service.stop_deadline(tenant_id, doc.deadline_id, at, ref, hooks.store, hooks.timers, hooks.clock)
