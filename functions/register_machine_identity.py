"""register_machine_identity — HTTPS (operator): let an ERP's service account call the REST API with a
role, a tenant and rights (its Google-signed ID tokens are looked up in machine_identities)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse, saved
from shared import bootstrap
from shared.domain.parties import RegisterMachineIdentity
from shared.edge import http
from shared.service import parties


def _register(req: http.Request) -> http.Answer:
    command = parse(RegisterMachineIdentity, req.body)
    return saved(parties.register_machine_identity(command, bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def register_machine_identity(request):
    return http.serve(request, operation="register_machine_identity", roles=frozenset({"operator"}),
                      right="accounts.manage", action=_register)
