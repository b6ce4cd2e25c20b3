"""RecordExecution: a contractor reports on an order, by Pub/Sub or REST — same code, same reply."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from shared import topology
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import ReportExecution, Reply, ReplyStatus
from shared.domain import penalties
from shared.domain.orders import Actor
from shared.domain.penalties import terms_of
from shared.domain.timeliness import measure
from shared.domain.validation import parse_json
from shared.ports import (
    AlreadyRecorded, Changes, Clock, ConcurrencyConflict, DeadlineWrite, EventRecord, InboxRecord, OutboxMessage,
    Publisher, Store, digest,
)
from shared.service import legacy_deadlines as deadlines, outbox
from shared.service.inbound import InboundMessage
from shared.service.retry import with_optimistic_retry
from shared.service.territories import order_territory

log = logging.getLogger(__name__)


def record_execution(msg: InboundMessage, store: Store, clock: Clock, publisher: Publisher | None = None,
                     timers: deadlines.Timers | None = None, on_accepted: AcceptedHook | None = None) -> Reply:
    """Apply one execution message once, and answer it (accepted, or rejected with every error).

    Rejections are answers, not exceptions: the message is acknowledged and nothing already
    accepted changes. Only infrastructure failures raise, so that the channel retries.
    """
    def decide() -> tuple[Reply, list[OutboxMessage]]:
        reply, written, changed_deadlines, contract_id = with_optimistic_retry(
            lambda: _decide_and_commit(msg, store, clock))
        deadlines.arm_all(changed_deadlines, timers, clock.now())
        if on_accepted is not None and contract_id is not None:
            _notify(on_accepted, reply, contract_id, msg)
        return reply, written

    return answer_once(msg, store, clock, publisher, decide)


def answer_once(msg: InboundMessage, store: Store, clock: Clock, publisher: Publisher | None,
                decide: Callable[[], tuple[Reply, list[OutboxMessage]]]) -> Reply:
    """The inbox: a message is decided once (``decide`` commits its reply with the inbox record),
    a redelivery gets its first reply again, another body under the same id MESSAGE_ID_REUSED.
    Shared by every contractor message type (execution, quote, document)."""
    previous = store.get_inbox(msg.contractor_id, msg.key)
    if previous is None:
        try:
            reply, written = decide()
        except AlreadyRecorded:
            previous = store.get_inbox(msg.contractor_id, msg.key)
            assert previous is not None
    if previous is not None and previous.digest != digest(msg.data):
        reply, written = _reused_id(msg, previous, store, clock)
    elif previous is not None:
        log.info("duplicate message answered with its first reply", extra={"message_key": msg.key})
        written = store.pending_outbox(limit=1, ids=[previous.outbox_id])
        reply = previous.reply
    if publisher is not None and written:
        outbox.dispatch(store, publisher, clock, written)
    return reply


def reply_records(msg: InboundMessage, reply: Reply, now: dt.datetime) -> tuple[OutboxMessage, InboxRecord]:
    """The reply on ``replies-<contractor>`` and the inbox record, to commit together."""
    reply_message = OutboxMessage(
        id=f"reply-{msg.key}",
        topic=topology.replies_topic(msg.contractor_id),
        event_type=reply.event_type,
        source=topology.PLATFORM_SOURCE,
        subject=_subject(reply),
        data=reply.model_dump(mode="json"),
        created_at=now,
        ordering_key=reply.order_id or reply.quote_id,
    )
    inbox = InboxRecord(key=msg.key, contractor_id=msg.contractor_id, ref=msg.ref, reply=reply,
                        outbox_id=reply_message.id, digest=digest(msg.data))
    return reply_message, inbox


def _subject(reply: Reply) -> str | None:
    if reply.order_id:
        return f"orders/{reply.order_id}"
    return f"quotes/{reply.quote_id}" if reply.quote_id else None


def _reused_id(msg: InboundMessage, previous: InboxRecord, store: Store, clock: Clock
               ) -> tuple[Reply, list[OutboxMessage]]:
    """Another body under an id already answered: refused loudly, never taken for a duplicate.

    The first message's effects stand; this one is answered MESSAGE_ID_REUSED (once per
    distinct body) so that a correction sent under a reused id is not silently dropped.
    """
    ids = _identifiers(None, msg.data)
    reply = Reply(status=ReplyStatus.REJECTED, in_reply_to=msg.ref, received_at=msg.received_at,
                  manager_id=ids["manager_id"], order_id=ids["order_id"], sequence=ids["sequence"],
                  errors=[ErrorDetail.of("attributes.ce-id", "MESSAGE_ID_REUSED", id=msg.id)])
    message = OutboxMessage(
        id=f"reply-{msg.key}-{digest(msg.data)[:16]}", topic=topology.replies_topic(msg.contractor_id),
        event_type=reply.event_type, source=topology.PLATFORM_SOURCE,
        subject=_subject(reply), data=reply.model_dump(mode="json"),
        created_at=clock.now(), ordering_key=reply.order_id or reply.quote_id,
    )
    try:
        store.commit(Changes(outbox=[message]))
    except ConcurrencyConflict:  # this very body was already answered so
        return reply, store.pending_outbox(limit=1, ids=[message.id])
    log.warning("message id reused with another body", extra={"message_key": msg.key})
    return reply, [message]


def _decide_and_commit(msg: InboundMessage, store: Store, clock: Clock
                       ) -> tuple[Reply, list[OutboxMessage], list[DeadlineWrite]]:
    now = clock.now()
    changes = Changes()
    report, errors = (None, list(msg.envelope_errors)) if msg.envelope_errors else parse_json(ReportExecution, msg.data)
    timeliness = measure(report.occurred_at, msg.received_at) if report else None
    order_before = None
    if report is not None:
        current = store.get_order(report.manager_id, report.order_id)
        if current is None or current.value.contractor_id != msg.contractor_id:
            # Another contractor's or manager's order looks exactly like a missing one.
            errors.append(ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=report.order_id))
        else:
            order_before = current.value
            try:
                changes.order = order_before.apply(report, Actor.CONTRACTOR, now)
                changes.order_version = current.version
            except DomainError as exc:
                errors.extend(exc.errors)

    ids = _identifiers(report, msg.data)
    reply = Reply(
        status=ReplyStatus.REJECTED if errors else ReplyStatus.ACCEPTED,
        in_reply_to=msg.ref,
        received_at=msg.received_at,
        manager_id=ids["manager_id"],
        order_id=ids["order_id"],
        sequence=ids["sequence"],
        order_state=(changes.order.state if changes.order else order_before.state if order_before else None),
        delay_seconds=timeliness.delay_seconds if timeliness else None,
        late=timeliness.late if timeliness else None,
        errors=errors,
    )
    if errors:
        changes.order = None
        # A9/P1: a rejection for the message's format opens F1 on its order, in this same commit.
        order = order_before or _order_of(store, msg.contractor_id, ids)
        if order is not None:
            codes = [e.code for e in errors]
            terms, territory = None, deadlines.DEFAULT_TERRITORY
            if penalties.non_compliant_format(codes):
                contract = store.get_contract(order.manager_id, order.contract_id)
                terms, territory = terms_of(contract), _territory(store, order, contract)
            changes.deadlines.extend(deadlines.non_compliant_format(
                store, order.manager_id, order, ids["sequence"], msg.key, msg.received_at, codes, terms, territory))
    else:
        assert report is not None and order_before is not None and changes.order is not None and timeliness
        changes.events.append(EventRecord(
            event_id=f"s{report.sequence:07d}",
            data={
                "actor": Actor.CONTRACTOR.value,
                "channel": msg.channel,
                "message_key": msg.key,
                "sequence": report.sequence,
                "label": report.event.label,
                "code": report.event.code,
                "occurred_at": report.occurred_at.isoformat(),
                "received_at": msg.received_at.isoformat(),
                "delay_seconds": timeliness.delay_seconds,
                "late": timeliness.late,
                "state_before": order_before.state.value,
                "state_after": changes.order.state.value,
                "report": report.model_dump(mode="json", exclude_none=True),
            },
        ))
        # D1/P1: a late message records its missed deadline and penalty days in the same commit;
        # an order put on hold (or resumed) pauses (or resumes) its running deadlines.
        if timeliness.late:
            contract = store.get_contract(report.manager_id, changes.order.contract_id)
            write, entries = deadlines.late_sharing(report.manager_id, changes.order, msg.key, report.occurred_at,
                                                    msg.received_at, terms_of(contract),
                                                    _territory(store, changes.order, contract))
            changes.deadlines.append(write)
            changes.penalties.extend(entries)
        corrected = deadlines.format_corrected(store, report.manager_id, changes.order, report.sequence,
                                               msg.key, msg.received_at)
        stopped = {w.deadline.deadline_id for w in corrected}  # one write per deadline in a commit
        changes.deadlines.extend(w for w in deadlines.follow_order(store, order_before, changes.order,
                                                                   report.occurred_at, msg.key)
                                 if w.deadline.deadline_id not in stopped)
        changes.deadlines.extend(corrected)
    reply_message, changes.inbox = reply_records(msg, reply, now)
    changes.outbox.append(reply_message)
    store.commit(changes)
    log.info("execution message answered", extra={
        "message_key": msg.key, "status": reply.status.value, "order_id": reply.order_id,
        "errors": [e.code for e in errors], "late": reply.late,
    })
    return reply, changes.outbox, changes.deadlines, (changes.order.contract_id if changes.order else None)


AcceptedHook = Callable[[str, str, dt.datetime, str], None]


def _notify(hook: AcceptedHook, reply: Reply, contract_id: str, msg: InboundMessage) -> None:
    """After an accepted message (e.g. D2: the contractor is connected). A failure here must not
    fail the message: the next accepted message calls the hook again."""
    try:
        hook(reply.manager_id, contract_id, msg.received_at, msg.key)
    except Exception:
        log.warning("after-acceptance hook failed; the next accepted message retries it", exc_info=True)


def _territory(store: Store, order, contract: dict[str, Any] | None) -> str:
    """B18: D1 and F1 are counted in the order's territory (its commune, contract or manager)."""
    return order_territory(store, order.manager_id, order.contract_id, order.site.commune, contract).code


def _order_of(store: Store, contractor_id: str, ids: dict[str, Any]):
    """The contractor's own order named by a rejected message, if it can be read from it."""
    if not ids["manager_id"] or not ids["order_id"]:
        return None
    current = store.get_order(ids["manager_id"], ids["order_id"])
    return current.value if current is not None and current.value.contractor_id == contractor_id else None


def _identifiers(report: ReportExecution | None, raw: bytes) -> dict[str, Any]:
    """The order a message is about, read even from an invalid message so that its reply
    can be correlated and ordered with the order's other replies."""
    if report is not None:
        return {"manager_id": report.manager_id, "order_id": report.order_id, "sequence": report.sequence}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None
    data = data if isinstance(data, dict) else {}

    def pick(name: str, kind: type) -> Any:
        value = data.get(name)
        return value if isinstance(value, kind) and not isinstance(value, bool) else None

    order_id = pick("order_id", str)
    return {"manager_id": pick("manager_id", str), "order_id": order_id if order_id and len(order_id) <= 64 else None,
            "sequence": pick("sequence", int)}
