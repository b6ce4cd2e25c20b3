"""get_penalty_statement — HTTPS GET: a month of penalties per contractor and contract (A9).

Managers and beneficiaries (the statement of their missions' contractor):
``?contractor_id=&month=YYYY-MM[&contract_id=][&format=csv]``; contractors read their own
statement with ``?manager_id=`` instead of ``contractor_id``. ``format=csv`` answers
a French CSV (UTF-8 with BOM, ``;`` separator, decimal comma).
"""

from __future__ import annotations

import re

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.domain.penalties import statement_csv
from shared.edge import http
from shared.service import deadlines

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _statement(req: http.Request) -> http.Answer:
    principal, args = req.principal, req.args
    manager_id = principal.tenant if principal.role in ("manager", "beneficiary") else args.get("manager_id", "")
    contractor_id = principal.tenant if principal.role == "contractor" else args.get("contractor_id", "")
    month = args.get("month", "")
    errors = [ErrorDetail.of(f"query.{name}", "REQUIRED") for name, value
              in (("manager_id", manager_id), ("contractor_id", contractor_id), ("month", month)) if not value]
    if month and not _MONTH.match(month):
        errors.append(ErrorDetail.of("query.month", "INVALID_MONTH"))
    if args.get("format", "json") not in ("json", "csv"):
        errors.append(ErrorDetail.of("query.format", "INVALID_VALUE", detail="json ou csv"))
    if errors:
        raise http.HttpProblem(400, errors)
    result = deadlines.monthly_statement(bootstrap.reader(), manager_id, contractor_id, args.get("contract_id") or None,
                                         month)
    if args.get("format") == "csv":
        return http.Answer(200, {}, file=statement_csv(result), media_type="text/csv; charset=utf-8",
                           filename=f"penalites-{contractor_id}-{month}.csv")
    return http.Answer(200, result.model_dump(mode="json"))


@functions_framework.http
def get_penalty_statement(request):
    return http.serve(request, operation="get_penalty_statement",
                      roles=frozenset({"manager", "contractor", "beneficiary"}), right="penalties.read",
                      action=_statement, methods=("GET",), idempotent=False)
