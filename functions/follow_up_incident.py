"""follow_up_incident — HTTPS: the operator records a follow-up of an acknowledged incident, or a
workaround (B9): "cette solution provisoire n'interrompt pas les délais … de résolution", so nothing
stops; the incident stays open until resolve_incident. Idempotent (Idempotency-Key).
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.incidents import FollowUpIncident, IncidentView
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import incidents


def _follow_up(req: http.Request) -> http.Answer:
    command, errors = parse_json(FollowUpIncident, req.body)
    if errors:
        raise DomainError(errors)
    incident = incidents.follow_up_incident(req.principal.uid, command, bootstrap.uow(), bootstrap.clock())
    now = bootstrap.clock().now()
    return http.Answer(200, IncidentView.of(incident, incident.d8_status(now), now).model_dump(mode="json"))


@functions_framework.http
def follow_up_incident(request):
    return http.serve(request, operation="follow_up_incident", roles=frozenset({"operator"}),
                      right="incidents.manage", action=_follow_up)
