"""What the Topology adapter asks of Pub/Sub's admin API (shared/adapters/pubsub_topology.py), on
recording clients: the settings the emulator does not echo back (dead-letter topic, retention, retry,
storage policy, OIDC push) and the IAM policies it does not implement. The emulator run is in
tests/integration/test_pubsub_topology.py."""

from __future__ import annotations

from google.api_core import exceptions as gexc
from google.iam.v1 import policy_pb2

from shared import topology
from shared.adapters.pubsub_topology import PubSubTopology

PROJECT = "passerelle-prod"
PUSH = "https://europe-west9-passerelle-prod.cloudfunctions.net/publish-execution"
ERP = "erp-acme@acme-erp.iam.gserviceaccount.com"
AGENT = "service-42@gcp-sa-pubsub.iam.gserviceaccount.com"


class Admin:
    """The publisher and subscriber admin calls, recorded; resources named in ``existing`` already exist;
    IAM policies kept per resource with an etag."""

    def __init__(self, existing: set[str] = frozenset()):
        self.existing, self.calls, self.policies = set(existing), [], {}

    def topic_path(self, project: str, topic: str) -> str:
        return f"projects/{project}/topics/{topic}"

    def subscription_path(self, project: str, name: str) -> str:
        return f"projects/{project}/subscriptions/{name}"

    def _create(self, kind: str, request: dict) -> None:
        self.calls.append((kind, request))
        if request["name"] in self.existing:
            raise gexc.AlreadyExists(request["name"])
        self.existing.add(request["name"])

    def create_topic(self, request: dict) -> None:
        self._create("create_topic", request)

    def create_subscription(self, request: dict) -> None:
        self._create("create_subscription", request)

    def update_subscription(self, request: dict) -> None:
        self.calls.append(("update_subscription", request))

    def get_iam_policy(self, request: dict) -> policy_pb2.Policy:
        policy = policy_pb2.Policy()
        policy.CopyFrom(self.policies.get(request["resource"], policy_pb2.Policy(etag=b"e0")))
        return policy

    def set_iam_policy(self, request: dict) -> None:
        self.calls.append(("set_iam_policy", request))
        stored = policy_pb2.Policy()
        stored.CopyFrom(request["policy"])
        stored.etag = b"e1"
        self.policies[request["resource"]] = stored

    def close(self) -> None:
        pass


def adapter(admin: Admin, **options) -> PubSubTopology:
    return PubSubTopology(PROJECT, push_url=PUSH, push_service_account="pubsub-push@passerelle-prod.iam."
                          "gserviceaccount.com", service_agent=AGENT, publisher=admin, subscriber=admin, **options)


def requests(admin: Admin, kind: str) -> dict[str, dict]:
    return {r.get("name") or r.get("resource") or r["subscription"]["name"]: r for k, r in admin.calls if k == kind}


def test_topics_keep_their_messages_in_the_region_and_subscriptions_dead_letter_to_the_shared_topic():
    admin = Admin()
    # When a new contractor's plan is applied
    adapter(admin).apply(topology.contractor_topology("ctr-acme", (ERP,)))
    # Then each topic is created with the Paris storage policy
    topics = requests(admin, "create_topic")
    assert set(topics) == {f"projects/{PROJECT}/topics/{t}" for t in ("orders-ctr-acme", "execution-ctr-acme",
                                                                      "replies-ctr-acme")}
    assert all(t["message_storage_policy"] == {"allowed_persistence_regions": ["europe-west9"]}
               for t in topics.values())
    # And, without customer-managed keys, Pub/Sub's own encryption (no key named)
    assert all("kms_key_name" not in t for t in topics.values())
    # And each subscription is ordered, kept 7 days, never expires, backs off 10 s to 10 min, and
    # dead-letters into contractors-dead-letter (5 attempts for the push, 10 for the ERP's pulls)
    subs = requests(admin, "create_subscription")
    shared = f"projects/{PROJECT}/topics/contractors-dead-letter"
    for name, attempts in (("execution-ctr-acme-push", 5), ("orders-ctr-acme-erp", 10), ("replies-ctr-acme-erp", 10)):
        sub = subs[f"projects/{PROJECT}/subscriptions/{name}"]
        assert sub["dead_letter_policy"] == {"dead_letter_topic": shared, "max_delivery_attempts": attempts}, name
        assert sub["enable_message_ordering"] and sub["message_retention_duration"].seconds == 604800, name
        assert sub["expiration_policy"] == {}, name
        assert (sub["retry_policy"]["minimum_backoff"].seconds, sub["retry_policy"]["maximum_backoff"].seconds) == (
            10, 600), name
    # And the push carries the OIDC token of pubsub-push, to a path naming the topic
    push = subs[f"projects/{PROJECT}/subscriptions/execution-ctr-acme-push"]["push_config"]
    assert push["push_endpoint"] == f"{PUSH}/projects/{PROJECT}/topics/execution-ctr-acme"
    assert push["oidc_token"] == {"service_account_email": "pubsub-push@passerelle-prod.iam.gserviceaccount.com",
                                  "audience": PUSH}


