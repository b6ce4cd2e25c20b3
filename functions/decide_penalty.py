"""decide_penalty — HTTPS POST: a manager waives, disputes or upholds one penalty entry (A9).

Body ``{"entry_id", "action": "waive"|"dispute"|"uphold", "reason"}``; the entry is never
deleted, the decision and its reason are appended to it. Idempotency-Key required.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.penalties import DecidePenalty
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import deadlines


def _decide(req: http.Request) -> http.Answer:
    command, errors = parse_json(DecidePenalty, req.body)
    if errors:
        raise DomainError(errors)
    entry = deadlines.decide_penalty(bootstrap.uow(), req.principal.tenant, command.entry_id, command.action,
                                     command.reason, req.principal.uid, bootstrap.clock())
    return http.Answer(200, entry.model_dump(mode="json"))


@functions_framework.http
def decide_penalty(request):
    return http.serve(request, operation="decide_penalty", roles=frozenset({"manager"}), right="penalties.manage",
                      action=_decide)
