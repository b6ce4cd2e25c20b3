"""B18 territories: an order keeps the territory chosen at its issue, and get_order answers it with its clock (time
zone and French name) for the web app, from the order's record alone; list_orders gives each row its time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.domain.order_list import summary
from shared.domain.order_views import OrderView
from shared.domain.territories import clock_of
from shared.domain.validation import parse_object
from shared.domain.workdays import _SPECIAL
from shared.service import order_store, orders
from shared.service.executions import record_execution
from tests.builders import MANAGER, NOW, an_order, inbound, issue_order_body, report
from tests.unit.test_deadline_territory import a_world_of, a_world_with_a_node_in_fort_de_france


def recording(world):
    """A unit of work that records the documents it reads and the collections it queries."""
    uow, read, queried = world.uow(), [], []
    fetch, run = uow._fetch, uow._run_query
    uow._fetch = lambda paths: read.extend(paths) or fetch(paths)
    uow._run_query = lambda query: queried.append(query.collection) or run(query)
    return uow, read, queried


def issue(world, **overrides) -> str:
    command, errors = parse_object(IssueOrder, issue_order_body(**overrides))
    assert not errors
    assert orders.receive_order(MANAGER, command, world.uow(), world.clock).created
    return command.order_id


def test_get_order_answers_martiniques_clock_for_an_order_at_a_node_in_fort_de_france_reading_only_the_order():
    # Given a Parisian manager's order at its Fort-de-France dwelling, naming no commune
    world = a_world_with_a_node_in_fort_de_france()
    order_id = issue(world, site={"node_id": "FDF-LOG-1"})
    # Then its record keeps the territory chosen at issue, which the order answered does not show
    assert world.order(MANAGER, order_id).territory == "972"
    assert "territory" not in world.order(MANAGER, order_id).model_dump(mode="json")
    # When the contractor's screen reads it, on a unit of work that records its reads
    uow, read, queried = recording(world)
    view = order_store.order_view(MANAGER, order_id, "contractor", uow, contractor_id="ctr-test")
    # Then the view carries Martinique's clock, and matches its contract (OrderView)
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == (
        "972", "America/Martinique", "Heures de la Martinique")
    OrderView.model_validate(view, strict=False)
    # And it read the order and its history only: neither contract, manager, node nor account requests
    assert read == [f"managers/{MANAGER}/orders/{order_id}"]
    assert queried == [f"managers/{MANAGER}/orders/{order_id}/events"]


def test_the_territory_kept_at_issue_is_the_one_the_orders_deadlines_and_screen_use_later():
    # Given a manager in La Réunion, under a contract naming no territory, and its order naming no commune
    world = a_world_of(manager_territory="974")
    order_id = issue(world)
    assert world.order(MANAGER, order_id).territory == "974"
    # When the manager's own territory later changes to Paris
    world.seed(f"managers/{MANAGER}", {"name": MANAGER, "territory": "75"})
    # Then the order's screen still reads La Réunion's clock, and a late message's D1 counts there too
    view = order_store.order_view(MANAGER, order_id, "manager", world.uow())
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == (
        "974", "Indian/Reunion", "Heures de La Réunion")
    record_execution(inbound(report(1, "acknowledged", occurred_at=NOW - dt.timedelta(days=2))), world.uow(),
                     world.clock)
    [d1] = world.deadlines(MANAGER).values()
    assert d1.territory == "974"


def test_an_order_stored_before_orders_kept_their_territory_gets_the_rule_applied_afresh():
    # Given orders stored without a territory: one naming Fort-de-France, one naming no commune, of a manager in Guyane
    world = a_world_of(an_order("BC-FDF", site={"node_id": "N-1", "commune": "97209"}), an_order("BC-NONE"),
                       manager_territory="973")
    assert world.order(MANAGER, "BC-FDF").territory is None
    # Then the first reads Martinique's clock from its commune, without reading anything else
    uow, read, _ = recording(world)
    assert order_store.order_view(MANAGER, "BC-FDF", "manager", uow)["time_zone"] == "America/Martinique"
    assert read == [f"managers/{MANAGER}/orders/BC-FDF"]
    # And the second its manager's (the contract names no territory), as its deadlines always have
    view = order_store.order_view(MANAGER, "BC-NONE", "manager", world.uow())
    assert (view["territory"], view["time_zone"]) == ("973", "America/Cayenne")
    # And a metropolitan order reads Paris's clock
    world.seed_order(an_order("BC-LYON", site={"node_id": "N-2", "commune": "69123"}))
    view = order_store.order_view(MANAGER, "BC-LYON", "manager", world.uow())
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == ("69", "Europe/Paris", "Heures de Paris")


def test_a_list_row_carries_its_orders_time_zone_when_the_record_says_it_without_a_read():
    at = dict(updated_at=NOW, last_event=None, document_count=0)
    kept = an_order(territory="974")
    assert summary(kept, NOW, **at).time_zone == "Indian/Reunion"
    assert summary(an_order(site={"node_id": "N", "commune": "98818"}), NOW, **at).time_zone == "Pacific/Noumea"
    assert summary(an_order(node_commune="97209"), NOW, **at).time_zone == "America/Martinique"
    # An order stored before, naming no commune: its contract or manager would say, which a list does not read
    assert summary(an_order(), NOW, **at).time_zone is None
    assert "time_zone" in summary(kept, NOW, **at).model_dump(mode="json")


def test_every_territory_has_its_clock_named_in_french():
    # Overseas: each its own zone and name; metropolitan France, Corsica and Alsace-Moselle: Paris's
    assert clock_of("972").label == "Heures de la Martinique"
    assert clock_of("NC").label == "Heures de la Nouvelle-Calédonie"
    for code in ("75", "2A", "57", "67"):
        assert (clock_of(code).time_zone, clock_of(code).label) == ("Europe/Paris", "Heures de Paris")
    overseas = [code for code, (zone, _) in _SPECIAL.items() if zone != "Europe/Paris"]
    assert len(overseas) == 11
    assert all(clock_of(code).label.startswith("Heures de ") and clock_of(code).label != "Heures de Paris"
               for code in overseas)
    with pytest.raises(DomainError):
        clock_of("99")


def test_an_order_read_while_a_report_commits_shows_the_report_with_the_state_it_moved_to(monkeypatch):
    """A11 order tracking: the order's screen never shows an event beside the state before it (the order read,
    then the contractor's report committed — the order and its event in one commit —, then the history queried:
    the screen showed « Prise en compte » in its history and the moves of an order still to acknowledge)."""
    from tests.fakes import InMemoryUnitOfWork

    world = a_world_of()
    order_id = issue(world)
    run, reported = InMemoryUnitOfWork._run_query, []

    def report_then_query(self, query):
        if query.collection.endswith("/events") and not reported:  # the report commits after the order's read
            reported.append(True)
            record_execution(inbound(report(1, "acknowledged", order_id=order_id)), world.uow(), world.clock)
        return run(self, query)

    monkeypatch.setattr(InMemoryUnitOfWork, "_run_query", report_then_query)
    view = order_store.order_view(MANAGER, order_id, "contractor", world.uow(), contractor_id="ctr-test")
    assert reported
    # its history: how it was received, then the report
    assert ([e["event_id"] for e in view["events"]], view["order"]["state"]) == (
        ["received", "s0000001"], "acknowledged")
