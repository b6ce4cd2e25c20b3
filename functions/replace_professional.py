"""replace_professional — HTTPS: request a replacement (beneficiary or operator; D5/D6 and the
notice table) or propose the replacement (operator; equivalence checked by code) (B12)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import parse, settings
from shared import bootstrap
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.sourcing.messages import ProposeReplacement, ReplacementCommand
from shared.domain.sourcing.process import SourcingActor
from shared.edge import http
from shared.service.sourcing import replacements


def _replace(req: http.Request) -> http.Answer:
    command = parse(ReplacementCommand, b'{"command":' + req.body + b"}").command
    role = req.principal.role
    if isinstance(command, ProposeReplacement):
        if role != "operator":
            raise http.HttpProblem(403, [ErrorDetail.of("header.Authorization", "FORBIDDEN")])
        mission = replacements.propose_replacement(command, bootstrap.uow(), bootstrap.clock(), settings())
        return http.Answer(200, mission.model_dump(mode="json"))
    if role == "operator":
        if command.beneficiary_id is None:
            raise DomainError([ErrorDetail.of("$.beneficiary_id", "REQUIRED")])
        beneficiary_id, actor = command.beneficiary_id, SourcingActor.OPERATOR
    else:
        beneficiary_id, actor = req.principal.tenant, SourcingActor.BENEFICIARY
    mission = replacements.request_replacement(beneficiary_id, command, actor, bootstrap.uow(), bootstrap.clock(),
                                               settings())
    return http.Answer(200, mission.model_dump(mode="json"))


@functions_framework.http
def replace_professional(request):
    return http.serve(request, operation="replace_professional", right={"beneficiary": "needs.write", "operator": "professionals.write"},
                      roles=frozenset({"beneficiary", "operator"}),
                      action=_replace)
