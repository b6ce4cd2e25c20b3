"""list_contracts — HTTPS GET: a manager's or a beneficiary's contracts, or those a contractor holds across
spaces, each with its catalogue versions (A13, A14) and the names of its two parties (the web app shows parties
by name). get_catalogue reads one catalogue."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import listings


def _list(req: http.Request) -> http.Answer:
    if req.args:
        raise http.HttpProblem(400, [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(req.args)])
    p = req.principal
    return http.Answer(200, listings.list_contracts(p.role, p.tenant, bootstrap.reader()))


@functions_framework.http
def list_contracts(request):
    # B1 parties: the purchasing body holds no contract; it reads its own name here (the header's « Centrale d'achat
    # — Nom (id) »), under the right it holds
    return http.serve(request, operation="list_contracts",
                      roles=frozenset({"manager", "contractor", "beneficiary", "purchasing_body"}),
                      right={"manager": "orders.read", "contractor": "orders.read", "beneficiary": "orders.read",
                             "purchasing_body": "reports.read"}, action=_list, methods=("GET",), idempotent=False)
