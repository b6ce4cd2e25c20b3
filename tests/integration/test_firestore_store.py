"""The order path on the real Firestore emulator: preconditions under contention, one application per message,
the idempotency record's lease."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.messages import IssueOrder, ReplyStatus
from shared.domain.orders import OrderState
from shared.ports import ConcurrencyConflict
from shared.service.executions import record_execution
from shared.service import idempotency, outbox
from shared.service.orders import receive_order
from shared.service.order_store import list_events, load_order, save_order
from tests.builders import MANAGER, NOW, inbound, issue_order_body, report
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators


@pytest.fixture
def uow(clean_firestore) -> FirestoreUnitOfWork:
    uow = FirestoreUnitOfWork(clean_firestore)
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(), strict=False), uow, FixedClock(NOW))
    return uow


def fresh(uow: FirestoreUnitOfWork) -> FirestoreUnitOfWork:
    return uow.fork()


def test_an_order_is_stored_in_its_managers_space_with_a_pending_delivery(uow, clean_firestore):
    snap = clean_firestore.document(f"managers/{MANAGER}/orders/BC-2026-014").get()
    assert snap.exists and snap.get("contractor_id") == "ctr-test" and snap.get("total_cents") == 8500 + 10500
    [pending] = outbox.pending(fresh(uow), 10)  # no publisher here: it waits for the relay
    assert pending.topic == "orders-ctr-test" and pending.data["order_id"] == "BC-2026-014"


def test_a_write_decided_on_a_stale_read_is_refused(uow):
    stale = fresh(uow)
    order = load_order(stale, MANAGER, "BC-2026-014")
    record_execution(inbound(report(1, "acknowledged")), fresh(uow), FixedClock(NOW))
    save_order(stale, order.model_copy(update={"progress": 5}))
    with pytest.raises(ConcurrencyConflict):
        stale.commit()


def test_twenty_concurrent_events_on_one_order_end_consistent(uow):
    # Given 20 contractor messages for one order, sent all at once, each with its own sequence
    clock = FixedClock(NOW)
    messages = [inbound(report(n, progress=n * 5), message_id=f"m-{n}") for n in range(1, 21)]
    pending = list(messages)
    rounds = 0
    # When they race, and the contractor resends whatever was rejected (as a real ERP does)
    while pending and rounds < 30:
        rounds += 1
        with ThreadPoolExecutor(max_workers=20) as pool:
            replies = list(pool.map(lambda m: record_execution(
                m.__class__(**{**m.__dict__, "id": f"{m.id}-r{rounds}"}), fresh(uow), clock), pending))
        pending = [m for m, r in zip(pending, replies, strict=True) if r.status is ReplyStatus.REJECTED]
        assert all(e.code in {"SEQUENCE_GAP", "SEQUENCE_OUTDATED"} for r in replies for e in r.errors)
    # Then every event was applied exactly once, in sequence order
    order = load_order(fresh(uow), MANAGER, "BC-2026-014")
    assert pending == [] and order.last_sequence == 20 and order.progress == 100
    events = list_events(fresh(uow), MANAGER, "BC-2026-014")
    reports = [e for e in events if e["event_id"] != "received"]  # the order's first entry: how it came
    assert [e["sequence"] for e in sorted(reports, key=lambda e: e["sequence"])] == list(range(1, 21))


def test_the_same_message_delivered_concurrently_is_applied_once(uow):
    msg = inbound(report(1, "acknowledged"), message_id="dup")
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: record_execution(msg, fresh(uow), FixedClock(NOW)), range(8)))
    assert all(r == replies[0] for r in replies) and replies[0].status is ReplyStatus.ACCEPTED
    assert [e["event_id"] for e in list_events(fresh(uow), MANAGER, "BC-2026-014")] == ["received", "s0000001"]
    assert len([m for m in outbox.pending(fresh(uow), 50) if m.topic == "replies-ctr-test"]) == 1


def test_idempotency_records_replay_refuse_mismatch_and_take_over_stale_leases(clean_firestore):
    uow, path, now = FirestoreUnitOfWork(clean_firestore), idempotency.http_path("k1"), NOW
    retention = idempotency.HTTP_RETENTION
    assert idempotency.claim(uow, path, "hash-a", now, retention=retention).kind == "new"
    assert idempotency.claim(uow, path, "hash-a", now, retention=retention).kind == "in_progress"
    assert idempotency.claim(uow, path, "hash-b", now, retention=retention).kind == "mismatch"
    idempotency.finish(uow, path, "hash-a", {"status": 201, "body": {"ok": True}}, now, retention=retention)
    replay = idempotency.claim(uow, path, "hash-a", now, retention=retention)
    assert replay.kind == "replay" and replay.answer == {"status": 201, "body": {"ok": True}}
    assert idempotency.claim(uow, path, "hash-b", now).kind == "mismatch"
    # a request whose process died is taken over once its lease has passed
    other = idempotency.http_path("k2")
    assert idempotency.claim(uow, other, "hash-a", now).kind == "new"
    assert idempotency.claim(uow, other, "hash-a", now + dt.timedelta(seconds=61)).kind == "new"
    # and records expire after 24 hours
    assert idempotency.claim(uow, path, "hash-b", now + dt.timedelta(hours=25), retention=retention).kind == "new"
    # a released record lets the request run again
    idempotency.release(uow, other)
    assert idempotency.claim(uow, other, "hash-a", now).kind == "new"


def test_a_manager_cannot_reach_another_managers_order(uow):
    assert load_order(fresh(uow), "mgr-other", "BC-2026-014") is None
    assert load_order(fresh(uow), MANAGER, "BC-2026-014").state is OrderState.TO_ACKNOWLEDGE
