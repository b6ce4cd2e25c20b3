"""set_penalty_terms — HTTPS POST: a new version of a contract's penalty terms per deadline (A9), in force from
its date. A manager amends one of its contracts (``contract_id``); the purchasing body a beneficiary's agreement
(``beneficiary_id``). Versions are never rewritten; deadlines keep the terms in force when their clock started.
"""

from __future__ import annotations

import functions_framework

from functions._sourcing import parse, settings
from shared import bootstrap
from shared.domain.contract_terms import SetPenaltyTerms
from shared.edge import http
from shared.service import penalty_terms


def _set(req: http.Request) -> http.Answer:
    command = parse(SetPenaltyTerms, req.body)
    p = req.principal
    return http.Answer(201, penalty_terms.set_penalty_terms(p.role, p.tenant, p.uid, command, settings().contract_id,
                                                            bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def set_penalty_terms(request):
    return http.serve(request, operation="set_penalty_terms", roles=frozenset({"manager", "purchasing_body"}),
                      right={"manager": "contracts.write", "purchasing_body": "agreements.write"}, action=_set)
