"""B11 mission follow-up on the in-memory world: milestones with their deliverables, timesheets kept
within each milestone's days and the mission's budget, reception and invoicing per milestone."""

from __future__ import annotations

import dataclasses
import json

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType, ReplyStatus
from shared.domain.orders import OrderState
from shared.domain.reception import ReceiveOrder
from shared.domain.sourcing.messages import SubmitTimesheet
from shared.service import inbound_router, receptions
from shared.service.sourcing import missions, timesheets
from shared.service.sourcing.paths import Settings
from tests.builders import inbound, invoice_body
from tests.unit.test_sourcing_services import B, accepted, a_world, framing

TITULAIRE = Settings().titulaire_id


@pytest.fixture
def mission_world():
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(milestones=[
        {"milestone_id": "j1", "label": "Stratégie de recette", "days": 10, "due": "2026-04-30",
         "deliverables": ["Cahier de recette"]},
        {"milestone_id": "j2", "label": "Campagne", "days": 5, "due": "2026-06-15"}]), world.uow(), world.clock)
    return world, mission


def timesheet(world, mission, timesheet_id: str, milestone_id: str, days: str, contractor: str = TITULAIRE):
    command = SubmitTimesheet.model_validate_json(json.dumps({
        "beneficiary_id": B, "mission_id": mission.mission_id, "timesheet_id": timesheet_id,
        "milestone_id": milestone_id, "period_start": "2026-04-01", "period_end": "2026-04-10", "days": days}))
    return timesheets.submit_timesheet(contractor, command, world.uow(), world.clock)


def test_timesheets_stay_within_each_milestone_s_days_and_the_mission_s_budget(mission_world):
    world, mission = mission_world
    assert mission.milestones[0].deliverables == ["Cahier de recette"]
    # When the titulaire reports 6 days on the first milestone, then 5 more
    assert timesheet(world, mission, "ts-1", "j1", "6").timesheet_days == {"j1": 6}
    with pytest.raises(DomainError) as exc:
        timesheet(world, mission, "ts-2", "j1", "5")
    # Then the second is refused with what is left
    assert [e.code for e in exc.value.errors] == ["TIMESHEET_DAYS_EXCEEDED"]
    assert "il en reste 4 sur 10 prévus" in exc.value.errors[0].message
    # And the same timesheet again changes nothing; another contractor sees no mission; an unknown milestone is refused
    assert timesheet(world, mission, "ts-1", "j1", "6").timesheet_days == {"j1": 6}
    with pytest.raises(DomainError) as other:
        timesheet(world, mission, "ts-3", "j1", "1", contractor="ctr-other")
    assert [e.code for e in other.value.errors] == ["MISSION_NOT_FOUND"]
    with pytest.raises(DomainError) as unknown:
        timesheet(world, mission, "ts-4", "j9", "1")
    assert [e.code for e in unknown.value.errors] == ["MILESTONE_NOT_FOUND"]


def test_a_milestone_delivered_is_received_by_the_beneficiary_and_invoiced_on_its_own(mission_world):
    world, mission = mission_world
    order = world.order(B, mission.order_id)
    # Given the first milestone reported done while the mission goes on
    world.seed_order(order.model_copy(update={"state": OrderState.IN_PROGRESS, "line_status": {"j1": True}}))
    # When the beneficiary receives it and the titulaire invoices it
    receptions.record_reception(B, ReceiveOrder.model_validate_json(json.dumps({
        "order_id": mission.order_id, "occurred_at": "2026-03-03T08:00:00+00:00", "lines": [{"line_id": "j1"}]})),
        world.uow(), world.clock)

    def invoice(days: str, number: str):
        msg = dataclasses.replace(inbound(invoice_body(number, order_id=mission.order_id, manager_id=B,
                                                       lines=[("j1", days, mission.daily_rate_cents)], vat_rate="20"),
                                          number, contractor_id=TITULAIRE), type=EventType.INVOICE_SUBMITTED.value)
        return inbound_router.route(msg, inbound_router.Services(uow=world.uow(), clock=world.clock))

    # Then more days than the milestone holds are refused, its days are accepted
    over = invoice("11", "M-1")
    assert over.status is ReplyStatus.REJECTED and "INVOICE_QUANTITY_EXCEEDED" in [e.code for e in over.errors]
    ok = invoice("10", "M-2")
    assert ok.status is ReplyStatus.ACCEPTED and ok.order_state is OrderState.IN_PROGRESS
    # And the mission's follow-up shows the milestone delivered, received and invoiced, within budget
    view = missions.read_mission(B, mission.mission_id, world.uow())
    j1, j2 = view["milestones_follow_up"]
    assert (j1["delivered"], j1["received"], j1["days_invoiced"]) == (True, True, "10")
    assert (j2["delivered"], j2["received"], j2["days_invoiced"]) == (False, False, "0")
    assert view["budget"]["invoiced_cents"] == 10 * mission.daily_rate_cents <= view["budget"]["planned_cents"]
