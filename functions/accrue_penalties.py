"""accrue_penalties — internal HTTP, called by Cloud Tasks (deadline timers) and hourly by Cloud Scheduler.

A timer task posts ``{"tenant_id", "deadline_id", "version", "fire_at"}``: the deadline is
checked against the clock, every day of lateness due so far is written to the ledger (once,
however often this runs), and the next timer is armed. ``{"sweep": true}`` (Cloud Scheduler)
processes every deadline whose check is overdue in packed batches — the daily accrual in bulk,
and the safety net for a lost timer. The internal edge (shared/edge/internal.py) checks the
caller and refuses a malformed task once.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.deadlines import AccruePenalties
from shared.edge.internal import InternalRequest, serve_internal
from shared.service import deadlines


def _accrue(req: InternalRequest) -> dict:
    command: AccruePenalties = req.body
    if command.sweep:
        return deadlines.sweep(bootstrap.uow(), bootstrap.clock())
    return deadlines.on_timer(command.model_dump(), bootstrap.uow(), bootstrap.clock())


@functions_framework.http
def accrue_penalties(request):
    return serve_internal(request, operation="accrue_penalties", body=AccruePenalties, action=_accrue)
