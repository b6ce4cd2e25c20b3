"""submit_need — HTTPS (beneficiary): submit a search request; acknowledged at once (B10, D4)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import BENEFICIARY, parse, settings
from shared import bootstrap
from shared.domain.sourcing.messages import SubmitNeed
from shared.edge import http
from shared.service.sourcing import needs


def _submit(req: http.Request) -> http.Answer:
    command = parse(SubmitNeed, req.body)
    record, created = needs.submit_need(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock(), settings())
    return http.Answer(201 if created else 200, record.model_dump(mode="json"),
                       {"Location": f"/needs/{record.need_id}"})


@functions_framework.http
def submit_need(request):
    return http.serve(request, operation="submit_need", right="needs.write", roles=BENEFICIARY, action=_submit)
