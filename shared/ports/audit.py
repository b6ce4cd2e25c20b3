"""Ports of the audit trail's scheduled check (B15 traceability): the chains in Firestore and the witness
of their heads in a Cloud Storage bucket under a retention policy (shared/adapters/audit.py,
shared/adapters/audit_witness.py; in memory for the unit tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal, Protocol

from shared.domain.audit import AuditLink, AuditRecord, CheckPoint, WitnessedHead

Recorded = Literal["created", "present", "conflict"]


class AuditWitness(Protocol):
    """Each sealed head, written once: ``record`` never overwrites (``created``; ``present`` when the same
    head is there already; ``conflict`` when another hash is)."""

    def record(self, head: WitnessedHead) -> Recorded: ...
    def heads(self, space: str, from_seq: int = 0, to_seq: int | None = None) -> list[WitnessedHead]: ...
    def spaces(self) -> list[str]: ...


class AuditChains(Protocol):
    """The chains of every space, read whole in pages (shared/service/audit_check.py, ``read_whole``) or
    verified from a check point, and the checks' own records."""

    def spaces(self) -> list[str]: ...
    def chain_page(self, space: str, after_seq: int, limit: int
                   ) -> tuple[list[AuditLink], dict[str, AuditRecord], bool]: ...
    def chain_head(self, space: str) -> tuple[int, str] | None: ...
    def unsealed_records(self, space: str, after_id: str, limit: int, settled_before: dt.datetime | None = None
                         ) -> tuple[list[str], str | None, bool]: ...
    def verify_since(self, point: CheckPoint, witnessed: Iterable[tuple[int, str]]) -> list[str]: ...
    def check_point(self, space: str) -> CheckPoint | None: ...
    def save_check_point(self, point: CheckPoint) -> None: ...
    def save_check_run(self, run: dict[str, Any]) -> None: ...
    def last_check_run(self) -> dict[str, Any] | None: ...


class AuditCheckRuns(Protocol):
    """The scheduled check's summary of its last run, as the operator reads it (get_audit_check): a reader that
    needs neither the chains nor the witness."""

    def last_check_run(self) -> dict[str, Any] | None: ...
