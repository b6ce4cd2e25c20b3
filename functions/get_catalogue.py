"""get_catalogue — HTTPS GET: a contract's catalogue versions, the one in force, the review flag (A14).

Managers: ``?contract_id=[&on=YYYY-MM-DD]``; contractors add ``&manager_id=`` and see only
their own contracts.
"""

from __future__ import annotations

import datetime as dt

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import catalogue, contracts


def _read(req: http.Request) -> http.Answer:
    p = req.principal
    contract_id = req.args.get("contract_id", "")
    manager_id = p.tenant if p.role == "manager" else req.args.get("manager_id", "")
    missing = [ErrorDetail.of(f"query.{n}", "REQUIRED") for n, v in (("contract_id", contract_id),
                                                                      ("manager_id", manager_id)) if not v]
    if missing:
        raise http.HttpProblem(400, missing)
    uow = bootstrap.reader()
    contract = contracts.load_contract(uow, manager_id, contract_id)
    if contract is None or (p.role == "contractor" and contract.get("contractor_id") != p.tenant):
        raise http.HttpProblem(404, [ErrorDetail.of("query.contract_id", "CONTRACT_NOT_FOUND", contract_id=contract_id)])
    today = catalogue.today_of(uow, manager_id, contract_id, bootstrap.clock(), contract)  # B18: the contract's day
    try:
        on = dt.date.fromisoformat(req.args["on"]) if req.args.get("on") else today
    except ValueError:
        raise http.HttpProblem(400, [ErrorDetail.of("query.on", "INVALID_FORMAT", detail="date AAAA-MM-JJ")]) from None
    return http.Answer(200, catalogue.catalogue_view(manager_id, contract_id, on, today, uow))


@functions_framework.http
def get_catalogue(request):
    return http.serve(request, operation="get_catalogue", roles=frozenset({"manager", "contractor"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
