"""Reversibility (A8): a manager or beneficiary exports all of its data, at any time.

``request_export`` records a job and asks for it on the ``exports-requested`` topic (through
the outbox, so the request is never lost); ``run_export`` walks every document of the
tenant's spaces and every stored file under their prefixes, writes one ZIP archive — JSON
Lines per collection, the files, and a manifest of counts and SHA-256 digests — to Cloud
Storage, and reports progress on the job as it goes. The archive is read through a
short-lived signed URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any, Protocol

from shared.domain.messages import EventType
from shared.ports import Changes, Clock, OutboxMessage, Publisher, Store
from shared.service import outbox

log = logging.getLogger(__name__)

EXPORTS_TOPIC = "exports-requested"
SIGNED_URL_TTL = dt.timedelta(minutes=15)
PROGRESS_EVERY = 200

SPACES_BY_ROLE = {"manager": ("managers",), "beneficiary": ("beneficiaries", "managers")}


class ExportSource(Protocol):
    """What an export reads and where it writes (Firestore + Cloud Storage adapters)."""

    def walk(self, space: str) -> Iterator[tuple[str, dict[str, Any]]]: ...  # (path, data), space doc first
    def files(self, prefix: str) -> Iterator[tuple[str, bytes]]: ...
    def save_archive(self, name: str, data: bytes) -> None: ...
    def signed_url(self, name: str, ttl: dt.timedelta) -> str: ...
    def get_job(self, job_id: str) -> dict[str, Any] | None: ...
    def put_job(self, job_id: str, job: dict[str, Any], create: bool = False) -> None: ...


def spaces_of(role: str, tenant: str) -> list[str]:
    return [f"{root}/{tenant}" for root in SPACES_BY_ROLE.get(role, ())]


def request_export(role: str, tenant: str, requested_by: str, source: ExportSource, store: Store, clock: Clock,
                   publisher: Publisher | None = None) -> dict[str, Any]:
    now = clock.now()
    job_id = uuid.uuid4().hex
    job = {"job_id": job_id, "tenant": tenant, "role": role, "spaces": spaces_of(role, tenant), "status": "pending",
           "requested_by": requested_by, "requested_at": now.isoformat(), "progress": {"records": 0, "files": 0}}
    source.put_job(job_id, job, create=True)
    message = OutboxMessage(id=f"export-{job_id}", topic=EXPORTS_TOPIC, event_type=EventType.EXPORT_REQUESTED,
                            source="//passerelle.fr/exports", data={"job_id": job_id}, created_at=now)
    store.commit(Changes(outbox=[message]))
    if publisher is not None:
        outbox.dispatch(store, publisher, clock, [message])
    return job


def run_export(job_id: str, source: ExportSource, clock: Clock) -> dict[str, Any]:
    """Build the archive; running it again for a finished job does nothing (redelivery)."""
    job = source.get_job(job_id)
    if job is None:
        raise LookupError(job_id)
    if job["status"] == "completed":
        return job
    job.update(status="running", started_at=clock.now().isoformat())
    source.put_job(job_id, job)
    buffer = io.BytesIO()
    files: list[dict[str, Any]] = []
    records = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for space in job["spaces"]:
            lines: dict[str, list[str]] = {}
            for path, data in source.walk(space):
                relative = path.removeprefix(space).strip("/")
                name = f"{space}/{_collection_pattern(relative)}.jsonl"
                lines.setdefault(name, []).append(json.dumps({"path": path, "data": data}, ensure_ascii=False,
                                                             sort_keys=True, default=str))
                records += 1
                if records % PROGRESS_EVERY == 0:
                    job["progress"] = {"records": records, "files": len(files)}
                    source.put_job(job_id, job)
            for name, content in sorted(lines.items()):
                body = ("\n".join(content) + "\n").encode()
                archive.writestr(name, body)
                files.append({"name": name, "records": len(content), "bytes": len(body),
                              "sha256": hashlib.sha256(body).hexdigest()})
            for name, body in source.files(f"{space}/"):
                if "/exports/" in name:
                    continue  # earlier archives are not part of the data
                archive.writestr(f"files/{name}", body)
                files.append({"name": f"files/{name}", "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()})
        manifest = {"job_id": job_id, "tenant": job["tenant"], "spaces": job["spaces"],
                    "generated_at": clock.now().isoformat(), "records": records,
                    "files": files}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    archive_name = f"exports/{job['tenant']}/{job_id}.zip"
    data = buffer.getvalue()
    source.save_archive(archive_name, data)
    job.update(status="completed", completed_at=clock.now().isoformat(), archive=archive_name,
               archive_sha256=hashlib.sha256(data).hexdigest(), archive_bytes=len(data),
               progress={"records": records, "files": len(files)})
    source.put_job(job_id, job)
    log.info("export completed", extra={"job_id": job_id, "records": records, "bytes": len(data)})
    return job


def export_status(job_id: str, tenant: str, source: ExportSource) -> dict[str, Any] | None:
    """The job as its owner sees it, with a fresh signed URL once the archive is ready."""
    job = source.get_job(job_id)
    if job is None or job["tenant"] != tenant:
        return None
    if job["status"] == "completed":
        job = {**job, "download_url": source.signed_url(job["archive"], SIGNED_URL_TTL),
               "download_expires_in_seconds": int(SIGNED_URL_TTL.total_seconds())}
    return job


def _collection_pattern(relative: str) -> str:
    """``orders/BC-1/events/s1`` → ``orders__events``; the space document itself → ``_space``."""
    parts = relative.split("/") if relative else []
    return "__".join(parts[0::2]) or "_space"
