"""PDF documents attached to an order (A6, B7): what is accepted, where it lives, what is kept.

Contractors attach intervention reports, proofs of service ("service fait"), invoices and, on a
mission's order, deliverables (B11: naming the milestone and the deliverable they deliver) to an
order addressed to them. A file is accepted only if it is a real, readable, unencrypted
PDF within the size limit; it is identified by its SHA-256, so the same file sent twice is
stored once. A PDF carrying active content — JavaScript (``/JS``, ``/JavaScript``), an automatic or
launch action (``/OpenAction`` or ``/AA`` running a script, ``/Launch``), embedded files
(``/EmbeddedFile``, file attachments: a Factur-X invoice carries its XML that way), rich media or
an XFA form — is accepted and FLAGGED: ``active_content`` on its record names what was found, and
every reader (the API, the web application) shows it. Refusing them would refuse Factur-X
invoices; the flag warns whoever opens the file (docs/documents.md). It is stored in the MANAGER's space (``managers/<m>/orders/<o>/documents/``),
never the contractor's.

Pure: pypdf parses the bytes; nothing here talks to Google.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.errors import ErrorDetail
from shared.domain.orders import Identifier
from shared.domain.base import Command, Model

# Documented limits (docs/documents.md). REST carries the file in the request body; larger
# files go through a V4 signed upload URL straight to Cloud Storage.
MAX_REST_BYTES = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MULTIPART_OVERHEAD_BYTES = 64 * 1024
UPLOAD_URL_TTL = dt.timedelta(minutes=15)
DOWNLOAD_URL_TTL = dt.timedelta(minutes=5)
PDF_MAGIC = b"%PDF-"
EOF_WINDOW = 1024  # the %%EOF marker must sit near the end of a complete file
# One filename rule for both upload paths (the signed upload's JSON and the multipart form's file part):
# no path separator, no control character, 1 to 200 characters.
FILENAME_PATTERN = r"^[^/\\\x00-\x1f\x7f]+$"
Filename = Annotated[str, Field(min_length=1, max_length=200, pattern=FILENAME_PATTERN)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class DocumentKind(StrEnum):
    INTERVENTION_REPORT = "intervention_report"  # compte rendu d'intervention
    SERVICE_DONE = "service_done"  # attestation de service fait
    INVOICE = "invoice"  # facture
    DELIVERABLE = "deliverable"  # livrable d'une mission, naming its milestone and deliverable (B11)


KIND_LABELS = {DocumentKind.INTERVENTION_REPORT: "rapport d'intervention",
               DocumentKind.SERVICE_DONE: "attestation de service fait", DocumentKind.INVOICE: "facture",
               DocumentKind.DELIVERABLE: "livrable"}
# B11 mission follow-up: a deliverable's label, as the mission states it (a milestone's or the mission's).
DeliverableLabel = Annotated[str, Field(min_length=1, max_length=200)]
_MILESTONE_DOC = "kind deliverable only: the mission's milestone this file delivers for (B11)."
_DELIVERABLE_DOC = ("kind deliverable only: the deliverable's label, exactly as the milestone (or the mission) "
                    "states it (B11).")


class DeliverableVerdict(StrEnum):
    """The beneficiary's decision on a delivered deliverable (B11 mission follow-up)."""

    ACCEPTED = "accepted"
    REFUSED = "refused"


VERDICT_LABELS = {DeliverableVerdict.ACCEPTED: "accepté", DeliverableVerdict.REFUSED: "refusé"}


class DeliverableDecision(Model):
    """Kept on a ``deliverable`` document's record: the beneficiary accepted it, or refused it with a reason (B11).
    One decision per document; a refused deliverable is delivered again as a new document."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DeliverableDecision")

    decision: DeliverableVerdict
    reason: str | None = Field(default=None, description="Why it was refused (French text); null when accepted.")
    decided_at: AwareDatetime
    decided_by: str | None = Field(default=None, description=(
        "The beneficiary's account that decided; null in what the titulaire reads (get_documents, its message)."))
    decided_by_name: str | None = Field(default=None, description=(
        "That account's display name as the account registry kept it when deciding (the web app names the person, "
        "« par Léa Martin (agent@lyon.fr) »); null for an account without one, a decision recorded before the name "
        "was kept, and in what the titulaire reads."))


class AttachFields(Command):
    """The form fields that come with a multipart upload (the file itself is the ``file`` part)."""

    manager_id: Identifier
    order_id: Identifier
    kind: DocumentKind
    milestone_id: Identifier | None = Field(default=None, description=_MILESTONE_DOC)
    deliverable: DeliverableLabel | None = Field(default=None, description=_DELIVERABLE_DOC)


class RequestUpload(Command):
    """POST request_report_upload: ask for a signed URL to upload a large PDF."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RequestUpload")

    manager_id: Identifier
    order_id: Identifier
    kind: DocumentKind
    filename: Filename
    size_bytes: Annotated[int, Field(gt=0)]
    milestone_id: Identifier | None = Field(default=None, description=_MILESTONE_DOC)
    deliverable: DeliverableLabel | None = Field(default=None, description=_DELIVERABLE_DOC)


