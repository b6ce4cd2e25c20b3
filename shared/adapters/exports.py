"""ExportArchive (A8 reversibility): the recursive walk of a space in Firestore, and the archive in
Cloud Storage (stored files read and the archive written as streams, chunk by chunk; its signed
URL). The export job itself is the service's (shared/service/exports.py, through the unit of work)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from google.api_core import exceptions as gexc

# Bytes per request when streaming an object — what a reader or a writer holds in memory at most: the
# archive goes up in 16 MiB chunks (few requests), the staging parts, many open at once, in 1 MiB ones.
CHUNK_BYTES = 4 * 1024 * 1024
ARCHIVE_CHUNK_BYTES = 16 * 1024 * 1024
PART_CHUNK_BYTES = 1024 * 1024
WALK_PAGE = 300  # documents read per request while walking a space


class CloudExportArchive:
    def __init__(self, firestore_client, project_id: str, bucket: str, chunk_bytes: int = CHUNK_BYTES):
        self.db = firestore_client
        self.project_id = project_id
        self.bucket_name = bucket
        self.chunk_bytes = chunk_bytes

    @functools.cached_property
    def bucket(self):
        from google.cloud import storage

        if os.environ.get("STORAGE_EMULATOR_HOST"):
            from google.auth.credentials import AnonymousCredentials

            client = storage.Client(project=self.project_id, credentials=AnonymousCredentials())
            try:
                client.create_bucket(self.bucket_name)
            except gexc.Conflict:
                pass
        else:
            client = storage.Client(project=self.project_id)
        return client.bucket(self.bucket_name)

    # --- Firestore --------------------------------------------------------------------------
    def walk(self, space: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every document of the space: the space's own, then each of its collections' documents at any depth, in
        path order, ``WALK_PAGE`` at a time — one request per page (a kindless query over all the collection's
        descendants, as the client's recursive delete reads them), not one request per document to list its
        subcollections (docs/performance.md, "Exports")."""
        root = self.db.document(space)
        snap = root.get()
        if snap.exists:
            yield space, snap.to_dict()
        for collection in root.collections():
            yield from self._descendants(collection)

    def _descendants(self, collection) -> Iterator[tuple[str, dict[str, Any]]]:
        everything = collection.recursive().limit(WALK_PAGE)
        last = None
        while True:
            page = list((everything.start_after(last) if last is not None else everything).stream())
            for snap in page:
                yield snap.reference.path, snap.to_dict()
            if len(page) < WALK_PAGE:
                return
            last = page[-1]

    # --- Cloud Storage ------------------------------------------------------------------------
    def files(self, prefix: str) -> Iterator[tuple[str, int]]:
        for blob in self.bucket.client.list_blobs(self.bucket_name, prefix=prefix):
            yield blob.name, int(blob.size or 0)

    @contextlib.contextmanager
    def reader(self, name: str) -> Iterator[BinaryIO]:
        with self.bucket.blob(name, chunk_size=self.chunk_bytes).open("rb") as stream:
            yield stream

    @contextlib.contextmanager
    def writer(self, name: str, content_type: str) -> Iterator[BinaryIO]:
        """A resumable upload sent 16 MiB (the archive) or 1 MiB (a staging part) at a time; the object appears
        when the block ends."""
        chunk = ARCHIVE_CHUNK_BYTES if content_type == "application/zip" else PART_CHUNK_BYTES
        blob = self.bucket.blob(name, chunk_size=chunk)
        with blob.open("wb", content_type=content_type, ignore_flush=True) as stream:
            yield stream

    def delete(self, name: str) -> None:
        """Every version of the object (a purged archive leaves no noncurrent copy behind)."""
        from shared.adapters.storage import delete_all_versions

        delete_all_versions(self.bucket, name)

    def signed_url(self, name: str, ttl: dt.timedelta, download_name: str | None = None) -> str:
        from shared.domain.exports import attachment

        return signed_url(self.bucket.blob(name), ttl,
                          response_disposition=attachment(download_name) if download_name else None)


def signed_url(blob, ttl: dt.timedelta, method: str = "GET", content_type: str | None = None,
               headers: dict[str, str] | None = None, response_disposition: str | None = None) -> str:
    """A V4 signed URL for ``blob``, locally and on Cloud Run (shared with the PDF documents); ``headers``
    are signed too: the request must carry them. ``response_disposition``: the Content-Disposition Cloud Storage
    answers the GET with (``response-content-disposition``, signed with the URL), e.g. the file name to save."""
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        # The emulator checks no signature: sign with a throw-away local key.
        return blob.generate_signed_url(version="v4", expiration=ttl, method=method, content_type=content_type,
                                        headers=headers, credentials=_local_signer(),
                                        response_disposition=response_disposition)
    # On Cloud Run there is no private key: IAM signBlob signs for the runtime service account.
    import google.auth
    import google.auth.transport.requests

    credentials, _ = google.auth.default()
    credentials.refresh(google.auth.transport.requests.Request())
    return blob.generate_signed_url(version="v4", expiration=ttl, method=method, content_type=content_type,
                                    headers=headers, service_account_email=credentials.service_account_email,
                                    access_token=credentials.token, response_disposition=response_disposition)


@functools.cache
def _local_signer():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return service_account.Credentials.from_service_account_info({
        "type": "service_account", "client_email": "exports@demo-passerelle.iam.gserviceaccount.com",
        "private_key": pem, "private_key_id": "local", "token_uri": "https://oauth2.googleapis.com/token",
        "project_id": "demo-passerelle",
    })
