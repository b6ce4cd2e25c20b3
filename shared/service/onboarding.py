"""D2 onboarding (A10): a contractor is connected within one month of the contract's signature.

"Connected" means either of two things, whichever comes first: the contractor passed the
conformance scenario on its sandbox (shared/service/conformance.py: every D2 of the contractor
stops in the commit of the passing report, and a contract saved later finds its contractor
connected already), or the platform accepted a first execution message from the contractor on an
order of that contract (whichever channel). The clock starts at the signature — or, for a
contract entered into the platform after its month had already run out, when it is entered:
the platform cannot have measured a connection before it knew the contract, and a migration
must not fabricate months of penalties (docs/penalties.md).

The month is counted in the contract's territory (B18), by the rule of the other deadlines
(``shared.service.territories``): the contract's perimeter when it names exactly one
territory, else the manager's own territory, else "75". It decides the local midnight the
signature day starts and the month ends at; it is recorded on the deadline (``territory``,
and which datum gave it in the "started" evidence).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from shared.domain import deadlines as dl
from shared.domain import workdays
from shared.domain.deadlines import Deadline, DeadlineState, Evidence
from shared.domain.penalties import PenaltyTerms
from shared.domain.territories import TerritoryChoice
from shared.ports import Query, UnitOfWork
from shared.service import deadlines, territories
from shared.service.territories import order_territory

log = logging.getLogger(__name__)

SOURCE_LABELS = {"contract": "périmètre du marché", "manager": "territoire du gestionnaire",
                 "default": "par défaut", "commune": "commune"}


def deadline_id(contract_id: str) -> str:
    return f"d2-{contract_id}"


def clock_start(signed_on: dt.date, entered_at: dt.datetime, territory: str = "75") -> dt.datetime:
    """Midnight of the signature day in ``territory``, or the entry time if the month had already run out there."""
    tz = workdays.territory(territory).tz
    signed_at = dt.datetime.combine(signed_on, dt.time(0, 0), tz)
    if dl.add_months(signed_on, 1) <= entered_at.astimezone(tz).date():
        return entered_at
    return signed_at


def started_note(choice: TerritoryChoice) -> str:
    return f"territoire {choice.code} ({SOURCE_LABELS.get(choice.source, choice.source)})"


def contract_saved(uow: UnitOfWork, manager_id: str, contract_id: str, contractor_id: str, signed_on: dt.date,
                   now: dt.datetime, terms: PenaltyTerms | None = None,
                   contract: dict[str, Any] | None = None) -> Deadline:
    """A10: D2 opens in the contract's own commit (once: a resent or updated contract finds it open).
    ``contract``: the saved content, when the caller has it (else it is read)."""
    reads = territories.reader(uow)
    if contract is not None:
        choice = order_territory(reads, manager_id, contract_id, None, contract)
    else:
        choice = order_territory(reads, manager_id, contract_id, None)
    started = clock_start(signed_on, now, choice.code)
    ref = f"contracts/{contract_id}"
    d = deadlines.plan_deadline("D2", deadline_id(contract_id), tenant_id=manager_id, territory=choice.code,
                                started_at=started, ref=ref, terms=terms, contractor_id=contractor_id,
                                contract_id=contract_id)
    d = d.model_copy(update={"evidence": (Evidence(event="started", at=started, ref=ref,
                                                   note=started_note(choice)),)})
    opened = deadlines.open_deadline(uow, d, now)
    passed = (uow.get(f"contractors/{contractor_id}") or {}).get("conformance") or {}
    if passed.get("run_id") and _stoppable(opened):  # connected before this contract existed: met at once
        return deadlines.stop_deadline(uow, manager_id, opened.deadline_id, now, f"conformance/{passed['run_id']}",
                                       now)
    return opened


def _stoppable(d: Deadline | None) -> bool:
    return d is not None and d.state in (DeadlineState.RUNNING, DeadlineState.MISSED, DeadlineState.PAUSED) \
        and d.stopped_at is None


def conformance_passed(uow: UnitOfWork, contractor_id: str, at: dt.datetime, ref: str) -> int:
    """A10: the contractor passed its conformance run — it is connected, for every manager at once: each
    of its D2 deadlines still open stops at ``at``, in the caller's commit. How many stopped."""
    found = uow.query(Query("deadlines", where=(("contractor_id", "==", contractor_id), ("kind", "==", "D2")),
                            group=True))
    stopped = 0
    for doc in found:
        d = deadlines.deadline_from(doc.data)
        if _stoppable(d):
            deadlines.stop_deadline(uow, d.tenant_id, d.deadline_id, at, ref, at)
            stopped += 1
    if stopped:
        log.info("contractor connected by its conformance run: D2 stopped",
                 extra={"contractor_id": contractor_id, "deadlines": stopped})
    return stopped


# Firestore answers an ``in`` filter of at most 30 values: the contractors of a directory page are asked by 30.
IN_VALUES = 30


def open_d2(uow: UnitOfWork, contractor_ids: list[str]) -> dict[str, Deadline]:
    """A10: for each of these contractors not connected yet, the earliest-due of its D2 deadlines still open (one
    per contract signed), as the operator's directory shows « Raccordement attendu avant le … ». One collection-group
    query per 30 contractors (``contractor_id in``, ``kind == D2``), however many contracts they hold."""
    earliest: dict[str, Deadline] = {}
    ids = list(dict.fromkeys(contractor_ids))
    for start in range(0, len(ids), IN_VALUES):
        found = uow.query(Query("deadlines", where=(("contractor_id", "in", ids[start:start + IN_VALUES]),
                                                    ("kind", "==", "D2")), group=True))
        for doc in found:
            d = deadlines.deadline_from(doc.data)
            if d.open and d.contractor_id and (d.contractor_id not in earliest
                                               or d.due_at < earliest[d.contractor_id].due_at):
                earliest[d.contractor_id] = d
    return earliest


# Contracts whose contractor is known connected, per instance: one read per contract, not per message.
_connected: set[tuple[str, str]] = set()


def message_accepted(uow: UnitOfWork, manager_id: str, contract_id: str, at: dt.datetime, ref: str) -> None:
    """A10: the contractor's first accepted message on an order of the contract stops its D2, in the
    message's own commit."""
    if (manager_id, contract_id) in _connected:
        return
    d2 = deadlines.load(uow, manager_id, deadline_id(contract_id))
    if _stoppable(d2):
        deadlines.stop_deadline(uow, manager_id, d2.deadline_id, at, ref, at)
        log.info("contractor connected: D2 stopped", extra={"manager_id": manager_id, "contract_id": contract_id})
    uow.after_commit(lambda: _connected.add((manager_id, contract_id)))
