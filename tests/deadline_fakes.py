"""In-memory DeadlineStore and TaskQueue for unit tests of the deadline service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.ports import ConcurrencyConflict, Versioned
from tests.fakes import InMemoryStore, RecordingTaskQueue  # noqa: F401


class InMemoryDeadlineStore(InMemoryStore):
    def get_deadline(self, tenant_id: str, deadline_id: str):
        found = self.deadlines.get((tenant_id, deadline_id))
        return Versioned(*found) if found else None

    def due_deadlines(self, now: dt.datetime, limit: int) -> list[Versioned]:
        due = sorted((d.next_check_at, key) for key, (d, _) in self.deadlines.items()
                     if d.next_check_at is not None and d.next_check_at <= now)
        return [Versioned(*self.deadlines[key]) for _, key in due[:limit]]

    def commit_many(self, changes: list) -> list:
        refused = []
        for change in changes:
            try:
                self.commit(change)
            except ConcurrencyConflict:
                refused.append(change)
        return refused

    def get_entry(self, tenant_id: str, entry_id: str):
        found = self.penalties.get((tenant_id, entry_id))
        return Versioned(*found) if found else None

    def update_entry(self, entry, version: Any) -> None:
        found = self.penalties.get((entry.tenant_id, entry.entry_id))
        if found is None or found[1] != version:
            raise ConcurrencyConflict("entry changed")
        self.penalties[(entry.tenant_id, entry.entry_id)] = (entry, next(self._versions))

    def entries(self, tenant_id: str, contractor_id: str, month: str):
        return [e for (t, _), (e, _) in self.penalties.items()
                if t == tenant_id and e.contractor_id == contractor_id and e.month == month]

    def ledger(self, deadline_id: str) -> list:
        return sorted((e for e, _ in self.penalties.values() if e.deadline_id == deadline_id), key=lambda e: e.day)
