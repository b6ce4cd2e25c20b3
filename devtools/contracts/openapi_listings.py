"""OpenAPI operations of the web application's reads (docs/web-app.md, "Reads of the web application"):
list_quotes, list_contracts, list_account_requests, list_needs, get_professional. Their answers are what
shared/service/listings.py (list_quotes: shared/service/quote_list.py) gave, at the right moment of the quote,
perimeter, account and sourcing stories."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, common_problems, json_response, problem, problem_response, query,
)
from devtools.contracts.registry import Build, examples, operation
from devtools.contracts.stories_sourcing import BENEFICIARY_ID, NEED_ID, PRO_ID
from shared.domain import quote_list as quote_list_rules
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right

BY_ROLE = {"beneficiary": Right.NEEDS_READ, "operator": Right.PROFESSIONALS_WRITE}


def _read(b: Build, name: str, summary: str, description: str, tags: list[str], parameters: list[dict[str, Any]],
          answer: str, example: tuple[str, str, Any], bad: dict[str, list[ErrorDetail]],
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A GET of the web application: its query, its answer and the 400 its query may get."""
    cid0 = CORRELATION_IDS[0]
    problems = common_problems(name, post=False)
    problems["400"] = problem_response("A query parameter is unknown, missing or not one of its values.", {
        key: problem(400, errors, cid0, instance=f"/{name}") for key, errors in bad.items()})
    problems.update(extra or {})
    key, label, value = example
    return {"summary": summary, "description": description, "tags": tags,
            "parameters": [*parameters, {"$ref": "#/components/parameters/X-Correlation-Id"}],
            "responses": {"200": json_response(label, b.refs[answer], {key: (label, value)}), **problems}}


