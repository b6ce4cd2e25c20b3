"""list_account_requests — HTTPS GET (operator): account requests with D7's time left (B5), the one
due soonest first; ``?status=pending`` (default) or ``fulfilled``. manage_account fulfils one."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.listings import account_request_filters
from shared.edge import http
from shared.service import listings


def _list(req: http.Request) -> http.Answer:
    filters, errors = account_request_filters(req.args)
    if errors:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, listings.list_account_requests(filters, bootstrap.reader(), bootstrap.clock()))


@functions_framework.http
def list_account_requests(request):
    return http.serve(request, operation="list_account_requests", roles=frozenset({"operator"}),
                      right="accounts.manage", action=_list, methods=("GET",), idempotent=False)
