"""Attach PDF documents to an order (A6 reports, B7 proof of service), whatever the channel, and
read them back.

- ``attach_document``: the bytes came in the request (REST multipart).
- ``request_upload`` then ``register_upload``: the contractor PUTs a large file on a V4 signed
  URL, then sends only its reference; the staged object is checked like a REST upload,
  copied to its final name and deleted — rejected or not, nothing stays in staging.
- ``list_documents``: metadata plus a short-lived signed download URL per document.

Only the contractor the order is addressed to may attach; the manager and that contractor
may read. Bytes live in Cloud Storage under the manager's prefix (``DocumentFiles``); records
in Firestore under the order (paths in shared/domain/documents.py):

  managers/{m}/orders/{o}/documents/{sha256}   a document's metadata (``DocumentRecord``)
  managers/{m}/orders/{o}/uploads/{upload_id}  a signed upload: pending, registered or rejected

The file's SHA-256 names both the object and the record, so the same file twice is stored once.
A ``deliverable`` (B11 mission follow-up) names its milestone and deliverable: checked against the
order's mission (``shared.domain.sourcing.deliverables``) when the file comes in the request, or when
the signed upload is requested (the pending upload keeps both fields; a mission's milestones and
deliverables do not change once framed). Other kinds carry neither field. Its record's commit also marks
the document it supersedes (``superseded_by``), so that it and a decision on that document are serialised.
A document whose order's node is missing from the manager's tree in force, or retired, is stored
all the same (the work was done) but flagged (``property_flag``, A7); get_property_coverage lists it.
The bytes are written before the record (a record never points at a missing object); a
registration commits the record and its upload's new status together.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.domain import documents as doc
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Order
from shared.ports import Clock, DocumentFiles, Query, UnitOfWork
from shared.service.order_store import load_order, mark_changed, order_path
from shared.service.property_tree import node_state
from shared.service.transaction import transact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attached:
    record: doc.DocumentRecord
    created: bool  # False when this very file was already attached to the order


def _order_for(manager_id: str, order_id: str, contractor_id: str | None, uow: UnitOfWork) -> Order:
    """The order, if the caller may see it; a contractor only sees orders addressed to it."""
    order = load_order(uow, manager_id, order_id)
    if order is None or (contractor_id is not None and order.contractor_id != contractor_id):
        raise DomainError([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id=order_id)])
    return order


def _record(uow: UnitOfWork, path: str) -> doc.DocumentRecord | None:
    data = uow.get(path)
    return doc.DocumentRecord.model_validate(data) if data is not None else None


def deliverable_errors(uow: UnitOfWork, order: Order, kind: doc.DocumentKind, milestone_id: str | None,
                       deliverable: str | None) -> list[ErrorDetail]:
    """B11: a deliverable names a milestone and a deliverable of the order's mission; other kinds neither.
    The mission is read only for kind deliverable (one point read), loading the sourcing modules only then."""
    from shared.domain.sourcing.deliverables import deliverable_errors as errors_for

    mission = None
    if kind is doc.DocumentKind.DELIVERABLE:
        from shared.service.sourcing.mission_store import mission_of_order

        mission = mission_of_order(uow, order)
    return errors_for(kind, milestone_id, deliverable, mission)


def attach_document(contractor_id: str, fields: doc.AttachFields, filename: str, data: bytes, uow: UnitOfWork,
                    files: DocumentFiles, clock: Clock, uploaded_by: str,
                    limit: int = doc.MAX_REST_BYTES) -> Attached:
    """Check and store a PDF sent in the request body."""
    order = _order_for(fields.manager_id, fields.order_id, contractor_id, uow)
    errors = deliverable_errors(uow, order, fields.kind, fields.milestone_id, fields.deliverable)
    facts, pdf_errors = doc.inspect_pdf(data, limit)
    if errors or pdf_errors:
        raise DomainError([*errors, *pdf_errors])
    path = doc.record_path(order.manager_id, order.order_id, facts.sha256)
    if (existing := _record(uow, path)) is not None:
        return Attached(existing, created=False)
    files.put_if_absent(doc.object_name(order.manager_id, order.order_id, facts.sha256), data)
    named = {"milestone_id": fields.milestone_id, "deliverable": fields.deliverable}
    return transact(uow, lambda: _store(uow, order, fields.kind, filename, facts, "rest", uploaded_by, clock, named))


def request_upload(contractor_id: str, command: doc.RequestUpload, uow: UnitOfWork, files: DocumentFiles,
                   clock: Clock, uploaded_by: str, limit: int = doc.MAX_DOCUMENT_BYTES,
                   new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> dict[str, Any]:
    """Record a pending upload and hand back the signed URL to PUT the file on. ``new_id``: the upload id
    (random; fixed by the contract generator's stories)."""
    order = _order_for(command.manager_id, command.order_id, contractor_id, uow)
    errors = [*deliverable_errors(uow, order, command.kind, command.milestone_id, command.deliverable),
              *doc.size_errors(command.size_bytes, limit, "$.size_bytes")]
    if errors:
        raise DomainError(errors)
    now = clock.now()
    upload_id = new_id()
    expires_at = now + doc.UPLOAD_URL_TTL
    staged = doc.staging_name(command.manager_id, command.order_id, upload_id)
    pending = {"upload_id": upload_id, "contractor_id": contractor_id, "kind": command.kind.value,
               "filename": command.filename, "declared_bytes": command.size_bytes, "object_name": staged,
               "status": "pending", "requested_by": uploaded_by, "requested_at": now.isoformat(),
               "expires_at": expires_at.isoformat()}
    if command.kind is doc.DocumentKind.DELIVERABLE:
        pending |= {"milestone_id": command.milestone_id, "deliverable": command.deliverable}
    transact(uow, lambda: uow.create(doc.upload_path(command.manager_id, command.order_id, upload_id), pending))
    url, headers = files.upload_url(staged, doc.UPLOAD_URL_TTL, command.size_bytes)
    return {"upload_id": upload_id, "upload_url": url, "method": "PUT", "headers": headers,
            "expires_at": expires_at.isoformat(), "max_bytes": command.size_bytes, "manager_id": command.manager_id,
            "order_id": command.order_id}


def _upload(contractor_id: str, command: doc.RegisterUpload, uow: UnitOfWork) -> tuple[str, dict[str, Any]]:
    """The pending upload a registration names, if it is this contractor's: (its path, its record)."""
    path = doc.upload_path(command.manager_id, command.order_id, command.upload_id)
    upload = uow.get(path)
    if upload is None or upload["contractor_id"] != contractor_id:
        raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_FOUND", upload_id=command.upload_id)])
    return path, upload


def _inspect_staged(command: doc.RegisterUpload, upload: dict[str, Any], files: DocumentFiles, clock: Clock,
                    limit: int) -> tuple[doc.PdfFacts | None, bytes, int, list[ErrorDetail]]:
    """Check the file a signed upload left in staging: (facts, bytes, generation, errors).

    Oversized objects are refused on their size alone, before being read: over the limit, or over the
    size declared (which the signed URL bounds in Cloud Storage already). Then the version whose size
    was checked is read, and no other: a file swapped meanwhile is not read (``UPLOAD_CHANGED``)."""
    staged = upload["object_name"]
    found = files.stat(staged)
    if found is None:
        if dt.datetime.fromisoformat(upload["expires_at"]) < clock.now():
            raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_EXPIRED", upload_id=command.upload_id,
                                              expires_at=upload["expires_at"])])
        raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_RECEIVED", upload_id=command.upload_id)])
    size, generation = found
    errors = doc.size_errors(size, min(limit, int(upload.get("declared_bytes") or limit)))
    if errors:
        return None, b"", generation, errors
    data = files.read(staged, generation)
    if data is None:
        raise DomainError([ErrorDetail.of("$.upload_id", "UPLOAD_CHANGED", upload_id=command.upload_id)])
    facts, errors = doc.inspect_pdf(data, limit)
    return facts, data, generation, errors


