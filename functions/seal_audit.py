"""seal_audit — HTTPS (Cloud Scheduler, every minute): chains new audit records by hash (B15).

Not public: only the scheduler's service account may invoke it (Cloud Run IAM, and the caller's OIDC
token checked here: shared/edge/internal.py).
"""

from __future__ import annotations

import json

import functions_framework

from shared import bootstrap, logs
from shared.edge.internal import caller_refusal


@functions_framework.http
def seal_audit(request):
    logs.configure()
    logs.new_correlation_id(request.headers.get("X-Correlation-Id"))
    if (refused := caller_refusal(request, "seal_audit")) is not None:
        return refused
    result = bootstrap.get("audit_trail").seal_pending()
    return json.dumps(result), 200, {"Content-Type": "application/json"}
