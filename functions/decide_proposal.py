"""decide_proposal — HTTPS (beneficiary): accept, refuse and abandon, or refuse and relaunch (B3, B10)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import BENEFICIARY, parse, settings
from shared import bootstrap
from shared.domain.sourcing.messages import DecideProposal
from shared.edge import http
from shared.service.sourcing import needs


def _decide(req: http.Request) -> http.Answer:
    command = parse(DecideProposal, req.body)
    record = needs.decide(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock(), settings())
    return http.Answer(200, record.model_dump(mode="json"))


@functions_framework.http
def decide_proposal(request):
    return http.serve(request, operation="decide_proposal", right="needs.write", roles=BENEFICIARY, action=_decide)
