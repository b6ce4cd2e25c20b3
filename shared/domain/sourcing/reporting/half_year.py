"""The purchasing body's report stored every six months (B17): the command, the stored record, the
links handed out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model, Record
from shared.domain.sourcing.reporting.periods import ReportPeriod

# --- the stored half-year report (B17, every six months) -----------------------------------------


class PublishHalfYearReport(Model):
    """Body of publish_half_year_report: empty (Cloud Scheduler: the last ended half-year), or an
    ended half-year an operator catches up."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="PublishHalfYearReport")

    half_year: Annotated[str, Field(pattern=r"^\d{4}-H[12]$")] | None = None


class HalfYearReportRecord(Record):
    """What ``steering/half-year-<label>`` records of a stored report: where its files are and a summary."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportRecord")

    report_id: str  # half-year-2026-H1
    kind: Literal["half_year"] = "half_year"
    half_year: str  # 2026-H1
    period: ReportPeriod
    generated_at: AwareDatetime
    json_object: str  # Cloud Storage object names, under reports/half-year/<label>/
    csv_object: str
    json_sha256: str
    csv_sha256: str
    volume_cents: int
    orders: int
    gain_cents: int
    price_schedule_version: str


class HalfYearReportPublished(HalfYearReportRecord):
    """The answer of publish_half_year_report: the record, and whether this call created it."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportPublished")

    created: bool


class HalfYearReportLink(HalfYearReportRecord):
    """A stored report with short-lived signed download URLs of its two files."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportLink")

    json_url: str
    csv_url: str
    url_expires_in_seconds: int


class HalfYearReportList(Record):
    model_config = ConfigDict(extra="forbid", frozen=True, title="HalfYearReportList")

    reports: list[HalfYearReportLink]
