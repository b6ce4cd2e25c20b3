"""SubmitTimesheet: the titulaire reports the days worked on a mission's milestone, and how many of them
on site (B11 mission follow-up, budget kept, the frais-annexes line followed). A timesheet whose period leaves
the mission's dates, ends after today (on the calendar of the mission's order's territory, B18: days not yet
worked) or holds fewer days than it declares is refused; one that would take
a milestone over its days, the days on site over the frais-annexes line, or the mission over its budget
(every day at the daily rate, every day on site with its frais annexes) is refused with what is left; an
accepted one is recorded with the mission's running totals in one commit.

  beneficiaries/{b}/missions/{m}/timesheets/{t}   one timesheet (period, milestone, days)
"""

from __future__ import annotations

from decimal import Decimal

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing.messages import SubmitTimesheet
from shared.domain.sourcing.process import Mission, days_on_site_of, timesheet_errors, timesheet_period_errors
from shared.domain.workdays import local_date
from shared.ports import Clock, UnitOfWork
from shared.service.order_store import load_order, mark_changed
from shared.service.sourcing import paths
from shared.service.sourcing.mission_store import load_mission
from shared.service.territories import territory_of
from shared.service.transaction import transact


def timesheet_path(b: str, m: str, t: str) -> str:
    return f"{paths.timesheets(b, m)}/{t}"


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
        today = local_date(clock.now(), territory_of(uow, order))  # the day on the mission's territory calendar
        errors = [*timesheet_period_errors(mission, command.period_start, command.period_end, command.days, today),
                  *timesheet_errors(mission, command.milestone_id, command.days, command.days_on_site)]
        if errors:
            raise DomainError(errors)
        on_site = days_on_site_of(mission, command.days, command.days_on_site)
        ms = command.milestone_id
        days = {**mission.timesheet_days, ms: mission.timesheet_days.get(ms, Decimal(0)) + command.days}
        days_on_site = {**mission.timesheet_days_on_site,
                        ms: mission.timesheet_days_on_site.get(ms, Decimal(0)) + on_site}
        after = mission.model_copy(update={"timesheet_days": days, "timesheet_days_on_site": days_on_site})
        # The days on site it counts (given, or its mission's default) kept beside what it said.
        uow.create(path, {**data, "days_on_site_counted": str(on_site), "submitted_at": clock.now().isoformat()})
        uow.update(paths.mission(b, m), {"timesheet_days": {k: str(v) for k, v in days.items()},
                                         "timesheet_days_on_site": {k: str(v) for k, v in days_on_site.items()}})
        mark_changed(uow, b, order.order_id)  # A11 real-time view: the screens following the order see it
        return after

    return transact(uow, attempt)
