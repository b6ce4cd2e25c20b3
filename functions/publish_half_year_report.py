"""publish_half_year_report — HTTPS (Cloud Scheduler, 1 January and 1 July): the purchasing body's
report of the half-year that just ended (B17), stored once as JSON and French CSV.

Not public: only the scheduler's service account may invoke it (Cloud Run IAM, and the caller's OIDC
token checked here: shared/edge/internal.py). The body is ``{}``; an operator
catching up may name an ended half-year: ``{"half_year": "2026-H1"}``. Running it again for a
half-year already reported writes nothing and answers the stored record (``created: false``).
"""

from __future__ import annotations

import json

import functions_framework

from shared import bootstrap, logs
from shared.domain.errors import DomainError
from shared.domain.sourcing.reporting import PublishHalfYearReport
from shared.domain.validation import parse_json
from shared.edge.internal import caller_refusal
from shared.service.sourcing import reporting


def _answer(status: int, body: dict):
    return json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json" if status < 400
                                                          else "application/problem+json"}


@functions_framework.http
def publish_half_year_report(request):
    logs.configure()
    cid = logs.new_correlation_id(request.headers.get("X-Correlation-Id"))
    if (refused := caller_refusal(request, "publish_half_year_report")) is not None:
        return refused
    command, errors = parse_json(PublishHalfYearReport, request.get_data() or b"{}")
    try:
        if errors:
            raise DomainError(errors)
        result = reporting.publish_half_year_report(bootstrap.uow(), bootstrap.get("report_files"), bootstrap.clock(),
                                                    command.half_year)
    except DomainError as exc:
        return _answer(422, {"type": "about:blank", "title": "Message rejeté", "status": 422,
                             "errors": [e.model_dump() for e in exc.errors], "correlation_id": cid})
    return _answer(201 if result.created else 200, result.model_dump(mode="json"))
