"""An inbound contractor message, whatever the channel it came through."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.domain.messages import MessageRef
from shared.ports import digest


@dataclass(frozen=True)
class InboundMessage:
    contractor_id: str  # from the channel (topic, token), never from the payload
    channel: str  # "pubsub" | "rest"
    source: str
    id: str
    type: str | None
    received_at: dt.datetime
    data: bytes
    correlation_id: str = ""
    envelope_errors: tuple = ()  # ErrorDetails found while unwrapping the envelope

    @property
    def key(self) -> str:
        """Deduplication key: (contractor, CloudEvents source, id)."""
        return digest(self.contractor_id, self.source, self.id)[:40]

    @property
    def ref(self) -> MessageRef:
        return MessageRef(source=self.source, id=self.id, type=self.type, channel=self.channel)
