"""The deadline service on the in-memory unit of work with a controllable clock: timers, accrual, ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.deadlines import DeadlineState, Length, Unit
from shared.domain.errors import DomainError
from shared.domain.penalties import DecisionAction, EntryStatus, PenaltyTerms, days_late, statement_csv
from shared.service import deadlines as svc
from shared.service.transaction import transact
from tests.fakes import World

UTC = dt.UTC
SIGNED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # contract signed Monday 2 March 2026, 10:00 Paris
D2_DUE = dt.datetime(2026, 4, 2, 22, 0, tzinfo=UTC)  # end of 2 April, Paris


@pytest.fixture
def world() -> World:
    return World(SIGNED)


def in_uow(world: World, work, timers: bool = True):
    """Run ``work(uow)`` in one committed unit of work (``timers=False``: no task queue at all)."""
    uow = world.uow()
    if not timers:
        uow.timers = None
    return transact(uow, lambda: work(uow))


def start(world: World, kind: str, deadline_id: str, timers: bool = True, **kw):
    d = svc.plan_deadline(kind, deadline_id, tenant_id="mgr-test", **kw)
    return in_uow(world, lambda uow: svc.open_deadline(uow, d, world.clock.now()), timers)


def start_onboarding(world: World, timers: bool = True, deadline_id: str = "D2-AC-1", contract_id: str = "AC-1"):
    return start(world, "D2", deadline_id, timers, territory="75", started_at=SIGNED, ref="contract-signed",
                 contractor_id="ctr-test", contract_id=contract_id)


def fire(world: World, payload):
    return svc.on_timer(payload, world.uow(), world.clock)


def stop(world: World, deadline_id: str, at, ref: str):
    return in_uow(world, lambda uow: svc.stop_deadline(uow, "mgr-test", deadline_id, at, ref, world.clock.now()))


def ledger_of(world: World, deadline_id: str):
    return world.ledger("mgr-test", deadline_id)


def test_the_count_of_days_is_each_started_day_after_the_due_time():
    assert days_late(D2_DUE, D2_DUE) == 0
    assert days_late(D2_DUE, D2_DUE + dt.timedelta(seconds=1)) == 1
    assert days_late(D2_DUE, D2_DUE + dt.timedelta(days=1)) == 1
    assert days_late(D2_DUE, D2_DUE + dt.timedelta(days=1, seconds=1)) == 2


def test_a_timer_beyond_thirty_days_is_chained_and_the_hop_only_rearms(world):
    clock = world.clock
    # Given an onboarding deadline due in 31 days
    d = start_onboarding(world)
    # Then the first task is a hop scheduled within Cloud Tasks' horizon
    (name, task), = world.queue.tasks.items()
    assert name == "D2-AC-1-v1-h1" and task["schedule_time"] == SIGNED + svc.HORIZON
    assert task["payload"]["fire_at"] == d.due_at.isoformat()
    # When the hop fires, nothing is missed yet and the final timer is armed at the due time
    clock.at = SIGNED + svc.HORIZON
    result = fire(world, task["payload"])
    assert result["state"] == "running" and result["next_timer"] == "D2-AC-1-v1"
    assert world.queue.tasks["D2-AC-1-v1"]["schedule_time"] == D2_DUE


def test_a_penalty_accrues_every_day_while_the_deadline_stays_missed(world):
    clock = world.clock
    start_onboarding(world)
    payload = {"tenant_id": "mgr-test", "deadline_id": "D2-AC-1"}
    # When the due-time timer fires, then each daily timer fires, over three days
    for hours in (0, 24, 48):
        clock.at = D2_DUE + dt.timedelta(hours=hours, seconds=1)
        fire(world, payload)
    # Then three days of 150 EUR are in the ledger, one entry per day
    ledger = ledger_of(world, "D2-AC-1")
    assert [(e.day, e.amount_cents, e.rule_id) for e in ledger] == [(1, 15000, "P1"), (2, 15000, "P1"), (3, 15000, "P1")]
    assert ledger[0].contractor_id == "ctr-test" and ledger[0].contract_id == "AC-1"
    assert ledger[0].evidence[0]["ref"] == "contract-signed"
    # And the next daily timer waits for the start of day 4
    assert world.queue.tasks["D2-AC-1-v1-d4"]["schedule_time"] == D2_DUE + dt.timedelta(days=3)


def test_duplicate_and_late_timer_firings_write_each_day_once(world):
    clock = world.clock
    start_onboarding(world)
    payload = {"tenant_id": "mgr-test", "deadline_id": "D2-AC-1", "version": 1}
    # Given the platform was down: the first timer fires five days late, then twice more
    clock.at = D2_DUE + dt.timedelta(days=4, hours=1)
    for _ in range(3):
        fire(world, payload)
    # Then the five started days are each written exactly once
    assert [e.day for e in ledger_of(world, "D2-AC-1")] == [1, 2, 3, 4, 5]


def test_stopping_a_missed_deadline_closes_its_accrual_at_the_stop_time(world):
    clock = world.clock
    start_onboarding(world)
    # When the contractor connects 30 hours late, reported 10 days later
    clock.at = D2_DUE + dt.timedelta(days=10)
    d = stop(world, "D2-AC-1", D2_DUE + dt.timedelta(hours=30), "connected")
    # Then it is missed and stopped, and only two days accrue, whatever runs later
    assert d.state is DeadlineState.MISSED and d.next_check_at is None
    fire(world, {"tenant_id": "mgr-test", "deadline_id": "D2-AC-1"})
    assert [e.day for e in ledger_of(world, "D2-AC-1")] == [1, 2]


def test_a_timer_for_a_met_deadline_does_nothing(world):
    clock = world.clock
    start_onboarding(world)
    clock.at = SIGNED + dt.timedelta(days=3)
    stop(world, "D2-AC-1", clock.at, "connected")
    clock.at = D2_DUE + dt.timedelta(days=2)
    result = fire(world, {"tenant_id": "mgr-test", "deadline_id": "D2-AC-1"})
    assert result["state"] == "met" and result["next_timer"] is None
    assert ledger_of(world, "D2-AC-1") == []


def test_a_rescheduled_deadline_gets_a_new_timer_and_the_old_one_is_ignored(world):
    clock = world.clock
    # Given a 10-working-day search deadline with a penalty rule from the contract
    terms = PenaltyTerms(rules_by_kind={"D4": "P1"}, daily_amount_cents={"P1": 20000})
    d = start(world, "D4", "D4-N-1", territory="974", started_at=SIGNED, ref="need-1", contractor_id="ctr-test",
              terms=terms)
    # When the offer states 5 working days instead
    d2 = in_uow(world, lambda uow: svc.reschedule_deadline(uow, "mgr-test", "D4-N-1", "offer-1", clock.now(),
                                                         length=Length(5, Unit.WORKING_DAYS)))
    # Then a new version has its own timer and the old one was cancelled
    assert d2.version == 2 and d2.due_at < d.due_at
    assert "D4-N-1-v2" in world.queue.tasks and "D4-N-1-v1" in world.queue.cancelled
    # And the old timer firing at the old due time finds it already missed since the new one
    clock.at = d.due_at + dt.timedelta(minutes=1)
    fire(world, {"tenant_id": "mgr-test", "deadline_id": "D4-N-1", "version": 1})
    ledger = ledger_of(world, "D4-N-1")
    assert ledger[0].day_start == d2.due_at and ledger[0].amount_cents == 20000
    assert len(ledger) == days_late(d2.due_at, clock.at)


def test_the_sweep_catches_up_a_lost_timer(world):
    clock = world.clock
    # Given a deadline started with no task queue at all
    start_onboarding(world, timers=False)
    clock.at = D2_DUE + dt.timedelta(hours=1)
    # When the hourly sweep runs
    uow = world.uow()
    uow.timers = None
    assert svc.sweep(uow, clock) == {"processed": 1, "changed": 1, "days_accrued": 1, "more": False}
    # Then the first day accrued
    assert [e.day for e in ledger_of(world, "D2-AC-1")] == [1]


def test_a_sweep_that_reaches_its_cap_rearms_each_timer_and_asks_for_another_sweep_at_once(world):
    clock = world.clock
    # Given five onboarding deadlines started with no task queue (their timers were lost)
    for i in range(5):
        start_onboarding(world, timers=False, deadline_id=f"D2-AC-{i}", contract_id=f"AC-{i}")
    clock.at = D2_DUE + dt.timedelta(hours=1)
    # When a sweep capped at three deadlines runs with the task queue
    result = svc.sweep(world.uow(), clock, page=2, max_deadlines=3)
    # Then three deadlines accrued their first day, each has its next daily timer again,
    # and a task posts another sweep now
    assert result == {"processed": 3, "changed": 3, "days_accrued": 3, "more": True}
    daily = sorted(n for n in world.queue.tasks if n.endswith("-d2"))
    assert len(daily) == 3
    sweeps = {n: t for n, t in world.queue.tasks.items() if n.startswith("sweep-")}
    assert [(t["payload"], t["schedule_time"]) for t in sweeps.values()] == [({"sweep": True}, clock.at)]
    # When that task fires, the rest is done and no further sweep is asked for
    assert svc.sweep(world.uow(), clock, page=2, max_deadlines=3)["more"] is False
    assert len([n for n in world.queue.tasks if n.startswith("sweep-")]) == 1
    assert sorted({e.deadline_id for e in world.ledger("mgr-test")}) == [f"D2-AC-{i}" for i in range(5)]


def test_waive_and_dispute_keep_the_entry_and_every_reason(world):
    clock = world.clock
    start_onboarding(world)
    clock.at = D2_DUE + dt.timedelta(hours=30)
    fire(world, {"tenant_id": "mgr-test", "deadline_id": "D2-AC-1"})
    first = ledger_of(world, "D2-AC-1")[0].entry_id
    # When the manager disputes, then waives the first day
    svc.decide_penalty(world.uow(), "mgr-test", first, DecisionAction.DISPUTE, "Panne plateforme", "u1", clock)
    entry = svc.decide_penalty(world.uow(), "mgr-test", first, DecisionAction.WAIVE, "Geste commercial", "u1", clock)
    assert entry.status is EntryStatus.WAIVED
    assert [d.reason for d in entry.decisions] == ["Panne plateforme", "Geste commercial"]
    # And a waived entry cannot be disputed again
    with pytest.raises(DomainError) as caught:
        svc.decide_penalty(world.uow(), "mgr-test", first, DecisionAction.DISPUTE, "x", "u1", clock)
    assert caught.value.errors[0].code == "PENALTY_DECISION_NOT_ALLOWED"
    # told in the manager's words, never the API's « dispute »
    assert caught.value.errors[0].message == "Décision « contester » impossible sur une pénalité au statut « remise »."
    # And the April statement shows one day waived, one due
    s = svc.monthly_statement(world.uow(), "mgr-test", "ctr-test", "AC-1", "2026-04")
    # each line offers only the decisions its status accepts: none once waived (A9)
    assert {line.status: line.decisions_allowed for line in s.lines} == {
        EntryStatus.WAIVED: [], EntryStatus.ACCRUED: [DecisionAction.WAIVE, DecisionAction.DISPUTE]}
    assert (s.accrued_cents, s.waived_cents, s.total_cents) == (15000, 15000, 30000)
    csv = statement_csv(s).decode("utf-8")
    assert csv.startswith("\ufeffDate;Délai;")
    # named as a person reads it (A9): the deadline's kind and label, never its id; the contract; the decision's day
    assert "03/04/2026;D2 — Raccordement à la plateforme après signature du marché;1;;;AC-1;" in csv
    assert "D2-AC-1" not in csv
    assert f";150,00;remise;Geste commercial;{clock.now():%d/%m/%Y}\r\n" in csv
    assert "Total dû;;;;;;;150,00;;;\r\n" in csv


def test_an_unknown_penalty_entry_is_a_structured_error(world):
    clock = world.clock
    with pytest.raises(DomainError) as caught:
        svc.decide_penalty(world.uow(), "mgr-test", "nope-d00001", DecisionAction.WAIVE, "x", "u1", clock)
    assert caught.value.errors[0].code == "PENALTY_NOT_FOUND"
