"""submit_quote — HTTPS POST: the contractor submits a requested quote or revises it (new
version); lines checked against the catalogue in force; D3 stops at the first submission."""

from __future__ import annotations

import functions_framework

from functions._quotes import not_found, parse
from shared import bootstrap
from shared.domain.quotes import SubmitQuote
from shared.edge import http
from shared.ports import digest
from shared.service import quote_store, quotes


def _submit(req: http.Request) -> http.Answer:
    command = parse(SubmitQuote, req)
    try:
        quote = quotes.submit_quote(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock(),
                                    submission_id=f"rest-{digest(req.principal.tenant, req.idempotency_key or '')[:40]}")
    except quote_store.QuoteNotFound:
        raise not_found(command.quote_id) from None
    return http.Answer(200, quote_store.view(quote))


@functions_framework.http
def submit_quote(request):
    return http.serve(request, operation="submit_quote", roles=frozenset({"contractor"}), right="execution.write",
                      action=_submit)
