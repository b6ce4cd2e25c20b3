"""raise_quote — HTTPS POST: the contractor raises a quote nobody asked for — spontaneous (A2.4) or,
with ``order_id``, supplementary works on one of its orders (A2.5) — submitted at once as version 1
(no D3: nobody asked). The buyer then accepts or refuses it as any other quote; the contractor may
revise or withdraw it. Same service as ``fr.passerelle.quote.raised.v1`` on its topic."""

from __future__ import annotations

import functions_framework

from functions._quotes import parse
from shared import bootstrap
from shared.domain.quotes import RaiseQuote
from shared.edge import http
from shared.ports import digest
from shared.service import quote_origins, quote_store


def _raise(req: http.Request) -> http.Answer:
    command = parse(RaiseQuote, req)
    uow = bootstrap.uow()
    quote, created = quote_origins.raise_quote(
        req.principal.tenant, command, uow, bootstrap.clock(),
        submission_id=f"rest-{digest(req.principal.tenant, req.idempotency_key or '')[:40]}")
    return http.Answer(201 if created else 200, quote_store.view(quote, uow))  # whose space: client_kind


@functions_framework.http
def raise_quote(request):
    return http.serve(request, operation="raise_quote", roles=frozenset({"contractor"}), right="execution.write",
                      action=_raise)
