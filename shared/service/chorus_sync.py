"""SyncChorusPro: deposit accepted invoices on Chorus Pro and apply what it reports back (docs/invoicing.md).

Chorus Pro does not call anyone back: a scheduled run (``sync_chorus_pro``) goes through
``chorus_queue``, deposits each invoice not deposited yet (its Factur-X / EN 16931 XML) and asks
where each deposited one stands. A new status is applied in one commit: the invoice's status, its
lifecycle status (the reform's), the order's history, the order's state when the status says so —
a rejected invoice no longer counts and its order goes back to ``received``; a paid one closes its
order when every line delivered is invoiced and paid and no reservation is open — and the message
telling the contractor. A final status takes the invoice off the queue.

Deposits leave Firestore before their commit: ``ChorusPro.deposit`` is idempotent on (supplier
SIRET, invoice number), so a run that dies in between deposits the same invoice again and gets the
first answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared import topology
from shared.domain import facturx
from shared.domain.chorus import STATUSES, ChorusStatus, may_follow, settled
from shared.domain.errors import DomainError
from shared.domain.invoices import Invoice, InvoiceStatusChanged, StatusChange, apply_invoice
from shared.domain.event_types import EventType
from shared.domain.orders import Actor, Order, OrderState, StateChange
from shared.ports import ChorusDeposit, ChorusPro, ChorusReport, Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service import order_deadlines
from shared.service.invoices import QUEUE, invoice_path, queue_path, save_invoice
from shared.service.order_store import add_event, load_order, order_path, save_order
from shared.service.transaction import transact

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    deposited: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def sync(uow: UnitOfWork, chorus: ChorusPro, clock: Clock, limit: int = 200) -> SyncResult:
    """One pass over the queue; an invoice whose call fails is left for the next run."""
    result = SyncResult()
    uow.begin()
    entries = [d.data for d in uow.query(Query(QUEUE, limit=limit))]
    for entry in entries:
        try:
            changed = _sync_one(uow, chorus, clock, entry["manager_id"], entry["order_id"], entry["invoice_number"])
        except Exception:  # Chorus Pro unreachable, or a conflict that outlived its retries: next run
            log.warning("chorus pro sync deferred", extra={"order_id": entry["order_id"],
                                                           "invoice_number": entry["invoice_number"]}, exc_info=True)
            result.failed += 1
            continue
        if changed == "deposited":
            result.deposited += 1
        elif changed == "updated":
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _sync_one(uow: UnitOfWork, chorus: ChorusPro, clock: Clock, manager_id: str, order_id: str, number: str) -> str:
    uow.begin()
    data = uow.get(invoice_path(manager_id, order_id, number))
    if data is None:  # nothing left to follow
        transact(uow, lambda: uow.delete(queue_path(manager_id, order_id, number)))
        return "unchanged"
    invoice = Invoice.model_validate(data)
    if invoice.chorus_id is None:
        report = chorus.deposit(ChorusDeposit(
            supplier_siret=invoice.supplier.siret, buyer_siret=invoice.buyer.buyer_siret if invoice.buyer else "",
            service_code=invoice.buyer.service_code if invoice.buyer else None,
            engagement_number=invoice.buyer.engagement_number if invoice.buyer else None,
            invoice_number=invoice.invoice_number, kind=invoice.kind.value,
            total_incl_tax_cents=invoice.total_incl_tax_cents, cii_xml=facturx.cii_xml(invoice)))
        kind = "deposited"
    else:
        report = chorus.status(invoice.chorus_id)
        kind = "updated"
    applied = apply_status(uow, clock, manager_id, order_id, number, report)
    return kind if applied or kind == "deposited" else "unchanged"


def apply_status(uow: UnitOfWork, clock: Clock, manager_id: str, order_id: str, number: str,
                 report: ChorusReport) -> bool:
    """Apply one status Chorus Pro reported, once (an old or repeated status changes nothing)."""

    def attempt() -> bool:
        data = uow.get(invoice_path(manager_id, order_id, number))
        if data is None:
            return False
        invoice = Invoice.model_validate(data)
        status = ChorusStatus(report.status)
        if invoice.chorus_id is not None and not may_follow(invoice.chorus_status, status):
            return False
        row, now = STATUSES[status], clock.now()
        updated = invoice.model_copy(update={
            "chorus_id": report.chorus_id, "chorus_status": status.value, "lifecycle_code": row.lifecycle,
            "history": [*invoice.history, StatusChange(status=status.value, lifecycle_code=row.lifecycle, at=report.at,
                                                       reason=report.reason)]})
        save_invoice(uow, updated)
        before = load_order(uow, manager_id, order_id)
        after = _order_after(uow, before, updated, report, now) if before is not None else None
        if before is not None and after is not None:
            event_id = f"c{digest(number, status.value)[:20]}"
            save_order(uow, after)
            add_event(uow, after, event_id, {
                "actor": Actor.PLATFORM.value, "channel": "chorus_pro", "kind": "invoice_status",
                "label": f"Chorus Pro : facture {number} {row.label}" + (f" ({report.reason})" if report.reason else ""),
                "occurred_at": report.at.isoformat(), "received_at": now.isoformat(),
                "state_before": before.state.value, "state_after": after.state.value, "reason": report.reason,
                "invoice_number": number, "chorus_status": status.value, "lifecycle_code": row.lifecycle})
            uow.publish(OutboxMessage(
                id=f"chorus-{digest(manager_id, order_id, number, status.value)[:32]}",
                topic=topology.orders_topic(after.contractor_id), event_type=EventType.INVOICE_STATUS_CHANGED,
                source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"orders/{order_id}",
                data=InvoiceStatusChanged(
                    manager_id=manager_id, order_id=order_id, invoice_number=number, chorus_id=report.chorus_id,
                    chorus_status=status.value, lifecycle_code=row.lifecycle, reason=report.reason,
                    order_state=after.state.value, at=report.at).model_dump(mode="json"),
                created_at=now, ordering_key=order_id))
            order_deadlines.on_order_moved(uow, before, after, report.at, event_id)
        if row.final:
            uow.delete(queue_path(manager_id, order_id, number))
        return True

    applied = transact(uow, attempt)
    if applied:
        log.info("chorus pro status applied", extra={"order_id": order_id, "invoice_number": number,
                                                     "status": report.status})
    return applied


def _order_after(uow: UnitOfWork, order: Order, invoice: Invoice, report: ChorusReport, now) -> Order:
    """The order once the chain's status is known: a withdrawn invoice no longer counts (and its order
    is received again if nothing else is invoiced); a paid one may close it."""
    row = STATUSES[ChorusStatus(invoice.chorus_status)]
    if row.effect == "withdraw" and invoice.invoice_number in order.invoices:
        after = apply_invoice(order, invoice, sign=-1)
        if after.state is OrderState.INVOICED and not after.invoices:
            after = after.apply(StateChange(occurred_at=min(report.at, now), state=OrderState.RECEIVED,
                                            reason=f"Facture {invoice.invoice_number} {row.label}"),
                                Actor.PLATFORM, now)
        return after
    if row.effect == "settle" and order.state is OrderState.INVOICED and _all_paid(uow, order, invoice):
        try:
            return order.apply(StateChange(occurred_at=min(report.at, now), state=OrderState.CLOSED,
                                           reason=f"Facture {invoice.invoice_number} mise en paiement"),
                               Actor.PLATFORM, now)
        except DomainError:  # reservations still open: the client closes it once they are lifted
            return order
    return order


def _all_paid(uow: UnitOfWork, order: Order, paid: Invoice) -> bool:
    """Every delivered line invoiced in full, and every standing invoice (this one included) paid."""
    for line in order.lines:
        if order.line_status.get(line.line_id) is False:
            continue
        if line.line_id not in order.reception or order.invoiced.get(line.line_id, 0) < line.quantity:
            return False
    others = uow.query(Query(f"{order_path(order.manager_id, order.order_id)}/invoices"))
    for doc in others:
        other = Invoice.model_validate(doc.data)
        if other.invoice_number != paid.invoice_number and other.standing and not settled(other.chorus_status):
            return False
    return True

