"""Deadlines and the ledger on the Firestore emulator: concurrent timer firings write each day once."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from shared.adapters.deadlines import FirestoreDeadlineStore
from shared.domain.deadlines import DeadlineState
from shared.service import deadlines as svc
from tests.fakes import FixedClock

SIGNED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_concurrent_duplicate_firings_accrue_each_day_once(clean_firestore):
    store = FirestoreDeadlineStore(clean_firestore)
    clock = FixedClock(SIGNED)
    d = svc.start_deadline("D2", "D2-AC-9", tenant_id="mgr-test", territory="57", started_at=SIGNED, ref="signed",
                           contractor_id="ctr-test", contract_id="AC-9", store=store, timers=None, clock=clock)
    # Given the timer fires 8 times at once, six and a half days after the due time
    clock.at = d.due_at + dt.timedelta(days=6, hours=12)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: svc.process("mgr-test", "D2-AC-9", store, clock), range(8)))
    # Then the seven started days are each in the ledger once, and the deadline knows it
    assert [e.day for e in store.entries_of_deadline("mgr-test", "D2-AC-9")] == [1, 2, 3, 4, 5, 6, 7]
    current = store.get_deadline("mgr-test", "D2-AC-9").value
    assert current.state is DeadlineState.MISSED and current.accrued_days == 7
    # And the sweep query sees it again only when day 8 starts
    assert store.due_deadlines(clock.at, 10) == []
    assert store.due_deadlines(d.due_at + dt.timedelta(days=7), 10) == [("mgr-test", "D2-AC-9")]
