"""FirestoreStore and FirestoreIdempotencyStore against the real Firestore emulator."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.adapters.firestore import FirestoreIdempotencyStore, FirestoreStore
from shared.domain.messages import IssueOrder, ReplyStatus
from shared.domain.orders import OrderState
from shared.ports import Changes, ConcurrencyConflict, StoredResponse
from shared.service.executions import record_execution
from shared.service.orders import receive_order
from tests.builders import MANAGER, NOW, inbound, issue_order_body, report
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators


@pytest.fixture
def store(clean_firestore) -> FirestoreStore:
    store = FirestoreStore(clean_firestore)
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(), strict=False), store, FixedClock(NOW))
    return store


def test_an_order_is_stored_in_its_managers_space_with_a_pending_delivery(store, clean_firestore):
    snap = clean_firestore.document(f"managers/{MANAGER}/orders/BC-2026-014").get()
    assert snap.exists and snap.get("contractor_id") == "ctr-test" and snap.get("total_cents") == 8500 + 10500
    [pending] = store.pending_outbox(10)
    assert pending.topic == "orders-ctr-test" and pending.data["order_id"] == "BC-2026-014"


def test_a_write_decided_on_a_stale_read_is_refused(store):
    stale = store.get_order(MANAGER, "BC-2026-014")
    record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW))
    with pytest.raises(ConcurrencyConflict):
        store.commit(Changes(order=stale.value.model_copy(update={"progress": 5}), order_version=stale.version))


def test_twenty_concurrent_events_on_one_order_end_consistent(store):
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
                m.__class__(**{**m.__dict__, "id": f"{m.id}-r{rounds}"}), store, clock), pending))
        pending = [m for m, r in zip(pending, replies, strict=True) if r.status is ReplyStatus.REJECTED]
        assert all(e.code in {"SEQUENCE_GAP", "SEQUENCE_OUTDATED"} for r in replies for e in r.errors)
    # Then every event was applied exactly once, in sequence order
    order = store.get_order(MANAGER, "BC-2026-014").value
    assert pending == [] and order.last_sequence == 20 and order.progress == 100
    events = store.list_events(MANAGER, "BC-2026-014")
    assert [e["sequence"] for e in sorted(events, key=lambda e: e["sequence"])] == list(range(1, 21))


def test_the_same_message_delivered_concurrently_is_applied_once(store):
    msg = inbound(report(1, "acknowledged"), message_id="dup")
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: record_execution(msg, store, FixedClock(NOW)), range(8)))
    assert all(r == replies[0] for r in replies) and replies[0].status is ReplyStatus.ACCEPTED
    assert len(store.list_events(MANAGER, "BC-2026-014")) == 1
    assert len([m for m in store.pending_outbox(50) if m.topic == "replies-ctr-test"]) == 1


def test_idempotency_records_replay_refuse_mismatch_and_take_over_stale_leases(clean_firestore):
    records = FirestoreIdempotencyStore(clean_firestore)
    now = NOW
    assert records.begin("k1", "hash-a", now).kind == "new"
    assert records.begin("k1", "hash-a", now).kind == "in_progress"
    assert records.begin("k1", "hash-b", now).kind == "mismatch"
    records.complete("k1", StoredResponse(201, {"ok": True}), now)
    replay = records.begin("k1", "hash-a", now)
    assert replay.kind == "replay" and replay.response == StoredResponse(201, {"ok": True}, {})
    # a request whose process died is taken over once its lease has passed
    assert records.begin("k2", "hash-a", now).kind == "new"
    assert records.begin("k2", "hash-a", now + dt.timedelta(seconds=61)).kind == "new"
    # and records expire after 24 hours
    assert records.begin("k1", "hash-b", now + dt.timedelta(hours=25)).kind == "new"


def test_a_manager_cannot_reach_another_managers_order(store):
    assert store.get_order("mgr-other", "BC-2026-014") is None
    assert store.get_order(MANAGER, "BC-2026-014").value.state is OrderState.TO_ACKNOWLEDGE
