"""The contractor's message log read by a person (A3 channels, A4 errors back to the sender, A10 onboarding) —
pure: the query of ``list_message_log``, its cursor, and the rows it answers.

Every message a contractor sends the platform (an execution report, a quote, a document, an invoice; over
Pub/Sub or REST, the web application included) is answered once, and the answer is kept in the contractor's
message log, ``contractors/<c>/messages/<key>`` (shared/service/idempotency.py). An ERP reads its replies on
its topic or in its HTTP answer; a person reads them here: what was refused, why (field, code, French
message), and whether the order got an accepted message after it (the correction).

Not to be mixed up with the replay (``list_messages``, shared/domain/replay.py): that is what the platform
*sent* the contractor (its outbox); this is what the contractor *sent* the platform, with each answer.

Rows come newest first by ``received_at`` — stored as the ISO 8601 text of a UTC instant, whose text order is
the time order —, then by key; a cursor is that pair of the last row given, opaque (base64url of JSON).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model
from shared.domain.orders import STATE_LABELS, TERMINAL_STATES, OrderState
from shared.domain.errors import ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.validation import identifier_errors

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
STATUSES = ("accepted", "rejected")
QUERY_FIELDS = frozenset({"contractor_id", "status", "manager_id", "order_id", "since", "limit", "cursor"})

# What a person reads of a message's type, channel and status (French; the API keeps the value).
TYPE_LABELS = {
    EventType.EXECUTION_REPORTED.value: "Compte rendu d'exécution",
    EventType.QUOTE_SUBMITTED.value: "Devis",
    EventType.QUOTE_RAISED.value: "Devis à l'initiative du prestataire",
    EventType.DOCUMENT_UPLOADED.value: "Dépôt de document",
    EventType.INVOICE_SUBMITTED.value: "Facture ou avoir",
}
UNKNOWN_TYPE_LABEL = "Message de type inconnu"
CHANNEL_LABELS = {"pubsub": "Pub/Sub", "rest": "API REST"}
STATUS_LABELS = {"accepted": "accepté", "rejected": "refusé"}


def type_label(event_type: str | None) -> str:
    return TYPE_LABELS.get(event_type or "", UNKNOWN_TYPE_LABEL)


def stored_instant(at: dt.datetime) -> str:
    """``received_at`` as the log stores it: the ISO 8601 text of the UTC instant."""
    return at.astimezone(dt.UTC).isoformat()


@dataclass(frozen=True)
class LogCursor:
    """Where the previous page stopped: the last row's ``received_at`` (as stored) and its key."""

    received_at: str
    key: str

    def encode(self) -> str:
        raw = json.dumps([self.received_at, self.key], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, token: str) -> LogCursor | None:
        try:
            received_at, key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            at = dt.datetime.fromisoformat(received_at)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            return None
        if at.tzinfo is None or not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{1,64}", key):
            return None
        return cls(received_at, key)


@dataclass(frozen=True)
class LogQuery:
    """A validated query, already scoped: ``contractor_id`` is the caller's own (a contractor) or the one the
    operator named."""

    contractor_id: str
    status: str | None = None
    manager_id: str | None = None
    order_id: str | None = None
    since: dt.datetime | None = None
    limit: int = DEFAULT_LIMIT
    cursor: LogCursor | None = None


def parse_query(role: str, tenant: str, args: dict[str, str]
                ) -> tuple[LogQuery | None, list[ErrorDetail], str | None]:
    """(query, errors, forbidden field). A contractor reads its own log: naming another contractor is
    forbidden (``query.contractor_id``); the operator names the contractor (required). ``order_id`` needs
    ``manager_id`` (an order id is unique in its manager's space only)."""
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(args) - QUERY_FIELDS)]
    named = args.get("contractor_id") or None
    if named is not None:
        errors += identifier_errors(named, "query.contractor_id")
    if role == "operator":
        if named is None:
            errors.append(ErrorDetail.of("query.contractor_id", "REQUIRED"))
        contractor_id = named
    else:
        if named is not None and named != tenant:
            return None, [], "query.contractor_id"
        contractor_id = tenant
    status = args.get("status") or None
    if status is not None and status not in STATUSES:
        errors.append(ErrorDetail.of("query.status", "INVALID_VALUE", detail="accepted ou rejected attendu"))
    manager_id, order_id = args.get("manager_id") or None, args.get("order_id") or None
    for name, value in (("manager_id", manager_id), ("order_id", order_id)):
        if value is not None:
            errors += identifier_errors(value, f"query.{name}")
    if order_id is not None and manager_id is None:
        errors.append(ErrorDetail.of("query.manager_id", "REQUIRED"))
    since = None
    if args.get("since"):
        try:
            since = dt.datetime.fromisoformat(args["since"].replace("Z", "+00:00"))
            since = since.astimezone(dt.UTC) if since.tzinfo is not None else since  # year 1 or 9999 may not fit
        except (ValueError, OverflowError):
            since = None
        if since is None or since.tzinfo is None:
            errors.append(ErrorDetail.of("query.since", "INVALID_FORMAT",
                                         detail="date-heure ISO 8601 avec fuseau, ex. 2026-03-02T08:00:00Z"))
            since = None
    limit = DEFAULT_LIMIT
    if args.get("limit"):
        limit = int(args["limit"]) if args["limit"].isdigit() else 0
        if not 1 <= limit <= MAX_LIMIT:
            errors.append(ErrorDetail.of("query.limit", "OUT_OF_RANGE", detail=f"de 1 à {MAX_LIMIT}"))
    cursor = None
    if args.get("cursor"):
        cursor = LogCursor.decode(args["cursor"])
        if cursor is None:
            errors.append(ErrorDetail.of("query.cursor", "INVALID_CURSOR"))
    if errors or contractor_id is None:
        return None, errors, None
    return LogQuery(contractor_id, status, manager_id, order_id, since, limit, cursor), [], None


