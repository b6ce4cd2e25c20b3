"""The Topology port over google-cloud-pubsub's admin API: a contractor's topics, subscriptions and
their IAM policies, made to match its plan (shared/topology.py) at run time.

Idempotent and convergent, so that registering a contractor again is always safe and repairs drift:

- a topic is created with its storage policy (messages persisted in the region only) and, when the
  platform runs with customer-managed keys (B15 encryption, infra/terraform/kms.tf), the Pub/Sub key;
  one that exists is left as it is (a topic's storage policy is set when it is created);
- a subscription is created with its settings; one that exists gets them again (``update`` with a
  field mask: the dead-letter topic, retention, ack deadline, retry and push settings), which is how
  the subscriptions Terraform once created move to the shared dead-letter topic (docs/topology.md,
  "Migration"). Message ordering cannot change after creation: it was on from the start;
- each resource's IAM policy is set to exactly the plan's bindings (read, compare, write with the
  read etag; a concurrent change makes the write fail and the request is retried by its caller).

The Pub/Sub emulator implements no IAM method (501) and cannot update a subscription's expiration
policy: with ``emulator=True`` the adapter skips both (the policies are checked by unit tests of the
plan, tests/unit/test_topology.py; the expiration policy is set at creation there anyway).
"""

from __future__ import annotations

import logging
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import pubsub_v1
from google.protobuf import duration_pb2, field_mask_pb2

from shared.topology import ContractorTopology, SubscriptionPlan

log = logging.getLogger(__name__)

_UPDATED_FIELDS = ["ack_deadline_seconds", "message_retention_duration", "dead_letter_policy", "retry_policy",
                   "push_config", "expiration_policy"]


class PubSubTopology:
    def __init__(self, project_id: str, *, push_url: str | None, push_service_account: str | None = None,
                 service_agent: str | None = None, region: str = "europe-west9", kms_key_name: str | None = None,
                 emulator: bool = False,
                 publisher: pubsub_v1.PublisherClient | None = None,
                 subscriber: pubsub_v1.SubscriberClient | None = None):
        self.project_id = project_id
        self.push_url = (push_url or "").rstrip("/")
        self.push_service_account = push_service_account
        self.service_agent = service_agent
        self.region = region
        self.kms_key_name = kms_key_name
        self.emulator = emulator
        self.publisher = publisher or pubsub_v1.PublisherClient()
        self.subscriber = subscriber or pubsub_v1.SubscriberClient()

    # --- the port ----------------------------------------------------------------------------
    def apply(self, plan: ContractorTopology) -> dict[str, Any]:
        if not self.push_url:
            raise RuntimeError("PASSERELLE_EXECUTION_PUSH_URL is not set: the push subscription has no endpoint")
        created: list[str] = []
        for topic in plan.topics:
            if self._ensure_topic(topic):
                created.append(topic)
        for sub in plan.subscriptions:
            if self._ensure_subscription(sub, plan.dead_letter_topic):
                created.append(sub.name)
        policies_set = 0
        if not self.emulator:
            agent = f"serviceAccount:{self.service_agent}" if self.service_agent else None
            for (kind, name), bindings in plan.policies(agent).items():
                policies_set += self._set_policy(kind, name, bindings)
        log.info("contractor topology applied", extra={"contractor_id": plan.contractor_id,
                                                        "created_resources": created, "policies_set": policies_set})
        return {"topics": list(plan.topics), "subscriptions": [s.name for s in plan.subscriptions],
                "dead_letter_topic": plan.dead_letter_topic, "created": created,
                "iam": "not managed (emulator)" if self.emulator else "managed"}

    # --- topics and subscriptions ------------------------------------------------------------
    def topic_path(self, topic: str) -> str:
        return self.publisher.topic_path(self.project_id, topic)

    def _ensure_topic(self, topic: str) -> bool:
        request: dict[str, Any] = {
            "name": self.topic_path(topic),
            "message_storage_policy": {"allowed_persistence_regions": [self.region]},
        }
        if self.kms_key_name:
            request["kms_key_name"] = self.kms_key_name
        try:
            self.publisher.create_topic(request=request)
            return True
        except gexc.AlreadyExists:
            return False

    def _subscription(self, sub: SubscriptionPlan, dead_letter_topic: str) -> dict[str, Any]:
        request: dict[str, Any] = {
            "name": self.subscriber.subscription_path(self.project_id, sub.name),
            "topic": self.topic_path(sub.topic),
            "enable_message_ordering": sub.ordering,
            "ack_deadline_seconds": sub.ack_deadline_seconds,
            "message_retention_duration": duration_pb2.Duration(seconds=sub.retention_seconds),
            "dead_letter_policy": {"dead_letter_topic": self.topic_path(dead_letter_topic),
                                   "max_delivery_attempts": sub.max_delivery_attempts},
            "retry_policy": {"minimum_backoff": duration_pb2.Duration(seconds=sub.min_backoff_seconds),
                             "maximum_backoff": duration_pb2.Duration(seconds=sub.max_backoff_seconds)},
            "expiration_policy": {},  # no ttl: never expires (an idle ERP must not lose its subscription)
            "push_config": {},
        }
        if sub.push:
            # functions-framework reads the topic, hence the contractor, from this path.
            push: dict[str, Any] = {"push_endpoint": f"{self.push_url}/projects/{self.project_id}/topics/{sub.topic}"}
            if self.push_service_account:
                push["oidc_token"] = {"service_account_email": self.push_service_account, "audience": self.push_url}
            request["push_config"] = push
        return request

    def _ensure_subscription(self, sub: SubscriptionPlan, dead_letter_topic: str) -> bool:
        request = self._subscription(sub, dead_letter_topic)
        try:
            self.subscriber.create_subscription(request=request)
            return True
        except gexc.AlreadyExists:
            pass
        settings = {k: v for k, v in request.items() if k not in ("topic", "enable_message_ordering")}
        paths = _UPDATED_FIELDS[:-1] if self.emulator else _UPDATED_FIELDS
        self.subscriber.update_subscription(request={
            "subscription": settings, "update_mask": field_mask_pb2.FieldMask(paths=paths)})
        return False

    # --- IAM ---------------------------------------------------------------------------------
    def _set_policy(self, kind: str, name: str, bindings: dict[str, tuple[str, ...]]) -> int:
        """Set the resource's policy to exactly ``bindings``; 1 if it changed, 0 if it already matched."""
        client = self.publisher if kind == "topic" else self.subscriber
        resource = (self.topic_path(name) if kind == "topic"
                    else self.subscriber.subscription_path(self.project_id, name))
        policy = client.get_iam_policy(request={"resource": resource})
        current = {b.role: tuple(sorted(b.members)) for b in policy.bindings if b.members}
        wanted = {role: tuple(sorted(members)) for role, members in bindings.items() if members}
        if current == wanted:
            return 0
        del policy.bindings[:]
        for role, members in sorted(wanted.items()):
            policy.bindings.add(role=role, members=list(members))
        client.set_iam_policy(request={"resource": resource, "policy": policy})  # carries the etag read
        return 1

    def close(self) -> None:
        self.subscriber.close()
