"""Wire commands of the sourcing space (HTTPS bodies and the need-submitted event)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shared.domain.documents import DeliverableVerdict, Sha256
from shared.domain.orders import Identifier
from shared.domain.sourcing.process import ConflictDeclaration, ReplacementReason
from shared.domain.sourcing.records import NeedContent
from shared.domain.base import Command, Model, Root


class SubmitNeed(Command):
    """A beneficiary submits a search request (POST submit_need)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="SubmitNeed")

    need_id: Identifier
    content: NeedContent


class NeedSubmitted(Command):
    """Event on ``needs-submitted``: a need version waits for score_candidates."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="NeedSubmitted")

    beneficiary_id: Identifier
    need_id: Identifier
    version: Annotated[int, Field(ge=1)]


class ProposedProfessional(Command):
    professional_id: Identifier
    guaranteed_until: dt.date


class ProposeProfessionals(Command):
    """The operator proposes ranked professionals for one need version (POST propose_professionals)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ProposeProfessionals")

    beneficiary_id: Identifier
    need_id: Identifier
    version: Annotated[int, Field(ge=1)]
    proposals: Annotated[list[ProposedProfessional], Field(min_length=1, max_length=10)]


class ProposalDecision(StrEnum):
    ACCEPT = "accept"
    ABANDON = "abandon"
    RELAUNCH = "relaunch"


class DecideProposal(Command):
    """The beneficiary accepts one proposal, refuses and abandons, or refuses and relaunches."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="DecideProposal")

    need_id: Identifier
    version: Annotated[int, Field(ge=1)]
    decision: ProposalDecision
    professional_id: Identifier | None = None
    reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    content: NeedContent | None = None  # the edited need, for a relaunch

    @model_validator(mode="after")
    def _fields_of_decision(self) -> DecideProposal:
        if self.decision is ProposalDecision.ACCEPT and self.professional_id is None:
            raise PydanticCustomError("REQUIRED_FOR_DECISION", "professional_id est obligatoire pour accepter.")
        if self.decision is ProposalDecision.RELAUNCH and self.content is None:
            raise PydanticCustomError("REQUIRED_FOR_DECISION", "content (le besoin modifié) est obligatoire pour relancer.")
        return self


class MilestoneInput(Command):
    milestone_id: Identifier
    label: Annotated[str, Field(min_length=1, max_length=200)]
    days: Annotated[int, Field(ge=1, le=1000)]
    due: dt.date
    deliverables: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=20)] = Field(
        default_factory=list)  # what this milestone delivers (B11), among the mission's deliverables


class TimesheetRecorded(Model):
    """POST submit_timesheet: the mission's days reported so far, and of them on site, per milestone (B11)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="TimesheetRecorded")

    mission_id: str
    timesheet_days: dict[str, Decimal]
    timesheet_days_on_site: dict[str, Decimal] = Field(default_factory=dict)


class SubmitTimesheet(Command):
    """The titulaire reports the days worked on one milestone over a period, and how many of them on site
    (B11 mission follow-up: the days on site follow the frais-annexes line)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="SubmitTimesheet")

    beneficiary_id: Identifier
    mission_id: Identifier
    timesheet_id: Identifier
    milestone_id: Identifier
    period_start: dt.date
    period_end: dt.date
    days: Annotated[Decimal, Field(gt=0, le=31, max_digits=4, decimal_places=1)]
    days_on_site: Annotated[Decimal, Field(ge=0, le=31, max_digits=4, decimal_places=1, description=(
        "Of ``days``, those on site (at most ``days``). Absent: all of them on a mission whose need is on site, "
        "none on a fully remote one; required on a hybrid (mixed) mission."))] | None = None
    comment: Annotated[str, Field(min_length=1, max_length=1000)] | None = None

    @model_validator(mode="after")
    def _period(self) -> SubmitTimesheet:
        if self.period_end < self.period_start:
            raise PydanticCustomError("INVALID_PERIOD", "La fin ({end}) précède le début ({start}).",
                                      {"start": f"{self.period_start:%d/%m/%Y}",
                                       "end": f"{self.period_end:%d/%m/%Y}"})
        return self


class DecideDeliverable(Command):
    """POST decide_deliverable: the beneficiary accepts a delivered deliverable, or refuses it with a reason
    (B11 mission follow-up, B7 proof of service). It decides on one document: the latest delivering it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="DecideDeliverable")

    mission_id: Identifier
    document_id: Annotated[Sha256, Field(description=(
        "The deliverable document's SHA-256: current_document_id in the mission view's follow-up."))]
    decision: DeliverableVerdict
    reason: Annotated[str, Field(min_length=1, max_length=1000, description=(
        "Required to refuse (French text, told to the titulaire); refused with an acceptance."))] | None = None


