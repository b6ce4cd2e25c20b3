"""What get_sourcing answers (one of seven views, chosen by ?view=), the operator's list of the missions
awaiting a replacement and its search of the pool for one (B12 replacement: ``view=replacements``,
``view=replacement_candidates``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model, Root
from shared.domain.contract_terms import AgreementView
from shared.domain.errors import ErrorDetail
from shared.domain.orders import OrderState
from shared.domain.sourcing.deliverable_views import DeliverableFollowUp
from shared.domain.sourcing.process import Mission, NeedRecord, Replacement, notice_period
from shared.domain.sourcing.records import (
    AvailabilityPeriod, BeneficiaryList, ExtraCosts, Level, NeedContent, PoolStatistics, ServiceType,
)
from shared.domain.territories import RecordClock


# --- What get_sourcing answers: a need with its versions, a mission with its order and budget (B11),
# or the pool statistics (B14).


class NeedVersionView(Model):
    """One version of a need: what the beneficiary asked, and the ranked result once scored."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="NeedVersionView")

    version: int = Field(ge=1)
    content: NeedContent | None
    result: dict[str, Any] | None = Field(description=(
        "null until score_candidates ran. Otherwise: need_id, version, scored_at, index_revision, candidates "
        "(ranked: professional_id, name, rank, total, partial, criteria, filters, missed, matched_terms, "
        "daily_rate_cents, explanation in French), partial, pool_size, full_matches, weights, filters, query_terms."))


