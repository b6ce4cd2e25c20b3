"""seal_audit — internal HTTP (Cloud Scheduler, every minute): chains new audit records by hash (B15
traceability).
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.edge.internal import serve_internal


@functions_framework.http
def seal_audit(request):
    return serve_internal(request, operation="seal_audit", action=lambda req: bootstrap.get("audit_trail").seal_pending())
