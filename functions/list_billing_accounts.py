"""list_billing_accounts — HTTPS GET: billing accounts (A2.2) as sent in
``fr.passerelle.billing_account.changed.v1``. A manager lists its own; a contractor lists, across the
managers it serves, those naming one of its contracts, each showing only its own contracts."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import perimeter_reads


def _list(req: http.Request) -> http.Answer:
    if req.args:
        raise http.HttpProblem(400, [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(req.args)])
    p = req.principal
    return http.Answer(200, perimeter_reads.list_billing_accounts(p.role, p.tenant, bootstrap.reader()))


@functions_framework.http
def list_billing_accounts(request):
    return http.serve(request, operation="list_billing_accounts", roles=frozenset({"manager", "contractor"}),
                      right="orders.read", action=_list, methods=("GET",), idempotent=False)
