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

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from shared.domain.event_types import EventType
from shared.domain.exports import download_name
from shared.ports import Clock, ExportArchive, OutboxMessage, UnitOfWork
from shared.service.transaction import transact

log = logging.getLogger(__name__)

EXPORTS_TOPIC = "exports-requested"
SIGNED_URL_TTL = dt.timedelta(minutes=15)
PROGRESS_EVERY = 200
# How long an archive stays downloadable: the documents bucket's lifecycle deletes exports/ objects after
# that many days (infra/terraform/storage.tf, var.export_retention_days).
ARCHIVE_RETENTION = dt.timedelta(days=7)
COPY_CHUNK = 1024 * 1024
ZIP64_FROM = 2**31 - 1  # an entry this big needs ZIP64 headers written before its size is known

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
    progress is committed as it goes (every ``PROGRESS_EVERY`` records), each step on its own.

    Streamed, so that memory stays flat whatever the space's size (docs/performance.md): each
    document is written as it is read to the staging part of its collection pattern (one Cloud
    Storage object per JSON Lines file, under ``exports/<tenant>/<job>/parts/``); the ZIP is then
    written chunk by chunk to its object, each part and each stored file copied into it as a
    stream, and the parts deleted. Digests and sizes are computed on the way."""
    job = uow.get(job_path(job_id))
    if job is None:
        raise LookupError(job_id)
    if job["status"] in ("completed", "expired", "purged"):
        return job
    job.update(status="running", started_at=clock.now().isoformat())
    _save_job(uow, job)
    base = f"exports/{job['tenant']}/{job_id}"
    records, parts = _write_parts(job, base, uow, archive)
    files: list[dict[str, Any]] = []
    archive_name = f"{base}.zip"
    stamp = clock.now().astimezone(dt.UTC).timetuple()[:6]  # every entry dated by the run: a reproducible archive
    with archive.writer(archive_name, "application/zip") as out:
        digest_out = _Digesting(out)
        with zipfile.ZipFile(digest_out, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for name, part in sorted(parts.items()):
                with archive.reader(part.object_name) as source:
                    _copy_into(zipped, name, source, part.bytes, stamp)
                files.append({"name": name, "records": part.records, "bytes": part.bytes, "sha256": part.sha256})
            for space in job["spaces"]:
                for name, size in archive.files(f"{space}/"):
                    if "/exports/" in name:
                        continue  # earlier archives are not part of the data
                    with archive.reader(name) as source:  # PDFs are compressed already: stored as they are
                        sha256 = _copy_into(zipped, f"files/{name}", source, size, stamp,
                                            zipfile.ZIP_STORED)
                    files.append({"name": f"files/{name}", "bytes": size, "sha256": sha256})
            manifest = {"job_id": job_id, "tenant": job["tenant"], "spaces": job["spaces"],
                        "generated_at": clock.now().isoformat(), "records": records, "files": files}
            zipped.writestr(_entry("manifest.json", stamp, zipfile.ZIP_DEFLATED), json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    for part in parts.values():
        archive.delete(part.object_name)
    completed = clock.now()
    space = uow.get(job["spaces"][0]) if job["spaces"] else None  # the space's registered name (A8 download name)
    job.update(status="completed", completed_at=completed.isoformat(), archive=archive_name,
               download_name=download_name((space or {}).get("name"), job["tenant"], completed),
               archive_sha256=digest_out.hexdigest(), archive_bytes=digest_out.size,
               expires_at=(completed + ARCHIVE_RETENTION).isoformat(),
               progress={"records": records, "files": len(files)})
    _save_job(uow, job)
    log.info("export completed", extra={"job_id": job_id, "records": records, "bytes": digest_out.size})
    return job


@dataclass
class _Part:
    """One JSON Lines file of the archive while it is written to its staging object."""

    object_name: str
    stream: Any
    hash: Any = field(default_factory=hashlib.sha256)
    records: int = 0
    bytes: int = 0

    @property
    def sha256(self) -> str:
        return self.hash.hexdigest()

    def add(self, line: bytes) -> None:
        self.stream.write(line)
        self.hash.update(line)
        self.bytes += len(line)
        self.records += 1


def _write_parts(job: dict[str, Any], base: str, uow: UnitOfWork,
                 archive: ExportArchive) -> tuple[int, dict[str, _Part]]:
    """Every document of the job's spaces, as it is read, into the staging part of its collection pattern."""
    records = 0
    parts: dict[str, _Part] = {}
    with contextlib.ExitStack() as open_parts:
        for space in job["spaces"]:
            for path, data in archive.walk(space):
                relative = path.removeprefix(space).strip("/")
                name = f"{space}/{_collection_pattern(relative)}.jsonl"
                part = parts.get(name)
                if part is None:
                    object_name = f"{base}/parts/{len(parts):04d}.jsonl"
                    stream = open_parts.enter_context(archive.writer(object_name, "application/x-ndjson"))
                    part = parts[name] = _Part(object_name, stream)
                part.add((json.dumps({"path": path, "data": data}, ensure_ascii=False, sort_keys=True,
                                     default=str) + "\n").encode())
                records += 1
                if records % PROGRESS_EVERY == 0:
                    job["progress"] = {"records": records, "files": 0}
                    _save_job(uow, job)
    return records, parts


