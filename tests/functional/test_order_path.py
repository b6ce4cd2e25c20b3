"""The order path end to end, through HTTPS and Pub/Sub, as ERPs use it (A2.3, A3, A4, A5, A6)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.builders import LIFE, invoice_body, issue_order_body

pytestmark = pytest.mark.emulators


def now_minus(**delta) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(**delta)).isoformat()


def execution(sequence: int, state: str | None = None, order_id: str = "BC-2026-014", **fields) -> dict:
    body = {"manager_id": "mgr-test", "order_id": order_id, "sequence": sequence,
            "occurred_at": now_minus(minutes=1), "event": {"label": f"Étape {sequence}", "code": "STEP"}}
    if state:
        body["state"] = state
    return {**body, **fields}


def send_order(manager, order_id: str = "BC-2026-014", **overrides) -> dict:
    response = manager.post("receive_order", issue_order_body(order_id, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def test_an_order_lives_from_to_acknowledge_to_closed_over_pubsub(manager, contractor):
    # Given a manager's ERP that sends an order over HTTPS
    send_order(manager)
    # Then the contractor receives it on its orders topic, as a CloudEvent keyed by the order
    [delivered] = contractor.pull("orders-ctr-test", wait=10, until=1)
    assert delivered.attributes["ce-type"] == "fr.passerelle.order.issued.v1"
    assert delivered.ordering_key == "BC-2026-014"
    assert json.loads(delivered.data)["lines"][1]["quantity"] == "2.5"
    # When the contractor's ERP reports every step on Pub/Sub, the manager receives the work done, the
    # contractor invoices what was received (on Pub/Sub too) and the manager closes the order (A6, B7, B10)
    for sequence, (actor, state, fields) in enumerate(LIFE, start=1):
        if actor == "manager" and state == "received":
            reception = manager.post("record_reception", {"order_id": "BC-2026-014", "occurred_at": now_minus(minutes=1),
                                                          **fields})
            assert reception.status_code == 200 and reception.json()["state"] == state, reception.text
        elif actor == "manager":
            decision = manager.post("change_order_state", {"order_id": "BC-2026-014", "occurred_at": now_minus(minutes=1),
                                                           "state": state})
            assert decision.status_code == 200 and decision.json()["state"] == state, decision.text
        elif state == "invoiced":
            ce_id = _publish_invoice(contractor, fields["invoice_number"])
            reply = contractor.reply_to(ce_id)
            assert reply["status"] == "accepted", reply["errors"]
            assert reply["order_state"] == state and reply["invoice_number"] == fields["invoice_number"]
        else:
            reply = contractor.reply_to(contractor.publish(execution(sequence, state, **fields)))
            # Then each report is accepted, with its measured delay
            assert reply["status"] == "accepted", reply["errors"]
            assert reply["order_state"] == state and reply["late"] is False and 55 < reply["delay_seconds"] < 120
    # And the manager sees the closed order, its history and every reported field
    view = manager.get_order("BC-2026-014").json()
    order = view["order"]
    assert order["state"] == "closed" and order["invoice_date"] == "2026-03-10" and order["progress"] == 100
    assert order["site_lead"] == {"last_name": "Martin", "first_name": "Léa", "mobile": "+33612345678"}
    assert order["line_status"] == {"L1": True, "L2": False}
    assert order["invoices"] == ["F-2026-0042"] and list(order["reception"]) == ["L1"]
    first, *reports = view["events"]  # how the order came first: received from the manager's ERP (no sequence)
    assert (first["event_id"], first["kind"], first["state_after"]) == ("received", "received", "to_acknowledge")
    assert [e["state_after"] for e in reports] == [state for _, state, _ in LIFE]
    assert [e["channel"] for e in reports] == ["pubsub"] * 4 + ["rest", "pubsub", "rest"]
    sequences = [e["sequence"] for e in reports if e.get("sequence") is not None]  # none moved by the first entry
    assert sequences == list(range(1, len(sequences) + 1)) and view["order"]["last_sequence"] == len(sequences)
    assert all(e.get("late") is not True for e in view["events"])


def _publish_invoice(contractor, number: str) -> str:
    ce_id = f"invoice-{number}"
    contractor.publish(invoice_body(number), ce_id=ce_id, attributes={
        "ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "//erp.ctr-test/",
        "ce-type": "fr.passerelle.invoice.submitted.v1", "content-type": "application/json"})
    return ce_id


def test_rest_and_pubsub_give_the_same_answer(manager, contractor):
    send_order(manager, "BC-REST")
    send_order(manager, "BC-BUS")
    good = {"state": "acknowledged"}
    bad = {"state": "completed", "progress": 100}
    rest_ok = contractor.post("submit_execution", execution(1, order_id="BC-REST", **good))
    bus_ok = contractor.reply_to(contractor.publish(execution(1, order_id="BC-BUS", **good)))
    rest_ko = contractor.post("submit_execution", execution(2, order_id="BC-REST", **bad))
    bus_ko = contractor.reply_to(contractor.publish(execution(2, order_id="BC-BUS", **bad)))
    assert rest_ok.status_code == 200 and rest_ko.status_code == 422
    assert rest_ko.headers["Content-Type"] == "application/problem+json"

    def comparable(reply: dict) -> dict:
        return {k: v for k, v in reply.items() if k not in {"in_reply_to", "received_at", "delay_seconds", "order_id",
                                                            "_attributes"}}

    assert comparable(rest_ok.json()) == comparable(bus_ok)
    assert comparable(rest_ko.json()["reply"]) == comparable(bus_ko)
    assert [e["code"] for e in rest_ko.json()["errors"]] == ["ILLEGAL_TRANSITION"] == [e["code"] for e in bus_ko["errors"]]
    # The REST reply is published on the reply topic too
    key_reply = contractor.reply_to(rest_ok.json()["in_reply_to"]["id"])
    assert key_reply["status"] == "accepted"


def test_a_rejected_message_is_fixed_and_resubmitted_without_losing_what_was_accepted(manager, contractor):
    send_order(manager)
    assert contractor.reply_to(contractor.publish(execution(1, "acknowledged")))["status"] == "accepted"
    # A message with several mistakes is rejected with every one of them
    bad = contractor.reply_to(contractor.publish(execution(2, "scheduled", occurred_at=now_minus(minutes=-30),
                                                           line_statuses=[{"line_id": "L7", "done": True}])))
    assert bad["status"] == "rejected"
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {
        ("$.occurred_at", "OCCURRED_IN_FUTURE"),
        ("$.line_statuses[0].line_id", "UNKNOWN_LINE"),
        ("$.planned_start", "MISSING_FIELD_FOR_TRANSITION"),
    }
    assert all(e["message"] for e in bad["errors"])
    # The accepted state is untouched
    assert manager.get_order("BC-2026-014").json()["order"]["state"] == "acknowledged"
    # The corrected message, same sequence and a new id, goes through
    fixed = contractor.reply_to(contractor.publish(execution(2, "scheduled", appointment={"start": now_minus(hours=-24)})))
    assert fixed["status"] == "accepted" and fixed["order_state"] == "scheduled"


def test_duplicates_and_redeliveries_change_nothing_twice(manager, contractor):
    send_order(manager)
    ce_id = contractor.publish(execution(1, "acknowledged"))
    contractor.publish(execution(1, "acknowledged"), ce_id=ce_id)
    assert contractor.reply_to(ce_id)["status"] == "accepted"
    contractor.pull("replies-ctr-test", wait=2)  # a second reply, if any, would be here
    events = manager.get_order("BC-2026-014").json()["events"]
    assert [e["event_id"] for e in events] == ["received", "s0000001"]
    # An old sequence under a new id is refused as outdated
    old = contractor.reply_to(contractor.publish(execution(1, "acknowledged")))
    assert [e["code"] for e in old["errors"]] == ["SEQUENCE_OUTDATED"]


def test_a_repeated_rest_report_gets_its_first_answer_and_another_body_under_its_key_is_refused(
        manager, contractor, clean_firestore):
    send_order(manager)
    records_before = clean_firestore.collection("idempotency").count().get()[0][0].value
    # Given an execution report accepted over REST
    report = execution(1, "acknowledged")
    first = contractor.post("submit_execution", report, key="erp-evt-0001")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    # When the ERP retries it (a timeout on its side), then sends another body under the same key
    again = contractor.post("submit_execution", report, key="erp-evt-0001")
    other = contractor.post("submit_execution", execution(2, "scheduled", appointment={"start": now_minus(hours=-24)}),
                            key="erp-evt-0001")
    # Then the retry gets the first answer, marked as a replay, and changes nothing
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(manager.get_order("BC-2026-014").json()["events"]) == 2  # received, then the report
    # And the other body is refused on the key; the first report stands
    assert other.status_code == 422
    assert [(e["field"], e["code"]) for e in other.json()["errors"]] == [("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")]
    assert manager.get_order("BC-2026-014").json()["order"]["state"] == "acknowledged"
    # And a rejected report replays its rejection the same way
    wrong = execution(2, "acknowledged", progress=140)
    bad = contractor.post("submit_execution", wrong, key="erp-evt-0002")
    bad_again = contractor.post("submit_execution", wrong, key="erp-evt-0002")
    assert bad.status_code == bad_again.status_code == 422 and bad_again.json()["errors"] == bad.json()["errors"]
    assert bad_again.headers["Idempotent-Replayed"] == "true"
    # And the inbox is the only idempotency record kept for these requests
    assert clean_firestore.collection("idempotency").count().get()[0][0].value == records_before


def test_a_late_event_is_accepted_and_flagged(manager, contractor):
    send_order(manager)
    reply = contractor.reply_to(contractor.publish(execution(1, "acknowledged", occurred_at=now_minus(minutes=16))))
    assert reply["status"] == "accepted" and reply["late"] is True and reply["delay_seconds"] > 15 * 60
    [_, event] = manager.get_order("BC-2026-014").json()["events"]
    assert event["late"] is True and event["delay_seconds"] > 900


def test_a_broken_envelope_is_answered_not_dropped(contractor):
    ce_id = "broken-envelope-1"
    contractor.publish(b"{}", attributes={"ce-id": ce_id, "ce-source": "//erp/", "ce-type": "something.else"},
                       ordering_key="")
    reply = contractor.reply_to(ce_id)
    assert reply["status"] == "rejected"
    assert {e["code"] for e in reply["errors"]} == {"INVALID_ENVELOPE", "UNKNOWN_EVENT_TYPE"}


def test_a_contractor_cannot_report_on_another_contractors_order(manager, contractor, other_contractor):
    send_order(manager)
    reply = other_contractor.reply_to(other_contractor.publish(execution(1, "acknowledged")))
    assert [e["code"] for e in reply["errors"]] == ["ORDER_NOT_FOUND"]
    assert other_contractor.get_order("BC-2026-014", manager_id="mgr-test").status_code == 404
    assert contractor.get_order("BC-2026-014", manager_id="mgr-test").json()["order"]["state"] == "to_acknowledge"


def test_a_manager_decision_reaches_the_contractor_and_ends_the_order(manager, contractor):
    send_order(manager)
    contractor.pull("orders-ctr-test", wait=5, until=1)
    response = manager.post("change_order_state", {"order_id": "BC-2026-014", "occurred_at": now_minus(minutes=1),
                                                   "state": "cancelled", "reason": "Doublon de la commande 13"})
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    [notice] = contractor.pull("orders-ctr-test", wait=10, until=1)
    assert notice.attributes["ce-type"] == "fr.passerelle.order.state_changed.v1"
    assert json.loads(notice.data)["reason"] == "Doublon de la commande 13"
    late = contractor.reply_to(contractor.publish(execution(1, "acknowledged")))
    assert [e["code"] for e in late["errors"]] == ["ORDER_TERMINATED"]


def test_an_empty_message_is_answered_as_malformed(contractor):
    ce_id = contractor.publish(b"", ordering_key="")
    reply = contractor.reply_to(ce_id)
    assert reply["status"] == "rejected" and [e["code"] for e in reply["errors"]] == ["MALFORMED_JSON"]


def test_a_delivery_the_platform_cannot_process_ends_in_the_dead_letter_topic(platform, contractor):
    # Given a push subscription wired to a path that names no execution topic (an ops mistake)

    from shared.adapters.pubsub import PubSubAdmin
    from tests.functional.erp import pull_messages

    admin = PubSubAdmin(platform.project_id)
    admin.ensure_topic("miswired")
    admin.ensure_topic("miswired-dead-letter")
    admin.ensure_subscription("miswired-dead-letter-ops", "miswired-dead-letter", ordering=False)
    admin.ensure_subscription("miswired-push", "miswired", ordering=False,
                              push_endpoint=f"{platform.url('publish_execution')}/projects/{platform.project_id}/topics/miswired",
                              dead_letter_topic="miswired-dead-letter", max_delivery_attempts=5)
    # When a message arrives there, the function refuses it (500) and Pub/Sub redelivers it
    topic = contractor.publisher.topic_path(platform.project_id, "miswired")
    contractor.publisher.publish(topic, b"{}", **{"ce-id": "poison-1"}).result(timeout=30)
    # Then after five attempts it is parked on the dead-letter topic for ops, not dropped
    dead = admin.subscriber.subscription_path(platform.project_id, "miswired-dead-letter-ops")
    parked = pull_messages(admin.subscriber, dead, wait=90, until=1)
    admin.close()
    assert [m.attributes["ce-id"] for m in parked] == ["poison-1"]
