"""The order path feeds the deadlines: D1 late sharing (P1) and orders on hold pausing their deadlines."""

from __future__ import annotations

import datetime as dt

from shared.domain.deadlines import DeadlineState
from shared.domain.messages import ChangeOrderState, ReplyStatus
from shared.domain.orders import OrderState
from shared.ports import Contractor
from shared.service import legacy_deadlines as svc
from shared.service.executions import record_execution
from shared.service.orders import change_order_state
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order, inbound, report
from tests.deadline_fakes import InMemoryDeadlineStore, RecordingTaskQueue
from tests.fakes import FixedClock


def a_store(state=OrderState.TO_ACKNOWLEDGE) -> InMemoryDeadlineStore:
    store = InMemoryDeadlineStore(orders=[an_order(state=state)], contractors=[Contractor(CONTRACTOR, "T", (MANAGER,))])
    return store


def test_a_message_shared_late_records_a_missed_d1_and_its_p1_days_with_the_message():
    store = a_store()
    # Given an event that happened 2 days and 20 minutes before its message arrived
    occurred = NOW - dt.timedelta(days=2, minutes=20)
    message = inbound(report(1, "acknowledged", occurred_at=occurred))
    reply = record_execution(message, store, FixedClock(NOW))
    # Then the message is accepted, flagged late, and a D1 deadline was missed and stopped at receipt
    assert reply.status is ReplyStatus.ACCEPTED and reply.late
    [(d, _)] = store.deadlines.values()
    assert d.kind == "D1" and d.state is DeadlineState.MISSED and d.stopped_at == NOW
    assert d.due_at == occurred + dt.timedelta(minutes=15) and d.evidence[0].ref == message.key
    # And 2 days 5 minutes of lateness are 3 started days of P1, 150 EUR each
    assert [(e.day, e.amount_cents, e.rule_id) for e in store.ledger(d.deadline_id)] == [
        (1, 15000, "P1"), (2, 15000, "P1"), (3, 15000, "P1")]
    # And redelivering the message writes nothing twice
    record_execution(inbound(report(1, "acknowledged", occurred_at=occurred)), store, FixedClock(NOW))
    assert len(store.penalties) == 3 and len(store.deadlines) == 1


def test_a_message_in_time_records_no_deadline():
    store = a_store()
    record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW))
    assert store.deadlines == {} and store.penalties == {}


def test_an_order_on_hold_pauses_its_running_deadlines_and_resuming_resumes_them():
    store, queue = a_store(OrderState.ACKNOWLEDGED), RecordingTaskQueue()
    timers, clock = svc.Timers(queue, "http://accrue/"), FixedClock(NOW)
    # Given a running quote deadline attached to the order
    quote = svc.start_deadline("D3", "D3-Q1", tenant_id=MANAGER, territory="69", started_at=NOW, ref="quote-req",
                               order_id="BC-2026-014", store=store, timers=timers, clock=clock)
    # When the manager suspends the order
    hold = ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": "on_hold", "reason": "Accès impossible",
                                           "occurred_at": NOW.isoformat()}, strict=False)
    change_order_state(MANAGER, hold, store, clock, timers=timers)
    # Then the deadline is paused in the same commit, and past its due time it is not missed
    paused = store.get_deadline(MANAGER, "D3-Q1").value
    assert paused.state is DeadlineState.PAUSED
    clock.at = quote.due_at + dt.timedelta(days=3)
    assert svc.on_timer({"tenant_id": MANAGER, "deadline_id": "D3-Q1"}, store, timers, clock)["state"] == "paused"
    # When it resumes
    resume = ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": "acknowledged",
                                             "occurred_at": clock.at.isoformat()}, strict=False)
    change_order_state(MANAGER, resume, store, clock, timers=timers)
    # Then it runs again with a later due time and a timer armed for its new version
    resumed = store.get_deadline(MANAGER, "D3-Q1").value
    assert resumed.state is DeadlineState.RUNNING and resumed.due_at > clock.at
    assert f"D3-Q1-v{resumed.version}" in queue.tasks
    assert queue.tasks[f"D3-Q1-v{resumed.version}"]["schedule_time"] == resumed.due_at


def test_a_held_order_cancelled_by_its_manager_cancels_its_paused_deadlines():
    store, queue = a_store(OrderState.SCHEDULED), RecordingTaskQueue()
    timers, clock = svc.Timers(queue, "http://accrue/"), FixedClock(NOW)
    # Given a deadline of an order put on hold
    svc.start_deadline("D3", "D3-Q1", tenant_id=MANAGER, territory="69", started_at=NOW, ref="quote-req",
                       order_id="BC-2026-014", store=store, timers=timers, clock=clock)
    hold = ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": "on_hold", "reason": "Accès impossible",
                                           "occurred_at": NOW.isoformat()}, strict=False)
    change_order_state(MANAGER, hold, store, clock, timers=timers)
    # When the manager cancels the held order (a move the state machine offers it)
    cancel = ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": "cancelled", "reason": "Doublon",
                                             "occurred_at": NOW.isoformat()}, strict=False)
    cancelled = change_order_state(MANAGER, cancel, store, clock, timers=timers)
    # Then the order is cancelled and its deadline is not resumed but cancelled: no penalty runs on it
    assert cancelled.state is OrderState.CANCELLED
    ended = store.get_deadline(MANAGER, "D3-Q1").value
    assert ended.state is DeadlineState.CANCELLED and ended.next_check_at is None
    assert ended.evidence[-1].note == "commande terminée (cancelled)"


def test_an_order_that_ends_stops_the_accrual_of_its_missed_f1_and_keeps_the_days_owed():
    store, queue = a_store(OrderState.ACKNOWLEDGED), RecordingTaskQueue()
    timers, clock = svc.Timers(queue, "http://accrue/"), FixedClock(NOW)
    # Given a message rejected for its format: F1 is missed at once and accrues a day per started day
    [f1] = svc.non_compliant_format(store, MANAGER, store.get_order(MANAGER, "BC-2026-014").value, 2, "msg-bad",
                                    NOW, ["INVALID_FORMAT"])
    store.commit(svc.Changes(deadlines=[f1]))
    clock.advance(days=2, hours=1)
    svc.process(MANAGER, f1.deadline.deadline_id, store, clock)
    assert len(store.ledger(f1.deadline.deadline_id)) == 3
    # When the manager cancels the order before any corrected message came
    cancel = ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": "cancelled", "reason": "Abandon",
                                             "occurred_at": clock.at.isoformat()}, strict=False)
    change_order_state(MANAGER, cancel, store, clock, timers=timers)
    # Then F1 stays missed but stops there: the three days owed stand, and a week later none more accrue
    ended = store.get_deadline(MANAGER, f1.deadline.deadline_id).value
    assert ended.state is DeadlineState.MISSED and ended.stopped_at == clock.at
    clock.advance(days=7)
    svc.process(MANAGER, f1.deadline.deadline_id, store, clock)
    assert len(store.ledger(f1.deadline.deadline_id)) == 3
