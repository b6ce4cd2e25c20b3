"""How an order came to be: the platform issued it itself (A2.4 a quote accepted, B10 a mission framed: kind
``issued``) or its client sent it (A2.3 receive_order, from its ERP or the web app: kind ``received``) — its first
history entry, written by the service with the order, the same for the client and the contractor, never twice, and
moving no sequence of the contractor's."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.domain.order_moves import Sender
from shared.domain.order_views import OrderEvent
from shared.domain.orders import SiteRef
from shared.service import conformance, order_store, orders
from shared.service.sourcing import missions
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World
from shared.domain.quotes import DecideQuote
from shared.service import quotes
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


def test_the_person_who_accepts_a_quote_is_named_beside_the_client_when_their_token_says_who(world):
    world.seed(f"managers/{MANAGER}", {"name": "Rhône Habitat"})
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    # When Marie Dupont, signed in, accepts it (her token carries her name)
    quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="accept"), world.uow(), world.clock,
                        by=Sender(uid="uid-marie", name="Marie Dupont"))
    [event] = history(world, MANAGER, "DV-1")
    assert event["label"] == "Commande émise à partir du devis DV-1 accepté par Marie Dupont (Rhône Habitat)"
    assert (event["accepted_by"], event["by"], event["by_name"]) == ("Rhône Habitat", "uid-marie", "Marie Dupont")
    OrderEvent.model_validate(event)


def an_order(world: World, order_id: str = "BC-1") -> IssueOrder:
    return IssueOrder(order_id=order_id, contract_id=CONTRACT_ID, contractor_id=CONTRACTOR, title="Fuite",
                      site=SiteRef(node_id="N-1"), lines=LINES, issued_at=world.clock.now())


def test_an_order_from_the_clients_erp_says_it_was_received_through_the_api_by_its_machine_identity(world):
    world.seed(f"managers/{MANAGER}", {"name": "Rhône Habitat"})
    erp = Sender(uid="erp@rhone-habitat.iam.gserviceaccount.com", machine=True)
    # When the client's ERP sends an order (a machine identity's token)
    orders.receive_order(MANAGER, an_order(world), world.uow(), world.clock, sender=erp)
    # Then its history starts with where it came from and by which channel, dated when the client issued it
    [event] = history(world, MANAGER, "BC-1")
    assert (event["event_id"], event["kind"], event["label"]) == (
        "received", "received", "Commande reçue de Rhône Habitat par l'API")
    assert (event["received_from"], event["received_via"], event["by"], event["actor"], event["channel"]) == (
        "Rhône Habitat", "api", erp.uid, "manager", "rest")
    assert "by_name" not in event and event["state_before"] == event["state_after"] == "to_acknowledge"
    OrderEvent.model_validate(event)
    # And the contractor reads the same entry; no sequence of its reports moved: the next it sends is still 1
    contractor_view = order_store.order_view(MANAGER, "BC-1", "contractor", world.uow(), contractor_id=CONTRACTOR)
    assert contractor_view["events"] == [event] and world.order(MANAGER, "BC-1").last_sequence == 0
    assert conformance._applied(world.uow(), MANAGER, "BC-1") == []


def test_an_order_typed_in_the_web_app_names_the_person_and_keeps_nothing_else_of_their_token(world):
    # When a manager's user types « Nouvelle commande » (a person's token: uid, name; never the e-mail)
    person = Sender(uid="uid-marie", name="Marie Dupont", web=True)
    orders.receive_order(MANAGER, an_order(world), world.uow(), world.clock, sender=person)
    [event] = history(world, MANAGER, "BC-1")
    # Then (no registry record: the client's id) the entry says the application, and who typed it
    assert event["label"] == f"Commande reçue de {MANAGER} par l'application, saisie par Marie Dupont"
    assert (event["received_via"], event["by"], event["by_name"]) == ("web", "uid-marie", "Marie Dupont")
    assert not {"email", "rights", "role", "tenant"} & set(event)
    # And the same person calling the API outside the web app: the API, their uid kept
    orders.receive_order(MANAGER, an_order(world, "BC-2"), world.uow(), world.clock, sender=Sender(uid="uid-marie"))
    [event] = history(world, MANAGER, "BC-2")
    assert (event["label"], event["by"]) == (f"Commande reçue de {MANAGER} par l'API", "uid-marie")


def test_an_order_received_again_adds_nothing_to_its_history(world):
    erp = Sender(uid="erp@x.iam.gserviceaccount.com", machine=True)
    orders.receive_order(MANAGER, an_order(world), world.uow(), world.clock, sender=erp)
    first = history(world, MANAGER, "BC-1")
    # When it is delivered again, even by another sender
    again = orders.receive_order(MANAGER, an_order(world), world.uow(), world.clock, sender=Sender(uid="uid-other"))
    # Then nothing is written
    assert again.created is False and history(world, MANAGER, "BC-1") == first and len(first) == 1


def test_a_missions_order_says_it_was_issued_from_the_mission_once():
    world = a_sourcing_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(), world.uow(), world.clock)
    missions.frame_mission(B, framing(), world.uow(), world.clock)  # framed again: nothing written
    [event] = history(world, B, mission.order_id)
    assert (event["kind"], event["mission_id"], event["label"]) == (
        "issued", mission.mission_id, f"Commande émise à partir de la mission {mission.mission_id}")
    assert event["actor"] == "manager" and "quote_id" not in event


def test_who_sent_it_is_read_from_the_token_a_persons_name_never_a_machines_nor_an_email():
    from shared.edge.auth import _principal
    from shared.edge.http import Request, sender

    def sent(principal, web: bool) -> Sender:
        return sender(Request(principal, b"", {}, None, "cid", from_web_app=web))

    claims = {"role": "manager", "tenant": MANAGER, "name": " Marie Dupont ", "email": "marie@rhone-habitat.fr"}
    assert sent(_principal("uid-marie", claims), True) == Sender(uid="uid-marie", name="Marie Dupont", web=True)
    assert sent(_principal("uid-marie", claims), False) == Sender(uid="uid-marie", name="Marie Dupont")
    assert sent(_principal("erp@p.iam.gserviceaccount.com", claims, machine=True), True) == Sender(
        uid="erp@p.iam.gserviceaccount.com", machine=True)
    assert sent(_principal("uid-2", {**claims, "name": "  "}), True).name is None
