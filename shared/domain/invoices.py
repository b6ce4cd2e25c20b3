"""Invoices and credit notes checked against the order (A6 facturé, B10 invoicing after proof of
service, B11 budget kept) — pure.

A contractor's invoice names the order lines it bills, with quantities, unit prices and VAT rates;
its amounts are in cents. It is accepted only when everything it bills was received by the client
(service fait), within the quantities ordered and not invoiced yet, at no more than the order's
prices, and when its declared totals are the sum of its lines. A refusal lists every error at once,
with the difference in euros where money is at stake (A4). A credit note (avoir) names the invoice it
corrects and gives back quantities already invoiced. docs/invoicing.md tells the whole story.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Command, Identifier, Model, Record
from shared.domain.documents import Sha256
from shared.domain.errors import ErrorDetail
from shared.domain.french_csv import euros
from shared.domain.orders import Order, Text
from shared.domain.reception import PublicInvoicing
from shared.domain.siret import Siret
from shared.domain.territories import LAST_RESORT
from shared.domain.workdays import local_date

# Chorus Pro takes invoice numbers of up to 20 characters.
InvoiceNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,19}$")]
# The French VAT rates (normal, intermediate, reduced, special); every line is standard rated ("S").
VatRate = Literal["20", "10", "5.5", "2.1"]
Cents = Annotated[int, Field(ge=0, le=10**12)]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]


class InvoiceKind(StrEnum):
    INVOICE = "invoice"  # facture (UNTDID 1001 code 380)
    CREDIT_NOTE = "credit_note"  # avoir (code 381)


TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.CREDIT_NOTE: "381"}
KIND_LABELS = {InvoiceKind.INVOICE: "facture", InvoiceKind.CREDIT_NOTE: "avoir"}


def invoice_event_label(kind: InvoiceKind, invoice_number: str, total_excl_tax_cents: int) -> str:
    """The order history's line for an invoice (A6 history, A11 last event), in French as every amount the web app shows:
    « Facture F-2026-0042 : 2 070,00 € HT » — thousands grouped by a narrow no-break space, decimal comma."""
    sign = "-" if total_excl_tax_cents < 0 else ""
    units, cents = divmod(abs(total_excl_tax_cents), 100)
    amount = f"{sign}{units:,}".replace(",", "\u202f") + f",{cents:02d}"
    return f"{KIND_LABELS[kind].capitalize()} {invoice_number} : {amount} € HT"


class Supplier(Command):
    """The contractor as the invoice names it (EN 16931 seller)."""

    siret: Siret
    name: Annotated[str, Field(min_length=1, max_length=200)]
    vat_number: Annotated[str, Field(pattern=r"^FR[0-9A-Z]{2}[0-9]{9}$")] | None = None


class InvoiceLineInput(Command):
    line_id: Identifier
    quantity: Quantity
    unit_price_cents: Cents
    vat_rate: VatRate
    label: Text | None = None  # the order line's label when absent


class SubmitInvoice(Model):
    """A contractor's invoice or credit note on one order (POST submit_invoice, or Pub/Sub
    ``fr.passerelle.invoice.submitted.v1`` on ``execution-<contractor>``)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="SubmitInvoice")

    manager_id: Identifier
    order_id: Identifier
    invoice_number: InvoiceNumber
    kind: InvoiceKind = InvoiceKind.INVOICE
    issue_date: dt.date
    due_date: dt.date | None = None
    supplier: Supplier
    lines: Annotated[list[InvoiceLineInput], Field(min_length=1, max_length=500)]
    total_excl_tax_cents: Cents
    vat_cents: Cents
    total_incl_tax_cents: Cents
    credited_invoice_number: InvoiceNumber | None = None  # a credit note: the invoice it corrects
    pdf_sha256: Sha256 | None = None  # the invoice's PDF, attached to the order first (store_report, kind invoice)
    payment_terms: Annotated[str, Field(min_length=1, max_length=500)] | None = None


class InvoiceLine(Record):
    line_id: str
    service_code: str
    label: str
    quantity: Decimal
    unit: str
    unit_price_cents: int
    vat_rate: str
    net_cents: int