def register_upload(contractor_id: str, command: doc.RegisterUpload, uow: UnitOfWork, files: DocumentFiles,
                    clock: Clock, uploaded_by: str, limit: int = doc.MAX_DOCUMENT_BYTES) -> Attached:
    """Check the file a signed upload left in staging, then store it or delete it.

    The same reference sent again gets the same answer: the stored record, or the same errors."""
    order = _order_for(command.manager_id, command.order_id, contractor_id, uow)
    path, upload = _upload(contractor_id, command, uow)
    if upload["status"] == "registered":
        files.delete(upload["object_name"])  # in case the first registration died before deleting it
        return Attached(_record(uow, doc.record_path(order.manager_id, order.order_id, upload["sha256"])),
                        created=False)
    if upload["status"] == "rejected":  # already checked and deleted: same errors again
        raise DomainError([ErrorDetail(**e) for e in upload["errors"]])
    staged = upload["object_name"]
    facts, data, generation, errors = _inspect_staged(command, upload, files, clock, limit)
    if errors:
        files.delete(staged, generation)
        _finish_upload(uow, path, {"status": "rejected", "errors": [e.model_dump() for e in errors]}, clock)
        raise DomainError(errors)
    files.put_if_absent(doc.object_name(order.manager_id, order.order_id, facts.sha256), data)

    def attempt() -> Attached:
        current = uow.get(path)
        if current is not None and current["status"] == "registered":  # a concurrent registration won
            return Attached(_record(uow, doc.record_path(order.manager_id, order.order_id, current["sha256"])),
                            created=False)
        attached = _store(uow, order, doc.DocumentKind(upload["kind"]), upload["filename"], facts, "signed_url",
                          uploaded_by, clock, {"milestone_id": upload.get("milestone_id"),
                                               "deliverable": upload.get("deliverable")})
        uow.update(path, {"status": "registered", "sha256": facts.sha256, "finished_at": clock.now().isoformat()})
        return attached

    attached = transact(uow, attempt)
    files.delete(staged, generation)
    return attached


