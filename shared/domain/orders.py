"""Orders (bons de commande) and their execution state machine (A2.3, A6).

The state machine is data: ``TRANSITIONS`` says, for each state, where an order may go,
who may move it there and what the move requires. ``Order.apply`` checks a report against
it and returns the new order or every error found — never a silent no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field
from pydantic_core import PydanticCustomError

from shared.domain.errors import ErrorDetail
from shared.domain.reception import LineReception, PublicInvoicing, ReceptionLine, Reservation
from shared.domain.phone import normalise_mobile
from shared.domain.base import Command, Identifier, Model
from shared.domain.order_dates import CLOCK_SKEW_TOLERANCE, dated_before_issue, french_instant
from shared.domain.workdays import PARIS, territory

Text = Annotated[str, Field(min_length=1, max_length=500)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


def _mobile(value: str) -> str:
    normalised = normalise_mobile(value)
    if normalised is None:
        raise PydanticCustomError(
            "INVALID_PHONE",
            "Numéro de mobile français invalide (ex. 06 12 34 56 78 ou +33 6 12 34 56 78).",
        )
    return normalised


FrenchMobile = Annotated[str, Field(min_length=6, max_length=25), AfterValidator(_mobile)]


class Actor(StrEnum):
    MANAGER = "manager"  # the client: a manager, or a beneficiary for its mission's order
    CONTRACTOR = "contractor"
    PLATFORM = "platform"  # what the public invoicing chain reports back (Chorus Pro statuses)


ACTOR_LABELS = {Actor.MANAGER: "client (gestionnaire ou bénéficiaire)", Actor.CONTRACTOR: "prestataire",
                Actor.PLATFORM: "circuit de facturation (Chorus Pro)"}


class OrderState(StrEnum):
    TO_ACKNOWLEDGE = "to_acknowledge"
    ACKNOWLEDGED = "acknowledged"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    RECEIVED = "received"
    INVOICED = "invoiced"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    CANNOT_COMPLETE = "cannot_complete"


STATE_LABELS: dict[OrderState, str] = {
    OrderState.TO_ACKNOWLEDGE: "à prendre en compte",
    OrderState.ACKNOWLEDGED: "pris en compte",
    OrderState.SCHEDULED: "planifié",
    OrderState.IN_PROGRESS: "en cours",
    OrderState.COMPLETED: "terminé",
    OrderState.RECEIVED: "réceptionné",
    OrderState.INVOICED: "facturé",
    OrderState.CLOSED: "clôturé",
    OrderState.ON_HOLD: "suspendu",
    OrderState.CANCELLED: "annulé",
    OrderState.CANNOT_COMPLETE: "non réalisable",
}

TERMINAL_STATES = frozenset({OrderState.CLOSED, OrderState.CANCELLED, OrderState.CANNOT_COMPLETE})
# An order on hold resumes to the state it was in; only these can be suspended.
HOLDABLE_STATES = frozenset({OrderState.ACKNOWLEDGED, OrderState.SCHEDULED, OrderState.IN_PROGRESS})


# --- value objects -------------------------------------------------------------------------


class SiteLead(Command):
    """The contractor's person in charge of the order (pilote)."""

    last_name: Name
    first_name: Name
    mobile: FrenchMobile


class Appointment(Command):
    start: AwareDatetime
    end: AwareDatetime | None = None