def _entry(name: str, stamp: tuple[int, ...], compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type, info.external_attr = compression, 0o600 << 16
    return info


def _copy_into(zipped: zipfile.ZipFile, name: str, source: BinaryIO, size: int, stamp: tuple[int, ...],
               compression: int = zipfile.ZIP_DEFLATED) -> str:
    """Copy ``source`` into a new entry of the archive, a chunk at a time; its SHA-256."""
    digest_in = hashlib.sha256()
    info = _entry(name, stamp, compression)
    with zipped.open(info, "w", force_zip64=size >= ZIP64_FROM) as entry:
        while chunk := source.read(COPY_CHUNK):
            entry.write(chunk)
            digest_in.update(chunk)
    return digest_in.hexdigest()


class _Digesting(io.RawIOBase):
    """A write-only stream that passes everything on and keeps its SHA-256 and size (the archive's)."""

    def __init__(self, out: BinaryIO):
        self.out, self.hash, self.size = out, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.out.write(data)
        self.hash.update(data)
        self.size += len(data)
        return len(data)

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def _save_job(uow: UnitOfWork, job: dict[str, Any]) -> None:
    """One step of the job's progress, in a commit of its own (the job is only ever written by its run)."""
    transact(uow, lambda: uow.put(job_path(job["job_id"]), job))


def export_status(job_id: str, tenant: str, uow: UnitOfWork, archive: ExportArchive,
                  now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The job as its owner sees it, with a fresh signed URL once the archive is ready (and until it expires)."""
    job = uow.get(job_path(job_id)) if job_id and "/" not in job_id else None
    if job is None or job["tenant"] != tenant:
        return None
    if job["status"] == "completed" and job.get("expires_at") and now is not None \
            and dt.datetime.fromisoformat(job["expires_at"]) <= now:
        return {**job, "status": "expired"}  # the bucket's lifecycle deleted the archive: export again
    if job["status"] == "completed":
        # an archive completed before jobs kept their download name is named from its tenant and day
        name = job.get("download_name") or download_name(None, job["tenant"],
                                                          dt.datetime.fromisoformat(job["completed_at"]))
        job = {**job, "download_name": name, "download_url": archive.signed_url(job["archive"], SIGNED_URL_TTL, name),
               "download_expires_in_seconds": int(SIGNED_URL_TTL.total_seconds())}
    return job


def _collection_pattern(relative: str) -> str:
    """``orders/BC-1/events/s1`` → ``orders__events``; the space document itself → ``_space``."""
    parts = relative.split("/") if relative else []
    return "__".join(parts[0::2]) or "_space"
