"""Who the current request or message acts for, for the audit trail (set at the edges)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditActor:
    who: str
    role: str
    tenant: str


SYSTEM = AuditActor(who="platform", role="system", tenant="platform")
current: contextvars.ContextVar[AuditActor] = contextvars.ContextVar("actor", default=SYSTEM)


def act_as(who: str, role: str, tenant: str) -> None:
    current.set(AuditActor(who, role, tenant))
