"""check_audit_witness — internal HTTP (Cloud Scheduler, daily): every audit chain compared with the heads
the sealer witnessed in the retention-locked bucket (B15 traceability).

Answers the run's figures (also kept in ``audit_checks/last-run``); a broken chain is an ERROR line
``audit chain broken`` that Terraform turns into an alert. Idempotent: a check writes nothing but its
check points and its summary.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.audit import CheckAuditWitness
from shared.edge.internal import InternalRequest, serve_internal
from shared.service.audit_check import check_audit_witness as check


def _check(req: InternalRequest):
    return check(bootstrap.get("audit_trail"), bootstrap.get("audit_witness"), bootstrap.clock(), full=req.body.full)


@functions_framework.http
def check_audit_witness(request):
    return serve_internal(request, operation="check_audit_witness", body=CheckAuditWitness, action=_check)
