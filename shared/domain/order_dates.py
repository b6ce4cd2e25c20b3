"""A6 order execution data: nothing happens on an order before it exists (pure).

An order is dated when it is issued (A2.3 Orders): an ``issued_at`` more than the clock-skew tolerance ahead of the
platform's clock is refused (ISSUED_IN_FUTURE) — else every event of its contractor, dated when it happened, would
be refused as dated before the order.

An execution event may not be dated before its order's issue, less the tolerance given to two clocks that are not
the same (OCCURRED_BEFORE_ORDER, to the minute); a date the report carries (planned, appointment, actual, invoice)
may not fall on a day before the issue's day, on the order's own clock (B18 territories; DATE_BEFORE_ORDER) — a
day's plan or an urgent start on the morning of an order issued at noon stays possible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.errors import ErrorDetail
from shared.domain.workdays import PARIS

# A message dated this far ahead of the platform clock is refused: the sender's clock is wrong. The same
# tolerance lets an event be dated that much before its order's issue (the two clocks are not the same).
CLOCK_SKEW_TOLERANCE = dt.timedelta(minutes=2)

# A6 order execution data: the execution dates a report may carry, each with what the French message calls it.
# None may fall on a day before the order's issue (OCCURRED_BEFORE_ORDER for the event itself, to the minute).
DATED_FIELDS: tuple[tuple[str, str], ...] = (
    ("planned_start", "Le début prévu"), ("planned_end", "La fin prévue"),
    ("appointment.start", "Le début du rendez-vous"), ("appointment.end", "La fin du rendez-vous"),
    ("actual_start", "Le début réel"), ("actual_end", "La fin réelle"),
    ("invoice_date", "La date de facture"),
)


def french_instant(at: dt.datetime, zone: ZoneInfo = PARIS) -> str:
    """« 03/03/2026 à 08:00 » on ``zone``'s clock, as the French messages write an instant."""
    return at.astimezone(zone).strftime("%d/%m/%Y à %H:%M")


def issued_in_future(issued_at: dt.datetime, now: dt.datetime) -> list[ErrorDetail]:
    """A2.3 Orders: an order issued more than CLOCK_SKEW_TOLERANCE after ``now`` (the platform's clock) is refused on
    ``$.issued_at`` — its contractor's events, dated when they happen, would all fall before it."""
    if issued_at <= now + CLOCK_SKEW_TOLERANCE:
        return []
    return [ErrorDetail.of("$.issued_at", "ISSUED_IN_FUTURE", issued_at=french_instant(issued_at),
                           now=french_instant(now))]


def dated_before_issue(change: Any, issued_at: dt.datetime, zone: ZoneInfo) -> list[ErrorDetail]:
    """Every date of ``change`` (a StateChange) that falls before the order's issue at ``issued_at``, on ``zone``."""
    issued = french_instant(issued_at, zone)
    errors = []
    if change.occurred_at < issued_at - CLOCK_SKEW_TOLERANCE:
        errors.append(ErrorDetail.of("$.occurred_at", "OCCURRED_BEFORE_ORDER", issued_at=issued,
                                     occurred_at=french_instant(change.occurred_at, zone)))
    issue_day = issued_at.astimezone(zone).date()
    for path, label in DATED_FIELDS:
        value: object = change
        for part in path.split("."):
            value = getattr(value, part, None) if value is not None else None
        if value is None:
            continue
        day = value.astimezone(zone).date() if isinstance(value, dt.datetime) else value
        if day < issue_day:
            shown = french_instant(value, zone) if isinstance(value, dt.datetime) else value.strftime("%d/%m/%Y")
            errors.append(ErrorDetail.of(f"$.{path}", "DATE_BEFORE_ORDER", what=label, date=shown, issued_at=issued))
    return errors
