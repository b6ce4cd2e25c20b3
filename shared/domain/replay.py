"""Replay for connectors (A3 a channels, A4 nothing accepted is lost) — pure: the cursor, the wire
models of ``list_messages`` and ``redeliver_messages``.

A contractor's messages are read in the order they were committed: by ``stored_at`` (the commit
time of the command that wrote them), then ``created_at`` (their order inside one commit, the order
they were published in), then their id. A cursor is that triple of the last message read, opaque to
the client (base64url of JSON). Commit times only grow for what is visible: a message committed
after a page was read has a later ``stored_at`` than anything on it, so reading on from the page's
cursor misses nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from shared.domain.base import Command, Model
from shared.domain.errors import ErrorDetail

DEFAULT_PAGE = 100
MAX_PAGE = 500
MessageId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")]


@dataclass(frozen=True)
class Position:
    """Where a message sits in its contractor's sequence."""

    stored_at: dt.datetime
    created_at: dt.datetime
    message_id: str

    def token(self) -> str:
        raw = json.dumps([self.stored_at.isoformat(), self.created_at.isoformat(), self.message_id],
                         separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str) -> Position:
        """The position a cursor names; ValueError when it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            stored, created, message_id = json.loads(raw)
            position = cls(dt.datetime.fromisoformat(stored), dt.datetime.fromisoformat(created), str(message_id))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError("not a cursor") from exc
        if position.stored_at.tzinfo is None or position.created_at.tzinfo is None:
            raise ValueError("not a cursor")
        return position


class SentMessage(Model):
    """One message the platform sent the contractor, as it was published: the same CloudEvents id,
    type, source, subject and time, the same body (``data``) and ordering key."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="SentMessage")

    position: str = Field(description="The cursor just after this message: pass it as `after` to read on.")
    id: str = Field(description="ce-id: the id the message was published with (deduplicate on it).")
    type: str = Field(description="ce-type, e.g. fr.passerelle.order.issued.v1.")
    source: str = Field(description="ce-source.")
    subject: str | None = Field(default=None, description="ce-subject.")
    time: AwareDatetime = Field(description="ce-time: when the platform created the message.")
    stream: Annotated[str, Field(pattern=r"^(orders|replies)$")] = Field(
        description="Which of the contractor's topics: orders (orders-<contractor>) or replies (replies-<contractor>).")
    topic: str = Field(description="The topic it was first published on.")
    ordering_key: str | None = None
    data: dict[str, Any] = Field(description="The message body (the JSON published).")
    status: Annotated[str, Field(pattern=r"^(pending|sent)$")] = Field(
        description="sent: published at least once; pending: committed, the relay publishes it shortly.")
    stored_at: AwareDatetime = Field(description="Commit time of the command that wrote it (the replay order).")


class MessagePage(Model):
    """GET list_messages: a page of the contractor's messages, oldest first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MessagePage")

    contractor_id: str
    messages: list[SentMessage]
    count: int
    next_cursor: str | None = Field(description="Read on with `after=<next_cursor>` (the cursor given when the "
                                                "page is empty; null when there is nothing yet).")
    more: bool = Field(description="True when more messages follow this page.")
    retention_days: int = Field(description="How long a message stays readable (35 days).")


class RedeliverMessages(Command):
    """POST redeliver_messages: publish again, on the contractor's own topics, the messages after a
    cursor (``after``), since a time (``since``), or named (``ids``); ``limit`` at most 500 a call.
    Nothing given: from the oldest message still kept."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="RedeliverMessages")

    after: Annotated[str, Field(min_length=1, max_length=400)] | None = None
    since: AwareDatetime | None = None
    ids: Annotated[list[MessageId], Field(min_length=1, max_length=MAX_PAGE)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE

    @model_validator(mode="after")
    def _one_start(self) -> RedeliverMessages:
        if sum(x is not None for x in (self.after, self.since, self.ids)) > 1:
            raise ValueError("un seul point de départ : after, since ou ids")
        return self


class Redelivered(Model):
    """What redeliver_messages published again, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Redelivered")

    contractor_id: str
    redelivered: int = Field(description="How many were published again (in order; it stops at a failure).")
    ids: list[str] = Field(description="Their ce-ids, in the order published.")
    last_position: str | None = Field(description="The cursor after the last one published: `after` of the next call.")
    more: bool = Field(description="True when more messages follow (or one failed): call again from last_position.")


def feed_query(args: dict[str, str]) -> tuple[dict[str, Any], list[ErrorDetail]]:
    """``?after=<cursor>`` or ``?since=<date-time with offset>``, and ``&limit=`` (1–500, 100 by default);
    every bad parameter reported at once."""
    errors = [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(set(args) - {"after", "since",
                                                                                                 "limit"})]
    since = None
    if args.get("since"):
        try:
            since = dt.datetime.fromisoformat(args["since"].replace("Z", "+00:00"))
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            errors.append(ErrorDetail.of("query.since", "INVALID_FORMAT", detail="date-heure ISO 8601 avec fuseau, "
                                                                                 "ex. 2026-03-02T08:00:00Z"))
    if args.get("after") and args.get("since"):
        errors.append(ErrorDetail.of("query.since", "INVALID_VALUE", detail="after ou since, pas les deux"))
    limit = DEFAULT_PAGE
    if args.get("limit"):
        limit = int(args["limit"]) if args["limit"].isdigit() else 0
        if not 1 <= limit <= MAX_PAGE:
            errors.append(ErrorDetail.of("query.limit", "OUT_OF_RANGE", detail=f"de 1 à {MAX_PAGE}"))
    return {"after": args.get("after") or None, "since": since, "limit": limit}, errors
