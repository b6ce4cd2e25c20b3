"""ReportExecution: a contractor reports on an order, by Pub/Sub or REST — same code, same reply (A3).

One message is one unit of work, read once and committed once: its idempotency record (the
contractor's message log), the order, the order's history event, the deadlines the message
starts or stops (D1 late, F1 format, D2 connection, the order's hold or end), the reply on
``replies-<contractor>`` — all in one atomic commit. Rejections are answers, not exceptions
(A4): the message is acknowledged and nothing already accepted changes. Only infrastructure
failures raise, so that the channel retries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from shared import topology
from shared.domain import conformance as cf
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, Reply, ReplyStatus, ReportExecution
from shared.domain.orders import Actor, Order
from shared.domain.timeliness import measure
from shared.domain.validation import parse_json
from shared.ports import Clock, InboundMessage, OutboxMessage, UnitOfWork, digest
from shared.service import idempotency, onboarding, order_deadlines
from shared.service.order_store import add_event, load_order, order_path, save_order
from shared.service.transaction import transact

log = logging.getLogger(__name__)


class MessageInFlight(Exception):
    """Another delivery of this very message is being decided: Pub/Sub redelivers it, answered then."""


def record_execution(msg: InboundMessage, uow: UnitOfWork, clock: Clock) -> Reply:
    """Apply one execution message once, and answer it (accepted, or rejected with every error)."""
    return answer_once(msg, uow, clock, lambda: _decide(msg, uow, clock),
                       read_ahead=_paths_ahead(msg, _identifiers(None, msg.data)))


def answer_once(msg: InboundMessage, uow: UnitOfWork, clock: Clock, decide: Callable[[], Reply], *,
                lease: bool = False, read_ahead: list[str] = ()) -> Reply:
    """Decide a contractor message once and answer it on ``replies-<contractor>`` (every type:
    execution, quote, document). The message log record is its idempotency record
    (shared/service/idempotency.py): a redelivery gets its first reply again, another body under
    the same id MESSAGE_ID_REUSED. ``decide`` buffers the message's effects in ``uow``; with
    ``lease`` (effects outside one commit) the record is claimed first. ``read_ahead``: documents
    ``decide`` will read, fetched with the record in one round trip."""
    path, body = idempotency.message_path(msg.contractor_id, msg.key), digest(msg.data)
    if lease:
        seen = idempotency.claim(uow, path, body, clock.now())
        if seen.kind != "new":
            return _previous(msg, uow, clock, seen)

    def attempt() -> tuple[str, Reply]:
        uow.get_all([path, *read_ahead])
        seen = idempotency.check(uow, path, body, clock.now())
        if not lease and seen.kind != "new":
            return "previous", seen
        reply = decide()
        message = reply_message(msg, reply, clock.now())
        uow.publish(message)
        idempotency.complete(uow, path, body, reply.model_dump(mode="json"), clock.now(), **_log_fields(msg, reply,
                                                                                                     message.id))
        return "new", reply

    kind, outcome = transact(uow, attempt)
    if kind == "previous":
        return _previous(msg, uow, clock, outcome)
    log.info("contractor message answered", extra={
        "message_key": msg.key, "type": msg.type, "status": outcome.status.value, "order_id": outcome.order_id,
        "errors": [e.code for e in outcome.errors], "late": outcome.late})
    return outcome


def validate_execution(msg: InboundMessage, uow: UnitOfWork, clock: Clock) -> Reply:
    """Validate-only: every check of ``record_execution`` and the reply it would give, nothing changed."""
    return validate_only(uow, lambda: _decide(msg, uow, clock))


def validate_only(uow: UnitOfWork, decide: Callable[[], Reply]) -> Reply:
    """Decide a message on a fresh unit of work and drop whatever the decision buffered (the order,
    its history, deadlines, the message log): nothing is committed, so nothing changes and the
    message's id stays free for the real send."""
    uow.begin()
    try:
        reply = decide()
    finally:
        uow.begin()
    return reply.model_copy(update={"validate_only": True})


def publish_validation(msg: InboundMessage, reply: Reply, uow: UnitOfWork, clock: Clock) -> None:
    """Over the bus the reply topic is the only way back: a validate-only message's reply goes there (its
    only write), once per message body — a redelivery finds it and publishes nothing new."""
    message_id = f"validation-{msg.key}-{digest(msg.data)[:16]}"

    def attempt() -> bool:
        if uow.get(f"outbox/{message_id}") is not None:
            return False
        message = reply_message(msg, reply, clock.now())
        uow.publish(OutboxMessage(**{**message.__dict__, "id": message_id}))
        return True

    if not transact(uow, attempt):
        _redeliver_if_pending(uow, message_id)


