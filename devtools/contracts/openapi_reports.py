"""OpenAPI operations of reporting (B6 beneficiary report, B17 purchasing body report, half-year reports)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, as_json, common_problems, json_response, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_sourcing import BENEFICIARY_ID
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right


@operation("get_report", "get", roles=("beneficiary", "purchasing_body", "operator"), right=Right.REPORTS_READ,
           schemas=("ReportView",))
def get_report(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    errors = common_problems("get_report", post=False)
    errors["400"] = problem_response("A query parameter is missing or invalid.", {
        "invalid_view": problem(400, [ErrorDetail.of("query.view", "INVALID_VALUE", detail=(
            "valeurs acceptées : beneficiary, purchasing_body, half_year_reports, price_schedule"))], cid0, instance="/get_report"),
        "invalid_date": problem(400, [ErrorDetail.of("query.from", "INVALID_FORMAT",
                                                      detail="date AAAA-MM-JJ attendue")], cid1, instance="/get_report"),
        "beneficiary_id_missing": problem(400, [ErrorDetail.of("query.beneficiary_id", "REQUIRED")], cid1,
                                           instance="/get_report")})
    errors["404"] = problem_response("No such beneficiary (operator), or no such stored report.", {
        "beneficiary_not_found": rejected([ErrorDetail.of("query.beneficiary_id", "BENEFICIARY_NOT_FOUND",
                                                           beneficiary_id="ben-inconnu")], cid0),
        "report_not_found": rejected([ErrorDetail.of("query.report_id", "REPORT_NOT_FOUND",
                                                      report_id="half-year-2031-H2")], cid1)})
    ok = json_response("The view asked for.", b.refs["ReportView"], {
        "beneficiary": ("view=beneficiary: the Métropole's first half of 2026", as_json(s.beneficiary_report)),
        "purchasing_body": ("view=purchasing_body: the same half-year for the purchasing body", as_json(s.purchasing_body_report)),
        "half_year_reports": ("view=half_year_reports: the stored reports, with signed URLs", as_json(s.half_year_list)),
        "price_schedule": ("view=price_schedule: the award's schedule in force, the imported 2026-07 to come",
                           b.stories.terms.price_schedule_list)})
    ok["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "format=csv (views beneficiary and purchasing_body): French CSV, UTF-8 with BOM, `;` separator, CRLF, "
            "decimal comma, dates DD/MM/YYYY, amounts in euros; one section per part of the report, separated by a "
            "blank row. Sent with Content-Disposition: attachment.")},
        "examples": {"beneficiary": {"summary": "view=beneficiary as CSV", "value": s.beneficiary_csv},
                     "purchasing_body": {"summary": "view=purchasing_body as CSV", "value": s.purchasing_body_csv}},
    }
    return {
        "summary": "Read a report: a beneficiary's (B6), the purchasing body's (B17), the stored half-year ones, or the "
                   "price schedule",
        "description": (
            "`view=beneficiary`: validated searches, professionals who delivered, revenue per professional per month "
            "and cumulated, D4 response delays (median, p90, working days and hours) and late D4/D6 answers; a "
            "beneficiary reads its own (naming another: 403), the operator names beneficiary_id. "
            "`view=purchasing_body` (purchasing body, operator): business volume overall and per beneficiary "
            "(SIRET) by month, quarter and year, every order (amounts and categories, never the need's content), "
            "the distribution across price lines, purchasing gains against the price schedule's reference daily "
            "rates and the return on investment against the purchasing body's fees. Both over `from`–`to` "
            "(default: the calendar year to date). `view=half_year_reports`: the reports publish_half_year_report "
            "stored for each ended half-year, with 15-minute signed URLs of their JSON and CSV files. "
            "`view=price_schedule` (purchasing body, operator, beneficiary; JSON only): every version of the price "
            "schedule (B17 purchasing-body report), oldest first — date, fee rate in basis points, reference daily rates "
            "per category — with `state` `in_force` for today's (Paris), `upcoming` or `past`. Definitions: "
            "docs/sourcing.md, \"Reporting\"."),
        "tags": ["beneficiary", "purchasing_body", "operator"],
        "parameters": [
            query("view", "Which report.", "beneficiary", required=True,
                   enum=["beneficiary", "purchasing_body", "half_year_reports", "price_schedule"]),
            query("from", "First day, YYYY-MM-DD (default: 1 January of the current year).", "2026-01-01"),
            query("to", "Last day, YYYY-MM-DD (default: today, Europe/Paris).", "2026-06-30"),
            query("beneficiary_id", "Operator, view=beneficiary: required. A beneficiary: its own or nothing.",
                   BENEFICIARY_ID),
            query("report_id", "view=half_year_reports: one stored report.", "half-year-2026-H1"),
            query("format", "json (default) or csv.", "csv", enum=["json", "csv"]),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": ok, **errors},
    }
