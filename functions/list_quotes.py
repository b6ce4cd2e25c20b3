"""list_quotes — HTTPS GET: the quotes of a buyer's space (a manager's, a beneficiary's), or those asked of a
contractor across spaces (A2.4, A2.5, B16), most recent activity first, in pages (A11 lists):
``?state=&contractor_id=&order_id=&node_id=&limit=&cursor=`` (a contractor: ``manager_id`` instead of
``contractor_id``). The space or the contractor always comes from the token. get_quote reads one."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.quote_list import parse_query
from shared.edge import http
from shared.service.quote_list import list_quotes as list_page


def _list(req: http.Request) -> http.Answer:
    p = req.principal
    query, errors = parse_query(p.role, p.tenant, req.args)
    if errors:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, list_page(query, bootstrap.reader()))


@functions_framework.http
def list_quotes(request):
    return http.serve(request, operation="list_quotes", roles=frozenset({"manager", "beneficiary", "contractor"}),
                      right="orders.read", action=_list, methods=("GET",), idempotent=False,
                      typed=("quote_id",))
