"""accrue_penalties — HTTP, called by Cloud Tasks (deadline timers) and hourly by Cloud Scheduler.

A timer task posts ``{"tenant_id", "deadline_id", "version", "fire_at"}``: the deadline is
checked against the clock, every day of lateness due so far is written to the ledger (once,
however often this runs), and the next timer is armed. A body ``{"sweep": true}`` (Cloud
Scheduler) processes every deadline whose check is overdue in packed batches — the daily accrual
in bulk, and the safety net for a lost timer.

Not public: only the invoker service account's OIDC token is accepted (Terraform, run.invoker).
A malformed task is answered 200 and logged as an error: retrying cannot mend it.
"""

from __future__ import annotations

import json
import logging

import functions_framework

from shared import bootstrap, logs
from shared.domain.errors import DomainError
from shared.service import deadlines

log = logging.getLogger(__name__)


@functions_framework.http
def accrue_penalties(request):
    logs.configure()
    logs.new_correlation_id(request.headers.get("X-CloudTasks-TaskName") or request.headers.get("X-Correlation-Id"))
    body = request.get_json(silent=True)
    uow, clock = bootstrap.uow(), bootstrap.clock()
    if request.method != "POST":
        return _json(405, {"errors": [{"field": "$", "code": "METHOD_NOT_ALLOWED"}]})
    if not isinstance(body, dict):
        log.error("timer task refused: the body is not a JSON object")
        return _json(200, {"errors": [{"field": "$", "code": "MALFORMED_JSON"}]})
    if body.get("sweep") is True:
        return _json(200, deadlines.sweep(uow, clock))
    try:
        result = deadlines.on_timer(body, uow, clock)
    except DomainError as exc:
        log.error("timer task refused", extra={"errors": [e.code for e in exc.errors]})
        return _json(200, {"errors": [e.model_dump() for e in exc.errors]})
    return _json(200, result)


def _json(status: int, body: dict):
    return json.dumps(body, ensure_ascii=False, default=str), status, {"Content-Type": "application/json"}