def test_existing_subscriptions_are_updated_to_the_plan_and_never_recreated():
    # Given a contractor whose subscriptions Terraform created (with their own dead-letter topics)
    names = [f"projects/{PROJECT}/subscriptions/{n}" for n in ("execution-ctr-acme-push", "orders-ctr-acme-erp",
                                                                 "replies-ctr-acme-erp")]
    admin = Admin(existing=set(names) | {f"projects/{PROJECT}/topics/{t}" for t in topology.contractor_topics(
        "ctr-acme")})
    # When it is registered through the API
    result = adapter(admin).apply(topology.contractor_topology("ctr-acme"))
    # Then nothing was created, and each subscription got the plan's settings, ordering untouched
    updates = requests(admin, "update_subscription")
    assert result["created"] == [] and set(updates) == set(names)
    for update in updates.values():
        paths = update["update_mask"].paths
        assert "dead_letter_policy" in paths and "expiration_policy" in paths
        assert update["subscription"]["dead_letter_policy"]["dead_letter_topic"].endswith("/contractors-dead-letter")
        assert "enable_message_ordering" not in update["subscription"] and "topic" not in update["subscription"]


def test_iam_policies_are_set_to_the_plan_and_rewritten_only_when_they_differ():
    admin = Admin()
    provisioner = adapter(admin)
    # When a contractor with an ERP is provisioned
    provisioner.apply(topology.contractor_topology("ctr-acme", (ERP,)))
    execution = admin.policies[f"projects/{PROJECT}/topics/execution-ctr-acme"]
    orders_erp = admin.policies[f"projects/{PROJECT}/subscriptions/orders-ctr-acme-erp"]
    # Then the ERP publishes on its execution topic, pulls its subscription, and the agent acknowledges dead letters
    assert {b.role: list(b.members) for b in execution.bindings} == {
        "roles/pubsub.publisher": [f"serviceAccount:{ERP}"]}
    assert {b.role: sorted(b.members) for b in orders_erp.bindings} == {
        "roles/pubsub.subscriber": sorted([f"serviceAccount:{ERP}", f"serviceAccount:{AGENT}"]),
        "roles/pubsub.viewer": [f"serviceAccount:{ERP}"]}
    # And the write carried the etag read (a concurrent change makes it fail instead of being overwritten)
    [first] = [r for k, r in admin.calls if k == "set_iam_policy"
               and r["resource"].endswith("/topics/execution-ctr-acme")]
    assert first["policy"].etag == b"e0"
    # When the same plan is applied again, no policy is written; when the ERP goes, its bindings go
    writes = len(requests(admin, "set_iam_policy"))
    admin.calls.clear()
    provisioner.apply(topology.contractor_topology("ctr-acme", (ERP,)))
    assert requests(admin, "set_iam_policy") == {}
    provisioner.apply(topology.contractor_topology("ctr-acme"))
    members = {m for p in admin.policies.values() for b in p.bindings for m in b.members}
    assert writes == 4 and members == {f"serviceAccount:{AGENT}"}


def test_on_the_emulator_no_iam_call_is_made_and_the_expiration_policy_is_not_updated():
    names = {f"projects/{PROJECT}/subscriptions/orders-ctr-acme-erp"}
    admin = Admin(existing=names)
    adapter(admin, emulator=True).apply(topology.contractor_topology("ctr-acme", (ERP,)))
    assert requests(admin, "set_iam_policy") == {}
    [update] = requests(admin, "update_subscription").values()
    assert "expiration_policy" not in update["update_mask"].paths


def test_with_customer_managed_keys_each_new_topic_is_encrypted_with_the_pubsub_key():
    # Given the platform runs with B15 customer-managed keys (PASSERELLE_PUBSUB_KMS_KEY, infra/terraform/kms.tf)
    key = f"projects/{PROJECT}/locations/europe-west9/keyRings/passerelle/cryptoKeys/pubsub"
    admin = Admin()
    # When a new contractor's plan is applied
    adapter(admin, kms_key_name=key).apply(topology.contractor_topology("ctr-acme", (ERP,)))
    # Then each of its topics is created with that key, its storage policy unchanged
    topics = requests(admin, "create_topic")
    assert len(topics) == 3
    assert {t["kms_key_name"] for t in topics.values()} == {key}
    assert all(t["message_storage_policy"] == {"allowed_persistence_regions": ["europe-west9"]}
               for t in topics.values())
