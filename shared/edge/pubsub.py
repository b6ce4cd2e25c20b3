"""The edge of Pub/Sub push functions on the platform's own topics (needs-submitted,
exports-requested): the delivery is decoded into its model before anything else runs.

A payload that can never be processed (not base64, not JSON, not the model) is refused ONCE:
logged as an error with its reason, kept in ``parked_messages/{id}`` for ops (nothing is
silently dropped) and acknowledged, instead of being redelivered until it dead-letters. An
infrastructure failure while processing raises, so that Pub/Sub redelivers it (and parks it on
the topic's dead-letter topic after the subscription's attempts).

Contractors' messages arrive on their own topics with their own CloudEvents envelope and are
unwrapped by ``shared.edge.cloudevents`` instead.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from shared import bootstrap, logs
from shared.domain.errors import ErrorDetail
from shared.domain.validation import parse_json
from shared.service.transaction import transact

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

PARKED = "parked_messages"


def handle(event: Any, *, operation: str, model: type[M], action: Callable[[M], Any]) -> None:
    """Decode ``event``'s Pub/Sub message into ``model`` and run ``action`` on it."""
    logs.configure()
    event_id = str(event["id"])
    logs.new_correlation_id(event_id)
    message = (event.data or {}).get("message") or {}
    try:
        raw = base64.b64decode(message.get("data") or "", validate=True)
    except (binascii.Error, ValueError):
        raw = None
    if raw is None:
        errors = [ErrorDetail.of("$", "MALFORMED_JSON", detail="données Pub/Sub non encodées en base64")]
        command = None
    else:
        command, errors = parse_json(model, raw or b"null")
    if errors:
        park(operation, event, raw, errors)
        return
    action(command)


def park(operation: str, event: Any, raw: bytes | None, errors: list[ErrorDetail]) -> None:
    """Keep a delivery that can never be processed, with why, and acknowledge it."""
    event_id = str(event["id"])
    log.error("message refused and parked", extra={"operation": operation, "event_id": event_id,
                                                   "errors": [e.model_dump() for e in errors]})
    uow = bootstrap.uow()

    def attempt() -> None:
        path = f"{PARKED}/{event_id}"
        if uow.get(path) is None:
            uow.create(path, {"operation": operation, "source": str(event.get("source") or ""),
                              "errors": [e.model_dump() for e in errors], "parked_at": dt.datetime.now(dt.UTC),
                              "data": (raw or b"")[:64 * 1024].decode("utf-8", errors="replace")})

    transact(uow, attempt)
