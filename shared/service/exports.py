"""Reversibility (A8): a manager or beneficiary exports all of its data, at any time.

  exports/{job_id}   the job: tenant, spaces, status, progress, archive name and digest

``request_export`` records a job and asks for it on the ``exports-requested`` topic in the
same commit (the transactional outbox, so the request is never lost); ``run_export`` walks
every document of the tenant's spaces and every stored file under their prefixes
(``ExportArchive``), writes one ZIP archive — JSON Lines per collection, the files, and a
manifest of counts and SHA-256 digests — to Cloud Storage, and reports progress on the job as
it goes. The archive is read through a short-lived signed URL. The job is a top-level
document: its audit records go to the platform's registry, so that an export does not add to
the space it is reading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

from shared.domain.messages import EventType
from shared.ports import Clock, ExportArchive, OutboxMessage, UnitOfWork
from shared.service.transaction import transact

log = logging.getLogger(__name__)

EXPORTS_TOPIC = "exports-requested"
SIGNED_URL_TTL = dt.timedelta(minutes=15)
PROGRESS_EVERY = 200

SPACES_BY_ROLE = {"manager": ("managers",), "beneficiary": ("beneficiaries", "managers")}


def spaces_of(role: str, tenant: str) -> list[str]:
    return [f"{root}/{tenant}" for root in SPACES_BY_ROLE.get(role, ())]


def job_path(job_id: str) -> str:
    return f"exports/{job_id}"


def request_export(role: str, tenant: str, requested_by: str, uow: UnitOfWork, clock: Clock,
                   new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> dict[str, Any]:
    """Record the job and its ``exports-requested`` message in one commit (the outbox publishes it).
    ``new_id``: the job id (random; fixed by the contract generator's stories)."""
    now = clock.now()
    job_id = new_id()
    job = {"job_id": job_id, "tenant": tenant, "role": role, "spaces": spaces_of(role, tenant), "status": "pending",
           "requested_by": requested_by, "requested_at": now.isoformat(), "progress": {"records": 0, "files": 0}}

    def attempt() -> None:
        uow.create(job_path(job_id), job)
        uow.publish(OutboxMessage(id=f"export-{job_id}", topic=EXPORTS_TOPIC, event_type=EventType.EXPORT_REQUESTED,
                                  source="//passerelle.fr/exports", data={"job_id": job_id}, created_at=now))

    transact(uow, attempt)
    return job


def run_export(job_id: str, uow: UnitOfWork, archive: ExportArchive, clock: Clock) -> dict[str, Any]:
    """Build the archive; running it again for a finished job does nothing (redelivery). The job's
    progress is committed as it goes (every ``PROGRESS_EVERY`` records), each step on its own."""
    job = uow.get(job_path(job_id))
    if job is None:
        raise LookupError(job_id)
    if job["status"] == "completed":
        return job
    job.update(status="running", started_at=clock.now().isoformat())
    _save_job(uow, job)
    stamp = clock.now().astimezone(dt.UTC).timetuple()[:6]  # every entry dated by the run: a reproducible archive

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
        return info

    buffer = io.BytesIO()
    files: list[dict[str, Any]] = []
    records = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for space in job["spaces"]:
            lines: dict[str, list[str]] = {}
            for path, data in archive.walk(space):
                relative = path.removeprefix(space).strip("/")
                name = f"{space}/{_collection_pattern(relative)}.jsonl"
                lines.setdefault(name, []).append(json.dumps({"path": path, "data": data}, ensure_ascii=False,
                                                             sort_keys=True, default=str))
                records += 1
                if records % PROGRESS_EVERY == 0:
                    job["progress"] = {"records": records, "files": len(files)}
                    _save_job(uow, job)
            for name, content in sorted(lines.items()):
                body = ("\n".join(content) + "\n").encode()
                zipped.writestr(entry(name), body)
                files.append({"name": name, "records": len(content), "bytes": len(body),
                              "sha256": hashlib.sha256(body).hexdigest()})
            for name, body in archive.files(f"{space}/"):
                if "/exports/" in name:
                    continue  # earlier archives are not part of the data
                zipped.writestr(entry(f"files/{name}"), body)
                files.append({"name": f"files/{name}", "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()})
        manifest = {"job_id": job_id, "tenant": job["tenant"], "spaces": job["spaces"],
                    "generated_at": clock.now().isoformat(), "records": records,
                    "files": files}
        zipped.writestr(entry("manifest.json"), json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    archive_name = f"exports/{job['tenant']}/{job_id}.zip"
    data = buffer.getvalue()
    archive.save_archive(archive_name, data)
    job.update(status="completed", completed_at=clock.now().isoformat(), archive=archive_name,
               archive_sha256=hashlib.sha256(data).hexdigest(), archive_bytes=len(data),
               progress={"records": records, "files": len(files)})
    _save_job(uow, job)
    log.info("export completed", extra={"job_id": job_id, "records": records, "bytes": len(data)})
    return job


def _save_job(uow: UnitOfWork, job: dict[str, Any]) -> None:
    """One step of the job's progress, in a commit of its own (the job is only ever written by its run)."""
    transact(uow, lambda: uow.put(job_path(job["job_id"]), job))


def export_status(job_id: str, tenant: str, uow: UnitOfWork, archive: ExportArchive) -> dict[str, Any] | None:
    """The job as its owner sees it, with a fresh signed URL once the archive is ready."""
    job = uow.get(job_path(job_id)) if job_id and "/" not in job_id else None
    if job is None or job["tenant"] != tenant:
        return None
    if job["status"] == "completed":
        job = {**job, "download_url": archive.signed_url(job["archive"], SIGNED_URL_TTL),
               "download_expires_in_seconds": int(SIGNED_URL_TTL.total_seconds())}
    return job


def _collection_pattern(relative: str) -> str:
    """``orders/BC-1/events/s1`` → ``orders__events``; the space document itself → ``_space``."""
    parts = relative.split("/") if relative else []
    return "__".join(parts[0::2]) or "_space"