class LoggedMessage(Model):
    """One message the contractor sent, as a person reads it: when it was received, on which channel, its
    type, the order (or quote) it is about, the answer (accepted, or refused with every error), and — for a
    refused one about an order — when a later message about that order was accepted (the correction)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="LoggedMessage")

    key: str = Field(description="The message's key in the log (a digest of the contractor, ce-source and ce-id).")
    received_at: AwareDatetime = Field(description="When the platform received it (Pub/Sub publish time, or the "
                                                   "HTTP request's time).")
    channel: Literal["pubsub", "rest"]
    channel_label: str = Field(description="The channel, in French.")
    type: str | None = Field(description="The CloudEvents type (null when the message named none).")
    type_label: str = Field(description="The type, in French.")
    source: str = Field(description="The message's ce-source (the REST channel's own for a REST request).")
    id: str = Field(description="The message's ce-id (the Idempotency-Key of a REST request).")
    manager_id: str | None = Field(default=None, description="The client the message named (as it named it).")
    client_name: str | None = Field(default=None, description="That client's name, when the contractor works for it.")
    order_id: str | None = None
    quote_id: str | None = None
    invoice_number: str | None = None
    sequence: int | None = None
    status: Literal["accepted", "rejected"]
    status_label: str = Field(description="accepté or refusé.")
    errors: list[ErrorDetail] = Field(default_factory=list, description="Every error of a refused message: the "
                                                                       "field it names, a stable code, why in French.")
    late: bool | None = Field(default=None, description="A5: sent more than 15 minutes after the event (accepted "
                                                        "execution reports).")
    corrected_at: AwareDatetime | None = Field(
        default=None, description="A refused message about an order: when the last message accepted about the same "
                                  "order was received, if after this one — the order got its correction (null: "
                                  "none since). Not said for a message that named no order.")
    order_ended: str | None = Field(
        default=None, description="A refused message about an order that has ended since — closed, cancelled or "
                                  "not feasible —: that state's French label (« annulé »); nothing is left to "
                                  "correct. Null otherwise.")


class MessageLog(Model):
    """GET list_message_log: one page of a contractor's message log, newest first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MessageLog")

    contractor_id: str
    messages: list[LoggedMessage]
    count: int
    next_cursor: str | None = Field(description="The next page's ?cursor=; null on the last page.")


def logged_message(key: str, record: dict[str, Any], client_name: str | None,
                   corrected_at: dt.datetime | None, order_ended: str | None = None) -> LoggedMessage | None:
    """The row of one completed log record, or None for a record that is no answered message (in progress)."""
    answer = record.get("answer")
    ref = record.get("ref") or {}
    if record.get("state", "completed") != "completed" or not isinstance(answer, dict) or not record.get("received_at"):
        return None
    status = record.get("status") or answer.get("status")
    event_type = ref.get("type")
    return LoggedMessage(
        key=key, received_at=dt.datetime.fromisoformat(record["received_at"]), channel=ref.get("channel", "rest"),
        channel_label=CHANNEL_LABELS.get(ref.get("channel", "rest"), ref.get("channel", "rest")), type=event_type,
        type_label=type_label(event_type), source=ref.get("source", ""), id=ref.get("id", ""),
        manager_id=record.get("manager_id"), client_name=client_name, order_id=record.get("order_id"),
        quote_id=answer.get("quote_id"), invoice_number=answer.get("invoice_number"),
        sequence=answer.get("sequence"), status=status, status_label=STATUS_LABELS[status],
        errors=[ErrorDetail.model_validate(e) for e in answer.get("errors") or []], late=record.get("late"),
        corrected_at=corrected_at if status == "rejected" else None,
        order_ended=order_ended if status == "rejected" else None)


def ended_label(order: dict[str, Any] | None) -> str | None:
    """The French label of a stored order's state when it is terminal (nothing to correct any more), else None."""
    state = (order or {}).get("state")
    if state not in {s.value for s in TERMINAL_STATES}:
        return None
    return STATE_LABELS[OrderState(state)]


def corrected(row_received_at: str, last_accepted_at: str | None) -> dt.datetime | None:
    """When the order's last accepted message was received, if after the refused row (None: none since)."""
    if last_accepted_at is None or last_accepted_at <= row_received_at:
        return None
    return dt.datetime.fromisoformat(last_accepted_at)
