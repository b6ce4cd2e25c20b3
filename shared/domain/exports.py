"""Reversibility exports (A8): the job a manager or beneficiary follows, and the message that asks for it.

Built by shared/service/exports.py (request_export, run_export, export_status); the job is stored
as ``exports/{job_id}``.
"""

from __future__ import annotations

from typing import Literal

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
    expires_at: AwareDatetime | None = Field(
        default=None, description="Completed: when the archive is deleted (7 days after completion).")
    purged_at: AwareDatetime | None = Field(default=None, description="Purged: when an erasure deleted the archive.")
    purge_reason: str | None = Field(default=None, description="Purged: why, in French.")


class ExportRequested(Model):
    """Data of fr.passerelle.export.requested.v1 on exports-requested.
    Built by shared.service.exports.request_export; read by functions/run_export.py."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExportRequested")

    job_id: str
