"""deactivate_party — HTTPS (operator): a manager, a contractor or a machine identity stops acting; a
contractor's ERP loses its Pub/Sub permissions (its topics stay)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse
from shared import bootstrap
from shared.domain.parties import DeactivateParty
from shared.edge import http
from shared.service import parties


def _deactivate(req: http.Request) -> http.Answer:
    command = parse(DeactivateParty, req.body)
    return http.Answer(200, parties.deactivate(command, bootstrap.uow(), bootstrap.get("topology"),
                                               bootstrap.clock()).model_dump(mode="json"))


@functions_framework.http
def deactivate_party(request):
    return http.serve(request, operation="deactivate_party", roles=frozenset({"operator"}), right="accounts.manage",
                      action=_deactivate)
