"""ReceiveOrder and LiftReservation: the client certifies service done (B7, B10) — the manager, or
the beneficiary for its mission's order.

A reception names the lines received (all those delivered when it names none), each with its
reservations. On a completed order it moves the order to ``received``; before that (a mission's
milestones reported done) it records the lines only, which may then be invoiced. The reception, the
order, its history event, its deadlines and the message telling the contractor are one commit.
"""

from __future__ import annotations

import logging

from shared import topology
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.orders import Actor, Order, OrderState, StateChange
from shared.domain.reception import (
    LiftReservation, OrderReceived, ReceiveOrder, ReservationLifted, reception_label,
)
from shared.ports import Clock, OutboxMessage, UnitOfWork, digest
from shared.service import order_deadlines
from shared.service.order_store import add_event, load_order, save_order
from shared.service.transaction import transact

log = logging.getLogger(__name__)


def _load(uow: UnitOfWork, client_id: str, order_id: str) -> Order:
    order = load_order(uow, client_id, order_id)
    if order is None:
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=order_id)])
    return order


def record_reception(client_id: str, command: ReceiveOrder, uow: UnitOfWork, clock: Clock) -> Order:
    """Receive the lines, with their reservations; a completed order becomes ``received``."""
    order = transact(uow, lambda: receive(client_id, command, uow, clock))
    log.info("reception recorded", extra={"manager_id": client_id, "order_id": order.order_id,
                                          "state": order.state.value})
    return order


def receive(client_id: str, command: ReceiveOrder, uow: UnitOfWork, clock: Clock) -> Order:
    """``record_reception`` inside a unit of work the caller commits (the conformance sandbox's manager
    receives a completed order in the commit of the report that completed it, A10 onboarding)."""
    before = _load(uow, client_id, command.order_id)
    now = clock.now()
    reception_id = f"rec-{digest(client_id, command.model_dump_json())[:12]}"
    after = before.receive(command.lines, reception_id, command.occurred_at)
    if before.state is OrderState.COMPLETED:
        after = after.apply(StateChange(occurred_at=command.occurred_at, state=OrderState.RECEIVED),
                            Actor.MANAGER, now)
    received = [line_id for line_id in after.reception if line_id not in before.reception]
    reservations = [r for line_id in received for r in after.reception[line_id].reservations]
    partial = len(after.reception) < len(after.lines)
    label = reception_label(received, len(reservations), partial=partial)
    save_order(uow, after)
    add_event(uow, after, reception_id, {
        "actor": Actor.MANAGER.value, "channel": "rest", "kind": "reception", "label": label,
        "occurred_at": command.occurred_at.isoformat(), "received_at": now.isoformat(),
        "state_before": before.state.value, "state_after": after.state.value, "reason": command.comment,
        "reception_id": reception_id, "lines": received,
        "reservations": [r.model_dump(mode="json") for r in reservations]})
    _tell(uow, after, reception_id, EventType.ORDER_RECEIVED, now, OrderReceived(
        manager_id=after.manager_id, order_id=after.order_id, reception_id=reception_id, lines=received,
        partial=partial, state=after.state.value, reservations=reservations, comment=command.comment))
    order_deadlines.on_order_moved(uow, before, after, command.occurred_at, reception_id)
    return after


def lift_reservation(client_id: str, command: LiftReservation, uow: UnitOfWork, clock: Clock) -> Order:
    """Lift one reservation: the order's history shows when and why; the contractor is told."""

    def attempt() -> Order:
        before = _load(uow, client_id, command.order_id)
        now = clock.now()
        after, lifted = before.lift(command.reservation_id, command.occurred_at, command.comment)
        event_id = f"lift-{digest(client_id, command.order_id, command.reservation_id)[:12]}"
        save_order(uow, after)
        add_event(uow, after, event_id, {
            "actor": Actor.MANAGER.value, "channel": "rest", "kind": "reservation_lifted",
            "label": f"Levée de la réserve {lifted.reservation_id} (ligne {lifted.line_id}) : {lifted.description}",
            "occurred_at": command.occurred_at.isoformat(), "received_at": now.isoformat(),
            "state_before": before.state.value, "state_after": after.state.value, "reason": command.comment,
            "reservation": lifted.model_dump(mode="json")})
        _tell(uow, after, event_id, EventType.RESERVATION_LIFTED, now, ReservationLifted(
            manager_id=after.manager_id, order_id=after.order_id, reservation=lifted,
            open_reservations=len(after.open_reservations())))
        return after

    return transact(uow, attempt)


def _tell(uow: UnitOfWork, order: Order, event_id: str, event_type: EventType, now,
          notice: OrderReceived | ReservationLifted) -> None:
    uow.publish(OutboxMessage(
        id=f"{event_id}-{digest(order.manager_id, order.order_id)[:16]}", topic=topology.orders_topic(order.contractor_id),
        event_type=event_type, source=f"{topology.PLATFORM_SOURCE}/managers/{order.manager_id}",
        subject=f"orders/{order.order_id}", data=notice.model_dump(mode="json"),
        created_at=now, ordering_key=order.order_id))
