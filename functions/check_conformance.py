"""check_conformance — HTTPS (contractor): judge a conformance run step by step from what the platform
recorded; a run that passes connects the contractor (its D2 deadlines stop, A10)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse
from shared import bootstrap
from shared.domain.conformance import CheckConformance
from shared.edge import http
from shared.service import conformance


def _check(req: http.Request) -> http.Answer:
    command = parse(CheckConformance, req.body)
    report = conformance.check_run(req.principal.tenant, command.run_id, bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, report.model_dump(mode="json"))


@functions_framework.http
def check_conformance(request):
    return http.serve(request, operation="check_conformance", roles=frozenset({"contractor"}), right="execution.write",
                      action=_check)
