"""OpenAPI operations of penalties (A9): a manager's decisions on its ledger, and the monthly statement."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, as_json, common_problems, errors_of,
    json_response, malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_orders import CONTRACTOR_ID, MANAGER_ID
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.penalties import DecidePenalty


@operation("decide_penalty", "post", roles=("manager",), right=Right.PENALTIES_MANAGE,
           schemas=("PenaltyDecisionRequest", "PenaltyEntry"))
def decide_penalty(b: Build) -> dict[str, Any]:
    pen = b.stories.penalties
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Waive, dispute or uphold one penalty entry",
        "description": (
            "A manager decides on one day of penalty of its ledger (A9): `waive` (forgo the amount; accrued or "
            "disputed entries), `dispute` (put it aside while the contractor's objection is examined; accrued "
            "entries) or `uphold` (the dispute is rejected: the amount is due again). Entries are never deleted: "
            "the decision, its reason, its author and its time are appended. See docs/penalties.md."),
        "tags": ["manager"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["PenaltyDecisionRequest"], {"waive": ("Waive day 2", pen.decision)}),
        "responses": {
            "200": json_response("Decision recorded; the entry as it is now.", b.refs["PenaltyEntry"],
                                  {"waived": ("Entry waived, with its decision", as_json(pen.entry))}, REPLAYED),
            **post_errors("decide_penalty", extra={
                "400": {"malformed_json": rejected(malformed(DecidePenalty), cid0)},
                "422": {
                    "penalty_not_found": rejected([ErrorDetail.of("$.entry_id", "PENALTY_NOT_FOUND",
                                                                   entry_id="d2-ctr-acme-ac-2026-017-d00009")], cid0),
                    "decision_not_allowed": rejected(pen.not_allowed, cid1),
                    "invalid_action": rejected(errors_of(DecidePenalty, {**pen.decision, "action": "cancel",
                                                                                    "reason": ""}), cid1),
                },
            }, descriptions={
                "400": IDEM_400, "409": IDEM_409,
                "422": "The body breaks the schema, no such entry in the caller's ledger (PENALTY_NOT_FOUND), the "
                       "action does not apply to the entry's status, or " + IDEM_422,
            }),
        },
    }


@operation("get_penalty_statement", "get", roles=("manager", "contractor", "beneficiary"),
           right=Right.PENALTIES_READ,
           schemas=("Statement",))
def get_penalty_statement(b: Build) -> dict[str, Any]:
    pen = b.stories.penalties
    cid0 = CORRELATION_IDS[0]
    get_errors = common_problems("get_penalty_statement", post=False)
    get_errors["400"] = problem_response(
        "A query parameter is missing or invalid (month as YYYY-MM, format json or csv).", {
            "month_missing": problem(400, [ErrorDetail.of("query.month", "REQUIRED")], cid0,
                                      instance="/get_penalty_statement"),
            "month_invalid": problem(400, [ErrorDetail.of("query.month", "INVALID_MONTH")], cid0,
                                      instance="/get_penalty_statement")})
    statement_json = json_response("The month's statement (an empty month has no lines and zero totals).",
                                    b.refs["Statement"], {"april": ("April 2026: two days due, one waived",
                                                                  as_json(pen.statement))})
    statement_json["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "format=csv: French CSV, UTF-8 with BOM, `;` separator, CRLF, decimal comma, dates DD/MM/YYYY, "
            "formulas neutralised; one row per entry, named as a person reads it (A9): Date, Délai (its kind and "
            "French label, « D8 — Première réponse à un incident », never its id), Jour de retard, Commande (the "
            "order's reference; a pooled day: its messages' orders), Messages en cause (a pooled day: each message "
            "by its order, the id the contractor gave it, why and which day), Marché (title (id)), Territoire "
            "(name (code), where the day was counted), Montant (EUR), Statut, Motif (the last decision's reason), "
            "Décision du (its date on the territory's clock); a blank "
            "row, then the four totals. Sent with Content-Disposition: attachment; "
            "filename=\"penalites-<contractor>-<month>.csv\".")},
        "examples": {"april": {"summary": "The same statement as CSV", "value": pen.csv}},
    }
    return {
        "summary": "Read a month of penalties, in JSON or CSV",
        "description": (
            "The penalties of one month for one contractor (and one contract, or all): every entry with its status "
            "and last decision's reason, and the totals due, disputed, waived and recorded (A9). A manager — or a "
            "beneficiary, for its missions' contractor — names the contractor; a contractor reads its own statement "
            "and names the manager."),
        "tags": ["manager", "contractor", "beneficiary"],
        "parameters": [
            query("month", "The month, YYYY-MM (the entries' local date in the deadline's territory).", "2026-04",
                   required=True),
            query("contractor_id", "Managers and beneficiaries: required, the contractor. Contractors: ignored.",
                  CONTRACTOR_ID),
            query("manager_id", "Contractors: required, the manager. Managers: ignored (their own ledger).",
                   MANAGER_ID),
            query("contract_id", "Optional: one contract only.", "AC-2026-017"),
            query("format", "json (default) or csv.", "csv", enum=["json", "csv"]),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": statement_json, **get_errors, "422": problem_response(
            "A month without entries of a contractor the platform does not know: the id is mistyped "
            "(CONTRACTOR_NOT_FOUND), rather than an empty statement.", {
                "unknown_contractor": problem(422, [ErrorDetail.of("query.contractor_id", "CONTRACTOR_NOT_FOUND",
                                                                   contractor_id="ctr-acm")], cid0,
                                              instance="/get_penalty_statement")})},
    }
