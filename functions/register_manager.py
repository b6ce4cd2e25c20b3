"""register_manager — HTTPS (operator): register or update a property manager (A10 onboarding, A1 spaces)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse, saved
from shared import bootstrap
from shared.domain.parties import RegisterManager
from shared.edge import http
from shared.service import parties


def _register(req: http.Request) -> http.Answer:
    command = parse(RegisterManager, req.body)
    return saved(parties.register_manager(command, bootstrap.uow(), bootstrap.clock()))


@functions_framework.http
def register_manager(request):
    return http.serve(request, operation="register_manager", roles=frozenset({"operator"}), right="accounts.manage",
                      action=_register)
