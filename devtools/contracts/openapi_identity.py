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
from shared.domain.identity import REAUTHENTICATION_MAX_AGE, ChangePassword, CreateAccount, RequestAccount


@operation("request_account", "post", roles=("manager", "beneficiary", "purchasing_body"),
           right=Right.ACCOUNTS_REQUEST,
           schemas=("AccountRequest", "RequestAccount"))
def request_account(b: Build) -> dict[str, Any]:
    acc = b.stories.accounts
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Ask the operator for an account for one of your people",
        "description": (
            "A manager, a beneficiary or the purchasing body asks for an account in its own tenant (B5: the "
            "token's, the body names none), optionally narrowing its rights. "
            "The request starts D7: the operator creates the account within 72 working hours in the given "
            "territory (due_at). Asking again for the same e-mail answers the same request."),
        "tags": ["manager", "beneficiary", "purchasing_body"], "parameters": POST_PARAMS,
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
            "met. A password, when given, must be strong (B15) and is temporary: the account's tokens carry "
            "`password_change_required` and may call only change_password until its user chooses its own "
            "(an update without a password keeps that mark)."),
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


@operation("list_accounts", "get", roles=("operator", "manager", "beneficiary", "purchasing_body"),
           right={"operator": Right.ACCOUNTS_MANAGE, "manager": Right.ACCOUNTS_REQUEST,
                  "beneficiary": Right.ACCOUNTS_REQUEST, "purchasing_body": Right.ACCOUNTS_REQUEST},
           schemas=("AccountList",))
def list_accounts(b: Build) -> dict[str, Any]:
    acc = b.stories.accounts
    cid0, cid1, _ = CORRELATION_IDS
    problems = common_problems("list_accounts", post=False)
    problems["400"] = problem_response("The operator named no `tenant`, `tenant` or `after` is not an identifier, or "
                                       "another query parameter was given.", {
        "bad_query": problem(400, acc.list_bad_query, cid0, instance="/list_accounts")})
    problems["403"]["description"] += (" A manager, beneficiary or purchasing body naming another party's `tenant` "
                                       "is refused on "
                                       "`query.tenant` (FORBIDDEN).")
    problems["403"]["content"]["application/problem+json"]["examples"]["another_tenant"] = {
        "value": problem(403, acc.list_forbidden, cid1, instance="/list_accounts")}
    return {
        "summary": ("List a party's accounts, their rights and state (operator; manager, beneficiary or purchasing "
                    "body: its own)"),
        "description": (
            "B5 accounts and rights: who has access to a party's space — each account's uid, e-mail, name, role, the "
            "rights it holds (its role's when none were chosen: `default_rights`), whether it is active or disabled "
            "(and since when), whether its password is still a temporary one the operator set, when it was created "
            "and last changed, the account request it answered. Never a password nor a token. The operator names "
            "the party (`tenant`, required); a manager, a beneficiary or the purchasing body reads its own people only "
            "(`tenant` may be "
            "left out or name itself). A page of at most 200 by uid; `next_cursor` is passed back as `?after=`. "
            "Read from the platform's account records (manage_account, change_password), not from Firebase "
            "Authentication."),
        "tags": ["operator", "manager", "beneficiary", "purchasing_body"],
        "parameters": [query("tenant", "The party whose accounts are read: required of the operator.",
                             acc.account_list["tenant"]),
                       query("after", "Optional: the previous page's `next_cursor`.", "uid-0001"),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": json_response("One page of accounts.", b.refs["AccountList"], {
            "beneficiary": ("The Métropole's accounts, Marc's disabled", acc.account_list)}), **problems},
    }


@operation("change_password", "post", roles=("manager", "contractor", "beneficiary", "purchasing_body", "operator"),
           right=None, schemas=("ChangePassword", "PasswordChanged"))
def change_password(b: Build) -> dict[str, Any]:
    acc = b.stories.accounts
    cid0, cid1, _ = CORRELATION_IDS
    minutes = REAUTHENTICATION_MAX_AGE // 60
    problems = post_errors("change_password", extra={
        "400": {"malformed_json": rejected(malformed(ChangePassword), cid0)},
        "422": {"weak_password": rejected(acc.weak_new_password, cid0),
                "uid_named": rejected(errors_of(ChangePassword, {"uid": "autre-utilisateur",
                                                                 "new_password": "Grand-Lyon-Besoins-2026"}), cid1)},
        "404": {"account_not_found": rejected([ErrorDetail.of("header.Authorization", "ACCOUNT_NOT_FOUND")], cid1)},
    }, descriptions={"400": IDEM_400, "409": IDEM_409, "404": "The token's account no longer exists.",
                     "422": "The new password is weak (WEAK_PASSWORD), or the body names anything else than "
                            "new_password (an account, say: UNKNOWN_FIELD)."})
    # A secret body leaves no digest in its idempotency record: a reused key replays, never IDEMPOTENCY_KEY_REUSED.
    problems["422"]["content"]["application/problem+json"]["examples"].pop("idempotency_key_reused")
    problems["401"]["description"] = (f"No bearer token, or an invalid, expired or revoked one (UNAUTHENTICATED); or a "
                                      f"sign-in older than {minutes} minutes (REAUTHENTICATION_REQUIRED): sign in "
                                      f"again with the current password, then call again.")
    problems["401"]["content"]["application/problem+json"]["examples"]["reauthentication_required"] = {
        "value": problem(401, [ErrorDetail.of("header.Authorization", "REAUTHENTICATION_REQUIRED", minutes=minutes)],
                         cid1, instance="/change_password")}
    return {
        "summary": "Choose your own password (any person)",
        "description": (
            "B5 accounts, B15 protection of identities: the caller replaces its own password — the account of its "
            "token, never another (the body names none). The only operation a token carrying "
            "`password_change_required` (a password the operator set with manage_account) may call. Requires a "
            f"sign-in of the last {minutes} minutes (the token's `auth_time`): sign in again with the current "
            "password just before. The new password must be strong (12 characters or more, three kinds among "
            "lower case, upper case, digits, symbols). Then the temporary mark is dropped and every session of "
            "the account ends (its refresh tokens are revoked, earlier ID tokens refused): sign in again with the "
            "new password. The change is recorded in `accounts/<uid>` (audited as account.updated). Idempotent: "
            "a retry with the same Idempotency-Key replays the first answer and changes nothing; the record "
            "keeps no trace of the password, so a retry is not compared with the first body. Machine identities "
            "have no password (403)."),
        "tags": ["manager", "contractor", "beneficiary", "purchasing_body", "operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ChangePassword"], {"own_password": ("Marc chooses its own password",
                                                                           acc.change_body)}),
        "responses": {
            "200": json_response("Password changed; every earlier session has ended.", b.refs["PasswordChanged"],
                                  {"changed": ("Changed at first sign-in", acc.password_changed)}, REPLAYED),
            **problems,
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
