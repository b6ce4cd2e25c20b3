"""deactivate_party — HTTPS (operator): a manager, a contractor, a registered purchasing body, a beneficiary or a
machine identity stops acting (A10 onboarding, B1 parties); a contractor's ERP loses its Pub/Sub permissions (its topics
stay); the tokens of a deactivated tenant's people are refused ``TENANT_INACTIVE`` (shared/edge/tenancy.py)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse
from shared import bootstrap
from shared.domain.parties import DeactivateParty
from shared.edge import http, tenancy
from shared.service import parties


def _deactivate(req: http.Request) -> http.Answer:
    command = parse(DeactivateParty, req.body)
    done = parties.deactivate(command, bootstrap.uow(), bootstrap.get("topology"), bootstrap.clock())
    tenancy.forget_tenant(done.id)  # this instance's cached acceptance of the tenant goes at once
    return http.Answer(200, done.model_dump(mode="json"))


@functions_framework.http
def deactivate_party(request):
    return http.serve(request, operation="deactivate_party", roles=frozenset({"operator"}), right="accounts.manage",
                      action=_deactivate)
