"""Deadlines and the ledger on the Firestore emulator: concurrent timer firings write each day once; the
sweep packs its commits, stops at its cap and survives a race with a timer."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.deadlines import DeadlineState
from shared.ports import Query
from shared.service import deadlines as svc
from shared.service.transaction import transact
from tests.fakes import FixedClock

SIGNED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def start(client, clock, deadline_id: str, territory: str = "75", contract_id: str = "AC-9", tenant: str = "mgr-test"):
    uow = FirestoreUnitOfWork(client)  # no task queue: the sweep is what catches up
    d = svc.plan_deadline("D2", deadline_id, tenant_id=tenant, territory=territory, started_at=SIGNED, ref="signed",
                          contractor_id="ctr-test", contract_id=contract_id)
    return transact(uow, lambda: svc.open_deadline(uow, d, clock.now()))


def start_many(client, clock, n: int) -> list:
    return [start(client, clock, f"D2-AC-{i:03d}", contract_id=f"AC-{i:03d}") for i in range(n)]


def due(client, at) -> list[str]:
    docs = FirestoreUnitOfWork(client).query(Query("deadlines", group=True, where=(("next_check_at", "<=", at),),
                                                   limit=10))
    return [d.id for d in docs]


def test_concurrent_duplicate_firings_accrue_each_day_once(clean_firestore):
    clock = FixedClock(SIGNED)
    d = start(clean_firestore, clock, "D2-AC-9", territory="57")
    # Given the timer fires 8 times at once, six and a half days after the due time
    clock.at = d.due_at + dt.timedelta(days=6, hours=12)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: svc.process(FirestoreUnitOfWork(clean_firestore), "mgr-test", "D2-AC-9", clock),
                      range(8)))
    # Then the seven started days are each in the ledger once, and the deadline knows it
    uow = FirestoreUnitOfWork(clean_firestore)
    assert [e.day for e in svc.entries_of_deadline(uow, "mgr-test", "D2-AC-9")] == [1, 2, 3, 4, 5, 6, 7]
    current = svc.load(uow, "mgr-test", "D2-AC-9")
    assert current.state is DeadlineState.MISSED and current.accrued_days == 7
    # And the sweep query sees it again only when day 8 starts
    assert due(clean_firestore, clock.at) == []
    assert due(clean_firestore, d.due_at + dt.timedelta(days=7)) == ["D2-AC-9"]


def test_the_sweep_accrues_many_deadlines_page_by_page_in_packed_batches(clean_firestore):
    clock = FixedClock(SIGNED)
    # Given 130 onboarding deadlines, all missed by three and a half days
    started = start_many(clean_firestore, clock, 130)
    clock.at = started[0].due_at + dt.timedelta(days=3, hours=12)
    # When one sweep runs with pages of 50 (each deadline owes 4 days: 5 documents, 15 writes with audit)
    result = svc.sweep(FirestoreUnitOfWork(clean_firestore), clock, page=50)
    # Then every deadline was processed once and owes nothing more
    assert result == {"processed": 130, "changed": 130, "days_accrued": 520, "more": False}
    ledger = clean_firestore.collection("managers").document("mgr-test").collection("penalties")
    assert ledger.count().get()[0][0].value == 520
    assert due(clean_firestore, clock.at) == []
    uow = FirestoreUnitOfWork(clean_firestore)
    assert {svc.load(uow, "mgr-test", d.deadline_id).accrued_days for d in started} == {4}
    # And running it again writes nothing
    assert svc.sweep(FirestoreUnitOfWork(clean_firestore), clock, page=50) == {
        "processed": 0, "changed": 0, "days_accrued": 0, "more": False}


def test_the_sweep_stops_at_its_cap_and_says_there_is_more(clean_firestore):
    clock = FixedClock(SIGNED)
    started = start_many(clean_firestore, clock, 12)
    clock.at = started[0].due_at + dt.timedelta(hours=1)
    # When a sweep capped at 5 deadlines runs twice, then a third time
    runs = [svc.sweep(FirestoreUnitOfWork(clean_firestore), clock, page=2, max_deadlines=5) for _ in range(3)]
    # Then it says there is more until the last two are done
    assert [(r["processed"], r["more"]) for r in runs] == [(5, True), (5, True), (2, False)]
    uow = FirestoreUnitOfWork(clean_firestore)
    assert {svc.load(uow, "mgr-test", d.deadline_id).accrued_days for d in started} == {1}


def test_a_deadline_changed_during_the_sweep_is_processed_again_alone_and_accrues_once(clean_firestore, monkeypatch):
    clock = FixedClock(SIGNED)
    started = start_many(clean_firestore, clock, 6)
    clock.at = started[0].due_at + dt.timedelta(days=1, hours=2)
    # Given a timer processes one deadline between the sweep's read and its commit
    real = svc._commit_packed

    def racing(uow, changes, now, workers):
        svc.process(FirestoreUnitOfWork(clean_firestore), "mgr-test", "D2-AC-003", clock)
        return real(uow, changes, now, workers)

    monkeypatch.setattr(svc, "_commit_packed", racing)
    # When the sweep runs
    result = svc.sweep(FirestoreUnitOfWork(clean_firestore), clock)
    # Then the pack holding the raced deadline was retried change by change, the raced one refused
    # and re-read, and every deadline has its two days exactly once
    assert (result["processed"], result["changed"], result["days_accrued"]) == (6, 5, 10)
    uow = FirestoreUnitOfWork(clean_firestore)
    for d in started:
        assert [e.day for e in svc.entries_of_deadline(uow, "mgr-test", d.deadline_id)] == [1, 2]


def test_the_sweep_pools_the_days_of_many_malformed_messages_into_one_entry_per_contract_day(clean_firestore,
                                                                                              monkeypatch):
    from tests.builders import an_order

    clock = FixedClock(SIGNED)
    uow = FirestoreUnitOfWork(clean_firestore)
    # Given twelve messages of one contract rejected for their format within the same minute (twelve F1s)
    started = []
    for i in range(12):
        order = an_order(f"BC-F1-{i:02d}")
        d = svc.plan_deadline("F1", f"F1-pool-{i:02d}", tenant_id="mgr-test", territory="75",
                              started_at=SIGNED + dt.timedelta(seconds=i), ref=f"msg-{i}", contractor_id="ctr-test",
                              contract_id=order.contract_id, order_id=order.order_id)
        transact(uow, lambda d=d: svc.save(uow, None, d.check(clock.now()), [], clock.now()))
        started.append(d)
    # When the sweep runs two and a half days later with one deadline per pack, four packs committed at once
    # (every pack creating or joining the same three contract days)
    monkeypatch.setattr(svc, "BATCH_WRITES", 30)
    clock.at = SIGNED + dt.timedelta(days=2, hours=12)
    result = svc.sweep(FirestoreUnitOfWork(clean_firestore), clock, page=12, workers=4)
    # Then each F1 owes its three started days, and the contract three entries, each caused by the twelve messages
    reader = FirestoreUnitOfWork(clean_firestore)
    entries = [e.to_dict() for e in clean_firestore.collection("managers/mgr-test/penalties").stream()]
    assert sorted(e["local_date"] for e in entries) == ["2026-03-02", "2026-03-03", "2026-03-04"]
    for e in entries:
        assert len(svc.causes_of_entry(reader, "mgr-test", e["entry_id"])) == 12
    # (a pack refused because another created the same day first is processed again alone, uncounted)
    assert result["processed"] == 12 and 0 < result["days_accrued"] <= 36
    assert {svc.load(reader, "mgr-test", d.deadline_id).accrued_days for d in started} == {3}
    # And a second sweep writes nothing
    assert svc.sweep(FirestoreUnitOfWork(clean_firestore), clock)["days_accrued"] == 0
    assert len(list(clean_firestore.collection("managers/mgr-test/penalty_causes").stream())) == 36
