"""Reversibility exports (A8): the job a manager or beneficiary follows, and the message that asks for it.

Built by shared/service/exports.py (request_export, run_export, export_status); the job is stored
as ``exports/{job_id}``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model


class ExportProgress(Model):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExportProgress")

    records: int = Field(ge=0, description="Documents written so far.")
    files: int = Field(ge=0, description="Entries of the archive written so far (JSON Lines files and stored files).")


class ExportJob(Model):
    """An export of a tenant's data (A8). Built by shared.service.exports (request_export, run_export,
    export_status)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ExportJob")

    job_id: str
    tenant: str
    role: Literal["manager", "beneficiary"]
    spaces: list[str] = Field(description="The spaces exported (managers/<id>, beneficiaries/<id>).")
    status: Literal["pending", "running", "completed", "expired", "purged"] = Field(
        description="expired: the archive's retention ran out; purged: deleted by an erasure (B15). Export again.")
    requested_by: str = Field(description="The uid of the requester.")
    requested_at: AwareDatetime
    progress: ExportProgress
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    archive: str | None = Field(default=None, description="Completed: the archive's object name.")
    archive_sha256: str | None = Field(default=None, description="Completed: SHA-256 of the ZIP archive.")
    archive_bytes: int | None = Field(default=None, description="Completed: size of the archive.")
    download_url: str | None = Field(
        default=None, description="Completed, GET only: a signed URL to download the ZIP (fresh on every GET).")
    download_expires_in_seconds: int | None = Field(default=None, description="Completed, GET only: 900.")
    download_name: str | None = Field(default=None, description=(
        "Completed: the name the archive downloads under (A8), « passerelle-export-<space's name>-<yyyy-mm-dd>.zip » "
        "(the day of completion in Paris); the signed URL asks Cloud Storage to send it as its Content-Disposition."))
    expires_at: AwareDatetime | None = Field(
        default=None, description="Completed: when the archive is deleted (7 days after completion).")
    purged_at: AwareDatetime | None = Field(default=None, description="Purged: when an erasure deleted the archive.")
    purge_reason: str | None = Field(default=None, description="Purged: why, in French.")


class ExportRequested(Model):
    """Data of fr.passerelle.export.requested.v1 on exports-requested.
    Built by shared.service.exports.request_export; read by functions/run_export.py."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExportRequested")

    job_id: str


PARIS = ZoneInfo("Europe/Paris")


def download_name(space_name: str | None, tenant: str, completed_at: dt.datetime) -> str:
    """A8: the archive's file name a person recognises: « passerelle-export-rhone-habitat-2026-12-07.zip » — the
    space's registered name (its tenant id when it has none) in lower-case ASCII letters, digits and dashes, and the
    day the export completed in Paris."""
    return f"passerelle-export-{_slug(space_name) or _slug(tenant) or 'espace'}-{completed_at.astimezone(PARIS):%Y-%m-%d}.zip"


def _slug(text: str | None) -> str:
    ligatures = (text or "").translate(str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"}))
    ascii_text = unicodedata.normalize("NFKD", ligatures).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def attachment(filename: str) -> str:
    """The Content-Disposition a signed URL asks for (``download_name`` is ASCII already: no quoting needed)."""
    return f'attachment; filename="{filename}"'
