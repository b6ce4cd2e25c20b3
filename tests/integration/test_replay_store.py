"""Replay on the Firestore emulator's unit of work: the outbox keeps each contractor's messages with their
commit time, and they are read back in commit order, from a cursor or a time, with no gap and no repeat."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.messages import EventType
from shared.ports import OutboxMessage
from shared.service import replay
from shared.service.transaction import transact
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators


def commit(client, clock, *ids: str, topic: str = "orders-ctr-test") -> None:
    uow = FirestoreUnitOfWork(client)

    def attempt() -> None:
        for n, message_id in enumerate(ids):
            uow.publish(OutboxMessage(id=message_id, topic=topic, event_type=EventType.ORDER_ISSUED,
                                      source="//passerelle.fr/hub/managers/mgr-test", subject="orders/BC-1",
                                      data={"n": n, "b": {"z": 1, "a": 2}},
                                      created_at=clock.now() + dt.timedelta(microseconds=n), ordering_key="BC-1"))

    transact(uow, attempt)


def test_messages_are_read_back_in_commit_order_by_cursor_and_by_time(clean_firestore):
    clock = FixedClock(dt.datetime.now(dt.UTC))
    # Given three commits for ctr-test (one of two messages) and one for ctr-other
    commit(clean_firestore, clock, "a-2", "a-1")
    commit(clean_firestore, clock, "b")
    commit(clean_firestore, clock, "x", topic="replies-ctr-other")
    commit(clean_firestore, clock, "c")
    stored = clean_firestore.document("outbox/b").get().to_dict()
    assert (stored["recipient"], stored["stream"]) == ("ctr-test", "orders")
    assert stored["expire_at"] == stored["created_at"] + dt.timedelta(days=35)
    # When the contractor reads two at a time, then on from the cursor
    reader = FirestoreUnitOfWork(clean_firestore, read_only=True)
    first = replay.list_messages("ctr-test", None, None, 2, reader, clock)
    rest = replay.list_messages("ctr-test", first["next_cursor"], None, 2, reader, clock)
    # Then the first commit's two come first, in their creation order, then the others, each once
    assert [m["id"] for m in first["messages"]] == ["a-2", "a-1"] and first["more"] is True
    assert [m["id"] for m in rest["messages"]] == ["b", "c"] and rest["more"] is False
    # And reading since the second commit's time starts there
    since = stored["stored_at"]
    assert [m["id"] for m in replay.list_messages("ctr-test", None, since, 10, reader, clock)["messages"]] == ["b", "c"]
