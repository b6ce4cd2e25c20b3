"""A connector that lost messages catches up, on the emulators: it lists every message the platform sent it
since its last cursor (the same ce-id, body and ordering key as on Pub/Sub), has them redelivered on its
topic, and reads back its contracts and billing accounts — and nothing of another contractor's."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tests.builders import issue_order_body
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
ACCOUNT = {"billing_account_id": "CF-69-01", "contract_ids": ["AC-2026-017", "AC-OTHER"],
           "invoicing_address": {"lines": ["Rhône Habitat — service factures"], "postal_code": "69003",
                                 "city": "Lyon"},
           "legal_entity": {"name": "Rhône Habitat", "siret": "21690123100011"}}


def get(erp: Erp, function: str, **params) -> requests.Response:
    return requests.get(erp.stack.url(function) + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def as_published(messages) -> list[tuple[str, str, str, bytes]]:
    return [(m.attributes["ce-id"], m.attributes["ce-type"], m.ordering_key, m.data) for m in messages]


@pytest.fixture
def shared_manager(clean_firestore):
    """mgr-test also works with ctr-other, under a contract of its own."""
    clean_firestore.document("contractors/ctr-other").set({"name": "Other", "managers": ["mgr-other", "mgr-test"]})
    clean_firestore.document("managers/mgr-test/contracts/AC-OTHER").set({
        "contract_id": "AC-OTHER", "contractor_id": "ctr-other", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    return clean_firestore


def test_catch_up_after_an_outage_lists_and_redelivers_exactly_what_was_sent(
        platform, manager, contractor, other_contractor, shared_manager):
    other_contractor.pull("orders-ctr-other", wait=0.5)
    # Given the contractor's connector read a first order and stored the cursor after it
    assert manager.post("receive_order", issue_order_body("BC-R-1")).status_code == 201
    first = get(contractor, "list_messages").json()
    assert [m["type"] for m in first["messages"]] == ["fr.passerelle.order.issued.v1"]
    cursor = first["next_cursor"]
    contractor.pull("orders-ctr-test", wait=3, until=1)
    # When, during its outage, an order, a state change and a billing account are sent, and the messages
    # are acknowledged on Pub/Sub but lost by the connector
    assert manager.post("receive_order", issue_order_body("BC-R-2")).status_code == 201
    cancel = {"order_id": "BC-R-2", "state": "cancelled", "reason": "Doublon",
              "occurred_at": dt.datetime.now(dt.UTC).isoformat()}
    assert manager.post("change_order_state", cancel).status_code == 200
    assert manager.post("upsert_billing_account", ACCOUNT).status_code == 201
    lost = as_published(contractor.pull("orders-ctr-test", wait=5, until=3))
    assert len(lost) == 3
    # Then, back, it lists every message since its cursor: the same ids, types, keys and bodies, in order
    page = get(contractor, "list_messages", after=cursor).json()
    listed = [(m["id"], m["type"], m["ordering_key"]) for m in page["messages"]]
    assert listed == [(i, t, k) for i, t, k, _ in lost] and page["more"] is False
    # And the billing account shows it only its own contract, as the other contractor only its own
    account = next(m for m in page["messages"] if m["type"] == "fr.passerelle.billing_account.changed.v1")
    assert account["data"]["contract_ids"] == ["AC-2026-017"]
    theirs = [m for m in get(other_contractor, "list_messages").json()["messages"]]
    assert [m["data"]["contract_ids"] for m in theirs] == [["AC-OTHER"]]
    # When it asks for them to be redelivered from its cursor
    redelivered = contractor.post("redeliver_messages", {"after": cursor})
    # Then the same three messages arrive again on its topic, byte for byte, in order
    assert (redelivered.status_code, redelivered.json()["redelivered"]) == (200, 3), redelivered.text
    assert as_published(contractor.pull("orders-ctr-test", wait=5, until=3)) == lost
    assert redelivered.json()["last_position"] == page["next_cursor"]
    # And the other contractor heard nothing of it, nor may it redeliver them
    assert [m.attributes["ce-id"] for m in other_contractor.pull("orders-ctr-other", wait=1)] == [theirs[0]["id"]]
    stolen = other_contractor.post("redeliver_messages", {"ids": [lost[0][0]]})
    assert (stolen.status_code, [e["code"] for e in stolen.json()["errors"]]) == (404, ["MESSAGE_NOT_FOUND"])


def test_a_bad_or_expired_cursor_is_answered_with_its_field(platform, contractor):
    bad = get(contractor, "list_messages", after="nimporte-quoi", limit="0")
    assert bad.status_code == 400 or bad.status_code == 422
    assert sorted(e["field"] for e in bad.json()["errors"]) in (["query.limit"], ["query.after", "query.limit"])
    old = get(contractor, "list_messages", since="2020-01-01T00:00:00Z")
    assert (old.status_code, [e["code"] for e in old.json()["errors"]]) == (422, ["CURSOR_EXPIRED"])


def test_a_contractor_reads_back_its_contracts_and_billing_accounts_and_no_one_elses(
        platform, manager, contractor, other_contractor, shared_manager):
    assert manager.post("upsert_billing_account", ACCOUNT).status_code == 201
    # When each contractor reads its contract and the billing accounts
    own = get(contractor, "get_contract", manager_id="mgr-test", contract_id="AC-2026-017")
    not_its = get(other_contractor, "get_contract", manager_id="mgr-test", contract_id="AC-2026-017")
    accounts = get(contractor, "list_billing_accounts").json()["billing_accounts"]
    theirs = get(other_contractor, "list_billing_accounts").json()["billing_accounts"]
    # Then each sees its own contract, and the account with only its own contract in it
    assert (own.status_code, own.json()["contractor_id"]) == (200, "ctr-test")
    assert (not_its.status_code, [e["code"] for e in not_its.json()["errors"]]) == (404, ["CONTRACT_NOT_FOUND"])
    assert [(a["billing_account_id"], a["contract_ids"]) for a in accounts] == [("CF-69-01", ["AC-2026-017"])]
    assert [(a["billing_account_id"], a["contract_ids"]) for a in theirs] == [("CF-69-01", ["AC-OTHER"])]
    # And the manager reads the whole account, and its own contract without naming itself
    assert get(manager, "list_billing_accounts").json()["billing_accounts"][0]["contract_ids"] == ACCOUNT[
        "contract_ids"]
    assert get(manager, "get_contract", contract_id="AC-OTHER").json()["contractor_id"] == "ctr-other"
