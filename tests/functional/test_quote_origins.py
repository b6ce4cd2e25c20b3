"""Quotes not started by the manager, through HTTPS and Pub/Sub on the emulators: the contractor raises
one (A2.4 spontaneous, A2.5 supplementary), a beneficiary requests one for its mission (B16); the same
versions, D3 and decisions, and no other party sees or touches them."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import requests

from shared.domain.sourcing.process import Milestone, Mission
from shared.domain.sourcing.records import ExtraCosts, Level, ServiceType
from shared.service.order_store import order_doc
from tests.builders import an_order, issue_order_body
from tests.conftest import register_beneficiary
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
LINES = [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1, "unit": "U",
          "unit_price_cents": 8500}]
VALID_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()
RAISED = "fr.passerelle.quote.raised.v1"


def a_raise(quote_id: str, **fields) -> dict:
    return {"manager_id": "mgr-test", "quote_id": quote_id, "contract_id": "AC-2026-017",
            "title": "Remplacement du groupe VMC", "site": {"node_id": "LYON-BAT-A"}, "lines": LINES,
            "valid_until": VALID_UNTIL, **fields}


def read(erp: Erp, quote_id: str, manager_id: str | None = None) -> requests.Response:
    params = {"quote_id": quote_id, **({"manager_id": manager_id} if manager_id else {})}
    return requests.get(erp.stack.url("get_quote") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_a_contractor_raises_a_quote_over_rest_and_the_manager_accepts_it_into_an_order(
        platform, manager, contractor, other_contractor):
    # When the contractor on site raises a quote nobody asked for
    raised = contractor.post("raise_quote", a_raise("DV-C-1"))
    # Then it is submitted in version 1, without D3, and the manager finds it in its list
    assert (raised.status_code, raised.json()["state"], raised.json()["current_version"],
            raised.json()["opened_by"]) == (201, "submitted", 1, "contractor"), raised.text
    listed = requests.get(platform.url("list_quotes") + "/", headers={"Authorization": f"Bearer {manager.token}"},
                          timeout=30).json()
    assert [q["quote_id"] for q in listed["quotes"]] == ["DV-C-1"]
    # And another contractor can neither raise under that manager's contract nor read the quote
    stranger = other_contractor.post("raise_quote", a_raise("DV-C-2"))
    assert (stranger.status_code, [e["code"] for e in stranger.json()["errors"]]) == (422, ["CONTRACT_NOT_FOUND"])
    assert read(other_contractor, "DV-C-1", "mgr-test").status_code == 404
    # When the manager accepts it
    accepted = manager.post("decide_quote", {"quote_id": "DV-C-1", "action": "accept"})
    # Then the order exists, and the contractor receives it and the decision on its orders topic
    assert (accepted.status_code, accepted.json()["created_order_id"]) == (200, "DV-C-1"), accepted.text
    assert manager.get_order("DV-C-1").status_code == 200
    delivered = contractor.pull("orders-ctr-test", wait=5, until=2)
    assert [m.attributes["ce-type"] for m in delivered] == ["fr.passerelle.order.issued.v1",
                                                            "fr.passerelle.quote.decided.v1"]


def test_a_supplementary_quote_raised_on_the_bus_is_answered_once_and_refused_by_the_manager(
        platform, manager, contractor, clean_firestore):
    # Given an order of this contractor
    assert manager.post("receive_order", issue_order_body("BC-SUP-9")).status_code == 201
    # When the contractor publishes a supplementary quote on its topic, and Pub/Sub delivers it twice
    body = a_raise("DV-BUS-C", order_id="BC-SUP-9")
    ce_id = uuid.uuid4().hex
    attributes = {"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "//erp.ctr-test/", "ce-type": RAISED,
                  "content-type": "application/json"}
    contractor.publish(body, attributes=attributes, ordering_key="BC-SUP-9")
    reply = contractor.reply_to(ce_id)
    contractor.publish(body, attributes=attributes, ordering_key="BC-SUP-9")
    # Then it is accepted once, in version 1, and the quote exists once
    assert (reply["status"], reply["quote_id"], reply["quote_version"], reply["order_id"]) == (
        "accepted", "DV-BUS-C", 1, "BC-SUP-9"), reply
    stored = clean_firestore.document("managers/mgr-test/quotes/DV-BUS-C").get().to_dict()
    assert (stored["state"], len(stored["versions"]), stored["order_id"]) == ("submitted", 1, "BC-SUP-9")
    # When the manager refuses it
    refused = manager.post("decide_quote", {"quote_id": "DV-BUS-C", "action": "refuse", "reason": "Hors budget"})
    assert refused.status_code == 200, refused.text
    # And a raise on an order the contractor does not hold is rejected in its reply
    bad_id = uuid.uuid4().hex
    contractor.publish(a_raise("DV-BUS-D", order_id="BC-NOWHERE"), attributes={**attributes, "ce-id": bad_id},
                       ordering_key="BC-NOWHERE")
    rejected = contractor.reply_to(bad_id)
    assert (rejected["status"], [e["code"] for e in rejected["errors"]]) == ("rejected", ["ORDER_NOT_FOUND"])


def seed_mission(db, beneficiary: str = "ben-test") -> None:
    """A beneficiary's mission whose order is held by ctr-test, the titulaire of its framework contract."""
    register_beneficiary(db, beneficiary)
    db.document(f"beneficiaries/{beneficiary}").update({"territory": "972"})  # registered in Martinique (B18)
    register_beneficiary(db, "ben-other")  # a stranger to the mission, registered
    db.document("contractors/ctr-test").set({"name": "Test", "managers": ["mgr-test", beneficiary]})
    db.document(f"managers/{beneficiary}/contracts/AC-PFI").set({
        "contract_id": "AC-PFI", "contractor_id": "ctr-test", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    order = an_order("BC-N-1", manager_id=beneficiary, contract_id="AC-PFI", state="in_progress")
    db.document(f"managers/{beneficiary}/orders/BC-N-1").set({**order_doc(order),
                                                              "updated_at": dt.datetime.now(dt.UTC)})
    mission = Mission(mission_id="N-1-mission", beneficiary_id=beneficiary, need_id="N-1", need_version=1,
                      professional_id="p-1", profile_category="CHEF-PROJET", level=Level.SENIOR,
                      service_type=ServiceType.AMOA, daily_rate_cents=65_000, extra_costs=ExtraCosts(),
                      start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 6, 30), deliverables=["Recette"],
                      milestones=[Milestone(milestone_id="j1", label="Stratégie", days=10, due=dt.date(2026, 4, 30))],
                      planned_budget_cents=0, order_id="BC-N-1", framed_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    db.document(f"beneficiaries/{beneficiary}/missions/N-1-mission").set(mission.model_dump(mode="json"))


def test_a_beneficiary_requests_a_quote_for_its_mission_the_titulaire_answers_and_the_order_grows(
        platform, contractor, clean_firestore):
    seed_mission(clean_firestore)
    beneficiary = Erp(platform, "beneficiary", "ben-test")
    stranger = Erp(platform, "beneficiary", "ben-other")
    # When the beneficiary requests a quote for its mission
    requested = beneficiary.post("request_mission_quote", {"quote_id": "DV-M-1", "mission_id": "N-1-mission",
                                                           "title": "Atelier de cadrage supplémentaire"})
    # Then D3 runs, and the titulaire is told on its orders topic who asks and for which mission
    assert (requested.status_code, requested.json()["order_id"], requested.json()["contractor_id"]) == (
        201, "BC-N-1", "ctr-test"), requested.text
    d3 = clean_firestore.document("managers/ben-test/deadlines/D3-DV-M-1").get().to_dict()
    assert (d3["state"], d3["territory"]) == ("running", "972")  # the beneficiary's territory (B18)
    # And the titulaire reads by when it must answer, in the quote and in its list (B16)
    mine = read(contractor, "DV-M-1", "ben-test").json()
    assert (mine["territory"], mine["time_zone"]) == ("972", "America/Martinique")
    assert dt.datetime.fromisoformat(mine["answer_due_at"]) == d3["due_at"]
    listed = requests.get(platform.url("list_quotes") + "/", timeout=30,
                          headers={"Authorization": f"Bearer {contractor.token}"}).json()["quotes"]
    assert [(q["answer_due_at"], q["mission_id"]) for q in listed if q["quote_id"] == "DV-M-1"] == [
        (mine["answer_due_at"], "N-1-mission")]
    [told] = [json.loads(m.data) for m in contractor.pull("orders-ctr-test", wait=5, until=1)
              if m.attributes["ce-type"] == "fr.passerelle.quote.requested.v1"]
    assert (told["requested_by"], told["mission_id"], told["manager_id"]) == ("beneficiary", "N-1-mission", "ben-test")
    # And another beneficiary neither reads the quote nor requests one for that mission
    assert read(stranger, "DV-M-1").status_code == 404
    other = stranger.post("request_mission_quote", {"quote_id": "DV-M-2", "mission_id": "N-1-mission",
                                                    "title": "Atelier"})
    assert (other.status_code, [e["code"] for e in other.json()["errors"]]) == (404, ["MISSION_NOT_FOUND"])
    # When the titulaire submits the quote and the beneficiary accepts it
    assert contractor.post("submit_quote", {"manager_id": "ben-test", "quote_id": "DV-M-1",
                                            "valid_until": VALID_UNTIL, "lines": LINES}).status_code == 200
    accepted = beneficiary.post("decide_quote", {"quote_id": "DV-M-1", "action": "accept"})
    # Then D3 was met and the mission's order carries the quote's line
    assert (accepted.status_code, accepted.json()["state"]) == (200, "accepted"), accepted.text
    assert clean_firestore.document("managers/ben-test/deadlines/D3-DV-M-1").get().to_dict()["state"] == "met"
    lines = clean_firestore.document("managers/ben-test/orders/BC-N-1").get().to_dict()["lines"]
    assert lines[-1]["line_id"] == "DV-M-1-L1"
