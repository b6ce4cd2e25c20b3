"""resolve_incident — HTTPS: the operator records how an acknowledged incident was resolved (B9).

D8 (the first response) was stopped by the acknowledgement: resolving stops nothing. Idempotent.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.incidents import IncidentView, ResolveIncident
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import incidents


def _resolve(req: http.Request) -> http.Answer:
    command, errors = parse_json(ResolveIncident, req.body)
    if errors:
        raise DomainError(errors)
    incident = incidents.resolve_incident(req.principal.uid, command, bootstrap.uow(), bootstrap.clock())
    d8_state = incident.d8_status(bootstrap.clock().now())
    return http.Answer(200, IncidentView.of(incident, d8_state).model_dump(mode="json"))


@functions_framework.http
def resolve_incident(request):
    return http.serve(request, operation="resolve_incident", roles=frozenset({"operator"}),
                      right="incidents.manage", action=_resolve)
