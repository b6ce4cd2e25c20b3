"""Quotes (A2.4, A2.5, B16) through HTTPS: a quote's whole life, D3, the catalogue, a supplementary quote."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests

from tests.builders import issue_order_body

pytestmark = pytest.mark.emulators
LINES = [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
          "unit": "U", "unit_price_cents": 8500}]
VALID_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def request_body(quote_id: str, **overrides) -> dict:
    return {"quote_id": quote_id, "contract_id": "AC-2026-017", "contractor_id": "ctr-test",
            "title": "Remplacement de la colonne d'eau", "site": {"node_id": "LYON-BAT-A"}, **overrides}


def deadline(firestore_client, quote_id: str) -> dict:
    return firestore_client.document(f"managers/mgr-test/deadlines/D3-{quote_id}").get().to_dict()


def test_a_quote_is_requested_submitted_revised_and_accepted_into_an_order(platform, manager, contractor,
                                                                           clean_firestore):
    # Given a catalogue in force for the contract
    catalogue = requests.post(platform.url("import_catalogue") + "/", timeout=30, json={
        "contract_id": "AC-2026-017", "valid_from": "2026-01-01", "reviewed_on": "2026-01-01",
        "items": [{"code": "PLB-010", "label": "Recherche de fuite", "unit": "U", "unit_price": "85,00",
                   "vat_rate": "10"}]}, headers={"Authorization": f"Bearer {manager.token}",
                                                  "Idempotency-Key": uuid.uuid4().hex})
    assert catalogue.status_code == 201, catalogue.text
    # When the manager requests a quote
    requested = manager.post("request_quote", request_body("DV-1"))
    # Then it is requested and D3 runs
    assert (requested.status_code, requested.json()["state"]) == (201, "requested"), requested.text
    assert deadline(clean_firestore, "DV-1")["state"] == "running"
    # When the contractor submits a line priced outside the catalogue
    wrong = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-1", "valid_until": VALID_UNTIL,
                                             "lines": [{**LINES[0], "unit_price_cents": 9900}]})
    # Then it is refused on that line, and the manager cannot accept a quote not submitted
    assert [e["field"] for e in wrong.json()["errors"]] == ["$.lines[0].unit_price_cents"]
    early = manager.post("decide_quote", {"quote_id": "DV-1", "action": "accept"})
    assert [e["code"] for e in early.json()["errors"]] == ["ILLEGAL_TRANSITION"]
    # When it submits the catalogue price, then revises it with a PDF reference
    first = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-1", "valid_until": VALID_UNTIL,
                                             "lines": LINES})
    revised = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-1", "valid_until": VALID_UNTIL,
                                               "lines": [{**LINES[0], "quantity": 2}], "document_sha256": "a" * 64})
    # Then the quote is submitted in its second version and D3 stopped at the first submission
    assert (first.status_code, revised.json()["state"], revised.json()["current_version"]) == (200, "submitted", 2)
    assert deadline(clean_firestore, "DV-1")["state"] == "met"
    # A decision naming version 1, read before the revision, is refused (409) — nothing accepted on an amount not seen
    stale = manager.post("decide_quote", {"quote_id": "DV-1", "action": "accept", "version": 1})
    assert (stale.status_code, [(e["field"], e["code"]) for e in stale.json()["errors"]]) == (
        409, [("$.version", "QUOTE_VERSION_CHANGED")]), stale.text
    # When the manager accepts it
    accepted = manager.post("decide_quote", {"quote_id": "DV-1", "action": "accept"})
    # Then an order DV-1 exists with the revised lines, and the quote takes no further step
    assert (accepted.status_code, accepted.json()["created_order_id"]) == (200, "DV-1"), accepted.text
    view = manager.get_order("DV-1").json()
    assert [(line["quantity"], line["unit_price_cents"]) for line in view["order"]["lines"]] == [("2", 8500)]
    # And its history starts with how it came to be, read the same by the contractor (A2.4, A11)
    client = (clean_firestore.document("managers/mgr-test").get().to_dict() or {}).get("name") or "mgr-test"
    assert [(e["kind"], e["quote_id"], e["label"]) for e in view["events"]] == [
        ("issued", "DV-1", f"Commande émise à partir du devis DV-1 accepté par {client}")]
    assert contractor.get_order("DV-1", manager_id="mgr-test").json()["events"] == view["events"]
    again = contractor.post("decide_quote", {"manager_id": "mgr-test", "quote_id": "DV-1", "action": "withdraw"})
    assert [e["code"] for e in again.json()["errors"]] == ["ILLEGAL_TRANSITION"]
    accepted_again = manager.post("decide_quote", {"quote_id": "DV-1", "action": "accept"})
    assert accepted_again.status_code != 200 and len(manager.get_order("DV-1").json()["events"]) == 1


def test_a_supplementary_quote_adds_its_lines_to_the_order_and_a_refusal_needs_a_reason(platform, manager, contractor):
    # Given an order, and a supplementary quote on it, submitted
    assert manager.post("receive_order", issue_order_body("BC-SUP-1")).status_code == 201
    assert manager.post("request_quote", request_body("DV-SUP", order_id="BC-SUP-1")).status_code == 201
    contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-SUP", "valid_until": VALID_UNTIL,
                                     "lines": LINES})
    # When the manager refuses it without a reason, then it is told the reason is required
    no_reason = manager.post("decide_quote", {"quote_id": "DV-SUP", "action": "refuse"})
    assert [(e["field"], e["code"]) for e in no_reason.json()["errors"]] == [("$.reason", "QUOTE_REFUSAL_REASON_REQUIRED")]
    # When it accepts it
    accepted = manager.post("decide_quote", {"quote_id": "DV-SUP", "action": "accept"})
    # Then the order has its two lines plus the quote's, and the contractor is told
    assert accepted.status_code == 200, accepted.text
    lines = [line["line_id"] for line in manager.get_order("BC-SUP-1").json()["order"]["lines"]]
    assert lines == ["L1", "L2", "DV-SUP-L1"]
    delivered = contractor.pull("orders-ctr-test", wait=10, until=4)  # order, quote requested, lines, quote decided
    assert "fr.passerelle.order.lines_added.v1" in [m.attributes["ce-type"] for m in delivered]
    # And a refused quote keeps its reason
    manager.post("request_quote", request_body("DV-REF"))
    contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-REF", "valid_until": VALID_UNTIL,
                                     "lines": LINES})
    refused = manager.post("decide_quote", {"quote_id": "DV-REF", "action": "refuse", "reason": "Trop cher"})
    assert (refused.json()["state"], refused.json()["reason"]) == ("refused", "Trop cher")
