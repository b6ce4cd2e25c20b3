"""The search process as data (B3, B10–B13): need, proposal and mission state machines,
the replacement notice table and the equivalence check of a replacement (B12).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.counts import plural
from shared.domain.deadlines import Notice, notice_for  # noqa: F401  (Notice: re-exported for the services)
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Identifier
from shared.domain.sourcing.records import (
    LEVEL_LABELS, AvailabilityPeriod, ExtraCosts, Level, Professional,
    ServiceType, WorkMode,
)
from shared.domain.base import Record


class SourcingActor(StrEnum):
    BENEFICIARY = "beneficiary"
    OPERATOR = "operator"
    PLATFORM = "platform"


ACTOR_LABELS = {SourcingActor.BENEFICIARY: "bénéficiaire", SourcingActor.OPERATOR: "titulaire (opérateur)",
                SourcingActor.PLATFORM: "plateforme"}


class NeedStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"      # submitted (or relaunched) and acknowledged at once; D4 runs
    SCORED = "scored"                  # score_candidates wrote the ranked result of this version
    PROPOSED = "proposed"              # the operator proposed professionals; D4 stopped
    ACCEPTED = "accepted"              # the beneficiary accepted one proposal
    ABANDONED = "abandoned"            # refused and abandoned
    MISSION_FRAMED = "mission_framed"  # mission framed and its order issued


NEED_LABELS = {
    NeedStatus.ACKNOWLEDGED: "accusé de réception", NeedStatus.SCORED: "résultats calculés",
    NeedStatus.PROPOSED: "professionnels proposés", NeedStatus.ACCEPTED: "proposition acceptée",
    NeedStatus.ABANDONED: "recherche abandonnée", NeedStatus.MISSION_FRAMED: "mission cadrée",
}


@dataclass(frozen=True)
class Move:
    to: NeedStatus
    by: SourcingActor


_B, _O, _P = SourcingActor.BENEFICIARY, SourcingActor.OPERATOR, SourcingActor.PLATFORM
N = NeedStatus

NEED_TRANSITIONS: dict[NeedStatus, tuple[Move, ...]] = {
    N.ACKNOWLEDGED: (Move(N.SCORED, _P), Move(N.ABANDONED, _B)),
    N.SCORED: (Move(N.PROPOSED, _O), Move(N.ABANDONED, _B)),
    N.PROPOSED: (Move(N.ACCEPTED, _B), Move(N.ABANDONED, _B), Move(N.ACKNOWLEDGED, _B)),  # last: relaunch
    N.ACCEPTED: (Move(N.MISSION_FRAMED, _B),),
    N.ABANDONED: (),
    N.MISSION_FRAMED: (),
}


def check_move(current: NeedStatus, target: NeedStatus, actor: SourcingActor, field: str = "$.decision") -> list[ErrorDetail]:
    moves = [m for m in NEED_TRANSITIONS[current] if m.to is target]
    labels = {"from_label": NEED_LABELS[current], "to_label": NEED_LABELS[target]}
    if not moves:
        allowed = ", ".join(NEED_LABELS[m.to] for m in NEED_TRANSITIONS[current]) or "aucun"
        return [ErrorDetail.of(field, "ILLEGAL_TRANSITION", allowed=allowed, **labels)]
    if actor not in {m.by for m in moves}:
        return [ErrorDetail.of(field, "TRANSITION_NOT_ALLOWED_FOR_ACTOR", actor_label=ACTOR_LABELS[moves[0].by], **labels)]
    return []


def require_move(current: NeedStatus, target: NeedStatus, actor: SourcingActor, field: str = "$.decision") -> None:
    errors = check_move(current, target, actor, field)
    if errors:
        raise DomainError(errors)


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class Proposal(Record):
    professional_id: Identifier
    name: str
    rank: int
    total: float
    partial: bool
    missed: list[str] = Field(default_factory=list)
    explanation: str
    daily_rate_cents: int
    guaranteed_until: dt.date
    status: ProposalStatus = ProposalStatus.PROPOSED


class RecordedDeadline(Record):
    """A contractual deadline recorded on a document (D4, D5, D6)."""

    code: str
    started_at: AwareDatetime
    due: dt.date
    unit: str                      # "working_days" | "calendar_days"
    calendar: str                  # how working days were counted ("holidays:<territory>" or "weekdays")
    stopped_at: AwareDatetime | None = None
    met: bool | None = None
    # The deadline service's instance (managers/<beneficiary>/deadlines/<deadline_id>) this date
    # was derived from, and its exact due instant (end of the ``due`` day in the territory).
    deadline_id: str | None = None
    due_at: AwareDatetime | None = None


class NeedRecord(Record):
    """A need in its beneficiary's space; every version's content and result is kept beside it."""

    need_id: Identifier
    beneficiary_id: Identifier
    version: int
    status: NeedStatus
    title: str
    submitted_at: AwareDatetime
    updated_at: AwareDatetime
    d4: RecordedDeadline
    proposals: list[Proposal] = Field(default_factory=list)
    accepted_professional_id: str | None = None
    mission_id: str | None = None
    history: list[dict] = Field(default_factory=list)


class MissionState(StrEnum):
    ORDERED = "ordered"                              # framed; its order is issued (part A machinery)
    REPLACEMENT_REQUESTED = "replacement_requested"  # the professional leaves or is insufficient
    ENDED = "ended"


class ReplacementReason(StrEnum):
    DEPARTURE = "departure"          # the professional leaves (planned or not): D5
    INSUFFICIENCY = "insufficiency"  # the beneficiary finds the work insufficient: D6


class Milestone(Record):
    milestone_id: Identifier
    label: Annotated[str, Field(min_length=1, max_length=200)]
    days: Annotated[int, Field(ge=1, le=1000)]
    due: dt.date
    deliverables: list[str] = Field(default_factory=list)


class ConflictDeclaration(Record):
    """Déclaration d'absence de conflit d'intérêts signed by the professional (B13)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    signed_by: Annotated[str, Field(min_length=1, max_length=200)]
    signed_on: dt.date
    no_conflict: bool
    statement: Annotated[str, Field(max_length=2000)] = ""


