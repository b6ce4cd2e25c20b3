"""Attach PDF documents to an order (A6, B7), whatever the channel, and read them back.

- ``attach_document``: the bytes came in the request (REST multipart).
- ``request_upload`` then ``register_upload``: the contractor PUTs a large file on a V4 signed
  URL, then sends only its reference; the staged object is checked like a REST upload,
  copied to its final name and deleted — rejected or not, nothing stays in staging.
- ``list_documents``: metadata plus a short-lived signed download URL per document.

Only the contractor the order is addressed to may attach; the manager and that contractor
may read. Files live under the manager's prefix; metadata under the order in Firestore.
The file's SHA-256 names both, so the same file twice is stored once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from shared.domain import documents as doc
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Order
from shared.ports import Clock, ConcurrencyConflict, DocumentStore, DocWrite, Store

log = logging.getLogger(__name__)


class DocumentFiles(Protocol):
    """The PDF bytes in Cloud Storage (shared/adapters/document_files.py)."""

    def put_if_absent(self, name: str, data: bytes) -> bool: ...
    def size(self, name: str) -> int | None: ...
    def read(self, name: str) -> bytes | None: ...
    def delete(self, name: str) -> None: ...
    def download_url(self, name: str, ttl: dt.timedelta) -> str: ...
    def upload_url(self, name: str, ttl: dt.timedelta) -> str: ...


@dataclass(frozen=True)
class Ports:
    store: Store  # orders
    records: DocumentStore  # document metadata and pending uploads
    files: DocumentFiles
    clock: Clock


@dataclass(frozen=True)
class Attached:
    record: doc.DocumentRecord
    created: bool  # False when this very file was already attached to the order


def _order_for(manager_id: str, order_id: str, contractor_id: str | None, ports: Ports) -> Order:
    """The order, if the caller may see it; a contractor only sees orders addressed to it."""
    current = ports.store.get_order(manager_id, order_id)
    if current is None or (contractor_id is not None and current.value.contractor_id != contractor_id):
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=order_id)])
    return current.value


def attach_document(contractor_id: str, fields: doc.AttachFields, filename: str, data: bytes, ports: Ports,
                    uploaded_by: str, limit: int = doc.MAX_REST_BYTES) -> Attached:
    """Check and store a PDF sent in the request body."""
    order = _order_for(fields.manager_id, fields.order_id, contractor_id, ports)
    facts, errors = doc.inspect_pdf(data, limit)
    if errors:
        raise DomainError(errors)
    return _store(order, fields.kind, filename, data, facts, "rest", uploaded_by, ports)


def request_upload(contractor_id: str, command: doc.RequestUpload, ports: Ports, uploaded_by: str,
                   limit: int = doc.MAX_DOCUMENT_BYTES) -> dict[str, Any]:
    """Record a pending upload and hand back the signed URL to PUT the file on."""
    _order_for(command.manager_id, command.order_id, contractor_id, ports)
    errors = doc.size_errors(command.size_bytes, limit, "$.size_bytes")
    if errors:
        raise DomainError(errors)
    now = ports.clock.now()
    upload_id = uuid.uuid4().hex
    expires_at = now + doc.UPLOAD_URL_TTL
    staged = doc.staging_name(command.manager_id, command.order_id, upload_id)
    pending = {"upload_id": upload_id, "contractor_id": contractor_id, "kind": command.kind.value,
               "filename": command.filename, "declared_bytes": command.size_bytes, "object_name": staged,
               "status": "pending", "requested_by": uploaded_by, "requested_at": now.isoformat(),
               "expires_at": expires_at.isoformat()}
    ports.records.commit([DocWrite(doc.upload_path(command.manager_id, command.order_id, upload_id), pending)])
    return {"upload_id": upload_id, "upload_url": ports.files.upload_url(staged, doc.UPLOAD_URL_TTL),
            "method": "PUT", "headers": {"Content-Type": "application/pdf"}, "expires_at": expires_at.isoformat(),
            "max_bytes": limit, "manager_id": command.manager_id, "order_id": command.order_id}


def register_upload(contractor_id: str, command: doc.RegisterUpload, ports: Ports, uploaded_by: str,
                    limit: int = doc.MAX_DOCUMENT_BYTES) -> Attached:
    """Check the file a signed upload left in staging, then store it or delete it."""
    order = _order_for(command.manager_id, command.order_id, contractor_id, ports)
    path = doc.upload_path(command.manager_id, command.order_id, command.upload_id)
    pending = ports.records.get(path)
    if pending is None or pending.value["contractor_id"] != contractor_id:
        raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_FOUND", upload_id=command.upload_id)])
    upload = pending.value
    if upload["status"] == "registered":  # the same reference sent again: same answer
        existing = ports.records.get(doc.record_path(order.manager_id, order.order_id, upload["sha256"]))
        return Attached(doc.DocumentRecord.model_validate(existing.value), created=False)
    if upload["status"] == "rejected":  # already checked and deleted: same errors again
        raise DomainError([ErrorDetail(**e) for e in upload["errors"]])
    staged = upload["object_name"]
    size = ports.files.size(staged)
    if size is None:
        if dt.datetime.fromisoformat(upload["expires_at"]) < ports.clock.now():
            raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_EXPIRED", upload_id=command.upload_id,
                                              expires_at=upload["expires_at"])])
        raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_RECEIVED", upload_id=command.upload_id)])
    # Oversized objects are refused on their size alone, before being read.
    errors = doc.size_errors(size, limit)
    data = b""
    if not errors:
        data = ports.files.read(staged) or b""
        facts, errors = doc.inspect_pdf(data, limit)
    if errors:
        ports.files.delete(staged)
        _finish_upload(path, pending, {"status": "rejected", "errors": [e.model_dump() for e in errors]}, ports)
        raise DomainError(errors)
    attached = _store(order, doc.DocumentKind(upload["kind"]), upload["filename"], data, facts, "signed_url",
                      uploaded_by, ports)
    ports.files.delete(staged)
    _finish_upload(path, pending, {"status": "registered", "sha256": facts.sha256}, ports)
    return attached


def list_documents(manager_id: str, order_id: str, ports: Ports, contractor_id: str | None = None,
                   sha256: str | None = None) -> list[dict[str, Any]]:
    """Every document of the order (or one), each with a signed download URL valid a few minutes."""
    _order_for(manager_id, order_id, contractor_id, ports)
    rows = ports.records.list(f"managers/{manager_id}/orders/{order_id}/documents")
    listed = []
    for sha, data in rows:
        if sha256 and sha != sha256:
            continue
        listed.append({**data, "download_url": ports.files.download_url(data["object_name"], doc.DOWNLOAD_URL_TTL),
                       "download_expires_in_seconds": int(doc.DOWNLOAD_URL_TTL.total_seconds())})
    return listed


def _store(order: Order, kind: doc.DocumentKind, filename: str, data: bytes, facts: doc.PdfFacts, channel: str,
           uploaded_by: str, ports: Ports) -> Attached:
    name = doc.object_name(order.manager_id, order.order_id, facts.sha256)
    path = doc.record_path(order.manager_id, order.order_id, facts.sha256)
    existing = ports.records.get(path)
    if existing is not None:
        return Attached(doc.DocumentRecord.model_validate(existing.value), created=False)
    ports.files.put_if_absent(name, data)  # bytes first: a record never points at a missing object
    record = doc.DocumentRecord(
        sha256=facts.sha256, manager_id=order.manager_id, order_id=order.order_id, contractor_id=order.contractor_id,
        kind=kind, filename=filename, size_bytes=facts.size_bytes, pages=facts.pages, object_name=name,
        channel=channel, uploaded_by=uploaded_by, uploaded_at=ports.clock.now())
    try:
        ports.records.commit([DocWrite(path, record.model_dump(mode="json"))])
    except ConcurrencyConflict:  # the same file attached concurrently: keep the first record
        return Attached(doc.DocumentRecord.model_validate(ports.records.get(path).value), created=False)
    log.info("document attached", extra={"manager_id": order.manager_id, "order_id": order.order_id,
                                         "sha256": facts.sha256, "kind": kind.value, "channel": channel})
    return Attached(record, created=True)


def _finish_upload(path: str, pending, update: dict[str, Any], ports: Ports) -> None:
    data = {**pending.value, **update, "finished_at": ports.clock.now().isoformat()}
    try:
        ports.records.commit([DocWrite(path, data, mode="update", version=pending.version)])
    except ConcurrencyConflict:
        pass  # a concurrent registration of the same upload finished it first
