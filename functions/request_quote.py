"""request_quote — HTTPS POST: a manager asks a contractor for a quote (or a supplementary one
on an existing order, with ``order_id``); D3 starts and the contractor receives
``fr.passerelle.quote.requested.v1`` on ``orders-<contractor>`` (docs/exchange-perimeter.md)."""

from __future__ import annotations

import functions_framework

from functions._quotes import parse
from shared import bootstrap
from shared.domain.quotes import RequestQuote
from shared.edge import http
from shared.service import quote_store, quotes


def _request(req: http.Request) -> http.Answer:
    quote, created = quotes.request_quote(req.principal.tenant, parse(RequestQuote, req), bootstrap.uow(),
                                          bootstrap.clock())
    return http.Answer(201 if created else 200, quote_store.view(quote))


@functions_framework.http
def request_quote(request):
    return http.serve(request, operation="request_quote", roles=frozenset({"manager"}), right="orders.write",
                      action=_request)