def check_upload(contractor_id: str, command: doc.RegisterUpload, uow: UnitOfWork, files: DocumentFiles,
                 clock: Clock, limit: int = doc.MAX_DOCUMENT_BYTES) -> str:
    """What ``register_upload`` would decide about a signed upload, with nothing stored, copied, marked
    or deleted (a validate-only message): the file's SHA-256, or every error."""
    order = _order_for(command.manager_id, command.order_id, contractor_id, uow)
    _, upload = _upload(contractor_id, command, uow)
    if upload["status"] == "registered":
        return upload["sha256"]
    if upload["status"] == "rejected":
        raise DomainError([ErrorDetail(**e) for e in upload["errors"]])
    facts, _, _, errors = _inspect_staged(command, upload, files, clock, limit)
    if errors:
        raise DomainError(errors)
    log.info("signed upload checked (validate-only)", extra={"manager_id": order.manager_id,
                                                              "order_id": order.order_id})
    return facts.sha256


def list_documents(manager_id: str, order_id: str, uow: UnitOfWork, files: DocumentFiles,
                   contractor_id: str | None = None, sha256: str | None = None) -> list[dict[str, Any]]:
    """Every document of the order (or one), each with a signed download URL valid a few minutes. The contractor
    reads a deliverable's decision without the beneficiary's account that took it (B11)."""
    _order_for(manager_id, order_id, contractor_id, uow)
    rows = uow.query(Query(f"managers/{manager_id}/orders/{order_id}/documents", order_by=(("__name__", "asc"),)))
    return [{**_as_read(row.data, contractor_id),
             "download_url": files.download_url(row.data["object_name"], doc.DOWNLOAD_URL_TTL),
             "download_expires_in_seconds": int(doc.DOWNLOAD_URL_TTL.total_seconds())}
            for row in rows if not sha256 or row.id == sha256]


