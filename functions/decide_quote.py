"""decide_quote — HTTPS POST: the buyer (manager, or beneficiary for its missions) accepts a submitted
quote (an order is created, or the lines are added to the order of a supplementary quote) or refuses
it with a reason; the contractor withdraws it. An accepted quote past its validity date expires instead. The contractor
receives ``fr.passerelle.quote.decided.v1`` on ``orders-<contractor>``, committed with the decision."""

from __future__ import annotations

import functions_framework

from functions._quotes import not_found, parse
from shared import bootstrap
from shared.domain.quotes import DecideQuote
from shared.edge import http
from shared.service import quote_store, quotes


def _decide(req: http.Request) -> http.Answer:
    command = parse(DecideQuote, req)
    try:
        quote = quotes.decide_quote(req.principal.role, req.principal.tenant, command, bootstrap.uow(),
                                    bootstrap.clock(), by=http.sender(req))
    except quote_store.QuoteNotFound:
        raise not_found(command.quote_id) from None
    return http.Answer(200, quote_store.view(quote))


@functions_framework.http
def decide_quote(request):
    return http.serve(request, operation="decide_quote", roles=frozenset({"manager", "beneficiary", "contractor"}),
                      right={"manager": "orders.write", "beneficiary": "orders.write",
                             "contractor": "execution.write"}, action=_decide)