def reply_message(msg: InboundMessage, reply: Reply, now) -> OutboxMessage:
    """The reply on ``replies-<contractor>``, ordered with the order's (or quote's) other replies."""
    return OutboxMessage(id=f"reply-{msg.key}", topic=topology.replies_topic(msg.contractor_id),
                         event_type=reply.event_type, source=topology.PLATFORM_SOURCE, subject=_subject(reply),
                         data=reply.model_dump(mode="json"), created_at=now,
                         ordering_key=reply.order_id or reply.quote_id)


def _log_fields(msg: InboundMessage, reply: Reply, outbox_id: str) -> dict[str, Any]:
    """What the contractor's message log shows beside the reply (firestore.rules lets it read them); an
    execution report also keeps the state it asked for (the conformance kit judges a rejected report
    against the step of that state, A10)."""
    fields = {"ref": msg.ref.model_dump(mode="json"), "status": reply.status.value, "manager_id": reply.manager_id,
              "order_id": reply.order_id, "delay_seconds": reply.delay_seconds, "late": reply.late,
              "received_at": reply.received_at.isoformat(), "outbox_id": outbox_id}
    if msg.type == EventType.EXECUTION_REPORTED.value:
        fields["requested_state"] = _requested_state(msg.data)
    return fields


def _requested_state(raw: bytes) -> str | None:
    """The ``state`` an execution report asked for, read even from an invalid one (None: it asked none)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    state = data.get("state") if isinstance(data, dict) else None
    return state if isinstance(state, str) and len(state) <= 32 else None


def _previous(msg: InboundMessage, uow: UnitOfWork, clock: Clock, seen: idempotency.Seen) -> Reply:
    if seen.kind == "in_progress":
        raise MessageInFlight(msg.key)
    if seen.kind == "mismatch":
        return _reused_id(msg, uow, clock)
    log.info("duplicate message answered with its first reply", extra={"message_key": msg.key})
    uow.begin()
    outbox_id = (seen.record or {}).get("outbox_id") or f"reply-{msg.key}"
    _redeliver_if_pending(uow, outbox_id)
    return Reply.model_validate(seen.answer)


def _redeliver_if_pending(uow: UnitOfWork, outbox_id: str) -> None:
    """A reply whose publication a crash interrupted goes out now (same ce-id: at least once)."""
    stored = uow.get(f"outbox/{outbox_id}")
    if stored is not None and stored.get("status") == "pending":
        uow.redeliver([OutboxMessage.from_document(outbox_id, stored)])


def _reused_id(msg: InboundMessage, uow: UnitOfWork, clock: Clock) -> Reply:
    """Another body under an id already answered: refused loudly, never taken for a duplicate.

    The first message's effects stand; this one is answered MESSAGE_ID_REUSED (once per distinct
    body) so that a correction sent under a reused id is not silently dropped.
    """
    ids = _identifiers(None, msg.data)
    reply = Reply(status=ReplyStatus.REJECTED, in_reply_to=msg.ref, received_at=msg.received_at,
                  manager_id=ids["manager_id"], order_id=ids["order_id"], sequence=ids["sequence"],
                  errors=[ErrorDetail.of("attributes.ce-id", "MESSAGE_ID_REUSED", id=msg.id)])
    message_id = f"reply-{msg.key}-{digest(msg.data)[:16]}"

    def attempt() -> bool:
        if uow.get(f"outbox/{message_id}") is not None:
            return False  # this very body was already answered so
        message = reply_message(msg, reply, clock.now())
        uow.publish(OutboxMessage(**{**message.__dict__, "id": message_id}))
        return True

    if transact(uow, attempt):
        log.warning("message id reused with another body", extra={"message_key": msg.key})
    else:
        _redeliver_if_pending(uow, message_id)
    return reply


def _subject(reply: Reply) -> str | None:
    if reply.order_id:
        return f"orders/{reply.order_id}"
    return f"quotes/{reply.quote_id}" if reply.quote_id else None


def _decide(msg: InboundMessage, uow: UnitOfWork, clock: Clock) -> Reply:
    now = clock.now()
    report, errors = (None, list(msg.envelope_errors)) if msg.envelope_errors else parse_json(ReportExecution, msg.data)
    timeliness = measure(report.occurred_at, msg.received_at) if report else None
    ids = _identifiers(report, msg.data)
    before = after = None
    if ids["manager_id"] and ids["order_id"]:
        uow.get_all(_paths_ahead(msg, ids))  # already read with the record, unless the body said otherwise
        found = load_order(uow, ids["manager_id"], ids["order_id"])
        before = found if found is not None and found.contractor_id == msg.contractor_id else None
    if report is not None:
        if before is None:  # another contractor's or manager's order looks exactly like a missing one
            errors.append(ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=report.order_id))
        else:
            try:
                after = before.apply(report, Actor.CONTRACTOR, now)
            except DomainError as exc:
                errors.extend(exc.errors)
    reply = Reply(
        status=ReplyStatus.REJECTED if errors else ReplyStatus.ACCEPTED, in_reply_to=msg.ref,
        received_at=msg.received_at, manager_id=ids["manager_id"], order_id=ids["order_id"], sequence=ids["sequence"],
        order_state=(after.state if after and not errors else before.state if before else None),
        delay_seconds=timeliness.delay_seconds if timeliness else None, late=timeliness.late if timeliness else None,
        errors=errors)
    if errors:
        if before is not None:  # A9/P1: a rejection for the message's format opens F1 on its order
            order_deadlines.message_rejected(uow, before, ids["sequence"], msg.key, msg.received_at,
                                             [e.code for e in errors])
        return reply
    assert report is not None and before is not None and after is not None and timeliness is not None
    save_order(uow, after)
    add_event(uow, after, f"s{report.sequence:07d}", {
        "actor": Actor.CONTRACTOR.value, "channel": msg.channel, "message_key": msg.key,
        "sequence": report.sequence, "label": report.event.label, "code": report.event.code,
        "occurred_at": report.occurred_at.isoformat(), "received_at": msg.received_at.isoformat(),
        "delay_seconds": timeliness.delay_seconds, "late": timeliness.late,
        "state_before": before.state.value, "state_after": after.state.value,
        "report": report.model_dump(mode="json", exclude_none=True)})
    _deadlines_follow(uow, msg, report, before, after, timeliness.late)
    if after.state is not before.state and cf.sandbox_move(after.manager_id, msg.contractor_id,
                                                           order_state=after.state.value) is cf.SandboxMove.RECEIVE:
        _sandbox_receives(uow, msg, after, clock)
    return reply


def _sandbox_receives(uow: UnitOfWork, msg: InboundMessage, after: Order, clock: Clock) -> None:
    """A10 conformance kit: the sandbox manager receives an order its contractor just completed, as a
    manager would (every line, no reservation), in this very commit: ``order.received`` follows the reply."""
    from shared.domain.reception import ReceiveOrder
    from shared.service import receptions

    receptions.receive(after.manager_id, ReceiveOrder(order_id=after.order_id, occurred_at=msg.received_at,
                                                      comment=cf.SANDBOX_RECEPTION_COMMENT), uow, clock)


def _paths_ahead(msg: InboundMessage, ids: dict[str, Any]) -> list[str]:
    """What the message may need, read in one round trip: its order and the F1s it may open or correct."""
    manager_id, order_id = ids["manager_id"], ids["order_id"]
    if not manager_id or not order_id:
        return []
    f1 = [order_deadlines.format_deadline_id(msg.contractor_id, manager_id, order_id, s)
          for s in dict.fromkeys((ids["sequence"], None))]
    return [order_path(manager_id, order_id), *(f"managers/{manager_id}/deadlines/{d}" for d in f1)]


def _deadlines_follow(uow: UnitOfWork, msg: InboundMessage, report: ReportExecution, before: Order, after: Order,
                      late: bool) -> None:
    """D1 when late; F1 corrected; the order's hold or end; D2: the contractor is connected."""
    if late:
        order_deadlines.late_message(uow, after, msg.key, report.occurred_at, msg.received_at)
    corrected = order_deadlines.message_accepted(uow, after, report.sequence, msg.key, msg.received_at)
    order_deadlines.on_order_moved(uow, before, after, report.occurred_at, msg.key, skip=corrected)
    onboarding.message_accepted(uow, after.manager_id, after.contract_id, msg.received_at, msg.key)


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

    order_id, manager_id = pick("order_id", str), pick("manager_id", str)
    return {"manager_id": manager_id if manager_id and len(manager_id) <= 64 and "/" not in manager_id else None,
            "order_id": order_id if order_id and len(order_id) <= 64 and "/" not in order_id else None,
            "sequence": pick("sequence", int)}
