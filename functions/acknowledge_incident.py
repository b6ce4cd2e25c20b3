"""acknowledge_incident — HTTPS: the operator's first response to an incident; stops D8 (B9)."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.incidents import AcknowledgeIncident, IncidentView
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import incidents


def _acknowledge(req: http.Request) -> http.Answer:
    command, errors = parse_json(AcknowledgeIncident, req.body)
    if errors:
        raise DomainError(errors)
    clock = bootstrap.clock()
    incident, deadline = incidents.acknowledge_incident(req.principal.uid, command, bootstrap.uow(), clock)
    now = clock.now()
    d8_state = deadline.state.value if deadline is not None else incident.d8_status(now)
    return http.Answer(200, IncidentView.of(incident, d8_state, now).model_dump(mode="json"))


@functions_framework.http
def acknowledge_incident(request):
    return http.serve(request, operation="acknowledge_incident", roles=frozenset({"operator"}),
                      right="incidents.manage", action=_acknowledge)
