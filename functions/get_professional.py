"""get_professional — HTTPS GET: one professional's full record (B4: education, certifications,
references, daily rate, extra costs, reviews). A beneficiary names the need whose results or
proposals list it (``?need_id=&professional_id=``); the operator reads any record."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import listings


def _get(req: http.Request) -> http.Answer:
    p, args = req.principal, req.args
    known = {"professional_id", "need_id"}
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(args) - known)]
    required = ("professional_id", "need_id") if p.role == "beneficiary" else ("professional_id",)
    errors += [ErrorDetail.of(f"query.{name}", "REQUIRED") for name in required if not args.get(name)]
    if errors:
        raise http.HttpProblem(400, errors)
    try:
        record = listings.get_professional(p.role, p.tenant, args["professional_id"], args.get("need_id") or None,
                                           bootstrap.reader())
    except listings.NotVisible as exc:
        raise http.HttpProblem(404, [exc.error]) from None
    return http.Answer(200, record)


@functions_framework.http
def get_professional(request):
    return http.serve(request, operation="get_professional", roles=frozenset({"beneficiary", "operator"}),
                      right={"beneficiary": "needs.read", "operator": "professionals.write"},
                      action=_get, methods=("GET",), idempotent=False)
