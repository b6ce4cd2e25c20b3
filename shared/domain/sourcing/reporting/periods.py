"""Report periods and the figures' arithmetic shared by the B6 and B17 reports (events dated in their
beneficiary's territory, B18; the publication's half-year in Paris;
ratios rounded half up to two decimals, French number and date notation for the CSV files)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from shared.domain import workdays
from shared.domain.base import Record
from shared.domain.errors import ErrorDetail

MAX_PERIOD_DAYS = 3 * 366
_HALF = re.compile(r"^(\d{4})-H([12])$")

# --- periods ------------------------------------------------------------------------------------


class ReportPeriod(Record):
    """Calendar days, both ends included."""

    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def parse_period(start: str | None, end: str | None, today: dt.date) -> tuple[ReportPeriod | None, list[ErrorDetail]]:
    """``from`` and ``to`` (YYYY-MM-DD); by default the current calendar year to date."""
    errors: list[ErrorDetail] = []
    days: dict[str, dt.date] = {}
    for name, text, default in (("from", start, dt.date(today.year, 1, 1)), ("to", end, today)):
        try:
            days[name] = dt.date.fromisoformat(text) if text else default
        except ValueError:
            errors.append(ErrorDetail.of(f"query.{name}", "INVALID_FORMAT", detail="date AAAA-MM-JJ attendue"))
    if errors:
        return None, errors
    if days["to"] < days["from"]:
        return None, [ErrorDetail.of("query.to", "INVALID_PERIOD", start=days["from"].isoformat(),
                                     end=days["to"].isoformat())]
    if (days["to"] - days["from"]).days > MAX_PERIOD_DAYS:
        return None, [ErrorDetail.of("query.to", "OUT_OF_RANGE", detail="une période de trois ans au plus")]
    return ReportPeriod(start=days["from"], end=days["to"]), []


def half_year(label: str) -> ReportPeriod | None:
    """``2026-H1`` → 1 January–30 June 2026; ``2026-H2`` → 1 July–31 December."""
    match = _HALF.match(label)
    if not match:
        return None
    year, half = int(match[1]), int(match[2])
    return (ReportPeriod(start=dt.date(year, 1, 1), end=dt.date(year, 6, 30)) if half == 1 else
            ReportPeriod(start=dt.date(year, 7, 1), end=dt.date(year, 12, 31)))


def last_completed_half_year(today: dt.date) -> str:
    """The half-year that ended most recently before ``today`` (the scheduled report's subject)."""
    return f"{today.year}-H1" if today.month >= 7 else f"{today.year - 1}-H2"


def half_year_report_id(label: str) -> str:
    return f"half-year-{label}"


def paris_date(at: dt.datetime) -> dt.date:
    return at.astimezone(workdays.PARIS).date()


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day: dt.date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def rounded(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    return rounded(100 * part / whole) if whole else None


def median(values: list[float]) -> float | None:
    if not values:
        return None
    s, n = sorted(values), len(values)
    return rounded(s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2)


def p90(values: list[float]) -> float | None:
    """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
    if not values:
        return None
    s = sorted(values)
    return rounded(s[math.ceil(0.9 * len(s)) - 1])



def french_number(value: float | None) -> str:
    """Decimal comma, two decimals at most; empty when there is no value."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def french_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
