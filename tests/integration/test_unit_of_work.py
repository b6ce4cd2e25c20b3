"""The unit of work's contract, checked on Firestore (the emulator) and on the in-memory one the unit
tests use: both must say yes and no to the same things."""

from __future__ import annotations

import datetime as dt

import pytest

from shared import context
from shared.domain.messages import EventType
from shared.ports import SERVER_TIME, ConcurrencyConflict, OutboxMessage, Query, Timer, Timers
from tests.fakes import InMemoryDatabase, InMemoryUnitOfWork, RecordingPublisher, RecordingTaskQueue

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["memory", "firestore"])
def make_uow(request):
    """A factory of units of work on one empty database, of each kind."""
    publisher, queue = RecordingPublisher(), RecordingTaskQueue()
    timers = Timers(queue, "http://accrue")
    if request.param == "memory":
        db = InMemoryDatabase()

        def make():
            return InMemoryUnitOfWork(db, publisher, timers)
    else:
        from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

        client = request.getfixturevalue("clean_firestore")

        def make():
            return FirestoreUnitOfWork(client, publisher, timers)
    make.publisher, make.queue = publisher, queue
    return make


def message(n: int, key: str = "o-1") -> OutboxMessage:
    return OutboxMessage(id=f"m-{n}", topic="orders-ctr", event_type=EventType.ORDER_ISSUED, source="//test",
                         data={"n": n}, created_at=NOW + dt.timedelta(seconds=n), ordering_key=key)


def test_a_document_created_twice_is_refused_the_second_time_and_nothing_of_that_commit_lands(make_uow):
    first = make_uow()
    first.create("managers/m1/orders/o1", {"state": "to_acknowledge"})
    first.commit()
    second = make_uow()
    second.create("managers/m1/orders/o1", {"state": "other"})
    second.create("managers/m1/orders/o2", {"state": "to_acknowledge"})
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    check = make_uow()
    assert check.get("managers/m1/orders/o1") == {"state": "to_acknowledge"}
    assert check.get("managers/m1/orders/o2") is None


def test_an_update_decided_on_a_stale_read_is_refused(make_uow):
    seed = make_uow()
    seed.create("managers/m1/orders/o1", {"state": "to_acknowledge", "progress": 0})
    seed.commit()
    slow, fast = make_uow(), make_uow()
    assert slow.get("managers/m1/orders/o1")["state"] == "to_acknowledge"
    fast.get("managers/m1/orders/o1")
    fast.update("managers/m1/orders/o1", {"state": "acknowledged"})
    fast.commit()
    slow.update("managers/m1/orders/o1", {"progress": 50})
    with pytest.raises(ConcurrencyConflict):
        slow.commit()
    assert make_uow().get("managers/m1/orders/o1") == {"state": "acknowledged", "progress": 0}


def test_an_update_changes_only_the_fields_given_and_needs_the_document(make_uow):
    seed = make_uow()
    seed.create("contractors/c1", {"name": "Acme", "managers": ["m1"]})
    seed.commit()
    uow = make_uow()
    uow.update("contractors/c1", {"managers": ["m1", "m2"]})
    uow.commit()
    assert make_uow().get("contractors/c1") == {"name": "Acme", "managers": ["m1", "m2"]}
    missing = make_uow()
    missing.update("contractors/c2", {"name": "Nobody"})
    with pytest.raises(ConcurrencyConflict):
        missing.commit()


def test_a_unit_of_work_reads_what_it_is_about_to_write(make_uow):
    uow = make_uow()
    uow.create("managers/m1/quotes/q1", {"state": "requested"})
    uow.update("managers/m1/quotes/q1", {"state": "submitted"})
    assert uow.get("managers/m1/quotes/q1") == {"state": "submitted"}
    uow.commit()
    assert make_uow().get("managers/m1/quotes/q1") == {"state": "submitted"}


def test_save_creates_what_was_absent_and_updates_what_was_read(make_uow):
    uow = make_uow()
    uow.save("beneficiaries/b1", {"name": "Métropole"})
    uow.commit()
    again = make_uow()
    again.save("beneficiaries/b1", {"name": "Métropole de Lyon"})
    again.commit()
    assert make_uow().get("beneficiaries/b1") == {"name": "Métropole de Lyon"}


def test_messages_are_stored_with_the_state_then_published_in_order_and_marked_sent(make_uow):
    uow = make_uow()
    uow.create("managers/m1/orders/o1", {"state": "to_acknowledge"})
    uow.publish(message(1))
    uow.publish(message(2))
    uow.commit()
    assert [a["ce-id"] for _, _, a, _ in make_uow.publisher.published] == ["m-1", "m-2"]
    sent = make_uow().query(Query("outbox", where=(("status", "==", "sent"),)))
    assert sorted(d.id for d in sent) == ["m-1", "m-2"]


