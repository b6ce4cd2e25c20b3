"""decide_deliverable — HTTPS (beneficiary): accept a deliverable the titulaire delivered on the mission's order,
or refuse it with a reason; the titulaire is told on orders-<titulaire> (B11 mission follow-up, B7)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import BENEFICIARY, parse
from shared import bootstrap
from shared.domain.sourcing.messages import DecideDeliverable
from shared.edge import http
from shared.service.sourcing import deliverables


def _decide(req: http.Request) -> http.Answer:
    command = parse(DecideDeliverable, req.body)
    decided = deliverables.decide_deliverable(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock(),
                                              decided_by=req.principal.email or req.principal.uid,
                                              account_uid=req.principal.uid)
    return http.Answer(200, decided.model_dump(mode="json"))


@functions_framework.http
def decide_deliverable(request):
    return http.serve(request, operation="decide_deliverable", right="needs.write", roles=BENEFICIARY, action=_decide)
