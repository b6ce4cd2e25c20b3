"""register_beneficiary — HTTPS (operator): create or update a beneficiary (B1, B5)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import OPERATOR, parse, settings
from shared import bootstrap
from shared.domain.sourcing.records import Beneficiary
from shared.edge import http
from shared.service.sourcing import pool


def _register(req: http.Request) -> http.Answer:
    beneficiary = parse(Beneficiary, req.body)
    created = pool.register_beneficiary(beneficiary, bootstrap.uow(), settings())
    return http.Answer(201 if created else 200, beneficiary.model_dump(mode="json"))


@functions_framework.http
def register_beneficiary(request):
    return http.serve(request, operation="register_beneficiary", right="accounts.manage", roles=OPERATOR, action=_register)
