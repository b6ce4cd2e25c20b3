"""SubmitTimesheet: the titulaire reports the days worked on a mission's milestone (B11 mission
follow-up, budget kept). A timesheet that would take a milestone over its days, or the mission over
its budget, is refused with what is left; an accepted one is recorded with the mission's running
total in one commit.

  beneficiaries/{b}/missions/{m}/timesheets/{t}   one timesheet (period, milestone, days)
"""

from __future__ import annotations

from decimal import Decimal

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing.messages import SubmitTimesheet
from shared.domain.sourcing.process import Mission, timesheet_errors
from shared.ports import Clock, UnitOfWork
from shared.service.order_store import load_order
from shared.service.sourcing import paths
from shared.service.sourcing.mission_store import load_mission
from shared.service.transaction import transact


def timesheet_path(b: str, m: str, t: str) -> str:
    return f"{paths.mission(b, m)}/timesheets/{t}"


def submit_timesheet(contractor_id: str, command: SubmitTimesheet, uow: UnitOfWork, clock: Clock) -> Mission:
    """Record the timesheet once (the same one again changes nothing; another under its id is refused)."""

    def attempt() -> Mission:
        b, m = command.beneficiary_id, command.mission_id
        try:
            mission = load_mission(uow, b, m)
        except DomainError:
            mission = None
        order = load_order(uow, b, mission.order_id) if mission else None
        if mission is None or order is None or order.contractor_id != contractor_id:  # another's mission looks missing
            raise DomainError([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND", mission_id=m)])
        path = timesheet_path(b, m, command.timesheet_id)
        existing = uow.get(path)
        data = {**command.model_dump(mode="json"), "contractor_id": contractor_id}
        if existing is not None:
            if {k: existing.get(k) for k in data} == data:
                return mission
            raise DomainError([ErrorDetail.of("$.timesheet_id", "DUPLICATE_VALUE", value=command.timesheet_id)])
        errors = timesheet_errors(mission, command.milestone_id, command.days)
        if errors:
            raise DomainError(errors)
        days = {**mission.timesheet_days,
                command.milestone_id: mission.timesheet_days.get(command.milestone_id, Decimal(0)) + command.days}
        after = mission.model_copy(update={"timesheet_days": days})
        uow.create(path, {**data, "submitted_at": clock.now().isoformat()})
        uow.update(paths.mission(b, m), {"timesheet_days": {k: str(v) for k, v in days.items()}})
        return after

    return transact(uow, attempt)
