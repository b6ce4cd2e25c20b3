"""What get_sourcing answers (one of seven views, chosen by ?view=), the operator's list of the missions
awaiting a replacement and its search of the pool for one (B12 replacement: ``view=replacements``,
``view=replacement_candidates``)."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from shared.domain.base import Model, Root
from shared.domain.errors import ErrorDetail
from shared.domain.contract_terms import AgreementView
from shared.domain.sourcing.process import MissionView, NeedView, Replacement
from shared.domain.sourcing.records import (
    AvailabilityPeriod, BeneficiaryList, ExtraCosts, Level, PoolStatistics, ServiceType,
)


class AwaitingReplacement(Model):
    """A mission whose professional leaves or was found insufficient, as the operator finds an equivalent one:
    the profile and rates a replacement must match (B12), and the open request with its D5/D6 deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AwaitingReplacement")

    beneficiary_id: str
    mission_id: str
    need_id: str
    order_id: str
    professional_id: str = Field(description="The professional leaving (or found insufficient).")
    profile_category: str
    level: Level
    service_type: ServiceType
    daily_rate_cents: int
    extra_costs: ExtraCosts
    start_date: dt.date
    end_date: dt.date
    replacement: Replacement = Field(description="The open request: its reason, dates and D5/D6 deadline.")


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
