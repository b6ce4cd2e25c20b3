"""get_contract — HTTPS GET: one contract whole, as stored and as sent in ``fr.passerelle.contract.changed.v1``
(A2.1): its content, ``version`` and ``updated_at``, and its penalty terms versions with the one in force
today (A9 penalties, ``penalty_terms_versions``). Managers read their own (``?contract_id=``); a
contractor reads a contract it holds (``?manager_id=&contract_id=``). Anything else is the 404 of a
missing contract. list_contracts lists them with their versions."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import perimeter_reads


def _read(req: http.Request) -> http.Answer:
    p = req.principal
    contract_id, manager_id = req.args.get("contract_id", ""), req.args.get("manager_id", "")
    known = {"contract_id", "manager_id"} if p.role == "contractor" else {"contract_id"}
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(req.args) - known)]
    errors += [ErrorDetail.of(f"query.{name}", "REQUIRED") for name in sorted(known) if not req.args.get(name)]
    if errors:
        raise http.HttpProblem(400, errors)
    try:
        return http.Answer(200, perimeter_reads.get_contract(p.role, p.tenant, manager_id, contract_id,
                                                             bootstrap.reader(), bootstrap.clock()))
    except perimeter_reads.NotVisible:
        raise http.HttpProblem(404, [ErrorDetail.of("query.contract_id", "CONTRACT_NOT_FOUND",
                                                    contract_id=contract_id)]) from None


@functions_framework.http
def get_contract(request):
    return http.serve(request, operation="get_contract", roles=frozenset({"manager", "contractor"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
