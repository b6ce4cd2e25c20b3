"""The outbox's "sent" marks of a command's own messages leave the request path (Firestore unit of work
with ``defer_marks``, as ``shared.bootstrap.uow()`` builds it): one read and one commit per command,
the marks batched by a background thread; the relay's marks stay in its own call."""

from __future__ import annotations

import datetime as dt
import threading

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork, SentMarks
from shared.domain.messages import EventType
from shared.ports import OutboxMessage, Query
from shared.service import outbox
from tests.fakes import RecordingPublisher

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def message(n: int, key: str = "o-1") -> OutboxMessage:
    return OutboxMessage(id=f"m-{n}", topic="orders-ctr", event_type=EventType.ORDER_ISSUED, source="//test",
                         data={"n": n}, created_at=NOW + dt.timedelta(seconds=n), ordering_key=key)


def statuses(client) -> dict[str, str]:
    return {d.id: d.data["status"] for d in FirestoreUnitOfWork(client).query(Query("outbox"))}


def counted(uow: FirestoreUnitOfWork) -> list[int]:
    commits: list[int] = []
    apply = uow._apply
    uow._apply = lambda writes: commits.append(len(writes)) or apply(writes)
    return commits


def test_a_command_commits_once_and_its_messages_are_marked_sent_in_the_background(clean_firestore):
    publisher = RecordingPublisher()
    # Given a unit of work that defers its marks, and counts its commits
    uow = FirestoreUnitOfWork(clean_firestore, publisher, defer_marks=True)
    commits = counted(uow)
    # When a command changes an order and publishes two messages
    uow.create("managers/m1/orders/o1", {"state": "to_acknowledge"})
    uow.publish(message(1))
    uow.publish(message(2))
    uow.commit()
    # Then the command made one commit, and both messages were published in order
    assert len(commits) == 1
    assert [a["ce-id"] for _, _, a, _ in publisher.published] == ["m-1", "m-2"]
    # And both are marked sent once the background marks are flushed
    assert SentMarks.of(clean_firestore).flush()
    assert statuses(clean_firestore) == {"m-1": "sent", "m-2": "sent"}


def test_marks_added_while_a_batch_is_in_flight_go_together_in_the_next_one(clean_firestore):
    publisher = RecordingPublisher()
    marks = SentMarks.of(clean_firestore)
    assert marks.flush()
    batches: list[int] = []
    first_in_flight, release = threading.Event(), threading.Event()
    commit = marks._commit

    def slow_commit(taken):
        batches.append(len(taken))
        if len(batches) == 1:
            first_in_flight.set()
            release.wait(10)
        commit(taken)

    marks._commit = slow_commit
    try:
        # Given a first command whose mark is being committed
        send(clean_firestore, publisher, 1)
        assert first_in_flight.wait(10)
        # When nineteen more commands commit meanwhile
        for n in range(2, 21):
            send(clean_firestore, publisher, n)
        release.set()
        assert marks.flush()
    finally:
        marks._commit = commit
    # Then their nineteen marks are written in one more commit
    assert batches == [1, 19]
    assert set(statuses(clean_firestore).values()) == {"sent"} and len(statuses(clean_firestore)) == 20


def send(client, publisher, n: int) -> None:
    uow = FirestoreUnitOfWork(client, publisher, defer_marks=True)
    uow.publish(message(n, key=f"o-{n}"))
    uow.commit()


def test_the_relay_marks_what_it_publishes_before_it_returns(clean_firestore):
    # Given a message left pending (its publication failed after the commit)
    publisher = RecordingPublisher()
    publisher.fail = ConnectionError("Pub/Sub unreachable")
    uow = FirestoreUnitOfWork(clean_firestore, publisher, defer_marks=True)
    uow.publish(message(1))
    uow.commit()
    assert statuses(clean_firestore) == {"m-1": "pending"}
    # When the relay runs on a unit of work that defers its own command's marks
    publisher.fail = None
    assert outbox.relay(FirestoreUnitOfWork(clean_firestore, publisher, defer_marks=True))["sent"] == 1
    # Then the message is marked sent as soon as the relay returns (no background flush needed)
    assert statuses(clean_firestore) == {"m-1": "sent"}


def test_a_failed_mark_batch_leaves_its_messages_pending_for_the_relay(clean_firestore):
    # Given a message whose publication failed: pending
    publisher = RecordingPublisher()
    publisher.fail = ConnectionError("Pub/Sub unreachable")
    uow = FirestoreUnitOfWork(clean_firestore, publisher, defer_marks=True)
    uow.publish(message(1))
    uow.commit()
    # When its mark goes in a batch that fails (another mark names a message the outbox does not hold)
    marks = SentMarks.of(clean_firestore)
    marks._commit({"m-1": NOW, "m-absent": NOW})
    # Then nothing is marked: the message stays pending, and the relay publishes it
    assert statuses(clean_firestore) == {"m-1": "pending"}
    publisher.fail = None
    assert outbox.relay(FirestoreUnitOfWork(clean_firestore, publisher))["sent"] == 1
    assert statuses(clean_firestore) == {"m-1": "sent"}
