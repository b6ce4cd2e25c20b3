"""register_contractor — HTTPS (operator): register or update a contractor, the managers it works for
and its ERP's service account; its Pub/Sub topics and subscriptions are provisioned at once, with no
Terraform change (A10 onboarding, docs/topology.md)."""

from __future__ import annotations

import functions_framework

from functions._onboarding import parse, saved
from shared import bootstrap
from shared.domain.parties import RegisterContractor
from shared.edge import http
from shared.service import parties


def _register(req: http.Request) -> http.Answer:
    command = parse(RegisterContractor, req.body)
    return saved(parties.register_contractor(command, bootstrap.uow(), bootstrap.get("topology"),
                                             bootstrap.clock()))


@functions_framework.http
def register_contractor(request):
    return http.serve(request, operation="register_contractor", roles=frozenset({"operator"}), right="accounts.manage",
                      action=_register)
