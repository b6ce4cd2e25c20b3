"""Reception (service fait) of an order by its client, and what the public invoicing chain needs to
know about an order (A6 réceptionné, B7 proof of service, B10 invoicing after proof of service).

The client — the manager, or the beneficiary for its mission's order — receives the lines the
contractor delivered: all of them or some (partial reception by line), each with or without
reservations; each reservation is lifted later, on its own. What was received is what may be
invoiced (shared/domain/invoices.py). These are value objects and commands only; the rules that
change an order live on ``Order`` (shared/domain/orders.py).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Command, Identifier, Model, Record
from shared.domain.siret import Siret

Description = Annotated[str, Field(min_length=1, max_length=1000)]
# Chorus Pro: a service code routes an invoice inside the buyer (up to 100 characters), an
# engagement number ties it to the buyer's budget commitment (up to 50).
ServiceCode = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
EngagementNumber = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]+$")]


class PublicInvoicing(Command):
    """What the public invoicing chain (Chorus Pro, EN 16931) needs from an order: who buys (the
    public body's SIRET and name), where the invoice goes inside it (service code) and which budget
    commitment it draws on (engagement number)."""

    buyer_siret: Siret
    buyer_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    service_code: ServiceCode | None = None
    engagement_number: EngagementNumber | None = None


class Reservation(Record):
    """A reservation (réserve) made on a received line, and its lifting."""

    reservation_id: Identifier
    line_id: Identifier
    description: str
    made_at: AwareDatetime
    lifted_at: AwareDatetime | None = None
    lifting_comment: str | None = None

    @property
    def open(self) -> bool:
        return self.lifted_at is None


class LineReception(Record):
    """One order line received: when, by which reception, with its reservations."""

    reception_id: str
    received_at: AwareDatetime
    reservations: list[Reservation] = Field(default_factory=list)


class ReservationInput(Command):
    reservation_id: Identifier | None = None  # given by the client, or numbered by the platform
    description: Description


class ReceptionLine(Command):
    line_id: Identifier
    reservations: Annotated[list[ReservationInput], Field(max_length=50)] = Field(default_factory=list)


class ReceiveOrder(Model):
    """The client receives an order (POST record_reception): every line not received yet when
    ``lines`` is absent, or the lines named (partial reception), each with its reservations."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ReceiveOrder")

    order_id: Identifier
    occurred_at: AwareDatetime
    lines: Annotated[list[ReceptionLine], Field(min_length=1, max_length=500)] | None = None
    comment: Description | None = None


def reception_label(lines: list[str], reservations: int, *, partial: bool) -> str:
    """The reception's label in the order's history (A6 each event's label), in French, singular or plural as
    counted: « Réception sans réserve : ligne L1 », « Réception partielle avec 2 réserves : lignes L1, L2 »."""
    kind = "Réception partielle" if partial else "Réception"
    reserved = f"avec {reservations} réserve{'s' if reservations > 1 else ''}" if reservations else "sans réserve"
    return f"{kind} {reserved} : ligne{'s' if len(lines) > 1 else ''} {', '.join(lines)}"


class LiftReservation(Model):
    """The client lifts one reservation once the contractor has put it right (POST lift_reservation)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="LiftReservation")

    order_id: Identifier
    reservation_id: Identifier
    occurred_at: AwareDatetime
    comment: Description | None = None


class OrderReceived(Model):
    """Platform → contractor (orders-<contractor>): the client received lines of its order."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderReceived")

    manager_id: str
    order_id: str
    reception_id: str
    lines: list[str]
    partial: bool = Field(description="True while some order lines are not received.")
    state: str = Field(description="The order's state after the reception.")
    reservations: list[Reservation]
    comment: str | None


class ReservationLifted(Model):
    """Platform → contractor (orders-<contractor>): the client lifted a reservation."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ReservationLifted")

    manager_id: str
    order_id: str
    reservation: Reservation
    open_reservations: int