def _unknown(name: str) -> list[ErrorDetail]:
    return [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD")]


@operation("list_quotes", "get", roles=("manager", "beneficiary", "contractor"), right=Right.ORDERS_READ,
           schemas=("QuoteList",))
def list_quotes(b: Build) -> dict[str, Any]:
    return _read(
        b, "list_quotes", "List the quotes of a space, or those asked of a contractor, in pages",
        "A manager (or a beneficiary) lists the quotes of its own space; a contractor the quotes asked of it, or "
        "raised by it, with every manager. Most recent activity first (`updated_at`: requested, submitted, revised, "
        "decided, expired, withdrawn), each with its state, current version, total and site. In pages: without "
        f"`limit` a page holds {quote_list_rules.DEFAULT_LIMIT} quotes (the answer ERPs have always read); "
        "`truncated` is true when more match and `next_cursor`, passed as `cursor` with the same filters, reads the "
        "next page (null at the end). `get_quote` reads one with its versions.",
        ["manager", "beneficiary", "contractor"], [
            query("state", "Optional: requested, submitted, accepted, refused, expired or withdrawn.", "submitted"),
            query("contractor_id", "Optional, a manager's or a beneficiary's: the quotes of one contractor.",
                  "ctr-acme"),
            query("manager_id", "Optional, a contractor's: the quotes of one client's space.", "mgr-rhone-habitat"),
            query("order_id", "Optional: the supplementary quotes of one order (A2.5).", "BC-2026-0101"),
            query("node_id", "Optional: the quotes at one node of the property tree (A7).", "VAULX-BAT-B-LOG-3"),
            query("quote_id", "Optional: search by reference, as people type it — spaces around it trimmed, regardless "
                              "of case (dv-2026-0001 finds DV-2026-0001; quotes differing only by case are all listed), "
                              "with the other filters; no cursor then.", "dv-2026-0001"),
            query("limit", f"Quotes per page, 1 to {quote_list_rules.MAX_LIMIT} "
                           f"(default {quote_list_rules.DEFAULT_LIMIT}).", "50"),
            query("cursor", "next_cursor of the previous page (opaque).", "eyJ0Ijo..."),
        ],
        "QuoteList", ("submitted", "Four submitted quotes", b.stories.quotes.quote_list),
        {"bad_state": [ErrorDetail.of("query.state", "INVALID_VALUE", detail="requested, submitted, accepted, "
                                      "refused, expired, withdrawn attendu")], "tenant_named": _unknown("manager_id"),
         "bad_page": quote_list_rules.parse_query("manager", "mgr-rhone-habitat", {"limit": "500", "cursor": "x"})[1]})


@operation("list_contracts", "get", roles=("manager", "contractor", "beneficiary", "purchasing_body"),
           right={"manager": Right.ORDERS_READ, "contractor": Right.ORDERS_READ, "beneficiary": Right.ORDERS_READ,
                  "purchasing_body": Right.REPORTS_READ},
           schemas=("ContractList",))
def list_contracts(b: Build) -> dict[str, Any]:
    return _read(
        b, "list_contracts", "List the contracts of a space, or those a contractor holds",
        "A manager (or a beneficiary) lists the contracts of its space; a contractor the contracts it holds with "
        "every manager and beneficiary. Each comes with its status, dates, lots, perimeter, the versions of its "
        "catalogue (`get_catalogue` reads one) and the names of its two parties as registered (`contractor_name`, "
        "`client_name`: the names of the caller's own contracts' parties, no one else's), and the caller's own name "
        "as registered (`caller_name`, with or without a contract). The purchasing body holds no contract: it reads "
        "its own name only (`contracts` empty, B1 parties).",
        ["manager", "contractor", "beneficiary", "purchasing_body"], [], "ContractList",
        ("two", "The current contract with three catalogue versions, and the one before",
         b.stories.perimeter.contract_list),
        {"tenant_named": _unknown("manager_id")})


@operation("list_account_requests", "get", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("AccountRequestList",))
def list_account_requests(b: Build) -> dict[str, Any]:
    return _read(
        b, "list_account_requests", "List account requests with the time left on D7 (operator)",
        "Pending account requests (`?status=fulfilled` for the fulfilled ones), the one due soonest first, each "
        "with D7's due time (72 working hours in the requester's territory) and `seconds_left` at the time of "
        "the answer (negative once overdue). `manage_account` with the `request_id` fulfils one.",
        ["operator"], [query("status", "Optional: pending (default) or fulfilled.", "pending")],
        "AccountRequestList", ("pending", "One pending request", b.stories.accounts.pending_requests),
        {"bad_status": [ErrorDetail.of("query.status", "INVALID_VALUE", detail="pending, fulfilled attendu")]})


@operation("list_needs", "get", roles=("beneficiary", "operator"), right=BY_ROLE, schemas=("NeedList",))
def list_needs(b: Build) -> dict[str, Any]:
    return _read(
        b, "list_needs", "List needs: a beneficiary's own, or those waiting for proposals (operator)",
        "A beneficiary lists its own needs. The operator lists the needs of every beneficiary waiting for "
        "proposals (acknowledged or scored), D4 due soonest first, or all the needs of one beneficiary with "
        "`beneficiary_id`. `get_sourcing?view=need` reads one with its versions and results.",
        ["beneficiary", "operator"],
        [query("status", "Optional: one need status.", "scored"),
         query("beneficiary_id", "Operator only: one beneficiary's needs.", BENEFICIARY_ID)],
        "NeedList", ("waiting", "One need waiting for proposals", b.stories.sourcing.waiting_needs),
        {"beneficiary_names_another": _unknown("beneficiary_id")})


@operation("get_professional", "get", roles=("beneficiary", "operator"), right=BY_ROLE,
           schemas=("ProfessionalRecord",))
def get_professional(b: Build) -> dict[str, Any]:
    return _read(
        b, "get_professional", "Read a professional's full record (B4)",
        "Education, certifications, references, daily rate, extra costs, reviews and the rest of the record. "
        "A beneficiary names one of its needs whose results or proposals list the professional; any other "
        "professional, or a need of another beneficiary, answers 404 as for an unknown one. The operator reads "
        "any record.",
        ["beneficiary", "operator"],
        [query("professional_id", "The professional.", PRO_ID, required=True),
         query("need_id", "Beneficiaries: required, the need whose results name the professional.", NEED_ID)],
        "ProfessionalRecord", ("record", "A ranked professional's record", b.stories.sourcing.professional_record),
        {"missing": [ErrorDetail.of("query.need_id", "REQUIRED")]},
        extra={"404": problem_response(
            "No such professional within the caller's reach (or no such need for this beneficiary).", {
                "not_found": problem(404, [ErrorDetail.of("query.professional_id", "PROFESSIONAL_NOT_FOUND",
                                                          professional_id=PRO_ID)], CORRELATION_IDS[0],
                                     instance="/get_professional")})})


@examples
def listing_examples(stories: Any) -> dict[str, list[Any]]:
    return {"QuoteList": [stories.quotes.quote_list], "ContractList": [stories.perimeter.contract_list],
            "AccountRequestList": [stories.accounts.pending_requests], "NeedList": [stories.sourcing.waiting_needs],
            "ProfessionalRecord": [stories.sourcing.professional_record]}
