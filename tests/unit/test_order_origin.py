"""How an order the platform issues itself came to be (A2.4 a quote accepted, B10 a mission framed): its first
history entry (kind ``issued``), written by the service with the order, the same for the client and the contractor,
and never twice."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.domain.order_views import OrderEvent
from shared.domain.orders import SiteRef
from shared.service import order_store, orders
from shared.service.sourcing import missions
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World
from tests.quote_builders import CONTRACT_ID, LINES, a_world, decide, submitted
from tests.unit.test_sourcing_services import B, accepted, framing
from tests.unit.test_sourcing_services import a_world as a_sourcing_world


@pytest.fixture
def world() -> World:
    return a_world()


def history(world: World, manager_id: str, order_id: str) -> list[dict]:
    return order_store.list_events(world.uow(), manager_id, order_id)


def test_an_order_from_an_accepted_quote_says_so_first_for_the_manager_and_the_contractor(world):
    world.seed(f"managers/{MANAGER}", {"name": "Rhône Habitat"})
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    # When the manager accepts the quote
    decide(world, "DV-1", "accept")
    # Then the order's history starts with how it came to be, in its first state, dated when it was issued
    [event] = history(world, MANAGER, "DV-1")
    assert (event["event_id"], event["kind"], event["label"]) == (
        "issued", "issued", "Commande émise à partir du devis DV-1 accepté par Rhône Habitat")
    assert (event["quote_id"], event["accepted_by"], event["state_before"], event["state_after"]) == (
        "DV-1", "Rhône Habitat", "to_acknowledge", "to_acknowledge")
    assert event["occurred_at"] == world.clock.now().isoformat() == event["received_at"]
    OrderEvent.model_validate(event)  # as get_order's contract describes it
    # And the contractor's view of the order reads the same entry
    manager_view = order_store.order_view(MANAGER, "DV-1", "manager", world.uow())
    contractor_view = order_store.order_view(MANAGER, "DV-1", "contractor", world.uow(), contractor_id=CONTRACTOR)
    assert manager_view["events"] == contractor_view["events"] == [event]


def test_accepting_again_or_issuing_the_same_order_again_adds_nothing(world):
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    decide(world, "DV-1", "accept")
    first = history(world, MANAGER, "DV-1")
    # When the acceptance is retried (a second decision is refused) and the same order issued again
    with pytest.raises(DomainError):
        decide(world, "DV-1", "accept")
    order = world.order(MANAGER, "DV-1")
    again = IssueOrder.model_validate(order.model_dump(include=set(IssueOrder.model_fields)))
    outcome = orders.receive_order(MANAGER, again, world.uow(), world.clock)
    # Then the history still has its one entry, the client's id when its registry names it not
    assert outcome.created is False and history(world, MANAGER, "DV-1") == first
    assert [e["label"] for e in first] == [f"Commande émise à partir du devis DV-1 accepté par {MANAGER}"]


def test_an_order_received_from_the_clients_erp_starts_its_history_with_the_contractors_first_report(world):
    # An order the client's ERP sends is the client's own: its history is what happened to it since
    order = IssueOrder(order_id="BC-1", contract_id=CONTRACT_ID, contractor_id=CONTRACTOR, title="Fuite",
                       site=SiteRef(node_id="N-1"), lines=LINES, issued_at=world.clock.now())
    orders.receive_order(MANAGER, order, world.uow(), world.clock)
    assert history(world, MANAGER, "BC-1") == []


def test_a_missions_order_says_it_was_issued_from_the_mission_once():
    world = a_sourcing_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    missions.frame_mission(B, framing(), world.uow(), world.clock)  # framed again: nothing written
    [event] = history(world, B, mission.order_id)
    assert (event["kind"], event["mission_id"], event["label"]) == (
        "issued", mission.mission_id, f"Commande émise à partir de la mission {mission.mission_id}")
    assert event["actor"] == "manager" and "quote_id" not in event
