"""get_quote — HTTPS GET: one quote with its versions and state (A2.4, A2.5).

Managers and beneficiaries read their own space (``?quote_id=``); the contractor the quote was asked of names
the manager (``?manager_id=&quote_id=``). Any other caller gets the 404 of a missing quote.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import quote_store


def _read(req: http.Request) -> http.Answer:
    p = req.principal
    quote_id, manager_id = req.args.get("quote_id", ""), req.args.get("manager_id", "")
    missing = [ErrorDetail.of(f"query.{name}", "REQUIRED") for name, value
               in (("quote_id", quote_id), ("manager_id", manager_id if p.role == "contractor" else "-"))
               if not value]
    if missing:
        raise http.HttpProblem(400, missing)
    reader = bootstrap.reader()
    try:
        quote = quote_store.get_quote(p.role, p.tenant, manager_id, quote_id, reader)
    except quote_store.QuoteNotFound:
        raise http.HttpProblem(404, [ErrorDetail.of("query.quote_id", "QUOTE_NOT_FOUND", quote_id=quote_id)]) from None
    return http.Answer(200, quote_store.view(quote, reader))  # with whose space it is in (client_kind)


@functions_framework.http
def get_quote(request):
    return http.serve(request, operation="get_quote", roles=frozenset({"manager", "beneficiary", "contractor"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
