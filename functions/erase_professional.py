"""erase_professional — HTTPS (operator): anonymise a professional on request (GDPR), keeping
the missions, orders, invoices and proof of service that point at it, and reach every copy of
what named them (ranked results, proposals, stored answers, search indexes, past exports)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import OPERATOR, parse
from shared import bootstrap
from shared.domain.sourcing.erasure_messages import EraseProfessional
from shared.edge import http
from shared.service.sourcing import erasure


def _erase(req: http.Request) -> http.Answer:
    command = parse(EraseProfessional, req.body)
    return http.Answer(200, erasure.erase_professional(
        command.professional_id, bootstrap.uow(), blobs=bootstrap.blobs(), archive=bootstrap.get("export_archive"),
        clock=bootstrap.clock(), reason=command.reason))


@functions_framework.http
def erase_professional(request):
    return http.serve(request, operation="erase_professional", roles=OPERATOR, right="professionals.write",
                      action=_erase)
