"""D2 (A10) through HTTPS: a contract over one overseas département counts its onboarding month there (B18)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

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
