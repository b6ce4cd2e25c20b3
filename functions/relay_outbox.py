"""relay_outbox — HTTPS (Cloud Scheduler, every minute): publishes outbox messages still pending.

Not public: only the scheduler's service account may invoke it (Terraform, run.invoker).
"""

from __future__ import annotations

import json

import functions_framework

from shared import bootstrap, logs
from shared.service import outbox


@functions_framework.http
def relay_outbox(request):
    logs.configure()
    logs.new_correlation_id(request.headers.get("X-Correlation-Id"))
    result = outbox.relay(bootstrap.uow())
    return json.dumps(result), 200, {"Content-Type": "application/json"}
