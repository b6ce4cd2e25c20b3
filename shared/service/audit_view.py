"""The operator's read of the audit trail's last scheduled check (B15 audit trail): the summary the check keeps
(shared/service/audit_check.py, ``audit_checks/last-run``) as the operator reads it
(shared/domain/audit_report.py). One document read; nothing is written."""

from __future__ import annotations

from typing import Any, Protocol

from shared.domain.audit_report import AuditCheckView, audit_check_view


class CheckRuns(Protocol):
    def last_check_run(self) -> dict[str, Any] | None: ...


def last_check(runs: CheckRuns) -> AuditCheckView:
    """Where every chain stood at the last check; ``never_run`` before the first one."""
    return audit_check_view(runs.last_check_run())
