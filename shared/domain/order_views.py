"""What get_order answers (A11 live view): the order, its total, where the caller may move it next and
its history. Built by shared/service/orders.py (``order_view``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model
from shared.domain.order_moves import NextMove
from shared.domain.orders import Actor, Order, OrderState


class OrderEvent(Model):
    """One entry of an order's history, as stored in the manager's space (oldest first)."""

    model_config = ConfigDict(extra="allow", frozen=True, title="OrderEvent")

    event_id: str = Field(description=(
        "s<sequence on 7 digits> for a contractor report, m<hash> for a manager decision, `issued` for the first "
        "entry of an order the platform issued itself (kind `issued`), `received` for the first entry of an order "
        "its client sent (kind `received`)."))
    kind: Literal["issued", "received", "reception", "reservation_lifted", "invoice", "invoice_status",
                   "node_changed"] | None = Field(
        default=None, description=(
            "What the entry records when it is neither a contractor's report nor a client's decision (null for "
            "those): `issued`, how an order the platform issued itself came to be — from a quote accepted (A2.4, "
            "`quote_id`, `accepted_by`, `by`) or a mission framed (B10, `mission_id`), its first entry; `received`, "
            "an order its client sent (A2.3 receive_order: `received_from`, `received_via`, `by`), its first entry; "
            "`reception`, a "
            "reception by lines; `reservation_lifted`, a reservation lifted; `invoice`, an invoice submitted; `invoice_status`, a "
            "Chorus Pro status; `node_changed`, the order attached to another node of the property tree (A7)."))
    actor: Actor
    channel: Literal["pubsub", "rest"]
    label: str
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    state_before: OrderState
    state_after: OrderState
    reason: str | None = Field(default=None, description="Manager decisions only.")
    sequence: int | None = Field(default=None, description="Contractor reports only.")
    code: str | None = Field(default=None, description="Contractor reports only: event.code.")
    message_key: str | None = Field(default=None, description="Contractor reports only: the deduplication key.")
    delay_seconds: float | None = Field(default=None, description="Contractor reports only (A5).")
    late: bool | None = Field(default=None, description="Contractor reports only: delay over 15 minutes (A5).")
    report: dict[str, Any] | None = Field(default=None, description="Contractor reports only: the report as accepted.")
    quote_id: str | None = Field(default=None, description="Kind `issued` from a quote: the quote accepted (A2.4).")
    accepted_by: str | None = Field(default=None, description=(
        "Kind `issued` from a quote: the name of the client that accepted it (its registry record), else its id."))
    mission_id: str | None = Field(default=None, description="Kind `issued` from a mission: the mission framed (B10).")
    received_from: str | None = Field(default=None, description=(
        "Kind `received`: the name of the client that sent the order (its registry record), else its id."))
    received_via: Literal["api", "web"] | None = Field(default=None, description=(
        "Kind `received`: `web`, sent by a person signed in through the web application (« Nouvelle commande », from "
        "its origin); `api`, through the API (the client's ERP, a machine identity, or any other caller)."))
    by: str | None = Field(default=None, description=(
        "Kinds `received` and `issued` from a quote, when known: who sent the order or accepted the quote — a person's "
        "uid, or a machine identity's service account. Nothing else of the token (no e-mail)."))
    by_name: str | None = Field(default=None, description=(
        "With `by`, a person's display name when their token carries one (the history's label names them)."))


class MilestoneDeliverables(Model):
    """A mission's milestone (the order line of the same id), the deliverables a document may name for it and its
    days as the titulaire's timesheets follow them (B11 mission follow-up). Days are decimals written as strings
    (« 3.5 »)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MilestoneDeliverables")

    milestone_id: str
    label: str
    deliverables: list[str] = Field(description="The milestone's deliverables, then the mission's (B11).")
    days_planned: int = Field(description="The milestone's days, as framed: its budget in days (B11).")
    days_reported: str = Field(description="The days the timesheets declared on it so far.")
    days_on_site_reported: str = Field(description="Of those, the days on site (the frais-annexes line follows them).")
    days_remaining: str = Field(description="days_planned − days_reported: what a timesheet may still declare on it.")


