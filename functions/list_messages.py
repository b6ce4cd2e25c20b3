"""list_messages — HTTPS GET: every message the platform sent the calling contractor (orders,
decisions, quote requests and decisions, contracts, billing accounts, catalogues, property nodes,
replies…), oldest first, from a cursor (``?after=``) or a time (``?since=``), with the same ce-id,
type, body and ordering key as published; ``&limit=`` up to 500. Kept 35 days. A connector back from
an outage reads on from the last cursor it stored (docs/connector-guide.en.md, "Catch up after an
outage")."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.replay import feed_query
from shared.edge import http
from shared.service import replay


def _list(req: http.Request) -> http.Answer:
    query, errors = feed_query(req.args)
    if errors:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, replay.list_messages(req.principal.tenant, query["after"], query["since"], query["limit"],
                                                 bootstrap.reader(), bootstrap.clock()))


@functions_framework.http
def list_messages(request):
    return http.serve(request, operation="list_messages", roles=frozenset({"contractor"}), right="orders.read",
                      action=_list, methods=("GET",), idempotent=False)
