"""Deadlines and the ledger on the Firestore emulator: concurrent timer firings write each day once."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from shared.adapters.deadlines import FirestoreDeadlineStore
from shared.domain.deadlines import DeadlineState
from shared.service import legacy_deadlines as svc
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
    assert [v.value.deadline_id for v in store.due_deadlines(d.due_at + dt.timedelta(days=7), 10)] == ["D2-AC-9"]


def start_many(store, clock, n: int, tenant: str = "mgr-test") -> list:
    return [svc.start_deadline("D2", f"D2-AC-{i:03d}", tenant_id=tenant, territory="75", started_at=SIGNED,
                               ref="signed", contractor_id="ctr-test", contract_id=f"AC-{i:03d}", store=store,
                               timers=None, clock=clock) for i in range(n)]


def test_the_sweep_accrues_many_deadlines_page_by_page_in_packed_batches(clean_firestore):
    store = FirestoreDeadlineStore(clean_firestore)
    clock = FixedClock(SIGNED)
    # Given 130 onboarding deadlines, all missed by three and a half days
    started = start_many(store, clock, 130)
    clock.at = started[0].due_at + dt.timedelta(days=3, hours=12)
    # When one sweep runs with pages of 50 (each deadline owes 4 days: 5 documents, 15 writes with audit)
    result = svc.sweep(store, None, clock, page=50)
    # Then every deadline was processed once and owes nothing more
    assert result == {"processed": 130, "changed": 130, "days_accrued": 520, "more": False}
    ledger = clean_firestore.collection("managers").document("mgr-test").collection("penalties")
    assert ledger.count().get()[0][0].value == 520
    assert store.due_deadlines(clock.at, 10) == []
    assert {store.get_deadline("mgr-test", d.deadline_id).value.accrued_days for d in started} == {4}
    # And running it again writes nothing
    assert svc.sweep(store, None, clock, page=50) == {"processed": 0, "changed": 0, "days_accrued": 0, "more": False}


def test_the_sweep_stops_at_its_cap_and_says_there_is_more(clean_firestore):
    store = FirestoreDeadlineStore(clean_firestore)
    clock = FixedClock(SIGNED)
    started = start_many(store, clock, 12)
    clock.at = started[0].due_at + dt.timedelta(hours=1)
    # When a sweep capped at 5 deadlines runs twice, then a third time
    first = svc.sweep(store, None, clock, page=2, max_deadlines=5)
    second = svc.sweep(store, None, clock, page=2, max_deadlines=5)
    third = svc.sweep(store, None, clock, page=2, max_deadlines=5)
    # Then it says there is more until the last two are done
    assert (first["processed"], first["more"]) == (5, True)
    assert (second["processed"], second["more"]) == (5, True)
    assert (third["processed"], third["more"]) == (2, False)
    assert {store.get_deadline("mgr-test", d.deadline_id).value.accrued_days for d in started} == {1}


def test_a_deadline_changed_during_the_sweep_is_processed_again_alone_and_accrues_once(clean_firestore):
    store = FirestoreDeadlineStore(clean_firestore)
    clock = FixedClock(SIGNED)
    started = start_many(store, clock, 6)
    clock.at = started[0].due_at + dt.timedelta(days=1, hours=2)
    # Given a timer processes one deadline between the sweep's read and its commit
    real_commit_many = store.commit_many

    def racing_commit_many(changes):
        svc.process("mgr-test", "D2-AC-003", store, clock)
        return real_commit_many(changes)

    store.commit_many = racing_commit_many
    # When the sweep runs
    result = svc.sweep(store, None, clock)
    # Then the batch holding the raced deadline was retried change by change, the raced one refused
    # and re-read, and every deadline has its two days exactly once
    assert (result["processed"], result["changed"], result["days_accrued"]) == (6, 5, 10)
    for d in started:
        assert [e.day for e in store.entries_of_deadline("mgr-test", d.deadline_id)] == [1, 2]
