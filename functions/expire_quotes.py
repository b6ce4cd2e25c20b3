"""expire_quotes — HTTPS (Cloud Scheduler, hourly): submitted quotes past their validity date
become expired and each contractor is told on ``replies-<contractor>`` (A2.4, B16).

Not public: only the scheduler's service account may invoke it (Terraform, run.invoker).
Idempotent: an expired quote is no longer a candidate, and its message id is one per quote.
"""

from __future__ import annotations

import json

import functions_framework

from shared import bootstrap, logs
from shared.service import quotes


@functions_framework.http
def expire_quotes(request):
    logs.configure()
    logs.new_correlation_id(request.headers.get("X-Correlation-Id"))
    result = quotes.expire_quotes(bootstrap.uow(), bootstrap.clock())
    return json.dumps(result), 200, {"Content-Type": "application/json"}
