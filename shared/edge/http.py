"""The HTTPS edge every function shares: limits, auth, idempotency, problem+json (RFC 9457).

A handler only parses its body, calls its service and says what to answer; everything a
client can get wrong is answered here with a structured 4xx — never a 500.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from shared import bootstrap, context, logs
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.identity import REAUTHENTICATION_MAX_AGE, RIGHT_LABELS, signed_in_recently
from shared.domain.validation import query_errors
from shared.edge import tenancy
from shared.edge.auth import Principal, Unauthenticated
from shared.ports import digest
from shared.service import idempotency

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # documented in docs/api.md
CORS_ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Correlation-Id"  # docs/web-app.md
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")
_STATUS_BY_CODE = {
    "MALFORMED_JSON": 400,
    "MALFORMED_MULTIPART": 400,
    "ORDER_NOT_FOUND": 404,
    "ORDER_ALREADY_EXISTS": 409,
    "BENEFICIARY_NOT_FOUND": 404,
    "NEED_NOT_FOUND": 404,
    "MISSION_NOT_FOUND": 404,
    "NEED_ALREADY_EXISTS": 409,
    "MISSION_ALREADY_EXISTS": 409,
    "DELIVERABLE_DOCUMENT_NOT_FOUND": 404,
    "DELIVERABLE_DOCUMENT_SUPERSEDED": 409,
    "DELIVERABLE_ALREADY_DECIDED": 409,
    "QUOTE_VERSION_CHANGED": 409,
    "UPLOAD_NOT_FOUND": 404,
    "UPLOAD_CHANGED": 409,
    "INCIDENT_NOT_FOUND": 404,
    "REPORT_NOT_FOUND": 404,
    "PARTY_NOT_FOUND": 404,
    "CONFORMANCE_RUN_NOT_FOUND": 404,
    "MESSAGE_NOT_FOUND": 404,
    "TENANT_ID_TAKEN": 409,
    "ACCOUNT_EMAIL_TAKEN": 409,
    "ACCOUNT_NOT_FOUND": 404,
}
_TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Message trop volumineux",
    415: "Type de contenu non pris en charge",
    422: "Message rejeté",
    500: "Erreur interne",
}


@dataclass(frozen=True)
class Request:
    """What a handler sees: the authenticated caller, the raw body and the query."""

    principal: Principal
    body: bytes
    args: dict[str, str]
    idempotency_key: str | None
    correlation_id: str
    method: str = "POST"
    content_type: str = ""  # the full Content-Type header (multipart bodies need its boundary)
    from_web_app: bool = False  # sent by a browser from the web app's origin (its Origin header an allowed one)


@dataclass
class Answer:
    """What a handler answers: a JSON body, or a file (``file``: a CSV statement or report) sent as is
    with its media type and download name; the JSON body then only serves the idempotency record.
    ``stream``: a body sent as it is produced (watch_orders' ``text/event-stream``), never buffered; the
    server closes the generator when the client goes away."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    file: bytes | None = None
    media_type: str = "application/json"
    filename: str | None = None
    stream: Iterable[bytes] | None = None


class HttpProblem(Exception):
    def __init__(self, status: int, errors: list[ErrorDetail], detail: str | None = None,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        self.status, self.errors, self.detail, self.extra = status, errors, detail, extra or {}
        self.headers = headers or {}
        super().__init__(detail or str(status))


def rejected(errors: list[ErrorDetail] | tuple[ErrorDetail, ...], extra: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> HttpProblem:
    """The problem for domain or validation errors, with the most telling status."""
    statuses = {_STATUS_BY_CODE.get(e.code, 422) for e in errors}
    status = 400 if 400 in statuses else 404 if statuses == {404} else 409 if 409 in statuses else 422
    return HttpProblem(status, list(errors), extra=extra, headers=headers)


def serve(request, *, operation: str, roles: frozenset[str], action: Callable[[Request], Answer],
          right: str | dict[str, str] | None = None, methods: tuple[str, ...] = ("POST",),
          idempotent: bool | Literal["service"] = True, media_types: tuple[str, ...] = (),
          max_body: int = MAX_BODY_BYTES, own_password: bool = False, typed: tuple[str, ...] = ()):
    """Run ``action`` behind the shared checks and return a Flask response.

    ``typed``: query parameters people type (a search by reference read on paper): the spaces around them are
    trimmed before the identifier rule, and the action reads them trimmed.

    ``idempotent=True``: POSTs need an Idempotency-Key, and the first answer is stored and replayed
    (``idempotency/<key>``). ``"service"``: the key is required and checked here, but the service
    records the request once itself (the execution inbox, keyed by it), so no second record is kept.

    A token marked ``password_change_required`` (a password the operator set, B15) is refused by every
    operation (403 ``PASSWORD_CHANGE_REQUIRED``) but the one that serves with ``own_password=True``
    (change_password). Such an operation also serves people only (a machine identity has no password:
    403 ``FORBIDDEN``), needs a sign-in of the last five minutes (401 ``REAUTHENTICATION_REQUIRED``),
    and its body is a secret: its idempotency record is scoped to the caller's uid and keeps no digest
    of the body, only the answer.
    """
    import flask

    logs.configure()
    cors = cors_headers(request.headers.get("Origin"))
    if request.method == "OPTIONS":  # a browser's CORS preflight: answered before auth, never an error
        preflight = flask.Response(status=204)
        preflight.headers.update({**cors, **(_preflight_headers(methods) if "Access-Control-Allow-Origin" in cors
                                             else {})})
        return preflight
    cid = logs.new_correlation_id(request.headers.get("X-Correlation-Id") or _trace_id(request))
    try:
        if request.method not in methods:
            raise HttpProblem(405, [ErrorDetail.of("$", "METHOD_NOT_ALLOWED", allowed=", ".join(methods))])
        principal = _authenticate(request, roles, right, own_password)
        context.act_as(principal.uid, principal.role, principal.tenant)
        args = {name: value.strip() if name in typed else value for name, value in request.args.items()}
        bad_ids = query_errors(args)
        if bad_ids:  # every id of the query follows the identifier rule before a handler makes a path of it
            raise HttpProblem(400, bad_ids)
        body = _read_body(request, media_types, max_body) if request.method == "POST" else b""
        key = request.headers.get("Idempotency-Key")
        ctx = Request(principal, body, args, key, cid, request.method,
                      request.headers.get("Content-Type", ""), request.headers.get("Origin") in allowed_origins())
        if idempotent == "service" and request.method == "POST":
            _check_key(ctx)
            answer = _run(action, ctx)
        elif idempotent and request.method == "POST":
            answer = _idempotent(ctx, operation, action, secret_body=own_password)
        else:
            answer = _run(action, ctx)
    except HttpProblem as problem:
        answer = _problem_answer(problem, cid, request.path)
    except Exception:  # an infrastructure failure: the client may retry with the same key
        log.exception("request failed", extra={"operation": operation})
        answer = Answer(500, {"type": "about:blank", "title": _TITLES[500], "status": 500,
                              "detail": "Erreur interne : réessayez avec la même clé d'idempotence.",
                              "errors": [], "correlation_id": cid})
    if answer.stream is not None and answer.status < 400:
        response = flask.Response(answer.stream, status=answer.status, mimetype=answer.media_type)
        response.headers["Cache-Control"] = "no-cache, no-transform"
        response.headers["X-Accel-Buffering"] = "no"  # proxies pass each event on at once
    elif answer.file is not None and answer.status < 400:
        response = flask.Response(answer.file, status=answer.status)
        response.headers["Content-Type"] = answer.media_type
        if answer.filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{answer.filename}"'
    else:
        response = flask.Response(json.dumps(answer.body, ensure_ascii=False), status=answer.status,
                                  mimetype="application/problem+json" if answer.status >= 400 else "application/json")
    for name, value in {**answer.headers, **cors}.items():
        response.headers[name] = value
    response.headers["X-Correlation-Id"] = cid
    return response


def allowed_origins() -> frozenset[str]:
    """Browser origins allowed to call the functions (the web app's): ALLOWED_ORIGINS, comma-separated,
    exact ``scheme://host[:port]`` values; set by devtools/stack.py locally and by Terraform."""
    return frozenset(o.strip().rstrip("/") for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o.strip())


def cors_headers(origin: str | None) -> dict[str, str]:
    """CORS headers of an answer: the origin is echoed only when it is allowed. Bearer tokens, no
    cookies: credentials are never allowed."""
    if not origin or origin not in allowed_origins():
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": "X-Correlation-Id, Idempotent-Replayed, Location, WWW-Authenticate"}


def _preflight_headers(methods: tuple[str, ...]) -> dict[str, str]:
    return {"Access-Control-Allow-Methods": ", ".join((*methods, "OPTIONS")),
            "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS, "Access-Control-Max-Age": "600"}


def _run(action: Callable[[Request], Answer], ctx: Request) -> Answer:
    try:
        return action(ctx)
    except DomainError as exc:
        raise rejected(exc.errors) from exc


def _check_key(ctx: Request) -> None:
    if not ctx.idempotency_key:
        raise HttpProblem(400, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_MISSING")])
    if not _IDEMPOTENCY_KEY.match(ctx.idempotency_key):
        raise HttpProblem(400, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_INVALID")])


def _idempotent(ctx: Request, operation: str, action: Callable[[Request], Answer], *,
                secret_body: bool = False) -> Answer:
    """The request's idempotency record (shared/service/idempotency.py), taken under a lease: this
    edge does not see the service's commit. Scoped by operation, role and tenant, so that two
    tenants' keys never meet. A secret body (a new password) is scoped to the caller's uid too and
    leaves no digest of itself: a retry with the same key replays the first answer, whatever it sends."""
    _check_key(ctx)
    uow, now = bootstrap.uow(), bootstrap.clock().now()
    scope = (operation, ctx.principal.role, ctx.principal.tenant) + ((ctx.principal.uid,) if secret_body else ())
    path = idempotency.http_path(digest(*scope, ctx.idempotency_key)[:40])
    body = digest(*scope) if secret_body else digest(ctx.body)
    seen = idempotency.claim(uow, path, body, now, retention=idempotency.HTTP_RETENTION)
    if seen.kind == "mismatch":
        raise HttpProblem(422, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")])
    if seen.kind == "in_progress":
        raise HttpProblem(409, [ErrorDetail.of("header.Idempotency-Key", "REQUEST_IN_PROGRESS")])
    if seen.kind == "replay":
        stored = seen.answer
        return Answer(stored["status"], stored["body"], {**stored.get("headers", {}), "Idempotent-Replayed": "true"})
    try:
        try:
            answer = _run(action, ctx)
        except HttpProblem as problem:
            answer = _problem_answer(problem, ctx.correlation_id, None)
    except BaseException:
        idempotency.release(uow, path)  # let the client retry after an infrastructure failure
        raise
    idempotency.finish(uow, path, body, {"status": answer.status, "body": answer.body, "headers": answer.headers},
                       bootstrap.clock().now(), retention=idempotency.HTTP_RETENTION)
    return answer


def _authenticate(request, roles: frozenset[str], right: str | dict[str, str] | None = None,
                  own_password: bool = False) -> Principal:
    try:
        principal = bootstrap.authenticator().verify(request.headers.get("Authorization"))
    except Unauthenticated as exc:
        log.info("request refused: unauthenticated", extra={"reason": str(exc)})
        raise HttpProblem(401, [ErrorDetail.of("header.Authorization", exc.code)]) from exc
    if principal.password_change_required and not own_password:  # B15: a password the operator set
        log.info("request refused: password change required", extra={"uid": principal.uid})
        raise HttpProblem(403, [ErrorDetail.of("header.Authorization", "PASSWORD_CHANGE_REQUIRED")])
    if principal.role not in roles or (own_password and principal.machine):
        raise HttpProblem(403, [ErrorDetail.of("header.Authorization", "FORBIDDEN")])
    if isinstance(right, dict):  # an endpoint shared by several roles: one right per role
        right = right.get(principal.role)
    if right is not None and right not in principal.rights:
        raise HttpProblem(403, [ErrorDetail.of("header.Authorization", "MISSING_RIGHT",
                                               right=RIGHT_LABELS.get(right, right))])
    errors = tenancy.principal_errors(principal.role, principal.tenant, bootstrap.reader)
    if errors:  # a role and tenant the registry does not pair (A1: one namespace of tenants, one kind each)
        log.info("request refused: tenant", extra={"role": principal.role, "tenant": principal.tenant})
        raise HttpProblem(403, errors)
    if own_password and not signed_in_recently(principal.auth_time, bootstrap.clock().now().timestamp()):
        raise HttpProblem(401, [ErrorDetail.of("header.Authorization", "REAUTHENTICATION_REQUIRED",
                                               minutes=REAUTHENTICATION_MAX_AGE // 60)])
    return principal


def _read_body(request, media_types: tuple[str, ...] = (), max_body: int = MAX_BODY_BYTES) -> bytes:
    """JSON by default; an operation may accept other types (e.g. JSON Lines) and a larger body."""
    mimetype = (request.mimetype or "").lower()
    if mimetype not in media_types and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise HttpProblem(415, [ErrorDetail.of("header.Content-Type", "UNSUPPORTED_MEDIA_TYPE")])
    if request.content_length is not None and request.content_length > max_body:
        raise HttpProblem(413, [ErrorDetail.of("$", "PAYLOAD_TOO_LARGE", limit=max_body)])
    body = request.stream.read(max_body + 1)
    if len(body) > max_body:
        raise HttpProblem(413, [ErrorDetail.of("$", "PAYLOAD_TOO_LARGE", limit=max_body)])
    return body


def _problem_answer(problem: HttpProblem, cid: str, instance: str | None) -> Answer:
    body: dict[str, Any] = {
        "type": f"https://passerelle.fr/problems/{problem.errors[0].code.lower().replace('_', '-')}"
        if problem.errors else "about:blank",
        "title": _TITLES.get(problem.status, "Erreur"),
        "status": problem.status,
        "detail": problem.detail or " ; ".join(e.message for e in problem.errors),
        "errors": [e.model_dump() for e in problem.errors],
        "correlation_id": cid,
    }
    if instance:
        body["instance"] = instance
    body.update(problem.extra)
    headers = {"WWW-Authenticate": 'Bearer realm="passerelle"'} if problem.status == 401 else {}
    return Answer(problem.status, body, {**headers, **problem.headers})


def _trace_id(request) -> str | None:
    trace = request.headers.get("traceparent") or request.headers.get("X-Cloud-Trace-Context")
    if not trace:
        return None
    parts = trace.split("-") if "-" in trace else trace.split("/")
    return parts[1] if trace.startswith("00-") and len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class OrderScope:
    manager_id: str
    order_id: str
    contractor_id: str | None  # set when a contractor reads: only orders addressed to it


def order_scope(req: Request) -> OrderScope:
    """Which order a GET names, in whose space. A manager — or a beneficiary, the manager of the
    orders its missions became (part B, B7) — reads its own space: the space comes from its
    token, never from the query. A contractor names the manager and reads only its own orders."""
    p = req.principal
    order_id = req.args.get("order_id", "")
    manager_id = p.tenant if p.role in ("manager", "beneficiary") else req.args.get("manager_id", "")
    missing = [ErrorDetail.of(f"query.{name}", "REQUIRED") for name, value
               in (("order_id", order_id), ("manager_id", manager_id)) if not value]
    if missing:
        raise HttpProblem(400, missing)
    return OrderScope(manager_id, order_id, p.tenant if p.role == "contractor" else None)


def sender(req: Request):
    """Who the caller's token says it is, as an order's first history entry keeps it (``order_moves.Sender``): its
    uid (a machine identity: its service account), whether it is a machine, a person's display name, and whether a
    person sent it through the web app (a browser on the web app's origin: else the API, as an ERP calls it)."""
    from shared.domain.order_moves import Sender

    p = req.principal
    return Sender(uid=p.uid, machine=p.machine, name=p.name, web=req.from_web_app and not p.machine)
