"""The conformance kit (A10 onboarding) on the emulators, played by the example client
(devtools/conformance_client.py) over REST and Pub/Sub as a contractor's connector would: a correct
connector passes every step and its D2 stops; a broken one fails step by step, with the platform's
errors, and its D2 keeps running. Plus the validate-only mode of submit_execution."""

from __future__ import annotations

import datetime as dt

import pytest

from devtools import conformance_client
from devtools.tokens import emulator_token
from tests.functional.erp import Erp
from tests.functional.test_onboarding import contract, register
from tests.functional.test_onboarding_directory import rows

pytestmark = pytest.mark.emulators

VALIDATE = {"validate_only": "true"}


def connector(platform, contractor_id: str) -> conformance_client.Connector:
    token = emulator_token(platform.project_id, f"erp-{contractor_id}", role="contractor", tenant=contractor_id)
    return conformance_client.Connector(platform.gateway_url(), token, platform.project_id, contractor_id,
                                        wait=60, say=lambda *_: None)


def codes(step: dict) -> set[str]:
    return {e["code"] for e in step["errors"]}


def d2_state(firestore_client, manager_id: str, contractor_id: str) -> str:
    return firestore_client.document(f"managers/{manager_id}/deadlines/d2-AC-{contractor_id}").get().to_dict()["state"]


@pytest.fixture
def operator(platform, clean_firestore) -> Erp:
    return Erp(platform, "operator", "platform")


def test_a_correct_connector_passes_the_scenario_and_its_d2_stops(platform, operator, firestore_client):
    # Given a contractor registered through the API, with a contract signed today (D2 runs)
    register(operator, "mgr-conform", "ctr-conform")
    assert Erp(platform, "manager", "mgr-conform").post(
        "upsert_contract", contract("ctr-conform", dt.date.today())).status_code == 201
    assert d2_state(firestore_client, "mgr-conform", "ctr-conform") == "running"
    # When its connector plays the scenario (no live order exists)
    client = connector(platform, "ctr-conform")
    try:
        report = conformance_client.play(client)
    finally:
        client.close()
    # Then every step passed — the order to its invoice, the quote to the order its acceptance created —
    # and the contractor is connected: D2 met
    assert [(s["step"], s["status"]) for s in report["steps"]] == [
        ("receive_order", "passed"), ("acknowledge", "passed"), ("schedule", "passed"),
        ("correct_rejected_report", "passed"), ("upload_document", "passed"), ("complete", "passed"),
        ("invoice", "passed"), ("answer_quote", "passed"), ("acknowledge_quote_order", "passed")], report
    assert report["passed"] and d2_state(firestore_client, "mgr-conform", "ctr-conform") == "met"
    # And the operator's directory says so: every step passed, nothing ahead (A10)
    progress = rows(operator, "contractor")["ctr-conform"]["conformance_progress"]
    assert (progress["run_id"], progress["passed"], progress["steps_passed"], progress["steps_total"],
            progress["next_step"], progress["errors"]) == (report["run_id"], True, 9, 9, None, [])
    sandbox = "managers/sandbox-ctr-conform/orders"
    assert firestore_client.document(f"{sandbox}/{report['order_id']}").get().to_dict()["state"] == "invoiced"
    assert firestore_client.document(f"{sandbox}/{report['quote_id']}").get().to_dict()["state"] == "acknowledged"
    # And the sandbox invoice went nowhere near Chorus Pro nor the contractor's live invoice numbers
    assert firestore_client.collection("chorus_queue").get() == []
    assert firestore_client.collection("contractors/ctr-conform/invoices").get() == []
    # And the sandbox order was never the manager's: its space has no such order
    manager_orders = firestore_client.collection("managers/mgr-conform/orders").get()
    assert manager_orders == []


