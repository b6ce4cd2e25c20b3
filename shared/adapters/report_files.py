"""ReportFiles over Cloud Storage (fake-gcs-server locally): the stored half-year reports (B17).

Objects live under ``reports/`` in the private documents bucket, outside every tenant prefix,
and are written with ``if_generation_match=0``: a name is never overwritten.
"""

from __future__ import annotations

import datetime as dt

from google.api_core import exceptions as gexc

from shared.adapters.exports import signed_url
from shared.adapters.storage import GcsBlobStore


class GcsReportFiles(GcsBlobStore):
    def put_if_absent(self, name: str, data: bytes, content_type: str) -> bool:
        """Store ``data`` under ``name`` unless an object is already there; True if written."""
        try:
            self.bucket.blob(name).upload_from_string(data, content_type=content_type, if_generation_match=0)
        except gexc.PreconditionFailed:
            return False
        return True

    def download_url(self, name: str, ttl: dt.timedelta) -> str:
        return signed_url(self.bucket.blob(name), ttl)
