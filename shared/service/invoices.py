"""SubmitInvoice: a contractor invoices what its client received (A6, B7, B10), by REST or Pub/Sub —
same service, same reply (A4 error loop through ``executions.answer_once``) — and reads invoices back.

  managers/{m}/orders/{o}/invoices/{key}   the invoice or credit note (``Invoice``), key = digest of its number
  contractors/{c}/invoices/{key}           the contractor's numbers: one number, one invoice
  managers/sandbox-{c}/invoice_numbers/{key}  the numbers of its conformance sandbox's invoices (A10)
  chorus_queue/{m}~{o}~{key}               what the Chorus Pro sync still has to deposit or follow

The invoice, the order (quantities and amount invoiced; ``received`` → ``invoiced``), its history
event, the number's registry entry and the queue entry are buffered in the reply's unit of work:
one commit with the reply. Refusals are raised before anything is buffered.
"""

from __future__ import annotations

import datetime as dt

from shared.domain import documents as doc
from shared.domain.sandbox import is_sandbox_of
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.invoices import (
    Invoice, InvoiceKind, InvoiceList, InvoiceView, KnownSupplier, SubmitInvoice, apply_invoice, build_invoice,
    invoice_errors, invoice_event_label, same_invoice,
)
from shared.domain.orders import Actor, Order, OrderState, StateChange
from shared.ports import Clock, Query, UnitOfWork, digest
from shared.service import order_deadlines
from shared.service.order_store import add_event, load_order, order_path, save_order

QUEUE = "chorus_queue"


def invoice_key(number: str) -> str:
    return f"inv-{digest(number)[:24]}"


def invoice_path(manager_id: str, order_id: str, number: str) -> str:
    return f"{order_path(manager_id, order_id)}/invoices/{invoice_key(number)}"


def number_path(contractor_id: str, manager_id: str, number: str) -> str:
    """Where a number is registered: the contractor's registry; an invoice of its conformance sandbox
    (A10) in the sandbox, so that a test number never blocks a live one."""
    if is_sandbox_of(manager_id, contractor_id):
        return f"managers/{manager_id}/invoice_numbers/{invoice_key(number)}"
    return f"contractors/{contractor_id}/invoices/{invoice_key(number)}"


def queue_path(manager_id: str, order_id: str, number: str) -> str:
    return f"{QUEUE}/{manager_id}~{order_id}~{invoice_key(number)}"


def load_invoice(uow: UnitOfWork, manager_id: str, order_id: str, number: str) -> Invoice | None:
    data = uow.get(invoice_path(manager_id, order_id, number))
    return Invoice.model_validate(data) if data is not None else None


def save_invoice(uow: UnitOfWork, invoice: Invoice, *, created: bool = False) -> None:
    path, data = invoice_path(invoice.manager_id, invoice.order_id, invoice.invoice_number), invoice.model_dump(mode="json")
    uow.create(path, data) if created else uow.update(path, data)


def submit(contractor_id: str, command: SubmitInvoice, uow: UnitOfWork, clock: Clock, *, channel: str,
           received_at: dt.datetime, message_key: str) -> tuple[Invoice, Order]:
    """Check the invoice against its order and buffer it (in the caller's unit of work); the same
    invoice again is found as it is. DomainError with every reason otherwise."""
    order = load_order(uow, command.manager_id, command.order_id)
    if order is None or order.contractor_id != contractor_id:
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=command.order_id)])
    path = invoice_path(order.manager_id, order.order_id, command.invoice_number)
    registry = number_path(contractor_id, order.manager_id, command.invoice_number)
    credited_path = (invoice_path(order.manager_id, order.order_id, command.credited_invoice_number)
                     if command.credited_invoice_number else None)
    pdf_path = doc.record_path(order.manager_id, order.order_id, command.pdf_sha256) if command.pdf_sha256 else None
    found = uow.get_all([p for p in (path, registry, credited_path, pdf_path) if p])
    credited = Invoice.model_validate(found[credited_path]) if credited_path in found else None
    invoice = build_invoice(order, command, contractor_id, received_at, channel, credited)
    if path in found:
        if same_invoice(found[path], invoice):
            return Invoice.model_validate(found[path]), order
        raise DomainError([ErrorDetail.of("$.invoice_number", "INVOICE_ALREADY_EXISTS",
                                          invoice_number=command.invoice_number)])
    errors: list[ErrorDetail] = []
    if registry in found:
        errors.append(ErrorDetail.of("$.invoice_number", "INVOICE_NUMBER_USED", invoice_number=command.invoice_number,
                                     order_id=found[registry].get("order_id")))
    if pdf_path and found.get(pdf_path, {}).get("kind") != doc.DocumentKind.INVOICE.value:
        errors.append(ErrorDetail.of("$.pdf_sha256", "INVOICE_PDF_NOT_FOUND", sha256=command.pdf_sha256))
    errors += invoice_errors(order, command, invoice, credited, _reported(uow, order, command))
    if errors:
        raise DomainError(errors)
    now = clock.now()
    after = apply_invoice(order, invoice)
    if command.kind is InvoiceKind.INVOICE:
        change = StateChange(occurred_at=received_at, invoice_date=command.issue_date,
                             state=OrderState.INVOICED if order.state is OrderState.RECEIVED else None)
        after = after.apply(change, Actor.CONTRACTOR, now)
    save_order(uow, after)
    save_invoice(uow, invoice, created=True)
    uow.create(registry, {"manager_id": order.manager_id, "order_id": order.order_id,
                          "invoice_number": command.invoice_number, "received_at": received_at.isoformat()})
    if order.public_invoicing is not None:  # a public buyer: the invoice goes to Chorus Pro
        uow.create(queue_path(order.manager_id, order.order_id, command.invoice_number), {
            "manager_id": order.manager_id, "order_id": order.order_id, "invoice_number": command.invoice_number,
            "queued_at": received_at.isoformat()})
    add_event(uow, after, f"i{message_key[:20]}", {
        "actor": Actor.CONTRACTOR.value, "channel": channel, "kind": "invoice", "message_key": message_key,
        "label": invoice_event_label(invoice.kind, invoice.invoice_number, invoice.total_excl_tax_cents),
        "occurred_at": received_at.isoformat(), "received_at": received_at.isoformat(),
        "state_before": order.state.value, "state_after": after.state.value,
        "invoice_number": invoice.invoice_number})
    order_deadlines.on_order_moved(uow, order, after, received_at, message_key)
    return invoice, after