class OrderLine(Command):
    line_id: Identifier
    service_code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")]
    label: Text
    quantity: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]
    unit: Annotated[str, Field(min_length=1, max_length=16)] = "U"
    unit_price_cents: Annotated[int, Field(ge=0, le=10**12)]

    @property
    def amount_cents(self) -> int:
        return int((self.quantity * self.unit_price_cents).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class LineStatus(Command):
    line_id: Identifier
    done: bool
    comment: Annotated[str, Field(max_length=500)] | None = None


class SiteRef(Command):
    """Where the work happens: a node of the manager's property tree (A7)."""

    node_id: Identifier
    label: Annotated[str, Field(max_length=200)] | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    commune: Annotated[str, Field(pattern=r"^(\d{5}|2[AB]\d{3})$")] | None = None  # INSEE code, checked against the contract (A13)


# --- the order aggregate ----------------------------------------------------------------------


class Order(Model):
    """An order in a manager's private space, with everything its execution reported."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order_id: Identifier
    manager_id: Identifier
    contractor_id: Identifier
    contract_id: Identifier
    lot: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")] | None = None
    title: Text
    description: Annotated[str, Field(max_length=5000)] | None = None
    site: SiteRef
    lines: list[OrderLine]
    issued_at: AwareDatetime
    requested_start: dt.date | None = None
    requested_end: dt.date | None = None

    state: OrderState = OrderState.TO_ACKNOWLEDGE
    state_before_hold: OrderState | None = None
    state_reason: str | None = None
    last_sequence: int = 0
    progress: int | None = None
    site_lead: SiteLead | None = None
    planned_start: AwareDatetime | None = None
    planned_end: AwareDatetime | None = None
    appointment: Appointment | None = None
    actual_start: AwareDatetime | None = None
    actual_end: AwareDatetime | None = None
    invoice_date: dt.date | None = None
    line_status: dict[str, bool] = Field(default_factory=dict)
    last_event_at: AwareDatetime | None = None
    # Reception and invoicing (A6 réceptionné / facturé, B7, B10): docs/invoicing.md
    public_invoicing: PublicInvoicing | None = None
    service_done_documents: list[str] = Field(default_factory=list)  # sha256 of the attestations attached
    reception: dict[str, LineReception] = Field(default_factory=dict)  # line_id → its reception
    invoiced: dict[str, Decimal] = Field(default_factory=dict)  # line_id → quantity invoiced (net of credit notes)
    invoiced_cents: int = 0  # net amount invoiced, excluding tax
    invoices: list[str] = Field(default_factory=list)  # numbers of the invoices standing (not rejected)
    # The commune the order's property node lay in when it was issued (A7 property tree: the node's own or
    # its nearest ancestor's), read by the A7/A13 check; B18 counts the order's deadlines there when the
    # site names no commune. Kept on the stored record only (``order_store.order_doc``): never in what the
    # order is sent or answered as (exclude). None: no tree in force, a node placed in no commune, or an
    # order stored before orders kept it (its territory is then its contract's or its manager's, as before).
    node_commune: Annotated[str, Field(pattern=r"^(\d{5}|2[AB]\d{3})$")] | None = Field(default=None, exclude=True)
    # B18: the order's territory, chosen once at issue by the rule its deadlines follow (shared/service/territories.py:
    # its commune, its node's, its contract's one territory, its manager's own, else Paris), so that what reads the
    # order (get_order's clock, its D1/F1, an incident about it) finds it on the record without reading the contract
    # or the manager again. Kept on the stored record only, like ``node_commune``; None on an order stored before
    # orders kept it (the rule is then applied afresh).
    territory: Annotated[str, Field(pattern=r"^(\d{2,3}|2[AB]|[A-Z]{2})$")] | None = Field(default=None, exclude=True)
    # The mission a sourcing order was issued for (B11 mission follow-up: its milestones and deliverables,
    # ``beneficiaries/<manager_id>/missions/<mission_id>``); None for every part A order, which therefore
    # costs no mission read. Kept on the stored record only, like ``node_commune``.
    mission_id: Identifier | None = Field(default=None, exclude=True)
    # A7 property tree, A11 lists: the tree's path from the order's site (a top node) down to its node, ids only, as
    # the tree had it when the order was issued or last attached (``attach_order_node``); ``list_orders?node_id=``
    # finds the orders under a node by it (array-contains). The node alone when no tree was in force. Kept on the
    # stored record only, like ``node_commune``; empty on an order stored before orders kept it (until
    # devtools/backfill_order_site_path.py writes it).
    site_path: list[Identifier] = Field(default_factory=list, exclude=True)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def received_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.line_id in self.reception)

    def open_reservations(self) -> list[Reservation]:
        return [r for rec in self.reception.values() for r in rec.reservations if r.open]

    def facts(self) -> dict[str, object]:
        """What the transition requirements read besides the execution fields."""
        return {"service_done_documents": self.service_done_documents, "reception": self.reception,
                "invoices": self.invoices, "open_reservations": self.open_reservations()}

    def receive(self, lines: list[ReceptionLine] | None, reception_id: str, at: dt.datetime) -> Order:
        """The order with ``lines`` received (every line not received yet when None), or DomainError.

        A line is received once; a line the contractor reported not done cannot be; before the
        contractor's ``completed``, only lines it reported done can be (a mission's milestones)."""
        from shared.domain.errors import DomainError

        if self.state in TERMINAL_STATES:
            raise DomainError([ErrorDetail.of("$.state", "ORDER_TERMINATED", state_label=STATE_LABELS[self.state])])
        if lines is None:
            lines = [ReceptionLine(line_id=line.line_id) for line in self.lines
                     if line.line_id not in self.reception and self._receivable(line.line_id)]
            if not lines:
                raise DomainError([ErrorDetail.of("$.lines", "NOTHING_TO_RECEIVE", state_label=STATE_LABELS[self.state])])
        known, errors, seen = {line.line_id for line in self.lines}, [], set()
        for i, line in enumerate(lines):
            field = f"$.lines[{i}].line_id"
            if line.line_id not in known:
                errors.append(ErrorDetail.of(field, "UNKNOWN_LINE", line_id=line.line_id))
            elif line.line_id in self.reception or line.line_id in seen:
                errors.append(ErrorDetail.of(field, "LINE_ALREADY_RECEIVED", line_id=line.line_id))
            elif self.line_status.get(line.line_id) is False:
                errors.append(ErrorDetail.of(field, "LINE_NOT_DONE", line_id=line.line_id))
            elif not self._receivable(line.line_id):
                errors.append(ErrorDetail.of(field, "LINE_NOT_DELIVERED", line_id=line.line_id,
                                             state_label=STATE_LABELS[self.state]))
            seen.add(line.line_id)
        if errors:
            raise DomainError(errors)
        received = dict(self.reception)
        for line in lines:
            reservations = [Reservation(reservation_id=r.reservation_id or f"{line.line_id}-R{j}", line_id=line.line_id,
                                        description=r.description, made_at=at)
                            for j, r in enumerate(line.reservations, start=1)]
            received[line.line_id] = LineReception(reception_id=reception_id, received_at=at, reservations=reservations)
        return self.model_copy(update={"reception": received})

    def _receivable(self, line_id: str) -> bool:
        if self.state in (OrderState.COMPLETED, OrderState.RECEIVED, OrderState.INVOICED):
            return self.line_status.get(line_id) is not False
        return self.line_status.get(line_id) is True  # delivered before the end: a mission's milestone

    def lift(self, reservation_id: str, at: dt.datetime, comment: str | None) -> tuple[Order, Reservation]:
        """The order with that reservation lifted, or DomainError (unknown, or lifted already)."""
        from shared.domain.errors import DomainError

        for line_id, rec in self.reception.items():
            for i, r in enumerate(rec.reservations):
                if r.reservation_id != reservation_id:
                    continue
                if not r.open:
                    raise DomainError([ErrorDetail.of("$.reservation_id", "RESERVATION_ALREADY_LIFTED",
                                                      reservation_id=reservation_id)])
                lifted = r.model_copy(update={"lifted_at": at, "lifting_comment": comment})
                reservations = [*rec.reservations[:i], lifted, *rec.reservations[i + 1:]]
                reception = {**self.reception, line_id: rec.model_copy(update={"reservations": reservations})}
                return self.model_copy(update={"reception": reception}), lifted
        raise DomainError([ErrorDetail.of("$.reservation_id", "RESERVATION_NOT_FOUND", reservation_id=reservation_id)])

    def apply(self, change: StateChange, actor: Actor, now: dt.datetime) -> Order:
        """Return the order after ``change``, or raise DomainError listing every problem."""
        from shared.domain.errors import DomainError

        errors = list(self.check(change, actor, now))
        if errors:
            raise DomainError(errors)
        updates: dict[str, object] = {}
        for name in _CARRIED_FIELDS:
            value = getattr(change, name, None)
            if value is not None:
                updates[name] = value
        if change.line_statuses:
            updates["line_status"] = {**self.line_status, **{s.line_id: s.done for s in change.line_statuses}}
        target = change.state
        if target is not None and target != self.state:
            updates["state"] = target
            updates["state_reason"] = change.reason
            updates["state_before_hold"] = self.state if target is OrderState.ON_HOLD else None
        if change.sequence is not None:
            updates["last_sequence"] = change.sequence
        updates["last_event_at"] = change.occurred_at
        return self.model_copy(update=updates)

    def check(self, change: StateChange, actor: Actor, now: dt.datetime) -> list[ErrorDetail]:
        """Every reason why ``change`` cannot apply to this order (empty when it can)."""
        errors: list[ErrorDetail] = []
        if change.occurred_at > now + CLOCK_SKEW_TOLERANCE:
            errors.append(ErrorDetail.of("$.occurred_at", "OCCURRED_IN_FUTURE", occurred_at=change.occurred_at.isoformat()))
        errors.extend(dated_before_issue(change, self.issued_at, self.time_zone()))
        if change.sequence is not None:
            if change.sequence <= self.last_sequence:
                errors.append(ErrorDetail.of("$.sequence", "SEQUENCE_OUTDATED", sequence=change.sequence, last=self.last_sequence))
            elif change.sequence > self.last_sequence + 1:
                errors.append(ErrorDetail.of("$.sequence", "SEQUENCE_GAP", sequence=change.sequence, expected=self.last_sequence + 1))
        if self.state in TERMINAL_STATES:
            errors.append(ErrorDetail.of("$.state", "ORDER_TERMINATED", state_label=STATE_LABELS[self.state]))
            return errors
        known_lines = {line.line_id for line in self.lines}
        for i, status in enumerate(change.line_statuses or ()):
            if status.line_id not in known_lines:
                errors.append(ErrorDetail.of(f"$.line_statuses[{i}].line_id", "UNKNOWN_LINE", line_id=status.line_id))
            elif not status.done and status.line_id in self.reception:
                # A6 done per line: the client recorded the service done on it; « réalisée » again changes nothing
                errors.append(ErrorDetail.of(f"$.line_statuses[{i}].done", "LINE_RECEIVED_NOT_UNDONE",
                                             line_id=status.line_id))
        merged = self._merged(change)
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            a, b = merged.get(start), merged.get(end)
            if a is not None and b is not None and b < a and (getattr(change, start) or getattr(change, end)):
                errors.append(ErrorDetail.of(f"$.{end}", "INVALID_PERIOD", start=a.isoformat(), end=b.isoformat()))
        if change.appointment and change.appointment.end and change.appointment.end < change.appointment.start:
            errors.append(ErrorDetail.of("$.appointment.end", "INVALID_PERIOD",
                                         start=change.appointment.start.isoformat(), end=change.appointment.end.isoformat()))
        target = change.state
        if target is not None and target != self.state:
            errors.extend(self._check_transition(target, actor, merged))
        return errors

    def issue_day(self) -> dt.date:
        """The day the order was issued, on its own clock: no date it carries may fall before."""
        return self.issued_at.astimezone(self.time_zone()).date()

    def issued_in_french(self) -> str:
        return french_instant(self.issued_at, self.time_zone())

    def time_zone(self) -> ZoneInfo:
        """The order's clock (B18: its territory's; Paris for an order stored before orders kept their territory)."""
        return ZoneInfo(territory(self.territory).time_zone) if self.territory else PARIS

    def _merged(self, change: StateChange) -> dict[str, object]:
        merged = {name: getattr(self, name) for name in _CARRIED_FIELDS} | self.facts()
        for name in _CARRIED_FIELDS:
            value = getattr(change, name, None)
            if value is not None:
                merged[name] = value
        merged["reason"] = change.reason
        return merged

    def _check_transition(self, target: OrderState, actor: Actor, merged: dict[str, object]) -> list[ErrorDetail]:
        candidates = [t for t in open_transitions(self) if t.to is target]
        labels = {"from_label": STATE_LABELS[self.state], "to_label": STATE_LABELS[target]}
        if not candidates:
            allowed = allowed_targets(self)
            names = ", ".join(f"« {STATE_LABELS[s]} » ({s.value})" for s in allowed) or "aucun"  # French first
            return [ErrorDetail.of("$.state", "ILLEGAL_TRANSITION", allowed=names, **labels)]
        transition = candidates[0]
        if actor not in transition.by:
            only = next(a for a in Actor if a in transition.by)
            return [ErrorDetail.of("$.state", "TRANSITION_NOT_ALLOWED_FOR_ACTOR", actor_label=ACTOR_LABELS[only], **labels)]
        return [
            ErrorDetail.of(req.field, "MISSING_FIELD_FOR_TRANSITION", requirement=req.label, **labels)
            for req in transition.requires
            if not req.met(merged)
        ]


# Execution fields a report may carry; they overwrite the order's value when present.
_CARRIED_FIELDS = (
    "progress", "site_lead", "planned_start", "planned_end", "appointment",
    "actual_start", "actual_end", "invoice_date",
)


# --- the transition table -------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    field: str  # JSONPath reported when the requirement is not met
    label: str  # French only, completes "Le passage à l'état X exige …" (the API field is `field`)
    met: Callable[[dict[str, object]], bool]


PLANNED_OR_APPOINTMENT = Requirement(
    "$.planned_start",
    "des dates de début et de fin prévues ou un rendez-vous",
    lambda d: (d["planned_start"] is not None and d["planned_end"] is not None) or d["appointment"] is not None,
)
ACTUAL_START = Requirement("$.actual_start", "la date de début réelle", lambda d: d["actual_start"] is not None)
ACTUAL_END = Requirement("$.actual_end", "la date de fin réelle", lambda d: d["actual_end"] is not None)
INVOICE_DATE = Requirement("$.invoice_date", "la date d'émission de la facture", lambda d: d["invoice_date"] is not None)
REASON = Requirement("$.reason", "un motif", lambda d: bool(d["reason"]))
# Service done (B7, B10): the contractor's attestation attached, or the client's explicit reception.
SERVICE_DONE = Requirement(
    "$.lines", "une attestation de service fait déposée ou une réception explicite des lignes", lambda d: bool(d["service_done_documents"]) or bool(d["reception"]))
INVOICE = Requirement("$.invoice_number", "une facture acceptée portant sur des lignes réceptionnées",
                      lambda d: bool(d["invoices"]))
NO_OPEN_RESERVATION = Requirement("$.reservations", "la levée de toutes les réserves",
                                  lambda d: not d["open_reservations"])


@dataclass(frozen=True)
class Transition:
    to: OrderState
    by: frozenset[Actor]
    requires: tuple[Requirement, ...] = ()


CONTRACTOR = frozenset({Actor.CONTRACTOR})
MANAGER = frozenset({Actor.MANAGER})
EITHER = frozenset({Actor.CONTRACTOR, Actor.MANAGER})
PLATFORM = frozenset({Actor.PLATFORM})
S = OrderState

_HOLD = Transition(S.ON_HOLD, EITHER, (REASON,))
_CANCEL = Transition(S.CANCELLED, MANAGER, (REASON,))
_CANNOT = Transition(S.CANNOT_COMPLETE, CONTRACTOR, (REASON,))

TRANSITIONS: dict[OrderState, tuple[Transition, ...]] = {
    S.TO_ACKNOWLEDGE: (Transition(S.ACKNOWLEDGED, CONTRACTOR), _CANCEL, _CANNOT),
    S.ACKNOWLEDGED: (Transition(S.SCHEDULED, CONTRACTOR, (PLANNED_OR_APPOINTMENT,)), _HOLD, _CANCEL, _CANNOT),
    S.SCHEDULED: (Transition(S.IN_PROGRESS, CONTRACTOR, (ACTUAL_START,)), _HOLD, _CANCEL, _CANNOT),
    S.IN_PROGRESS: (Transition(S.COMPLETED, CONTRACTOR, (ACTUAL_END,)), _HOLD, _CANCEL, _CANNOT),
    # Reception is the client's (B7, B10); invoicing needs an accepted invoice on received lines.
    S.COMPLETED: (Transition(S.RECEIVED, MANAGER, (SERVICE_DONE,)),),
    S.RECEIVED: (Transition(S.INVOICED, CONTRACTOR, (INVOICE, INVOICE_DATE)),),
    # Closed by the client once every reservation is lifted, or by the chain once the invoice is paid;
    # an invoice the chain rejects sends the order back to received (docs/invoicing.md).
    S.INVOICED: (Transition(S.CLOSED, MANAGER | PLATFORM, (NO_OPEN_RESERVATION,)), Transition(S.RECEIVED, PLATFORM)),
    # Resuming goes back to the state the order was in when it was suspended.
    S.ON_HOLD: (
        Transition(S.ACKNOWLEDGED, EITHER),
        Transition(S.SCHEDULED, EITHER, (PLANNED_OR_APPOINTMENT,)),
        Transition(S.IN_PROGRESS, EITHER),
        _CANCEL,
        _CANNOT,
    ),
    S.CLOSED: (),
    S.CANCELLED: (),
    S.CANNOT_COMPLETE: (),
}


def open_transitions(order: Order) -> list[Transition]:
    """The rows of ``TRANSITIONS`` open to this order now: those of its state, except that an
    order on hold resumes only to the state it left (it may still be cancelled or declared
    impossible). ``Order.check``, ``allowed_targets`` and ``next_states`` all read this."""
    transitions = list(TRANSITIONS.get(order.state, ()))
    if order.state is OrderState.ON_HOLD:
        transitions = [t for t in transitions if t.to not in HOLDABLE_STATES or t.to is order.state_before_hold]
    return transitions


def allowed_targets(order: Order) -> list[OrderState]:
    return [t.to for t in open_transitions(order)]


def next_states(order: Order, actor: Actor | None) -> list[OrderState]:
    """The states ``actor`` may move this order to next, in the table's order (none for no actor).

    What a form offers; the requirements of each move (dates, reason) are still checked when the
    report arrives (``Order.check``), as is everything else."""
    if actor is None:
        return []
    return [t.to for t in open_transitions(order) if actor in t.by]


# --- what changes an order -----------------------------------------------------------------


class StateChange(Model):
    """What any party reports about an order's execution; shared by both actors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    occurred_at: AwareDatetime = Field(description=(
        "When the event happened, with its time zone: at most 2 minutes in the future (OCCURRED_IN_FUTURE) and "
        "at most 2 minutes before the order's issued_at (OCCURRED_BEFORE_ORDER). The dates the report carries "
        "(planned, appointment, actual, invoice) fall on the order's issue day or later (DATE_BEFORE_ORDER)."))
    sequence: int | None = None
    state: OrderState | None = None
    reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    progress: Annotated[int, Field(ge=0, le=100)] | None = None
    site_lead: SiteLead | None = None
    planned_start: AwareDatetime | None = None
    planned_end: AwareDatetime | None = None
    appointment: Appointment | None = None
    actual_start: AwareDatetime | None = None
    actual_end: AwareDatetime | None = None
    invoice_date: dt.date | None = None
    line_statuses: list[LineStatus] | None = None
