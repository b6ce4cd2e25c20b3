"""A contractor's or manager's ERP, as a client would write it: plain HTTP and google-cloud-pubsub."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests
from google.api_core.exceptions import DeadlineExceeded
from google.cloud import pubsub_v1

from devtools.stack import Stack
from devtools.tokens import emulator_token
from shared import topology

EXECUTION_TYPE = "fr.passerelle.execution.reported.v1"


class Erp:
    def __init__(self, stack: Stack, role: str, tenant: str):
        self.stack, self.role, self.tenant = stack, role, tenant
        self.token = emulator_token(stack.project_id, f"erp-{tenant}", role=role, tenant=tenant)
        self._publisher = None
        self._subscriber = None
        self._replies: dict[str, dict] = {}

    # --- HTTPS ---------------------------------------------------------------------------------
    def post(self, function: str, body: Any, *, key: str | None = "auto", token: str | None = "own",
             headers: dict[str, str] | None = None, raw: bytes | None = None,
             params: dict[str, str] | None = None) -> requests.Response:
        all_headers = {"Content-Type": "application/json"}
        if token == "own":
            all_headers["Authorization"] = f"Bearer {self.token}"
        elif token:
            all_headers["Authorization"] = f"Bearer {token}"
        if key == "auto":
            key = uuid.uuid4().hex
        if key:
            all_headers["Idempotency-Key"] = key
        all_headers.update(headers or {})
        data = raw if raw is not None else json.dumps(body).encode()
        return requests.post(self.stack.url(function) + "/", data=data, headers=all_headers, params=params, timeout=30)

    def get_order(self, order_id: str, manager_id: str | None = None) -> requests.Response:
        params = {"order_id": order_id, **({"manager_id": manager_id} if manager_id else {})}
        return requests.get(self.stack.url("get_order") + "/", params=params,
                            headers={"Authorization": f"Bearer {self.token}"}, timeout=30)

    # --- Pub/Sub -------------------------------------------------------------------------------
    @property
    def publisher(self) -> pubsub_v1.PublisherClient:
        if self._publisher is None:
            self._publisher = pubsub_v1.PublisherClient(
                publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True))
        return self._publisher

    @property
    def subscriber(self) -> pubsub_v1.SubscriberClient:
        if self._subscriber is None:
            self._subscriber = pubsub_v1.SubscriberClient()
        return self._subscriber

    def publish(self, report: dict | bytes, *, ce_id: str | None = None, attributes: dict[str, str] | None = None,
                ordering_key: str | None = None) -> str:
        ce_id = ce_id or uuid.uuid4().hex
        attrs = {"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": f"//erp.{self.tenant}/",
                 "ce-type": EXECUTION_TYPE, "content-type": "application/json"}
        if attributes is not None:
            attrs = attributes
        data = report if isinstance(report, bytes) else json.dumps(report).encode()
        key = ordering_key if ordering_key is not None else (report.get("order_id", "") if isinstance(report, dict) else "")
        topic = self.publisher.topic_path(self.stack.project_id, topology.execution_topic(self.tenant))
        self.publisher.publish(topic, data, ordering_key=key, **attrs).result(timeout=30)
        return ce_id

    def pull(self, topic: str, wait: float = 5.0, until: int | None = None) -> list[pubsub_v1.types.PubsubMessage]:
        subscription = self.subscriber.subscription_path(self.stack.project_id, topology.erp_subscription(topic))
        return pull_messages(self.subscriber, subscription, wait, until)

    def reply_to(self, ce_id: str, wait: float = 20.0) -> dict:
        deadline = time.monotonic() + wait
        while ce_id not in self._replies and time.monotonic() < deadline:
            for message in self.pull(topology.replies_topic(self.tenant), wait=1.0, until=1):
                body = json.loads(message.data)
                body["_attributes"] = dict(message.attributes)
                self._replies.setdefault(body["in_reply_to"]["id"], body)
        if ce_id not in self._replies:
            raise TimeoutError(f"no reply to {ce_id} within {wait}s")
        return self._replies[ce_id]

    def replies_seen(self) -> dict[str, dict]:
        return self._replies

    def close(self) -> None:
        if self._subscriber is not None:
            self._subscriber.close()


def pull_messages(subscriber, subscription: str, wait: float, until: int | None = None) -> list:
    received, deadline = [], time.monotonic() + wait
    while time.monotonic() < deadline and (until is None or len(received) < until):
        try:
            response = subscriber.pull(subscription=subscription, max_messages=100, timeout=max(1.0, min(2.0, wait)))
        except DeadlineExceeded:  # an empty subscription on a busy emulator: nothing yet
            continue
        if response.received_messages:
            received += [m.message for m in response.received_messages]
            subscriber.acknowledge(subscription=subscription, ack_ids=[m.ack_id for m in response.received_messages])
    return received


def one_refused_one_accepted(platform: Stack, refused: tuple[str, str], accepted: tuple[str, str]) -> None:
    """Two orders of mgr-test to ctr-test, and a report of each from ctr-test's ERP over Pub/Sub: the first refused
    (« en cours » straight from « à prendre en compte », without its actual start), the second accepted — what
    « Messages envoyés » lists. ``refused``, ``accepted``: (order id, the report's CloudEvents id)."""
    import datetime as dt

    from tests.builders import issue_order_body

    manager = Erp(platform, "manager", "mgr-test")
    (refused_order, refused_id), (accepted_order, accepted_id) = refused, accepted
    for order_id in (refused_order, accepted_order):
        assert manager.post("receive_order", issue_order_body(order_id)).status_code == 201
    erp = Erp(platform, "contractor", "ctr-test")
    occurred = dt.datetime.now(dt.UTC).isoformat()
    try:
        sent = erp.publish({"manager_id": "mgr-test", "order_id": refused_order, "sequence": 1, "state": "in_progress",
                            "occurred_at": occurred, "event": {"label": "Début des travaux"}}, ce_id=refused_id)
        assert erp.reply_to(sent)["status"] == "rejected"
        sent = erp.publish({"manager_id": "mgr-test", "order_id": accepted_order, "sequence": 1, "state": "acknowledged",
                            "occurred_at": occurred, "event": {"label": "Prise en compte"}}, ce_id=accepted_id)
        assert erp.reply_to(sent)["status"] == "accepted"
    finally:
        erp.close()