def _reported(uow: UnitOfWork, order: Order, command: SubmitInvoice) -> dict | None:
    """A mission's order billed on its frais-annexes line: the days on site its timesheets reported, the most
    the line may have invoiced (B11). One point read of the mission, only then; None otherwise, and for a
    mission framed before its work mode was kept (its earlier timesheets counted no day on site)."""
    if order.mission_id is None or command.kind is InvoiceKind.CREDIT_NOTE:
        return None  # a part A order loads no sourcing module
    from shared.domain.sourcing.process import EXTRA_COSTS_LINE_ID
    from shared.service.sourcing.mission_store import mission_of_order

    if all(line.line_id != EXTRA_COSTS_LINE_ID for line in command.lines):
        return None

    mission = mission_of_order(uow, order)
    if mission is None or mission.work_mode is None:
        return None
    return {EXTRA_COSTS_LINE_ID: mission.days_on_site_reported}


def list_invoices(manager_id: str, order_id: str, uow: UnitOfWork, contractor_id: str | None = None) -> list[Invoice]:
    """The invoices of an order, oldest first; a contractor reads only its own orders' (NotFound as get_order)."""
    from shared.service.order_store import get_order

    get_order(manager_id, order_id, uow, contractor_id=contractor_id)
    rows = uow.query(Query(f"{order_path(manager_id, order_id)}/invoices"))
    return sorted((Invoice.model_validate(r.data) for r in rows), key=lambda i: (i.received_at, i.invoice_number))


def invoice_view(invoice: Invoice) -> InvoiceView:
    """An invoice as read: its record, and where it stands in French (Chorus Pro and the reform's lifecycle)."""
    from shared.domain.chorus import ACCEPTED_LABEL, LIFECYCLE_LABELS, STATUSES, ChorusStatus

    status = invoice.chorus_status
    return InvoiceView(**dict(invoice), status_label=STATUSES[ChorusStatus(status)].label if status else ACCEPTED_LABEL,
                       lifecycle_label=LIFECYCLE_LABELS.get(invoice.lifecycle_code or "", None))


def known_supplier(uow: UnitOfWork, contractor_id: str) -> KnownSupplier | None:
    """The contractor as its registry record names it (one point read of ``contractors/{c}``): the seller its
    invoice form prefills (B10 invoicing); None without a record holding both."""
    record = uow.get(f"contractors/{contractor_id}") or {}
    if not record.get("siret") or not record.get("name"):
        return None
    return KnownSupplier(siret=record["siret"], name=record["name"])


def invoice_list(manager_id: str, order_id: str, uow: UnitOfWork, contractor_id: str | None = None) -> InvoiceList:
    """get_invoices' answer: the order's invoices; read by its contractor, what the registry knows of it."""
    found = list_invoices(manager_id, order_id, uow, contractor_id)
    return InvoiceList(order_id=order_id, invoices=[invoice_view(i) for i in found],
                       supplier=known_supplier(uow, contractor_id) if contractor_id else None)
