"""What the reporting service reads for each beneficiary: needs, missions, orders with the dates their
lines were reported done and their proofs of service, and the D4/D6 deadline instances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import AwareDatetime, Field

from shared.domain.base import Record
from shared.domain.deadlines import Deadline
from shared.domain.orders import Order
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.domain.territories import LAST_RESORT

# What a report's French text and CSV say of a beneficiary whose record names no SIRET (B17 asks the volume per
# SIRET: the beneficiary is still reported, by its name and id, its SIRET told missing rather than invented).
MISSING_SIRET = "manquant"

# --- facts the service reads --------------------------------------------------------------------


class OrderFacts(Record):
    """An order, when each of its lines reported done was last reported so, and its proofs of service."""

    order: Order
    line_done_at: dict[str, AwareDatetime] = Field(default_factory=dict)
    proofs_at: list[AwareDatetime] = Field(default_factory=list)


class BeneficiaryFacts(Record):
    """One beneficiary as its record and spaces say; a record written partially (its name alone) names no
    ``siret`` or ``territory``: None, never a guess."""

    beneficiary_id: str
    name: str
    siret: str | None = None
    territory: str | None = None
    needs: list[NeedRecord] = Field(default_factory=list)
    missions: list[Mission] = Field(default_factory=list)
    orders: list[OrderFacts] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    professional_names: dict[str, str] = Field(default_factory=dict)

    @property
    def calendar(self) -> str:
        """B18: the territory whose calendar dates its figures: its own, else Paris's (the last resort, as every
        record naming no territory)."""
        return self.territory or LAST_RESORT


def siret_text(siret: str | None) -> str:
    return siret or MISSING_SIRET


def line_done_times(order: Order, events: list[dict[str, Any]]) -> dict[str, dt.datetime]:
    """For each line the order says is done: ``occurred_at`` of the event that last reported it
    done (events applied in order); a line with no such event takes the order's last event."""
    done: dict[str, dt.datetime] = {}
    for event in sorted(events, key=lambda e: (e.get("sequence") or 0, str(e.get("received_at", "")))):
        statuses = (event.get("report") or {}).get("line_statuses") or []
        if not statuses:
            continue
        at = dt.datetime.fromisoformat(str(event["occurred_at"]).replace("Z", "+00:00"))
        for status in statuses:
            if status.get("done"):
                done[status["line_id"]] = at
            else:
                done.pop(status["line_id"], None)
    fallback = order.last_event_at or order.issued_at
    return {line_id: done.get(line_id, fallback) for line_id, is_done in order.line_status.items() if is_done}


def holder_at(mission: Mission, at: dt.datetime) -> str:
    """Who held the mission at ``at``: the first professional, then each replacement from its start."""
    holder = mission.replacements[0].leaving_professional_id if mission.replacements else mission.professional_id
    for r in mission.replacements:
        if r.replaced_by and r.replaced_at and r.replaced_at <= at:
            holder = r.replaced_by
    return holder
