"""Records of the sourcing space: beneficiaries, professionals and their needs (B1, B2, B4).

Identifiers in English, labels in French. Money in integer cents; dates are calendar dates.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shared.domain.errors import ErrorDetail
from shared.domain.list_limits import MAX_ROWS
from shared.domain.orders import Identifier, Name, Text
from shared.domain.base import Command, Model, Territory
from shared.domain.siret import Siret, luhn_ok  # noqa: F401  (re-exported)

LongText = Annotated[str, Field(min_length=1, max_length=5000)]
ShortList = Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=50)]
Cents = Annotated[int, Field(ge=0, le=10**9)]


class Region(StrEnum):
    """The 18 French administrative regions, by INSEE code."""

    GUADELOUPE = "01"
    MARTINIQUE = "02"
    GUYANE = "03"
    LA_REUNION = "04"
    MAYOTTE = "06"
    ILE_DE_FRANCE = "11"
    CENTRE_VAL_DE_LOIRE = "24"
    BOURGOGNE_FRANCHE_COMTE = "27"
    NORMANDIE = "28"
    HAUTS_DE_FRANCE = "32"
    GRAND_EST = "44"
    PAYS_DE_LA_LOIRE = "52"
    BRETAGNE = "53"
    NOUVELLE_AQUITAINE = "75"
    OCCITANIE = "76"
    AUVERGNE_RHONE_ALPES = "84"
    PROVENCE_ALPES_COTE_D_AZUR = "93"
    CORSE = "94"


REGION_LABELS: dict[Region, str] = {
    Region.GUADELOUPE: "Guadeloupe", Region.MARTINIQUE: "Martinique", Region.GUYANE: "Guyane",
    Region.LA_REUNION: "La Réunion", Region.MAYOTTE: "Mayotte", Region.ILE_DE_FRANCE: "Île-de-France",
    Region.CENTRE_VAL_DE_LOIRE: "Centre-Val de Loire", Region.BOURGOGNE_FRANCHE_COMTE: "Bourgogne-Franche-Comté",
    Region.NORMANDIE: "Normandie", Region.HAUTS_DE_FRANCE: "Hauts-de-France", Region.GRAND_EST: "Grand Est",
    Region.PAYS_DE_LA_LOIRE: "Pays de la Loire", Region.BRETAGNE: "Bretagne",
    Region.NOUVELLE_AQUITAINE: "Nouvelle-Aquitaine", Region.OCCITANIE: "Occitanie",
    Region.AUVERGNE_RHONE_ALPES: "Auvergne-Rhône-Alpes",
    Region.PROVENCE_ALPES_COTE_D_AZUR: "Provence-Alpes-Côte d'Azur", Region.CORSE: "Corse",
}


class Level(StrEnum):
    JUNIOR = "junior"
    CONFIRMED = "confirme"
    SENIOR = "senior"


LEVEL_LABELS = {Level.JUNIOR: "Junior", Level.CONFIRMED: "Confirmé", Level.SENIOR: "Sénior"}
LEVEL_RANK = {Level.JUNIOR: 0, Level.CONFIRMED: 1, Level.SENIOR: 2}


class ServiceType(StrEnum):
    AMOA = "AMOA"  # assistance à maîtrise d'ouvrage
    AMOE = "AMOE"  # assistance à maîtrise d'œuvre


class WorkMode(StrEnum):
    ON_SITE = "on_site"
    REMOTE = "remote"
    MIXED = "mixed"


WORK_MODE_LABELS = {WorkMode.ON_SITE: "sur site", WorkMode.REMOTE: "à distance", WorkMode.MIXED: "mixte"}


class AvailabilityPeriod(Command):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> AvailabilityPeriod:
        if self.end < self.start:
            raise PydanticCustomError("INVALID_PERIOD", "La fin ({end}) précède le début ({start}).",
                                      {"start": f"{self.start:%d/%m/%Y}", "end": f"{self.end:%d/%m/%Y}"})
        return self


class Contact(Command):
    last_name: Name
    first_name: Name
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}$")]
    role: Annotated[str, Field(max_length=100)] | None = None


class Beneficiary(Command):
    """A public body using the sourcing platform; it is the tenant of its needs, missions and orders."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="Beneficiary")

    beneficiary_id: Identifier
    name: Name
    siret: Siret
    region: Region
    territory: Territory
    contacts: Annotated[list[Contact], Field(min_length=1, max_length=20)]
    requires_conflict_declaration: bool = False


class ExtraCosts(Command):
    """Frais annexes, per day on site (B4)."""

    travel_cents: Cents = 0
    lodging_cents: Cents = 0
    meals_cents: Cents = 0


class Review(Command):
    mission_ref: Annotated[str, Field(min_length=1, max_length=100)]
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=1000)] | None = None
    on: dt.date


