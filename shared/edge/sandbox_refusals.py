"""A10 onboarding: a REST request about a conformance run's order refused outright (4xx) leaves nothing
in the message log, so the edge records it on the run, and the run's step shows ``failed`` with its
errors (``shared.service.conformance.rest_rejected``). Used by the document functions (store_report,
request_report_upload). The conformance service is loaded only for a refusal in the caller's own sandbox;
a live request's refusal costs the reading of its body's fields, nothing else."""

from __future__ import annotations

from typing import Any

from shared import bootstrap
from shared.domain import sandbox
from shared.domain.errors import DomainError
from shared.domain.event_types import EventType
from shared.domain.validation import json_fields
from shared.edge import http


def record_refusal(req: http.Request, refused: DomainError | http.HttpProblem, operation: str,
                   named: dict[str, Any] | None = None) -> None:
    """Record ``refused`` on the caller's conformance run when the request named an order of its sandbox.
    ``named``: the fields already read (multipart); otherwise the JSON body's are read now."""
    named = named or json_fields(req.body)
    if not sandbox.is_sandbox_of(named.get("manager_id"), req.principal.tenant):
        return
    from shared.service import (
        conformance,  # only a refusal in the contractor's own sandbox pays for it
    )

    conformance.rest_rejected(req.principal.tenant, named.get("manager_id"), named.get("order_id"),
                              req.idempotency_key, EventType.DOCUMENT_UPLOADED.value, list(refused.errors),
                              bootstrap.uow(), bootstrap.clock(), operation=operation)
