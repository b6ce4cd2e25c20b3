"""RecordExecution with in-memory adapters: dedup, sequence, rejection, timeliness, outbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.messages import ReplyStatus
from shared.domain.orders import OrderState
from shared.ports import Contractor
from shared.service.executions import record_execution
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order, inbound, report
from tests.fakes import FixedClock, InMemoryStore, RecordingPublisher


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore(orders=[an_order()], contractors=[Contractor(CONTRACTOR, "Test", (MANAGER,))])


def test_an_accepted_report_moves_the_order_and_is_answered_once(store):
    publisher = RecordingPublisher()
    reply = record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW), publisher)
    assert reply.status is ReplyStatus.ACCEPTED and reply.order_state is OrderState.ACKNOWLEDGED
    assert store.get_order(MANAGER, "BC-2026-014").value.state is OrderState.ACKNOWLEDGED
    [(topic, data, attributes, key)] = publisher.published
    assert topic == "replies-ctr-test" and key == "BC-2026-014"
    assert attributes["ce-type"] == "fr.passerelle.reply.accepted.v1" and attributes["ce-specversion"] == "1.0"
    assert json.loads(data)["in_reply_to"]["id"] == "m-1"
    assert store.pending_outbox(10) == []


def test_a_redelivered_message_changes_the_order_once_and_gets_the_same_reply(store):
    clock = FixedClock(NOW)
    first = record_execution(inbound(report(1, "acknowledged")), store, clock, RecordingPublisher())
    clock.advance(minutes=5)
    second = record_execution(inbound(report(1, "acknowledged")), store, clock, RecordingPublisher())
    assert first == second
    assert store.get_order(MANAGER, "BC-2026-014").value.last_sequence == 1
    assert len(store.events[(MANAGER, "BC-2026-014")]) == 1 and len(store.outbox) == 1


def test_a_rejected_message_changes_nothing_and_lists_every_error(store):
    record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW))
    before = store.get_order(MANAGER, "BC-2026-014")
    reply = record_execution(inbound(report(3, "closed"), message_id="m-2"), store, FixedClock(NOW))
    assert reply.status is ReplyStatus.REJECTED
    assert [e.code for e in reply.errors] == ["SEQUENCE_GAP", "ILLEGAL_TRANSITION"]
    assert store.get_order(MANAGER, "BC-2026-014") == before
    # the corrected message, with a new id and the same sequence, is accepted
    fixed = record_execution(inbound(report(2, "scheduled", appointment={"start": "2026-03-04T08:00:00+01:00"}),
                                     message_id="m-3"), store, FixedClock(NOW))
    assert fixed.status is ReplyStatus.ACCEPTED and fixed.order_state is OrderState.SCHEDULED


def test_an_old_sequence_is_rejected_as_outdated(store):
    record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW))
    reply = record_execution(inbound(report(1, progress=5), message_id="m-2"), store, FixedClock(NOW))
    assert [(e.field, e.code) for e in reply.errors] == [("$.sequence", "SEQUENCE_OUTDATED")]


def test_invalid_json_is_answered_with_the_order_it_names(store):
    reply = record_execution(inbound(json.dumps({**report(1), "progress": "lots"}).encode()), store, FixedClock(NOW))
    assert reply.status is ReplyStatus.REJECTED and reply.order_id == "BC-2026-014" and reply.sequence == 1
    assert [e.code for e in reply.errors] == ["INVALID_TYPE"]


def test_another_contractors_order_looks_missing(store):
    reply = record_execution(inbound(report(1, "acknowledged"), contractor_id="ctr-other"), store, FixedClock(NOW))
    assert [e.code for e in reply.errors] == ["ORDER_NOT_FOUND"]
    assert store.get_order(MANAGER, "BC-2026-014").value.state is OrderState.TO_ACKNOWLEDGE


def test_the_delay_of_each_message_is_measured_and_flagged_after_15_minutes(store):
    on_time = record_execution(inbound(report(1, occurred_at=NOW - dt.timedelta(minutes=15), progress=1)),
                               store, FixedClock(NOW))
    late = record_execution(inbound(report(2, occurred_at=NOW - dt.timedelta(minutes=15, seconds=1), progress=2),
                                    message_id="m-2"), store, FixedClock(NOW))
    assert (on_time.delay_seconds, on_time.late) == (900.0, False)
    assert (late.delay_seconds, late.late) == (901.0, True)
    events = store.events[(MANAGER, "BC-2026-014")]
    assert events["s0000002"]["late"] is True and events["s0000002"]["delay_seconds"] == 901.0


def test_a_publish_failure_after_commit_leaves_the_reply_for_the_relay(store):
    from shared.service import outbox

    publisher = RecordingPublisher()
    publisher.fail = ConnectionError("pubsub down")
    reply = record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW), publisher)
    assert reply.status is ReplyStatus.ACCEPTED
    assert len(store.pending_outbox(10)) == 1
    publisher.fail = None
    assert outbox.relay(store, publisher, FixedClock(NOW)) == {"pending": 1, "sent": 1, "failed": 0}
    assert store.pending_outbox(10) == []


def test_a_correction_sent_under_a_reused_id_is_refused_loudly_not_dropped(store):
    publisher = RecordingPublisher()
    first = record_execution(inbound(report(1, "closed")), store, FixedClock(NOW), publisher)
    assert first.status is ReplyStatus.REJECTED
    # the contractor fixes the message but forgets to change its id
    fixed = record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW), publisher)
    assert [(e.field, e.code) for e in fixed.errors] == [("attributes.ce-id", "MESSAGE_ID_REUSED")]
    assert store.get_order(MANAGER, "BC-2026-014").value.state is OrderState.TO_ACKNOWLEDGE
    # each distinct body is answered once, however often it is redelivered
    record_execution(inbound(report(1, "acknowledged")), store, FixedClock(NOW), publisher)
    assert [json.loads(data)["errors"][0]["code"] for _, data, _, _ in publisher.published] == [
        "ILLEGAL_TRANSITION", "MESSAGE_ID_REUSED"]


def test_a_late_message_is_priced_by_its_contracts_penalty_terms(store):
    # Given a contract whose P1 is 300 EUR a day instead of the default 150 EUR
    store.contracts[(MANAGER, "AC-2026-017")] = {"contract_id": "AC-2026-017",
                                                 "penalty_terms": {"daily_amount_cents": {"P1": 30000}}}
    # When an event is shared two days and one hour after it happened
    late = report(1, "acknowledged", occurred_at=NOW - dt.timedelta(days=2, hours=1))
    assert record_execution(inbound(late), store, FixedClock(NOW)).late is True
    # Then D1's days (each started day beyond the 15 minutes) are priced at the contract's amount
    amounts = sorted(entry.amount_cents for entry, _ in store.penalties.values())
    assert amounts == [30000, 30000, 30000]


def test_without_terms_the_default_p1_amount_applies(store):
    late = report(1, "acknowledged", occurred_at=NOW - dt.timedelta(hours=5))
    record_execution(inbound(late), store, FixedClock(NOW))
    assert [entry.amount_cents for entry, _ in store.penalties.values()] == [15000]
