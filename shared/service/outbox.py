"""The transactional outbox: messages are stored with the state they report, then published.

A command publishes its outgoing CloudEvents through its unit of work: they are written in the
same atomic commit as its state, published right after it and marked sent. If the process dies
in between, ``relay`` (run every minute by Cloud Scheduler, every few seconds locally) publishes
whatever is still pending, oldest first. Delivery is therefore at least once; every message
carries a stable ``ce-id`` so receivers drop duplicates. A failed publication stops its ordering
key there (a later message of the same order must not overtake an earlier one).
"""

from __future__ import annotations

import datetime as dt
import logging

from shared.ports import OutboxMessage, Query, UnitOfWork

log = logging.getLogger(__name__)


def pending(uow: UnitOfWork, limit: int) -> list[OutboxMessage]:
    docs = uow.query(Query("outbox", where=(("status", "==", "pending"),), order_by=(("created_at", "asc"),),
                           limit=limit))
    return [OutboxMessage.from_document(d.id, d.data) for d in docs]


def relay(uow: UnitOfWork, limit: int = 200) -> dict[str, int]:
    """Publish every pending outbox message, oldest first, one ordering key after another."""
    messages = pending(uow, limit)
    oldest = (dt.datetime.now(dt.UTC) - messages[0].created_at).total_seconds() if messages else 0.0
    log.info("outbox relay", extra={"pending": len(messages), "oldest_pending_age_seconds": oldest})  # alert: infra
    by_key: dict[str | None, list[OutboxMessage]] = {}
    for message in messages:
        by_key.setdefault(message.ordering_key or f"\0{message.id}", []).append(message)
    sent = sum(uow.redeliver(group) for group in by_key.values())
    failed = len(messages) - sent
    if failed:
        log.error("outbox relay left messages pending", extra={"pending": len(messages), "failed": failed})
    return {"pending": len(messages), "sent": sent, "failed": failed}


def dispatch(store, publisher, clock, messages: list[OutboxMessage]) -> int:
    """TRANSITIONAL, for the store-based services not yet on the unit of work: publish just-committed
    messages; failures are left for the relay, never raised."""
    sent = 0
    for message in messages:
        try:
            publisher.publish(message.topic, message.body(), message.attributes(), message.ordering_key)
            store.mark_sent(message.id, clock.now())
            sent += 1
        except Exception:  # the relay will retry; the state is already safe
            log.warning("outbox publish deferred to relay", extra={"outbox_id": message.id, "topic": message.topic},
                        exc_info=True)
            break
    return sent
