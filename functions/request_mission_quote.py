"""request_mission_quote — HTTPS POST: a beneficiary asks the titulaire of one of its missions for a
quote (B16); D3 (5 working days) starts and the contractor receives ``fr.passerelle.quote.requested.v1``
on its orders topic, as for a manager's request. The quote is a supplementary quote on the mission's
order: accepting it (``decide_quote``) adds its lines to that order."""

from __future__ import annotations

import functions_framework

from functions._quotes import parse
from shared import bootstrap
from shared.domain.quotes import RequestMissionQuote
from shared.edge import http
from shared.service import quote_origins, quote_store


def _request(req: http.Request) -> http.Answer:
    quote, created = quote_origins.request_mission_quote(req.principal.tenant, parse(RequestMissionQuote, req),
                                                         bootstrap.uow(), bootstrap.clock())
    return http.Answer(201 if created else 200, quote_store.view(quote))


@functions_framework.http
def request_mission_quote(request):
    return http.serve(request, operation="request_mission_quote", roles=frozenset({"beneficiary"}),
                      right="orders.write", action=_request)
