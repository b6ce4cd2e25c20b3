"""The push channel of the real-time view (A11 real-time view): whose orders a stream carries,
what each event says, how long a stream lives, and the Server-Sent Events text.

Scope: a manager (or a beneficiary, the manager of the orders its missions became) follows its own
space; a contractor follows the orders addressed to it in every manager's space. Nobody else.
An event carries no more than a list row shows about the order that changed, only enough to
re-read it: its manager, id, state (with its French label) and the platform time of the change.

Lifetime: a stream ends at ``lifetime`` seconds, and never after the caller's token expires; the
client then opens another with a fresh token. A comment every ``heartbeat`` seconds keeps proxies
from closing an idle connection, and lets the server notice a client that went away.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from shared.domain.errors import ErrorDetail
from shared.domain.orders import STATE_LABELS, OrderState

DEFAULT_LIFETIME_SECONDS = 300.0  # 5 minutes, then the client reconnects (docs/api.md)
DEFAULT_HEARTBEAT_SECONDS = 20.0
RETRY_MILLISECONDS = 3000  # the SSE ``retry`` hint: the client's first reconnect delay
# How far before the stream's opening the listener starts: an order written while the stream
# opened is sent rather than missed (updated_at is the database's commit time, not this clock's).
OPENING_MARGIN = dt.timedelta(seconds=5)

_STATES = frozenset(s.value for s in OrderState)

EndReason = Literal["lifetime", "token_expired", "listener_closed"]


@dataclass(frozen=True)
class WatchScope:
    """One space (``manager_id``) or one contractor's orders across spaces (``contractor_id``)."""

    manager_id: str | None = None
    contractor_id: str | None = None

    def includes(self, order: dict[str, Any]) -> bool:
        if self.manager_id is not None:
            return order.get("manager_id") == self.manager_id
        return self.contractor_id is not None and order.get("contractor_id") == self.contractor_id


def scope_of(role: str, tenant: str) -> WatchScope:
    """The caller's scope, from its token only (the edge refuses other roles first)."""
    if role == "contractor":
        return WatchScope(contractor_id=tenant)
    if role in ("manager", "beneficiary"):
        return WatchScope(manager_id=tenant)
    raise ValueError(f"role {role!r} follows no orders")


def query_errors(args: dict[str, str]) -> list[ErrorDetail]:
    """The stream takes no parameter: its scope comes from the token; anything else is refused."""
    return [ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD") for name in sorted(args)]


def change_event(order: dict[str, Any], updated_at: Any) -> dict[str, Any] | None:
    """What an ``order`` event says of an order document (None: not an order this platform wrote)."""
    manager_id, order_id, state = order.get("manager_id"), order.get("order_id"), order.get("state")
    if not isinstance(manager_id, str) or not isinstance(order_id, str) or state not in _STATES:
        return None
    when = updated_at.isoformat() if isinstance(updated_at, dt.datetime) else None
    return {"manager_id": manager_id, "order_id": order_id, "state": state,
            "state_label": STATE_LABELS[OrderState(state)], "updated_at": when}


def ends_at(opened: float, lifetime: float, token_expires_at: float | None) -> tuple[float, EndReason]:
    """When a stream opened at ``opened`` (epoch seconds) ends, and why."""
    end = opened + max(0.0, lifetime)
    if token_expires_at is not None and token_expires_at < end:
        return max(opened, token_expires_at), "token_expired"
    return end, "lifetime"


def sse(event: str, data: dict[str, Any]) -> bytes:
    """One Server-Sent Event (JSON data on one line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def sse_comment(text: str) -> bytes:
    return f": {text}\n\n".encode()


def sse_retry(milliseconds: int = RETRY_MILLISECONDS) -> bytes:
    return f"retry: {milliseconds}\n\n".encode()
