"""Every HTTPS caller's role and tenant checked against the registry of tenants (A1 private spaces,
B1 parties; shared/service/registry.py): a manager token needs a registered manager, a beneficiary
token a registered beneficiary, a contractor token a registered contractor, an operator the
``platform`` tenant. Refused: 403 ``TENANT_NOT_REGISTERED`` (or ``TENANT_ID_TAKEN``), before any
handler runs.

A per-instance cache keeps what was found registered for ``PASSERELLE_TENANT_CACHE_SECONDS``
(60 s by default): one read of three registry documents per tenant and minute, not per call
(figures in docs/security.md). Refusals are not cached, so that a tenant registered a moment ago
is accepted at once. A registry entry is never removed nor given another kind; it can be deactivated
(``deactivate_party``, A10 onboarding: then ``TENANT_INACTIVE``): the instance that deactivates it forgets its
acceptance at once (``forget_tenant``), any other instance at the latest when its entry expires.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from shared.domain.errors import ErrorDetail
from shared.service import registry

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """A small thread-safe map whose entries expire ``ttl`` seconds after they were put."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic, max_entries: int = 10_000):
        self.ttl, self.clock, self.max_entries = ttl, clock, max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                now = self.clock()
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[key] = (self.clock() + self.ttl, value)

    def forget(self, key: K | None = None) -> None:
        with self._lock:
            if key is None:
                self._entries.clear()
            else:
                self._entries.pop(key, None)


def seconds_from_env(name: str, default: float) -> float:
    """A cache's lifetime from the environment; ``default`` when unset or unreadable, never negative."""
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


registered: TtlCache[tuple[str, str], bool] = TtlCache(seconds_from_env("PASSERELLE_TENANT_CACHE_SECONDS", 60.0))


def forget_tenant(tenant: str) -> None:
    """The tenant is read again at its next call on this instance, whatever its role (it was just deactivated)."""
    for kind in registry.Kind:  # each kind of party is the role of its people's tokens
        registered.forget((kind.value, tenant))


def principal_errors(role: str, tenant: str, reader: Callable[[], Any]) -> list[ErrorDetail]:
    """Why this role and tenant may not call (empty: they may); ``reader`` gives a read-only unit of work,
    built only when the cache does not answer."""
    if registered.get((role, tenant)):
        return []
    errors = registry.tenant_errors(reader(), role, tenant, "header.Authorization")
    if not errors:
        registered.put((role, tenant), True)
    return errors
