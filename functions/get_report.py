"""get_report — HTTPS GET: reports of part B (B6, B17); docs/sourcing.md, "Reporting".

``view=beneficiary`` (B6): a beneficiary reads its own report; the operator names
``beneficiary_id``. ``view=purchasing_body`` (B17): the purchasing body and the operator read the
aggregates over every beneficiary — amounts and categories, never the content of a need.
Both take ``from`` and ``to`` (YYYY-MM-DD, default: the calendar year to date) and
``format=json|csv`` (French CSV: UTF-8 with BOM, ``;``, decimal comma). ``view=half_year_reports``
lists the stored half-year reports with signed download URLs (15 minutes), or one with
``report_id=``. ``view=price_schedule`` (purchasing body, operator, beneficiary): every version of the
price schedule (B17 purchasing-body report) — reference daily rates, fee rate, date — the one in force today and
those to come told apart. Who may read which view is decided by ``shared.service.sourcing.reporting.authorise``.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.domain.sourcing import reporting as rep
from shared.edge import http
from shared.service.sourcing import price_schedules, reporting

FORMATS = ("json", "csv")


def _report(req: http.Request) -> http.Answer:
    p, args = req.principal, req.args
    view, fmt = args.get("view", ""), args.get("format", "json")
    errors = []
    if view not in reporting.VIEWS:
        errors.append(ErrorDetail.of("query.view", "INVALID_VALUE",
                                     detail="valeurs acceptées : " + ", ".join(reporting.VIEWS)))
    if fmt not in FORMATS:
        errors.append(ErrorDetail.of("query.format", "INVALID_VALUE", detail="json ou csv"))
    if errors:
        raise http.HttpProblem(400, errors)
    try:  # the service decides who reads which view
        beneficiary_id = reporting.authorise(view, p.role, p.tenant, args.get("beneficiary_id"))
    except reporting.Forbidden as refused:
        raise http.HttpProblem(403, [ErrorDetail.of(refused.field, "FORBIDDEN")]) from refused
    uow = bootstrap.reader()
    if view == "price_schedule":
        return http.Answer(200, price_schedules.read_price_schedule(uow, bootstrap.clock()))
    if view == "half_year_reports":
        files = bootstrap.get("report_files")
        if args.get("report_id"):
            return http.Answer(200, reporting.half_year_report(args["report_id"], uow, files).model_dump(mode="json"))
        return http.Answer(200, reporting.list_half_year_reports(uow, files).model_dump(mode="json"))
    clock = bootstrap.clock()
    period, errors = rep.parse_period(args.get("from"), args.get("to"), rep.paris_date(clock.now()))
    if view == "beneficiary" and not beneficiary_id:
        errors.append(ErrorDetail.of("query.beneficiary_id", "REQUIRED"))
    if errors:
        raise http.HttpProblem(400, errors)
    if view == "beneficiary":
        report = reporting.beneficiary_report(beneficiary_id, period, uow, clock)
        to_csv, filename = rep.beneficiary_csv, f"rapport-{beneficiary_id}-{period.start}-{period.end}.csv"
    else:
        report = reporting.purchasing_body_report(period, uow, clock)
        to_csv, filename = rep.purchasing_body_csv, f"rapport-centrale-{period.start}-{period.end}.csv"
    if fmt == "csv":
        return http.Answer(200, {}, file=to_csv(report), media_type="text/csv; charset=utf-8", filename=filename)
    return http.Answer(200, report.model_dump(mode="json"))


@functions_framework.http
def get_report(request):
    return http.serve(request, operation="get_report", roles=frozenset({"beneficiary", "purchasing_body", "operator"}),
                      right="reports.read", action=_report, methods=("GET",), idempotent=False)
