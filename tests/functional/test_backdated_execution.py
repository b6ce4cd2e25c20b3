"""An execution event dated before its order was issued is refused on every channel (A6 order execution data,
A9, P1): HTTP 422 over REST, a rejected reply over Pub/Sub, nothing recorded, the same answer on redelivery.
Before the rule such an acknowledgement was accepted and counted late by every day it reached back (D1).
Nor is an order issued in the future (A2.3 Orders, ISSUED_IN_FUTURE), after which no event could be dated when it
happened."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import issue_order_body

pytestmark = pytest.mark.emulators


def an_order_issued_an_hour_ago(manager) -> dt.datetime:
    issued = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).replace(microsecond=0)
    response = manager.post("receive_order", issue_order_body(issued_at=issued.isoformat()))
    assert response.status_code == 201, response.text
    return issued


def acknowledgement(occurred: dt.datetime) -> dict:
    return {"manager_id": "mgr-test", "order_id": "BC-2026-014", "sequence": 1, "state": "acknowledged",
            "occurred_at": occurred.isoformat(), "event": {"label": "Prise en compte"}}


def deadline_kinds(client) -> list[str]:
    docs = client.collection("managers").document("mgr-test").collection("deadlines").stream()
    return sorted(d.to_dict()["kind"] for d in docs)


def nothing_recorded(manager) -> None:
    view = manager.get_order("BC-2026-014").json()
    assert view["order"]["state"] == "to_acknowledge" and [e["kind"] for e in view["events"]] == ["received"]


def test_over_rest_a_backdated_acknowledgement_is_a_422_naming_both_dates_and_changes_nothing(
        manager, contractor, clean_firestore):
    # Given an order issued an hour ago
    issued = an_order_issued_an_hour_ago(manager)
    # When the contractor acknowledges it dated eight days before, twice with the same Idempotency-Key
    body = acknowledgement(issued - dt.timedelta(days=8))
    first = contractor.post("submit_execution", body, key="backdated-ack-1")
    again = contractor.post("submit_execution", body, key="backdated-ack-1")
    # Then it is refused on $.occurred_at with both dates in French, and the retry gets the same answer
    assert first.status_code == 422 and first.headers["Content-Type"] == "application/problem+json"
    [error] = first.json()["errors"]
    assert (error["field"], error["code"]) == ("$.occurred_at", "OCCURRED_BEFORE_ORDER")
    assert " à " in error["message"] and "précède l'émission de la commande" in error["message"]
    assert first.json()["reply"]["status"] == "rejected"
    assert again.status_code == 422 and again.json()["errors"] == first.json()["errors"]
    # And nothing was recorded: no event, no D1 (only F1, the format counted by A9)
    nothing_recorded(manager)
    assert deadline_kinds(clean_firestore) == ["F1"]
    # And dated within the two minutes' tolerance of the issue, the same acknowledgement is accepted
    ok = contractor.post("submit_execution", acknowledgement(issued - dt.timedelta(minutes=1)))
    assert ok.status_code == 200, ok.text


def test_over_pubsub_a_backdated_acknowledgement_is_answered_rejected_once_and_changes_nothing(
        manager, contractor, clean_firestore):
    # Given an order issued an hour ago
    issued = an_order_issued_an_hour_ago(manager)
    # When the contractor publishes an acknowledgement dated a day before it, then the same message again
    body = acknowledgement(issued - dt.timedelta(days=1))
    ce_id = contractor.publish(body)
    contractor.publish(body, ce_id=ce_id)
    # Then the reply rejects it on $.occurred_at
    reply = contractor.reply_to(ce_id)
    assert reply["status"] == "rejected"
    assert [(e["field"], e["code"]) for e in reply["errors"]] == [("$.occurred_at", "OCCURRED_BEFORE_ORDER")]
    # And the redelivery changed nothing: no event, no second reply, no D1
    assert contractor.pull("replies-ctr-test", wait=2) == []
    nothing_recorded(manager)
    assert deadline_kinds(clean_firestore) == ["F1"]
    # And a schedule whose planned start falls a day before the issue is refused on that field
    fixed = contractor.reply_to(contractor.publish(acknowledgement(issued + dt.timedelta(minutes=1))))
    assert fixed["status"] == "accepted", fixed["errors"]
    plan = {**acknowledgement(dt.datetime.now(dt.UTC)), "sequence": 2, "state": "scheduled",
            "planned_start": (issued - dt.timedelta(days=2)).isoformat(),
            "planned_end": (issued + dt.timedelta(days=2)).isoformat()}
    planned = contractor.reply_to(contractor.publish(plan))
    assert [(e["field"], e["code"]) for e in planned["errors"]] == [("$.planned_start", "DATE_BEFORE_ORDER")]


def test_an_order_issued_in_the_future_is_a_422_on_issued_at_storing_and_sending_nothing(manager, contractor,
                                                                                        clean_firestore):
    # Given a manager's ERP whose clock runs an hour ahead (A2.3 Orders: an order is dated when it is issued)
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(microsecond=0)
    # When it sends an order dated then, twice with the same Idempotency-Key
    first = manager.post("receive_order", issue_order_body(issued_at=ahead.isoformat()), key="order-ahead-1")
    again = manager.post("receive_order", issue_order_body(issued_at=ahead.isoformat()), key="order-ahead-1")
    # Then it is refused on $.issued_at in French, the retry answered the same
    assert first.status_code == 422 and first.headers["Content-Type"] == "application/problem+json", first.text
    [error] = first.json()["errors"]
    assert (error["field"], error["code"]) == ("$.issued_at", "ISSUED_IN_FUTURE")
    assert "est dans le futur" in error["message"] and " à " in error["message"]
    assert again.status_code == 422 and again.json()["errors"] == first.json()["errors"]
    # And nothing is stored nor sent to the contractor
    assert manager.get_order("BC-2026-014").status_code == 404
    assert contractor.pull("orders-ctr-test", wait=2) == []
    # And dated a minute ahead (within the two minutes' tolerance), it is issued, and its contractor's acknowledgement
    # dated now — before the issue by less than the tolerance — is accepted
    near = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).replace(microsecond=0)
    issued = manager.post("receive_order", issue_order_body(issued_at=near.isoformat()))
    assert issued.status_code == 201, issued.text
    ok = contractor.post("submit_execution", acknowledgement(dt.datetime.now(dt.UTC).replace(microsecond=0)))
    assert ok.status_code == 200, ok.text
