"""score_candidates — Pub/Sub push (needs-submitted-push): rank the pool for a need version.

Writes the ranked result (per version) with each criterion's score, the hard filters passed
or failed and a French explanation. Idempotent: a redelivered event finds the result written.
A malformed event is logged and acknowledged (it comes from our own outbox: retrying it
cannot help); infrastructure errors raise, so Pub/Sub redelivers.
"""

from __future__ import annotations

import base64
import logging

import functions_framework

from shared import bootstrap, logs
from shared.domain.sourcing.messages import NeedSubmitted
from shared.domain.validation import parse_json
from shared.service.sourcing import needs

log = logging.getLogger(__name__)


@functions_framework.cloud_event
def score_candidates(event) -> None:
    logs.configure()
    logs.new_correlation_id(str(event["id"]))
    message = (event.data or {}).get("message") or {}
    try:
        raw = base64.b64decode(message.get("data") or "", validate=True)
    except ValueError:
        raw = b""
    command, errors = parse_json(NeedSubmitted, raw or b"null")
    if errors:
        log.error("need-submitted event rejected", extra={"errors": [e.model_dump() for e in errors]})
        return
    needs.score_need(command, bootstrap.uow(), bootstrap.blobs(), bootstrap.clock())
