"""upsert_professional — HTTPS (operator): create or update one professional of the pool (B4)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import OPERATOR, parse
from shared import bootstrap
from shared.domain.sourcing.records import Professional, ProfessionalUpserted
from shared.edge import http
from shared.service.sourcing import pool


def _upsert(req: http.Request) -> http.Answer:
    professional = parse(Professional, req.body)
    outcome = pool.upsert_professional(professional, bootstrap.uow())
    answer = ProfessionalUpserted.model_validate({**professional.model_dump(), "outcome": outcome})
    return http.Answer(201 if outcome == "created" else 200, answer.model_dump(mode="json"))


@functions_framework.http
def upsert_professional(request):
    return http.serve(request, operation="upsert_professional", right="professionals.write", roles=OPERATOR, action=_upsert)