class RegisterUpload(Command):
    """POST store_report (JSON): the object reference of a finished signed upload, nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RegisterUpload")

    manager_id: Identifier
    order_id: Identifier
    upload_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


class DocumentRecord(Model):
    """Metadata kept in Firestore at ``managers/<m>/orders/<o>/documents/<sha256>``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DocumentRecord")

    sha256: Sha256
    manager_id: str
    order_id: str
    contractor_id: str
    kind: DocumentKind
    filename: str
    size_bytes: int
    pages: int
    object_name: str
    channel: str  # "rest" | "signed_url"
    uploaded_by: str
    uploaded_at: AwareDatetime
    # A7: set when, on attaching, the order's node is missing from the manager's tree in force
    # (PROPERTY_NODE_NOT_FOUND) or was retired by an import (PROPERTY_NODE_RETIRED).
    property_flag: Annotated[str, Field(pattern=r"^PROPERTY_NODE_(NOT_FOUND|RETIRED)$")] | None = None
    # What active content the PDF carries ("javascript", "launch", "embedded_files", "rich_media",
    # "xfa"): stored, and shown as such to whoever reads it. Empty: none found.
    active_content: list[str] = []
    # B11 mission follow-up: for kind deliverable, the milestone and the deliverable this file delivers.
    milestone_id: str | None = None
    deliverable: str | None = None
    # B11: the beneficiary's decision on this deliverable (decide_deliverable); None until it decides.
    decision: DeliverableDecision | None = None
    # B11: the SHA-256 of the document that delivered the same milestone's same deliverable after this one, written
    # in the new delivery's commit; a decision read before it is refused at its commit (precondition), then on this.
    superseded_by: Sha256 | None = None


PROPERTY_FLAGS = {"missing": "PROPERTY_NODE_NOT_FOUND", "retired": "PROPERTY_NODE_RETIRED"}


@dataclass(frozen=True)
class PdfFacts:
    sha256: str
    size_bytes: int
    pages: int
    active_content: tuple[str, ...] = ()


ACTIVE_CONTENT_LABELS = {"javascript": "JavaScript", "launch": "lancement d'application",
                         "embedded_files": "fichiers incorporés", "rich_media": "média enrichi",
                         "xfa": "formulaire XFA", "unreadable_structure": "structure illisible"}
# Keys (names of a dictionary entry) and action types (/S values) that make a PDF active.
_ACTIVE_KEYS = {"/JS": "javascript", "/JavaScript": "javascript", "/EmbeddedFile": "embedded_files",
                "/EmbeddedFiles": "embedded_files", "/RichMedia": "rich_media", "/XFA": "xfa",
                "/Launch": "launch"}
_ACTIVE_ACTIONS = {"/JavaScript": "javascript", "/Launch": "launch", "/RichMediaExecute": "rich_media",
                   "/ImportData": "javascript", "/SubmitForm": "javascript"}
_ACTIVE_SUBTYPES = {"/FileAttachment": "embedded_files", "/RichMedia": "rich_media",
                    "/EmbeddedFile": "embedded_files"}
_ACTIVE_SCAN_BUDGET = 50_000  # objects visited at most: a hostile file cannot make the walk endless
_RAW_MARKERS = {b"/JavaScript": "javascript", b"/JS": "javascript", b"/Launch": "launch",
                b"/EmbeddedFile": "embedded_files", b"/RichMedia": "rich_media", b"/XFA": "xfa"}


