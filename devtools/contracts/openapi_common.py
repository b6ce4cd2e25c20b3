"""Building blocks of the OpenAPI operations: problem+json bodies exactly as the edge writes them,
the answers every operation shares (auth, method, body limits, idempotency), request bodies and
query parameters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from devtools.contracts.registry import INTERNAL_FUNCTIONS, x_right
from shared.domain.errors import ErrorDetail
from shared.domain.messages import Reply
from shared.domain.validation import parse_json
from shared.edge import http as edge_http

ROOT = Path(__file__).resolve().parents[2]
EMULATORS_FILE = ROOT / "emulators.json"
CORRELATION_IDS = ("6f0c2d9e8b7a4c1d9e3f5a7b2c4d6e8f", "b41e07c39d2a4f5e8c6b1a3d5f7e9c20", "2c9a7e5b3d1f4a6c8e0b2d4f6a8c0e1b")
IDEM_400 = "Body is not JSON, or the Idempotency-Key header is missing or invalid."
IDEM_409 = "A request with this Idempotency-Key is still running."
IDEM_422 = "the Idempotency-Key was used for a different body."


def as_json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def problem(status: int, errors: list[ErrorDetail], cid: str, *, instance: str | None = None,
             reply: Reply | None = None) -> dict[str, Any]:
    """A problem+json body exactly as shared/edge/http.py writes it."""
    extra = {"reply": as_json(reply)} if reply is not None else None
    return edge_http._problem_answer(edge_http.HttpProblem(status, errors, extra=extra), cid, instance).body


def rejected(errors: list[ErrorDetail], cid: str, reply: Reply | None = None) -> dict[str, Any]:
    """A problem for domain or validation errors, with the status the edge would choose."""
    extra = {"reply": as_json(reply)} if reply is not None else None
    problem = edge_http.rejected(errors, extra=extra)
    return edge_http._problem_answer(problem, cid, None).body


def internal_error(cid: str) -> dict[str, Any]:
    return {"type": "about:blank", "title": edge_http._TITLES[500], "status": 500,
            "detail": "Erreur interne : réessayez avec la même clé d'idempotence.", "errors": [], "correlation_id": cid}


def jsonl(*bodies: dict[str, Any]) -> str:
    return "".join(json.dumps(b, ensure_ascii=False, separators=(",", ":")) + "\n" for b in bodies)


def load_functions() -> dict[str, dict[str, Any]]:
    return json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))["functions"]


def http_functions(functions: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """The HTTPS functions clients call: trigger http and a role, minus the internal ones."""
    functions = functions if functions is not None else load_functions()
    return sorted(n for n, spec in functions.items()
                  if spec.get("trigger") == "http" and spec.get("role") and n not in INTERNAL_FUNCTIONS)


def problem_response(description: str, examples: dict[str, dict[str, Any]], *,
                      headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Correlation-Id": {"$ref": "#/components/headers/X-Correlation-Id"}, **(headers or {})},
        "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "examples": {name: {"summary": problem_summary(body), "value": body} for name, body in examples.items()},
        }},
    }


def problem_summary(problem: dict[str, Any]) -> str:
    codes = ", ".join(e["code"] for e in problem["errors"]) or "no error code"
    return f"{problem['status']} {problem['title']} ({codes})"


def json_response(description: str, ref: str, examples: dict[str, tuple[str, Any]],
                   headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Correlation-Id": {"$ref": "#/components/headers/X-Correlation-Id"}, **(headers or {})},
        "content": {"application/json": {
            "schema": {"$ref": ref},
            "examples": {name: {"summary": summary, "value": value} for name, (summary, value) in examples.items()},
        }},
    }


REPLAYED = {"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}


def common_problems(operation: str, *, post: bool, allowed: str | None = None,
                     max_body: int = edge_http.MAX_BODY_BYTES, media: str = "application/json nor a +json type"
                     ) -> dict[str, dict[str, Any]]:
    """The answers the shared edge gives before (or around) any operation."""
    path = f"/{operation}"
    allowed = allowed or ("POST" if post else "GET")
    cid = CORRELATION_IDS[2]
    rights = x_right(operation)
    forbidden = {"forbidden": problem(403, [ErrorDetail.of("header.Authorization", "FORBIDDEN")], cid, instance=path)}
    if rights is None:  # change_password: every person, whatever its rights; people only
        forbidden_text = "The caller's role may not call this operation, or it is a machine identity (FORBIDDEN)."
    else:
        right = rights if isinstance(rights, str) else next(iter(rights.values()))
        right_text = (f"`{rights}`" if isinstance(rights, str)
                      else " / ".join(f"`{r}` ({role})" for role, r in rights.items()))
        forbidden_text = (f"The caller's role may not call this operation (FORBIDDEN), or the account lacks the right "
                          f"{right_text} (MISSING_RIGHT), or its password is one the operator set and must be changed "
                          f"first (PASSWORD_CHANGE_REQUIRED, change_password).")
        forbidden["missing_right"] = problem(403, [ErrorDetail.of("header.Authorization", "MISSING_RIGHT", right=right)],
                                             cid, instance=path)
        forbidden["password_change_required"] = problem(
            403, [ErrorDetail.of("header.Authorization", "PASSWORD_CHANGE_REQUIRED")], cid, instance=path)
    responses = {
        "401": problem_response(
            "No bearer token, or an invalid, expired or unregistered one.",
            {"unauthenticated": problem(401, [ErrorDetail.of("header.Authorization", "UNAUTHENTICATED")], cid,
                                         instance=path)},
            headers={"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}),
        "403": problem_response(forbidden_text, forbidden),
        "405": problem_response(
            f"Any method other than {allowed}.",
            {"method_not_allowed": problem(405, [ErrorDetail.of("$", "METHOD_NOT_ALLOWED", allowed=allowed)], cid,
                                            instance=path)}),
        "500": problem_response(
            "An infrastructure failure: retry" + (" with the same Idempotency-Key." if post else "."),
            {"internal_error": internal_error(cid)}),
    }
    if post:
        responses["413"] = problem_response(
            f"The body is over {max_body} bytes.",
            {"payload_too_large": problem(413, [ErrorDetail.of("$", "PAYLOAD_TOO_LARGE",
                                                                limit=max_body)], cid, instance=path)})
        responses["415"] = problem_response(
            f"The Content-Type is neither {media}.",
            {"unsupported_media_type": problem(415, [ErrorDetail.of("header.Content-Type", "UNSUPPORTED_MEDIA_TYPE")],
                                                cid, instance=path)})
    return responses


def idempotency_problems(operation: str) -> dict[str, dict[str, dict[str, Any]]]:
    path, cid = f"/{operation}", CORRELATION_IDS[2]
    return {
        "400": {
            "idempotency_key_missing": problem(400, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_MISSING")],
                                                cid, instance=path),
            "idempotency_key_invalid": problem(400, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_INVALID")],
                                                cid, instance=path),
        },
        "409": {"request_in_progress": problem(409, [ErrorDetail.of("header.Idempotency-Key", "REQUEST_IN_PROGRESS")],
                                                cid, instance=path)},
        "422": {"idempotency_key_reused": problem(422, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")],
                                                   cid, instance=path)},
    }


def malformed(model: type[BaseModel]) -> list[ErrorDetail]:
    _, errors = parse_json(model, b'{"order_id": "BC-2026-0101", ')
    return errors


def errors_of(model: type[BaseModel], body: dict[str, Any], wrap: str | None = None) -> list[ErrorDetail]:
    """The errors the real parser finds in a body (wrapped as the handler wraps it, when it does)."""
    _, errors = parse_json(model, json.dumps({wrap: body} if wrap else body))
    assert errors, f"{model.__name__}: the example was meant to be refused"
    return errors


def post_body(ref: str, examples: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {
        "schema": {"$ref": ref},
        "examples": {name: {"summary": summary, "value": value} for name, (summary, value) in examples.items()}}}}


POST_PARAMS = [{"$ref": "#/components/parameters/Idempotency-Key"}, {"$ref": "#/components/parameters/X-Correlation-Id"}]


def query(name: str, description: str, example: str, *, required: bool = False,
           enum: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema,
            "example": example}


def post_errors(name: str, *, extra: dict[str, dict[str, dict[str, Any]]], descriptions: dict[str, str],
                **common: Any) -> dict[str, Any]:
    """The error answers of a POST: the edge's, the idempotency ones, and the operation's own (``extra``)."""
    idem = idempotency_problems(name)
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for status in sorted(set(idem) | set(extra)):
        merged[status] = {**extra.get(status, {}), **idem.get(status, {})}
    out = common_problems(name, post=True, **common)
    for status, bodies in merged.items():
        headers = REPLAYED if any("instance" not in b for b in bodies.values()) else None
        out[status] = problem_response(descriptions[status], bodies, headers=headers)
    return out
