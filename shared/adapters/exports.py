"""ExportArchive (A8 reversibility): the recursive walk of a space in Firestore, and the archive in
Cloud Storage (stored files, the ZIP, its signed URL). The export job itself is the service's
(shared/service/exports.py, through the unit of work)."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator
from typing import Any

from google.api_core import exceptions as gexc


class CloudExportArchive:
    def __init__(self, firestore_client, project_id: str, bucket: str):
        self.db = firestore_client
        self.project_id = project_id
        self.bucket_name = bucket

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
        root = self.db.document(space)
        snap = root.get()
        if snap.exists:
            yield space, snap.to_dict()
        yield from self._walk_collections(root.collections())

    def _walk_collections(self, collections) -> Iterator[tuple[str, dict[str, Any]]]:
        for collection in collections:
            for ref in collection.list_documents():  # includes parents that only hold subcollections
                snap = ref.get()
                if snap.exists:
                    yield ref.path, snap.to_dict()
                yield from self._walk_collections(ref.collections())

    # --- Cloud Storage ------------------------------------------------------------------------
    def files(self, prefix: str) -> Iterator[tuple[str, bytes]]:
        for blob in self.bucket.client.list_blobs(self.bucket_name, prefix=prefix):
            yield blob.name, blob.download_as_bytes()

    def save_archive(self, name: str, data: bytes) -> None:
        self.bucket.blob(name).upload_from_string(data, content_type="application/zip")

    def signed_url(self, name: str, ttl: dt.timedelta) -> str:
        return signed_url(self.bucket.blob(name), ttl)


def signed_url(blob, ttl: dt.timedelta, method: str = "GET", content_type: str | None = None,
               headers: dict[str, str] | None = None) -> str:
    """A V4 signed URL for ``blob``, locally and on Cloud Run (shared with the PDF documents); ``headers``
    are signed too: the request must carry them."""
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        # The emulator checks no signature: sign with a throw-away local key.
        return blob.generate_signed_url(version="v4", expiration=ttl, method=method, content_type=content_type,
                                        headers=headers, credentials=_local_signer())
    # On Cloud Run there is no private key: IAM signBlob signs for the runtime service account.
    import google.auth
    import google.auth.transport.requests

    credentials, _ = google.auth.default()
    credentials.refresh(google.auth.transport.requests.Request())
    return blob.generate_signed_url(version="v4", expiration=ttl, method=method, content_type=content_type,
                                    headers=headers, service_account_email=credentials.service_account_email,
                                    access_token=credentials.token)


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
