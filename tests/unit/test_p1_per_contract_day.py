"""P1 on the messages (A9, "150 euros par jour"): once per started day of lateness per contract, whatever
the number of late (D1) or malformed (F1) messages that day; each day lists every message behind it."""

from __future__ import annotations

import csv
import datetime as dt
import io

from shared.domain.messages import ReplyStatus
from shared.domain.orders import OrderState
from shared.domain.penalties import statement, statement_csv
from shared.service import deadlines as svc
from shared.service.executions import record_execution
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order, inbound, report
from tests.fakes import World

ORDERS = [f"BC-OUT-{i:02d}" for i in range(40)]


# Orders issued long before the events their late messages report (some are months late).
ISSUED_A_YEAR_BEFORE = "2025-03-03T08:00:00+01:00"


def a_world(orders=ORDERS, contract_of=lambda order_id: "AC-2026-017") -> World:
    world = World(NOW)
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    for order_id in orders:
        world.seed_order(an_order(order_id, state=OrderState.TO_ACKNOWLEDGE, contract_id=contract_of(order_id),
                                  issued_at=ISSUED_A_YEAR_BEFORE))
    return world


def late(order_id: str, message_id: str, minutes_late: int = 30, received_at: dt.datetime = NOW):
    occurred = received_at - dt.timedelta(minutes=15 + minutes_late)
    return inbound(report(1, "acknowledged", order_id=order_id, occurred_at=occurred), message_id,
                   received_at=received_at)


def test_forty_messages_late_on_the_same_day_cost_the_contract_one_day_with_forty_causes():
    world = a_world()
    # Given an ERP outage: forty messages of forty orders of one contract arrive 30 minutes late the same morning
    for i, order_id in enumerate(ORDERS):
        reply = record_execution(late(order_id, f"m-{i}", received_at=NOW + dt.timedelta(minutes=i)), world.uow(),
                                 world.clock)
        assert reply.status is ReplyStatus.ACCEPTED and reply.late
    # Then each message keeps its own D1 (the A5 delay measured per message)...
    d1s = [d for d in world.deadlines(MANAGER).values() if d.kind == "D1"]
    assert len(d1s) == 40 and {d.accrued_days for d in d1s} == {1}
    # ...but the contract owes one day of P1, 150 EUR, whose causes are the forty messages
    [entry] = world.ledger(MANAGER)
    assert (entry.kind, entry.rule_id, entry.amount_cents, entry.pooled) == ("P1", "P1", 15_000, True)
    assert (entry.contract_id, entry.local_date) == ("AC-2026-017", "2026-03-03")
    causes = world.causes(MANAGER)
    assert len(causes) == 40 and {c.entry_id for c in causes} == {entry.entry_id}
    assert sorted(c.order_id for c in causes) == sorted(ORDERS)
    assert {c.ref for c in causes} == {d.evidence[0].ref for d in d1s}  # every message, by its key


def test_a_redelivered_late_message_adds_neither_a_day_nor_a_cause():
    world = a_world(ORDERS[:2])
    record_execution(late(ORDERS[0], "m-0"), world.uow(), world.clock)
    record_execution(late(ORDERS[1], "m-1"), world.uow(), world.clock)
    # When Pub/Sub delivers both again
    record_execution(late(ORDERS[0], "m-0"), world.uow(), world.clock)
    record_execution(late(ORDERS[1], "m-1"), world.uow(), world.clock)
    # Then the contract still owes one day, with two causes
    assert len(world.ledger(MANAGER)) == 1 and len(world.causes(MANAGER)) == 2


def test_a_late_message_and_a_malformed_one_on_the_same_day_are_one_day_of_the_contract():
    world = a_world(ORDERS[:2])
    # Given a message rejected for its format at 09:00 (F1, due at once: its timer writes day 1)
    bad = inbound(report(1, "acknowledged", order_id=ORDERS[0], progress=140), "m-bad")
    assert record_execution(bad, world.uow(), world.clock).status is ReplyStatus.REJECTED
    [f1] = [d for d in world.deadlines(MANAGER).values() if d.kind == "F1"]
    world.clock.advance(seconds=1)
    svc.process(world.uow(), MANAGER, f1.deadline_id, world.clock)
    # And a message of another order 40 minutes late at 11:00 the same day
    world.clock.at = NOW + dt.timedelta(hours=2)
    reply = record_execution(late(ORDERS[1], "m-late", 25, world.clock.now()), world.uow(), world.clock)
    assert reply.status is ReplyStatus.ACCEPTED and reply.late
    # Then one entry for that day, caused by the malformed message and the late one
    [entry] = world.ledger(MANAGER)
    assert sorted(c.kind for c in world.causes(MANAGER)) == ["D1", "F1"]
    # When the malformed message stays uncorrected past 09:00 the next day
    world.clock.at = NOW + dt.timedelta(days=1, minutes=1)
    svc.process(world.uow(), MANAGER, f1.deadline_id, world.clock)
    # Then the contract owes a second day, caused by F1 alone
    assert [e.local_date for e in world.ledger(MANAGER)] == ["2026-03-03", "2026-03-04"]
    assert [(c.kind, c.day, c.local_date) for c in world.causes(MANAGER, f1.deadline_id)] == [
        ("F1", 1, "2026-03-03"), ("F1", 2, "2026-03-04")]


