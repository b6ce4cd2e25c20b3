"""A pytest plugin that runs the suite on another day: ``PASSERELLE_TRAVEL_TO=2028-12-31T23:30:00+00:00
python -m pytest tests/unit -p tests.time_travel``. The wall clock of this process (``datetime.now``,
``date.today``, ``time.time``) starts at that instant and ticks on (time-machine), so a test that wrote
a fixed date where it meant "some day to come", or that only holds in one year, fails here before it
fails in production. tests/unit/test_calendar_independence.py runs the unit suite this way.

Only for tests that stay in this process: the emulators and the functions' processes keep the real clock
(their commit times, gRPC deadlines and token checks would disagree with the travelled one)."""

from __future__ import annotations

import os

TRAVEL_TO = "PASSERELLE_TRAVEL_TO"
_travel = None


def pytest_configure(config) -> None:
    global _travel
    destination = os.environ.get(TRAVEL_TO)
    if destination and _travel is None:
        import time_machine

        _travel = time_machine.travel(destination, tick=True)
        _travel.start()


def pytest_unconfigure(config) -> None:
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None