class NeedView(NeedRecord, RecordClock):
    """What get_sourcing?view=need answers. Built by shared.service.sourcing.needs.read_need; its clock (B18) is its
    beneficiary's territory's, where its D4 counts."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="NeedView")

    versions: list[NeedVersionView] = Field(description="Every version, oldest first.")
    conflict_declaration_required: bool = Field(default=False, description=(
        "Whether the beneficiary must sign the conflict-of-interest declaration to frame the mission (B13 conflict "
        "of interest; frame_mission refuses CONFLICT_DECLARATION_REQUIRED without it)."))
    mission_title: str | None = Field(default=None, description=(
        "B11: the title of the need's mission, its order's (« Mission : <the need's title> »), read with the need in "
        "one batch read; null before a mission is framed, or when its order is not found."))


class MissionOrderSummary(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionOrderSummary")

    order_id: str
    title: str | None = Field(default=None, description=(
        "The order's title, « Mission : <the need's title> » — what the mission screen is called (B11)."))
    state: OrderState
    total_cents: int
    progress: int | None
    invoice_date: dt.date | None


class MissionBudget(Model):
    """B11: consumed = the amount of the order lines (milestones) reported done; timesheets = the days reported
    at the daily rate and the days on site reported with their frais annexes; received and invoiced as the
    order counts them (docs/invoicing.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionBudget")

    planned_cents: int
    ordered_cents: int
    consumed_cents: int
    remaining_cents: int
    timesheet_cents: int
    received_cents: int
    invoiced_cents: int


class MilestoneFollowUp(Model):
    """One milestone as followed (B11): days planned and reported, delivered, received, invoiced."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MilestoneFollowUp")

    milestone_id: str
    label: str
    days: int
    deliverables: list[str]
    days_reported: Decimal
    days_on_site_reported: Decimal = Field(default=Decimal(0), description="Of the days reported, those on site.")
    delivered: bool = Field(description="The order line of the milestone reported done by the titulaire.")
    received: bool
    days_invoiced: Decimal
    deliverables_follow_up: list[DeliverableFollowUp] = Field(default_factory=list, description=(
        "Each deliverable of the milestone, then each of the mission's delivered for this milestone: "
        "attendu, or remis with its documents and the beneficiary's decision on the latest."))
    deliverables_accepted: bool = Field(default=False, description=(
        "Every deliverable of deliverables_follow_up accepted (true when there is none). Reception of the "
        "milestone's line does not wait for it."))


class ExtraCostsFollowUp(Model):
    """The frais-annexes line of a mission's order as the timesheets follow it (B11): the days on site reported
    against the line's days, their amount, what is left; received and invoiced as the order counts them."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ExtraCostsFollowUp")

    line_id: str = Field(description="The order line: frais-annexes.")
    unit_price_cents: int = Field(description="The frais annexes of one day on site.")
    days_planned: Decimal = Field(description="The line's quantity: the mission's planned days.")
    days_on_site_reported: Decimal
    amount_cents: int = Field(description="days_on_site_reported × unit_price_cents.")
    remaining_days: Decimal
    remaining_cents: int
    received: bool
    days_invoiced: Decimal = Field(description="At most the days on site reported (docs/invoicing.md).")


class ReplacementPreview(Model):
    """B12 replacement: the day a replacement for insufficiency asked now would be due (D6), planned by the rule
    request_replacement applies — 10 working days on the beneficiary's territory calendar, its agreement's terms in
    force — so that the request form shows the day the platform would record."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ReplacementPreview")

    code: str = Field(description="D6.")
    as_of: AwareDatetime = Field(description="The instant the preview was planned from (the answer's time).")
    due: dt.date = Field(description="The replacement's last day if it is requested at as_of, in the territory.")
    due_at: AwareDatetime = Field(description="The end of that day: D6's due instant.")
    territory: str = Field(description="Whose working-day calendar counts: the beneficiary's territory.")


class ReplacementNotice(Model):
    """B12 replacement: the notice a planned departure needs on this mission, from the notice table by the mission's
    length (``notice_period``, shared/domain/deadlines.py NOTICE_TABLE): the request form warns, before it is sent,
    when the departure comes sooner than the notification plus this length — the rule request_replacement records as
    ``notice_respected``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ReplacementNotice")

    amount: int = Field(ge=1, description="The notice's length, in ``unit``.")
    unit: str = Field(description="calendar_days, or calendar_months (counted from the notification, the same day "
                                  "of the next month, the last day of a shorter month).")
    label: str = Field(description="The notice as the replacement names it, in French (« 1 mois (mission de plus de "
                                   "3 mois) »).")

    @classmethod
    def of(cls, start: dt.date, end: dt.date) -> ReplacementNotice:
        notice = notice_period(start, end)
        return cls(amount=notice.length.amount, unit=notice.length.unit.value, label=notice.label)


class MissionView(Mission, RecordClock):
    """What get_sourcing?view=mission answers. Built by shared.service.sourcing.missions.read_mission; its clock (B18)
    is its order's territory's (its beneficiary's, kept on the order at framing)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionView")

    d6_preview: ReplacementPreview | None = Field(default=None, description=(
        "B12: while the mission runs with nobody being replaced (ordered), the D6 due day of a replacement for "
        "insufficiency requested now; absent otherwise."))

    notice: ReplacementNotice | None = Field(default=None, description=(
        "B12: the notice a planned departure of its professional needs (the request form's warning)."))

    order: MissionOrderSummary | None = Field(default=None, description="Absent until the mission's order is stored.")
    budget: MissionBudget | None = Field(default=None, description="Absent until the mission's order is stored.")
    milestones_follow_up: list[MilestoneFollowUp] | None = Field(
        default=None, description="Absent until the mission's order is stored.")
    deliverables_follow_up: list[DeliverableFollowUp] | None = Field(
        default=None, description=("The mission's own deliverables, each delivered for whichever milestone. "
                                   "Absent until the mission's order is stored."))
    extra_costs_follow_up: ExtraCostsFollowUp | None = Field(
        default=None, description=("The frais-annexes line followed by the days on site. Absent until the mission's "
                                   "order is stored, and on an order without frais annexes (a fully remote mission)."))
    updated_at: AwareDatetime | None = Field(default=None, description=(
        "A11 real-time view: the mission's order's updated_at as this view read it — the instant watch_orders' events "
        "carry: an event no later than it is already shown. Absent until the mission's order is stored; null when the "
        "mission or its order changed while the view was read, or for an order stored before the platform kept it."))


class AwaitingReplacement(Model):
    """A mission whose professional leaves or was found insufficient, as the operator finds an equivalent one:
    the profile and rates a replacement must match (B12), and the open request with its D5/D6 deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AwaitingReplacement")

    beneficiary_id: str
    mission_id: str
    need_id: str
    order_id: str
    mission_title: str | None = Field(default=None, description=(
        "The mission's title, its order's (« Mission : <the need's title> »), read with the page's other records in "
        "one batch read; null when the order is not found."))
    beneficiary_name: str | None = Field(default=None, description=(
        "The beneficiary's registered name, read in the same batch; null when its record names none."))
    professional_id: str = Field(description="The professional leaving (or found insufficient).")
    professional_name: str | None = Field(default=None, description=(
        "That professional's name, read from the pool's record (the operator names who leaves); null once the "
        "record is erased."))
    profile_category: str
    level: Level
    service_type: ServiceType
    daily_rate_cents: int
    extra_costs: ExtraCosts
    start_date: dt.date
    end_date: dt.date
    replacement: Replacement = Field(description="The open request: its reason, dates and D5/D6 deadline.")
    time_zone: str = Field(default="Europe/Paris", description=(
        "B18: the IANA time zone of the territory the open request's D5/D6 counts in (its beneficiary's, the mission's "
        "clock; from the request's own record, Europe/Paris when it names none): the web app shows the row's times "
        "on it."))


class AwaitingReplacementList(Model):
    """get_sourcing?view=replacements (operator): the missions awaiting a replacement, the one due soonest first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AwaitingReplacementList")

    missions: list[AwaitingReplacement]
    count: int
    truncated: bool


class ReplacementCandidate(Model):
    """A professional of the pool found by the operator's search for a replacement, with what the replacement
    rules (``replacement_errors``, B12) say of it today: ``eligible``, or each refusal ``replace_professional``
    would give."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ReplacementCandidate")

    professional_id: str
    name: str
    profile_category: str
    level: Level
    service_types: list[ServiceType]
    region: str
    daily_rate_cents: int
    extra_costs: ExtraCosts
    skills: list[str]
    availability: list[AvailabilityPeriod]
    eligible: bool = Field(description="Whether the replacement rules accept it today (no refusal).")
    refusals: list[ErrorDetail] = Field(description=(
        "What replace_professional {action: propose} would refuse, each with its field, code and French message "
        "(REPLACEMENT_NOT_EQUIVALENT, REPLACEMENT_RATE_MISMATCH, REPLACEMENT_EXTRA_COSTS_MISMATCH, "
        "REPLACEMENT_NOT_AVAILABLE…); empty when eligible."))


