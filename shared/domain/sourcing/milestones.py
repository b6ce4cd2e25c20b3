"""A mission's milestones against its period (B13 framing, B11 budget kept, B18 territories)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.domain import workdays
from shared.domain.errors import ErrorDetail


def milestone_schedule_errors(start: dt.date, end: dt.date, milestones: list[Any], territory: str) -> list[ErrorDetail]:
    """A framing's milestones against its period (B13 framing, B11 budget kept): each due date within the mission,
    and the days of the milestones due by each due date no more than the working days (the territory's calendar,
    B18) from the mission's start to that date — one professional works one day a day, so days beyond those
    would order a budget the mission cannot consume. Every milestone whose schedule does not hold is named."""
    errors = []
    for i, m in enumerate(milestones):
        if not start <= m.due <= end:
            errors.append(ErrorDetail.of(f"$.milestones[{i}].due", "MILESTONE_OUTSIDE_MISSION", due=m.due.isoformat(),
                                         start=start.isoformat(), end=end.isoformat()))
    if errors:
        return errors
    for i, m in enumerate(milestones):
        days = sum(other.days for other in milestones if other.due <= m.due)
        available = workdays.working_days_between(start - dt.timedelta(days=1), m.due, territory)
        if days > available:
            errors.append(ErrorDetail.of(f"$.milestones[{i}].days", "MILESTONE_DAYS_EXCEED_WORKING_DAYS", days=days,
                                         available=available, start=start.strftime("%d/%m/%Y"),
                                         due=m.due.strftime("%d/%m/%Y")))
    return errors
