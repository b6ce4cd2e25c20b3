"""list_needs — HTTPS GET: a beneficiary's own needs; for the operator, the needs of every
beneficiary waiting for proposals (B3, D4 due soonest first), or one beneficiary's with
``?beneficiary_id=``. get_sourcing reads one need with its versions and results."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.listings import need_filters
from shared.edge import http
from shared.service import listings


def _list(req: http.Request) -> http.Answer:
    p = req.principal
    filters, errors = need_filters(req.args, p.role)
    if errors:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, listings.list_needs(p.role, p.tenant, filters, bootstrap.reader()))


@functions_framework.http
def list_needs(request):
    return http.serve(request, operation="list_needs", roles=frozenset({"beneficiary", "operator"}),
                      right={"beneficiary": "needs.read", "operator": "professionals.write"},
                      action=_list, methods=("GET",), idempotent=False)
