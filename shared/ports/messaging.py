"""Messages and timers that leave a command: CloudEvents on Pub/Sub, named Cloud Tasks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from shared import topology
from shared.domain.event_types import EventType
from shared.topology import ContractorTopology

if TYPE_CHECKING:
    from shared.domain.messages import MessageRef

# How long a message sent to a contractor stays readable for replay (list_messages,
# redeliver_messages): longer than Pub/Sub keeps an unacknowledged message (31 days at most), so a
# connector back from any outage Pub/Sub survives can still catch up. Firestore's TTL policy on
# ``expire_at`` (infra/terraform/firestore.tf) deletes the outbox document afterwards.
REPLAY_RETENTION = dt.timedelta(days=35)


@dataclass(frozen=True)
class OutboxMessage:
    """A CloudEvent waiting to be published; written in the same commit as the state it reports."""

    id: str
    topic: str
    event_type: EventType
    source: str
    data: dict[str, Any]
    created_at: dt.datetime
    ordering_key: str | None = None
    subject: str | None = None

    def attributes(self) -> dict[str, str]:
        """CloudEvents 1.0 binary-mode attributes for Pub/Sub."""
        attrs = {
            "ce-specversion": "1.0",
            "ce-type": self.event_type.value,
            "ce-source": self.source,
            "ce-id": self.id,
            "ce-time": self.created_at.isoformat().replace("+00:00", "Z"),
            "content-type": "application/json",
        }
        if self.subject:
            attrs["ce-subject"] = self.subject
        return attrs

    def body(self) -> bytes:
        """The JSON body, keys sorted: the same bytes whether published at once, by the relay or replayed
        (Firestore does not keep a map's key order)."""
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()

    def document(self) -> dict[str, Any]:
        """How it waits in ``outbox/{id}`` until published, and stays for replay: a message to a
        contractor names it (``recipient``) and the stream of its topic, and expires with the retention."""
        recipient = topology.recipient_of(self.topic)
        return {"topic": self.topic, "event_type": self.event_type.value, "source": self.source,
                "subject": self.subject, "data": self.data, "ordering_key": self.ordering_key,
                "created_at": self.created_at, "status": "pending",
                "recipient": recipient[0] if recipient else None, "stream": recipient[1] if recipient else None,
                "expire_at": self.created_at + REPLAY_RETENTION}

    @classmethod
    def from_document(cls, message_id: str, data: dict[str, Any]) -> OutboxMessage:
        return cls(id=message_id, topic=data["topic"], event_type=EventType(data["event_type"]),
                   source=data["source"], data=data["data"], created_at=data["created_at"],
                   ordering_key=data.get("ordering_key"), subject=data.get("subject"))


class Publisher(Protocol):
    def publish(self, topic: str, data: bytes, attributes: dict[str, str], ordering_key: str | None) -> str: ...


class Topology(Protocol):
    """A contractor's Pub/Sub resources (topics, subscriptions, their IAM policies), made to match a plan
    (shared/topology.py). Idempotent: applying the same plan again changes nothing; applying a plan
    whose ERP members changed (or are gone: a deactivated contractor) rewrites the policies."""

    def apply(self, plan: ContractorTopology) -> dict[str, Any]: ...


class TaskQueue(Protocol):
    """Timers (Cloud Tasks): a named HTTP POST of ``payload`` to ``url`` at ``schedule_time``.

    Names are deterministic: scheduling a name that exists (or existed) returns False and
    changes nothing. ``cancel`` returns False when there was nothing to cancel.
    """

    def schedule(self, name: str, url: str, payload: dict[str, Any], schedule_time: dt.datetime) -> bool: ...
    def cancel(self, name: str) -> bool: ...


@dataclass(frozen=True)
class Timers:
    """The task queue and the URL of accrue_penalties its tasks call."""

    queue: TaskQueue
    url: str


@dataclass(frozen=True)
class Timer:
    """A deadline timer to arm once the command's commit has succeeded (best effort: the hourly
    sweep of accrue_penalties catches up any that is lost)."""

    name: str
    fire_at: dt.datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class InboundMessage:
    """A contractor's message, whatever the channel it came through (Pub/Sub, REST)."""

    contractor_id: str  # from the channel (topic, token), never from the payload
    channel: str  # "pubsub" | "rest"
    source: str
    id: str
    type: str | None
    received_at: dt.datetime
    data: bytes
    correlation_id: str = ""
    envelope_errors: tuple = ()  # ErrorDetails found while unwrapping the envelope
    validate_only: bool = False  # check it and answer what the reply would be; change nothing

    @property
    def key(self) -> str:
        """Deduplication key: (contractor, CloudEvents source, id)."""
        h = hashlib.sha256()
        for part in (self.contractor_id, self.source, self.id):
            h.update(part.encode())
            h.update(b"\x1f")
        return h.hexdigest()[:40]

    @property
    def ref(self) -> MessageRef:
        # the wire models load with the services that answer a contractor's message, not with this port
        from shared.domain.messages import MessageRef

        return MessageRef(source=self.source, id=self.id, type=self.type, channel=self.channel)
