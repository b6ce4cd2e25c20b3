"""The Topology adapter on the Pub/Sub emulator (docs/topology.md): a contractor's topics and
subscriptions made at run time, idempotently — including the subscriptions Terraform once created with
a dead-letter topic of their own, updated in place (the migration).

What the emulator cannot show is checked elsewhere: it returns no dead-letter policy, retention nor
storage policy when a resource is read back, and it never dead-letters a message of an *ordered*
subscription (every contractor subscription is ordered) — after the last attempt the message is
dropped; unordered ones do dead-letter, stamped with their source subscription. So this file checks
what the emulator does keep (the resources, push endpoints, ordering, idempotence, an update of an
existing subscription being accepted), and tests/unit/test_topology_adapter.py checks the requests
the adapter sends (dead-letter topic, retention, retry, storage policy, OIDC, IAM policies)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from google.cloud import pubsub_v1

from shared import topology
from shared.adapters.pubsub import PubSubAdmin
from shared.adapters.pubsub_topology import PubSubTopology

pytestmark = pytest.mark.emulators


class _Failing(BaseHTTPRequestHandler):
    """A publish_execution that cannot process anything: every push is a 500."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def failing_endpoint():
    server = HTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/publish_execution"
    server.shutdown()


@pytest.fixture
def provisioner(emulators, failing_endpoint):
    emulators.provision_contractor_dead_letter()
    adapter = PubSubTopology(emulators.project_id, push_url=failing_endpoint, emulator=True)
    yield adapter
    adapter.close()


def test_a_contractor_s_topology_is_created_once_and_applying_it_again_changes_nothing(emulators, provisioner):
    # Given a contractor never seen by the emulator
    plan = topology.contractor_topology("ctr-topo-a")
    # When its plan is applied twice
    first = provisioner.apply(plan)
    again = provisioner.apply(plan)
    publisher = pubsub_v1.PublisherClient()
    topics = {t.name.rsplit("/", 1)[1] for t in publisher.list_topics(project=f"projects/{emulators.project_id}")}
    # Then the first run created its three topics and three subscriptions, the second none
    assert set(first["created"]) == {*plan.topics, *(s.name for s in plan.subscriptions)}
    assert again["created"] == [] and set(plan.topics) <= topics
    subscriber = pubsub_v1.SubscriberClient()
    push = subscriber.get_subscription(subscription=subscriber.subscription_path(
        emulators.project_id, "execution-ctr-topo-a-push"))
    erp = subscriber.get_subscription(subscription=subscriber.subscription_path(
        emulators.project_id, "orders-ctr-topo-a-erp"))
    subscriber.close()
    # And the push goes to publish_execution under a path naming the topic (hence the contractor), in order
    assert push.push_config.push_endpoint.endswith("/projects/demo-passerelle/topics/execution-ctr-topo-a")
    assert push.enable_message_ordering and erp.enable_message_ordering and not erp.push_config.push_endpoint


def test_subscriptions_made_with_a_dead_letter_topic_of_their_own_are_updated_in_place(emulators, provisioner,
                                                                                     failing_endpoint):
    # Given a contractor provisioned the old way (Terraform's per-topic dead-letter topics)
    admin = PubSubAdmin(emulators.project_id)
    old_dead = "execution-ctr-topo-c-dead-letter"
    admin.ensure_topic("execution-ctr-topo-c")
    admin.ensure_topic(old_dead)
    admin.ensure_subscription("execution-ctr-topo-c-push", "execution-ctr-topo-c", dead_letter_topic=old_dead,
                              push_endpoint="http://127.0.0.1:9/old-endpoint")
    admin.close()
    # When it is registered again (the migration: docs/topology.md)
    result = provisioner.apply(topology.contractor_topology("ctr-topo-c"))
    # Then its existing subscription was kept (not re-created) and updated: it pushes where the plan says
    assert "execution-ctr-topo-c-push" not in result["created"]
    subscriber = pubsub_v1.SubscriberClient()
    push = subscriber.get_subscription(subscription=subscriber.subscription_path(
        emulators.project_id, "execution-ctr-topo-c-push"))
    subscriber.close()
    assert push.push_config.push_endpoint == (f"{failing_endpoint}/projects/{emulators.project_id}"
                                              "/topics/execution-ctr-topo-c")
