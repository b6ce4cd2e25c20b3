"""ReportExecution on the in-memory unit of work: dedup, sequence, rejection, timeliness, outbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.messages import ReplyStatus
from shared.domain.orders import OrderState
from shared.service import outbox
from shared.service.executions import record_execution
from tests.builders import CONTRACTOR, ISSUED_DAYS_BEFORE, MANAGER, NOW, an_order, inbound, report
from tests.fakes import World


@pytest.fixture
def world() -> World:
    world = World(NOW)
    world.seed_order(an_order())
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    return world


def record(world: World, msg):
    return record_execution(msg, world.uow(), world.clock)


def test_an_accepted_report_moves_the_order_and_is_answered_once(world):
    reply = record(world, inbound(report(1, "acknowledged")))
    assert reply.status is ReplyStatus.ACCEPTED and reply.order_state is OrderState.ACKNOWLEDGED
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.ACKNOWLEDGED
    [(topic, data, attributes, key)] = world.publisher.published
    assert topic == "replies-ctr-test" and key == "BC-2026-014"
    assert attributes["ce-type"] == "fr.passerelle.reply.accepted.v1" and attributes["ce-specversion"] == "1.0"
    assert json.loads(data)["in_reply_to"]["id"] == "m-1"
    assert world.outbox("pending") == []


def test_one_message_is_one_read_and_one_commit(world):
    # Given a unit of work that counts its round trips
    uow = world.uow()
    reads, commits = [], []
    fetch, apply = uow._fetch, uow._apply
    uow._fetch = lambda paths: reads.append(list(paths)) or fetch(paths)
    uow._apply = lambda writes: commits.append(len(writes)) or apply(writes)
    # When an accepted message is recorded
    record_execution(inbound(report(1, "acknowledged")), uow, world.clock)
    # Then the record, the order and its F1s are read in one go, and one commit holds the order, its
    # event, the record and the reply; then the reply is marked sent
    assert len(reads) == 1 and len(reads[0]) == 4
    assert len(commits) == 2 and commits[1] == 1


def test_a_redelivered_message_changes_the_order_once_and_gets_the_same_reply(world):
    first = record(world, inbound(report(1, "acknowledged")))
    world.clock.advance(minutes=5)
    second = record(world, inbound(report(1, "acknowledged")))
    assert first == second
    assert world.order(MANAGER, "BC-2026-014").last_sequence == 1
    assert len(world.events(MANAGER, "BC-2026-014")) == 1 and len(world.outbox()) == 1


def test_a_rejected_message_changes_nothing_and_lists_every_error(world):
    record(world, inbound(report(1, "acknowledged")))
    before = world.order(MANAGER, "BC-2026-014")
    reply = record(world, inbound(report(3, "closed"), message_id="m-2"))
    assert reply.status is ReplyStatus.REJECTED
    assert [e.code for e in reply.errors] == ["SEQUENCE_GAP", "ILLEGAL_TRANSITION"]
    assert world.order(MANAGER, "BC-2026-014") == before
    # the corrected message, with a new id and the same sequence, is accepted
    fixed = record(world, inbound(report(2, "scheduled", appointment={"start": "2026-03-04T08:00:00+01:00"}),
                                  message_id="m-3"))
    assert fixed.status is ReplyStatus.ACCEPTED and fixed.order_state is OrderState.SCHEDULED


def test_an_old_sequence_is_rejected_as_outdated(world):
    record(world, inbound(report(1, "acknowledged")))
    reply = record(world, inbound(report(1, progress=5), message_id="m-2"))
    assert [(e.field, e.code) for e in reply.errors] == [("$.sequence", "SEQUENCE_OUTDATED")]


def test_invalid_json_is_answered_with_the_order_it_names(world):
    reply = record(world, inbound(json.dumps({**report(1), "progress": "lots"}).encode()))
    assert reply.status is ReplyStatus.REJECTED and reply.order_id == "BC-2026-014" and reply.sequence == 1
    assert [e.code for e in reply.errors] == ["INVALID_TYPE"]


def test_ids_that_are_not_identifiers_are_never_used_as_paths(world):
    reply = record(world, inbound(json.dumps({**report(1), "manager_id": "mgr-test/orders", "progress": "x"}).encode()))
    assert reply.status is ReplyStatus.REJECTED and reply.manager_id is None


def test_another_contractors_order_looks_missing(world):
    reply = record(world, inbound(report(1, "acknowledged"), contractor_id="ctr-other"))
    assert [e.code for e in reply.errors] == ["ORDER_NOT_FOUND"]
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.TO_ACKNOWLEDGE


def test_the_delay_of_each_message_is_measured_and_flagged_after_15_minutes(world):
    on_time = record(world, inbound(report(1, occurred_at=NOW - dt.timedelta(minutes=15), progress=1)))
    late = record(world, inbound(report(2, occurred_at=NOW - dt.timedelta(minutes=15, seconds=1), progress=2),
                                 message_id="m-2"))
    assert (on_time.delay_seconds, on_time.late) == (900.0, False)
    assert (late.delay_seconds, late.late) == (901.0, True)
    events = world.events(MANAGER, "BC-2026-014")
    assert events["s0000002"]["late"] is True and events["s0000002"]["delay_seconds"] == 901.0


def test_a_publish_failure_after_commit_leaves_the_reply_for_the_relay(world):
    world.publisher.fail = ConnectionError("pubsub down")
    reply = record(world, inbound(report(1, "acknowledged")))
    assert reply.status is ReplyStatus.ACCEPTED
    assert len(world.outbox("pending")) == 1
    world.publisher.fail = None
    assert outbox.relay(world.uow()) == {"pending": 1, "sent": 1, "failed": 0}
    assert world.outbox("pending") == []


def test_a_redelivery_publishes_a_reply_a_crash_left_pending(world):
    world.publisher.fail = ConnectionError("the instance died before publishing")
    first = record(world, inbound(report(1, "acknowledged")))
    world.publisher.fail = None
    again = record(world, inbound(report(1, "acknowledged")))
    assert again == first and len(world.publisher.published) == 1 and world.outbox("pending") == []


def test_a_correction_sent_under_a_reused_id_is_refused_loudly_not_dropped(world):
    first = record(world, inbound(report(1, "closed")))
    assert first.status is ReplyStatus.REJECTED
    # the contractor fixes the message but forgets to change its id
    fixed = record(world, inbound(report(1, "acknowledged")))
    assert [(e.field, e.code) for e in fixed.errors] == [("attributes.ce-id", "MESSAGE_ID_REUSED")]
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.TO_ACKNOWLEDGE
    # each distinct body is answered once, however often it is redelivered
    record(world, inbound(report(1, "acknowledged")))
    assert [json.loads(data)["errors"][0]["code"] for _, data, _, _ in world.publisher.published] == [
        "ILLEGAL_TRANSITION", "MESSAGE_ID_REUSED"]


def test_a_late_message_is_priced_by_its_contracts_penalty_terms(world):
    # Given a contract whose P1 is 300 EUR a day instead of the default 150 EUR, and an order issued days ago
    world.seed_order(an_order(issued_at=ISSUED_DAYS_BEFORE))
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", {
        "contract_id": "AC-2026-017", "penalty_terms": {"daily_amount_cents": {"P1": 30000}}})
    # When an event is shared two days and one hour after it happened
    late = report(1, "acknowledged", occurred_at=NOW - dt.timedelta(days=2, hours=1))
    assert record(world, inbound(late)).late is True
    # Then D1's days (each started day beyond the 15 minutes) are priced at the contract's amount
    assert [entry.amount_cents for entry in world.ledger(MANAGER)] == [30000, 30000, 30000]


def test_without_terms_the_default_p1_amount_applies(world):
    late = report(1, "acknowledged", occurred_at=NOW - dt.timedelta(hours=5))
    record(world, inbound(late))
    assert [entry.amount_cents for entry in world.ledger(MANAGER)] == [15000]


def test_an_acknowledgement_backdated_before_its_order_is_refused_and_costs_no_day_of_late_sharing(world):
    # Given an order issued on 2 March at 08:00 in Paris
    # When the contractor acknowledges it with a date eight days and twenty minutes before it sends it
    backdated = report(1, "acknowledged", occurred_at=NOW - dt.timedelta(days=8, minutes=20))
    reply = record(world, inbound(backdated))
    # Then it is refused on its date, the order is unchanged, and no D1 was recorded: accepted, it was a D1
    # missed by 8 days and 5 minutes, nine started days of P1 (1,350 EUR)
    assert reply.status is ReplyStatus.REJECTED
    assert [(e.field, e.code) for e in reply.errors] == [("$.occurred_at", "OCCURRED_BEFORE_ORDER")]
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.TO_ACKNOWLEDGE
    assert [d.kind for d in world.deadlines(MANAGER).values()] == ["F1"]  # a non-compliant format (A9)
    # And the same message redelivered changes nothing and gets the same reply
    assert record(world, inbound(backdated)) == reply
    assert [d.kind for d in world.deadlines(MANAGER).values()] == ["F1"]
