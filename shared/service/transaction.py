"""Optimistic concurrency: read, decide, commit under preconditions — and start again on conflict.

Server transactions time out under contention on the Firestore emulator (its lock timeout is a
fixed 2 s); preconditions on a batch behave the same in production and locally, so one code
path serves both (/work/shared/EMULATORS.md, "Contention").
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from shared.ports import ConcurrencyConflict, UnitOfWork

T = TypeVar("T")

MAX_ATTEMPTS = 60


def transact(uow: UnitOfWork, attempt: Callable[[], T], *, max_attempts: int = MAX_ATTEMPTS) -> T:
    """Run ``attempt`` on a fresh unit of work and commit what it buffered. A conflict starts it again
    from fresh reads (jittered backoff); any other exception discards what was buffered."""
    for n in range(max_attempts):
        uow.begin()
        try:
            result = attempt()
            uow.commit()
            return result
        except ConcurrencyConflict:
            uow.begin()
            if n == max_attempts - 1:
                raise
            time.sleep(random.uniform(0.002, 0.01) * min(n + 1, 10))
        except BaseException:
            uow.begin()
            raise
    raise AssertionError("unreachable")
