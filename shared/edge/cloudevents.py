"""Unwraps a contractor's message delivered by Pub/Sub push as a CloudEvent.

Two envelopes nest here. The outer one is the Pub/Sub delivery, converted to a CloudEvent
by functions-framework (its ``source`` names the topic, hence the contractor). The inner
one is the contractor's own CloudEvent in binary mode: ``ce-*`` message attributes and a
JSON body. Envelope problems are reported like any other error, never dropped.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

from shared import topology
from shared.domain.errors import ErrorDetail
from shared.domain.event_types import CONTRACTOR_EVENT_TYPES
from shared.ports import InboundMessage

REQUIRED_ATTRIBUTES = ("ce-specversion", "ce-id", "ce-source", "ce-type")
VALIDATE_ONLY = "ce-validateonly"  # CloudEvents extension attribute (docs/connector-guide.en.md, section 12)
MAX_MESSAGE_BYTES = 256 * 1024


class UnknownChannel(Exception):
    """The delivery came from a topic that belongs to no contractor: a wiring fault, retried to the DLQ."""


def inbound_from_pubsub(event: Any, now: dt.datetime, correlation_id: str = "") -> InboundMessage:
    source = event["source"] or ""
    contractor_id = topology.contractor_from_topic(source)
    if contractor_id is None:
        raise UnknownChannel(source)
    message = (event.data or {}).get("message") or {}
    attributes: dict[str, str] = message.get("attributes") or {}
    errors: list[ErrorDetail] = []
    for name in REQUIRED_ATTRIBUTES:
        if not attributes.get(name):
            errors.append(ErrorDetail.of(f"attributes.{name}", "INVALID_ENVELOPE", detail=f"attribut {name} manquant"))
    if attributes.get("ce-specversion") and attributes["ce-specversion"] != "1.0":
        errors.append(ErrorDetail.of("attributes.ce-specversion", "INVALID_ENVELOPE", detail="seule la version 1.0 est acceptée"))
    ce_type = attributes.get("ce-type")
    if ce_type and ce_type not in CONTRACTOR_EVENT_TYPES:
        errors.append(ErrorDetail.of("attributes.ce-type", "UNKNOWN_EVENT_TYPE", value=ce_type))
    validate_only = _validate_only(attributes.get(VALIDATE_ONLY), errors)
    content_type = attributes.get("content-type") or attributes.get("ce-datacontenttype")
    if content_type and content_type.split(";")[0].strip().lower() != "application/json":
        errors.append(ErrorDetail.of("attributes.content-type", "UNSUPPORTED_MEDIA_TYPE"))
    try:
        data = base64.b64decode(message.get("data") or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
        errors.append(ErrorDetail.of("data", "INVALID_ENVELOPE", detail="données base64 illisibles"))
    if len(data) > MAX_MESSAGE_BYTES:
        errors.append(ErrorDetail.of("$", "PAYLOAD_TOO_LARGE", limit=MAX_MESSAGE_BYTES))
    message_id = str(message.get("messageId") or event["id"])
    return InboundMessage(
        contractor_id=contractor_id,
        channel="pubsub",
        source=attributes.get("ce-source") or f"pubsub:{source}",
        id=attributes.get("ce-id") or f"pubsub-message:{message_id}",
        type=ce_type,
        received_at=_publish_time(message.get("publishTime"), now),
        data=data,
        correlation_id=correlation_id,
        envelope_errors=tuple(errors),
        validate_only=validate_only,
    )


def _validate_only(value: str | None, errors: list[ErrorDetail]) -> bool:
    """The ``validateonly`` extension attribute: "true" checks the message and answers what its reply
    would be, changing nothing. Any other value than true/false is an envelope error — and, in doubt,
    nothing is changed either."""
    if value is None or value.strip().lower() == "false":
        return False
    if value.strip().lower() != "true":
        errors.append(ErrorDetail.of(f"attributes.{VALIDATE_ONLY}", "INVALID_ENVELOPE",
                                     detail="ce-validateonly vaut « true » ou « false »"))
    return True


def _publish_time(value: str | None, fallback: dt.datetime) -> dt.datetime:
    """Receipt is when Pub/Sub accepted the message, not when we got round to it (A5 fairness)."""
    if not value:
        return fallback
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)  # nanoseconds → microseconds
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
