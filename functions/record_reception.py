"""record_reception — HTTPS: the client (manager, or beneficiary for its mission's order) receives an
order's lines, all or some, with or without reservations (service fait: B7, B10)."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.reception import ReceiveOrder
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import receptions


def _receive(req: http.Request) -> http.Answer:
    command, errors = parse_json(ReceiveOrder, req.body)
    if errors:
        raise DomainError(errors)
    order = receptions.record_reception(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, order.model_dump(mode="json"))


@functions_framework.http
def record_reception(request):
    return http.serve(request, operation="record_reception", roles=frozenset({"manager", "beneficiary"}),
                      right="orders.write", action=_receive)
