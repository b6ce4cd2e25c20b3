"""The edge of internal HTTP functions: what Cloud Scheduler and Cloud Tasks call, never a person.

Every internal function goes through ``serve_internal``, which does what each used to do on
its own: JSON logs with a correlation id (the task's name, the caller's id or the trace), the
method check, the caller check, the body parsed into its model, a JSON answer, and errors
mapped one way:

- a body that can never be processed (malformed, fails its model, a domain refusal) is
  refused ONCE with its structured errors and logged as an error: 422 for Cloud Scheduler and
  people testing by hand; 200 for a Cloud Tasks call, because Cloud Tasks retries any other
  status and a retry cannot mend the body;
- an infrastructure failure raises: 500, so that Scheduler or Tasks tries again.

The caller (production): Cloud Run's IAM already lets only the invoker service account in; the
function also verifies the Google-signed OIDC token it carries — audience
``PASSERELLE_INTERNAL_AUDIENCE`` (the function's URL, set by Terraform) and e-mail among
``PASSERELLE_INTERNAL_CALLERS`` — so that a mistake in IAM does not open it. On the emulators
(``FIREBASE_AUTH_EMULATOR_HOST`` set, not on Cloud Run) the check is skipped, under the same
guard as the Auth emulator.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from shared import logs
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.validation import parse_json

log = logging.getLogger(__name__)


class CallerRefused(Exception):
    pass


@dataclass(frozen=True)
class InternalRequest:
    body: Any  # the parsed model, or None when the function takes no body
    correlation_id: str
    from_cloud_tasks: bool


def serve_internal(request, *, operation: str,
                   action: Callable[[InternalRequest], dict[str, Any] | tuple[int, dict[str, Any]]],
                   body: type[BaseModel] | None = None, empty_body: bytes = b"{}"):
    """Run ``action`` behind the internal checks and return a Flask response. ``action`` answers a JSON
    body (200), or ``(status, body)`` for another success status (201 when it created something)."""
    import flask

    logs.configure()
    task = request.headers.get("X-CloudTasks-TaskName")
    cid = logs.new_correlation_id(task or request.headers.get("X-Correlation-Id") or _trace(request))
    from_tasks = task is not None

    def answer(status: int, payload: dict[str, Any]):
        payload = {**payload, "correlation_id": cid}
        return flask.Response(json.dumps(payload, ensure_ascii=False, default=str), status=status,
                              mimetype="application/json" if status < 400 else "application/problem+json")

    def refused(errors: list[ErrorDetail], why: str):
        log.error("internal request refused", extra={"operation": operation, "reason": why,
                                                     "errors": [e.model_dump() for e in errors]})
        return answer(200 if from_tasks else 422, {"status": "refused", "errors": [e.model_dump() for e in errors]})

    if request.method != "POST":
        return answer(405, {"errors": [ErrorDetail.of("$", "METHOD_NOT_ALLOWED", allowed="POST").model_dump()]})
    if (refusal := caller_refusal(request, operation, cid)) is not None:
        return refusal
    parsed = None
    if body is not None:
        parsed, errors = parse_json(body, request.get_data() or empty_body)
        if errors:
            return refused(errors, "body")
    try:
        result = action(InternalRequest(parsed, cid, from_tasks))
    except DomainError as exc:
        return refused(list(exc.errors), "domain")
    status, result = result if isinstance(result, tuple) else (200, result)
    return answer(status, result)


def caller_refusal(request, operation: str, correlation_id: str | None = None):
    """The 403 to return when the caller is not allowed to call an internal function, else None (the
    first check of ``serve_internal``)."""
    import flask

    try:
        verify_caller(request.headers.get("Authorization"))
    except CallerRefused as exc:
        log.warning("internal call refused: caller", extra={"operation": operation, "reason": str(exc)})
        body: dict[str, Any] = {"errors": [ErrorDetail.of("header.Authorization", "FORBIDDEN").model_dump()]}
        if correlation_id is not None:
            body["correlation_id"] = correlation_id
        return flask.Response(json.dumps(body, ensure_ascii=False), status=403, mimetype="application/problem+json")
    return None


def _trace(request) -> str | None:
    trace = request.headers.get("traceparent") or request.headers.get("X-Cloud-Trace-Context")
    if not trace:
        return None
    return trace.split("-")[1] if trace.startswith("00-") and trace.count("-") >= 2 else trace.split("/")[0]


def on_emulators() -> bool:
    """The same guard as the Auth emulator: its variable set, and not on Cloud Run."""
    return bool(os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")) and not os.environ.get("K_SERVICE")


def verify_caller(authorization: str | None) -> None:
    """The Google-signed OIDC token of an allowed service account, for this function's audience."""
    if on_emulators():
        return
    audience = os.environ.get("PASSERELLE_INTERNAL_AUDIENCE")
    callers = {c.strip() for c in os.environ.get("PASSERELLE_INTERNAL_CALLERS", "").split(",") if c.strip()}
    if not audience or not callers:
        raise CallerRefused("internal callers are not configured")  # fail closed
    if not authorization or not authorization.startswith("Bearer "):
        raise CallerRefused("missing bearer token")
    import google.auth.exceptions
    import google.auth.transport.requests
    from google.oauth2 import id_token

    certs = os.environ.get("PASSERELLE_GOOGLE_CERTS_URL", "https://www.googleapis.com/oauth2/v1/certs")
    try:
        claims = id_token.verify_token(authorization.removeprefix("Bearer ").strip(),
                                       google.auth.transport.requests.Request(), audience=audience,
                                       certs_url=certs, clock_skew_in_seconds=10)
    except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
        raise CallerRefused(str(exc)) from exc
    if claims.get("iss") not in ("accounts.google.com", "https://accounts.google.com"):
        raise CallerRefused(f"issuer {claims.get('iss')!r}")
    if not claims.get("email_verified") or claims.get("email") not in callers:
        raise CallerRefused(f"caller {claims.get('email')!r} not allowed")
