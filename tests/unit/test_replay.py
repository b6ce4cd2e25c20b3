"""Replay for connectors on the in-memory unit of work: a contractor reads back every message sent to it,
in commit order, from a cursor, and has them published again as they were — only its own."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.replay import Position, RedeliverMessages, feed_query
from shared.ports import OutboxMessage
from shared.service import replay
from shared.service.transaction import transact
from tests.fakes import World

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


def send(world: World, *messages: tuple[str, str, str | None]) -> None:
    """One commit publishing ``messages`` (id, topic, ordering key), created a microsecond apart."""
    uow = world.uow()

    def attempt() -> None:
        for n, (message_id, topic, key) in enumerate(messages):
            uow.publish(OutboxMessage(id=message_id, topic=topic, event_type=EventType.ORDER_ISSUED,
                                      source="//passerelle.fr/hub/managers/mgr-test", subject=f"orders/{key}",
                                      data={"order_id": key, "n": n, "é": "àé"},
                                      created_at=world.clock.now() + dt.timedelta(microseconds=n),
                                      ordering_key=key))

    transact(uow, attempt)


def page(world: World, contractor: str = "ctr-test", after: str | None = None, limit: int = 100,
         since: dt.datetime | None = None) -> dict:
    return replay.list_messages(contractor, after, since, limit, world.uow(), world.clock)


def test_a_contractor_reads_back_only_its_own_messages_in_commit_order_with_their_bodies():
    # Given messages to two contractors and to a platform topic, over three commits
    world = World(NOW)
    send(world, ("m-1", "orders-ctr-test", "BC-1"), ("m-2", "orders-ctr-other", "BC-9"))
    send(world, ("m-3", "replies-ctr-test", "BC-1"), ("m-0", "orders-ctr-test", "BC-2"))
    send(world, ("m-4", "exports-requested", None))
    # When the first contractor lists its messages
    listed = page(world)
    # Then it gets its three, in commit order then creation order, each as it was published
    assert [(m["id"], m["stream"]) for m in listed["messages"]] == [("m-1", "orders"), ("m-3", "replies"),
                                                                     ("m-0", "orders")]
    first = listed["messages"][0]
    assert (first["type"], first["ordering_key"], first["data"]) == (
        "fr.passerelle.order.issued.v1", "BC-1", {"order_id": "BC-1", "n": 0, "é": "àé"})
    assert (listed["more"], listed["next_cursor"]) == (False, listed["messages"][-1]["position"])
    # And the platform's own topics name no recipient
    assert world.db.data("outbox/m-4")["recipient"] is None


def test_reading_on_from_a_cursor_misses_nothing_committed_later_and_repeats_nothing():
    world = World(NOW)
    send(world, ("a", "orders-ctr-test", "BC-1"), ("b", "orders-ctr-test", "BC-1"), ("c", "orders-ctr-test", "BC-1"))
    # When the connector reads two, then a message is committed, then it reads on
    first = page(world, limit=2)
    send(world, ("d", "replies-ctr-test", "BC-1"))
    rest = page(world, after=first["next_cursor"])
    # Then it read each message exactly once, in order
    assert [m["id"] for m in first["messages"]] == ["a", "b"] and first["more"] is True
    assert [m["id"] for m in rest["messages"]] == ["c", "d"] and rest["more"] is False
    # And reading on from the end gives nothing, keeping the cursor
    empty = page(world, after=rest["next_cursor"])
    assert (empty["count"], empty["next_cursor"]) == (0, rest["next_cursor"])


def test_a_cursor_not_ours_or_older_than_the_retention_is_refused():
    world = World(NOW)
    old = Position(NOW - dt.timedelta(days=36), NOW - dt.timedelta(days=36), "m-1").token()
    for after, code in (("not-a-cursor", "INVALID_CURSOR"), (old, "CURSOR_EXPIRED")):
        with pytest.raises(DomainError) as refused:
            page(world, after=after)
        assert [(e.field, e.code) for e in refused.value.errors] == [("query.after", code)]
    with pytest.raises(DomainError) as since:
        page(world, since=NOW - dt.timedelta(days=40))
    assert "35 jours" in since.value.errors[0].message


def test_messages_past_their_retention_are_left_out_until_firestore_deletes_them():
    world = World(NOW)
    send(world, ("old", "orders-ctr-test", "BC-1"))
    world.clock.advance(days=36)
    send(world, ("new", "orders-ctr-test", "BC-1"))
    assert [m["id"] for m in page(world)["messages"]] == ["new"]


def test_a_redelivery_publishes_the_same_message_on_the_contractors_topic_in_order():
    world = World(NOW)
    send(world, ("m-1", "orders-ctr-test", "BC-1"), ("m-2", "replies-ctr-test", "BC-1"))
    original = {attrs["ce-id"]: (topic, data, attrs, key) for topic, data, attrs, key in world.publisher.published}
    world.publisher.published.clear()
    # When the contractor asks for everything since the start
    answer = replay.redeliver("ctr-test", RedeliverMessages(), world.uow(), world.clock)
    # Then both are published again, in order, byte for byte as the first time
    assert (answer["redelivered"], answer["ids"], answer["more"]) == (2, ["m-1", "m-2"], False)
    again = world.publisher.published
    assert [original[attrs["ce-id"]] for _, _, attrs, _ in again] == again
    assert json.loads(again[0][1]) == {"order_id": "BC-1", "n": 0, "é": "àé"}


def test_a_redelivery_stops_at_a_failure_and_says_where_to_go_on_from():
    world = World(NOW)
    send(world, ("m-1", "orders-ctr-test", "BC-1"), ("m-2", "orders-ctr-test", "BC-1"))
    world.publisher.fail = ConnectionError("pubsub down")
    answer = replay.redeliver("ctr-test", RedeliverMessages(), world.uow(), world.clock)
    assert (answer["redelivered"], answer["more"], answer["last_position"]) == (0, True, None)


def test_named_messages_of_another_contractor_are_not_found_and_nothing_is_published():
    world = World(NOW)
    send(world, ("mine", "orders-ctr-test", "BC-1"), ("theirs", "orders-ctr-other", "BC-9"))
    world.publisher.published.clear()
    with pytest.raises(DomainError) as refused:
        replay.redeliver("ctr-test", RedeliverMessages(ids=["mine", "theirs", "nowhere"]), world.uow(), world.clock)
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.ids[1]", "MESSAGE_NOT_FOUND"),
                                                                  ("$.ids[2]", "MESSAGE_NOT_FOUND")]
    assert world.publisher.published == []
    named = replay.redeliver("ctr-test", RedeliverMessages(ids=["mine"]), world.uow(), world.clock)
    assert [attrs["ce-id"] for _, _, attrs, _ in world.publisher.published] == named["ids"] == ["mine"]


def test_the_feed_query_reports_every_bad_parameter():
    _, errors = feed_query({"since": "hier", "limit": "900", "after": "x", "type": "y"})
    assert sorted((e.field, e.code) for e in errors) == [
        ("query.limit", "OUT_OF_RANGE"), ("query.since", "INVALID_FORMAT"), ("query.since", "INVALID_VALUE"),
        ("query.type", "UNKNOWN_FIELD")]