class VatBreakdown(Record):
    vat_rate: str
    base_cents: int
    vat_cents: int


class StatusChange(Record):
    status: str  # "accepted" by the platform, then the Chorus Pro statuses
    lifecycle_code: str | None = None  # the e-invoicing reform's lifecycle status (shared/domain/chorus.py)
    at: AwareDatetime
    reason: str | None = None


class Invoice(Record):
    """An invoice as stored under its order (``managers/<m>/orders/<o>/invoices/<key>``)."""

    invoice_number: str
    kind: InvoiceKind
    manager_id: str
    order_id: str
    contractor_id: str
    contract_id: str
    issue_date: dt.date
    due_date: dt.date | None = None
    supplier: Supplier
    buyer: PublicInvoicing | None = None
    lines: list[InvoiceLine]
    vat_breakdown: list[VatBreakdown]
    total_excl_tax_cents: int
    vat_cents: int
    total_incl_tax_cents: int
    credited_invoice_number: str | None = None
    credited_invoice_date: dt.date | None = None  # the corrected invoice's issue date (EN 16931 BT-26)
    pdf_sha256: str | None = None
    payment_terms: str | None = None
    delivery_date: dt.date | None = None  # the latest reception of the lines billed (EN 16931 BT-72)
    reception_ids: list[str] = Field(default_factory=list)  # receiving advice references (BT-15)
    received_at: AwareDatetime
    channel: str
    # Where it stands in the public invoicing chain (docs/invoicing.md): None until deposited.
    chorus_id: str | None = None
    chorus_status: str | None = None
    lifecycle_code: str | None = None
    history: list[StatusChange] = Field(default_factory=list)

    @property
    def standing(self) -> bool:
        """Still counts against the order (not rejected by the chain)."""
        from shared.domain.chorus import withdrawn

        return not withdrawn(self.chorus_status)


class InvoiceView(Invoice):
    """An invoice as get_invoices answers it: the record, and where it stands in French."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="InvoiceView")

    status_label: str = Field(description="Chorus Pro status, or acceptance by the platform, in French.")
    lifecycle_label: str | None = Field(description="The e-invoicing reform's lifecycle status, in French.")


class KnownSupplier(Model):
    """What the platform's registry holds of a contractor (A10 onboarding): the SIRET and name it was registered
    with, which its invoice form offers as the invoice's seller (still editable)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="KnownSupplier")

    siret: str
    name: str


class InvoiceList(Model):
    """GET get_invoices: the invoices and credit notes of one order, oldest first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="InvoiceList")

    order_id: str
    invoices: list[InvoiceView]
    supplier: KnownSupplier | None = Field(default=None, description=(
        "A contractor's reading only: the SIRET and name its registry record holds (register_contractor), which the "
        "web app's invoice form prefills; null for a manager or a beneficiary, or a contractor without a record."))


class InvoiceStatusChanged(Model):
    """Platform → contractor (orders-<contractor>): where Chorus Pro says its invoice stands."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="InvoiceStatusChanged")

    manager_id: str
    order_id: str
    invoice_number: str
    chorus_id: str
    chorus_status: str
    lifecycle_code: str
    reason: str | None
    order_state: str
    at: AwareDatetime


