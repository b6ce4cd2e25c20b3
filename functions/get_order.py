"""get_order — HTTPS GET: the live view of one order and its history (A11).

Managers read their own space (``?order_id=``); contractors read the orders addressed to
them (``?manager_id=&order_id=``). ``next_states``: where the caller's role may move it next.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import order_store


def _read(req: http.Request) -> http.Answer:
    scope = http.order_scope(req)
    manager_id, order_id, contractor_id = scope.manager_id, scope.order_id, scope.contractor_id
    try:
        view = order_store.order_view(manager_id, order_id, req.principal.role, bootstrap.reader(),
                                 contractor_id=contractor_id, rights=req.principal.rights)
    except order_store.NotFound:
        raise http.HttpProblem(404, [ErrorDetail.of("query.order_id", "ORDER_NOT_FOUND", order_id=order_id)]) from None
    return http.Answer(200, view)


@functions_framework.http
def get_order(request):
    return http.serve(request, operation="get_order", roles=frozenset({"manager", "contractor", "beneficiary"}),
                      right="orders.read", action=_read,
                      methods=("GET",), idempotent=False)
