"""BlobStore over google-cloud-storage (production, and fake-gcs-server locally).

With STORAGE_EMULATOR_HOST set the client talks to the emulator with anonymous credentials;
the bucket is created on first use there (Terraform creates it in production).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from google.api_core import exceptions as gexc
from google.cloud import storage


def open_bucket(project_id: str, bucket: str,
                client: storage.Client | None = None) -> tuple[storage.Client, storage.Bucket]:
    """The client and the bucket; on the Storage emulator, anonymous, the bucket created if missing."""
    if client is None:
        if os.environ.get("STORAGE_EMULATOR_HOST"):
            from google.auth.credentials import AnonymousCredentials

            client = storage.Client(project=project_id, credentials=AnonymousCredentials())
            try:
                client.create_bucket(bucket)
            except gexc.Conflict:
                pass
        else:
            client = storage.Client(project=project_id)
    return client, client.bucket(bucket)


class GcsBlobStore:
    def __init__(self, project_id: str, bucket: str, client: storage.Client | None = None):
        self.client, self.bucket = open_bucket(project_id, bucket, client)

    def put(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.bucket.blob(name).upload_from_string(data, content_type=content_type)

    def get(self, name: str) -> bytes | None:
        try:
            return self.bucket.blob(name).download_as_bytes()
        except gexc.NotFound:
            return None

    def names(self, prefix: str) -> Iterator[str]:
        for blob in self.client.list_blobs(self.bucket.name, prefix=prefix):
            yield blob.name

    def delete(self, name: str) -> None:
        """Every version of the object, for good (erasure: a versioned bucket keeps no noncurrent copy)."""
        delete_all_versions(self.bucket, name)


def delete_all_versions(bucket, name: str) -> None:
    versions = [b for b in bucket.client.list_blobs(bucket.name, prefix=name, versions=True) if b.name == name]
    for blob in versions or [bucket.blob(name)]:
        target = bucket.blob(name, generation=blob.generation) if blob.generation else blob
        try:
            target.delete()
        except gexc.NotFound:
            pass
