"""B18 territories through HTTPS: a contract over one overseas département counts its onboarding month (D2,
A10) there; a contractor and the purchasing body the operator registered in a territory have what they report
naming none (D8) counted there, else in Paris."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from shared import bootstrap
from shared.service import deadlines
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


def test_a_contract_over_la_reunion_alone_starts_d2_at_midnight_in_la_reunion(manager, clean_firestore):
    # Given a contract signed three days ago whose perimeter is La Réunion (974) only
    signed_on = dt.date.today() - dt.timedelta(days=3)
    body = {"contract_id": "AC-2026-974", "title": "Entretien — lot 1 Réunion", "contractor_id": "ctr-test",
            "contractor_siret": "73282932000074", "lots": [{"code": "LOT1", "label": "Plomberie"}],
            "perimeter": {"departements": ["974"], "communes": []}, "signed_on": signed_on.isoformat(),
            "starts_on": signed_on.isoformat(), "ends_on": "2035-12-31", "status": "active"}
    # When the manager saves it
    saved = manager.post("upsert_contract", body)
    # Then D2 runs from midnight on the signature day in La Réunion, and says why there
    assert saved.status_code == 201, saved.text
    d2 = clean_firestore.document("managers/mgr-test/deadlines/d2-AC-2026-974").get().to_dict()
    assert (d2["kind"], d2["state"], d2["territory"], d2["contract_id"]) == ("D2", "running", "974", "AC-2026-974")
    assert d2["started_at"] == dt.datetime.combine(signed_on, dt.time(0), ZoneInfo("Indian/Reunion"))
    assert d2["evidence"][0]["note"] == "territoire 974 (périmètre du marché)"


# --- B18: a contractor's and the purchasing body's own territory, recorded by the operator -----------------

INCIDENT = {"severity": 3, "title": "Export lent", "description": "L'export des comptes rendus dure plus d'une heure."}


@pytest.fixture
def operator(platform, clean_firestore) -> Erp:
    return Erp(platform, "operator", "platform")


def register_contractor(operator: Erp, contractor_id: str, **fields) -> dict:
    manager = operator.post("register_manager", {"manager_id": "mgr-terr", "name": "Office de démo",
                                                  "siret": "21690123100011"})
    assert manager.status_code in (200, 201), manager.text
    answer = operator.post("register_contractor", {"contractor_id": contractor_id, "name": "Entreprise de démo",
                                                    "siret": "73282932000074", "managers": ["mgr-terr"], **fields})
    assert answer.status_code == 201, answer.text
    return answer.json()


def reported_d8(reporter: Erp, tenant: str) -> tuple[dict, Any]:
    """Report INCIDENT naming no order and no territory; (the answer, its D8 as stored)."""
    answer = reporter.post("report_incident", INCIDENT, key=uuid.uuid4().hex)
    assert answer.status_code == 201, answer.text
    incident = answer.json()
    d8 = deadlines.load(bootstrap.uow(), tenant, incident["deadline_id"])
    assert d8 is not None and d8.kind == "D8"
    return incident, d8


def test_a_contractor_registered_in_la_reunion_has_its_incidents_d8_counted_in_la_reunion(platform, operator):
    # Given a contractor the operator registered in La Réunion (974)
    registered = register_contractor(operator, "ctr-reunion", territory="974")
    assert registered["contractor"]["territory"] == "974"
    # When it reports an incident naming no order and no territory
    incident, d8 = reported_d8(Erp(platform, "contractor", "ctr-reunion"), "ctr-reunion")
    # Then the incident and its D8, as the deadline service stores it, are counted in La Réunion
    assert incident["territory"] == "974" and d8.territory == "974"
    assert d8.due_at == dt.datetime.fromisoformat(incident["due_at"])
    # And the operator's directory shows it
    listed = requests.get(platform.url("list_parties") + "/", params={"kind": "contractor"}, timeout=30,
                          headers={"Authorization": f"Bearer {operator.token}"})
    assert listed.status_code == 200, listed.text
    assert {p["id"]: p["territory"] for p in listed.json()["parties"]}["ctr-reunion"] == "974"


def test_a_contractor_registered_with_no_territory_has_its_incidents_d8_counted_in_paris(platform, operator):
    registered = register_contractor(operator, "ctr-sans-territoire")
    assert registered["contractor"]["territory"] is None
    incident, d8 = reported_d8(Erp(platform, "contractor", "ctr-sans-territoire"), "ctr-sans-territoire")
    assert incident["territory"] == "75" and d8.territory == "75"


def test_a_territory_naming_no_departement_is_refused_with_its_field_code_and_french_message(platform, operator):
    # When the operator registers a contractor or the purchasing body in "99"
    contractor = operator.post("register_contractor", {
        "contractor_id": "ctr-nulle-part", "name": "Entreprise", "siret": "73282932000074", "managers": [],
        "territory": "99"})
    body = operator.post("register_purchasing_body", {"purchasing_body_id": "centrale-nulle-part",
                                                      "name": "Centrale", "territory": "99"})
    # Then both are refused on $.territory, in French, and nothing is registered
    for answer in (contractor, body):
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert (error["field"], error["code"]) == ("$.territory", "INVALID_FORMAT")
        assert error["message"].startswith("Format invalide")
    uow = bootstrap.uow()
    assert uow.get("contractors/ctr-nulle-part") is None and uow.get("purchasing_bodies/centrale-nulle-part") is None


def test_the_purchasing_body_registered_in_la_reunion_has_its_incidents_d8_counted_there_else_in_paris(
        platform, operator):
    # Given the purchasing body registered by the operator in La Réunion (974)
    first = operator.post("register_purchasing_body", {"purchasing_body_id": "centrale-reunion",
                                                       "name": "Centrale d'achat", "territory": "974"})
    again = operator.post("register_purchasing_body", {"purchasing_body_id": "centrale-reunion",
                                                       "name": "Centrale d'achat", "territory": "974"})
    assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
    assert again.json()["changed"] is False and again.json()["purchasing_body"]["territory"] == "974"
    # When it reports an incident naming no territory
    incident, d8 = reported_d8(Erp(platform, "purchasing_body", "centrale-reunion"), "centrale-reunion")
    # Then its D8 is counted in La Réunion
    assert incident["territory"] == "974" and d8.territory == "974"
    # And a purchasing body the operator never registered still works, counted in Paris as before
    incident, d8 = reported_d8(Erp(platform, "purchasing_body", "centrale-inconnue"), "centrale-inconnue")
    assert incident["territory"] == "75" and d8.territory == "75"
    # And only the operator registers it
    refused = Erp(platform, "purchasing_body", "centrale-reunion").post(
        "register_purchasing_body", {"purchasing_body_id": "centrale-reunion", "name": "X", "territory": "75"})
    assert refused.status_code == 403, refused.text
