"""Working days and working hours per French territory (B18, D3–D8).

A territory is an INSEE département code ("75", "69", "57", "971", …) or a collectivité
code ("BL", "MF", "PM", "PF", "NC", "WF"). Weekends are Saturday and Sunday; public
holidays come from the ``holidays`` library (France and its subdivisions: Alsace-Moselle,
each DROM's abolition-of-slavery day, the COM's own days), never from hand-written tables.
Time zones come from zoneinfo.

Conventions (see docs/penalties.md):
  * ``add_working_days(start, n)`` is the n-th working day strictly after ``start``;
  * ``working_days_between(a, b)`` counts the working days d with a < d <= b, so that
    ``working_days_between(start, add_working_days(start, n)) == n``;
  * working hours run inside the opening hours (default 09:00–18:00 local time) of
    working days only; ``WHOLE_WORKING_DAYS`` counts every hour of a working day, midnight
    to midnight ("72h ouvrées" of D7: 72 hours counted on working days only).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from shared.domain.errors import DomainError, ErrorDetail

_PARIS_ZONE = "Europe/Paris"
PARIS = ZoneInfo(_PARIS_ZONE)  # metropolitan France's time zone, the last-resort territory's
# Overseas and Alsace-Moselle: (time zone, ``holidays`` France subdivision).
_SPECIAL: dict[str, tuple[str, str | None]] = {
    "57": (_PARIS_ZONE, "57"),
    "67": (_PARIS_ZONE, "6AE"),
    "68": (_PARIS_ZONE, "6AE"),
    "971": ("America/Guadeloupe", "971"),
    "972": ("America/Martinique", "972"),
    "973": ("America/Cayenne", "973"),
    "974": ("Indian/Reunion", "974"),
    "976": ("Indian/Mayotte", "976"),
    "BL": ("America/St_Barthelemy", "BL"),
    "MF": ("America/Marigot", "MF"),
    "PM": ("America/Miquelon", "PM"),
    "PF": ("Pacific/Tahiti", "PF"),
    "NC": ("Pacific/Noumea", "NC"),
    "WF": ("Pacific/Wallis", "WF"),
}
_METROPOLITAN = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B)$")


@dataclass(frozen=True)
class Territory:
    code: str
    time_zone: str
    subdivision: str | None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class OpeningHours:
    """Daily opening hours, local time of the territory (working hours count only inside).
    ``closes`` None: the day runs until the next local midnight."""

    opens: dt.time = dt.time(9, 0)
    closes: dt.time | None = dt.time(18, 0)

    @property
    def per_day(self) -> dt.timedelta:
        day = dt.date(2000, 1, 3)
        closes = _on(day + dt.timedelta(days=1), dt.time(0)) if self.closes is None else _on(day, self.closes)
        return closes - _on(day, self.opens)


DEFAULT_HOURS = OpeningHours()
WHOLE_WORKING_DAYS = OpeningHours(dt.time(0, 0), None)  # every hour of a working day, midnight to midnight


@lru_cache(maxsize=None)
def territory(code: str) -> Territory:
    """The territory of an INSEE département or collectivité code, or DomainError UNKNOWN_TERRITORY."""
    if code in _SPECIAL:
        tz, subdivision = _SPECIAL[code]
        return Territory(code, tz, subdivision)
    if _METROPOLITAN.match(code or ""):
        return Territory(code, _PARIS_ZONE, None)
    raise DomainError([ErrorDetail.of("$.territory", "UNKNOWN_TERRITORY", value=code)])


@lru_cache(maxsize=256)
def _holiday_dates(code: str, year: int) -> frozenset[dt.date]:
    import holidays as _holidays  # ~0.2 s to load: paid by the first working-day computation, not at import

    t = territory(code)
    return frozenset(_holidays.France(subdiv=t.subdivision, years=year))


def public_holidays(code: str, year: int) -> dict[dt.date, str]:
    """The public holidays of a territory in a year, with their French names."""
    import holidays as _holidays

    t = territory(code)
    return dict(sorted(_holidays.France(subdiv=t.subdivision, years=year, language="fr").items()))


def is_working_day(day: dt.date, code: str) -> bool:
    return day.weekday() < 5 and day not in _holiday_dates(code, day.year)


def add_working_days(start: dt.date, n: int, code: str) -> dt.date:
    """The n-th working day after ``start`` (before it when n < 0); ``start`` itself when n == 0."""
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += dt.timedelta(days=step)
        if is_working_day(day, code):
            left -= 1
    return day


def working_days_between(a: dt.date, b: dt.date, code: str) -> int:
    """Working days d with a < d <= b (negative when b precedes a)."""
    if b < a:
        return -working_days_between(b, a, code)
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        count += is_working_day(day, code)
    return count


# --- working hours ------------------------------------------------------------------------


def _on(day: dt.date, at: dt.time, tz: ZoneInfo | None = None) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=tz)


def _window(day: dt.date, code: str, hours: OpeningHours) -> tuple[dt.datetime, dt.datetime] | None:
    if not is_working_day(day, code):
        return None
    tz = territory(code).tz
    closes = _on(day + dt.timedelta(days=1), dt.time(0), tz) if hours.closes is None else _on(day, hours.closes, tz)
    return _on(day, hours.opens, tz), closes


def add_working_hours(start: dt.datetime, duration: dt.timedelta, code: str,
                      hours: OpeningHours = DEFAULT_HOURS) -> dt.datetime:
    """The instant (UTC) when ``duration`` of working time has elapsed after ``start``."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    left = duration
    local = start.astimezone(territory(code).tz)
    day = local.date()
    while True:
        window = _window(day, code, hours)
        if window is not None:
            begin = max(window[0], local)
            if begin < window[1]:
                available = window[1] - begin
                if left <= available:
                    return (begin + left).astimezone(dt.UTC)
                left -= available
        day += dt.timedelta(days=1)


def working_hours_between(a: dt.datetime, b: dt.datetime, code: str,
                          hours: OpeningHours = DEFAULT_HOURS) -> dt.timedelta:
    """Working time inside opening hours between two instants (negative when b precedes a)."""
    if b < a:
        return -working_hours_between(b, a, code, hours)
    tz = territory(code).tz
    la, lb = a.astimezone(tz), b.astimezone(tz)
    total = dt.timedelta(0)
    day = la.date()
    while day <= lb.date():
        window = _window(day, code, hours)
        if window is not None:
            begin, end = max(window[0], la), min(window[1], lb)
            if end > begin:
                total += end - begin
        day += dt.timedelta(days=1)
    return total


def end_of_day(day: dt.date, code: str) -> dt.datetime:
    """Midnight at the end of ``day`` in the territory, as a UTC instant (a day-based deadline's due time)."""
    return _on(day + dt.timedelta(days=1), dt.time(0), territory(code).tz).astimezone(dt.UTC)


def local_date(at: dt.datetime, code: str) -> dt.date:
    return at.astimezone(territory(code).tz).date()


def latest_local_date(at: dt.datetime) -> dt.date:
    """The day of ``at`` in the territory furthest ahead (Wallis-et-Futuna, UTC+12): no territory's day is later,
    so a sweep that selects by ``<= latest_local_date`` misses no record due today in its own territory (B18)."""
    return max(local_date(at, code) for code in (*_SPECIAL, "75"))
