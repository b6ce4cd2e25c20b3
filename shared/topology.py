"""Names of the Pub/Sub topics and subscriptions: one contract shared by code, scripts and Terraform."""

from __future__ import annotations

import re

PLATFORM_SOURCE = "//passerelle.fr/hub"


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
    return f"{topic}-dead-letter"


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
