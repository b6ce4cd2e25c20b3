"""The order path feeds the deadlines: D1 late sharing (P1) and orders on hold pausing their deadlines."""

from __future__ import annotations

import datetime as dt

from shared.domain.deadlines import DeadlineState
from shared.domain.messages import ChangeOrderState, ReplyStatus
from shared.domain.orders import OrderState
from shared.service import deadlines as svc
from shared.service import order_deadlines
from shared.service.executions import record_execution
from shared.service.orders import change_order_state
from shared.service.transaction import transact
from tests.builders import CONTRACTOR, ISSUED_DAYS_BEFORE, MANAGER, NOW, an_order, inbound, report
from tests.fakes import World


def a_world(state=OrderState.TO_ACKNOWLEDGE, **order: object) -> World:
    world = World(NOW)
    world.seed_order(an_order(state=state, **order))
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    return world


def decision(state: str, at: dt.datetime, reason: str | None = None) -> ChangeOrderState:
    return ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": state, "reason": reason,
                                            "occurred_at": at.isoformat()}, strict=False)


def a_quote_deadline(world: World):
    uow = world.uow()
    d = svc.plan_deadline("D3", "D3-Q1", tenant_id=MANAGER, territory="69", started_at=NOW, ref="quote-req",
                          order_id="BC-2026-014")
    return transact(uow, lambda: svc.open_deadline(uow, d, world.clock.now()))


def test_a_message_shared_late_records_a_missed_d1_and_its_p1_days_with_the_message():
    world = a_world(issued_at=ISSUED_DAYS_BEFORE)
    # Given an event that happened 2 days and 20 minutes before its message arrived (after its order's issue)
    occurred = NOW - dt.timedelta(days=2, minutes=20)
    message = inbound(report(1, "acknowledged", occurred_at=occurred))
    reply = record_execution(message, world.uow(), world.clock)
    # Then the message is accepted, flagged late, and a D1 deadline was missed and stopped at receipt
    assert reply.status is ReplyStatus.ACCEPTED and reply.late
    [d] = world.deadlines(MANAGER).values()
    assert d.kind == "D1" and d.state is DeadlineState.MISSED and d.stopped_at == NOW
    assert d.due_at == occurred + dt.timedelta(minutes=15) and d.evidence[0].ref == message.key
    # And 2 days 5 minutes of lateness are 3 started days of P1, 150 EUR each
    assert [(e.day, e.amount_cents, e.rule_id) for e in world.ledger(MANAGER, d.deadline_id)] == [
        (1, 15000, "P1"), (2, 15000, "P1"), (3, 15000, "P1")]
    # And redelivering the message writes nothing twice
    record_execution(inbound(report(1, "acknowledged", occurred_at=occurred)), world.uow(), world.clock)
    assert len(world.ledger(MANAGER)) == 3 and len(world.deadlines(MANAGER)) == 1


def test_a_message_in_time_records_no_deadline():
    world = a_world()
    record_execution(inbound(report(1, "acknowledged")), world.uow(), world.clock)
    assert world.deadlines(MANAGER) == {} and world.ledger(MANAGER) == []


def test_an_order_on_hold_pauses_its_running_deadlines_and_resuming_resumes_them():
    world = a_world(OrderState.ACKNOWLEDGED)
    # Given a running quote deadline attached to the order
    quote = a_quote_deadline(world)
    # When the manager suspends the order
    change_order_state(MANAGER, decision("on_hold", NOW, "Accès impossible"), world.uow(), world.clock)
    # Then the deadline is paused in the same commit, and past its due time it is not missed
    assert world.deadlines(MANAGER)["D3-Q1"].state is DeadlineState.PAUSED
    world.clock.at = quote.due_at + dt.timedelta(days=3)
    assert svc.on_timer({"tenant_id": MANAGER, "deadline_id": "D3-Q1"}, world.uow(), world.clock)["state"] == "paused"
    # When it resumes
    change_order_state(MANAGER, decision("acknowledged", world.clock.at), world.uow(), world.clock)
    # Then it runs again with a later due time and a timer armed for its new version
    resumed = world.deadlines(MANAGER)["D3-Q1"]
    assert resumed.state is DeadlineState.RUNNING and resumed.due_at > world.clock.at
    assert world.queue.tasks[f"D3-Q1-v{resumed.version}"]["schedule_time"] == resumed.due_at


def test_a_held_order_cancelled_by_its_manager_cancels_its_paused_deadlines():
    world = a_world(OrderState.SCHEDULED)
    # Given a deadline of an order put on hold
    a_quote_deadline(world)
    change_order_state(MANAGER, decision("on_hold", NOW, "Accès impossible"), world.uow(), world.clock)
    # When the manager cancels the held order (a move the state machine offers it)
    cancelled = change_order_state(MANAGER, decision("cancelled", NOW, "Doublon"), world.uow(), world.clock)
    # Then the order is cancelled and its deadline is not resumed but cancelled: no penalty runs on it
    assert cancelled.state is OrderState.CANCELLED
    ended = world.deadlines(MANAGER)["D3-Q1"]
    assert ended.state is DeadlineState.CANCELLED and ended.next_check_at is None
    assert ended.evidence[-1].note == "commande terminée (cancelled)"


def test_an_order_that_ends_stops_the_accrual_of_its_missed_f1_and_keeps_the_days_owed():
    world = a_world(OrderState.ACKNOWLEDGED)
    # Given a message rejected for its format: F1 is missed at once and accrues a day per started day
    uow = world.uow()
    order = world.order(MANAGER, "BC-2026-014")
    f1 = transact(uow, lambda: order_deadlines.message_rejected(uow, order, 2, "msg-bad", NOW, ["INVALID_FORMAT"]))
    world.clock.advance(days=2, hours=1)
    svc.process(world.uow(), MANAGER, f1.deadline_id, world.clock)
    assert len(world.ledger(MANAGER, f1.deadline_id)) == 3
    # When the manager cancels the order before any corrected message came
    change_order_state(MANAGER, decision("cancelled", world.clock.at, "Abandon"), world.uow(), world.clock)
    # Then F1 stays missed but stops there: the three days owed stand, and a week later none more accrue
    ended = world.deadlines(MANAGER)[f1.deadline_id]
    assert ended.state is DeadlineState.MISSED and ended.stopped_at == world.clock.at
    world.clock.advance(days=7)
    svc.process(world.uow(), MANAGER, f1.deadline_id, world.clock)
    assert len(world.ledger(MANAGER, f1.deadline_id)) == 3
