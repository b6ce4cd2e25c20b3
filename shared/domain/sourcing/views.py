"""What get_sourcing answers (one of six views, chosen by ?view=), and the operator's list of the missions
awaiting a replacement (B12 replacement: ``view=replacements``)."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from shared.domain.base import Model, Root
from shared.domain.contract_terms import AgreementView
from shared.domain.sourcing.process import MissionView, NeedView, Replacement
from shared.domain.sourcing.records import BeneficiaryList, ExtraCosts, Level, PoolStatistics, ServiceType


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


class SourcingView(Root[NeedView | MissionView | PoolStatistics | AgreementView | BeneficiaryList
                        | AwaitingReplacementList]):
    """What get_sourcing answers: one of six views, chosen by ?view= (``agreement``: the beneficiary's
    agreement and its penalty terms versions, A9 penalties; ``beneficiaries``: the registered
    beneficiaries, B1 parties; ``replacements``: the missions awaiting a replacement, B12 replacement)."""

    model_config = ConfigDict(title="SourcingView")
