"""A2.3 Orders: an order is dated when it is issued — an ``issued_at`` more than the clock-skew tolerance ahead of the
platform's clock is refused (ISSUED_IN_FUTURE on $.issued_at), since every event of its contractor, dated when it
happens, would then be refused as dated before the order (OCCURRED_BEFORE_ORDER)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder, ReplyStatus
from shared.domain.order_dates import CLOCK_SKEW_TOLERANCE, issued_in_future
from shared.domain.validation import parse_object
from shared.service import orders
from shared.service.executions import record_execution
from tests.builders import MANAGER, NOW, inbound, issue_order_body, report
from tests.unit.test_deadline_territory import CONTRACT, a_world_of


def command(issued_at: dt.datetime) -> IssueOrder:
    parsed, errors = parse_object(IssueOrder, issue_order_body(issued_at=issued_at.isoformat()))
    assert not errors
    return parsed


def test_an_issue_up_to_the_tolerance_ahead_is_accepted_and_a_second_more_is_refused_in_french():
    assert issued_in_future(NOW, NOW) == []
    assert issued_in_future(NOW - dt.timedelta(days=3), NOW) == []
    assert issued_in_future(NOW + CLOCK_SKEW_TOLERANCE, NOW) == []
    [error] = issued_in_future(NOW + CLOCK_SKEW_TOLERANCE + dt.timedelta(seconds=1), NOW)
    assert (error.field, error.code) == ("$.issued_at", "ISSUED_IN_FUTURE")
    # both instants on Paris's clock: 3 March 2026, 10:02:01 issued while it is 10:00 there
    assert "03/03/2026 à 10:02" in error.message and "il est 03/03/2026 à 10:00" in error.message
    assert "dans le futur" in error.message


def test_receive_order_refuses_an_order_issued_tomorrow_stores_nothing_and_tells_no_contractor():
    # Given the platform's clock at NOW
    world = a_world_of()
    # When a manager sends an order dated tomorrow
    with pytest.raises(DomainError) as exc:
        orders.receive_order(MANAGER, command(NOW + dt.timedelta(days=1)), world.uow(), world.clock)
    # Then it is refused on $.issued_at, and nothing is stored or sent
    assert [(e.field, e.code) for e in exc.value.errors] == [("$.issued_at", "ISSUED_IN_FUTURE")]
    assert world.order(MANAGER, "BC-2026-014") is None
    assert world.outbox() == []


def test_an_order_issued_within_the_tolerance_is_stored_and_its_contractor_may_acknowledge_it_at_once():
    # Given an order whose ERP clock runs a minute ahead of the platform's
    world = a_world_of()
    issued = NOW + dt.timedelta(minutes=1)
    assert orders.receive_order(MANAGER, command(issued), world.uow(), world.clock).created
    # When its contractor acknowledges it now
    reply = record_execution(inbound(report(1, "acknowledged", occurred_at=NOW)), world.uow(), world.clock)
    # Then the acknowledgement is accepted (the same tolerance lets it be dated before the issue)
    assert reply.status is ReplyStatus.ACCEPTED, reply.errors
    assert world.order(MANAGER, "BC-2026-014").issued_at == issued


# --- B18: the order's day is its day in its territory, whatever offset the ERP wrote -----------------------------

FIRST_DAY = "2026-03-02"  # the contract's first day (a Monday)


def a_world_from(first_day: str = FIRST_DAY, **contract):
    world = a_world_of()
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", {**CONTRACT, "starts_on": first_day, **contract})
    return world


def issue(world, issued_at: str, **site) -> list[tuple[str, str]]:
    body = issue_order_body(issued_at=issued_at, site={"node_id": "N-1", "label": "Logement 12", **site})
    parsed, errors = parse_object(IssueOrder, body)
    assert not errors
    try:
        orders.receive_order(MANAGER, parsed, world.uow(), world.clock)
    except DomainError as refused:
        return [(e.field, e.code) for e in refused.errors]
    return []


def test_an_order_sent_in_utc_late_on_the_eve_of_its_contract_is_in_force_on_its_day_in_paris():
    # Given a contract in force from 2 March, and an ERP that writes its times in UTC
    world = a_world_from()
    # When it issues an order at 23:30 UTC on 1 March — 00:30 on 2 March in Paris
    refused = issue(world, "2026-03-01T23:30:00+00:00")
    # Then the order is dated 2 March where it is, and accepted
    assert refused == []
    assert world.order(MANAGER, "BC-2026-014").territory == "75"


def test_an_order_written_with_a_summer_offset_in_winter_is_still_on_the_eve_in_paris_and_refused():
    # Given the same contract, and an ERP that writes +02:00 in March (Paris is at +01:00)
    world = a_world_from()
    # When it issues an order at 00:30+02:00 on 2 March — 23:30 on 1 March in Paris
    refused = issue(world, "2026-03-02T00:30:00+02:00")
    # Then the contract is not yet in force on the order's day, and the French message says which day
    assert refused == [("$.contract_id", "CONTRACT_NOT_IN_FORCE")]
    assert world.order(MANAGER, "BC-2026-014") is None


def catalogue_changing_on(world, day: str) -> None:
    """PLB-010 at 80 EUR, then at 85 EUR from ``day`` (the order's lines price it 85)."""
    for version, valid_from, cents in ((1, "2026-01-01", 8000), (2, day, 8500)):
        world.seed(f"managers/{MANAGER}/contracts/AC-2026-017/catalogue/v{version}", {
            "contract_id": "AC-2026-017", "version": version, "valid_from": valid_from, "reviewed_on": valid_from,
            "items": {code: {"code": code, "label": label, "unit": "U", "unit_price_cents": price, "vat_rate": "10"}
                      for code, label, price in (("PLB-010", "Recherche de fuite", cents),
                                                 ("PLB-024", "Remplacement siphon", 4200))}})


def test_an_order_at_la_reunion_is_priced_by_the_catalogue_in_force_on_la_reunions_day():
    # Given a contract in force since January, whose catalogue raises PLB-010 to 85 EUR on 2 March
    world = a_world_from("2026-01-01")
    catalogue_changing_on(world, FIRST_DAY)
    # When an order at Saint-Denis (La Réunion, UTC+4) priced at 85 EUR is issued at 21:00 UTC on 1 March — 01:00
    # on 2 March there
    refused = issue(world, "2026-03-01T21:00:00+00:00", commune="97411")
    # Then its lines are priced by the version of 2 March: accepted, in La Réunion
    assert refused == []
    assert world.order(MANAGER, "BC-2026-014").territory == "974"
    # And the same instant in Paris (22:00 on 1 March) is still priced by the version of January
    paris = a_world_from("2026-01-01")
    catalogue_changing_on(paris, FIRST_DAY)
    assert issue(paris, "2026-03-01T21:00:00+00:00", commune="75056") == [("$.lines[0].unit_price_cents",
                                                                           "INVALID_VALUE")]


def test_a_contract_starting_on_la_reunions_day_takes_an_order_there_while_paris_is_on_the_eve():
    world = a_world_from()
    assert issue(world, "2026-03-01T21:00:00+00:00", commune="97411") == []
    paris = a_world_from()
    assert issue(paris, "2026-03-01T21:00:00+00:00", commune="75056") == [("$.contract_id", "CONTRACT_NOT_IN_FORCE")]
