"""The operator's read of the audit trail's last scheduled check (B15 audit trail): the summary the check keeps
(shared/service/audit_check.py, ``audit_checks/last-run``) as the operator reads it
(shared/domain/audit_report.py). One document read; nothing is written."""

from __future__ import annotations

from shared.domain.audit_report import AuditCheckView, audit_check_view
from shared.ports.audit import AuditCheckRuns


def last_check(runs: AuditCheckRuns) -> AuditCheckView:
    """Where every chain stood at the last check; ``never_run`` before the first one."""
    return audit_check_view(runs.last_check_run())
