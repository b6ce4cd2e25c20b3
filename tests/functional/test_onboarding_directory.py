"""The operator's directory (A1 spaces, B1 parties, A10 onboarding), on the emulators: after registering a
manager, a contractor and a beneficiary through the real functions, the operator lists each kind with
list_parties — a contractor shown connected once its conformance run passed, and deactivated once
deactivate_party was called; a beneficiary's manager-like space never listed as a manager. The purchasing body
the operator registered is listed with its territory (B1 parties, B18), and once deactivated its people's tokens
are refused TENANT_INACTIVE, as a deactivated manager's are. Every other role is refused (403), and a bad kind or
cursor is answered 422, field by field. A beneficiary the operator deactivates is refused the same way until
registered again; the operator's lists name the beneficiary of a need and the managers a contractor works for,
and say by when a contractor not yet connected is due to be (its earliest open D2, A10)."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from google.cloud.firestore import FieldFilter

from tests.functional.erp import Erp
from tests.functional.test_onboarding import contract, register
from tests.sourcing_builders import a_beneficiary, a_need_content

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
    # and among the contractors not connected yet (« À faire », A10), with its D2
    waiting = parties(operator, kind="contractor", connected="false")
    assert waiting.status_code == 200, waiting.text
    assert "ctr-annuaire" in {r["id"] for r in waiting.json()["parties"]}
    assert all(r["connected"] is False and r["status"] == "active" for r in waiting.json()["parties"])
    # When its conformance run passes (as check_conformance records it: tests/functional/test_conformance.py
    # plays the whole scenario) and then it is deactivated
    passed_at = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
    firestore_client.document("contractors/ctr-annuaire").update(
        {"conformance": {"run_id": "3f9c1a7e52b0", "passed_at": passed_at}})
    assert rows(operator, "contractor")["ctr-annuaire"]["connected"] is True
    listed = {c: {r["id"] for r in parties(operator, kind="contractor", connected=c).json()["parties"]}
              for c in ("false", "true")}
    assert "ctr-annuaire" not in listed["false"] and "ctr-annuaire" in listed["true"]
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
    ({"kind": "contractor", "connected": "non"}, [("query.connected", "INVALID_VALUE")]),
    ({"kind": "manager", "connected": "false"}, [("query.connected", "INVALID_VALUE")]),
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


# --- B1 parties: a beneficiary deactivated like a manager; names instead of ids in the operator's lists ----------


def needs(erp: Erp) -> requests.Response:
    return requests.get(erp.stack.url("list_needs") + "/", timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_a_deactivated_beneficiary_is_refused_until_registered_again_and_its_needs_carry_its_name(platform,
                                                                                                   operator):
    # Given a beneficiary registered by the operator, whose people submitted a need
    assert operator.post("register_beneficiary", a_beneficiary("ben-annu-off", name="Ville de Villeurbanne")
                         ).status_code == 201
    beneficiary = Erp(platform, "beneficiary", "ben-annu-off")
    submitted = beneficiary.post("submit_need", {"need_id": "annuaire-1", "content": a_need_content()})
    assert submitted.status_code == 201, submitted.text
    # Then the operator's list of needs waiting for proposals names it, not by its id alone
    [row] = [n for n in needs(operator).json()["needs"] if n["beneficiary_id"] == "ben-annu-off"]
    assert row["beneficiary_name"] == "Ville de Villeurbanne"
    assert needs(beneficiary).json()["needs"][0]["beneficiary_name"] == "Ville de Villeurbanne"
    assert "ben-annu-off" in offered(operator)  # the pickers offer it
    # When the operator deactivates it
    done = operator.post("deactivate_party", {"kind": "beneficiary", "id": "ben-annu-off"})
    assert done.status_code == 200, done.text
    assert (done.json()["kind"], done.json()["changed"], done.json()["record"]["status"]) == (
        "beneficiary", True, "inactive")
    # Then its people's tokens are refused before any handler runs, as a deactivated manager's are
    for refused in (needs(beneficiary), beneficiary.post("submit_need", {"need_id": "annuaire-2",
                                                                         "content": a_need_content()})):
        assert refused.status_code == 403 and refused.headers["Content-Type"] == "application/problem+json"
        [error] = refused.json()["errors"]
        assert (error["field"], error["code"]) == ("header.Authorization", "TENANT_INACTIVE")
        assert "ben-annu-off" in error["message"] and "bénéficiaire" in error["message"]
    listed = rows(operator, "beneficiary")["ben-annu-off"]
    assert listed["status"] == "inactive" and listed["deactivated_at"] is not None
    # and the operator still reads its need, by its name
    assert [n["beneficiary_name"] for n in needs(operator).json()["needs"]
            if n["beneficiary_id"] == "ben-annu-off"] == ["Ville de Villeurbanne"]
    # but the pickers (get_sourcing?view=beneficiaries) no longer offer it, to the operator nor the purchasing body
    purchasing_body = Erp(platform, "purchasing_body", "centrale-achats")
    assert "ben-annu-off" not in offered(operator) and "ben-annu-off" not in offered(purchasing_body)
    # When it is registered again, its people act again, and it is offered again
    assert operator.post("register_beneficiary", a_beneficiary("ben-annu-off", name="Ville de Villeurbanne")
                         ).status_code == 200
    assert needs(beneficiary).status_code == 200
    assert rows(operator, "beneficiary")["ben-annu-off"]["status"] == "active"
    assert "ben-annu-off" in offered(operator) and "ben-annu-off" in offered(purchasing_body)


def offered(erp: Erp) -> list[str]:
    """The beneficiaries the pickers offer (B1 parties), every page."""
    ids, after = [], None
    while True:
        page = requests.get(erp.stack.url("get_sourcing") + "/", timeout=30,
                            params={"view": "beneficiaries", **({"after": after} if after else {})},
                            headers={"Authorization": f"Bearer {erp.token}"})
        assert page.status_code == 200, page.text
        ids += [b["beneficiary_id"] for b in page.json()["beneficiaries"]]
        after = page.json()["next_cursor"]
        if after is None:
            return ids


@pytest.mark.parametrize(("role", "tenant"), [("manager", "mgr-test"), ("contractor", "ctr-test")])
def test_only_the_operator_registers_or_deactivates_a_beneficiary_and_reads_the_needs_by_name(platform, operator,
                                                                                              role, tenant):
    other = Erp(platform, role, tenant)
    for refused in (other.post("register_beneficiary", a_beneficiary("ben-intrus")), needs(other),
                    other.post("deactivate_party", {"kind": "beneficiary", "id": "ben-authz"})):
        assert refused.status_code == 403, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == ["FORBIDDEN"]
    assert "ben-intrus" not in rows(operator, "beneficiary")


def test_the_directory_names_a_contractors_managers_and_its_d2_due_date_until_it_connects(platform, operator,
                                                                                          firestore_client):
    # Given a contractor working for a manager, its contract signed today: D2 runs (A10, one month)
    register(operator, "mgr-annu-d2", "ctr-annu-d2")
    manager = Erp(platform, "manager", "mgr-annu-d2")
    signed = dt.date.today()
    saved = manager.post("upsert_contract", contract("ctr-annu-d2", signed))
    assert saved.status_code == 201, saved.text
    [d2] = [d.to_dict() for d in firestore_client.collection_group("deadlines").where(
        filter=FieldFilter("contractor_id", "==", "ctr-annu-d2")).stream() if d.to_dict()["kind"] == "D2"]
    # Then the directory names its manager and says by when it is expected to connect, on the D2's own clock
    row = rows(operator, "contractor")["ctr-annu-d2"]
    assert row["manager_names"] == {"mgr-annu-d2": "Office de démo"}
    assert dt.datetime.fromisoformat(row["d2_due_at"]) == d2["due_at"] and row["d2_time_zone"] == "Europe/Paris"
    # When it connects (its conformance run passed), no due date is shown any more
    firestore_client.document("contractors/ctr-annu-d2").update(
        {"conformance": {"run_id": "3f9c1a7e52b0", "passed_at": dt.datetime.now(dt.UTC)}})
    row = rows(operator, "contractor")["ctr-annu-d2"]
    assert (row["connected"], row["d2_due_at"], row["d2_time_zone"]) == (True, None, None)
