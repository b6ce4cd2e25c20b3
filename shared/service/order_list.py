"""ListOrders: one page of the orders a caller may see, most recent activity first (A11, A3 c).

The store applies what an index can (space or contractor, state, activity since) in activity
order; the rules that depend on now (late) are applied here, scanning on until the page is full.
A scan stops after ``scan_limit`` rows with a cursor, so a page may be short: only a missing
``next_cursor`` means the end of the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from shared.domain import order_list as rules
from shared.domain.order_list import Cursor, OrderQuery
from shared.domain.orders import Order
from shared.ports import Clock

SCAN_LIMIT = 500


@dataclass(frozen=True)
class IndexedOrder:
    order: Order
    updated_at: dt.datetime  # when the platform last changed the order (its activity)
    path: str  # managers/<m>/orders/<o>

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.updated_at, self.path)


class OrderIndex(Protocol):
    """Orders in activity order (shared/adapters/order_list.py over Firestore)."""

    def page(self, query: OrderQuery, after: Cursor | None, size: int) -> list[IndexedOrder]: ...
    def last_events(self, paths: list[str]) -> dict[str, dict[str, Any]]: ...
    def document_counts(self, paths: list[str]) -> dict[str, int]: ...


def list_orders(query: OrderQuery, index: OrderIndex, clock: Clock, scan_limit: int = SCAN_LIMIT) -> dict[str, Any]:
    now = clock.now()
    picked: list[IndexedOrder] = []
    after, scanned, next_cursor = query.cursor, 0, None
    batch_size = min(query.limit + 1, rules.MAX_LIMIT + 1) if not query.late_only else 100
    while True:
        batch = index.page(query, after, batch_size)
        full = False
        for row in batch:
            scanned += 1
            if not rules.matches(query, row.order, now):
                after = row.cursor
                continue
            if len(picked) == query.limit:  # one more match: the list goes on after the last row kept
                full = True
                break
            picked.append(row)
            after = row.cursor
        if full:
            next_cursor = picked[-1].cursor
            break
        if len(batch) < batch_size:  # the store has no more
            break
        if scanned >= scan_limit:  # stop here; the client carries on from where the scan stopped
            next_cursor = after
            break
    paths = [row.path for row in picked]
    events = index.last_events(paths) if paths else {}
    counts = index.document_counts(paths) if paths else {}
    return rules.OrderList(
        orders=[rules.summary(row.order, now, updated_at=row.updated_at, last_event=events.get(row.path),
                              document_count=counts.get(row.path, 0), actor=query.actor) for row in picked],
        next_cursor=next_cursor.encode() if next_cursor else None,
        as_of=now,
    ).model_dump(mode="json")
