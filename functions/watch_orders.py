"""watch_orders — HTTPS GET, ``text/event-stream``: the changes of the caller's orders as they happen
(A11 real-time view; protocol in docs/api.md).

A manager (or a beneficiary) follows its own space, a contractor the orders addressed to it across
spaces; the scope comes from the token. The stream ends at its lifetime or the token's expiry,
whichever comes first; the client then reconnects with a fresh token.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain import order_watch
from shared.edge import http
from shared.service.order_watch import stream


def _watch(req: http.Request) -> http.Answer:
    errors = order_watch.query_errors(req.args)
    if errors:
        raise http.HttpProblem(400, errors)
    lifetime, heartbeat = bootstrap.watch_limits()
    events = stream(order_watch.scope_of(req.principal.role, req.principal.tenant), bootstrap.get("change_feed"),
                    bootstrap.clock(), lifetime=lifetime, heartbeat=heartbeat,
                    token_expires_at=req.principal.expires_at)
    return http.Answer(200, {}, stream=events, media_type="text/event-stream")


@functions_framework.http
def watch_orders(request):
    return http.serve(request, operation="watch_orders", roles=frozenset({"manager", "contractor", "beneficiary"}),
                      right="orders.read", action=_watch, methods=("GET",), idempotent=False)
