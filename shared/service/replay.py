"""Replay for connectors: every message the platform sent a contractor, read again from a cursor and
published again on its own topics (A3 a channels, A4 nothing accepted is lost, A12).

Pub/Sub keeps no message once acknowledged, and at most 31 days one that is not: a connector that
acknowledged messages it then lost (a crash between ack and its own commit, a restored backup) had
no way back. Every message to a contractor already passes through the transactional outbox
(``outbox/{ce-id}``, shared/ports/unit_of_work.py), written in the commit of the state it reports;
it now stays there for ``REPLAY_RETENTION`` (35 days, Firestore TTL on ``expire_at``), with
``recipient`` and ``stream`` (which of the contractor's topics) and ``stored_at`` (the commit time).
So the replay is the outbox read back, not a second copy: nothing can be in one and not the other.

- ``list_messages``: the contractor's messages after a cursor (or since a time), oldest first, in
  pages — ``recipient == <contractor>`` ordered by ``(stored_at, created_at, id)`` (composite index
  in infra/terraform/firestore.tf). A contractor reads only its own: the tenant is the token's.
- ``redeliver``: the same messages (or those named) published again, in that order, with the same
  ce-id, attributes, body and ordering key, on the contractor's topic of the same stream as
  ``shared.topology`` names it today; it stops at the first failure (ordering) and says where.

A cursor older than the retention could skip messages already deleted: CURSOR_EXPIRED, and the
connector resynchronises from the read APIs (get_contract, list_billing_accounts, get_catalogue,
list_property_nodes, list_orders, list_quotes) before reading on from now.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from shared import topology
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.replay import MessagePage, Position, RedeliverMessages, Redelivered, SentMessage
from shared.ports import REPLAY_RETENTION, Clock, Document, OutboxMessage, Query, UnitOfWork
from shared.ports.unit_of_work import OUTBOX

log = logging.getLogger(__name__)

_ORDER = (("stored_at", "asc"), ("created_at", "asc"), ("__name__", "asc"))


def _position(doc: Document) -> Position:
    return Position(_aware(doc.data["stored_at"]), _aware(doc.data["created_at"]), doc.id)


def _aware(value: Any) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _start(after: str | None, since: dt.datetime | None, field: str, now: dt.datetime) -> Position | dt.datetime:
    """The cursor or time to read from (nothing given: the oldest message still kept); refused when
    malformed or older than the retention."""
    start: Position | dt.datetime | None = since
    if after is not None:
        try:
            start = Position.parse(after)
        except ValueError:
            raise DomainError([ErrorDetail.of(f"{field}.after", "INVALID_CURSOR")]) from None
    if start is None:
        return now - REPLAY_RETENTION
    at = start.stored_at if isinstance(start, Position) else start
    if at < now - REPLAY_RETENTION:
        name = "after" if after is not None else "since"
        raise DomainError([ErrorDetail.of(f"{field}.{name}", "CURSOR_EXPIRED", at=at.isoformat(),
                                          days=REPLAY_RETENTION.days)])
    return start


def _page(uow: UnitOfWork, contractor_id: str, start: Position | dt.datetime, limit: int,
          now: dt.datetime) -> tuple[list[Document], Position | None, bool]:
    """Up to ``limit`` messages of the contractor after ``start``, the position of the last one read, and
    whether more follow. A document past its expiry that the TTL has not deleted yet is read (the cursor
    moves past it) but left out."""
    query = Query(OUTBOX, where=(("recipient", "==", contractor_id),), order_by=_ORDER, limit=limit + 1)
    if isinstance(start, Position):
        query = replace(query, start_after=(start.stored_at, start.created_at, f"{OUTBOX}/{start.message_id}"))
    else:
        query = query.filter("stored_at", ">=", start)
    docs = [d for d in uow.query(query) if "stored_at" in d.data]
    more = len(docs) > limit
    docs = docs[:limit]
    last = _position(docs[-1]) if docs else None
    return [d for d in docs if d.data.get("expire_at") is None or _aware(d.data["expire_at"]) > now], last, more


def _sent(doc: Document) -> SentMessage:
    data = doc.data
    return SentMessage(position=_position(doc).token(), id=doc.id, type=data["event_type"], source=data["source"],
                       subject=data.get("subject"), time=_aware(data["created_at"]), stream=data["stream"],
                       topic=data["topic"], ordering_key=data.get("ordering_key"), data=data["data"],
                       status=data.get("status", "pending"), stored_at=_aware(data["stored_at"]))


def list_messages(contractor_id: str, after: str | None, since: dt.datetime | None, limit: int, uow: UnitOfWork,
                  clock: Clock) -> dict[str, Any]:
    """GET list_messages: the contractor's messages after ``after`` (a cursor) or since ``since``."""
    start = _start(after, since, "query", clock.now())
    docs, last, more = _page(uow, contractor_id, start, limit, clock.now())
    messages = [_sent(d) for d in docs]
    cursor = last.token() if last is not None else after
    return MessagePage(contractor_id=contractor_id, messages=messages, count=len(messages), next_cursor=cursor,
                       more=more, retention_days=REPLAY_RETENTION.days).model_dump(mode="json")


def redeliver(contractor_id: str, cmd: RedeliverMessages, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """POST redeliver_messages: publish the messages again, in replay order, on the contractor's topics."""
    now = clock.now()
    uow.begin()
    if cmd.ids is not None:
        docs, more = _named(uow, contractor_id, cmd.ids), False
    else:
        docs, _, more = _page(uow, contractor_id, _start(cmd.after, cmd.since, "$", now), cmd.limit, now)
    messages = [_again(contractor_id, d) for d in docs]
    sent = uow.redeliver(messages)  # stops at the first failure; each one sent is marked sent
    if sent < len(messages):
        log.error("redelivery stopped", extra={"contractor_id": contractor_id, "failed": messages[sent].id})
    log.info("messages redelivered", extra={"contractor_id": contractor_id, "redelivered": sent})
    return Redelivered(contractor_id=contractor_id, redelivered=sent, ids=[m.id for m in messages[:sent]],
                       last_position=_position(docs[sent - 1]).token() if sent else cmd.after,
                       more=more or sent < len(messages)).model_dump(mode="json")


def _named(uow: UnitOfWork, contractor_id: str, ids: list[str]) -> list[Document]:
    """The named messages of this contractor, in replay order; any other id is MESSAGE_NOT_FOUND (a
    message of another contractor is not told apart from one that does not exist)."""
    found = uow.get_all(f"{OUTBOX}/{i}" for i in ids)
    errors = [ErrorDetail.of(f"$.ids[{n}]", "MESSAGE_NOT_FOUND", id=i) for n, i in enumerate(ids)
              if (found.get(f"{OUTBOX}/{i}") or {}).get("recipient") != contractor_id
              or "stored_at" not in found[f"{OUTBOX}/{i}"]]
    if errors:
        raise DomainError(errors)
    docs = [Document(f"{OUTBOX}/{i}", found[f"{OUTBOX}/{i}"]) for i in dict.fromkeys(ids)]
    return sorted(docs, key=lambda d: (_aware(d.data["stored_at"]), _aware(d.data["created_at"]), d.id))


def _again(contractor_id: str, doc: Document) -> OutboxMessage:
    """The message as first published, addressed to the contractor's topic of its stream as named now."""
    message = OutboxMessage.from_document(doc.id, doc.data)
    return OutboxMessage(id=message.id, topic=topology.outgoing_topic(contractor_id, doc.data["stream"]),
                         event_type=message.event_type, source=message.source, data=message.data,
                         created_at=message.created_at, ordering_key=message.ordering_key, subject=message.subject)
