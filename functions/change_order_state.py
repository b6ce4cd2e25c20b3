"""change_order_state — HTTPS: a client (a manager, or a beneficiary for its mission's order) cancels,
suspends, resumes, receives or closes an order."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.messages import ChangeOrderState
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import orders


def _change(req: http.Request) -> http.Answer:
    decision, errors = parse_json(ChangeOrderState, req.body)
    if errors:
        raise DomainError(errors)
    order = orders.change_order_state(req.principal.tenant, decision, bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, order.model_dump(mode="json"))


@functions_framework.http
def change_order_state(request):
    return http.serve(request, operation="change_order_state", roles=frozenset({"manager", "beneficiary"}),
                      right="orders.write", action=_change)
