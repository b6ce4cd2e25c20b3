"""Optimistic concurrency: read, decide, write with a precondition, and retry on conflict."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from shared.ports import ConcurrencyConflict

T = TypeVar("T")

MAX_ATTEMPTS = 60


def with_optimistic_retry(attempt: Callable[[], T], *, max_attempts: int = MAX_ATTEMPTS) -> T:
    """Run ``attempt`` until it commits without a ConcurrencyConflict (jittered backoff)."""
    for n in range(max_attempts):
        try:
            return attempt()
        except ConcurrencyConflict:
            if n == max_attempts - 1:
                raise
            time.sleep(random.uniform(0.002, 0.01) * min(n + 1, 10))
    raise AssertionError("unreachable")
