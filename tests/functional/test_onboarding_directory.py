"""The operator's directory (A1 spaces, B1 parties, A10 onboarding), on the emulators: after registering a
manager, a contractor and a beneficiary through the real functions, the operator lists each kind with
list_parties — a contractor shown connected once its conformance run passed, and deactivated once
deactivate_party was called; a beneficiary's manager-like space never listed as a manager. The purchasing body
the operator registered is listed with its territory (B1 parties, B18), and once deactivated its people's tokens
are refused TENANT_INACTIVE, as a deactivated manager's are. Every other role is refused (403), and a bad kind or
cursor is answered 422, field by field."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from tests.functional.erp import Erp
from tests.functional.test_onboarding import register
from tests.sourcing_builders import a_beneficiary

pytestmark = pytest.mark.emulators


def parties(erp: Erp, **params) -> requests.Response:
    return requests.get(erp.stack.url("list_parties") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def rows(erp: Erp, kind: str) -> dict[str, dict]:
    answer = parties(erp, kind=kind)
    assert answer.status_code == 200, answer.text
    assert answer.json()["next_cursor"] is None and answer.json()["count"] == len(answer.json()["parties"])
    return {row["id"]: row for row in answer.json()["parties"]}


@pytest.fixture
def operator(platform, clean_firestore) -> Erp:
    return Erp(platform, "operator", "platform")


def test_the_operator_lists_who_is_registered_connected_and_deactivated(platform, operator, firestore_client):
    # Given a manager and a contractor working for it, and a beneficiary, registered through the API
    register(operator, "mgr-annuaire", "ctr-annuaire")
    beneficiary = operator.post("register_beneficiary", a_beneficiary("ben-annuaire"))
    assert beneficiary.status_code == 201, beneficiary.text
    # Then the operator sees each of them in its kind, the contractor not connected yet
    managers, contractors, beneficiaries = (rows(operator, k) for k in ("manager", "contractor", "beneficiary"))
    assert "mgr-annuaire" in managers and "ben-annuaire" not in managers  # its space managers/ben-annuaire is no manager
    assert (managers["mgr-annuaire"]["kind"], managers["mgr-annuaire"]["territory"],
            managers["mgr-annuaire"]["status"]) == ("manager", "69", "active")
    assert {"ctr-annuaire", "ctr-titulaire"} <= set(contractors)
    ctr = contractors["ctr-annuaire"]
    assert (ctr["managers"], ctr["connected"], ctr["conformance_passed_at"], ctr["status"]) == (
        ["mgr-annuaire"], False, None, "active")
    ben = beneficiaries["ben-annuaire"]
    assert (ben["kind"], ben["region"], ben["region_label"], ben["territory"]) == (
        "beneficiary", "84", "Auvergne-Rhône-Alpes", "69")
    assert "claire.martin" not in parties(operator, kind="beneficiary").text  # its contacts are never listed
    # When its conformance run passes (as check_conformance records it: tests/functional/test_conformance.py
    # plays the whole scenario) and then it is deactivated
    passed_at = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
    firestore_client.document("contractors/ctr-annuaire").update(
        {"conformance": {"run_id": "3f9c1a7e52b0", "passed_at": passed_at}})
    assert rows(operator, "contractor")["ctr-annuaire"]["connected"] is True
    deactivated = operator.post("deactivate_party", {"kind": "contractor", "id": "ctr-annuaire"})
    assert deactivated.status_code == 200, deactivated.text
    # Then the directory shows both: connected on that day, deactivated since
    ctr = rows(operator, "contractor")["ctr-annuaire"]
    assert (ctr["connected"], ctr["conformance_passed_at"], ctr["status"]) == (True, "2026-12-01T10:30:00Z",
                                                                                "inactive")
    assert ctr["deactivated_at"] is not None


def test_the_pages_follow_the_cursor(platform, operator):
    # (the suite's store holds mgr-other and mgr-test already)
    register(operator, "mgr-page-a", "ctr-page-a")
    first = parties(operator, kind="manager", after="mgr-other")
    assert [r["id"] for r in first.json()["parties"]] == ["mgr-page-a", "mgr-test"]
    assert parties(operator, kind="manager", after="mgr-test").json() == {
        "kind": "manager", "parties": [], "count": 0, "next_cursor": None}


@pytest.mark.parametrize(("role", "tenant"), [("manager", "mgr-test"), ("contractor", "ctr-test"),
                                              ("beneficiary", "ben-authz"), ("purchasing_body", "centrale-authz")])
def test_no_other_role_lists_the_parties(platform, operator, role, tenant):
    refused = parties(Erp(platform, role, tenant), kind="manager")
    assert refused.status_code == 403 and refused.headers["Content-Type"] == "application/problem+json"
    assert [e["code"] for e in refused.json()["errors"]] == ["FORBIDDEN"]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, [("query.kind", "REQUIRED")]),
    ({"kind": "gestionnaires"}, [("query.kind", "INVALID_VALUE")]),
    ({"kind": "manager", "after": "mgr annuaire/../x"}, [("query.after", "INVALID_FORMAT")]),
])
def test_a_bad_kind_or_cursor_is_refused_in_french(platform, operator, params, expected):
    refused = parties(operator, **params)
    assert refused.status_code == 422, refused.text
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == expected
    assert all(e["message"] for e in refused.json()["errors"])


# --- B1 parties: the purchasing body as a full party of the directory ----------------------------------------


def incidents_as(erp: Erp) -> requests.Response:
    return requests.get(erp.stack.url("list_incidents") + "/", timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_the_purchasing_body_is_listed_with_its_territory_and_once_deactivated_its_token_is_refused(platform,
                                                                                                       operator):
    # Given the purchasing body registered by the operator in La Réunion, its people acting under its id
    registered = operator.post("register_purchasing_body", {"purchasing_body_id": "centrale-annuaire",
                                                            "name": "Centrale d'achat de l'annuaire",
                                                            "territory": "974"})
    assert registered.status_code == 201, registered.text
    body = Erp(platform, "purchasing_body", "centrale-annuaire")
    assert incidents_as(body).status_code == 200  # accepted, and cached by the instance as registered
    # Then the directory lists it with its territory, and nowhere among the managers
    listed = rows(operator, "purchasing_body")["centrale-annuaire"]
    assert (listed["kind"], listed["name"], listed["siret"], listed["territory"], listed["status"],
            listed["deactivated_at"]) == ("purchasing_body", "Centrale d'achat de l'annuaire", None, "974", "active",
                                          None)
    assert "centrale-annuaire" not in rows(operator, "manager")
    # When the operator deactivates it
    deactivation = {"kind": "purchasing_body", "id": "centrale-annuaire"}
    first = operator.post("deactivate_party", deactivation, key="deactivate-centrale-annuaire")
    assert first.status_code == 200, first.text
    assert (first.json()["changed"], first.json()["record"]["status"], first.json()["topology"]) == (
        True, "inactive", None)
    # Then its people's tokens are refused before any handler runs, with the structured French refusal
    for refused in (incidents_as(body), body.post("report_incident", {"title": "Panne", "severity": 2,
                                                                      "description": "Plus d'accès."})):
        assert refused.status_code == 403 and refused.headers["Content-Type"] == "application/problem+json"
        [error] = refused.json()["errors"]
        assert (error["field"], error["code"]) == ("header.Authorization", "TENANT_INACTIVE")
        assert "centrale-annuaire" in error["message"] and "désactivée" in error["message"]
    # …and so is an account the operator would give it
    account = operator.post("manage_account", {"email": "acheteur@centrale-annuaire.test", "display_name": "Acheteur",
                                               "role": "purchasing_body", "tenant": "centrale-annuaire"})
    assert account.status_code == 422 and [(e["field"], e["code"]) for e in account.json()["errors"]] == [
        ("$.tenant", "TENANT_INACTIVE")]
    # And a retry changes nothing: the same key replays the answer, a new one finds it inactive already
    assert operator.post("deactivate_party", deactivation, key="deactivate-centrale-annuaire").json() == first.json()
    again = operator.post("deactivate_party", deactivation)
    assert again.status_code == 200 and again.json()["changed"] is False
    assert again.json()["record"]["deactivated_at"] == first.json()["record"]["deactivated_at"]
    listed = rows(operator, "purchasing_body")["centrale-annuaire"]
    assert (listed["status"], listed["territory"]) == ("inactive", "974") and listed["deactivated_at"] is not None
    # And a purchasing body nobody registered is a 404, as any unknown party
    unknown = operator.post("deactivate_party", {"kind": "purchasing_body", "id": "centrale-inconnue"})
    assert unknown.status_code == 404 and [e["code"] for e in unknown.json()["errors"]] == ["PARTY_NOT_FOUND"]
    # When it is registered again, its people act again
    assert operator.post("register_purchasing_body", {"purchasing_body_id": "centrale-annuaire",
                                                      "name": "Centrale d'achat de l'annuaire"}).status_code == 200
    assert incidents_as(body).status_code == 200


def test_a_deactivated_manager_is_refused_the_same_way(platform, operator):
    register(operator, "mgr-annu-off", "ctr-annu-mgr-off")
    manager = Erp(platform, "manager", "mgr-annu-off")
    assert incidents_as(manager).status_code == 200
    assert operator.post("deactivate_party", {"kind": "manager", "id": "mgr-annu-off"}).status_code == 200
    refused = incidents_as(manager)
    assert refused.status_code == 403 and [e["code"] for e in refused.json()["errors"]] == ["TENANT_INACTIVE"]
