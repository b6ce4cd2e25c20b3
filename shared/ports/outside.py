"""Ports to what lives outside Firestore: time, Cloud Storage files, Firebase Auth, Chorus Pro."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def digest(*parts: str | bytes) -> str:
    """SHA-256 of parts kept apart by a separator: the platform's deterministic ids and body digests."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()


class BlobStore(Protocol):
    """Cloud Storage objects by name (the search index of part B); ``delete`` removes every stored version."""

    def put(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> None: ...
    def get(self, name: str) -> bytes | None: ...
    def names(self, prefix: str) -> Iterator[str]: ...
    def delete(self, name: str) -> None: ...


class DocumentFiles(Protocol):
    """The PDF bytes of order documents in Cloud Storage (shared/adapters/document_files.py).

    ``stat`` gives an object's size and generation; ``read`` and ``delete`` of a given generation
    touch that version only (a checked file cannot be swapped before it is read). ``upload_url`` is
    a signed PUT that creates the object once (``x-goog-if-generation-match: 0``) and of at most
    ``max_bytes`` (``x-goog-content-length-range``): it answers the URL and the headers to send."""

    def put_if_absent(self, name: str, data: bytes) -> bool: ...
    def stat(self, name: str) -> tuple[int, int] | None: ...  # (size, generation)
    def read(self, name: str, generation: int | None = None) -> bytes | None: ...
    def delete(self, name: str, generation: int | None = None) -> None: ...
    def download_url(self, name: str, ttl: dt.timedelta) -> str: ...
    def upload_url(self, name: str, ttl: dt.timedelta, max_bytes: int) -> tuple[str, dict[str, str]]: ...


class ReportFiles(Protocol):
    """Stored report files (B17 half-year reports, shared/adapters/report_files.py)."""

    def put_if_absent(self, name: str, data: bytes, content_type: str) -> bool: ...
    def download_url(self, name: str, ttl: dt.timedelta) -> str: ...


class ExportArchive(Protocol):
    """What a reversibility export (A8) reads and where it writes, part by part: nothing is ever held
    whole in memory. ``walk`` yields a space's documents one at a time; ``files`` names the stored
    files under a prefix with their sizes; ``reader`` and ``writer`` stream one Cloud Storage object
    (the archive, or a staging part of it) in chunks."""

    def walk(self, space: str) -> Iterator[tuple[str, dict[str, Any]]]: ...  # (path, data), space doc first
    def files(self, prefix: str) -> Iterator[tuple[str, int]]: ...  # (name, size)
    def reader(self, name: str) -> ContextManager[BinaryIO]: ...
    def writer(self, name: str, content_type: str) -> ContextManager[BinaryIO]: ...
    def delete(self, name: str) -> None: ...
    # download_name: the file name the browser saves it under (the response's Content-Disposition, A8)
    def signed_url(self, name: str, ttl: dt.timedelta, download_name: str | None = None) -> str: ...


class IdentityAdmin(Protocol):
    """Creates users and sets their custom claims (Firebase Auth, or its emulator); setting them revokes
    the user's earlier sessions."""

    # {"uid", "claims", "display_name", "disabled"} of the e-mail's user
    def find_user(self, email: str) -> dict[str, Any] | None: ...
    # ``disabled``: the user's new state (B5: a disabled user cannot sign in); None keeps it.
    def upsert_user(self, email: str, display_name: str, password: str | None, claims: dict[str, Any],
                    disabled: bool | None = None) -> str: ...
    def sessions_revoked(self, uid: str) -> None: ...  # after the revocation is recorded: this instance's caches
    # The user's own new password: set it, drop the temporary-password claim, revoke its refresh tokens;
    # answers {"email", "claims"} (the claims left), or None when the user no longer exists.
    def set_own_password(self, uid: str, password: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class ChorusDeposit:
    """An invoice deposited on Chorus Pro: its routing (buyer SIRET, service code, engagement
    number), the supplier, and its Factur-X / EN 16931 CII XML."""

    supplier_siret: str
    buyer_siret: str
    service_code: str | None
    engagement_number: str | None
    invoice_number: str
    kind: str  # "invoice" | "credit_note"
    total_incl_tax_cents: int
    cii_xml: bytes


@dataclass(frozen=True)
class ChorusReport:
    """Where Chorus Pro says an invoice stands (its status code and, for a refusal, why)."""

    chorus_id: str
    status: str
    at: dt.datetime
    reason: str | None = None


class ChorusPro(Protocol):
    """Chorus Pro, the public bodies' invoicing portal (docs/invoicing.md). ``deposit`` is idempotent
    on (supplier SIRET, invoice number): a second deposit of the same invoice answers the first."""

    def deposit(self, deposit: ChorusDeposit) -> ChorusReport: ...
    def status(self, chorus_id: str) -> ChorusReport: ...
