"""receive_order — HTTPS: a manager's ERP sends an order to a contractor (A2.3)."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import orders


def _receive(req: http.Request) -> http.Answer:
    command, errors = parse_json(IssueOrder, req.body)
    if errors:
        raise DomainError(errors)
    outcome = orders.receive_order(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock(),
                                   sender=http.sender(req))
    return http.Answer(201 if outcome.created else 200, outcome.order.model_dump(mode="json"),
                       {"Location": f"/orders/{outcome.order.order_id}"})


@functions_framework.http
def receive_order(request):
    return http.serve(request, operation="receive_order", roles=frozenset({"manager"}),
                      right="orders.write", action=_receive)
