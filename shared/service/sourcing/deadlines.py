"""D4, D5 and D6 of the sourcing process, run by the deadline service (docs/penalties.md).

The sourcing documents (a need's ``d4``, a replacement's ``deadline``) keep showing the due
date; it is *derived* from the deadline planned here (``on_document``), never computed apart.
The instance lives in the beneficiary's space like D7's: ``managers/<beneficiary>/deadlines/<id>``,
tenant = the beneficiary id.

The flows open and stop these deadlines in their own unit of work, with
``shared.service.deadlines.open_deadline`` / ``stop_deadline``: the need (or mission) and its
deadline are committed together. D4–D6 carry no penalty rule unless the framework contract
in the beneficiary's space prices them (its terms in force, read in the same unit of work);
an offer stating fewer than 10 working days for D4 (B10 search request) passes its length.
"""

from __future__ import annotations

import datetime as dt

from shared.domain import deadlines as dl
from shared.domain import workdays
from shared.domain.penalties import PenaltyTerms
from shared.domain.sourcing import process
from shared.ports import UnitOfWork, digest
from shared.service import deadlines, penalty_terms
from shared.service.sourcing.paths import Settings


def d4_id(beneficiary_id: str, need_id: str, version: int) -> str:
    return f"D4-{digest(beneficiary_id, need_id, str(version))[:32]}"


def replacement_id(kind: str, beneficiary_id: str, mission_id: str, index: int) -> str:
    return f"{kind}-{digest(beneficiary_id, mission_id, str(index))[:32]}"


def terms(uow: UnitOfWork, beneficiary_id: str, settings: Settings, at: dt.datetime, territory: str) -> PenaltyTerms:
    """The penalty terms of the beneficiary's agreement (the framework contract in its space) in force
    on the local date of ``at`` (versioned: shared/service/penalty_terms.py; none by default)."""
    return penalty_terms.terms_on(uow, beneficiary_id, settings.contract_id, workdays.local_date(at, territory))


def plan_d4(beneficiary_id: str, territory: str, need_id: str, version: int, at: dt.datetime,
            terms: PenaltyTerms | None = None) -> dl.Deadline:
    """D4 of one need version (B10 search request): 10 working days, or the shorter delay of the offer
    that the agreement's terms state (``lengths: {"D4": n}``)."""
    return deadlines.plan_deadline("D4", d4_id(beneficiary_id, need_id, version), tenant_id=beneficiary_id,
                                   territory=territory, started_at=at, ref=f"needs/{need_id}/versions/{version}",
                                   terms=terms)


def plan_replacement(kind: str, beneficiary_id: str, territory: str, mission_id: str, index: int,
                     started_at: dt.datetime, ref: str, terms: PenaltyTerms | None = None) -> dl.Deadline:
    """D5 or D6 of one replacement (B12 replacement)."""
    return deadlines.plan_deadline(kind, replacement_id(kind, beneficiary_id, mission_id, index),
                                   tenant_id=beneficiary_id, territory=territory, started_at=started_at, ref=ref,
                                   terms=terms)


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


def stop(uow: UnitOfWork, tenant_id: str, doc: process.RecordedDeadline, at: dt.datetime, ref: str,
         now: dt.datetime) -> None:
    """Stop the deadline a document shows, in ``uow``. A document whose deadline was never stored
    (recorded before the deadline service ran the sourcing deadlines) only keeps its own copy."""
    if doc.deadline_id is not None and deadlines.load(uow, tenant_id, doc.deadline_id) is not None:
        deadlines.stop_deadline(uow, tenant_id, doc.deadline_id, at, ref, now)
