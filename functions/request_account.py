"""request_account — HTTPS: a manager, a beneficiary or the purchasing body asks for an account for one of its
people (B5, D7), in its own tenant (the token's: the body names none)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import settings
from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.identity import RequestAccount
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import accounts


def _request(req: http.Request) -> http.Answer:
    command, errors = parse_json(RequestAccount, req.body)
    if errors:
        raise DomainError(errors)
    p = req.principal
    request = accounts.request_account(p.uid, p.role, p.tenant, command, bootstrap.uow(), bootstrap.clock(),
                                       agreement_id=settings().contract_id,  # a beneficiary's agreement (D7)
                                       held=p.rights, requester_email=p.email)
    return http.Answer(202, request.model_dump(mode="json"))


@functions_framework.http
def request_account(request):
    return http.serve(request, operation="request_account",
                      roles=frozenset({"manager", "beneficiary", "purchasing_body"}), right="accounts.request",
                      action=_request)
