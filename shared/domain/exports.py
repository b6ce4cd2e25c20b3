"""A8 reversibility: the message that asks for one export archive to be built."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ExportRequested(BaseModel):
    """Data of fr.passerelle.export.requested.v1 on exports-requested.
    Built by shared.service.exports.request_export; read by functions/run_export.py."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExportRequested")

    job_id: str
