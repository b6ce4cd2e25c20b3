"""list_accounts — HTTPS GET: the accounts of one party (B5 accounts and rights): who has access, with which
rights, active or disabled, a password change pending or not. The operator names any party (``?tenant=``,
required); a manager, a beneficiary or the purchasing body reads its own people only (naming another party is forbidden).
Pages of at most MAX_ROWS by uid, ``?after=`` the previous page's ``next_cursor``."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.domain.identity import account_list_query
from shared.edge import http
from shared.service import accounts


def _list(req: http.Request) -> http.Answer:
    p = req.principal
    tenant, after, errors, forbidden = account_list_query(req.args, p.role, p.tenant)
    if forbidden is not None:
        raise http.HttpProblem(403, [ErrorDetail.of(forbidden, "FORBIDDEN")])
    if errors or tenant is None:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, accounts.list_accounts(bootstrap.reader(), tenant, after))


@functions_framework.http
def list_accounts(request):
    return http.serve(request, operation="list_accounts", roles=frozenset({"operator", "manager", "beneficiary", "purchasing_body"}),
                      right={"operator": "accounts.manage", "manager": "accounts.request",
                             "beneficiary": "accounts.request", "purchasing_body": "accounts.request"},
                      action=_list, methods=("GET",), idempotent=False)
