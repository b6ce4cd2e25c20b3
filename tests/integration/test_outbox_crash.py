"""A crash between the state write and the reply publish loses nothing (real Firestore and Pub/Sub)."""

from __future__ import annotations

import json
import time

import pytest
from google.api_core.exceptions import DeadlineExceeded

from shared import topology
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.adapters.pubsub import PubSubPublisher
from shared.domain.messages import IssueOrder, ReplyStatus
from shared.service import outbox
from shared.service.executions import record_execution
from shared.service.orders import receive_order
from shared.service.order_store import load_order
from tests.builders import MANAGER, NOW, inbound, issue_order_body, report
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


class CrashingPublisher:
    def publish(self, *args, **kwargs):
        raise Crash()


def pull_all(subscriber, subscription: str, wait: float = 5.0) -> list:
    received, deadline = [], time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            response = subscriber.pull(subscription=subscription, max_messages=50, timeout=2)
        except DeadlineExceeded:  # an empty subscription on a busy emulator: nothing yet
            continue
        if response.received_messages:
            received += response.received_messages
            subscriber.acknowledge(subscription=subscription, ack_ids=[m.ack_id for m in response.received_messages])
            deadline = min(deadline, time.monotonic() + 0.5)
    return received


def test_a_crash_after_commit_is_recovered_by_the_relay_with_nothing_lost(emulators, clean_firestore):
    from google.cloud import pubsub_v1

    contractor = "ctr-crash"
    emulators.provision_contractor(contractor)
    clean_firestore.collection("contractors").document(contractor).set({"name": "Crash", "managers": [MANAGER]})
    clean_firestore.document(f"managers/{MANAGER}/contracts/AC-CRASH").set(  # A13: the order names its contract
        {"contract_id": "AC-CRASH", "contractor_id": contractor, "status": "active"})
    clock = FixedClock(NOW)
    publisher = PubSubPublisher(emulators.project_id)
    platform = FirestoreUnitOfWork(clean_firestore, publisher)
    subscriber = pubsub_v1.SubscriberClient()
    replies = subscriber.subscription_path(emulators.project_id, topology.erp_subscription(topology.replies_topic(contractor)))
    orders = subscriber.subscription_path(emulators.project_id, topology.erp_subscription(topology.orders_topic(contractor)))
    order = IssueOrder.model_validate(issue_order_body(contractor_id=contractor, contract_id="AC-CRASH"), strict=False)

    # Given an order delivered to the contractor
    receive_order(MANAGER, order, platform.fork(), clock)
    assert [json.loads(m.message.data)["order_id"] for m in pull_all(subscriber, orders)] == ["BC-2026-014"]

    # When the process dies right after committing an execution report, before the reply is published
    message = inbound(report(1, "acknowledged"), contractor_id=contractor)
    with pytest.raises(Crash):
        record_execution(message, FirestoreUnitOfWork(clean_firestore, CrashingPublisher()), clock)

    # Then the state is there and the reply waits in the outbox
    assert load_order(platform.fork(), MANAGER, "BC-2026-014").state.value == "acknowledged"
    assert pull_all(subscriber, replies, wait=1.5) == []
    # When the relay runs, the reply is published
    assert outbox.relay(platform.fork())["sent"] == 1
    [reply] = pull_all(subscriber, replies)
    assert json.loads(reply.message.data)["status"] == "accepted"
    assert reply.message.attributes["ce-id"] == f"reply-{message.key}" and reply.message.ordering_key == "BC-2026-014"
    # And Pub/Sub redelivering the message changes nothing and publishes nothing new
    again = record_execution(message, platform.fork(), clock)
    assert again.status is ReplyStatus.ACCEPTED
    assert load_order(platform.fork(), MANAGER, "BC-2026-014").last_sequence == 1
    assert pull_all(subscriber, replies, wait=1.5) == []
    subscriber.close()
