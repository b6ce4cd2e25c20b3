"""openapi.json: the public HTTPS functions, one operation per function and method, built by the area
modules (``registry.AREAS``) from the stories."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import load_functions, http_functions
from devtools.contracts.registry import NOT_YET_DESCRIBED, OPERATIONS, Build, load
from devtools.contracts.schemas import components_schemas
from devtools.contracts.stories import Stories
from devtools.contracts.stories_orders import MANAGER_ID, ORDER_ID, REPORTS
from shared.edge import http as edge_http

API_VERSION = "1.0.0"
# Kept in step with IDEMPOTENCY_RETENTION in shared/adapters/firestore.py (not imported: Google).
IDEMPOTENCY_RETENTION_HOURS = 24
# Always in components/schemas: every error answer refers to Problem (with ErrorDetail and Reply).
ALWAYS = ("Problem", "ErrorDetail", "Reply")


def openapi(stories: Stories) -> dict[str, Any]:
    load()
    functions = load_functions()
    names = list(dict.fromkeys([*ALWAYS, *(name for op in OPERATIONS for name in op.schemas)]))
    schemas, refs = components_schemas(names)
    build = Build(refs, stories)
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        port = functions[op.function]["port"]
        right = (None if op.right is None else op.right.value if hasattr(op.right, "value")
                 else {role: r.value for role, r in op.right.items()})
        operation = {**op.build(build), "x-function": op.function, "x-roles": list(op.roles), "x-right": right}
        item = paths.setdefault(f"/{op.function}", {
            "servers": [
                {"url": "https://{region}-{project}.cloudfunctions.net",
                 "description": "Production (Cloud Functions 2nd gen)", "variables": server_variables()},
                {"url": f"http://127.0.0.1:{port}", "description": f"Local: ./scripts/dev (emulators.json, port {port})"},
            ],
        })
        item[op.method] = {"operationId": op.operation_id or op.function, **operation}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelle — HTTPS API",
            "version": API_VERSION,
            "summary": "Orders and their execution between property managers and contractors (A2.3, A3b, A4, A12); "
                       "contracts, billing accounts, catalogues, property trees, quotes and PDF documents (A2, A7, "
                       "A14); penalties (A9), incidents (B9), accounts (B5), reversibility (A8) and the sourcing "
                       "space (part B).",
            "description": _openapi_description(functions),
        },
        "servers": [{"url": "https://{region}-{project}.cloudfunctions.net",
                     "description": "Production: every function at https://<region>-<project>.cloudfunctions.net/<name>",
                     "variables": server_variables()}],
        "security": [{"firebaseIdToken": []}],
        "tags": [{"name": "manager", "description": "Called by a property manager's ERP (role manager)."},
                 {"name": "contractor", "description": "Called by a contractor's ERP (role contractor)."},
                 {"name": "beneficiary", "description": "Called by a beneficiary, a public body using the sourcing "
                                                        "space (role beneficiary)."},
                 {"name": "operator", "description": "Called by the platform operator, the framework contract's "
                                                     "titulaire (role operator)."}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"firebaseIdToken": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": (
                    "Either a Firebase Authentication ID token (people, and ERPs signed in as Firebase users) whose "
                    "custom claims carry `role` (manager, contractor, …), `tenant` (the manager or contractor id) "
                    "and optionally `rights`; or a Google-signed ID token of an ERP's service account (audience: "
                    "the function's URL), registered by the operator with its role, tenant and rights. Each "
                    "operation names the roles (`x-roles`) and the right (`x-right`, null: none) it requires. The "
                    "tenant of every request comes from the token, never from the body. A Firebase token whose "
                    "claims carry `password_change_required` (a password the operator set) may call change_password "
                    "only: every other operation answers 403 PASSWORD_CHANGE_REQUIRED. See docs/security.md."),
            }},
            "parameters": {
                "Idempotency-Key": {
                    "name": "Idempotency-Key", "in": "header", "required": True,
                    "description": (
                        "Required on every POST. 8 to 128 characters among letters, digits and `._:-`. Same key and "
                        "same body: the first answer is replayed with `Idempotent-Replayed: true`. Same key, different "
                        "body: 422 IDEMPOTENCY_KEY_REUSED. First request still running: 409 REQUEST_IN_PROGRESS. "
                        f"Keys are kept {IDEMPOTENCY_RETENTION_HOURS} h, per operation and per caller (role, tenant). "
                        "For submit_execution the key is also the message id (deduplication, Reply.in_reply_to.id)."),
                    "schema": {"type": "string", "pattern": edge_http._IDEMPOTENCY_KEY.pattern,
                               "minLength": 8, "maxLength": 128},
                    "example": REPORTS[3][1],
                },
                "X-Correlation-Id": {
                    "name": "X-Correlation-Id", "in": "header", "required": False,
                    "description": "Optional: your own id for this request, echoed back and written in every log line "
                                   "(at most 128 printable characters; otherwise the platform makes one).",
                    "schema": {"type": "string", "maxLength": 128},
                },
                "order_id": {"name": "order_id", "in": "query", "required": True, "description": "The order to read.",
                             "schema": {"type": "string"}, "example": ORDER_ID},
                "manager_id": {"name": "manager_id", "in": "query", "required": False,
                               "description": "Contractors: required, the manager that issued the order. Managers: "
                                              "ignored (their own space is read).",
                               "schema": {"type": "string"}, "example": MANAGER_ID},
            },
            "headers": {
                "X-Correlation-Id": {"description": "The id written in every log line of this request.",
                                     "schema": {"type": "string"}},
                "Idempotent-Replayed": {"description": "`true` when this is the stored answer to an earlier request "
                                                       "with the same Idempotency-Key and body.",
                                        "schema": {"type": "string", "enum": ["true"]}},
                "Location": {"description": "Where the created resource lives: /orders/<order_id>, /needs/<need_id> or "
                                            "/missions/<mission_id>.",
                             "schema": {"type": "string"}, "example": f"/orders/{ORDER_ID}"},
                "WWW-Authenticate": {"description": "The expected authentication scheme.",
                                     "schema": {"type": "string"}, "example": 'Bearer realm="passerelle"'},
            },
        },
    }


def server_variables() -> dict[str, Any]:
    return {"region": {"default": "europe-west9", "description": "Google Cloud region (Paris: data hosted in France)."},
            "project": {"default": "your-project-id", "description": "Google Cloud project id."}}


def _openapi_description(functions: dict[str, dict[str, Any]]) -> str:
    local = ", ".join(f"`{n}` → http://127.0.0.1:{functions[n]['port']}/" for n in http_functions(functions))
    return (
        "Every operation is its own Cloud Function, hence its own base URL: the paths below are the function names.\n\n"
        "- **Production**: `https://<region>-<project>.cloudfunctions.net/<name>` (region `europe-west9`), or the "
        "function's Cloud Run URL (Terraform output `function_uris`), where it answers on any path.\n"
        f"- **Local** (`./scripts/dev`, ports from `emulators.json`): {local}. A function answers on any path of its "
        "own port, so `http://127.0.0.1:<port>/<name>` works too.\n\n"
        "**Authentication**: `Authorization: Bearer <token>`: a Firebase ID token with custom claims `role`, "
        "`tenant` (and optionally `rights`), or a Google-signed ID token of a registered service account. Each "
        "operation requires a role (`x-roles`) and a right (`x-right`; change_password, none). Until its user chooses "
        "its own password (change_password), an account whose password the operator set gets 403 "
        "PASSWORD_CHANGE_REQUIRED from every other operation.\n\n"
        "**POST bodies**: `Content-Type: application/json`, at most "
        f"{edge_http.MAX_BODY_BYTES} bytes, and an `Idempotency-Key` header.\n\n"
        "**Errors**: every 4xx/5xx is `application/problem+json` (RFC 9457) with an `errors` array "
        "`[{field, code, message}]`: `field` is a JSONPath (`$.lines[0].quantity`) or `header.<Name>` / "
        "`query.<name>`, `code` is stable (catalogue: `x-error-codes` in asyncapi.json), `message` is French.\n\n"
        "Prose: docs/api.md. Pub/Sub channel: asyncapi.json and docs/connector-guide.en.md."
        + ("\n\nNot described here yet: " + ", ".join(f"`{n}`" for n in sorted(NOT_YET_DESCRIBED)) + "."
           if NOT_YET_DESCRIBED else ""))


