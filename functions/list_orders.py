"""list_orders — HTTPS GET: the orders a caller may see, most recent activity first (A11, A3 c).

A manager lists its own space (``?state=&contractor_id=&late=true&updated_since=&limit=&cursor=``);
a contractor lists the orders addressed to it in every manager's space (``manager_id`` instead
of ``contractor_id``). The space or the contractor always comes from the token. ``q`` searches the start of a
reference or a word of the title (shared/domain/order_search.py); ``order_id``, one order's row.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain import order_list
from shared.edge import http
from shared.service.order_list import list_orders as list_page


def _list(req: http.Request) -> http.Answer:
    query, errors = order_list.parse_query(req.principal.role, req.principal.tenant, req.args, req.principal.rights)
    if errors:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, list_page(query, bootstrap.reader(), bootstrap.clock()))


@functions_framework.http
def list_orders(request):
    return http.serve(request, operation="list_orders", roles=frozenset({"manager", "contractor", "beneficiary"}),
                      right="orders.read", action=_list, methods=("GET",), idempotent=False,
                      typed=("order_id",))
