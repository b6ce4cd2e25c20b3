"""A person finds what the platform refused, on the emulators (A3 channels, A4 errors back to the sender, A10
onboarding): a refused REST report and a refused Pub/Sub report show up in the contractor's message log with
their French errors, the corrected resubmission is accepted and marks the refused one corrected; the operator
reads any contractor's log; another contractor, a manager and a beneficiary cannot cross the line."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tests.builders import issue_order_body, report
from tests.conftest import register_beneficiary
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


def log(erp: Erp, **params) -> requests.Response:
    return requests.get(erp.stack.url("list_message_log") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@pytest.fixture
def refused_then_corrected(platform, manager, contractor):
    """An order; a REST report refused (in progress straight from « à prendre en compte »), a Pub/Sub report
    refused (a state that does not exist), then the corrected report accepted over REST."""
    assert manager.post("receive_order", issue_order_body("BC-LOG-1")).status_code == 201
    rest = contractor.post("submit_execution", report(1, "in_progress", order_id="BC-LOG-1", occurred_at=now()),
                           key="rest-refused-0001")
    assert rest.status_code == 422, rest.text
    ce_id = contractor.publish(report(1, "flying", order_id="BC-LOG-1", occurred_at=now()), ce_id="bus-refused-1")
    assert contractor.reply_to(ce_id)["status"] == "rejected"
    fixed = contractor.post("submit_execution", report(1, "acknowledged", order_id="BC-LOG-1", occurred_at=now()),
                            key="rest-accepted-0002")
    assert fixed.status_code == 200 and fixed.json()["status"] == "accepted", fixed.text
    return contractor


def test_refused_rest_and_pubsub_messages_show_their_french_errors_and_the_correction(refused_then_corrected):
    contractor = refused_then_corrected
    # When the contractor's staff open its refused messages
    answer = log(contractor, status="rejected")
    # Then both refused reports are there, newest first, with every error in French next to its field
    assert answer.status_code == 200, answer.text
    rows = answer.json()["messages"]
    assert [(r["id"], r["channel"], r["status_label"]) for r in rows] == [
        ("bus-refused-1", "pubsub", "refusé"), ("rest-refused-0001", "rest", "refusé")]
    bus, rest = rows
    assert ("$.state", "ILLEGAL_TRANSITION") in [(e["field"], e["code"]) for e in rest["errors"]]
    assert "en cours" in next(e["message"] for e in rest["errors"] if e["code"] == "ILLEGAL_TRANSITION")
    assert bus["errors"] and all(e["field"] and e["message"] for e in bus["errors"])
    assert {r["order_id"] for r in rows} == {"BC-LOG-1"} and {r["client_name"] for r in rows} == {"mgr-test"}
    assert {r["type_label"] for r in rows} == {"Compte rendu d'exécution"}
    # And both are corrected: the accepted report came after them
    assert all(r["corrected_at"] for r in rows)
    # And the whole log lists the accepted one first
    every = log(contractor).json()["messages"]
    assert [(r["id"], r["status"]) for r in every][0] == ("rest-accepted-0002", "accepted")
    assert len(every) == 3
    # And the order filter and the paging agree with it
    one = log(contractor, manager_id="mgr-test", order_id="BC-LOG-1", limit="2").json()
    assert len(one["messages"]) == 2 and one["next_cursor"]
    rest_page = log(contractor, manager_id="mgr-test", order_id="BC-LOG-1", cursor=one["next_cursor"]).json()
    assert [r["id"] for r in rest_page["messages"]] == ["rest-refused-0001"] and rest_page["next_cursor"] is None


def test_the_operator_reads_any_contractors_log_and_must_name_it(platform, refused_then_corrected):
    operator = Erp(platform, "operator", "platform")
    answer = log(operator, contractor_id="ctr-test", status="rejected")
    assert answer.status_code == 200 and len(answer.json()["messages"]) == 2, answer.text
    missing = log(operator)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "query.contractor_id"
    unknown = log(operator, contractor_id="ctr-nobody")
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == "PARTY_NOT_FOUND"


def test_nobody_else_reads_a_contractors_log(platform, refused_then_corrected, other_contractor, manager,
                                             clean_firestore):
    # Another contractor naming it is refused, and its own log is empty of the first one's messages
    crossed = log(other_contractor, contractor_id="ctr-test")
    assert crossed.status_code == 403 and crossed.json()["errors"][0]["field"] == "query.contractor_id"
    assert log(other_contractor).json()["messages"] == []
    # Filtering on the first contractor's order gives it nothing either
    assert log(other_contractor, manager_id="mgr-test", order_id="BC-LOG-1").json()["messages"] == []
    # A manager (even the order's own) and a beneficiary may not call it at all
    assert log(manager, contractor_id="ctr-test").status_code == 403
    assert log(manager).status_code == 403
    register_beneficiary(clean_firestore, "ben-log")
    assert log(Erp(platform, "beneficiary", "ben-log"), contractor_id="ctr-test").status_code == 403
    # Bad input is a structured French answer, never a 500
    bad = log(refused_then_corrected, status="perdu", since="hier", cursor="xx")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {
        "query.status", "query.since", "query.cursor"}
    assert all(e["message"] for e in bad.json()["errors"])