def _as_read(record: dict[str, Any], contractor_id: str | None) -> dict[str, Any]:
    if contractor_id is None or not record.get("decision"):
        return record
    return {**record, "decision": {**record["decision"], "decided_by": None, "decided_by_name": None}}


def _store(uow: UnitOfWork, order: Order, kind: doc.DocumentKind, filename: str, facts: doc.PdfFacts, channel: str,
           uploaded_by: str, clock: Clock, named: dict[str, str | None] | None = None) -> Attached:
    """Buffer the document's record, unless this very file is attached already (the first record stays)."""
    path = doc.record_path(order.manager_id, order.order_id, facts.sha256)
    if (existing := _record(uow, path)) is not None:
        return Attached(existing, created=False)
    record = doc.DocumentRecord(
        sha256=facts.sha256, manager_id=order.manager_id, order_id=order.order_id, contractor_id=order.contractor_id,
        kind=kind, filename=filename, size_bytes=facts.size_bytes, pages=facts.pages,
        object_name=doc.object_name(order.manager_id, order.order_id, facts.sha256), channel=channel,
        uploaded_by=uploaded_by, uploaded_at=clock.now(),
        property_flag=doc.PROPERTY_FLAGS.get(node_state(uow, order.manager_id, order.site.node_id) or ""),
        active_content=list(facts.active_content), **(named or {}))
    uow.create(path, record.model_dump(mode="json"))
    if kind is doc.DocumentKind.DELIVERABLE:
        _supersede(uow, order, record)
    if kind is doc.DocumentKind.SERVICE_DONE:  # the attestation the client may receive the order on (B7)
        current = load_order(uow, order.manager_id, order.order_id)
        if current is not None and facts.sha256 not in current.service_done_documents:
            uow.update(order_path(order.manager_id, order.order_id),
                       {"service_done_documents": [*current.service_done_documents, facts.sha256]})
    mark_changed(uow, order.manager_id, order.order_id)  # A11 real-time view: its documents are the order's
    uow.after_commit(lambda: log.log(logging.WARNING if facts.active_content else logging.INFO, "document attached",
                                     extra={"manager_id": order.manager_id, "order_id": order.order_id,
                                            "sha256": facts.sha256, "kind": kind.value, "channel": channel,
                                            "active_content": list(facts.active_content)}))
    return Attached(record, created=True)


def _supersede(uow: UnitOfWork, order: Order, record: doc.DocumentRecord) -> None:
    """B11: mark the current document of the same milestone's same deliverable superseded by ``record``, in the
    delivery's commit and under the version read. A decision on it read before this commit then fails its own
    precondition and, read again, is refused (``DELIVERABLE_DOCUMENT_SUPERSEDED``); a decision committed first
    makes this delivery start again from fresh reads, and the decided document is marked all the same."""
    from shared.domain.sourcing.deliverables import current_document

    rows = uow.query(Query(f"{order_path(order.manager_id, order.order_id)}/documents",
                           where=(("kind", "==", doc.DocumentKind.DELIVERABLE.value),)))
    current = current_document([row.data for row in rows], record.milestone_id, record.deliverable)
    if current is not None and current["sha256"] != record.sha256 and not current.get("superseded_by"):
        uow.update(doc.record_path(order.manager_id, order.order_id, current["sha256"]),
                   {"superseded_by": record.sha256})


def _finish_upload(uow: UnitOfWork, path: str, update: dict[str, Any], clock: Clock) -> None:
    """Record how a pending upload ended, unless a concurrent registration of it ended it first."""

    def attempt() -> None:
        current = uow.get(path)
        if current is not None and current["status"] == "pending":
            uow.update(path, {**update, "finished_at": clock.now().isoformat()})

    transact(uow, attempt)
