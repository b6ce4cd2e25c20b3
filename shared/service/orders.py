"""IssueOrder and ChangeOrderState: what a manager's ERP does to its orders (A2.3).

How an order is stored and read back (A11 live view) is ``order_store.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from shared import topology
from shared.domain import catalogue as cat
from shared.domain import contracts as contract_rules
from shared.domain import workdays
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import ChangeOrderState, EventType, IssueOrder
from shared.domain.order_dates import issued_in_future
from shared.domain.order_moves import OrderOrigin, OrderReceipt, Sender, decision_label
from shared.domain.orders import Actor, Order, OrderState, SiteRef
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service import order_deadlines
from shared.service.order_store import add_event, load_order, save_order
from shared.service.parties import client_name, contractor_serves
from shared.service.territories import order_territory, reader
from shared.service.transaction import transact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderOutcome:
    order: Order
    created: bool


@dataclass(frozen=True)
class SiteNode:
    """An order's node as the manager's tree in force has it (A7 property tree)."""

    known: bool  # no tree imported yet, or the node is in it and not retired
    in_commune: str | None = None  # the commune it lies in (its own or its nearest ancestor's), for A13
    label: str | None = None  # its label in the tree in force (A7), for a site that names the node only
    # the tree's path from its site down to it (A11 lists' filter by site); the node alone without a tree in force
    path: tuple[str, ...] = ()


def site_node(uow: UnitOfWork, manager_id: str, node_id: str) -> SiteNode:
    """The order's node, read with the tree's marker in one ``get_all`` (two documents): whether it may be
    named, its stored ``in_commune``, which A13 checks when the order names no commune itself, its label and its
    path from its site (``path``, kept on the node by the import: no other read, but for a node stored before
    nodes kept it, whose parents are read then)."""
    from shared.service.property_tree import ancestry

    tree, node = f"managers/{manager_id}/property_tree/current", f"managers/{manager_id}/property_nodes/{node_id}"
    found = uow.get_all([tree, node])
    if tree not in found:
        return SiteNode(known=True, path=(node_id,))
    if node not in found or found[node].get("status") == "retired":
        return SiteNode(known=False)
    label = found[node].get("label")
    return SiteNode(known=True, in_commune=found[node].get("in_commune"),
                    label=label.strip() if isinstance(label, str) and label.strip() else None,
                    path=tuple(ancestry(uow, manager_id, node_id, found[node])))


@dataclass(frozen=True)
class SiteCheck:
    """What checking an order's (or a quote's) site found: every reason it is refused, and the commune its
    node lies in (None: no tree in force, or a node placed in no commune), which B18 territories use when
    the site names no commune and an order keeps as ``node_commune``."""

    refused: list[ErrorDetail]
    node_commune: str | None
    node_label: str | None = None  # the node's label in the tree in force (A7), from the same read
    node_path: tuple[str, ...] = ()  # the tree's path from the site down to the node (A11 lists' filter by site)

    def labelled(self, site: SiteRef) -> SiteRef:
        """``site`` as the tree names it: a site that names the node only (no label) gets the node's label, so
        that what is stored — a quote, and the order its acceptance becomes — says what the tree says rather
        than « Élément <id> du patrimoine »; a label the requester gave is kept as given."""
        if site.label is not None or self.node_label is None:
            return site
        return site.model_copy(update={"label": self.node_label})


def check_site(uow: UnitOfWork, manager_id: str, contract: dict | None, contract_id: str, contractor_id: str,
               on: dt.date, site: SiteRef, lot: str | None = None, node: SiteNode | None = None) -> SiteCheck:
    """A13 (contract known, in force, of this contractor, lot and place — the site's commune, else its
    node's — and a commune named that is the node's own) and A7 (the node in the tree in force): every
    reason an order or a quote at ``site`` is refused, from the node read once with the tree's marker
    (``node``: already read by the caller)."""
    node = node if node is not None else site_node(uow, manager_id, site.node_id)
    refused = contract_rules.order_errors(contract, contract_id, contractor_id, on, lot=lot, commune=site.commune,
                                          node_commune=node.in_commune)
    refused += contract_rules.commune_errors(site.commune, site.node_id, node.in_commune)
    if not node.known:
        refused.append(ErrorDetail.of("$.site.node_id", "PROPERTY_NODE_NOT_FOUND", node_id=site.node_id))
    return SiteCheck(refused, node.in_commune, node.label, node.path)


# --- commands -----------------------------------------------------------------------------------


def receive_order(manager_id: str, command: IssueOrder, uow: UnitOfWork, clock: Clock,
                  sender: Sender | None = None) -> OrderOutcome:
    """Store a new order in the manager's space and deliver it to the contractor's topic; its history starts with
    « Commande reçue de <client> par l'API » (``sender`` a machine identity, or unknown) or « par l'application »
    (a person: their name when their token carries it), ``OrderReceipt``.

    Sending the same order twice is harmless (nothing written, the history's entry included); sending another
    order under an existing id is refused (ORDER_ALREADY_EXISTS) rather than silently overwriting it.
    """
    return transact(uow, lambda: issue(manager_id, command, uow, clock, sender=sender))


def issue(manager_id: str, command: IssueOrder, uow: UnitOfWork, clock: Clock,
          mission_id: str | None = None, origin: OrderOrigin | None = None, sender: Sender | None = None
          ) -> OrderOutcome:
    """``receive_order`` inside a unit of work the caller commits (a quote accepted: ``origin``; a mission framed:
    ``mission_id``, kept on the stored order so that its mission is found without a query). Every order starts its
    history with how it came to be, written with the order under its own id (no sequence moved): one the platform
    issues itself (from a quote or a mission) ``OrderOrigin``, one its client sends ``OrderReceipt`` (``sender``);
    issued again, it is found as it is and nothing is added."""
    if not contractor_serves(uow, command.contractor_id, manager_id):
        raise DomainError([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND", contractor_id=command.contractor_id)])
    contract = uow.get(f"managers/{manager_id}/contracts/{command.contract_id}")
    node = site_node(uow, manager_id, command.site.node_id)
    # B18: the order's territory, chosen once here by its deadlines' rule from the contract and node just read (the
    # manager is read only when neither the site, its node nor the contract says) and kept on the record for its
    # readers; the order's date is its day there, whatever offset the ERP wrote (A13 contract in force, A14
    # catalogue version), so an order sent in UTC at 23:30 on the eve of its contract's first day is in force.
    territory = order_territory(reader(uow), manager_id, command.contract_id, command.site.commune, contract,
                                node_commune=node.in_commune).code
    on = workdays.local_date(command.issued_at, territory)
    site = check_site(uow, manager_id, contract, command.contract_id, command.contractor_id, on, command.site,
                      lot=command.lot, node=node)
    # A2.3 Orders: dated when issued, never ahead of the platform's clock (beyond the clock-skew tolerance)
    refused = issued_in_future(command.issued_at, clock.now()) + site.refused
    versions = uow.query(Query(f"managers/{manager_id}/contracts/{command.contract_id}/catalogue"))
    in_force = cat.in_force([cat.CatalogueVersion.model_validate(v.data) for v in versions], on)
    if in_force is not None:  # A14: lines priced by the catalogue version in force on the order's date
        refused += cat.line_errors(in_force, [line.model_dump(mode="json") for line in command.lines])
    if refused:
        raise DomainError(refused)
    # A7: a site that names the node only is stored with the node's label (a label the sender gave is kept), and
    # the order keeps the tree's path from its site down to its node (A11 lists: ``list_orders?node_id=``)
    order = Order(manager_id=manager_id, node_commune=site.node_commune, mission_id=mission_id, territory=territory,
                  site_path=list(site.node_path), **{**command.model_dump(), "site": site.labelled(command.site)})
    existing = load_order(uow, manager_id, command.order_id)
    if existing is not None:  # the same order again — stored with the tree's label, or before orders took it
        if _same_order(existing, order) or _same_order(existing, order.model_copy(update={"site": command.site})):
            return OrderOutcome(existing, created=False)
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_ALREADY_EXISTS", order_id=command.order_id)])
    first: OrderOrigin | OrderReceipt = (  # read (the client's name) before anything is written
        origin if origin is not None else OrderOrigin(mission_id=mission_id) if mission_id is not None
        else OrderReceipt.of(client_name(uow, manager_id), sender))
    save_order(uow, order, created=True)
    add_event(uow, order, first.event_id, first.event(order, clock.now()))
    uow.publish(OutboxMessage(
        id=f"order-{digest(manager_id, order.order_id)[:32]}", topic=topology.orders_topic(order.contractor_id),
        event_type=EventType.ORDER_ISSUED, source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}",
        subject=f"orders/{order.order_id}", data=order.model_dump(mode="json"), created_at=clock.now(),
        ordering_key=order.order_id))
    log.info("order received", extra={"manager_id": manager_id, "order_id": order.order_id})
    return OrderOutcome(order, created=True)


def change_order_state(manager_id: str, decision: ChangeOrderState, uow: UnitOfWork, clock: Clock) -> Order:
    """Apply a client's decision (cancel, suspend, resume, receive, close) and tell the contractor;
    the order's deadlines follow in the same commit (paused, resumed or ended). The client is the
    manager, or the beneficiary of a mission's order. Receiving this way rests on the contractor's
    attestation of service done and receives every line delivered, without reservation
    (record_reception receives lines one by one, with reservations)."""

    def attempt() -> Order:
        before = load_order(uow, manager_id, decision.order_id)
        if before is None:
            raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=decision.order_id)])
        now = clock.now()
        after = before.apply(decision.as_change(), Actor.MANAGER, now)
        event_id = f"m{digest(decision.model_dump_json())[:20]}"
        if after.state is OrderState.RECEIVED and not after.reception:  # on the attestation: every line delivered
            after = after.receive(None, f"rec-{event_id[1:13]}", decision.occurred_at)
        save_order(uow, after)
        add_event(uow, after, event_id, {
            "actor": Actor.MANAGER.value, "channel": "rest", "label": decision_label(before.state, after.state),
            "occurred_at": decision.occurred_at.isoformat(), "received_at": now.isoformat(),
            "state_before": before.state.value, "state_after": after.state.value, "reason": decision.reason,
        })
        uow.publish(OutboxMessage(
            id=f"decision-{digest(manager_id, decision.order_id, event_id)[:32]}",
            topic=topology.orders_topic(before.contractor_id), event_type=EventType.ORDER_STATE_CHANGED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"orders/{before.order_id}",
            data={"manager_id": manager_id, "order_id": before.order_id, "state": after.state.value,
                  "previous_state": before.state.value, "reason": decision.reason,
                  "occurred_at": decision.occurred_at.isoformat()},
            created_at=now, ordering_key=before.order_id))
        order_deadlines.on_order_moved(uow, before, after, decision.occurred_at, event_id)
        return after

    order = transact(uow, attempt)
    log.info("manager decision applied", extra={"manager_id": manager_id, "order_id": order.order_id,
                                                 "state": order.state.value})
    return order


def _same_order(a: Order, b: Order) -> bool:
    fields = set(IssueOrder.model_fields)
    return a.model_dump(include=fields, mode="json") == b.model_dump(include=fields, mode="json")
