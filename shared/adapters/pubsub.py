"""Publisher over google-cloud-pubsub, with message ordering, plus topic provisioning."""

from __future__ import annotations


from google.api_core import exceptions as gexc
from google.cloud import pubsub_v1

PUBLISH_TIMEOUT_SECONDS = 30
# With ordering keys, a message waits for the client's batch timer (10 ms by default) before it is
# sent, and every command waits for its reply's publication: 1 ms keeps the batching of concurrent
# requests and takes ~9 ms off each one (docs/performance.md, "Ingest").
BATCH_MAX_LATENCY_SECONDS = 0.001


class PubSubPublisher:
    def __init__(self, project_id: str, client: pubsub_v1.PublisherClient | None = None):
        self.project_id = project_id
        self.client = client or pubsub_v1.PublisherClient(
            batch_settings=pubsub_v1.types.BatchSettings(max_latency=BATCH_MAX_LATENCY_SECONDS),
            publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True),
        )

    def topic_path(self, topic: str) -> str:
        return self.client.topic_path(self.project_id, topic)

    def publish(self, topic: str, data: bytes, attributes: dict[str, str], ordering_key: str | None) -> str:
        path = self.topic_path(topic)
        future = self.client.publish(path, data, ordering_key=ordering_key or "", **attributes)
        try:
            return future.result(timeout=PUBLISH_TIMEOUT_SECONDS)
        except Exception:
            if ordering_key:
                # A failed ordered publish pauses its key until resumed explicitly.
                self.client.resume_publish(path, ordering_key)
            raise


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
