"""The Pub/Sub topology plan of a contractor (shared/topology.py, docs/topology.md): names, settings,
who may do what, and how many contractors one project holds."""

from __future__ import annotations

from shared import topology
from shared.topology import PUBLISHER, SUBSCRIBER, VIEWER, contractor_topology

ERP = "erp-acme@acme-erp.iam.gserviceaccount.com"
AGENT = "serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com"


def test_a_contractor_owns_three_topics_and_three_subscriptions_that_share_one_dead_letter_topic():
    # Given the plan of a contractor
    plan = contractor_topology("ctr-acme")
    # When reading its resources
    subscriptions = {s.name: s for s in plan.subscriptions}
    # Then the names are those the connector guides give, and every subscription dead-letters to the shared topic
    assert plan.topics == ("orders-ctr-acme", "execution-ctr-acme", "replies-ctr-acme")
    assert set(subscriptions) == {"execution-ctr-acme-push", "orders-ctr-acme-erp", "replies-ctr-acme-erp"}
    assert plan.dead_letter_topic == topology.CONTRACTOR_DEAD_LETTER == "contractors-dead-letter"
    assert topology.dead_letter_topic("orders-ctr-acme") == topology.CONTRACTOR_DEAD_LETTER
    assert (len(plan.topics), len(plan.subscriptions)) == (topology.TOPICS_PER_CONTRACTOR,
                                                         topology.SUBSCRIPTIONS_PER_CONTRACTOR)


def test_subscriptions_keep_order_and_seven_days_and_dead_letter_after_their_attempts():
    # Given the plan of a contractor
    subscriptions = {s.name: s for s in contractor_topology("ctr-acme").subscriptions}
    # When reading each subscription's settings
    push, orders, replies = (subscriptions[n] for n in ("execution-ctr-acme-push", "orders-ctr-acme-erp",
                                                         "replies-ctr-acme-erp"))
    # Then messages stay ordered for a week; the push gives up after 5 attempts, the ERP's pulls after 10
    assert all(s.ordering and s.retention_seconds == 7 * 24 * 3600 for s in subscriptions.values())
    assert (push.push, push.topic, push.max_delivery_attempts) == (True, "execution-ctr-acme", 5)
    assert (orders.push, orders.topic, orders.max_delivery_attempts) == (False, "orders-ctr-acme", 10)
    assert (replies.push, replies.topic, replies.max_delivery_attempts) == (False, "replies-ctr-acme", 10)


def test_the_erp_may_publish_on_its_execution_topic_and_pull_its_two_subscriptions_and_nothing_else():
    # Given a contractor whose ERP has a service account, and the Pub/Sub service agent
    plan = contractor_topology("ctr-acme", (ERP,))
    # When computing the IAM policy of each of its resources
    policies = plan.policies(AGENT)
    member = f"serviceAccount:{ERP}"
    # Then the ERP publishes on execution-<c> only, pulls and reads its two ERP subscriptions, and the
    # service agent acknowledges what it dead-letters on every subscription
    assert policies[("topic", "execution-ctr-acme")] == {PUBLISHER: (member,)}
    assert policies[("topic", "orders-ctr-acme")] == {} and policies[("topic", "replies-ctr-acme")] == {}
    for name in ("orders-ctr-acme-erp", "replies-ctr-acme-erp"):
        assert policies[("subscription", name)] == {SUBSCRIBER: tuple(sorted((member, AGENT))), VIEWER: (member,)}
    assert policies[("subscription", "execution-ctr-acme-push")] == {SUBSCRIBER: (AGENT,)}


def test_a_contractor_without_erp_member_leaves_its_resources_to_the_service_agent_alone():
    # Given a contractor registered without (or deactivated from) an ERP identity
    policies = contractor_topology("ctr-acme").policies(AGENT)
    # Then no binding names anyone but the service agent: a deactivated ERP loses every permission
    members = {m for roles in policies.values() for ms in roles.values() for m in ms}
    assert members == {AGENT}


def test_another_contractor_s_erp_is_never_bound_on_these_resources():
    # Given two contractors with their own ERPs
    acme = contractor_topology("ctr-acme", (ERP,)).policies()
    other = contractor_topology("ctr-other", ("erp-other@other.iam.gserviceaccount.com",)).policies()
    # Then each policy names only its own ERP, on its own resources
    assert all(f"serviceAccount:{ERP}" not in ms for roles in other.values() for ms in roles.values())
    assert not set(acme) & set(other)


def test_one_project_holds_more_than_three_thousand_contractors():
    # Given Pub/Sub's limits of 10,000 topics and 10,000 subscriptions per project
    # When the platform's own resources are set aside
    # Then the three topics and three subscriptions of each contractor leave room for 3,331 contractors
    # (six topics each, with their own dead-letter topics, gave 1,665)
    assert topology.capacity() == 3331
    assert (10_000 - 5) // 6 == 1665
