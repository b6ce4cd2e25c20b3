"""A14 six-month review through HTTPS on the emulators: the contractor is reminded a month before it is due
(the scheduled remind_catalogue_reviews, once), and the manager confirms it without a new version."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import requests

from shared.domain.catalogue import add_months
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
ITEMS = [{"code": "PLB-010", "label": "Recherche de fuite", "unit": "U", "unit_price": "85,00", "vat_rate": "10"}]
REVIEW_TYPES = ("fr.passerelle.catalogue.review_due.v1", "fr.passerelle.catalogue.reviewed.v1")


def reviews(messages) -> list[tuple[str, dict]]:
    return [(m.attributes["ce-type"], json.loads(m.data)) for m in messages if m.attributes["ce-type"] in REVIEW_TYPES]


def test_the_contractor_is_reminded_once_and_the_manager_confirms_the_review_without_a_new_version(
        platform, manager, contractor, clean_firestore):
    clean_firestore.document("managers/mgr-test/contracts/AC-REV").set({
        "contract_id": "AC-REV", "contractor_id": "ctr-test", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    today = dt.date.today()
    # Given a catalogue last reviewed five months and a day ago: its review is due within the month
    reviewed = add_months(today, -5) - dt.timedelta(days=1)
    imported = manager.post("import_catalogue", {"contract_id": "AC-REV", "valid_from": reviewed.isoformat(),
                                                 "reviewed_on": reviewed.isoformat(), "items": ITEMS})
    assert imported.status_code == 201, imported.text
    contractor.pull("orders-ctr-test", wait=3, until=1)
    # When Cloud Scheduler calls the reminder sweep, twice
    first = requests.post(platform.url("remind_catalogue_reviews") + "/", json={}, timeout=60)
    second = requests.post(platform.url("remind_catalogue_reviews") + "/", json={}, timeout=60)
    # Then the contractor is reminded once of the review due six months after the last one
    assert (first.status_code, first.json()["reminded"], second.json()["reminded"]) == (200, 1, 0), first.text
    [(kind, due)] = reviews(contractor.pull("orders-ctr-test", wait=5, until=1))
    assert (kind, due["contract_id"], due["review_due_on"]) == (REVIEW_TYPES[0], "AC-REV",
                                                                add_months(reviewed, 6).isoformat())
    # When another manager tries to confirm it, then its own manager confirms it today
    other = Erp(platform, "manager", "mgr-other").post("confirm_catalogue_review", {"contract_id": "AC-REV",
                                                                                  "reviewed_on": today.isoformat()})
    confirmed = manager.post("confirm_catalogue_review", {"contract_id": "AC-REV", "reviewed_on": today.isoformat(),
                                                          "note": "Revue semestrielle : bordereau inchangé"},
                             key=uuid.uuid4().hex)
    # Then the stranger is refused, and the review moves the next due date with the same version in force
    assert [e["code"] for e in other.json()["errors"]] == ["CONTRACT_NOT_FOUND"]
    assert (confirmed.status_code, confirmed.json()["version"], confirmed.json()["review_due_on"]) == (
        201, 1, add_months(today, 6).isoformat()), confirmed.text
    [(kind, told)] = reviews(contractor.pull("orders-ctr-test", wait=5, until=1))
    assert (kind, told["version"], told["reviewed_on"]) == (REVIEW_TYPES[1], 1, today.isoformat())
    view = requests.get(platform.url("get_catalogue") + "/", params={"contract_id": "AC-REV"}, timeout=30,
                        headers={"Authorization": f"Bearer {manager.token}"}).json()
    assert (view["needs_review"], view["last_reviewed_on"], len(view["versions"])) == (False, today.isoformat(), 1)
