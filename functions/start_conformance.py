"""start_conformance — HTTPS (contractor): open a conformance run on the contractor's sandbox — a
sandbox order and a quote request are sent to it, to play the scenario with its own connector (A10)."""

from __future__ import annotations

import uuid

import functions_framework

from functions._onboarding import CONTRACTOR
from shared import bootstrap
from shared.edge import http
from shared.service import conformance


def _start(req: http.Request) -> http.Answer:
    run_id = uuid.uuid4().hex[:12]  # a replay of the request (same Idempotency-Key) gets the same run back
    return http.Answer(201, conformance.start_run(req.principal.tenant, run_id, bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def start_conformance(request):
    return http.serve(request, operation="start_conformance", roles=CONTRACTOR, right="execution.write",
                      action=_start)
