"""Publisher over google-cloud-pubsub, with message ordering, plus topic provisioning."""

from __future__ import annotations


from google.api_core import exceptions as gexc
from google.cloud import pubsub_v1
from google.pubsub_v1.services.publisher.client import PublisherClient as GapicPublisher

PUBLISH_TIMEOUT_SECONDS = 30


class PubSubPublisher:
    """One ``Publish`` RPC per message, made by the calling thread.

    Every caller waits for its message's id before answering (a command publishes its outbox right
    after its commit), so the client library's batching buys nothing here: with ordering keys it
    batches per key, and a command's messages rarely share a batch. What it costs is measured
    (docs/performance.md, "Ingest"): a commit thread started per batch, a batch timer to wait for,
    and a future — about 2 ms of CPU and 5 ms of latency per message. The RPC is the library's own
    (``Publish`` with its default retry on transient errors); the server orders messages that carry
    the same ordering key in the order their RPCs succeed, and the callers of one key are already
    serialised by their commits. A failed publish leaves the message pending in the outbox for the
    relay (``shared/service/outbox.py``): nothing is paused or lost.
    """

    def __init__(self, project_id: str, client: pubsub_v1.PublisherClient | None = None):
        self.project_id = project_id
        self.client = client or pubsub_v1.PublisherClient()  # reads PUBSUB_EMULATOR_HOST

    def topic_path(self, topic: str) -> str:
        return self.client.topic_path(self.project_id, topic)

    def publish(self, topic: str, data: bytes, attributes: dict[str, str], ordering_key: str | None) -> str:
        message = {"data": data, "attributes": attributes, "ordering_key": ordering_key or ""}
        response = GapicPublisher.publish(self.client, topic=self.topic_path(topic), messages=[message],
                                          timeout=PUBLISH_TIMEOUT_SECONDS)
        return response.message_ids[0]


class PubSubAdmin:
    """Creates topics and subscriptions idempotently (local stack and tests; Terraform in production)."""

    def __init__(self, project_id: str):
        self.project_id = project_id
        self.publisher = pubsub_v1.PublisherClient()
        self.subscriber = pubsub_v1.SubscriberClient()

    def ensure_topic(self, topic: str) -> str:
        path = self.publisher.topic_path(self.project_id, topic)
        try:
            self.publisher.create_topic(name=path)
        except gexc.AlreadyExists:
            pass
        return path

    def ensure_subscription(self, name: str, topic: str, *, push_endpoint: str | None = None,
                            dead_letter_topic: str | None = None, max_delivery_attempts: int = 5,
                            ordering: bool = True, ack_deadline_seconds: int = 60) -> str:
        path = self.subscriber.subscription_path(self.project_id, name)
        request: dict = {
            "name": path,
            "topic": self.publisher.topic_path(self.project_id, topic),
            "enable_message_ordering": ordering,
            "ack_deadline_seconds": ack_deadline_seconds,
        }
        if push_endpoint:
            request["push_config"] = {"push_endpoint": push_endpoint}
        if dead_letter_topic:
            request["dead_letter_policy"] = {
                "dead_letter_topic": self.publisher.topic_path(self.project_id, dead_letter_topic),
                "max_delivery_attempts": max_delivery_attempts,
            }
        try:
            self.subscriber.create_subscription(request=request)
        except gexc.AlreadyExists:
            pass
        return path

    def close(self) -> None:
        self.subscriber.close()
