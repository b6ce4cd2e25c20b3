"""The Pub/Sub publisher adapter on the real emulator: one Publish RPC per message, in key order."""

from __future__ import annotations

import uuid

import pytest
from google.api_core import exceptions as gexc

from shared.adapters.pubsub import PubSubAdmin, PubSubPublisher
from tests.integration.test_outbox_crash import pull_all

pytestmark = pytest.mark.emulators


def test_messages_of_one_ordering_key_arrive_in_publish_order_with_their_attributes(emulators):
    from google.cloud import pubsub_v1

    topic, admin = f"publisher-order-{uuid.uuid4().hex[:8]}", PubSubAdmin(emulators.project_id)
    admin.ensure_topic(topic)
    subscription = admin.ensure_subscription(f"{topic}-sub", topic, ordering=True)
    publisher = PubSubPublisher(emulators.project_id)

    ids = [publisher.publish(topic, f"m{i}".encode(), {"ce-id": f"id-{i}"}, "BC-1") for i in range(20)]

    assert len(set(ids)) == 20 and all(ids)  # the server's message ids, one per message
    received = pull_all(pubsub_v1.SubscriberClient(), subscription)
    assert [m.message.data.decode() for m in received] == [f"m{i}" for i in range(20)]
    assert {m.message.ordering_key for m in received} == {"BC-1"}
    assert [m.message.attributes["ce-id"] for m in received] == [f"id-{i}" for i in range(20)]
    assert [m.message.message_id for m in received] == ids
    admin.close()


def test_a_failed_publish_raises_and_leaves_its_ordering_key_usable(emulators):
    """The outbox keeps a failed message pending for the relay; the key must not stay paused (the
    client library's batching paused it until ``resume_publish``)."""
    from google.cloud import pubsub_v1

    topic, admin = f"publisher-fail-{uuid.uuid4().hex[:8]}", PubSubAdmin(emulators.project_id)
    publisher = PubSubPublisher(emulators.project_id)
    with pytest.raises(gexc.NotFound):
        publisher.publish(topic, b"lost", {}, "BC-2")  # the topic does not exist yet
    admin.ensure_topic(topic)
    subscription = admin.ensure_subscription(f"{topic}-sub", topic, ordering=True)

    publisher.publish(topic, b"after", {}, "BC-2")

    assert [m.message.data for m in pull_all(pubsub_v1.SubscriberClient(), subscription)] == [b"after"]
    admin.close()