class Professional(Command):
    """A freelancer or small firm of the pool (B4); the operator keeps the record."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="Professional")

    professional_id: Identifier
    name: Name
    siret: Siret | None = None
    education: ShortList = Field(default_factory=list)
    level: Level
    years_of_experience: Annotated[int, Field(ge=0, le=60)]
    public_sector_knowledge: bool = False
    certifications: ShortList = Field(default_factory=list)
    references: ShortList = Field(default_factory=list)
    skills: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(min_length=1, max_length=100)]
    summary: Annotated[str, Field(max_length=5000)] = ""
    availability: Annotated[list[AvailabilityPeriod], Field(max_length=50)] = Field(default_factory=list)
    daily_rate_cents: Annotated[int, Field(gt=0, le=10**7)]
    extra_costs: ExtraCosts = ExtraCosts()
    reviews: Annotated[list[Review], Field(max_length=100)] = Field(default_factory=list)
    profile_category: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$")]
    service_types: Annotated[list[ServiceType], Field(min_length=1, max_length=2)]
    region: Region
    active: bool = True

    @property
    def rating(self) -> float | None:
        return sum(r.rating for r in self.reviews) / len(self.reviews) if self.reviews else None

    def search_text(self) -> str:
        """What BM25 reads: skills, experience, references, certifications, education."""
        return " \n".join([" ".join(self.skills), self.summary, " ".join(self.references),
                           " ".join(self.certifications), " ".join(self.education)])


class NeedContent(Command):
    """What the beneficiary looks for (B2): one immutable version of a need."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="NeedContent")

    title: Text
    nature: ServiceType
    summary: LongText
    prerequisites: Annotated[str, Field(max_length=5000)] = ""
    skills: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)] = Field(default_factory=list)
    min_years_of_experience: Annotated[int, Field(ge=0, le=40)] = 0
    expected_profile: Annotated[str, Field(max_length=2000)] = ""
    level: Level
    certifications: ShortList = Field(default_factory=list)
    public_sector_required: bool = False
    context: Annotated[str, Field(max_length=5000)] = ""
    start_date: dt.date
    duration_days: Annotated[int, Field(ge=1, le=1000)]
    end_date: dt.date
    region: Region
    work_mode: WorkMode
    deliverables: ShortList = Field(default_factory=list)
    daily_rate_ceiling_cents: Annotated[int, Field(gt=0, le=10**7)]
    other_information: Annotated[str, Field(max_length=5000)] = ""

    @model_validator(mode="after")
    def _dates(self) -> NeedContent:
        if self.end_date < self.start_date:
            raise PydanticCustomError("INVALID_PERIOD", "La fin ({end}) précède le début ({start}).",
                                      {"start": f"{self.start_date:%d/%m/%Y}", "end": f"{self.end_date:%d/%m/%Y}"})
        return self

    def search_text(self) -> str:
        return " \n".join([self.title, " ".join(self.skills), self.summary, self.prerequisites,
                           self.expected_profile, " ".join(self.certifications)])


# --- What the pool's functions answer (upsert_professional, import_professionals, pool statistics).


class ProfessionalUpserted(Professional):
    """What upsert_professional answers: the professional as stored, and what happened.
    Built by functions/upsert_professional.py from shared.service.sourcing.pool.upsert_professional."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ProfessionalUpserted")

    outcome: Literal["created", "updated", "unchanged"] = Field(
        description="created (201), updated or unchanged (200): an identical record changes nothing.")


class ImportLine(Model):
    """The outcome of one line of a JSON Lines import (blank lines are skipped, not reported)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportLine")

    line: int = Field(ge=1, description="Line number in the body, from 1.")
    status: Literal["accepted", "rejected"]
    professional_id: str | None = Field(default=None, description="Accepted lines only.")
    errors: list[ErrorDetail] | None = Field(
        default=None, description="Rejected lines only: every error, fields as JSONPath rooted at $[<line>].")


class ImportReport(Model):
    """What import_professionals answers. Built by shared.service.sourcing.pool_import.import_professionals."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportReport")

    accepted: int = Field(ge=0, description="Valid lines (a professional_id seen twice: the second is rejected).")
    rejected: int = Field(ge=0, description="Invalid lines, each listed in lines with its errors.")
    changed: int = Field(ge=0, description="Accepted professionals whose stored record actually changed.")
    index_revision: int | None = Field(description="The search index rebuilt once at the end; null when nothing changed.")
    lines: list[ImportLine]


class RegionCount(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, title="RegionCount")

    label: str
    count: int = Field(ge=0)


class PoolStatistics(Model):
    """What get_sourcing?view=pool_statistics answers (B14).
    Built by shared.service.sourcing.pool.pool_statistics."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PoolStatistics")

    total: int = Field(ge=0, description="Active professionals in the search index.")
    per_service_type: dict[str, int] = Field(description="AMOA / AMOE → count.")
    per_region: dict[str, RegionCount] = Field(description="INSEE region code → French label and count.")
    index_revision: int
    built_at: str = Field(description="When the index was built (ISO 8601).")


class BeneficiaryRow(Model):
    """One registered beneficiary as the purchasing body and the operator list it (B1 parties): what
    names the public body, never its contacts (personal data)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="BeneficiaryRow")

    beneficiary_id: Identifier
    name: Name = Field(description="Its name; its id when its record names none.")
    siret: str | None = Field(description="The public body's SIRET (14 digits); null when its record names none.")
    region: Region | None = Field(description="Its region; null when its record names none.")
    region_label: str | None = Field(description="The region's French name; null without a region.")
    territory: Territory | None = Field(description=(
        "INSEE département code whose public holidays apply (B18); null when its record names none (Paris's then)."))
    territory_label: str | None = Field(default=None, description=(
        "The territory's French name (« Rhône » for 69: shared/domain/territories.py TERRITORY_NAMES); null for a "
        "code it does not know."))


class BeneficiaryList(Model):
    """What get_sourcing?view=beneficiaries answers: the registered beneficiaries by id, a page of at most
    MAX_ROWS (shared/domain/list_limits.py); ``next_cursor`` is passed back as ``?after=`` for the next one.
    Built by shared.service.sourcing.pool.list_beneficiaries."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="BeneficiaryList")

    beneficiaries: list[BeneficiaryRow]
    count: int = Field(ge=0, description=f"Rows in this page (at most {MAX_ROWS}).")
    next_cursor: Identifier | None = Field(
        description="The last beneficiary_id of this page when more follow (pass it as ?after=), else null.")
