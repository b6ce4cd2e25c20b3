"""The transactional outbox: messages are stored with the state they report, then published.

A command writes its outgoing CloudEvents in the same atomic batch as its state; right
after the commit the service publishes them and marks them sent. If the process dies in
between, ``relay`` (run every minute by Cloud Scheduler, every few seconds locally)
publishes whatever is still pending. Delivery is therefore at least once; every message
carries a stable ``ce-id`` so receivers drop duplicates.
"""

from __future__ import annotations

import logging

from shared.ports import Clock, OutboxMessage, Publisher, Store

log = logging.getLogger(__name__)


def dispatch(store: Store, publisher: Publisher, clock: Clock, messages: list[OutboxMessage]) -> int:
    """Publish just-committed messages; failures are left for the relay, never raised."""
    sent = 0
    for message in messages:
        try:
            publisher.publish(message.topic, message.body(), message.attributes(), message.ordering_key)
            store.mark_sent(message.id, clock.now())
            sent += 1
        except Exception:  # the relay will retry; the state is already safe
            log.warning("outbox publish deferred to relay", extra={"outbox_id": message.id, "topic": message.topic},
                        exc_info=True)
            break  # keep per-order ordering: do not publish later messages before this one
    return sent


def relay(store: Store, publisher: Publisher, clock: Clock, limit: int = 200) -> dict[str, int]:
    """Publish every pending outbox message, oldest first."""
    pending = store.pending_outbox(limit)
    log.info("outbox relay", extra={"pending": len(pending), "oldest_pending_age_seconds":  # alert: infra/terraform
                                    (clock.now() - pending[0].created_at).total_seconds() if pending else 0.0})
    failed_keys: set[str | None] = set()
    sent = failed = 0
    for message in pending:
        if message.ordering_key is not None and message.ordering_key in failed_keys:
            failed += 1
            continue
        try:
            publisher.publish(message.topic, message.body(), message.attributes(), message.ordering_key)
            store.mark_sent(message.id, clock.now())
            sent += 1
        except Exception:
            log.error("outbox relay failed", extra={"outbox_id": message.id, "topic": message.topic}, exc_info=True)
            failed_keys.add(message.ordering_key)
            failed += 1
    return {"pending": len(pending), "sent": sent, "failed": failed}
