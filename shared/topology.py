"""Names and shape of the Pub/Sub topology: one contract shared by code, scripts and Terraform.

Per contractor, three topics and three subscriptions (docs/topology.md):

  orders-<c>     platform -> contractor   pulled by the ERP through orders-<c>-erp
  execution-<c>  contractor -> platform   pushed into publish_execution through execution-<c>-push
  replies-<c>    platform -> contractor   pulled by the ERP through replies-<c>-erp

Every one of them dead-letters into one shared topic, ``contractors-dead-letter`` (drained by ops
through ``contractors-dead-letter-ops``; Pub/Sub stamps each forwarded message with the
subscription it came from). The platform-level resources are Terraform's; a contractor's own are
provisioned at run time when it is registered (``contractor_topology`` is the plan, the
``Topology`` port applies it). Isolation stays by topic: the topic a message arrived on names its
sender, and each ERP identity is granted its own three resources only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLATFORM_SOURCE = "//passerelle.fr/hub"

# One dead-letter topic for every contractor subscription, and its ops subscription.
CONTRACTOR_DEAD_LETTER = "contractors-dead-letter"
CONTRACTOR_DEAD_LETTER_OPS = f"{CONTRACTOR_DEAD_LETTER}-ops"

# What one contractor costs in the project (docs/topology.md, "Capacity").
TOPICS_PER_CONTRACTOR = 3
SUBSCRIPTIONS_PER_CONTRACTOR = 3
SEVEN_DAYS_SECONDS = 7 * 24 * 3600

PUBLISHER = "roles/pubsub.publisher"
SUBSCRIBER = "roles/pubsub.subscriber"
VIEWER = "roles/pubsub.viewer"


def orders_topic(contractor_id: str) -> str:
    """Platform → contractor: orders issued, manager decisions, quote requests and decisions, contracts,
    billing accounts and catalogues."""
    return f"orders-{contractor_id}"


def execution_topic(contractor_id: str) -> str:
    """Contractor → platform: execution reports."""
    return f"execution-{contractor_id}"


def replies_topic(contractor_id: str) -> str:
    """Platform → contractor: one reply per execution message (accepted or rejected)."""
    return f"replies-{contractor_id}"


def dead_letter_topic(topic: str) -> str:
    """Where a contractor topic's undeliverable messages go: the one shared dead-letter topic."""
    return CONTRACTOR_DEAD_LETTER


def push_subscription(contractor_id: str) -> str:
    return f"{execution_topic(contractor_id)}-push"


def erp_subscription(topic: str) -> str:
    return f"{topic}-erp"


def ops_subscription(topic: str) -> str:
    return f"{topic}-ops"


# The platform → contractor topics, by stream: a message replayed later (``list_messages``,
# ``redeliver_messages``) is redelivered on its contractor's topic of that stream as named then.
OUTGOING_STREAMS = {"orders": orders_topic, "replies": replies_topic}


def outgoing_topic(contractor_id: str, stream: str) -> str:
    return OUTGOING_STREAMS[stream](contractor_id)


def recipient_of(topic: str) -> tuple[str, str] | None:
    """(contractor, stream) of a platform → contractor topic; None for any other topic."""
    for stream, name in OUTGOING_STREAMS.items():
        prefix, _, suffix = name("\0").partition("\0")
        inner = topic[len(prefix):len(topic) - len(suffix)] if topic.startswith(prefix) and topic.endswith(suffix) \
            else ""
        if inner and not inner.endswith("-dead-letter") and name(inner) == topic:
            return inner, stream
    return None


def contractor_topics(contractor_id: str) -> list[str]:
    return [orders_topic(contractor_id), execution_topic(contractor_id), replies_topic(contractor_id)]


_EXECUTION_TOPIC = re.compile(r"(?:^|/)topics/execution-(?P<contractor>[A-Za-z0-9][A-Za-z0-9._\-]{0,63})$")


def contractor_from_topic(topic_path: str) -> str | None:
    """The contractor that owns an execution topic, from ``projects/p/topics/execution-<id>``.

    The tenant of a Pub/Sub message comes from where it arrived, never from its payload.
    """
    match = _EXECUTION_TOPIC.search(topic_path)
    if not match or match.group("contractor").endswith("-dead-letter"):
        return None
    return match.group("contractor")


# --- the plan of one contractor's resources ------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionPlan:
    """One subscription: pushed into ``publish_execution`` (``push``) or pulled by the ERP."""

    name: str
    topic: str
    push: bool
    max_delivery_attempts: int
    ack_deadline_seconds: int = 60
    retention_seconds: int = SEVEN_DAYS_SECONDS
    ordering: bool = True
    min_backoff_seconds: int = 10
    max_backoff_seconds: int = 600


@dataclass(frozen=True)
class ContractorTopology:
    """Everything a contractor owns on the bus, and who may use it. ``erp_members`` are IAM members
    (``serviceAccount:<e-mail>``); none for a contractor without a Pub/Sub connector, or deactivated."""

    contractor_id: str
    topics: tuple[str, ...]
    subscriptions: tuple[SubscriptionPlan, ...]
    dead_letter_topic: str
    erp_members: tuple[str, ...] = ()

    def policies(self, service_agent: str | None = None) -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
        """The whole IAM policy of each of the contractor's resources, keyed by (kind, name): the ERP
        publishes on its execution topic and pulls (and reads) its two subscriptions; the Pub/Sub service
        agent, when known, acknowledges what it forwards to the dead-letter topic. Nobody else is bound
        there: the platform's own functions hold project-level roles."""
        erp = tuple(sorted(set(self.erp_members)))
        found: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
        for topic in self.topics:
            found[("topic", topic)] = {PUBLISHER: erp} if topic == execution_topic(self.contractor_id) and erp else {}
        for sub in self.subscriptions:
            roles: dict[str, tuple[str, ...]] = {}
            if not sub.push and erp:
                roles[SUBSCRIBER], roles[VIEWER] = erp, erp
            if service_agent:
                roles[SUBSCRIBER] = tuple(sorted({*roles.get(SUBSCRIBER, ()), service_agent}))
            found[("subscription", sub.name)] = roles
        return found


def service_account_member(email: str) -> str:
    return f"serviceAccount:{email}"


def contractor_topology(contractor_id: str, erp_service_accounts: tuple[str, ...] = ()) -> ContractorTopology:
    """The plan of a contractor's topics and subscriptions (applied at registration, idempotently)."""
    orders, execution, replies = contractor_topics(contractor_id)
    return ContractorTopology(
        contractor_id=contractor_id,
        topics=(orders, execution, replies),
        subscriptions=(
            SubscriptionPlan(push_subscription(contractor_id), execution, push=True, max_delivery_attempts=5),
            SubscriptionPlan(erp_subscription(orders), orders, push=False, max_delivery_attempts=10),
            SubscriptionPlan(erp_subscription(replies), replies, push=False, max_delivery_attempts=10),
        ),
        dead_letter_topic=CONTRACTOR_DEAD_LETTER,
        erp_members=tuple(service_account_member(e) for e in erp_service_accounts),
    )


def capacity(topics_limit: int = 10_000, subscriptions_limit: int = 10_000, platform_topics: int = 5,
             platform_subscriptions: int = 5) -> int:
    """How many contractors one project holds: the tighter of its topic and subscription limits, less the
    platform's own resources (needs-submitted, exports-requested, their dead letters, the shared one)."""
    return min((topics_limit - platform_topics) // TOPICS_PER_CONTRACTOR,
               (subscriptions_limit - platform_subscriptions) // SUBSCRIPTIONS_PER_CONTRACTOR)
