"""list_quotes — HTTPS GET: the quotes of a manager's space, or those asked of a contractor
across managers (A2.4, A2.5), newest request first; ``?state=`` filters. get_quote reads one."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.listings import quote_filters
from shared.edge import http
from shared.service import listings


def _list(req: http.Request) -> http.Answer:
    filters, errors = quote_filters(req.args)
    if errors:
        raise http.HttpProblem(400, errors)
    p = req.principal
    return http.Answer(200, listings.list_quotes(p.role, p.tenant, filters, bootstrap.reader()))


@functions_framework.http
def list_quotes(request):
    return http.serve(request, operation="list_quotes", roles=frozenset({"manager", "beneficiary", "contractor"}),
                      right="orders.read", action=_list, methods=("GET",), idempotent=False)