class DeliverableDecided(Model):
    """Outbound: data of fr.passerelle.deliverable.decided.v1 on orders-<titulaire>, and what decide_deliverable
    answers: the beneficiary's decision on one deliverable document of a mission's order (B11)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DeliverableDecided")

    manager_id: str = Field(description="The beneficiary, manager of the mission's order.")
    order_id: str
    mission_id: str
    milestone_id: str
    deliverable: str
    document_id: str
    filename: str
    decision: DeliverableVerdict
    reason: str | None = Field(description="Why it was refused; null when accepted. Deliver it again as a new "
                                           "document (store_report) to put it back to the beneficiary.")
    decided_at: AwareDatetime


class MissionReplacementRequested(Model):
    """Outbound: data of fr.passerelle.mission.replacement_requested.v1 on orders-<titulaire> (B12 replacement): the
    beneficiary asks that the mission's professional be replaced, by the due day of D5 (departure) or D6
    (insufficiency). Professionals are named by id only, as the mission's order names them (docs/personal-data.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionReplacementRequested")

    manager_id: str = Field(description="The beneficiary, manager of the mission's order.")
    order_id: str
    mission_id: str
    replacement_index: int = Field(ge=0, description=(
        "This replacement's place in get_order's mission.replacements (oldest first, from 0); "
        "fr.passerelle.mission.professional_replaced.v1 names the same index."))
    reason: ReplacementReason = Field(description="departure (the professional leaves: D5) or insufficiency (the "
                                                  "beneficiary finds the work insufficient: D6).")
    leaving_professional_id: str = Field(description="The professional to be replaced (the mission's, until now).")
    departure_date: dt.date | None = Field(description="The professional's departure date; null for an "
                                                       "insufficiency.")
    planned: bool = Field(description="A departure notified ahead: D5 then counts from ``notified_on``, not from "
                                      "the departure.")
    notified_on: dt.date | None = Field(description="When a planned departure was notified; null otherwise.")
    requested_at: AwareDatetime
    deadline: Literal["D5", "D6"] = Field(description="The deadline the replacement is due by.")
    due: dt.date = Field(description="The replacement's last day (in the beneficiary's territory).")
    due_at: AwareDatetime | None = Field(description="The exact instant the deadline ends (end of ``due``).")


class MissionProfessionalReplaced(Model):
    """Outbound: data of fr.passerelle.mission.professional_replaced.v1 on orders-<titulaire> (B12 replacement): the
    operator named the equivalent professional who does the mission from now on; D5 or D6 is stopped. Professionals
    are named by id only, as the mission's order names them (docs/personal-data.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionProfessionalReplaced")

    manager_id: str = Field(description="The beneficiary, manager of the mission's order.")
    order_id: str
    mission_id: str
    replacement_index: int = Field(ge=0, description=(
        "The replacement's place in get_order's mission.replacements, as its replacement_requested message named it."))
    reason: ReplacementReason
    leaving_professional_id: str = Field(description="The professional who leaves the mission.")
    arriving_professional_id: str = Field(description="The professional who does the mission from now on: "
                                                      "get_order's mission.professional_id.")
    replaced_at: AwareDatetime
    deadline: Literal["D5", "D6"]
    due: dt.date
    met: bool = Field(description="Whether the replacement came before the deadline ended.")


class FrameMission(Command):
    """After acceptance: conflict declaration if required (B13), mission framing, and its order."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="FrameMission")

    need_id: Identifier
    start_date: dt.date
    end_date: dt.date
    deliverables: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=1, max_length=50)]
    milestones: Annotated[list[MilestoneInput], Field(min_length=1, max_length=50)]
    conflict_declaration: ConflictDeclaration | None = None

    @model_validator(mode="after")
    def _period(self) -> FrameMission:
        if self.end_date < self.start_date:
            raise PydanticCustomError("INVALID_PERIOD", "La fin ({end}) précède le début ({start}).",
                                      {"start": f"{self.start_date:%d/%m/%Y}", "end": f"{self.end_date:%d/%m/%Y}"})
        return self


class RequestReplacement(Command):
    """A professional leaves (D5) or is found insufficient (D6)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RequestReplacement")

    action: Literal["request"]
    beneficiary_id: Identifier | None = None  # operator only; a beneficiary acts in its own space
    mission_id: Identifier
    reason: ReplacementReason
    departure_date: dt.date | None = None
    planned: bool = False
    notified_on: dt.date | None = None

    @model_validator(mode="after")
    def _dates(self) -> RequestReplacement:
        if self.reason is ReplacementReason.DEPARTURE and self.departure_date is None:
            raise PydanticCustomError("REQUIRED_FOR_DECISION", "departure_date est obligatoire pour un départ.")
        if self.planned and self.notified_on is None:
            raise PydanticCustomError("REQUIRED_FOR_DECISION", "notified_on est obligatoire pour un départ planifié.")
        return self


class ProposeReplacement(Command):
    """The operator names the replacement; equivalence is checked by code (B12)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ProposeReplacement")

    action: Literal["propose"]
    beneficiary_id: Identifier
    mission_id: Identifier
    professional_id: Identifier


class ReplacementCommand(Command):
    command: Annotated[RequestReplacement | ProposeReplacement, Field(discriminator="action")]


# --- The body of replace_professional: one of the two commands, by action.


class ReplacementRequest(Root[Annotated[RequestReplacement | ProposeReplacement, Field(discriminator="action")]]):
    """Body of POST replace_professional: action request (beneficiary or operator) or propose (operator)."""

    model_config = ConfigDict(title="ReplacementRequest")
