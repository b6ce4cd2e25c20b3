"""get_sourcing — HTTPS GET: a need with every version and result, a mission with its order and
budget (beneficiary: its own only; operator: any, naming beneficiary_id), the beneficiary's agreement
with its penalty terms versions (A9 penalties: the beneficiary its own; the operator and the
purchasing body, which sets them, naming beneficiary_id), pool statistics (B14), or the registered
beneficiaries to choose one from (B1 parties: ``view=beneficiaries``, by id, pages of at most MAX_ROWS,
``?after=`` the previous page's ``next_cursor``), or, for the operator only, the missions awaiting a
replacement (B12 replacement: ``view=replacements``, D5/D6 due soonest first). The purchasing body
(right ``reports.read``) reads the pool statistics, the agreements and the beneficiaries, nothing else; a beneficiary every view but
the beneficiaries and the replacements (``shared.service.sourcing.pool.may_read_view``)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import settings
from shared import bootstrap
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.validation import identifier_errors
from shared.edge import http
from shared.service.sourcing import agreements, missions, needs, pool, replacements

VIEWS = ("need", "mission", "agreement", "pool_statistics", "beneficiaries", "replacements")


def _get(req: http.Request) -> http.Answer:
    view = req.args.get("view", "")
    if view not in VIEWS:
        raise DomainError([ErrorDetail.of("query.view", "INVALID_VALUE", detail=f"valeurs acceptées : {', '.join(VIEWS)}")])
    if not pool.may_read_view(view, req.principal.role):
        raise http.HttpProblem(403, [ErrorDetail.of("query.view", "FORBIDDEN")])
    if view == "beneficiaries":
        after = req.args.get("after") or None
        if after is not None and (errors := identifier_errors(after, "query.after")):
            raise DomainError(errors)
        return http.Answer(200, pool.list_beneficiaries(bootstrap.reader(), after))
    if view == "replacements":
        return http.Answer(200, replacements.awaiting_replacement(bootstrap.reader()))
    uow = bootstrap.uow()  # pool statistics may rebuild a stale search index (a derived cache)
    if view == "pool_statistics":
        return http.Answer(200, pool.pool_statistics(uow, bootstrap.blobs(), bootstrap.clock()))
    tenant = req.principal.tenant if req.principal.role == "beneficiary" else req.args.get("beneficiary_id")
    if not tenant:
        raise DomainError([ErrorDetail.of("query.beneficiary_id", "REQUIRED")])
    if view == "agreement":
        # which of the purchasing body's accounts set a version: its own and the operator's to see
        return http.Answer(200, agreements.read_agreement(tenant, uow, bootstrap.clock(), settings(),
                                                          accounts=req.principal.role != "beneficiary"))
    if view == "need":
        if not req.args.get("need_id"):
            raise DomainError([ErrorDetail.of("query.need_id", "REQUIRED")])
        return http.Answer(200, needs.read_need(tenant, req.args["need_id"], uow))
    if not req.args.get("mission_id"):
        raise DomainError([ErrorDetail.of("query.mission_id", "REQUIRED")])
    return http.Answer(200, missions.read_mission(tenant, req.args["mission_id"], uow, bootstrap.clock(), settings()))


@functions_framework.http
def get_sourcing(request):
    return http.serve(request, operation="get_sourcing",
                      right={"beneficiary": "needs.read", "operator": "professionals.write",
                             "purchasing_body": "reports.read"},
                      roles=frozenset({"beneficiary", "operator", "purchasing_body"}),
                      action=_get, methods=("GET",), idempotent=False)
