"""OpenAPI operations of accounts (B5 accounts, D7) and reversibility (A8 exports)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, as_json, common_problems, errors_of,
    json_response, malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_platform import REQUEST_ACCOUNT
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.identity import CreateAccount, RequestAccount


@operation("request_account", "post", roles=("manager", "beneficiary"), right=Right.ACCOUNTS_REQUEST,
           schemas=("AccountRequest", "RequestAccount"))
def request_account(b: Build) -> dict[str, Any]:
    acc = b.stories.accounts
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Ask the operator for an account for one of your people",
        "description": (
            "A manager or beneficiary asks for an account in its own tenant (B5), optionally narrowing its rights. "
            "The request starts D7: the operator creates the account within 72 working hours in the given "
            "territory (due_at). Asking again for the same e-mail answers the same request."),
        "tags": ["manager", "beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RequestAccount"], {"colleague": ("A colleague, two rights",
                                                                         REQUEST_ACCOUNT)}),
        "responses": {
            "202": json_response("Request recorded (or already recorded): pending until the operator acts.",
                                  b.refs["AccountRequest"], {"pending": ("Pending request, D7 due date",
                                                                       as_json(acc.request))}, REPLAYED),
            **post_errors("request_account", extra={
                "400": {"malformed_json": rejected(malformed(RequestAccount), cid0)},
                "422": {"invalid_request": rejected(errors_of(RequestAccount, {
                    **REQUEST_ACCOUNT, "email": "marc.petit", "rights": ["needs.read", "orders.delete"]}), cid0)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("manage_account", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("AccountCreated", "CreateAccount"))
def manage_account(b: Build) -> dict[str, Any]:
    acc = b.stories.accounts
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Create or update an account and its claims (operator)",
        "description": (
            "The platform operator creates (or updates) a Firebase Authentication account and sets its custom "
            "claims role, tenant and rights. Naming a request_id fulfils that request and records whether D7 was "
            "met. A password, when given, must be strong (B15)."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["CreateAccount"], {"fulfil_request": ("Fulfil the Métropole's request",
                                                                             acc.create_body)}),
        "responses": {
            "200": json_response("Account created or updated.", b.refs["AccountCreated"],
                                  {"created": ("Created, request fulfilled within D7", acc.created)}, REPLAYED),
            **post_errors("manage_account", extra={
                "400": {"malformed_json": rejected(malformed(CreateAccount), cid0)},
                "422": {
                    "weak_password_and_right": rejected(acc.weak_and_right, cid0),
                    "request_not_found": rejected(acc.request_not_found, cid1),
                    "role_mismatch": rejected(acc.role_mismatch, cid1),
                },
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, a right the role cannot hold, a weak password, an "
                                    "unknown request or one for another role or tenant, or " + IDEM_422}),
        },
    }


@operation("export_space", "post", roles=("manager", "beneficiary"), right=Right.EXPORT,
           schemas=("ExportJob",), operation_id="export_space")
def export_space(b: Build) -> dict[str, Any]:
    exp = b.stories.exports
    export_post_errors = post_errors("export_space", extra={}, descriptions={
        "400": "The Idempotency-Key header is missing or invalid.", "409": IDEM_409,
        "422": "The Idempotency-Key was used for a different body."}, allowed="POST, GET")
    return {
        "summary": "Start an export of all of your data",
        "description": (
            "Reversibility (A8): a manager (or beneficiary) exports every document of its space(s) and every file "
            "stored under them, at any time. The body is not read: send `{}` with Content-Type application/json. "
            "The export runs in the background (exports-requested, run_export); follow it with GET "
            "export_space?job_id= (the Location header)."),
        "tags": ["manager", "beneficiary"], "parameters": POST_PARAMS,
        "responses": {
            "202": json_response("Export queued.", b.refs["ExportJob"], {"pending": ("Queued", exp.pending)}, {
                "Location": {"description": "Where to follow the job: ?job_id=<job_id>.", "schema": {"type": "string"},
                             "example": f"?job_id={exp.pending['job_id']}"}, **REPLAYED}),
            **export_post_errors,
        },
    }


@operation("export_space", "get", roles=("manager", "beneficiary"), right=Right.EXPORT,
           schemas=("ExportJob",), operation_id="export_space_status")
def export_space_status(b: Build) -> dict[str, Any]:
    exp = b.stories.exports
    cid0 = CORRELATION_IDS[0]
    get_export = common_problems("export_space", post=False, allowed="POST, GET")
    get_export["404"] = problem_response("No such export for the caller's tenant.", {"export_not_found": problem(
        404, [ErrorDetail.of("query.job_id", "EXPORT_NOT_FOUND", job_id="0f1e2d3c")], cid0, instance="/export_space")})
    return {
        "summary": "Follow an export and download it",
        "description": (
            "The job with its progress (records and archive entries written so far). Once completed: the "
            "archive's SHA-256 and size, and download_url, a signed URL valid 15 minutes (a new one on every GET). "
            "The ZIP holds one JSON Lines file per collection, the stored files under files/, and manifest.json "
            "(counts and SHA-256 of every entry)."),
        "tags": ["manager", "beneficiary"],
        "parameters": [query("job_id", "The job_id of the POST answer.", exp.pending["job_id"], required=True),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The job.", b.refs["ExportJob"], {
                "running": ("Running", exp.running), "completed": ("Completed, with its download URL",
                                                                      exp.completed)}),
            **get_export,
        },
    }
