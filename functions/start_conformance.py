"""start_conformance — HTTPS (contractor): open a conformance run on the contractor's sandbox — a
sandbox order and a quote request are sent to it, to play the scenario with its own connector (A10)."""

from __future__ import annotations

import uuid

import functions_framework

from functions._onboarding import parse
from shared import bootstrap
from shared.domain.conformance import StartConformance
from shared.edge import http
from shared.service import conformance


def _start(req: http.Request) -> http.Answer:
    parse(StartConformance, req.body)  # {}: anything else is refused, field by field
    run_id = uuid.uuid4().hex[:12]  # a replay of the request (same Idempotency-Key) gets the same run back
    run = conformance.start_run(req.principal.tenant, run_id, bootstrap.uow(), bootstrap.clock())
    return http.Answer(201, run.model_dump(mode="json"))


@functions_framework.http
def start_conformance(request):
    return http.serve(request, operation="start_conformance", roles=frozenset({"contractor"}), right="execution.write",
                      action=_start)
