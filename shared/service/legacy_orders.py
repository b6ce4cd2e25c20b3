"""IssueOrder and ChangeOrderState: what a manager's ERP does to its orders."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from shared import topology
from shared.domain import catalogue as cat
from shared.domain import contracts as contract_rules
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, IssueOrder, ChangeOrderState
from shared.domain.orders import Actor, Order, actor_for_role, next_states
from shared.ports import Changes, Clock, ConcurrencyConflict, EventRecord, OutboxMessage, Publisher, Store, digest
from shared.service import legacy_deadlines as deadlines, outbox
from shared.service.retry import with_optimistic_retry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderOutcome:
    order: Order
    created: bool


class NotFound(Exception):
    """The order does not exist in the caller's space."""


def receive_order(manager_id: str, command: IssueOrder, store: Store, clock: Clock,
                  publisher: Publisher | None = None) -> OrderOutcome:
    """Store a new order in the manager's space and deliver it to the contractor's topic.

    Sending the same order twice is harmless; sending another order under an existing id
    is refused (ORDER_ALREADY_EXISTS) rather than silently overwriting it.
    """
    contractor = store.get_contractor(command.contractor_id)
    if contractor is None or manager_id not in contractor.managers:
        raise DomainError([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND", contractor_id=command.contractor_id)])
    refused = contract_rules.order_errors(  # A13: a known contract, in force, of this contractor, lot and place
        store.get_contract(manager_id, command.contract_id), command.contract_id, command.contractor_id,
        command.issued_at.date(), lot=command.lot, commune=command.site.commune)
    catalogue = [cat.CatalogueVersion.model_validate(v) for v in store.list_catalogue(manager_id, command.contract_id)]
    in_force = cat.in_force(catalogue, command.issued_at.date())
    if in_force is not None:  # A14: lines priced by the catalogue version in force on the order's date
        refused += cat.line_errors(in_force, [line.model_dump(mode="json") for line in command.lines])
    tree_in_force, node_exists = store.property_node(manager_id, command.site.node_id)
    if tree_in_force and not node_exists:  # A7: once a tree is imported, an order points at one of its nodes
        refused.append(ErrorDetail.of("$.site.node_id", "PROPERTY_NODE_NOT_FOUND", node_id=command.site.node_id))
    if refused:
        raise DomainError(refused)
    order = Order(manager_id=manager_id, **command.model_dump())
    existing = store.get_order(manager_id, command.order_id)
    if existing is not None:
        if _same_order(existing.value, order):
            return OrderOutcome(existing.value, created=False)
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_ALREADY_EXISTS", order_id=command.order_id)])
    now = clock.now()
    message = OutboxMessage(
        id=f"order-{digest(manager_id, order.order_id)[:32]}",
        topic=topology.orders_topic(order.contractor_id),
        event_type=EventType.ORDER_ISSUED,
        source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}",
        subject=f"orders/{order.order_id}",
        data=order.model_dump(mode="json"),
        created_at=now,
        ordering_key=order.order_id,
    )
    try:
        store.commit(Changes(order=order, order_version=None, outbox=[message]))
    except ConcurrencyConflict:  # created meanwhile by a concurrent identical request
        return receive_order(manager_id, command, store, clock, publisher)
    log.info("order received", extra={"manager_id": manager_id, "order_id": order.order_id})
    if publisher is not None:
        outbox.dispatch(store, publisher, clock, [message])
    return OrderOutcome(order, created=True)


def change_order_state(manager_id: str, decision: ChangeOrderState, store: Store, clock: Clock,
                       publisher: Publisher | None = None, timers: deadlines.Timers | None = None) -> Order:
    """Apply a manager's decision (cancel, suspend, resume, receive, close) and tell the contractor."""

    def attempt() -> tuple[Order, OutboxMessage, list]:
        current = store.get_order(manager_id, decision.order_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=decision.order_id)])
        now = clock.now()
        before = current.value
        after = before.apply(decision.as_change(), Actor.MANAGER, now)
        event_id = f"m{digest(decision.model_dump_json())[:20]}"
        message = OutboxMessage(
            id=f"decision-{digest(manager_id, decision.order_id, event_id)[:32]}",
            topic=topology.orders_topic(before.contractor_id),
            event_type=EventType.ORDER_STATE_CHANGED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}",
            subject=f"orders/{before.order_id}",
            data={"manager_id": manager_id, "order_id": before.order_id, "state": after.state.value,
                  "previous_state": before.state.value, "reason": decision.reason,
                  "occurred_at": decision.occurred_at.isoformat()},
            created_at=now,
            ordering_key=before.order_id,
        )
        event = EventRecord(event_id=event_id, data={
            "actor": Actor.MANAGER.value, "channel": "rest", "label": f"Décision du gestionnaire : {after.state.value}",
            "occurred_at": decision.occurred_at.isoformat(), "received_at": now.isoformat(),
            "state_before": before.state.value, "state_after": after.state.value, "reason": decision.reason,
        })
        # On hold pauses the order's running deadlines, resuming resumes them — in the same commit.
        paused_or_resumed = deadlines.follow_order(store, before, after, decision.occurred_at, event_id)
        store.commit(Changes(order=after, order_version=current.version, events=[event], outbox=[message],
                             deadlines=paused_or_resumed))
        return after, message, paused_or_resumed

    order, message, changed_deadlines = with_optimistic_retry(attempt)
    deadlines.arm_all(changed_deadlines, timers, clock.now())
    log.info("manager decision applied", extra={"manager_id": manager_id, "order_id": order.order_id,
                                                 "state": order.state.value})
    if publisher is not None:
        outbox.dispatch(store, publisher, clock, [message])
    return order


def get_order(manager_id: str, order_id: str, store: Store, contractor_id: str | None = None) -> Order:
    """Read one order; a contractor reads only the orders addressed to it."""
    current = store.get_order(manager_id, order_id)
    if current is None or (contractor_id is not None and current.value.contractor_id != contractor_id):
        raise NotFound(order_id)
    return current.value


def order_view(manager_id: str, order_id: str, role: str, store: Store, contractor_id: str | None = None,
               rights: Collection[str] = ()) -> dict:
    """What get_order answers: the order, its total, the states the caller may move it to next (from
    the transition table; none without the right to move orders) and its history. NotFound as
    ``get_order``."""
    order = get_order(manager_id, order_id, store, contractor_id=contractor_id)
    return {"order": order.model_dump(mode="json"), "total_cents": order.total_cents,
            "next_states": [s.value for s in next_states(order, actor_for_role(role, rights))],
            "events": store.list_events(manager_id, order_id)}


def _same_order(a: Order, b: Order) -> bool:
    fields = set(IssueOrder.model_fields)
    return a.model_dump(include=fields, mode="json") == b.model_dump(include=fields, mode="json")
