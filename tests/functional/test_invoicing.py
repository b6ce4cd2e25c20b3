"""From service done to invoice on the emulators, as ERPs and clients use it (A6, B7, B10, B11): the
client's reception with reservations, invoices checked against what was received (REST and Pub/Sub),
the Factur-X export, and the Chorus Pro round trip on the recording stand-in."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from shared.adapters.chorus_pro import RecordingChorusPro, chorus_id_of
from tests.builders import BUYER, EXECUTION, SUPPLIER, invoice_body, issue_order_body
from tests.conftest import register_beneficiary
from tests.dates import paris_today
from tests.functional.erp import Erp
from tests.unit.test_facturx import en16931_violations

pytestmark = pytest.mark.emulators


def now_minus(**delta) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(**delta)).isoformat()


def execute(contractor: Erp, order_id: str = "BC-2026-014") -> None:
    for sequence, (state, fields) in enumerate(EXECUTION, start=1):
        report = {"manager_id": "mgr-test", "order_id": order_id, "sequence": sequence, "state": state,
                  "occurred_at": now_minus(minutes=1), "event": {"label": f"Étape {sequence}"}, **fields}
        assert contractor.post("submit_execution", report).status_code == 200


def publish_invoice(contractor: Erp, body: dict, ce_id: str) -> dict:
    contractor.publish(body, attributes={"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "//erp.ctr-test/",
                                         "ce-type": "fr.passerelle.invoice.submitted.v1",
                                         "content-type": "application/json"})
    return contractor.reply_to(ce_id)


def get(erp: Erp, function: str, **params) -> requests.Response:
    return requests.get(erp.stack.url(function) + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def sync(platform) -> dict:
    response = requests.post(platform.url("sync_chorus_pro") + "/", json={}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_service_done_then_invoice_then_payment_through_chorus_pro(manager, contractor, platform, clean_firestore):
    # Given a public buyer's order, executed and completed by the contractor
    assert manager.post("receive_order", issue_order_body(public_invoicing=BUYER)).status_code == 201
    execute(contractor)
    contractor.pull("orders-ctr-test", wait=2)
    # When the contractor declares it received itself, or invoices it before the client's reception
    itself = contractor.post("submit_execution", {"manager_id": "mgr-test", "order_id": "BC-2026-014", "sequence": 5,
                                                  "state": "received", "occurred_at": now_minus(minutes=1),
                                                  "event": {"label": "Réceptionné"}})
    early = contractor.post("submit_invoice", invoice_body())
    # Then both are refused: reception is the client's, and nothing received may be invoiced yet
    assert [(e["field"], e["code"]) for e in itself.json()["errors"]] == [("$.state", "TRANSITION_NOT_ALLOWED_FOR_ACTOR")]
    assert early.status_code == 422 and ("$.lines[0].line_id", "INVOICE_LINE_NOT_RECEIVED") in [
        (e["field"], e["code"]) for e in early.json()["errors"]]
    assert early.json()["reply"]["status"] == "rejected"
    assert manager.get_order("BC-2026-014").json()["order"]["state"] == "completed"

    # When the manager receives the line done (L2 was reported not done), with a reservation
    reception = manager.post("record_reception", {
        "order_id": "BC-2026-014", "occurred_at": now_minus(minutes=1),
        "lines": [{"line_id": "L1", "reservations": [{"reservation_id": "R1", "description": "Joint à reprendre"}]}]})
    assert reception.status_code == 200, reception.text
    assert reception.json()["state"] == "received"
    # Then the contractor is told on its orders topic, reservation included
    [told] = contractor.pull("orders-ctr-test", wait=10, until=1)
    assert told.attributes["ce-type"] == "fr.passerelle.order.received.v1"
    assert json.loads(told.data)["reservations"][0]["reservation_id"] == "R1"

    # When the contractor invoices more than was received, over Pub/Sub
    over = publish_invoice(contractor, invoice_body(lines=[("L1", "2", 8500)]), "inv-over")
    # Then the invoice is refused with the difference, in the same error loop as every message (A4)
    exceeds = {e["code"]: e["message"] for e in over["errors"]}
    assert over["status"] == "rejected" and "INVOICE_QUANTITY_EXCEEDED" in exceeds
    assert "dépasse de 85,00 €" in exceeds["INVOICE_EXCEEDS_RECEIVED"]
    # When it invoices what was received
    accepted = publish_invoice(contractor, invoice_body(), "inv-ok")
    assert accepted["status"] == "accepted" and accepted["order_state"] == "invoiced", accepted["errors"]

    # Then the manager cannot close while the reservation is open; it lifts it, then could close
    closing = manager.post("change_order_state", {"order_id": "BC-2026-014", "occurred_at": now_minus(minutes=1),
                                                  "state": "closed"})
    assert [(e["field"], e["code"]) for e in closing.json()["errors"]] == [("$.reservations", "MISSING_FIELD_FOR_TRANSITION")]
    lifted = manager.post("lift_reservation", {"order_id": "BC-2026-014", "reservation_id": "R1",
                                               "occurred_at": now_minus(seconds=30), "comment": "Joint refait"})
    assert lifted.status_code == 200, lifted.text
    history = [e["label"] for e in manager.get_order("BC-2026-014").json()["events"]]
    assert "Réception partielle avec 1 réserve : ligne L1" in history
    assert "Levée de la réserve R1 (ligne L1) : Joint à reprendre" in history
    assert "Facture F-2026-0042 : 85,00 € HT" in history

    # And both parties read the invoice; its Factur-X XML meets the EN 16931 rules
    mine = get(contractor, "get_invoices", manager_id="mgr-test", order_id="BC-2026-014").json()["invoices"]
    theirs = get(manager, "get_invoices", order_id="BC-2026-014").json()["invoices"]
    assert mine == theirs and theirs[0]["total_incl_tax_cents"] == 9350
    assert theirs[0]["status_label"] == "acceptée par la plateforme, à déposer sur Chorus Pro"
    xml = get(manager, "get_invoices", order_id="BC-2026-014", invoice_number="F-2026-0042", format="cii")
    assert xml.headers["Content-Type"].startswith("application/xml") and en16931_violations(xml.content) == []
    assert get(Erp(platform, "manager", "mgr-other"), "get_invoices", order_id="BC-2026-014").status_code == 404

    # When the Chorus Pro sync runs, the invoice is deposited once, with what routes it
    assert sync(platform)["deposited"] == 1
    assert sync(platform)["deposited"] == 0
    chorus_id = chorus_id_of(SUPPLIER["siret"], "F-2026-0042")
    deposit = clean_firestore.document(f"chorus_pro_fake/{chorus_id}").get().to_dict()
    assert (deposit["buyer_siret"], deposit["engagement_number"]) == ("21690123100011", "EJ-2026-0042")
    assert "<ram:BuyerReference>SERVICE-TRAVAUX</ram:BuyerReference>" in deposit["cii_xml"]
    assert {c.to_dict()["call"] for c in clean_firestore.collection("chorus_pro_fake_calls").stream()} == {
        "deposit", "status"}
    # And when the buyer's accountant pays it, the next sync closes the order
    RecordingChorusPro(clean_firestore).set_status(chorus_id, "MISE_EN_PAIEMENT")
    assert sync(platform)["updated"] == 1
    view = manager.get_order("BC-2026-014").json()
    assert view["order"]["state"] == "closed" and view["events"][-1]["actor"] == "platform"
    [paid] = get(manager, "get_invoices", order_id="BC-2026-014").json()["invoices"]
    assert (paid["chorus_status"], paid["lifecycle_code"], paid["lifecycle_label"]) == (
        "MISE_EN_PAIEMENT", "211", "Paiement transmis")


def test_a_beneficiary_receives_and_closes_its_missions_order_and_reads_its_contractors_penalties(
        platform, contractor, clean_firestore):
    # Given a beneficiary whose mission became an order to ctr-test (part B on part A's machinery)
    from shared.service.order_store import order_doc
    from tests.builders import an_order

    register_beneficiary(clean_firestore, "ben-lyon", "Ville de Lyon")
    clean_firestore.document("contractors/ctr-test").update({"managers": ["mgr-test", "ben-lyon"]})
    mission_order = an_order("BC-MISSION", state="completed", manager_id="ben-lyon",
                             line_status={"L1": True, "L2": True})
    clean_firestore.document("managers/ben-lyon/orders/BC-MISSION").set(
        {**order_doc(mission_order), "updated_at": dt.datetime.now(dt.UTC)})
    beneficiary = Erp(platform, "beneficiary", "ben-lyon")
    # When it receives the order on the contractor's attestation of service done… there is none yet
    decision = {"order_id": "BC-MISSION", "occurred_at": now_minus(minutes=2), "state": "received"}
    refused = beneficiary.post("change_order_state", decision)
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("$.lines", "MISSING_FIELD_FOR_TRANSITION")]
    # So it receives the lines explicitly
    received = beneficiary.post("record_reception", {"order_id": "BC-MISSION", "occurred_at": now_minus(minutes=2)})
    assert received.status_code == 200 and received.json()["state"] == "received", received.text
    view = beneficiary.get_order("BC-MISSION").json()
    assert view["next_states"] == [] and view["order"]["reception"].keys() == {"L1", "L2"}
    # The contractor invoices the mission; the beneficiary closes it
    body = invoice_body(order_id="BC-MISSION", manager_id="ben-lyon", lines=[("L1", "1", 8500), ("L2", "2.5", 4200)])
    assert contractor.post("submit_invoice", body).status_code == 200
    assert beneficiary.get_order("BC-MISSION").json()["next_states"] == ["closed"]
    closed = beneficiary.post("change_order_state", {"order_id": "BC-MISSION", "occurred_at": now_minus(minutes=1),
                                                     "state": "closed"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    # And it reads the penalty statement of its missions' contractor, in its own space only
    month = paris_today().strftime("%Y-%m")  # the statement's months are on the territory's calendar
    statement = get(beneficiary, "get_penalty_statement", contractor_id="ctr-test", month=month)
    assert statement.status_code == 200, statement.text
    assert statement.json()["tenant_id"] == "ben-lyon" and statement.json()["contractor_id"] == "ctr-test"