def net_cents(quantity: Decimal, unit_price_cents: int) -> int:
    return int((quantity * unit_price_cents).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vat_breakdown(lines: list[InvoiceLine]) -> list[VatBreakdown]:
    """One row per rate: its base and its VAT, rounded once per rate (EN 16931 BR-CO-17)."""
    bases: dict[str, int] = {}
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, 0) + line.net_cents
    return [VatBreakdown(vat_rate=rate, base_cents=base,
                         vat_cents=int((Decimal(base) * Decimal(rate) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
            for rate, base in sorted(bases.items(), key=lambda kv: Decimal(kv[0]), reverse=True)]


def build_invoice(order: Order, command: SubmitInvoice, contractor_id: str, received_at: dt.datetime,
                  channel: str, credited: Invoice | None = None) -> Invoice:
    """The invoice as the platform records it: each line completed from the order, the VAT computed."""
    by_id = {line.line_id: line for line in order.lines}
    lines = []
    for given in command.lines:
        ordered = by_id.get(given.line_id)
        lines.append(InvoiceLine(
            line_id=given.line_id, service_code=ordered.service_code if ordered else "", quantity=given.quantity,
            label=given.label or (ordered.label if ordered else given.line_id), unit=ordered.unit if ordered else "U",
            unit_price_cents=given.unit_price_cents, vat_rate=given.vat_rate,
            net_cents=net_cents(given.quantity, given.unit_price_cents)))
    breakdown = vat_breakdown(lines)
    receptions = [order.reception[line.line_id] for line in lines if line.line_id in order.reception]
    delivery = max((r.received_at for r in receptions), default=None)
    return Invoice(
        invoice_number=command.invoice_number, kind=command.kind, manager_id=order.manager_id,
        order_id=order.order_id, contractor_id=contractor_id, contract_id=order.contract_id,
        issue_date=command.issue_date, due_date=command.due_date, supplier=command.supplier,
        buyer=order.public_invoicing, lines=lines, vat_breakdown=breakdown,
        total_excl_tax_cents=command.total_excl_tax_cents, vat_cents=command.vat_cents,
        total_incl_tax_cents=command.total_incl_tax_cents, credited_invoice_number=command.credited_invoice_number,
        credited_invoice_date=credited.issue_date if credited else None,
        pdf_sha256=command.pdf_sha256, payment_terms=command.payment_terms,
        delivery_date=local_date(delivery, order.territory or LAST_RESORT) if delivery else None,  # on its clock (B18)
        reception_ids=sorted({r.reception_id for r in receptions}), received_at=received_at, channel=channel,
        history=[StatusChange(status="accepted", at=received_at)])


def invoice_errors(order: Order, command: SubmitInvoice, invoice: Invoice,
                   credited: Invoice | None, reported: Mapping[str, Decimal] | None = None) -> list[ErrorDetail]:
    """Every reason why ``invoice`` (built from ``command``) cannot be accepted on ``order``. ``reported``:
    line_id → the most that line may have invoiced in all, beyond its reception — a mission's frais-annexes
    line, the days on site its timesheets reported (B11)."""
    errors: list[ErrorDetail] = []
    by_id = {line.line_id: line for line in order.lines}
    credit = command.kind is InvoiceKind.CREDIT_NOTE
    if credit and command.credited_invoice_number is None:
        errors.append(ErrorDetail.of("$.credited_invoice_number", "CREDITED_INVOICE_REQUIRED"))
    elif credit and (credited is None or not credited.standing or credited.kind is InvoiceKind.CREDIT_NOTE):
        errors.append(ErrorDetail.of("$.credited_invoice_number", "INVOICE_NOT_FOUND",
                                     invoice_number=command.credited_invoice_number))
    billed: dict[str, Decimal] = {}
    for i, (given, line) in enumerate(zip(command.lines, invoice.lines)):
        path = f"$.lines[{i}]"
        ordered = by_id.get(given.line_id)
        if ordered is None:
            errors.append(ErrorDetail.of(f"{path}.line_id", "UNKNOWN_LINE", line_id=given.line_id))
            continue
        billed[given.line_id] = billed.get(given.line_id, Decimal(0)) + given.quantity
        invoiced = order.invoiced.get(given.line_id, Decimal(0))
        if credit:
            if billed[given.line_id] > invoiced:
                errors.append(ErrorDetail.of(f"{path}.quantity", "CREDIT_NOTE_EXCEEDS_INVOICED", line_id=given.line_id,
                                             quantity=_qty(billed[given.line_id]), invoiced=_qty(invoiced)))
            continue
        if given.line_id not in order.reception:
            errors.append(ErrorDetail.of(f"{path}.line_id", "INVOICE_LINE_NOT_RECEIVED", line_id=given.line_id))
            continue
        remaining = ordered.quantity - invoiced
        if billed[given.line_id] > remaining:
            errors.append(ErrorDetail.of(f"{path}.quantity", "INVOICE_QUANTITY_EXCEEDED", line_id=given.line_id,
                                         quantity=_qty(billed[given.line_id]), remaining=_qty(remaining),
                                         ordered=_qty(ordered.quantity)))
        elif reported is not None and given.line_id in reported and billed[given.line_id] > reported[given.line_id] - invoiced:
            errors.append(ErrorDetail.of(f"{path}.quantity", "INVOICE_EXTRA_COSTS_DAYS_EXCEEDED", line_id=given.line_id,
                                         quantity=_qty(billed[given.line_id]), reported=_qty(reported[given.line_id]),
                                         remaining=_qty(max(reported[given.line_id] - invoiced, Decimal(0)))))
        if given.unit_price_cents > ordered.unit_price_cents:
            errors.append(ErrorDetail.of(f"{path}.unit_price_cents", "INVOICE_PRICE_ABOVE_ORDER", line_id=given.line_id,
                                         price=euros(given.unit_price_cents), ordered=euros(ordered.unit_price_cents),
                                         difference=euros(given.unit_price_cents - ordered.unit_price_cents)))
    if command.issue_date < order.issue_day():  # A6: nothing is invoiced before the order exists
        errors.append(ErrorDetail.of("$.issue_date", "DATE_BEFORE_ORDER", what="La date d'émission de la facture",
                                     date=_day(command.issue_date), issued_at=order.issued_in_french()))
    if command.due_date is not None and command.due_date < command.issue_date:  # paid after it is issued
        errors.append(ErrorDetail.of("$.due_date", "INVOICE_DUE_BEFORE_ISSUE", due_date=_day(command.due_date),
                                     issue_date=_day(command.issue_date)))
    if not credit:
        remaining = order.received_cents - order.invoiced_cents
        amount = sum(line.net_cents for line in invoice.lines)
        if amount > remaining:
            errors.append(ErrorDetail.of("$.total_excl_tax_cents", "INVOICE_EXCEEDS_RECEIVED", amount=euros(amount),
                                         remaining=euros(remaining), difference=euros(amount - remaining)))
    errors.extend(total_errors(command, invoice))
    return errors


def total_errors(command: SubmitInvoice, invoice: Invoice) -> list[ErrorDetail]:
    """The declared totals must be those of the lines (EN 16931 BR-CO-10, BR-CO-14, BR-CO-15)."""
    net = sum(line.net_cents for line in invoice.lines)
    vat = sum(row.vat_cents for row in invoice.vat_breakdown)
    checks = (("total_excl_tax_cents", "HT", command.total_excl_tax_cents, net),
              ("vat_cents", "de TVA", command.vat_cents, vat),
              ("total_incl_tax_cents", "TTC", command.total_incl_tax_cents, net + vat))
    return [ErrorDetail.of(f"$.{field}", "INVOICE_TOTAL_MISMATCH", name=name, declared=euros(declared),
                           computed=euros(computed))
            for field, name, declared, computed in checks if declared != computed]


def apply_invoice(order: Order, invoice: Invoice, sign: int = 1) -> Order:
    """The order with ``invoice`` counted (sign 1) or withdrawn (sign -1): quantities and amount
    invoiced, and the invoices standing. A credit note counts negatively."""
    factor = sign * (-1 if invoice.kind is InvoiceKind.CREDIT_NOTE else 1)
    invoiced = dict(order.invoiced)
    for line in invoice.lines:
        invoiced[line.line_id] = invoiced.get(line.line_id, Decimal(0)) + factor * line.quantity
    numbers = [n for n in order.invoices if n != invoice.invoice_number]
    if sign > 0:
        numbers.append(invoice.invoice_number)
    return order.model_copy(update={
        "invoiced": {k: v for k, v in invoiced.items() if v != 0},
        "invoiced_cents": order.invoiced_cents + factor * invoice.total_excl_tax_cents,
        "invoices": numbers})


def same_invoice(stored: dict[str, Any], invoice: Invoice) -> bool:
    """A resubmission of the same invoice (same content, whenever and however it came)."""
    keep = set(SubmitInvoice.model_fields) - {"manager_id"}
    return ({k: v for k, v in stored.items() if k in keep} ==
            {k: v for k, v in invoice.model_dump(mode="json").items() if k in keep})


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")
