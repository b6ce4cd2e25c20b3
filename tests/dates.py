"""Dates for the emulator suites' fixtures, chosen with the platform's own calendar so that a fixture holds on
every day of the year, at every hour.

The emulators and the functions keep the real clock (tests/time_travel.py cannot move them), so these fixtures
are dated relative to today. Two mistakes this module removes:

- "today" taken from the machine (``date.today()``, UTC on CI) where the platform compares with the date in
  Paris (or on a territory's calendar): from 22:00 or 23:00 UTC, Paris is already the next day;
- fixed offsets that assume working days ("started six days ago, three days worked in five"): around
  Christmas, New Year, 1 and 8 May, Ascension or 14 July a few calendar days hold fewer working days.

tests/unit/test_fixture_dates.py runs these helpers over every day of 2026–2028 against the platform's rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.domain import workdays


def today_on(territory: str = "75", now: dt.datetime | None = None) -> dt.date:
    """Today on a territory's calendar (metropolitan France by default), as the platform computes it."""
    return workdays.local_date(now or dt.datetime.now(dt.UTC), territory)


def paris_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Paris: the day the platform compares effective dates, quotes' validity and half-years with."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(workdays.PARIS).date()


@dataclass(frozen=True)
class StartedMission:
    """A mission already started: its first ``worked`` working days (``start`` to ``worked_until``, both working
    days) all lie before ``today``; it runs to ``end``, which leaves room for a period from today on."""

    today: dt.date
    start: dt.date
    worked_until: dt.date
    end: dt.date


def a_started_mission(today: dt.date, territory: str, worked: int = 3, runs_for: int = 20) -> StartedMission:
    """B11 mission follow-up: a mission that started before ``today`` on ``territory``'s calendar, whose first
    ``worked`` working days are over (the last of them the latest working day before today), and which runs
    ``runs_for`` calendar days from its start (the end of its one milestone)."""
    worked_until = workdays.add_working_days(today, -1, territory)
    start = workdays.add_working_days(worked_until, -(worked - 1), territory)
    return StartedMission(today=today, start=start, worked_until=worked_until,
                          end=start + dt.timedelta(days=runs_for))