class Replacement(Record):
    reason: ReplacementReason
    requested_at: AwareDatetime
    departure_date: dt.date | None = None
    planned: bool = False
    notified_on: dt.date | None = None
    notice_days: int | None = None
    notice_label: str | None = None
    notice_respected: bool | None = None
    deadline: RecordedDeadline
    leaving_professional_id: str
    replaced_by: str | None = None
    replaced_at: AwareDatetime | None = None


# The order line of a mission's frais annexes (B4 extra costs per day on site), followed by the days on site
# of the timesheets (B11).
EXTRA_COSTS_LINE_ID = "frais-annexes"


class Mission(Record):
    mission_id: Identifier
    beneficiary_id: Identifier
    need_id: Identifier
    need_version: int
    professional_id: Identifier
    profile_category: str
    level: Level
    service_type: ServiceType
    daily_rate_cents: int
    extra_costs: ExtraCosts
    start_date: dt.date
    end_date: dt.date
    deliverables: list[str]
    milestones: list[Milestone]
    planned_budget_cents: int
    conflict_declaration: ConflictDeclaration | None = None
    order_id: Identifier
    state: MissionState = MissionState.ORDERED
    framed_at: AwareDatetime
    replacements: list[Replacement] = Field(default_factory=list)
    timesheet_days: dict[str, Decimal] = Field(default_factory=dict)  # milestone_id → days reported (B11)
    # The need's work mode, kept at framing (B11 extra costs); None on a mission framed before it was kept.
    work_mode: WorkMode | None = None
    timesheet_days_on_site: dict[str, Decimal] = Field(default_factory=dict)  # milestone_id → days on site reported

    @property
    def planned_days(self) -> int:
        return sum(m.days for m in self.milestones)

    @property
    def extra_per_day_cents(self) -> int:
        """The frais annexes of one day on site, as budgeted at framing: none on a fully remote mission; on a
        mission framed before its work mode was kept, what the planned budget holds above the daily rate."""
        if self.work_mode is WorkMode.REMOTE:
            return 0
        if self.work_mode is None:
            days = self.planned_days
            return max(self.planned_budget_cents // days - self.daily_rate_cents, 0) if days else 0
        costs = self.extra_costs
        return costs.travel_cents + costs.lodging_cents + costs.meals_cents

    @property
    def extra_costs_days(self) -> int:
        """The quantity of the frais-annexes line: every planned day, when there are frais annexes at all."""
        return self.planned_days if self.extra_per_day_cents else 0

    @property
    def days_reported(self) -> Decimal:
        return sum(self.timesheet_days.values(), Decimal(0))

    @property
    def days_on_site_reported(self) -> Decimal:
        return sum(self.timesheet_days_on_site.values(), Decimal(0))

    @property
    def spent_cents(self) -> int:
        """What the timesheets cost against the budget: every day at the daily rate, every day on site with its
        frais annexes."""
        return _spent(self, self.days_reported, self.days_on_site_reported)


def _spent(mission: Mission, days: Decimal, on_site: Decimal) -> int:
    return int((days * mission.daily_rate_cents + on_site * mission.extra_per_day_cents).to_integral_value())


def days_on_site_of(mission: Mission, days: Decimal, days_on_site: Decimal | None) -> Decimal | None:
    """The days on site a timesheet counts: as given; absent, all its days on an on-site mission, none on a
    remote one, and on a mission framed before its work mode was kept, all its days when frais annexes were
    budgeted (today's averaged cost per day), none otherwise. None: required (a hybrid mission)."""
    if days_on_site is not None:
        return days_on_site
    if mission.work_mode is WorkMode.MIXED:
        return None
    if mission.work_mode is WorkMode.ON_SITE or (mission.work_mode is None and mission.extra_per_day_cents):
        return days
    return Decimal(0)


def timesheet_errors(mission: Mission, milestone_id: str, days: Decimal,
                     days_on_site: Decimal | None = None) -> list[ErrorDetail]:
    """B11 budget kept: a milestone's days are its budget; the days on site follow the frais-annexes line;
    no timesheet may take the mission over its budget, counted exactly: every day at the daily rate, every
    day on site with its frais annexes. ``days_on_site`` as the timesheet gives it (None: absent)."""
    milestone = next((m for m in mission.milestones if m.milestone_id == milestone_id), None)
    if milestone is None:
        return [ErrorDetail.of("$.milestone_id", "MILESTONE_NOT_FOUND", milestone_id=milestone_id)]
    if mission.state is MissionState.ENDED:
        return [ErrorDetail.of("$.mission_id", "MISSION_ENDED")]
    reported = mission.timesheet_days.get(milestone_id, Decimal(0))
    errors = []
    if reported + days > milestone.days:
        errors.append(ErrorDetail.of("$.days", "TIMESHEET_DAYS_EXCEEDED", days=_fr(days), milestone_id=milestone_id,
                                     remaining=_fr(milestone.days - reported), planned=milestone.days))
    on_site = days_on_site_of(mission, days, days_on_site)
    if on_site is None:
        return [*errors, ErrorDetail.of("$.days_on_site", "DAYS_ON_SITE_REQUIRED")]
    if on_site > days:
        errors.append(ErrorDetail.of("$.days_on_site", "DAYS_ON_SITE_ABOVE_DAYS", days_on_site=_fr(on_site),
                                     days=_fr(days)))
    elif mission.work_mode is WorkMode.REMOTE and on_site > 0:
        errors.append(ErrorDetail.of("$.days_on_site", "DAYS_ON_SITE_ON_REMOTE_MISSION", days_on_site=_fr(on_site)))
    elif mission.extra_costs_days and mission.days_on_site_reported + on_site > mission.extra_costs_days:
        errors.append(ErrorDetail.of("$.days_on_site", "EXTRA_COSTS_DAYS_EXCEEDED", days_on_site=_fr(on_site),
                                     remaining=_fr(mission.extra_costs_days - mission.days_on_site_reported),
                                     planned=mission.extra_costs_days))
    before = mission.spent_cents
    cost = _spent(mission, mission.days_reported + days, mission.days_on_site_reported + on_site)
    if cost > mission.planned_budget_cents:
        errors.append(ErrorDetail.of("$.days", "MISSION_BUDGET_EXCEEDED", difference=_cents(cost - mission.planned_budget_cents),
                                     amount=_cents(cost - before), remaining=_cents(mission.planned_budget_cents - before)))
    return errors


def timesheet_period_errors(mission: Mission, start: dt.date, end: dt.date, days: Decimal,
                            today: dt.date) -> list[ErrorDetail]:
    """B11 mission follow-up: a timesheet's period lies within its mission's dates (a day before its start or after
    its end is no day of the mission), it ends no later than ``today`` (the day on the mission's territory calendar:
    days not yet worked are not declared), and its days are no more than the period's days (one day worked a day)."""
    errors = []
    if start < mission.start_date or end > mission.end_date:
        errors.append(ErrorDetail.of("$.period_start" if start < mission.start_date else "$.period_end",
                                     "TIMESHEET_OUTSIDE_MISSION", start=_date(start), end=_date(end),
                                     mission_start=_date(mission.start_date), mission_end=_date(mission.end_date)))
    if today < end <= mission.end_date:  # a period past the mission's end is refused as such, above
        errors.append(ErrorDetail.of("$.period_end", "TIMESHEET_PERIOD_NOT_WORKED", end=_date(end), today=_date(today)))
    period_days = (end - start).days + 1
    if days > period_days:
        errors.append(ErrorDetail.of("$.days", "TIMESHEET_DAYS_ABOVE_PERIOD",
                                     days=plural(days, "jour", shown=_fr(days)), period=plural(period_days, "jour")))
    return errors


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _fr(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def _cents(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


# --- B12: notice table and equivalence -------------------------------------------------------


def notice_period(start: dt.date, end: dt.date, departure_notified: dt.date | None = None) -> Notice:
    """Préavis by mission length (B12), ``end`` the mission's last day: the one rule of
    ``shared.domain.deadlines.notice_for`` (< 1 month → 3 days; 1–3 months → 1 week per started
    month; > 3 months → 1 month, in calendar days from the notification)."""
    return notice_for(start, end, departure_notified)


def replacement_first_day(mission: Mission, replacement: Replacement, today: dt.date) -> dt.date:
    """The replacement's first day (B12): the latest of the mission's start, the departure date of the
    request (when given) and ``today`` (the day of the proposal in Paris)."""
    return max(mission.start_date, replacement.departure_date or mission.start_date, today)


def first_uncovered_day(periods: list[AvailabilityPeriod], start: dt.date, end: dt.date) -> dt.date | None:
    """The first day of ``[start, end]`` (inclusive) in none of ``periods`` (inclusive, in any order,
    overlapping or joined end to end); None when their union covers the span, or when it is empty."""
    day = start
    for period in sorted(periods, key=lambda p: p.start):
        if day > end or period.start > day:
            break
        day = max(day, period.end + dt.timedelta(days=1))
    return day if day <= end else None


def replacement_errors(mission: Mission, candidate: Professional, first_day: dt.date) -> list[ErrorDetail]:
    """Equivalent profile at the same rates (B12): same category and level, same daily rate
    and extra costs, the mission's service type, and available over the rest of the mission —
    every day from ``first_day`` (``replacement_first_day``) to the mission's end, inclusive."""
    errors: list[ErrorDetail] = []
    if candidate.professional_id == mission.professional_id:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_SAME_PROFESSIONAL"))
    if candidate.profile_category != mission.profile_category:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_NOT_EQUIVALENT", detail=(
            f"catégorie « {candidate.profile_category} » au lieu de « {mission.profile_category} »")))
    if candidate.level != mission.level:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_NOT_EQUIVALENT", detail=(
            f"niveau {LEVEL_LABELS[candidate.level]} au lieu de {LEVEL_LABELS[mission.level]}")))
    if mission.service_type not in candidate.service_types:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_NOT_EQUIVALENT",
                                     detail=f"ne réalise pas de prestations {mission.service_type.value}"))
    if candidate.daily_rate_cents != mission.daily_rate_cents:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_RATE_MISMATCH",
                                     actual=f"{_cents(candidate.daily_rate_cents)} €",
                                     expected=f"{_cents(mission.daily_rate_cents)} €"))
    if candidate.extra_costs != mission.extra_costs:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_EXTRA_COSTS_MISMATCH"))
    missing = first_uncovered_day(candidate.availability, first_day, mission.end_date)
    if missing is not None:
        errors.append(ErrorDetail.of("$.professional_id", "REPLACEMENT_NOT_AVAILABLE", start=first_day.isoformat(),
                                     end=mission.end_date.isoformat(), missing=missing.isoformat()))
    if not candidate.active:
        errors.append(ErrorDetail.of("$.professional_id", "PROFESSIONAL_INACTIVE", professional_id=candidate.professional_id))
    return errors