def test_a_broken_connector_fails_step_by_step_with_the_errors_and_d2_keeps_running(platform, operator,
                                                                                    firestore_client):
    register(operator, "mgr-broken", "ctr-broken")
    assert Erp(platform, "manager", "mgr-broken").post(
        "upsert_contract", contract("ctr-broken", dt.date.today())).status_code == 201
    client = connector(platform, "ctr-broken")
    try:
        report = conformance_client.play(client, broken=True)
    finally:
        client.close()
    steps = {s["step"]: s for s in report["steps"]}
    assert not report["passed"]
    assert steps["receive_order"]["status"] == "passed"
    # Its acknowledgement numbered 2, then a schedule without dates from the wrong state: refused, with why
    assert [e["code"] for e in steps["acknowledge"]["errors"]] == ["SEQUENCE_GAP"]
    assert steps["schedule"]["status"] == "failed" and "ILLEGAL_TRANSITION" in codes(steps["schedule"])
    assert steps["correct_rejected_report"]["status"] == "failed"
    # A file that is not a PDF, refused by store_report over REST (422): recorded on the run all the same
    assert steps["upload_document"]["status"] == "failed"
    assert [e["code"] for e in steps["upload_document"]["errors"]] == ["DOCUMENT_NOT_PDF"]
    rejections = firestore_client.collection(
        f"contractors/ctr-broken/conformance_runs/{report['run_id']}/rejections").get()
    assert [r.to_dict()["idempotency_key"] for r in rejections] == steps["upload_document"]["evidence"]
    # A completion with no end from a state the order never reached, an invoice before any reception
    assert steps["complete"]["status"] == "failed" and "ILLEGAL_TRANSITION" in codes(steps["complete"])
    assert steps["invoice"]["status"] == "failed" and "INVOICE_LINE_NOT_RECEIVED" in codes(steps["invoice"])
    # An expired quote, then an order acknowledged that no acceptance created
    assert steps["answer_quote"]["status"] == "failed"
    assert {e["field"] for e in steps["answer_quote"]["errors"]} == {"$.valid_until"}
    assert codes(steps["acknowledge_quote_order"]) == {"ORDER_NOT_FOUND"}
    assert all(e["message"] for s in report["steps"] for e in s["errors"])  # French, for a person
    assert d2_state(firestore_client, "mgr-broken", "ctr-broken") == "running"
    # And the operator sees where it is stuck without asking it (A10): one step of nine passed, the
    # acknowledgement refused, with the platform's French errors, at the run's last check
    progress = rows(operator, "contractor")["ctr-broken"]["conformance_progress"]
    assert (progress["run_id"], progress["passed"], progress["steps_passed"], progress["steps_total"],
            progress["next_step"], progress["next_step_label"], progress["next_step_status"]) == (
        report["run_id"], False, 1, 9, "acknowledge", "Prise en compte", "failed")
    assert [e["code"] for e in progress["errors"]] == ["SEQUENCE_GAP"] and progress["errors"][0]["message"]
    assert progress["checked_at"] == report["checked_at"]


def test_a_run_started_and_never_checked_is_shown_to_the_operator_with_every_step_ahead(platform, operator):
    register(operator, "mgr-started", "ctr-started")
    contractor = Erp(platform, "contractor", "ctr-started")
    started = contractor.post("start_conformance", {})
    assert started.status_code == 201, started.text
    progress = rows(operator, "contractor")["ctr-started"]["conformance_progress"]
    assert (progress["run_id"], progress["checked_at"], progress["steps_passed"], progress["next_step"],
            progress["next_step_status"]) == (started.json()["run_id"], None, 0, "receive_order", "pending")


