"""Wire messages: what managers, contractors and the platform send each other.

These pydantic models are the single source of the JSON Schemas, the OpenAPI document and
the AsyncAPI document in ``docs/contracts`` (see ``devtools/contracts``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.domain.base import Model
from shared.domain.errors import ErrorDetail
from shared.domain.event_types import CONTRACTOR_EVENT_TYPES, EventType  # noqa: F401 (re-exported)
from shared.domain.orders import Identifier, OrderLine, OrderState, SiteRef, StateChange, Text
from shared.domain.reception import PublicInvoicing


class IssueOrder(Model):
    """A manager's ERP sends an order to one of its contractors (POST receive_order)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="IssueOrder")

    order_id: Identifier
    contract_id: Identifier
    lot: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")] | None = None  # checked against the contract's lots (A13)
    contractor_id: Identifier
    title: Text
    description: Annotated[str, Field(max_length=5000)] | None = None
    site: SiteRef
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=500)]
    issued_at: Annotated[AwareDatetime, Field(description=(
        "When the manager issued the order, with its time zone: at most 2 minutes ahead of the platform's clock "
        "(ISSUED_IN_FUTURE, A2.3 Orders); the contractor's events may not be dated before it (OCCURRED_BEFORE_ORDER)."))]
    requested_start: dt.date | None = None
    requested_end: dt.date | None = None
    public_invoicing: PublicInvoicing | None = None  # buyer SIRET, service code, engagement number (Chorus Pro)

    @field_validator("lines")
    @classmethod
    def _unique_line_ids(cls, lines: list[OrderLine]) -> list[OrderLine]:
        seen: set[str] = set()
        for line in lines:
            if line.line_id in seen:
                raise PydanticCustomError("DUPLICATE_VALUE", "Valeur en double : « {value} ».", {"value": line.line_id})
            seen.add(line.line_id)
        return lines


class ExecutionEventInfo(Model):
    """The event itself, as the contractor names it (A6: each event's date-time and label)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    label: Text
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")] | None = None


class ReportExecution(StateChange):
    """A contractor's execution message about one order (Pub/Sub data or REST body).

    ``sequence`` counts the contractor's messages for this order from 1, without gaps: a
    message older than the last applied one is rejected (SEQUENCE_OUTDATED) and a message
    that skips a number is rejected (SEQUENCE_GAP) — never held, never applied out of order.
    """

    # The wire name stays ExecutionReport: connectors generate code from that JSON Schema.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExecutionReport")

    manager_id: Identifier
    order_id: Identifier
    sequence: Annotated[int, Field(ge=1, le=1_000_000)]
    event: ExecutionEventInfo


class ChangeOrderState(Model):
    """A manager moves one of its orders: cancel, suspend, resume, receive or close."""

    # The wire name stays ManagerDecision: manager ERPs generate code from that JSON Schema.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ManagerDecision")

    order_id: Identifier
    occurred_at: AwareDatetime
    state: OrderState
    reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = None

    def as_change(self) -> StateChange:
        return StateChange(occurred_at=self.occurred_at, state=self.state, reason=self.reason)


class ReplyStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class MessageRef(Model):
    """Which message a reply answers: its CloudEvents source and id (the dedup key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    id: str
    type: str | None = None
    channel: str


class Reply(Model):
    """The platform's answer to every contractor message (A4), on the reply topic and in HTTP."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Reply")

    status: ReplyStatus
    in_reply_to: MessageRef
    received_at: AwareDatetime
    manager_id: str | None = None
    order_id: str | None = None
    sequence: int | None = None
    order_state: OrderState | None = None
    delay_seconds: float | None = None
    late: bool | None = None
    quote_id: str | None = None  # a quote message (fr.passerelle.quote.submitted.v1)
    quote_version: int | None = None  # the version the accepted submission created
    document_sha256: str | None = None  # a document message: the stored document's id
    invoice_number: str | None = None  # an invoice message (fr.passerelle.invoice.submitted.v1)
    errors: list[ErrorDetail] = Field(default_factory=list)
    # A message sent in validate-only mode (REST ?validate_only=true, bus attribute ce-validateonly):
    # the reply it would get, nothing changed — no order, log, deadline or sequence moved.
    validate_only: bool = False

    @property
    def event_type(self) -> EventType:
        return EventType.REPLY_ACCEPTED if self.status is ReplyStatus.ACCEPTED else EventType.REPLY_REJECTED


# --- What the platform answers and sends besides the models above: a manager's decision as
# delivered to the contractor, and every HTTP error (problem+json).


class OrderStateChanged(Model):
    """A manager's decision applied to an order, as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.order.state_changed.v1)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderStateChanged")

    manager_id: str = Field(description="The manager (private space) that owns the order.")
    order_id: str
    state: OrderState = Field(description="The state the order is in now.")
    previous_state: OrderState = Field(description="The state the order was in before the decision.")
    reason: str | None = Field(default=None, description="The manager's reason (always sent, null when none).")
    occurred_at: AwareDatetime = Field(description="When the manager took the decision.")


class Problem(Model):
    """An HTTP error (RFC 9457, application/problem+json) with every error found."""

    model_config = ConfigDict(frozen=True, title="Problem")

    type: str = Field(description="https://passerelle.fr/problems/<first error code in kebab case>, or about:blank.")
    title: str = Field(description="Short French title of the HTTP status.")
    status: int = Field(ge=400, le=599, description="The HTTP status, repeated.")
    detail: str = Field(description="The French messages of every error, joined with « ; ».")
    errors: list[ErrorDetail] = Field(
        description="Every error found: field (JSONPath or header.X / query.X), stable code, French message.")
    correlation_id: str = Field(description="Also in the X-Correlation-Id header; quote it when contacting support.")
    instance: str | None = Field(
        default=None, description="The request path, when the problem was found before the operation ran.")
    reply: Reply | None = Field(
        default=None,
        description="submit_execution only: the reply recorded for the rejected message, also published on "
                    "replies-<contractor>.")