def active_content(reader, data: bytes) -> tuple[str, ...]:
    """Every kind of active content found: the objects reachable from the document catalogue (walked
    within a budget, resolving compressed object streams through pypdf) and the raw bytes' markers."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    for marker, kind in _RAW_MARKERS.items():
        index = data.find(marker)
        # the name must end there (``/JSON`` is not ``/JS``)
        while index != -1 and data[index + len(marker):index + len(marker) + 1].isalnum():
            index = data.find(marker, index + 1)
        if index != -1:
            found.add(kind)
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer.get("/Root")]
    visited = 0
    while stack and visited < _ACTIVE_SCAN_BUDGET:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001 - a dangling reference: nothing active behind it
                continue
        visited += 1
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in _ACTIVE_KEYS:
                    found.add(_ACTIVE_KEYS[name])
                if name == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    found.add(_ACTIVE_ACTIONS[value])
                if name in ("/Subtype", "/Type") and isinstance(value, NameObject) and value in _ACTIVE_SUBTYPES:
                    found.add(_ACTIVE_SUBTYPES[value])
                if name not in ("/Parent", "/P"):  # back-links: reached from above anyway
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return tuple(sorted(found))


def object_name(manager_id: str, order_id: str, sha256: str) -> str:
    """Deterministic: the same file for the same order always lands on the same object."""
    return f"managers/{manager_id}/orders/{order_id}/documents/{sha256}.pdf"


def record_path(manager_id: str, order_id: str, sha256: str) -> str:
    return f"managers/{manager_id}/orders/{order_id}/documents/{sha256}"


def upload_path(manager_id: str, order_id: str, upload_id: str) -> str:
    return f"managers/{manager_id}/orders/{order_id}/uploads/{upload_id}"


def staging_name(manager_id: str, order_id: str, upload_id: str) -> str:
    """Where a signed upload lands before it is checked (deleted once checked, good or bad)."""
    return f"incoming/{manager_id}/{order_id}/{upload_id}.pdf"


def filename_errors(name: str, field: str) -> list[ErrorDetail]:
    """The multipart path's check of the file part's name: the very rule ``Filename`` applies to JSON."""
    from pydantic import TypeAdapter, ValidationError

    from shared.domain.validation import errors_from_validation

    try:
        TypeAdapter(Filename).validate_python(name)
    except ValidationError as exc:
        return errors_from_validation(exc, field)
    return []


def size_errors(size: int, limit: int = MAX_DOCUMENT_BYTES, field: str = "$.file") -> list[ErrorDetail]:
    if size == 0:
        return [ErrorDetail.of(field, "DOCUMENT_EMPTY")]
    if size > limit:
        return [ErrorDetail.of(field, "DOCUMENT_TOO_LARGE", size=size, limit=limit)]
    return []


BROKEN_STRUCTURE = "structure interne endommagée : enregistrez-le de nouveau en PDF depuis le logiciel qui l'a produit"


def inspect_pdf(data: bytes, limit: int = MAX_DOCUMENT_BYTES, field: str = "$.file") -> tuple[PdfFacts | None, list[ErrorDetail]]:
    """Check that ``data`` is a complete, readable, unencrypted PDF; its facts or every reason not."""
    errors = size_errors(len(data), limit, field)
    if errors:
        return None, errors
    if not data.startswith(PDF_MAGIC):
        return None, [ErrorDetail.of(field, "DOCUMENT_NOT_PDF", start=data[:16].decode("latin-1").strip()[:16])]
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        return None, [ErrorDetail.of(field, "DOCUMENT_TRUNCATED")]
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            return None, [ErrorDetail.of(field, "DOCUMENT_ENCRYPTED")]
        pages = len(reader.pages)
        for page in reader.pages:  # touch every page: a broken object table shows up here
            page.mediabox  # noqa: B018
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        # said in words and with what to do, not by pypdf's exception class (« PdfReadError » means nothing to a person)
        return None, [ErrorDetail.of(field, "DOCUMENT_UNREADABLE", detail=BROKEN_STRUCTURE)]
    if pages == 0:
        return None, [ErrorDetail.of(field, "DOCUMENT_UNREADABLE", detail="aucune page")]
    try:
        active = active_content(reader, data)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        active = ("unreadable_structure",)  # cannot tell: flagged rather than trusted
    return PdfFacts(hashlib.sha256(data).hexdigest(), len(data), pages, active), []


# --- What store_report, request_report_upload and get_documents answer.


class DocumentStored(Model):
    """What store_report answers: the document's metadata (its id is the PDF's SHA-256)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DocumentStored")

    created: bool = Field(description="False when this very file was already stored for the order (answered 200).")
    document: DocumentRecord


class UploadTicket(Model):
    """What request_report_upload answers: where to PUT the PDF, then the upload_id to register with store_report."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="UploadTicket")

    upload_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    upload_url: str = Field(description="Signed URL, valid 15 minutes.")
    method: Literal["PUT"]
    headers: dict[str, str] = Field(description=(
        "Headers the PUT must carry, all part of the signature: Content-Type: application/pdf, "
        "x-goog-content-length-range (the size declared at most), x-goog-if-generation-match: 0 (one creation)."))
    expires_at: AwareDatetime
    max_bytes: int
    manager_id: str
    order_id: str


class ListedDocument(DocumentRecord):
    model_config = ConfigDict(extra="forbid", frozen=True, title="ListedDocument")

    download_url: str = Field(description="Signed URL, valid 5 minutes (a fresh one on every GET).")
    download_expires_in_seconds: int


class DocumentList(Model):
    """What get_documents answers: the order's documents, each with a signed download URL."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DocumentList")

    manager_id: str
    order_id: str
    documents: list[ListedDocument]
