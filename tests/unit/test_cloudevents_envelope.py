"""Unwrapping Pub/Sub push deliveries: the tenant comes from the topic, envelope errors are answers."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cloudevents.http import CloudEvent

from shared.edge.cloudevents import UnknownChannel, inbound_from_pubsub

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
GOOD = {"ce-specversion": "1.0", "ce-id": "evt-1", "ce-source": "//erp.acme/", "ce-type": "fr.passerelle.execution.reported.v1"}


def delivery(attributes: dict, data: bytes = b'{"a": 1}', topic: str = "execution-ctr-acme") -> CloudEvent:
    return CloudEvent(
        {"type": "google.cloud.pubsub.topic.v1.messagePublished", "id": "42",
         "source": f"//pubsub.googleapis.com/projects/demo/topics/{topic}"},
        {"message": {"data": base64.b64encode(data).decode(), "attributes": attributes, "messageId": "42",
                     "publishTime": "2026-03-03T08:59:58.123456789Z"}},
    )


def test_a_well_formed_message_is_unwrapped_with_its_publish_time():
    msg = inbound_from_pubsub(delivery(GOOD), NOW)
    assert (msg.contractor_id, msg.source, msg.id, msg.envelope_errors) == ("ctr-acme", "//erp.acme/", "evt-1", ())
    assert msg.received_at == dt.datetime(2026, 3, 3, 8, 59, 58, 123456, tzinfo=dt.UTC)
    assert msg.data == b'{"a": 1}'


def test_missing_or_wrong_attributes_are_all_reported():
    msg = inbound_from_pubsub(delivery({"ce-specversion": "0.3", "ce-type": "other", "content-type": "text/xml"}), NOW)
    assert [(e.field, e.code) for e in msg.envelope_errors] == [
        ("attributes.ce-id", "INVALID_ENVELOPE"),
        ("attributes.ce-source", "INVALID_ENVELOPE"),
        ("attributes.ce-specversion", "INVALID_ENVELOPE"),
        ("attributes.ce-type", "UNKNOWN_EVENT_TYPE"),
        ("attributes.content-type", "UNSUPPORTED_MEDIA_TYPE"),
    ]
    assert msg.id == "pubsub-message:42"  # still deduplicated, by the Pub/Sub message id


def test_the_tenant_never_comes_from_the_payload_and_unknown_topics_are_refused():
    with pytest.raises(UnknownChannel):
        inbound_from_pubsub(delivery(GOOD, topic="orders-ctr-acme"), NOW)
    with pytest.raises(UnknownChannel):
        inbound_from_pubsub(delivery(GOOD, topic="execution-ctr-acme-dead-letter"), NOW)


@pytest.mark.parametrize("ce_type", ["fr.passerelle.quote.submitted.v1", "fr.passerelle.document.uploaded.v1"])
def test_quote_and_document_messages_share_the_contractor_topic(ce_type):
    # Given a quote or document message on the contractor's topic; When unwrapped
    msg = inbound_from_pubsub(delivery({**GOOD, "ce-type": ce_type}), NOW)
    # Then its type is kept for routing, with no envelope error
    assert (msg.type, msg.envelope_errors) == (ce_type, ())


def test_a_platform_to_contractor_type_is_not_accepted_on_the_contractor_topic():
    # Given a reply type published by a contractor; When unwrapped; Then it is UNKNOWN_EVENT_TYPE
    msg = inbound_from_pubsub(delivery({**GOOD, "ce-type": "fr.passerelle.reply.accepted.v1"}), NOW)
    assert [(e.field, e.code) for e in msg.envelope_errors] == [("attributes.ce-type", "UNKNOWN_EVENT_TYPE")]
