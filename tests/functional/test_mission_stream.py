"""A11 real-time view of a mission, over HTTPS on the emulators: what is written beside a mission's order — the
titulaire's timesheet (B11), its deliverable, the beneficiary's decision on it (B11, B7) — reaches the watch_orders
streams already open, the beneficiary's and the titulaire's, within seconds, as a change of the mission's order
(the screens following that order read it again); a decision repeated changes nothing and sends nothing."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import requests

from tests.functional.erp import Erp
from tests.functional.test_documents import a_mission_with_deliverables, deliver
from tests.functional.test_order_stream import Stream, watch
from tests.functional.test_reporting import TITULAIRE
from tests.pdfs import a_pdf

pytestmark = pytest.mark.emulators


def changed(stream: Stream, order_id: str, within: float = 5) -> dict:
    """The first ``order`` event of ``stream`` naming ben-lyon's ``order_id``, arrived within ``within`` seconds."""
    sent = time.monotonic()
    for name, data, _ in stream.until("order", timeout=10):
        if name == "order":
            assert (data["manager_id"], data["order_id"]) == ("ben-lyon", order_id)
            assert time.monotonic() - sent < within
            return data
    pytest.fail("no order event")


def test_a_timesheet_a_deliverable_and_its_decision_reach_the_open_streams_of_the_beneficiary_and_the_titulaire(
        platform, clean_firestore):
    # Given ben-lyon's mission become an order to the titulaire, and both following their orders' stream
    platform.provision_contractor(TITULAIRE)
    mission_id, order_id = a_mission_with_deliverables(clean_firestore, platform.project_id)
    titulaire, beneficiary = Erp(platform, "contractor", TITULAIRE), Erp(platform, "beneficiary", "ben-lyon")
    order = beneficiary.get_order(order_id).json()["order"]
    mission = requests.get(platform.url("get_sourcing") + "/", params={"view": "mission", "mission_id": mission_id},
                           headers={"Authorization": f"Bearer {beneficiary.token}"}, timeout=30).json()
    start = dt.date.fromisoformat(mission["start_date"][:10])
    streams = (watch(platform, beneficiary.token), watch(platform, titulaire.token))
    try:
        # When the titulaire records a timesheet on milestone j1 (the mission is hybrid: one day of three on site)
        recorded = titulaire.post("submit_timesheet", {
            "beneficiary_id": "ben-lyon", "mission_id": mission_id, "timesheet_id": "TS-1", "milestone_id": "j1",
            "period_start": start.isoformat(), "period_end": (start + dt.timedelta(days=4)).isoformat(),
            "days": "3", "days_on_site": "1"})
        assert recorded.status_code == 200, recorded.text
        # Then both streams carry its order's change within seconds, though the order itself did not change
        for stream in streams:
            event = changed(stream, order_id)
            assert event["state"] == order["state"]
        # When the titulaire delivers j1's « Cahier de recette »
        delivered = deliver(platform, titulaire, order_id, a_pdf(f"Cahier de recette — {order_id}"),
                            milestone_id="j1", deliverable="Cahier de recette")
        assert delivered.status_code == 201, delivered.text
        for stream in streams:
            changed(stream, order_id)
        # And the beneficiary refuses it with its reason
        decision = {"mission_id": mission_id, "document_id": delivered.json()["document"]["sha256"],
                    "decision": "refused", "reason": "Les tests d'accessibilité manquent."}
        assert beneficiary.post("decide_deliverable", decision).status_code == 200
        # Then both streams carry it too
        for stream in streams:
            changed(stream, order_id)
        # But the same decision sent again changes nothing: no stream hears of it
        assert beneficiary.post("decide_deliverable", decision).status_code == 200
        for stream in streams:
            assert [e for e in stream.drain(2) if e[0] == "order"] == []
    finally:
        for stream in streams:
            stream.close()
