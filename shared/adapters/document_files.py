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

    def stat(self, name: str) -> tuple[int, int] | None:
        blob = self.bucket.get_blob(name)
        return None if blob is None else (int(blob.size or 0), int(blob.generation or 0))

    def read(self, name: str, generation: int | None = None) -> bytes | None:
        """The object's bytes; with ``generation``, that version's and no other (None once it is gone; a
        versioned bucket still serves a replaced version, which is the one checked)."""
        blob = self.bucket.blob(name, generation=generation) if generation else self.bucket.blob(name)
        try:
            return blob.download_as_bytes()
        except (gexc.NotFound, gexc.PreconditionFailed):
            return None

    def delete(self, name: str, generation: int | None = None) -> None:
        """Delete the object; with ``generation``, that version for good (a versioned bucket keeps no
        noncurrent copy of it)."""
        try:
            if not generation:
                self.bucket.blob(name).delete()
                return
            live = self.bucket.get_blob(name)
            if live is None or int(live.generation or 0) != generation:
                return  # replaced: the live object is another file (the checked one, if kept, is noncurrent:
                #         the bucket's lifecycle deletes it)
            self.bucket.blob(name, generation=generation).delete(if_generation_match=generation)
        except (gexc.NotFound, gexc.PreconditionFailed):
            pass

    def exists(self, name: str) -> bool:
        return self.bucket.blob(name).exists()

    def download_url(self, name: str, ttl: dt.timedelta) -> str:
        return signed_url(self.bucket.blob(name), ttl)

    def upload_url(self, name: str, ttl: dt.timedelta, max_bytes: int) -> tuple[str, dict[str, str]]:
        """A V4 signed PUT bound to one creation (a second PUT on it is refused, 412) and to ``max_bytes``:
        both headers are signed, so the client must send them as given."""
        headers = {"x-goog-content-length-range": f"0,{max_bytes}", "x-goog-if-generation-match": "0"}
        url = signed_url(self.bucket.blob(name), ttl, method="PUT", content_type=PDF, headers=headers)
        return url, {"Content-Type": PDF, **headers}
