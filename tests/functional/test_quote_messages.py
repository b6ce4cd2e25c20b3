"""Quotes on the bus (A2.4, A2.5): the contractor receives each quote request and each decision on its
orders topic exactly once, even when the manager's ERP retries; another contractor receives nothing."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from tests.builders import issue_order_body

pytestmark = pytest.mark.emulators
LINES = [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 2, "unit": "U",
          "unit_price_cents": 8500}]
QUOTE_TYPES = ("fr.passerelle.quote.requested.v1", "fr.passerelle.quote.decided.v1")


def quote_messages(messages) -> list[tuple[str, str, dict]]:
    return [(m.attributes["ce-type"], m.ordering_key, json.loads(m.data)) for m in messages
            if m.attributes["ce-type"] in QUOTE_TYPES]


def test_the_contractor_receives_the_request_and_the_decision_once_though_the_manager_retries(
        platform, manager, contractor, other_contractor, clean_firestore):
    other_contractor.pull("orders-ctr-other", wait=0.5)  # start from an empty queue
    request = {"quote_id": "DV-BUS-1", "contract_id": "AC-2026-017", "contractor_id": "ctr-test",
               "title": "Remplacement de la colonne d'eau", "site": {"node_id": "N-1", "commune": "69383"}}
    # When the manager requests a quote, and its ERP retries the same request (same Idempotency-Key, then a new one)
    key = uuid.uuid4().hex
    first, replayed = manager.post("request_quote", request, key=key), manager.post("request_quote", request, key=key)
    again = manager.post("request_quote", request)
    assert [r.status_code for r in (first, replayed, again)] == [201, 201, 200], again.text
    # Then the contractor is told once, with when to answer (D3) and where it is counted
    [(kind, ordering_key, data)] = quote_messages(contractor.pull("orders-ctr-test", wait=3))
    assert (kind, ordering_key, data["quote_id"], data["territory"]) == (QUOTE_TYPES[0], "DV-BUS-1", "DV-BUS-1", "69")
    d3 = clean_firestore.document("managers/mgr-test/deadlines/D3-DV-BUS-1").get().to_dict()
    assert dt.datetime.fromisoformat(data["answer_due_at"]) == d3["due_at"]
    # When the contractor submits it and the manager accepts it, its ERP retrying the same way
    valid_until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-BUS-1",
                                            "valid_until": valid_until, "lines": LINES}).status_code == 200
    key = uuid.uuid4().hex
    decision = {"quote_id": "DV-BUS-1", "action": "accept"}
    accepted = manager.post("decide_quote", decision, key=key)
    replayed = manager.post("decide_quote", decision, key=key)
    late = manager.post("decide_quote", decision)
    assert (accepted.status_code, replayed.status_code) == (200, 200), accepted.text
    assert [e["code"] for e in late.json()["errors"]] == ["ILLEGAL_TRANSITION"]
    # Then the contractor receives the order the acceptance created, then the decision, once each, in order
    delivered = contractor.pull("orders-ctr-test", wait=3)
    assert [(m.attributes["ce-type"], m.ordering_key) for m in delivered] == [
        ("fr.passerelle.order.issued.v1", "DV-BUS-1"), ("fr.passerelle.quote.decided.v1", "DV-BUS-1")]
    decided = json.loads(delivered[1].data)
    assert (decided["state"], decided["decided_by"], decided["version"], decided["total_cents"],
            decided["created_order_id"]) == ("accepted", "manager", 1, 17000, "DV-BUS-1")
    # And another contractor received no quote message at all
    assert quote_messages(other_contractor.pull("orders-ctr-other", wait=1)) == []


def test_a_supplementary_quote_and_its_refusal_are_ordered_with_their_order(platform, manager, contractor):
    # Given an order BC-BUS-1 delivered to the contractor
    assert manager.post("receive_order", issue_order_body("BC-BUS-1")).status_code == 201
    # When the manager requests a supplementary quote on it, the contractor submits it, the manager refuses it
    assert manager.post("request_quote", {"quote_id": "DV-BUS-SUP", "contract_id": "AC-2026-017",
                                          "contractor_id": "ctr-test", "title": "Reprise d'enduit",
                                          "site": {"node_id": "N-1"}, "order_id": "BC-BUS-1"}).status_code == 201
    valid_until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-BUS-SUP",
                                            "valid_until": valid_until, "lines": LINES}).status_code == 200
    refused = manager.post("decide_quote", {"quote_id": "DV-BUS-SUP", "action": "refuse", "reason": "Hors budget"})
    assert refused.status_code == 200, refused.text
    # Then the order, the request and the refusal arrive in that order under the order's key
    delivered = contractor.pull("orders-ctr-test", wait=3)
    assert [(m.attributes["ce-type"], m.ordering_key) for m in delivered] == [
        ("fr.passerelle.order.issued.v1", "BC-BUS-1"), ("fr.passerelle.quote.requested.v1", "BC-BUS-1"),
        ("fr.passerelle.quote.decided.v1", "BC-BUS-1")]
    decided = json.loads(delivered[2].data)
    assert (decided["quote_id"], decided["order_id"], decided["state"], decided["reason"]) == (
        "DV-BUS-SUP", "BC-BUS-1", "refused", "Hors budget")