class MissionTimesheet(Model):
    """One timesheet the titulaire declared on the mission (B11 mission follow-up), as recorded."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionTimesheet")

    timesheet_id: str
    milestone_id: str
    period_start: dt.date
    period_end: dt.date
    days: str = Field(description="The days worked over the period, a decimal written as a string (« 4.5 »).")
    days_on_site: str = Field(description=(
        "Of them, the days on site the platform counted: as declared, or the mission's default when absent "
        "(all on an on-site mission, none on a remote one)."))
    comment: str | None = None
    submitted_at: AwareDatetime


class MissionChange(Model):
    """A change of the mission's professional (B12 replacement), as the titulaire sees it on the order."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionChange")

    reason: Literal["departure", "insufficiency"]
    requested_at: AwareDatetime
    leaving_professional_id: str
    due: dt.date = Field(description="The replacement's last day (D5 departure, D6 insufficiency).")
    replaced_by: str | None = Field(default=None, description="null while the replacement is awaited.")
    replaced_at: AwareDatetime | None = None


class OrderMission(Model):
    """What a mission's order carries besides its lines (B11 mission follow-up): its milestones' deliverables and days
    (planned, declared, left), the timesheets declared; who does the mission now and its changes of professional (B12 replacement)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderMission")

    mission_id: str
    milestones: list[MilestoneDeliverables]
    work_mode: str | None = Field(default=None, description=(
        "The need's work mode kept at framing (on_site, remote, mixed): a timesheet's days_on_site is required on a "
        "mixed mission, refused above 0 on a remote one. null on a mission framed before it was kept."))
    professional_id: str | None = Field(default=None, description=(
        "The professional doing the mission now: the replacement once the operator has named it (B12)."))
    replacement_requested: bool = Field(default=False, description="A replacement is awaited (B12).")
    replacements: list[MissionChange] = Field(default_factory=list, description="Oldest first.")
    professional_names: dict[str, str] = Field(default_factory=dict, description=(
        "The name of each professional the mission names — the one doing it now, and who left and replaced whom — "
        "by id, from the pool's records read at once (B12 replacement); a record erased is absent: its id is shown."))
    timesheets: list[MissionTimesheet] = Field(default_factory=list, description=(
        "The timesheets declared on the mission (B11), by period (earliest first), then by declaration."))


class OrderView(Model):
    """What get_order answers: the live order, its total and its history (A11)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderView")

    order: Order
    total_cents: int = Field(description="Sum of the lines, quantity × unit price, rounded half up, in euro cents.")
    territory: str = Field(description=(
        "B18: the order's territory (an INSEE département code such as 69 or 972, or a collectivité code such as NC), "
        "chosen at issue by the rule its deadlines count in: its site's commune, its node's, its contract's one "
        "territory, its manager's own, else 75."))
    time_zone: str = Field(description=(
        "B18: the IANA time zone of that territory (Europe/Paris, America/Martinique, Indian/Reunion…): the web app "
        "shows the order's times and reads the times typed in its forms on this clock."))
    time_zone_label: str = Field(description=(
        "B18: that clock's name, in French (« Heures de la Martinique »; « Heures de Paris » in metropolitan France)."))
    next_states: list[OrderState] = Field(
        description="The states the caller's role may move the order to next, read from the state machine's "
                    "transition table (an order on hold: back to the state it left, or a stop). The contractor's "
                    "form offers these; each move's requirements (dates, reason) are still checked when the report "
                    "arrives. Empty for a beneficiary and for a closed, cancelled or impossible order.")
    next_moves: list[NextMove] = Field(
        description="The same moves, each with what it requires (dates, reason) and the report fields that "
                    "satisfy it, read from the same transition table: the web form asks only for those.")
    events: list[OrderEvent]
    updated_at: AwareDatetime | None = Field(default=None, description=(
        "A11 real-time view: when the platform last changed the order or what its screens show beside it (a "
        "timesheet, a document, a deliverable's decision, a replacement), the instant watch_orders' events carry: "
        "an event no later than it is already shown. null for an order stored before the platform kept it."))
    mission: OrderMission | None = Field(default=None, description=(
        "A mission's order only (B11): its milestones and the deliverables a `deliverable` document "
        "(store_report, request_report_upload) may name. null for any other order."))
