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
from tests.unit.test_deadline_territory import a_world_of


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
