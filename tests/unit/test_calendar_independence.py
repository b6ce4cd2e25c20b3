"""The unit suite holds on any day, not only in the year it was written: it runs again, in a child
process, with the wall clock moved to New Year's Eve 2028, 23:30 UTC — already New Year's Day in Paris,
after a leap day, two years on (tests/time_travel.py). A test that took a fixed date for "a day to come"
or "this year", or the UTC date for the Paris one, fails here. The emulator suites cannot travel (the
emulators keep the real clock): their dates are relative to today."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.time_travel import TRAVEL_TO

ROOT = Path(__file__).resolve().parents[2]
DESTINATION = "2028-12-31T23:30:00+00:00"


@pytest.mark.skipif(bool(os.environ.get(TRAVEL_TO)), reason="already the travelling run")
@pytest.mark.timeout(900)
def test_the_unit_suite_passes_on_new_years_eve_two_years_on():
    # When the unit suite runs with the clock at 2028-12-31 23:30 UTC (1 January 2029 in Paris)
    run = subprocess.run([sys.executable, "-m", "pytest", "tests/unit", "-q", "-p", "no:cacheprovider",
                          "-p", "tests.time_travel", "-x"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, TRAVEL_TO: DESTINATION}, timeout=880)
    # Then every test passes (and the run did travel: this test skipped itself there)
    tail = "\n".join(run.stdout.splitlines()[-25:])
    assert run.returncode == 0, f"the unit suite fails on {DESTINATION}:\n{tail}\n{run.stderr[-2000:]}"
    assert "1 skipped" in tail, tail
