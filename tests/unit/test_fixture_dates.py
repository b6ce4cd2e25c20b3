"""The emulator suites' dated fixtures hold on every day of 2026–2028 (tests/dates.py): they cannot travel in time
(the emulators keep the real clock), so their date choices are run here over each day against the platform's own
rules — B11 mission follow-up's timesheet periods, B13/B18 milestone schedules in working days, the Paris date."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from shared.domain import workdays
from shared.domain.sourcing.milestones import milestone_schedule_errors
from shared.domain.sourcing.process import timesheet_period_errors
from tests.dates import a_started_mission, paris_today, today_on

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
EVERY_DAY = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def codes(errors) -> list[str]:
    return [e.code for e in errors]


@pytest.mark.parametrize("territory", ["69", "57", "972"])  # Lyon (the journeys'), Moselle's extra days, Martinique
def test_a_started_mission_s_first_working_days_are_a_timesheet_the_platform_accepts_on_every_day(territory):
    for today in EVERY_DAY:
        # Given the mission tests/functional/browser/test_journeys.py frames on that day (3 days worked, 20 days long)
        m = a_started_mission(today, territory, worked=3, runs_for=20)
        mission = SimpleNamespace(start_date=m.start, end_date=m.end)
        # Then its first three working days are over, the last one before today
        assert m.start <= m.worked_until < today, today
        assert workdays.working_days_between(m.start - dt.timedelta(days=1), m.worked_until, territory) == 3, today
        # And its framing is accepted: its one milestone of 10 days fits in the working days to its end (B18)
        milestone = SimpleNamespace(days=10, due=m.end)
        assert milestone_schedule_errors(m.start, m.end, [milestone], territory) == [], today
        # And a timesheet of those three days is accepted (B11)
        assert timesheet_period_errors(mission, m.start, m.worked_until, 3, today) == [], today
        # And a period from today is refused for that reason only: it ends after today, within the mission
        assert codes(timesheet_period_errors(mission, today, today + dt.timedelta(days=2), 1, today)) == [
            "TIMESHEET_PERIOD_NOT_WORKED"], today


def test_a_mission_framed_in_a_month_has_ten_working_days_before_its_milestone_due_twenty_days_on():
    # The journeys framing a mission from today + 30 with a milestone of 10 days due 20 days after its start
    # (test_journeys.py, test_deliverable_journey.py, devtools/seed.py's need) are accepted whatever today is:
    # 21 calendar days hold 15 weekdays, of which 1 May, 8 May, Ascension and Whit Monday take at most four.
    for today in EVERY_DAY:
        start = today + dt.timedelta(days=30)
        milestone = SimpleNamespace(days=10, due=start + dt.timedelta(days=20))
        assert milestone_schedule_errors(start, start + dt.timedelta(days=40), [milestone], "69") == [], today


def test_today_is_the_day_in_paris_not_on_the_machine_clock():
    # At 23:30 UTC on 30 June, Paris (UTC+2) is already on 1 July: another month, another half-year
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert (paris_today(late), today_on("69", late)) == (dt.date(2026, 7, 1), dt.date(2026, 7, 1))
    # And on New Year's Eve at 23:30 UTC (UTC+1 in winter) too; Martinique (UTC-4) is still on the 31st
    eve = dt.datetime(2028, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert (paris_today(eve), today_on("972", eve)) == (dt.date(2029, 1, 1), dt.date(2028, 12, 31))
