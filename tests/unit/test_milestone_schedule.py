"""A mission's milestones against its period (B13 framing, B11 budget kept, B18 territories): the days of the
milestones due by each due date fit in the working days of the beneficiary's own calendar."""

from __future__ import annotations

import datetime as dt

from shared.domain.sourcing.messages import MilestoneInput
from shared.domain.sourcing.milestones import milestone_schedule_errors

MAY_START, MAY_END = dt.date(2026, 5, 1), dt.date(2026, 5, 31)


def milestone(days: int, due: dt.date, milestone_id: str = "j1") -> MilestoneInput:
    return MilestoneInput(milestone_id=milestone_id, label="Jalon", days=days, due=due)


def test_may_2026_has_17_working_days_in_lyon_and_16_in_martinique():
    # 1, 8, 14 (Ascension) and 25 (Whit Monday) May are off everywhere; 22 May (abolition of slavery) in Martinique too
    assert milestone_schedule_errors(MAY_START, MAY_END, [milestone(17, MAY_END)], "69") == []
    [error] = milestone_schedule_errors(MAY_START, MAY_END, [milestone(17, MAY_END)], "972")
    assert (error.field, error.code) == ("$.milestones[0].days", "MILESTONE_DAYS_EXCEED_WORKING_DAYS")
    assert error.message == ("Les jalons dus au plus tard le 31/05/2026 comptent 17 jours, pour 16 jours ouvrés "
                             "du 01/05/2026 au 31/05/2026.")


def test_each_milestone_counts_the_days_of_those_due_before_it_in_any_order():
    # 10 days by 15 May, which has 8 working days in Lyon from the 1st (4–7 and 11–13, 15: the 1st, 8th, 14th off)
    late, early = milestone(5, MAY_END, "j2"), milestone(10, dt.date(2026, 5, 15), "j1")
    errors = milestone_schedule_errors(MAY_START, MAY_END, [late, early], "69")
    assert [(e.field, e.message) for e in errors] == [("$.milestones[1].days", "Les jalons dus au plus tard le "
                                                       "15/05/2026 comptent 10 jours, pour 8 jours ouvrés du 01/05/2026 au 15/05/2026.")]


def test_a_due_date_outside_the_mission_is_named_before_any_count():
    [error] = milestone_schedule_errors(MAY_START, MAY_END, [milestone(500, dt.date(2026, 6, 1))], "69")
    assert (error.field, error.code) == ("$.milestones[0].due", "MILESTONE_OUTSIDE_MISSION")
