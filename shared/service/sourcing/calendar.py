"""Due dates of D4–D6. Working days come from shared.domain.workdays (the deadlines issue)
when it is available; otherwise Monday–Friday are counted and the record says so."""

from __future__ import annotations

import datetime as dt


def add_working_days(start: dt.date, n: int, territory: str) -> tuple[dt.date, str]:
    try:
        from shared.domain.workdays import add_working_days as add
    except ImportError:  # the deadlines issue not merged yet: weekdays only, recorded as such
        day, left = start, n
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day, "weekdays"
    return add(start, n, territory), f"holidays:{territory}"