def test_two_contracts_late_on_the_same_day_owe_one_day_each():
    world = a_world(ORDERS[:4], contract_of=lambda o: "AC-2026-017" if o in ORDERS[:2] else "AC-2026-099")
    for i, order_id in enumerate(ORDERS[:4]):
        record_execution(late(order_id, f"m-{i}"), world.uow(), world.clock)
    entries = world.ledger(MANAGER)
    assert sorted(e.contract_id for e in entries) == ["AC-2026-017", "AC-2026-099"]
    assert {e.entry_id: len([c for c in world.causes(MANAGER) if c.entry_id == e.entry_id]) for e in entries} == {
        e.entry_id: 2 for e in entries}


def test_a_message_late_over_three_started_days_adds_a_cause_to_each_of_the_three_days():
    world = a_world(ORDERS[:2])
    # Given a message 20 minutes late on 3 March, then one 2 days and 5 minutes late received the same morning
    record_execution(late(ORDERS[0], "m-short", 5), world.uow(), world.clock)
    record_execution(late(ORDERS[1], "m-long", 2 * 24 * 60 + 5), world.uow(), world.clock)
    # Then the long one's three started days fall on 1, 2 and 3 March; 3 March is shared with the short one
    by_date = {e.local_date: e for e in world.ledger(MANAGER)}
    assert sorted(by_date) == ["2026-03-01", "2026-03-02", "2026-03-03"]
    shared = [c.ref for c in world.causes(MANAGER) if c.entry_id == by_date["2026-03-03"].entry_id]
    assert len(shared) == 2


def test_the_statement_lists_every_message_behind_each_day_in_json_and_counts_them_in_the_csv():
    world = a_world(ORDERS[:3])
    for i, order_id in enumerate(ORDERS[:3]):
        record_execution(late(order_id, f"m-{i}"), world.uow(), world.clock)
    # When the manager reads March
    s = svc.monthly_statement(world.uow(), MANAGER, CONTRACTOR, None, "2026-03")
    # Then one line of 150 EUR, labelled as the contract's day, with its three messages
    [line] = s.lines
    assert (line.kind, line.amount_cents, s.accrued_cents) == ("P1", 15_000, 15_000)
    assert line.kind_label.startswith("Partage des données d'exécution")
    assert sorted(c.order_id for c in line.causes) == sorted(ORDERS[:3]) and {c.kind for c in line.causes} == {"D1"}
    # and the CSV names each of them: its order by its title and id, the contractor's own message id, why and which
    # day (A9)
    assert set(s.order_titles) == set(ORDERS[:3]) and all(s.order_titles.values())
    named = {o: f"{s.order_titles[o]} ({o})" for o in ORDERS[:3]}
    rows = list(csv.reader(io.StringIO(statement_csv(s).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3].split(", ") == [named[c.order_id] for c in line.causes]
    assert rows[1][4].split(" ; ") == [
        f"{named[c.order_id]} : message m-{ORDERS.index(c.order_id)} — "
        "événement transmis en retard (plus de 15 min), 1er jour"
        for c in line.causes]
    assert rows[1][1] == "D1 — Partage d'un événement d'exécution (15 min)" and rows[1][7] == "150,00"
    # And the pure statement without causes still totals the same
    assert statement(MANAGER, CONTRACTOR, None, "2026-03", world.ledger(MANAGER)).accrued_cents == 15_000


def test_the_sweep_accrues_the_daily_days_of_many_malformed_messages_into_one_entry_per_day():
    world = a_world(ORDERS[:6])
    # Given six messages rejected for their format the same morning, none corrected
    for i, order_id in enumerate(ORDERS[:6]):
        bad = inbound(report(1, "acknowledged", order_id=order_id, progress=140), f"m-bad-{i}",
                      received_at=NOW + dt.timedelta(minutes=i))
        record_execution(bad, world.uow(), world.clock)
    # When the hourly sweep runs two days later (their timers lost), in packs committed by several workers
    world.clock.at = NOW + dt.timedelta(days=2, hours=1)
    result = svc.sweep(world.uow(), world.clock, page=2, workers=3)
    # Then every F1 owes its three started days, and the contract three days, each with six causes
    assert result["days_accrued"] == 18
    assert [e.local_date for e in world.ledger(MANAGER)] == ["2026-03-03", "2026-03-04", "2026-03-05"]
    assert len(world.causes(MANAGER)) == 18
    # And a second sweep writes nothing
    assert svc.sweep(world.uow(), world.clock)["days_accrued"] == 0
    assert len(world.ledger(MANAGER)) == 3 and len(world.causes(MANAGER)) == 18


def test_a_message_months_late_writes_its_first_days_in_its_commit_and_its_timer_the_rest():
    world = a_world(ORDERS[:1])
    # Given a message about an event 278 days old (an ERP resending its history)
    message = late(ORDERS[0], "m-old", 278 * 24 * 60)
    assert record_execution(message, world.uow(), world.clock).status is ReplyStatus.ACCEPTED
    # Then its commit held the first days within Firestore's 500 writes (a pooled day costs two documents)
    [d1] = [d for d in world.deadlines(MANAGER).values() if d.kind == "D1"]
    assert d1.accrued_days == svc.DAYS_IN_A_COMMAND // 2
    # And its timer, due at once, writes the rest: every one of the 278 started days, each once
    [task] = [t for name, t in world.queue.tasks.items() if name.startswith(d1.deadline_id)]
    assert task["schedule_time"] == NOW
    svc.on_timer(task["payload"], world.uow(), world.clock)
    assert len(world.ledger(MANAGER)) == len(world.causes(MANAGER)) == 278
    assert svc.load(world.uow(), MANAGER, d1.deadline_id).next_check_at is None
