"""DocumentFiles over Cloud Storage (fake-gcs-server locally): the PDF bytes of order documents.

Objects are written with ``if_generation_match=0``: the name is derived from the file's
SHA-256, so a second identical upload finds the object there and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from google.api_core import exceptions as gexc

from shared.adapters.exports import signed_url
from shared.adapters.storage import GcsBlobStore

PDF = "application/pdf"


class GcsDocumentFiles(GcsBlobStore):
    def put_if_absent(self, name: str, data: bytes) -> bool:
        """Store ``data`` under ``name`` unless an object is already there; True if written."""
        try:
            self.bucket.blob(name).upload_from_string(data, content_type=PDF, if_generation_match=0)
        except gexc.PreconditionFailed:
            return False
        return True

    def size(self, name: str) -> int | None:
        blob = self.bucket.get_blob(name)
        return None if blob is None else int(blob.size or 0)

    def read(self, name: str) -> bytes | None:
        return self.get(name)

    def delete(self, name: str) -> None:
        try:
            self.bucket.blob(name).delete()
        except gexc.NotFound:
            pass

    def exists(self, name: str) -> bool:
        return self.bucket.blob(name).exists()

    def download_url(self, name: str, ttl: dt.timedelta) -> str:
        return signed_url(self.bucket.blob(name), ttl)

    def upload_url(self, name: str, ttl: dt.timedelta) -> str:
        return signed_url(self.bucket.blob(name), ttl, method="PUT", content_type=PDF)
