"""report_incident — HTTPS: a manager, contractor, beneficiary or purchasing body reports an incident (B9, D8)."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.incidents import IncidentView, ReportIncident
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import incidents


def _report(req: http.Request) -> http.Answer:
    command, errors = parse_json(ReportIncident, req.body)
    if errors:
        raise DomainError(errors)
    p = req.principal
    assert req.idempotency_key is not None  # serve() refuses a POST without one
    incident, deadline = incidents.report_incident(p.uid, p.role, p.tenant, req.idempotency_key, command,
                                                   bootstrap.uow(), bootstrap.clock())
    return http.Answer(201, IncidentView.of(incident, deadline.state).model_dump(mode="json"))


@functions_framework.http
def report_incident(request):
    return http.serve(request, operation="report_incident",
                      roles=frozenset({"manager", "contractor", "beneficiary", "purchasing_body"}),
                      right="incidents.report", action=_report)
