"""manage_account — HTTPS: the platform operator creates an account and sets its role, tenant and rights."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.identity import CreateAccount
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import accounts


def _create(req: http.Request) -> http.Answer:
    command, errors = parse_json(CreateAccount, req.body)
    if errors:
        raise DomainError(errors)
    result = accounts.create_account(command, bootstrap.get("identity_admin"), bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, result)


@functions_framework.http
def manage_account(request):
    return http.serve(request, operation="manage_account", roles=frozenset({"operator"}),
                      right="accounts.manage", action=_create)
