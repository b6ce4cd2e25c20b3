"""A9/P1 non-compliant format: a message rejected for its format opens F1 until a corrected message is accepted."""

from __future__ import annotations

import datetime as dt

from shared.domain.deadlines import DeadlineState
from shared.domain.messages import ReplyStatus
from shared.domain.orders import OrderState
from shared.domain.penalties import non_compliant_format
from shared.service import deadlines as svc
from shared.service.executions import record_execution
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order, inbound, report
from tests.fakes import World


def a_world() -> World:
    world = World(NOW)
    world.seed_order(an_order(state=OrderState.TO_ACKNOWLEDGE))
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    return world


def f1_of(world: World) -> list:
    return [d for d in world.deadlines(MANAGER).values() if d.kind == "F1"]


def test_a_message_rejected_for_its_format_opens_f1_and_its_timer_accrues_day_one_at_once():
    world = a_world()
    # Given a message whose progress is out of range
    bad = inbound(report(1, "acknowledged", progress=140), "m-bad")
    reply = record_execution(bad, world.uow(), world.clock)
    # Then it is rejected and an F1 deadline, due at receipt, is missed in the reply's commit
    assert reply.status is ReplyStatus.REJECTED
    [f1] = f1_of(world)
    assert (f1.state, f1.due_at, f1.penalty_rule, f1.order_id) == (DeadlineState.MISSED, NOW, "P1", "BC-2026-014")
    assert f1.evidence[0].ref == bad.key
    # And its timer fires now for day 1
    [task] = world.queue.tasks.values()
    assert task["schedule_time"] == NOW and task["payload"]["deadline_id"] == f1.deadline_id
    world.clock.advance(seconds=1)  # a task runs just after its schedule time
    svc.on_timer(task["payload"], world.uow(), world.clock)
    assert [(e.day, e.amount_cents, e.rule_id) for e in world.ledger(MANAGER, f1.deadline_id)] == [(1, 15000, "P1")]


def test_the_corrected_message_stops_f1_so_each_started_day_until_then_is_due_and_no_more():
    world = a_world()
    clock = world.clock
    record_execution(inbound(report(1, "acknowledged", progress=140), "m-bad"), world.uow(), clock)
    [f1] = f1_of(world)
    # Given the same sequence sent again badly an hour later: still one F1, not a second one
    clock.advance(hours=1)
    record_execution(inbound(report(1, "acknowledged", progress=150), "m-bad-2", received_at=clock.now()),
                     world.uow(), clock)
    assert len(f1_of(world)) == 1
    # When the corrected message arrives 2 days and 3 hours after the first rejection
    clock.at = NOW + dt.timedelta(days=2, hours=3)
    good = inbound(report(1, "acknowledged"), "m-good", received_at=clock.now())
    reply = record_execution(good, world.uow(), clock)
    assert reply.status is ReplyStatus.ACCEPTED
    # Then F1 is stopped at that message, and three started days accrue, however late the timer runs
    [f1] = f1_of(world)
    assert f1.stopped_at == clock.now() and f1.evidence[-1].ref == good.key
    clock.advance(days=10)
    svc.process(world.uow(), MANAGER, f1.deadline_id, clock)
    assert [e.day for e in world.ledger(MANAGER, f1.deadline_id)] == [1, 2, 3]


def test_rejections_that_are_not_about_the_format_open_no_f1():
    world = a_world()
    # Given a sequence gap, a transition the order does not allow, and an order that does not exist
    gap = record_execution(inbound(report(3, "acknowledged"), "m-gap"), world.uow(), world.clock)
    illegal = record_execution(inbound(report(1, "completed"), "m-illegal"), world.uow(), world.clock)
    missing = record_execution(inbound(report(1, "acknowledged", order_id="BC-INCONNU", progress=140), "m-missing"),
                               world.uow(), world.clock)
    # Then each is rejected, and none opens a format deadline
    assert {r.status for r in (gap, illegal, missing)} == {ReplyStatus.REJECTED}
    assert f1_of(world) == [] and world.ledger(MANAGER) == []


def test_the_counted_codes_are_data():
    assert non_compliant_format(["SEQUENCE_GAP", "INVALID_VALUE"])
    assert not non_compliant_format(["SEQUENCE_GAP", "SEQUENCE_OUTDATED", "ORDER_NOT_FOUND", "ILLEGAL_TRANSITION"])
