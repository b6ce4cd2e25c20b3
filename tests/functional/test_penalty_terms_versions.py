"""A9 penalties on the emulators: a manager sets a version of a contract's penalty terms effective in the future;
the manager and the contractor holding the contract read every version and the one in force today (get_contract);
the contractor receives the new version once on its orders-<contractor>-erp subscription, as
fr.passerelle.contract.changed.v1; another contractor or manager reads nothing of it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from shared.domain import workdays
from tests.functional.erp import Erp
from tests.functional.test_contracts import a_contract

pytestmark = pytest.mark.emulators

CONTRACT = "AC-2026-030"


def read(erp: Erp, **params: str) -> requests.Response:
    return requests.get(erp.stack.url("get_contract") + "/", params={"contract_id": CONTRACT, **params}, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


@pytest.fixture
def serves_both(clean_firestore):
    """ctr-other also serves mgr-test (under no contract of mgr-test's here): a contractor of the same manager."""
    clean_firestore.document("contractors/ctr-other").set({"name": "Other", "managers": ["mgr-other", "mgr-test"]})


def test_a_version_to_come_is_read_by_the_manager_and_the_holder_and_announced_to_it_once(
        platform, manager, contractor, other_contractor, serves_both):
    other_contractor.pull("orders-ctr-other", wait=0.5)
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date()
    # Given a contract signed at 100 EUR a day, delivered to its contractor
    signed = {"daily_amount_cents": {"P1": 10_000}}
    assert manager.post("upsert_contract", a_contract(penalty_terms=signed)).status_code == 201
    [created] = contractor.pull("orders-ctr-test", wait=10, until=1)
    assert json.loads(created.data)["penalty_terms_versions"]["versions"] == []
    # When the manager sets 250 EUR a day and D3 priced from ten days on, and retries with the same key
    later = today + dt.timedelta(days=10)
    body = {"contract_id": CONTRACT, "effective_from": later.isoformat(), "reason": "Avenant n° 2",
            "terms": {"daily_amount_cents": {"P1": 25_000}, "rules_by_kind": {"D3": "P1"}}}
    amended = manager.post("set_penalty_terms", body, key="terms-avenant-2")
    retried = manager.post("set_penalty_terms", body, key="terms-avenant-2")
    assert amended.status_code == 201, amended.text
    assert (retried.status_code, retried.headers.get("Idempotent-Replayed"), retried.json()) == (
        201, "true", amended.json())
    # Then the contractor receives one contract.changed: version 2 of the contract, carrying the version to come
    [announced] = contractor.pull("orders-ctr-test", wait=15, until=1)
    assert (announced.attributes["ce-type"], announced.attributes["ce-subject"], announced.ordering_key) == (
        "fr.passerelle.contract.changed.v1", f"contracts/{CONTRACT}", CONTRACT)
    data = json.loads(announced.data)
    terms = data["penalty_terms_versions"]
    assert (data["change"], data["version"], data["penalty_terms"]["daily_amount_cents"]) == ("updated", 2,
                                                                                             {"P1": 10_000})
    assert (terms["on"], terms["in_force_version"], terms["in_force_terms"]["daily_amount_cents"]) == (
        today.isoformat(), None, {"P1": 10_000})
    [version] = terms["versions"]
    assert (version["version"], version["effective_from"], version["terms"]["daily_amount_cents"],
            version["terms"]["rules_by_kind"], version["reason"], version["set_by"]) == (
        1, later.isoformat(), {"P1": 25_000}, {"D3": "P1"}, "Avenant n° 2", None)  # not the manager's account ids
    # And nothing more: the retry announced nothing, the other contractor got nothing
    assert contractor.pull("orders-ctr-test", wait=3) == []
    assert other_contractor.pull("orders-ctr-other", wait=1) == []
    # When the manager and the contractor read the contract
    mine, held = read(manager), read(contractor, manager_id="mgr-test")
    # Then both read version 2 of it, its one terms version and none in force yet (the signature's terms apply);
    # only the manager sees which of its accounts set it
    assert (mine.status_code, held.status_code) == (200, 200), (mine.text, held.text)
    assert held.json()["penalty_terms_versions"] == terms
    assert [v["set_by"] for v in mine.json()["penalty_terms_versions"]["versions"]] == ["erp-mgr-test"]
    assert {**mine.json(), "penalty_terms_versions": terms} == held.json()
    assert mine.json()["version"] == 2
    # And another contractor of the same manager, another manager, the holder naming another manager: 404
    for erp, params in ((other_contractor, {"manager_id": "mgr-test"}), (Erp(platform, "manager", "mgr-other"), {}),
                        (contractor, {"manager_id": "mgr-other"})):
        refused = read(erp, **params)
        assert (refused.status_code, [e["code"] for e in refused.json()["errors"]]) == (404, ["CONTRACT_NOT_FOUND"])
    # And a contractor may not set terms (403)
    assert contractor.post("set_penalty_terms", body).status_code == 403


def test_a_version_effective_today_is_the_one_in_force(platform, manager, contractor):
    today = dt.datetime.now(dt.UTC).astimezone(workdays.PARIS).date()
    assert manager.post("upsert_contract", a_contract()).status_code == 201
    amended = manager.post("set_penalty_terms", {"contract_id": CONTRACT, "effective_from": today.isoformat(),
                                                 "reason": "Avenant n° 1", "terms": {"daily_amount_cents": {"P1": 0}}})
    assert amended.status_code == 201, amended.text
    terms = read(contractor, manager_id="mgr-test").json()["penalty_terms_versions"]
    assert (terms["on"], terms["in_force_version"], terms["in_force_terms"]["daily_amount_cents"]) == (
        today.isoformat(), 1, {"P1": 0})
    delivered = contractor.pull("orders-ctr-test", wait=15, until=2)
    assert [json.loads(m.data)["penalty_terms_versions"]["in_force_version"] for m in delivered] == [None, 1]
