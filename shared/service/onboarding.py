"""D2 onboarding (A10): a contractor is connected within one month of the contract's signature.

"Connected" means: the platform has accepted a first execution message from the contractor on
an order of that contract (whichever channel). The clock starts at the signature — or, for a
contract entered into the platform after its month had already run out, when it is entered:
the platform cannot have measured a connection before it knew the contract, and a migration
must not fabricate months of penalties (docs/penalties.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from shared.domain import deadlines as dl
from shared.domain.deadlines import DeadlineState
from shared.domain.penalties import PenaltyTerms
from shared.ports import Clock
from shared.service import deadlines

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")


def deadline_id(contract_id: str) -> str:
    return f"d2-{contract_id}"


def clock_start(signed_on: dt.date, entered_at: dt.datetime) -> dt.datetime:
    signed_at = dt.datetime.combine(signed_on, dt.time(0, 0), PARIS)
    if dl.add_months(signed_on, 1) <= entered_at.astimezone(PARIS).date():
        return entered_at
    return signed_at


@dataclass
class Onboarding:
    """Starts D2 when a contract is saved, stops it at the contractor's first accepted message."""

    store: deadlines.DeadlineStore
    timers: deadlines.Timers | None
    clock: Clock
    territory: str = "75"
    _connected: set[tuple[str, str]] = field(default_factory=set)  # per instance: one read per contract

    def contract_saved(self, manager_id: str, contract_id: str, contractor_id: str, signed_on: dt.date,
                       terms: PenaltyTerms | None = None) -> None:
        started = clock_start(signed_on, self.clock.now())
        d = deadlines.plan_deadline("D2", deadline_id(contract_id), tenant_id=manager_id, territory=self.territory,
                                    started_at=started, ref=f"contracts/{contract_id}", terms=terms)
        deadlines.open_deadline(d, self.store, self.timers, self.clock)

    def message_accepted(self, manager_id: str, contract_id: str, at: dt.datetime, ref: str) -> None:
        if (manager_id, contract_id) in self._connected:
            return
        current = self.store.get_deadline(manager_id, deadline_id(contract_id))
        if current is not None and current.value.state in (DeadlineState.RUNNING, DeadlineState.MISSED,
                                                           DeadlineState.PAUSED) and current.value.stopped_at is None:
            deadlines.stop_deadline(manager_id, deadline_id(contract_id), at, ref, self.store, self.timers, self.clock)
            log.info("contractor connected: D2 stopped", extra={"manager_id": manager_id, "contract_id": contract_id})
        self._connected.add((manager_id, contract_id))
