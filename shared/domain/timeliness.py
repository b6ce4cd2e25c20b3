"""A5 / D1: every contractor event must reach the platform within 15 minutes."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict

from shared.domain.base import Model

SHARING_DEADLINE = dt.timedelta(minutes=15)


class Timeliness(Model):
    model_config = ConfigDict(frozen=True)

    occurred_at: dt.datetime
    received_at: dt.datetime
    delay_seconds: float
    late: bool


def measure(occurred_at: dt.datetime, received_at: dt.datetime) -> Timeliness:
    """Delay between the event and its receipt; a negative delay (clock skew) counts as 0."""
    delay = max((received_at - occurred_at).total_seconds(), 0.0)
    return Timeliness(
        occurred_at=occurred_at,
        received_at=received_at,
        delay_seconds=round(delay, 3),
        late=delay > SHARING_DEADLINE.total_seconds(),
    )
