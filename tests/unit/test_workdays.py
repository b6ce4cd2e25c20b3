"""Working days and hours per territory (B18): pinned 2026 holidays and counting properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.errors import DomainError
from shared.domain.workdays import (
    OpeningHours, add_working_days, add_working_hours, is_working_day, public_holidays, territory,
    working_days_between, working_hours_between,
)

D = dt.date
TERRITORIES = ["75", "69", "57", "67", "68", "971", "972", "973", "974", "976", "BL", "MF", "PM", "PF", "NC", "WF"]


@pytest.mark.parametrize(("code", "day", "name_part"), [
    ("971", D(2026, 5, 27), "esclavage"),   # Guadeloupe
    ("972", D(2026, 5, 22), "esclavage"),   # Martinique
    ("973", D(2026, 6, 10), "esclavage"),   # Guyane
    ("974", D(2026, 12, 20), "esclavage"),  # La Réunion
    ("976", D(2026, 4, 27), "esclavage"),   # Mayotte
    ("57", D(2026, 4, 3), "Vendredi saint"),  # Moselle
    ("67", D(2026, 12, 26), "Saint-Étienne"),  # Bas-Rhin
    ("68", D(2026, 4, 3), "Vendredi saint"),  # Haut-Rhin
    ("NC", D(2026, 9, 24), "citoyenneté"),
])
def test_each_territory_has_its_own_2026_public_holidays(code, day, name_part):
    # Given a territory and a day that is a public holiday there only
    holidays = public_holidays(code, 2026)
    # Then the library names it, and it is not a working day there but is in Paris
    assert name_part.lower() in holidays[day].lower()
    assert not is_working_day(day, code)
    assert is_working_day(day, "75") or day.weekday() >= 5 or day in public_holidays("75", 2026)


def test_good_friday_and_26_december_are_worked_in_paris_but_not_in_alsace_moselle():
    # Given Good Friday 2026 and 26 December 2025, both Fridays
    for day in (D(2026, 4, 3), D(2025, 12, 26)):
        # Then Paris works and Metz, Strasbourg and Mulhouse do not
        assert is_working_day(day, "75")
        assert not any(is_working_day(day, code) for code in ("57", "67", "68"))


def test_weekends_and_national_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 3, 7), "75")  # Saturday
    assert not is_working_day(D(2026, 3, 8), "974")  # Sunday
    assert not is_working_day(D(2026, 7, 14), "NC")  # national day, everywhere
    assert is_working_day(D(2026, 3, 9), "75")  # an ordinary Monday


def test_five_working_days_skip_a_weekend_and_a_territorial_holiday():
    # Given Thursday 21 May 2026 in Martinique (Friday 22 May is abolition day, Monday 25 is Whit Monday)
    # When adding five working days
    due = add_working_days(D(2026, 5, 21), 5, "972")
    # Then Friday, the weekend and Monday are skipped: 26, 27, 28, 29 May and 1 June
    assert due == D(2026, 6, 1)
    assert add_working_days(D(2026, 5, 21), 5, "75") == D(2026, 5, 29)


def test_each_territory_has_its_time_zone():
    assert territory("974").time_zone == "Indian/Reunion"
    assert territory("973").time_zone == "America/Cayenne"
    assert territory("NC").time_zone == "Pacific/Noumea"
    assert territory("13").time_zone == "Europe/Paris"


def test_an_unknown_territory_is_a_structured_error():
    with pytest.raises(DomainError) as caught:
        territory("999")
    assert caught.value.errors[0].code == "UNKNOWN_TERRITORY"


@settings(max_examples=150, deadline=None)
@given(start=st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31)), n=st.integers(0, 60),
       code=st.sampled_from(TERRITORIES))
def test_adding_n_working_days_then_counting_back_gives_n(start, n, code):
    assert working_days_between(start, add_working_days(start, n, code), code) == n


@settings(max_examples=100, deadline=None)
@given(start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31),
                          timezones=st.just(dt.UTC)),
       minutes=st.integers(1, 72 * 60), code=st.sampled_from(TERRITORIES))
def test_adding_working_hours_then_measuring_them_gives_the_same_duration(start, minutes, code):
    end = add_working_hours(start, dt.timedelta(minutes=minutes), code)
    assert working_hours_between(start, end, code) == dt.timedelta(minutes=minutes)


def test_working_hours_count_only_inside_opening_hours_of_the_territory():
    # Given Friday 6 March 2026, 17:00 in La Réunion (13:00 UTC)
    start = dt.datetime(2026, 3, 6, 13, 0, tzinfo=dt.UTC)
    # When two working hours are added with 09:00–18:00 opening hours
    end = add_working_hours(start, dt.timedelta(hours=2), "974")
    # Then one hour is used on Friday and one on Monday morning: Monday 10:00 Réunion = 06:00 UTC
    assert end == dt.datetime(2026, 3, 9, 6, 0, tzinfo=dt.UTC)
    # And five hours with opening hours 08:00–12:00 fill Monday and end Tuesday 09:00 local (05:00 UTC)
    short = OpeningHours(dt.time(8), dt.time(12))
    assert add_working_hours(start, dt.timedelta(hours=5), "974", short) == dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)
    assert add_working_hours(start, dt.timedelta(hours=5), "974") == dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
