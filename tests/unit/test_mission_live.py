"""A11 real-time view on the in-memory world: what a command writes beside a mission's order and its screens show —
a timesheet (B11), a deliverable delivered or decided (B11, B7), a replacement requested or made (B12) — moves the
order's ``updated_at`` in the command's own commit (the order stream watches orders), with no audit record of its
own; a repeated command moves nothing."""

from __future__ import annotations

import datetime as dt

from shared.domain.documents import DeliverableVerdict
from shared.domain.sourcing.messages import DecideDeliverable, ProposeReplacement, RequestReplacement
from shared.domain.sourcing.process import SourcingActor
from shared.domain.sourcing.records import Professional
from shared.service import order_store
from shared.service.sourcing import deliverables, pool, replacements
from tests.pdfs import a_pdf
from tests.unit.test_document_service import Files
from tests.unit.test_mission_deliverables import attach
from tests.unit.test_mission_follow_up import mission_world, timesheet  # noqa: F401 (fixture)
from tests.unit.test_sourcing_services import B, a_professional


def updated_at(world, mission) -> dt.datetime:
    return world.db.data(order_store.order_path(B, mission.order_id))[order_store.UPDATED_AT]


def order_audits(world, mission) -> list[dict]:
    path = order_store.order_path(B, mission.order_id)
    return [a for a in world.db.under(f"managers/{B}/audit").values() if a["target"] == path]


def moved(world, mission, command) -> bool:
    """Whether ``command`` moved the order's updated_at; the order's audit records are unchanged either way."""
    before, audits = updated_at(world, mission), order_audits(world, mission)
    command()
    assert order_audits(world, mission) == audits  # the marker is no change of the order's content
    return updated_at(world, mission) > before


def test_a_timesheet_moves_its_order_once_and_its_repeat_does_not(mission_world):
    world, mission = mission_world
    order_before = world.db.data(order_store.order_path(B, mission.order_id))
    assert moved(world, mission, lambda: timesheet(world, mission, "ts-1", "j1", "3"))
    # Then nothing else of the order changed
    after = world.db.data(order_store.order_path(B, mission.order_id))
    assert {k: v for k, v in after.items() if k != "updated_at"} == \
        {k: v for k, v in order_before.items() if k != "updated_at"}
    assert not moved(world, mission, lambda: timesheet(world, mission, "ts-1", "j1", "3"))


def test_a_deliverable_delivered_then_decided_moves_its_order_and_a_repeated_decision_does_not(mission_world):
    world, mission = mission_world
    files = Files()
    delivered = []
    assert moved(world, mission, lambda: delivered.append(attach(world, mission, files, a_pdf("Cahier v1")).record))
    document_id = delivered[0].sha256
    refuse = DecideDeliverable(mission_id=mission.mission_id, document_id=document_id,
                               decision=DeliverableVerdict.REFUSED, reason="Incomplet")

    def decide():
        deliverables.decide_deliverable(B, refuse, world.uow(), world.clock, decided_by="agent@lyon.fr")

    assert moved(world, mission, decide)
    assert not moved(world, mission, decide)
    # The same file delivered again is the same document: nothing moves
    assert not moved(world, mission, lambda: attach(world, mission, files, a_pdf("Cahier v1")))


def test_a_replacement_requested_then_made_moves_its_order(mission_world):
    world, mission = mission_world
    pool.upsert_professional(Professional.model_validate(a_professional("pro-dora"), strict=False), world.uow())
    request = RequestReplacement.model_validate({"action": "request", "mission_id": mission.mission_id,
                                                 "reason": "insufficiency"}, strict=False)
    assert moved(world, mission, lambda: replacements.request_replacement(
        B, request, SourcingActor.BENEFICIARY, world.uow(), world.clock))
    proposal = ProposeReplacement.model_validate({"action": "propose", "beneficiary_id": B,
                                                  "mission_id": mission.mission_id, "professional_id": "pro-dora"},
                                                 strict=False)
    assert moved(world, mission, lambda: replacements.propose_replacement(proposal, world.uow(), world.clock))


def test_the_mission_view_says_up_to_which_change_of_its_order_it_reads_and_none_when_read_across_a_commit(
        mission_world):
    """The mission screen skips the stream's event of a change it already shows, as the order screen does: its view
    answers the order's updated_at as read — none when a commit fell between its read of the mission and its order's."""
    from shared.domain.sourcing.views import MissionView, SourcingView
    from shared.service.sourcing import missions, paths

    world, mission = mission_world
    timesheet(world, mission, "ts-1", "j1", "3")
    view = missions.read_mission(B, mission.mission_id, world.uow())
    assert view["updated_at"] == updated_at(world, mission).isoformat()
    assert isinstance(SourcingView.model_validate(view, strict=False).root, MissionView)
    # When a timesheet commits after the view read the mission but before it read the order
    reading = world.uow()
    reading.get(paths.mission(B, mission.mission_id))
    timesheet(world, mission, "ts-2", "j1", "1")
    across = missions.read_mission(B, mission.mission_id, reading)
    # Then the order read carries that timesheet's instant, the mission shown does not: the view claims no instant
    assert "ts-2" not in str(across["milestones_follow_up"]) and across["milestones_follow_up"][0]["days_reported"] == "3"
    assert across["updated_at"] is None
    # And read afresh, it shows it and says so
    assert missions.read_mission(B, mission.mission_id, world.uow())["updated_at"] == updated_at(world, mission).isoformat()