def test_a_failed_publish_leaves_that_message_and_the_later_ones_pending_for_the_relay(make_uow):
    make_uow.publisher.fail = ConnectionError("Pub/Sub unreachable")
    uow = make_uow()
    uow.publish(message(1))
    uow.publish(message(2))
    uow.commit()  # the state is safe: the failure is not the command's
    pending = make_uow().query(Query("outbox", where=(("status", "==", "pending"),), order_by=(("created_at", "asc"),)))
    assert [d.id for d in pending] == ["m-1", "m-2"]
    make_uow.publisher.fail = None
    relay = make_uow()
    assert relay.redeliver([OutboxMessage.from_document(d.id, d.data) for d in pending]) == 2
    assert make_uow().query(Query("outbox", where=(("status", "==", "pending"),))) == []


def test_nothing_is_published_nor_armed_when_the_commit_is_refused(make_uow):
    seed = make_uow()
    seed.create("managers/m1/deadlines/d1", {"state": "running"})
    seed.commit()
    uow = make_uow()
    uow.create("managers/m1/deadlines/d1", {"state": "running"})
    uow.publish(message(1))
    uow.schedule(Timer("d1-v1", NOW, {"deadline_id": "d1"}))
    with pytest.raises(ConcurrencyConflict):
        uow.commit()
    assert make_uow.publisher.published == [] and make_uow.queue.tasks == {}
    ok = make_uow()
    ok.schedule(Timer("d1-v1", NOW, {"deadline_id": "d1"}))
    ok.commit()
    assert make_uow.queue.tasks["d1-v1"]["payload"] == {"deadline_id": "d1"}


def test_every_change_leaves_an_audit_record_chaining_what_was_read_to_what_was_written(make_uow):
    context.act_as("erp-mgr", "manager", "m1")
    first = make_uow()
    first.create("managers/m1/orders/o1", {"state": "to_acknowledge", "updated_at": SERVER_TIME})
    first.publish(message(1))
    first.commit()
    context.act_as("pubsub:c1", "contractor", "c1")
    second = make_uow()
    second.get("managers/m1/orders/o1")
    second.update("managers/m1/orders/o1", {"state": "acknowledged", "updated_at": SERVER_TIME})
    second.commit()
    records = [d.data for d in make_uow().query(Query("managers/m1/audit"))]
    by_action = {r["action"]: r for r in records}
    assert set(by_action) == {"order.created", "order.updated"}  # the outbox is bookkeeping, not audited
    assert by_action["order.created"]["who"] == "erp-mgr" and by_action["order.created"]["before_digest"] is None
    assert by_action["order.updated"]["who"] == "pubsub:c1"
    assert by_action["order.updated"]["before_digest"] == by_action["order.created"]["after_digest"]
    assert len(make_uow().query(Query("audit_pending"))) == 2


def test_queries_filter_order_page_and_count_the_same_way(make_uow):
    seed = make_uow()
    for m, n, state in (("m1", 1, "a"), ("m1", 2, "b"), ("m1", 3, "a"), ("m2", 4, "a")):
        seed.create(f"managers/{m}/deadlines/d{n}", {"state": state, "n": n, "due": NOW + dt.timedelta(hours=n)})
    seed.commit()
    uow = make_uow()
    ordered = Query("deadlines", group=True, where=(("state", "==", "a"),), order_by=(("due", "desc"),))
    assert [d.data["n"] for d in uow.query(ordered)] == [4, 3, 1]
    page = Query("deadlines", group=True, where=(("state", "==", "a"),),
                 order_by=(("due", "desc"), ("__name__", "desc")), limit=2)
    first = uow.query(page)
    rest = uow.query(Query(page.collection, page.where, page.order_by, (first[-1].data["due"], first[-1].path), 2, True))
    assert [d.data["n"] for d in first] == [4, 3] and [d.data["n"] for d in rest] == [1]
    assert [d.id for d in uow.query(Query("managers/m1/deadlines", where=(("due", "<=", NOW + dt.timedelta(hours=2)),),
                                          order_by=(("due", "asc"),)))] == ["d1", "d2"]
    assert uow.count(Query("managers/m1/deadlines")) == 3


def test_server_time_orders_writes_by_commit(make_uow):
    for n in (1, 2):
        uow = make_uow()
        uow.create(f"managers/m1/orders/o{n}", {"n": n, "updated_at": SERVER_TIME})
        uow.commit()
    rows = make_uow().query(Query("managers/m1/orders", order_by=(("updated_at", "desc"),)))
    assert [d.data["n"] for d in rows] == [2, 1]
    assert all(isinstance(d.data["updated_at"], dt.datetime) for d in rows)


def test_a_scan_streams_every_document_page_by_page_and_remembers_nothing(make_uow):
    seed = make_uow()
    for n in range(7):
        seed.create(f"professionals/p{n:02d}", {"n": n})
    seed.commit()
    uow = make_uow()
    assert [d.data["n"] for d in uow.stream(Query("professionals"), page=3)] == list(range(7))
    assert uow.version("professionals/p00") is None  # a scan is not a read a commit is conditioned on
