"""Small reads made side by side: a list page's per-row reads (an order's last event and document count, a
refused message's correction) each on its own unit of work, a thread each, ``PARALLEL_READS`` at a time."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from shared.ports import UnitOfWork

PARALLEL_READS = 8
T = TypeVar("T")
K = TypeVar("K")


def each(uow: UnitOfWork, read: Callable[[UnitOfWork, K], T], keys: list[K]) -> list[tuple[K, T]]:
    """``read`` for each key, in the keys' order; one key is read on ``uow`` itself, with no thread."""
    if not keys:
        return []
    if len(keys) == 1:
        return [(keys[0], read(uow, keys[0]))]
    with ThreadPoolExecutor(max_workers=min(PARALLEL_READS, len(keys))) as pool:
        return list(pool.map(lambda key: (key, read(uow.fork(), key)), keys))
