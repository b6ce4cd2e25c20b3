"""propose_professionals — HTTPS (operator): propose ranked professionals with the date until
which their availability is guaranteed; stops D4 (B10)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import OPERATOR, parse
from shared import bootstrap
from shared.domain.sourcing.messages import ProposeProfessionals
from shared.edge import http
from shared.service.sourcing import needs


def _propose(req: http.Request) -> http.Answer:
    command = parse(ProposeProfessionals, req.body)
    record = needs.propose(command, bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, record.model_dump(mode="json"))


@functions_framework.http
def propose_professionals(request):
    return http.serve(request, operation="propose_professionals", right="professionals.write", roles=OPERATOR, action=_propose)
