"""Deadlines D1–D8 as data: each kind started, met, missed, paused and resumed (pure domain)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.deadlines import KINDS, NOTICE_TABLE, DeadlineState, Length, Unit, due_at, notice_for, start
from shared.domain.errors import DomainError
from shared.domain.sourcing.process import notice_period

UTC = dt.UTC
# Monday 2 March 2026, 10:00 in Paris.
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# kind, variant, expected due time of a clock started at T0 in Paris
EXPECTED_DUE = {
    "D1": (None, T0 + dt.timedelta(minutes=15)),
    "D2": (None, dt.datetime(2026, 4, 2, 22, 0, tzinfo=UTC)),  # end of 2 April, Paris (CEST)
    "D3": (None, dt.datetime(2026, 3, 9, 23, 0, tzinfo=UTC)),  # end of Monday 9 March (5 working days)
    "D4": (None, dt.datetime(2026, 3, 16, 23, 0, tzinfo=UTC)),  # end of Monday 16 March (10 working days)
    "D5": (None, dt.datetime(2026, 3, 16, 23, 0, tzinfo=UTC)),  # end of 16 March (14 calendar days)
    "D6": (None, dt.datetime(2026, 3, 16, 23, 0, tzinfo=UTC)),
    "D7": (None, dt.datetime(2026, 3, 5, 9, 0, tzinfo=UTC)),  # 72 h on working days: Thursday 5, 10:00 Paris
    "D8": ("3", dt.datetime(2026, 3, 2, 17, 0, tzinfo=UTC)),  # severity 3: 8 elapsed hours → 18:00 Paris
}


def a_deadline(kind: str, **fields):
    variant = EXPECTED_DUE[kind][0]
    return start(kind, f"{kind}-1", tenant_id="mgr-test", territory="75", started_at=T0, ref="evt-1",
                 variant=variant, contractor_id="ctr-test", contract_id="AC-1", **fields)


def test_the_catalogue_holds_the_eight_deadlines_of_the_specification_and_the_format_correction():
    assert sorted(KINDS) == [f"D{i}" for i in range(1, 9)] + ["F1"]
    assert KINDS["F1"].penalty_rule == "P1" and KINDS["F1"].length == Length(0, Unit.ELAPSED_MINUTES)
    assert KINDS["D1"].penalty_rule == KINDS["D2"].penalty_rule == "P1"
    assert KINDS["D8"].variants["1"] == Length(1, Unit.ELAPSED_HOURS)


@pytest.mark.parametrize("kind", sorted(EXPECTED_DUE))
def test_each_kind_starts_with_its_due_time(kind):
    d = a_deadline(kind)
    assert d.state is DeadlineState.RUNNING
    assert d.due_at == EXPECTED_DUE[kind][1]
    assert d.evidence[0].event == "started" and d.evidence[0].ref == "evt-1"


@pytest.mark.parametrize("kind", sorted(EXPECTED_DUE))
def test_each_kind_is_met_when_stopped_before_its_due_time(kind):
    d = a_deadline(kind)
    met = d.stop(d.due_at - dt.timedelta(seconds=1), "evt-2")
    assert met.state is DeadlineState.MET and met.stopped_at == d.due_at - dt.timedelta(seconds=1)
    assert met.evidence[-1].ref == "evt-2"
    # A second stop (a redelivery) changes nothing
    assert met.stop(d.due_at + dt.timedelta(days=1), "evt-3") == met


@pytest.mark.parametrize("kind", sorted(EXPECTED_DUE))
def test_each_kind_is_missed_once_its_due_time_passes(kind):
    d = a_deadline(kind)
    assert d.check(d.due_at - dt.timedelta(microseconds=1)).state is DeadlineState.RUNNING
    missed = d.check(d.due_at)
    assert missed.state is DeadlineState.MISSED and missed.stopped_at is None
    late = missed.stop(d.due_at + dt.timedelta(hours=30), "evt-late")
    assert late.state is DeadlineState.MISSED and late.stopped_at == d.due_at + dt.timedelta(hours=30)


@pytest.mark.parametrize("kind", sorted(k for k in EXPECTED_DUE if KINDS[k].pausable))
def test_each_pausable_kind_pauses_and_resumes_with_the_time_it_had_left(kind):
    # Given a deadline paused one hour after it started, for a week
    d = a_deadline(kind)
    paused = d.pause(T0 + dt.timedelta(hours=1), "hold")
    assert paused.state is DeadlineState.PAUSED and paused.version == d.version + 1
    # Then being paused past its due time does not make it missed
    assert paused.check(d.due_at + dt.timedelta(days=60)).state is DeadlineState.PAUSED
    # When it resumes a week later, on the same weekday and time
    resumed = paused.resume(T0 + dt.timedelta(days=7, hours=1), "resume")
    # Then it runs again and its due time moved by the paused week (no holiday in March 2026)
    assert resumed.state is DeadlineState.RUNNING and resumed.version == d.version + 2
    assert resumed.due_at == d.due_at + dt.timedelta(days=7)
    assert [e.event for e in resumed.evidence] == ["started", "paused", "resumed"]


def test_late_sharing_cannot_pause_since_it_measures_one_message():
    with pytest.raises(DomainError) as caught:
        a_deadline("D1").pause(T0, "hold")
    assert caught.value.errors[0].code == "DEADLINE_NOT_PAUSABLE"


def test_a_deadline_stopped_while_paused_is_met():
    d = a_deadline("D3").pause(T0 + dt.timedelta(hours=1), "hold")
    assert d.stop(T0 + dt.timedelta(days=30), "quote").state is DeadlineState.MET


def test_pausing_working_days_over_a_holiday_moves_the_due_time_past_it():
    # Given a 5-working-day quote deadline in Martinique, started Monday 18 May 2026
    d = start("D3", "D3-972", tenant_id="m", territory="972", ref=None,
              started_at=dt.datetime(2026, 5, 18, 12, 0, tzinfo=UTC))
    # When paused on Tuesday 19 May (4 working days left: 20, 21, 26, 27 — 22 and 25 are holidays)
    # and resumed on Thursday 21 May
    resumed = d.pause(dt.datetime(2026, 5, 19, 12, 0, tzinfo=UTC), "h").resume(
        dt.datetime(2026, 5, 21, 12, 0, tzinfo=UTC), "r")
    # Then the 4 remaining working days run 26, 27, 28, 29 May: due at the end of Friday 29 May, local time
    assert resumed.due_at == dt.datetime(2026, 5, 30, 4, 0, tzinfo=UTC)


def test_rescheduling_after_the_inputs_change_bumps_the_version():
    d = a_deadline("D4")
    shorter = d.reschedule(T0, "offer", length=Length(5, Unit.WORKING_DAYS))
    assert shorter.due_at == EXPECTED_DUE["D3"][1] and shorter.version == d.version + 1
    with pytest.raises(DomainError) as caught:
        d.reschedule(T0, "offer", length=Length(12, Unit.WORKING_DAYS))
    assert caught.value.errors[0].code == "DEADLINE_LENGTH_EXCEEDED"


def test_incident_deadlines_need_a_severity():
    with pytest.raises(DomainError) as caught:
        start("D8", "D8-x", tenant_id="m", territory="75", started_at=T0, ref=None)
    assert caught.value.errors[0].code == "DEADLINE_VARIANT_REQUIRED"
    assert due_at(T0, KINDS["D8"].variants["1"], "75") == T0 + dt.timedelta(hours=1)


def test_an_unknown_kind_is_a_structured_error():
    with pytest.raises(DomainError) as caught:
        start("D9", "D9-x", tenant_id="m", territory="75", started_at=T0, ref=None)
    assert caught.value.errors[0].code == "UNKNOWN_DEADLINE_KIND"


def test_onboarding_one_month_after_a_31_january_signature_ends_with_february():
    d = start("D2", "D2-x", tenant_id="m", territory="75", ref=None,
              started_at=dt.datetime(2026, 1, 31, 10, 0, tzinfo=UTC))
    assert d.due_at == dt.datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # end of 28 Feb, Paris (CET)


@pytest.mark.parametrize(("start_day", "last_day", "expected", "days"), [
    (dt.date(2026, 3, 1), dt.date(2026, 3, 20), Length(3, Unit.CALENDAR_DAYS), 3),    # < 1 month
    (dt.date(2026, 3, 1), dt.date(2026, 3, 30), Length(3, Unit.CALENDAR_DAYS), 3),    # one day short of a month
    (dt.date(2026, 3, 1), dt.date(2026, 3, 31), Length(7, Unit.CALENDAR_DAYS), 7),    # exactly 1 month
    (dt.date(2026, 1, 1), dt.date(2026, 2, 14), Length(14, Unit.CALENDAR_DAYS), 14),  # 2 started months
    (dt.date(2026, 3, 1), dt.date(2026, 4, 15), Length(14, Unit.CALENDAR_DAYS), 14),  # 2 started months
    (dt.date(2026, 3, 1), dt.date(2026, 5, 31), Length(21, Unit.CALENDAR_DAYS), 21),  # exactly 3 months
    (dt.date(2026, 3, 1), dt.date(2026, 6, 1), Length(1, Unit.CALENDAR_MONTHS), 31),  # > 3 months: 1 March + 1 month
])
def test_the_b12_notice_table_is_read_from_data(start_day, last_day, expected, days):
    assert len(NOTICE_TABLE) == 3
    notice = notice_for(start_day, last_day)
    assert (notice.length, notice.days) == (expected, days)


def test_the_sourcing_process_reads_the_one_notice_rule():
    # The replacement's record (shared/domain/sourcing/process.py) and the table give the same notice
    assert notice_period(dt.date(2026, 1, 1), dt.date(2026, 2, 14)) == notice_for(dt.date(2026, 1, 1),
                                                                                 dt.date(2026, 2, 14))
    # A month of notice is counted in calendar days from the notification: 1 February + 1 month is 28 days
    assert notice_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 2, 1)).days == 28
    assert notice_period(dt.date(2026, 1, 1), dt.date(2026, 2, 14)).label == \
        "2 semaines (1 semaine par mois de mission commencé)"
