"""WatchOrders: the stream of the changes of a caller's orders, as Server-Sent Events (A11 real-time
view; the function is functions/watch_orders.py, the protocol docs/api.md "watch_orders").

The listener starts when the stream does (lazily: the first byte is sent before it), on the
scoped query restricted to orders changed since the stream opened (a few seconds' margin), so its
first snapshot costs almost no reads, whatever the size of the space. Then:

- ``event: ready`` once the listener is live (from then on no change is missed: a client re-reads
  its list after it, not before);
- ``event: order`` for each order of the scope that changed (shared/domain/order_watch.py says what
  it carries);
- a comment every ``heartbeat`` seconds;
- ``event: end`` with its reason when the lifetime is over, the token expires or the store ends
  the listener; the listener is closed then, or as soon as the client has gone (the next write
  fails and the server closes this generator).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from shared.domain import order_watch as rules
from shared.domain.order_watch import WatchScope
from shared.ports import ChangeFeed, Clock, Query
from shared.service.order_store import UPDATED_AT

log = logging.getLogger(__name__)


def watch_query(scope: WatchScope, since: dt.datetime) -> Query:
    """The orders of ``scope`` changed since ``since``, in list_orders' index order (firestore.tf)."""
    if scope.manager_id is not None:
        q = Query(f"managers/{scope.manager_id}/orders")
    else:
        q = Query("orders", group=True).filter("contractor_id", "==", scope.contractor_id)
    q = q.filter(UPDATED_AT, ">=", since)
    return replace(q, order_by=((UPDATED_AT, "desc"), ("__name__", "desc")))


def stream(scope: WatchScope, feed: ChangeFeed, clock: Clock, *, lifetime: float, heartbeat: float,
           token_expires_at: float | None = None, monotonic: Callable[[], float] = time.monotonic) -> Iterator[bytes]:
    """The event stream of ``scope``: a generator; the listener lives while it is iterated."""
    opened_at = clock.now()
    end_at, reason = rules.ends_at(opened_at.timestamp(), lifetime, token_expires_at)
    deadline = monotonic() + (end_at - opened_at.timestamp())
    yield rules.sse_retry() + rules.sse_comment("flux des commandes ouvert")
    changes = feed.watch(watch_query(scope, opened_at - rules.OPENING_MARGIN))
    sent = 0
    try:
        next_beat = monotonic() + heartbeat
        while True:
            now = monotonic()
            if now >= deadline:
                break
            if not changes.alive:
                reason = "listener_closed"
                break
            if now >= next_beat:
                yield rules.sse_comment("battement")
                next_beat = now + heartbeat
            batch = changes.next(timeout=max(0.0, min(deadline, next_beat) - now))
            if batch is None:
                continue
            for document in batch.documents:
                event = rules.change_event(document.data, document.data.get(UPDATED_AT)) \
                    if scope.includes(document.data) else None
                if event is not None:
                    sent += 1
                    yield rules.sse("order", event)
            if batch.initial:
                yield rules.sse("ready", {"as_of": clock.now().isoformat()})
        yield rules.sse("end", {"reason": reason})
    finally:
        changes.close()
        log.info("order stream closed", extra={"events": sent, "scope": scope.manager_id or scope.contractor_id})
