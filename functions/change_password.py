"""change_password — HTTPS: a person chooses its own password (B5 accounts, B15 protection of identities).

The caller's own account only (the token's uid; the body names none), after a sign-in of the last five
minutes; the only call a token marked with a temporary password may make (shared/edge/http.py).
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.identity import ChangePassword
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import accounts


def _change(req: http.Request) -> http.Answer:
    command, errors = parse_json(ChangePassword, req.body)
    if errors:
        raise DomainError(errors)
    changed = accounts.change_own_password(req.principal.uid, command, bootstrap.get("identity_admin"),
                                           bootstrap.uow(), bootstrap.clock())
    return http.Answer(200, changed.model_dump(mode="json"))


@functions_framework.http
def change_password(request):
    return http.serve(request, operation="change_password",
                      roles=frozenset({"manager", "contractor", "beneficiary", "purchasing_body", "operator"}),
                      action=_change, own_password=True)
