"""register_purchasing_body — HTTPS (operator): register or update the central purchasing body under the
tenant id its accounts carry, and the territory its own deadlines are counted in (B1 parties, B18
territories; docs/onboarding.md)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse, saved
from shared import bootstrap
from shared.domain.parties import RegisterPurchasingBody
from shared.edge import http
from shared.service import parties


def _register(req: http.Request) -> http.Answer:
    command = parse(RegisterPurchasingBody, req.body)
    return saved(parties.register_purchasing_body(command, bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def register_purchasing_body(request):
    return http.serve(request, operation="register_purchasing_body", roles=frozenset({"operator"}),
                      right="accounts.manage", action=_register)