class ReplacementCandidateList(Model):
    """get_sourcing?view=replacement_candidates (operator): the whole pool searched for one mission's replacement,
    the mission's profile and rates first, at most ``limit`` professionals."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ReplacementCandidateList")

    beneficiary_id: str
    mission_id: str
    professional_id: str = Field(description="Who does the mission now (left out of the search).")
    first_day: dt.date = Field(description=(
        "The replacement's first day (the latest of the mission's start, the departure and today in Paris): "
        "availability is asked from it to end_date."))
    end_date: dt.date
    candidates: list[ReplacementCandidate]
    count: int
    matched: int = Field(description="Active professionals passing the filters, before the limit.")
    truncated: bool
    index_revision: int | None = None


class SourcingView(Root[NeedView | MissionView | PoolStatistics | AgreementView | BeneficiaryList
                        | AwaitingReplacementList | ReplacementCandidateList]):
    """What get_sourcing answers: one of seven views, chosen by ?view= (``agreement``: the beneficiary's
    agreement and its penalty terms versions, A9 penalties; ``beneficiaries``: the registered
    beneficiaries, B1 parties; ``replacements``: the missions awaiting a replacement, and
    ``replacement_candidates``: the pool searched for one of them, B12 replacement)."""

    model_config = ConfigDict(title="SourcingView")
