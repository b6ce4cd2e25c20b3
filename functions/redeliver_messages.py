"""redeliver_messages — HTTPS POST: publish again, on the calling contractor's own topics, the messages
after a cursor (``after``), since a time (``since``) or named (``ids``): same ce-id, attributes, body and
ordering key, in the order they were first sent; at most 500 a call (``more`` says to call again
from ``last_position``). Receivers deduplicate on ce-id, so a redelivery changes nothing twice."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.replay import RedeliverMessages
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import replay


def _redeliver(req: http.Request) -> http.Answer:
    command, errors = parse_json(RedeliverMessages, req.body)
    if errors:
        raise DomainError(errors)
    return http.Answer(200, replay.redeliver(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def redeliver_messages(request):
    return http.serve(request, operation="redeliver_messages", roles=frozenset({"contractor"}), right="orders.read",
                      action=_redeliver)
