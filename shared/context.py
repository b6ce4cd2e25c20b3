"""Who the current request or message acts for, and its correlation id (set at the edges).

Both ride on context variables, so that the audit trail written with a commit and every log
line of the request carry them without being passed through every call.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditActor:
    who: str
    role: str
    tenant: str


SYSTEM = AuditActor(who="platform", role="system", tenant="platform")
actor: contextvars.ContextVar[AuditActor] = contextvars.ContextVar("actor", default=SYSTEM)
correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")


def act_as(who: str, role: str, tenant: str) -> None:
    actor.set(AuditActor(who, role, tenant))


def new_correlation_id(candidate: str | None = None) -> str:
    """Adopt the caller's id when it is sane, else make one; bind it to this request."""
    value = candidate if candidate and len(candidate) <= 128 and candidate.isprintable() else uuid.uuid4().hex
    correlation_id.set(value)
    return value