def test_a_sandbox_upload_request_over_the_size_limit_fails_the_upload_step_and_a_live_one_records_nothing(
        platform, operator, firestore_client):
    # Given a contractor with a conformance run, and a live order of its manager
    register(operator, "mgr-bigfile", "ctr-bigfile")
    manager, contractor = Erp(platform, "manager", "mgr-bigfile"), Erp(platform, "contractor", "ctr-bigfile")
    assert manager.post("upsert_contract", contract("ctr-bigfile", dt.date.today())).status_code == 201
    assert manager.post("receive_order", {
        "order_id": "BC-BIGFILE-1", "contract_id": "AC-ctr-bigfile", "contractor_id": "ctr-bigfile",
        "title": "Commande réelle", "site": {"node_id": "N-1"}, "issued_at": dt.datetime.now(dt.UTC).isoformat(),
        "lines": [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
                   "unit": "U", "unit_price_cents": 8500}]}).status_code == 201
    started = contractor.post("start_conformance", {})
    assert started.status_code == 201, started.text
    run = started.json()
    rejections = f"contractors/ctr-bigfile/conformance_runs/{run['run_id']}/rejections"
    too_large = {"manager_id": run["manager_id"], "order_id": run["order_id"], "kind": "intervention_report",
                 "filename": "rapport.pdf", "size_bytes": 50 * 1024 * 1024 + 1}
    # When it asks for a signed upload URL for a file over the 50 MiB limit on its sandbox order, twice (a retry)
    refused = [contractor.post("request_report_upload", too_large, key="upload-too-large-1") for _ in range(2)]
    # Then it is refused with its structured error, and the run's upload step shows it failed, once
    for answer in refused:
        assert answer.status_code == 422 and answer.headers["Content-Type"] == "application/problem+json"
        assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [("$.size_bytes", "DOCUMENT_TOO_LARGE")]
    checked = contractor.post("check_conformance", {"run_id": run["run_id"]})
    assert checked.status_code == 200, checked.text
    upload = {s["step"]: s for s in checked.json()["steps"]}["upload_document"]
    assert (upload["status"], upload["evidence"], codes(upload)) == (
        "failed", ["upload-too-large-1"], {"DOCUMENT_TOO_LARGE"})
    assert [r.to_dict()["operation"] for r in firestore_client.collection(rejections).get()] == [
        "request_report_upload"]
    # When the same request is refused on the live order
    live = contractor.post("request_report_upload", {**too_large, "manager_id": "mgr-bigfile",
                                                     "order_id": "BC-BIGFILE-1"}, key="upload-too-large-live")
    # Then it gets the same structured error, and nothing more is recorded on any run
    assert live.status_code == 422 and codes(live.json()) == {"DOCUMENT_TOO_LARGE"}
    assert [r.reference.path for r in firestore_client.collection_group("rejections").get()] == [
        r.reference.path for r in firestore_client.collection(rejections).get()]
    assert len(firestore_client.collection(rejections).get()) == 1
    contractor.close()
    manager.close()


def test_a_report_sent_validate_only_gets_its_reply_and_changes_nothing(platform, contractor, manager):
    from tests.builders import issue_order_body

    assert manager.post("receive_order", issue_order_body("BC-VALIDATE-1")).status_code == 201
    body = {"manager_id": "mgr-test", "order_id": "BC-VALIDATE-1", "sequence": 1, "state": "acknowledged",
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "Prise en compte"}}
    # When the contractor sends it validate-only, then an invalid one validate-only
    checked = contractor.post("submit_execution", body, key="validate-key-0001", params=VALIDATE)
    invalid = contractor.post("submit_execution", {**body, "state": "in_progress"}, params=VALIDATE)
    # Then the first would be accepted, the second gets its errors, and the order has not moved
    assert checked.status_code == 200 and checked.json()["validate_only"] is True, checked.text
    assert invalid.status_code == 422 and invalid.json()["reply"]["validate_only"] is True
    assert contractor.get_order("BC-VALIDATE-1", "mgr-test").json()["order"]["state"] == "to_acknowledge"
    # And the real send under the same key is applied, not replayed
    real = contractor.post("submit_execution", body, key="validate-key-0001")
    assert real.status_code == 200 and "Idempotent-Replayed" not in real.headers
    assert real.json()["validate_only"] is False
