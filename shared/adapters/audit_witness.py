"""The witness of the audit chains' heads in Cloud Storage (B15 traceability).

  audit-heads/{space}/{seq:012d}.json    one object per sealed head: space, seq, hash, sealed_at

Each object is created once (``if_generation_match=0``): a retried or repeated write is refused by
Cloud Storage and never replaces the first. In production the bucket has a retention policy, locked
by default (infra/terraform/storage.tf, ``lock_audit_witness_bucket``), and the functions' service
accounts may create and read objects but not delete them: whoever can rewrite Firestore cannot rewrite
this. The hash is also the object's metadata, so that listing a space's heads reads no object.
With STORAGE_EMULATOR_HOST set, the bucket is created on first use (fake-gcs-server).
"""

from __future__ import annotations

import json

from google.api_core import exceptions as gexc

from shared.domain.audit import WitnessedHead

PREFIX = "audit-heads/"


def object_name(space: str, seq: int) -> str:
    return f"{PREFIX}{space}/{seq:012d}.json"


class GcsAuditWitness:
    def __init__(self, project_id: str, bucket: str, client=None):
        from shared.adapters.storage import open_bucket

        self.client, self.bucket = open_bucket(project_id, bucket, client)

    def record(self, head: WitnessedHead) -> str:
        blob = self.bucket.blob(object_name(head.space, head.seq))
        blob.metadata = {"hash": head.hash, "sealed_at": head.sealed_at.isoformat()}
        try:
            blob.upload_from_string(head.model_dump_json(), content_type="application/json", if_generation_match=0)
            return "created"
        except gexc.PreconditionFailed:
            existing = self.bucket.get_blob(object_name(head.space, head.seq))
            return "present" if existing is not None and _hash_of(existing) == head.hash else "conflict"

    def heads(self, space: str, from_seq: int = 0, to_seq: int | None = None) -> list[WitnessedHead]:
        """The heads witnessed for ``space`` from ``from_seq`` on (to ``to_seq``: a page of a whole reading),
        by listing (one request per 1,000)."""
        prefix = f"{PREFIX}{space}/"
        found = []
        end = None if to_seq is None else object_name(space, to_seq + 1)
        for blob in self.client.list_blobs(self.bucket.name, prefix=prefix, start_offset=object_name(space, from_seq),
                                           end_offset=end):
            seq = blob.name.removeprefix(prefix).removesuffix(".json")
            if not seq.isdigit() or int(seq) < from_seq or (to_seq is not None and int(seq) > to_seq):
                continue
            sealed_at = (blob.metadata or {}).get("sealed_at") or blob.time_created
            found.append(WitnessedHead(space=space, seq=int(seq), hash=_hash_of(blob), sealed_at=sealed_at))
        return sorted(found, key=lambda h: h.seq)

    def spaces(self) -> list[str]:
        """Every space with a witnessed head: ``<kind>/<id>`` (two levels of prefixes)."""
        found = []
        for kind in _prefixes(self.client, self.bucket.name, PREFIX):
            found += [p.removeprefix(PREFIX).rstrip("/") for p in _prefixes(self.client, self.bucket.name, kind)]
        return sorted(found)


def _hash_of(blob) -> str:
    """The head's hash: its metadata, else (an object written by hand) its content."""
    if blob.metadata and blob.metadata.get("hash"):
        return blob.metadata["hash"]
    return json.loads(blob.download_as_bytes())["hash"]


def _prefixes(client, bucket: str, prefix: str) -> list[str]:
    pages = client.list_blobs(bucket, prefix=prefix, delimiter="/")
    for _ in pages:  # the prefixes are known once the pages are read
        pass
    return sorted(pages.prefixes)
