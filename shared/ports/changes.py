"""Change feeds: the documents of a query as they change, pushed by the store (A11 real-time view).

``ChangeFeed.watch(query)`` starts listening (Firestore: ``on_snapshot`` on the query) and
returns a ``Changes``: ``next(timeout)`` gives the next batch of changed documents, or None
when nothing changed within ``timeout`` seconds; the first batch is the listener's first
snapshot (``initial``: from then on no change is missed); ``close()`` stops listening and is
safe to call twice. ``alive`` turns false when the store ended the listener (the caller then
ends its stream and the client opens another). The adapter is shared/adapters/firestore/changes.py;
the unit tests use an in-memory one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.ports.unit_of_work import Document, Query


@dataclass(frozen=True)
class ChangeBatch:
    documents: tuple[Document, ...]  # added to or modified in the query's results (removals are not changes here)
    initial: bool = False  # the listener's first snapshot


class Changes(Protocol):
    @property
    def alive(self) -> bool: ...

    def next(self, timeout: float) -> ChangeBatch | None: ...

    def close(self) -> None: ...


class ChangeFeed(Protocol):
    def watch(self, query: Query) -> Changes: ...
