"""The operator's directory (A1 spaces, B1 parties, A10 onboarding), on the emulators: after registering a
manager, a contractor and a beneficiary through the real functions, the operator lists each kind with
list_parties — a contractor shown connected once its conformance run passed, and deactivated once
deactivate_party was called; a beneficiary's manager-like space never listed as a manager. Every other role
is refused (403), and a bad kind or cursor is answered 422, field by field."""

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
