"""A7 property tree: the manager attaches many of its orders to one node of its tree in force in one request
(``order_ids``, up to 500: the orphans a tree import left), each exactly as the single attachment does
(shared/service/property_tree.py ``attach_in``: the order, its history event, the message to the contractor and
their audit records).

The orders go ``ORDERS_PER_COMMIT`` per commit — each order attached costs ``WRITES_PER_ATTACHMENT`` writes, so that
every change keeps its own audit record within Firestore's 500 writes — each commit reading its orders and their
contracts in one round trip. A refused order (not in the manager's space, a node in another commune or outside its
contract's perimeter) is reported with its reasons and the others go on; what a commit attached stays attached
whatever befalls the next. A refusal of the node itself (unknown, retired) is every order's: nothing is attached
and the request is refused, unless an earlier commit attached some (the node retired meanwhile), then the rest is
reported refused. The same request again finds the orders on the node: nothing written, nothing sent."""

from __future__ import annotations

import logging
from typing import Any

from shared.domain import property_attach as pa
from shared.domain.errors import DomainError, ErrorDetail
from shared.ports import MAX_WRITES, Clock, UnitOfWork
from shared.service.order_store import order_path
from shared.service.property_tree import attach_in
from shared.service.transaction import transact

log = logging.getLogger(__name__)

Refusal = list[ErrorDetail] | None  # the node's refusal, every order's

# The order and its event, each with its audit record (two writes), and the outbox message: 7 writes.
WRITES_PER_ATTACHMENT = 7
ORDERS_PER_COMMIT = MAX_WRITES // WRITES_PER_ATTACHMENT  # 71 orders, 497 writes


def attach_orders_node(manager_id: str, command: pa.AttachOrderNode, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """A7: attach the orders ``command`` names to its node, ``ORDERS_PER_COMMIT`` per commit; the answer says each
    order's outcome (``pa.OrdersNodeAttached``). DomainError when nothing was attached nor already there."""
    wanted = command.orders()
    position = {order_id: i for i, order_id in reversed(list(enumerate(command.order_ids or [])))}
    done: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    commits = 0
    node_refusal: Refusal = None
    for start in range(0, len(wanted), ORDERS_PER_COMMIT):
        chunk = wanted[start:start + ORDERS_PER_COMMIT]
        if node_refusal is not None:
            refused += [{"order_id": o, "errors": node_refusal} for o in chunk]
            continue

        def attempt(chunk: list[str] = chunk) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Refusal]:
            _read_ahead(uow, manager_id, chunk)
            attached, no, about_node = [], [], None
            for order_id in chunk:
                if about_node is not None:
                    no.append({"order_id": order_id, "errors": about_node})
                    continue
                try:
                    attached.append(attach_in(uow, manager_id, order_id, command.node_id, clock))
                except DomainError as refusal:
                    errors = pa.refusal(position.get(order_id, 0), list(refusal.errors))
                    if pa.about_the_node(errors):
                        about_node = errors
                    no.append({"order_id": order_id, "errors": errors})
            return attached, no, about_node

        attached, no, node_refusal = transact(uow, attempt)
        commits += 1 if any(a["changed"] for a in attached) else 0
        done += attached
        refused += no
        if node_refusal is not None and not done:
            raise DomainError(node_refusal)
    answer = pa.OrdersNodeAttached(
        manager_id=manager_id, node_id=command.node_id, requested=len(wanted),
        attached=sum(1 for a in done if a["changed"]), unchanged=sum(1 for a in done if not a["changed"]),
        orders=done, refused=refused, commits=commits)
    log.info("orders attached to a property node", extra={
        "manager_id": manager_id, "node_id": command.node_id, "requested": answer.requested,
        "attached": answer.attached, "unchanged": answer.unchanged, "refused": len(answer.refused),
        "commits": commits})
    if (errors := pa.nothing_done(answer)) is not None:
        raise DomainError(errors)
    return answer.model_dump(mode="json")


def _read_ahead(uow: UnitOfWork, manager_id: str, order_ids: list[str]) -> None:
    """The chunk's orders, then their contracts, each in one round trip: ``attach_in`` finds them read."""
    orders = uow.get_all([order_path(manager_id, o) for o in order_ids])
    contracts = {data.get("contract_id") for data in orders.values() if data.get("contract_id")}
    uow.get_all([f"managers/{manager_id}/contracts/{c}" for c in sorted(contracts)])
