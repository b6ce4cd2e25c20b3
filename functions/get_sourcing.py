"""get_sourcing — HTTPS GET: a need with every version and result, a mission with its order and
budget (beneficiary: its own only; operator: any, naming beneficiary_id), the beneficiary's agreement
with its penalty terms versions (A9 penalties: the beneficiary its own; the operator and the
purchasing body, which sets them, naming beneficiary_id), pool statistics (B14), or the registered
beneficiaries to choose one from (B1 parties: ``view=beneficiaries``, by id, pages of at most MAX_ROWS,
``?after=`` the previous page's ``next_cursor``), or, for the operator only, the missions awaiting a
replacement (B12 replacement: ``view=replacements``, D5/D6 due soonest first) and the whole pool searched
for one of them (``view=replacement_candidates&beneficiary_id=&mission_id=``, by ``name``, ``skill``,
``available=true`` over the mission's remaining period and ``max_daily_rate_cents``, each found professional
judged by the replacement rules). The purchasing body
(right ``reports.read``) reads the pool statistics, the agreements and the beneficiaries, nothing else; a beneficiary every view but
the beneficiaries and the two replacement views (``shared.service.sourcing.pool.may_read_view``)."""

from __future__ import annotations

import functions_framework

from functions._sourcing import settings
from shared import bootstrap
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.list_limits import MAX_ROWS
from shared.domain.validation import identifier_errors
from shared.edge import http
from shared.service.sourcing import agreements, missions, needs, pool, replacements

VIEWS = ("need", "mission", "agreement", "pool_statistics", "beneficiaries", "replacements", "replacement_candidates")
TEXT_FILTER_MAX = 100  # characters of a name or skill typed in the replacement search


def _candidate_filters(args) -> dict:
    """The replacement search's query (B12 replacement): ``name``, ``skill``, ``available=true``,
    ``max_daily_rate_cents``, ``limit`` (1 to MAX_ROWS); every error at once."""
    errors: list[ErrorDetail] = []
    for name in ("name", "skill"):
        if len(args.get(name, "")) > TEXT_FILTER_MAX:
            errors.append(ErrorDetail.of(f"query.{name}", "OUT_OF_RANGE", detail=f"{TEXT_FILTER_MAX} caractères au plus"))
    available = args.get("available", "false")
    if available not in ("true", "false"):
        errors.append(ErrorDetail.of("query.available", "INVALID_VALUE", detail="« true » ou « false »"))
    numbers: dict[str, int | None] = {}
    for name, low, high, default in (("max_daily_rate_cents", 1, 10**7, None),
                                     ("limit", 1, MAX_ROWS, replacements.CANDIDATES_LIMIT)):
        text = args.get(name, "")
        numbers[name] = int(text) if text.isdigit() and low <= int(text) <= high else default
        if text and not (text.isdigit() and low <= int(text) <= high):
            errors.append(ErrorDetail.of(f"query.{name}", "OUT_OF_RANGE", detail=f"entier de {low} à {high}"))
    if errors:
        raise DomainError(errors)
    return {"name": args.get("name", ""), "skill": args.get("skill", ""), "available": available == "true",
            **numbers}


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
                                                          accounts=req.principal.role != "beneficiary",
                                                          reader=(req.principal.role, req.principal.tenant)))
    if view == "replacement_candidates":
        if not req.args.get("mission_id"):
            raise DomainError([ErrorDetail.of("query.mission_id", "REQUIRED")])
        return http.Answer(200, replacements.replacement_candidates(
            tenant, req.args["mission_id"], uow, bootstrap.blobs(), bootstrap.clock(), **_candidate_filters(req.args)))
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
