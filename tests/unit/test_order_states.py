"""The order state machine (A6): every legal move, and every illegal one reported with why."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.errors import DomainError
from shared.domain.orders import (
    HOLDABLE_STATES, TERMINAL_STATES, TRANSITIONS, Actor, OrderState, StateChange, allowed_targets,
)
from shared.domain.invoices import SubmitInvoice, apply_invoice, build_invoice
from tests.builders import EXECUTION, NOW, an_order, invoice_body

S = OrderState


def change(state: str | None = None, **fields) -> StateChange:
    return StateChange.model_validate({"occurred_at": (NOW - dt.timedelta(minutes=1)).isoformat(),
                                       **({"state": state} if state else {}), **fields}, strict=False)


def codes(exc: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in exc.value.errors]


def test_an_order_walks_its_whole_life_from_to_acknowledge_to_closed():
    # Given a new order
    order = an_order()
    # When the contractor reports each step of the execution with what it requires
    for state, fields in EXECUTION:
        order = order.apply(change(state, **fields), Actor.CONTRACTOR, NOW)
    # And the client receives what was done, the contractor invoices it, the client closes the order
    order = order.receive(None, "rec-1", NOW).apply(change("received"), Actor.MANAGER, NOW)
    invoice = build_invoice(order, SubmitInvoice.model_validate_json(json.dumps(invoice_body())), order.contractor_id, NOW, "rest")
    order = apply_invoice(order, invoice).apply(change("invoiced", invoice_date="2026-03-10"), Actor.CONTRACTOR, NOW)
    order = order.apply(change("closed"), Actor.MANAGER, NOW)
    # Then it is closed and kept every reported field
    assert order.state is S.CLOSED
    assert list(order.reception) == ["L1"] and order.invoices == ["F-2026-0042"] and order.invoiced_cents == 8500
    assert order.invoice_date == dt.date(2026, 3, 10)
    assert order.site_lead.mobile == "+33612345678"
    assert order.line_status == {"L1": True, "L2": False}
    assert order.progress == 100


def test_a_jump_over_states_is_an_illegal_transition_naming_the_allowed_ones():
    with pytest.raises(DomainError) as exc:
        an_order().apply(change("completed", actual_end="2026-03-04T11:00:00+01:00"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.state", "ILLEGAL_TRANSITION")]
    message = exc.value.errors[0].message
    assert "à prendre en compte" in message and "terminé" in message and "« pris en compte » (acknowledged)" in message


@pytest.mark.parametrize(("target", "missing"), [
    ("scheduled", "$.planned_start"),
])
def test_scheduling_needs_planned_dates_or_an_appointment(target, missing):
    order = an_order(state=S.ACKNOWLEDGED)
    with pytest.raises(DomainError) as exc:
        order.apply(change(target, planned_start="2026-03-04T08:00:00+01:00"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [(missing, "MISSING_FIELD_FOR_TRANSITION")]
    # an appointment alone is enough
    scheduled = order.apply(change(target, appointment={"start": "2026-03-04T08:00:00+01:00"}), Actor.CONTRACTOR, NOW)
    assert scheduled.state is S.SCHEDULED


@pytest.mark.parametrize(("start", "target", "field"), [
    (S.SCHEDULED, "in_progress", "$.actual_start"),
    (S.IN_PROGRESS, "completed", "$.actual_end"),
    (S.RECEIVED, "invoiced", "$.invoice_number"),
    (S.ACKNOWLEDGED, "on_hold", "$.reason"),
    (S.SCHEDULED, "cannot_complete", "$.reason"),
])
def test_each_transition_names_the_field_it_requires(start, target, field):
    with pytest.raises(DomainError) as exc:
        an_order(state=start).apply(change(target, invoice_date="2026-03-10" if target == "invoiced" else None),
                                    Actor.CONTRACTOR, NOW)
    assert codes(exc) == [(field, "MISSING_FIELD_FOR_TRANSITION")]


def test_the_contractor_cannot_receive_its_own_work_nor_invoice_before_reception():
    # Given a completed order
    completed = an_order(state=S.COMPLETED)
    # Then reception is the client's, and invoicing is not a move open from completed
    with pytest.raises(DomainError) as exc:
        completed.apply(change("received"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.state", "TRANSITION_NOT_ALLOWED_FOR_ACTOR")]
    assert "client" in exc.value.errors[0].message
    with pytest.raises(DomainError) as exc:
        completed.apply(change("invoiced", invoice_date="2026-03-10"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.state", "ILLEGAL_TRANSITION")]
    # And the client receives only on an attestation of service done or an explicit reception
    with pytest.raises(DomainError) as exc:
        completed.apply(change("received"), Actor.MANAGER, NOW)
    assert codes(exc) == [("$.lines", "MISSING_FIELD_FOR_TRANSITION")]
    attested = an_order(state=S.COMPLETED, service_done_documents=["ab" * 32])
    assert attested.apply(change("received"), Actor.MANAGER, NOW).state is S.RECEIVED


def test_an_order_with_an_open_reservation_is_not_closed_until_it_is_lifted():
    from shared.domain.reception import ReceptionLine, ReservationInput

    received = an_order(state=S.COMPLETED).receive(
        [ReceptionLine(line_id="L1", reservations=[ReservationInput(description="Joint à reprendre")])], "rec-1", NOW)
    invoiced = received.model_copy(update={"state": S.INVOICED})
    with pytest.raises(DomainError) as exc:
        invoiced.apply(change("closed"), Actor.MANAGER, NOW)
    assert codes(exc) == [("$.reservations", "MISSING_FIELD_FOR_TRANSITION")]
    lifted, reservation = invoiced.lift("L1-R1", NOW, "Joint refait")
    assert reservation.lifted_at == NOW and lifted.apply(change("closed"), Actor.MANAGER, NOW).state is S.CLOSED


def test_only_the_manager_cancels_and_only_the_contractor_acknowledges():
    with pytest.raises(DomainError) as exc:
        an_order().apply(change("cancelled", reason="doublon"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.state", "TRANSITION_NOT_ALLOWED_FOR_ACTOR")]
    assert "client (gestionnaire ou bénéficiaire)" in exc.value.errors[0].message
    with pytest.raises(DomainError) as exc:
        an_order().apply(change("acknowledged"), Actor.MANAGER, NOW)
    assert codes(exc) == [("$.state", "TRANSITION_NOT_ALLOWED_FOR_ACTOR")]
    assert an_order().apply(change("cancelled", reason="doublon"), Actor.MANAGER, NOW).state is S.CANCELLED


def test_a_line_the_client_received_cannot_be_declared_not_done_and_declaring_it_done_again_changes_nothing():
    # Given a completed order whose L1 the client received (service fait), L2 not received yet
    received = an_order(state=S.COMPLETED, line_status={"L1": True}).receive(None, "rec-1", NOW)
    received = received.model_copy(update={"reception": {"L1": received.reception["L1"]}, "state": S.RECEIVED})
    # When the contractor declares L1 « non réalisée », it is refused at that line's done, in French
    with pytest.raises(DomainError) as exc:
        received.apply(change(line_statuses=[{"line_id": "L2", "done": True}, {"line_id": "L1", "done": False}]),
                       Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.line_statuses[1].done", "LINE_RECEIVED_NOT_UNDONE")]
    assert exc.value.errors[0].message.startswith("La ligne « L1 » a été réceptionnée par le client (service fait)")
    # Then declaring it « réalisée » again, with a comment, is harmless; a line not received may still be not done
    again = received.apply(change(line_statuses=[{"line_id": "L1", "done": True, "comment": "contrôle fait"},
                                                 {"line_id": "L2", "done": False}]), Actor.CONTRACTOR, NOW)
    assert again.line_status == {"L1": True, "L2": False} and again.reception == received.reception
    # And whoever reports it (the client's own report too), the received line stays done
    with pytest.raises(DomainError) as exc:
        received.apply(change(line_statuses=[{"line_id": "L1", "done": False}]), Actor.MANAGER, NOW)
    assert codes(exc) == [("$.line_statuses[0].done", "LINE_RECEIVED_NOT_UNDONE")]


def test_an_order_on_hold_resumes_only_to_the_state_it_left():
    order = an_order(state=S.SCHEDULED, planned_start="2026-03-04T08:00:00+01:00",
                     planned_end="2026-03-04T12:00:00+01:00")
    held = order.apply(change("on_hold", reason="Locataire absent"), Actor.CONTRACTOR, NOW)
    assert held.state is S.ON_HOLD and held.state_before_hold is S.SCHEDULED and held.state_reason == "Locataire absent"
    assert S.IN_PROGRESS not in allowed_targets(held)
    with pytest.raises(DomainError) as exc:
        held.apply(change("in_progress", actual_start="2026-03-04T08:00:00+01:00"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.state", "ILLEGAL_TRANSITION")]
    resumed = held.apply(change("scheduled"), Actor.MANAGER, NOW)
    assert resumed.state is S.SCHEDULED and resumed.state_before_hold is None


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATES))
def test_a_terminal_order_accepts_no_further_update(terminal):
    with pytest.raises(DomainError) as exc:
        an_order(state=terminal).apply(change(progress=50), Actor.CONTRACTOR, NOW)
    assert ("$.state", "ORDER_TERMINATED") in codes(exc)


def test_every_error_of_a_report_is_listed_at_once():
    order = an_order(state=S.IN_PROGRESS, last_sequence=4, actual_start="2026-03-04T08:00:00+01:00")
    bad = change("completed", sequence=7, occurred_at=(NOW + dt.timedelta(hours=1)).isoformat(),
                 line_statuses=[{"line_id": "L9", "done": True}])
    with pytest.raises(DomainError) as exc:
        order.apply(bad, Actor.CONTRACTOR, NOW)
    assert set(codes(exc)) == {
        ("$.occurred_at", "OCCURRED_IN_FUTURE"),
        ("$.sequence", "SEQUENCE_GAP"),
        ("$.line_statuses[0].line_id", "UNKNOWN_LINE"),
        ("$.actual_end", "MISSING_FIELD_FOR_TRANSITION"),
    }


def test_sequences_must_follow_each_other_without_gaps_or_replays():
    order = an_order(state=S.ACKNOWLEDGED, last_sequence=3)
    assert order.apply(change(sequence=4, progress=5), Actor.CONTRACTOR, NOW).last_sequence == 4
    for sequence, code in ((3, "SEQUENCE_OUTDATED"), (2, "SEQUENCE_OUTDATED"), (6, "SEQUENCE_GAP")):
        with pytest.raises(DomainError) as exc:
            order.apply(change(sequence=sequence), Actor.CONTRACTOR, NOW)
        assert codes(exc) == [("$.sequence", code)]


def test_an_end_before_its_start_is_refused():
    order = an_order(state=S.SCHEDULED, planned_start="2026-03-04T08:00:00+01:00",
                     planned_end="2026-03-04T12:00:00+01:00")
    with pytest.raises(DomainError) as exc:
        order.apply(change(planned_end="2026-03-03T12:00:00+01:00"), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.planned_end", "INVALID_PERIOD")]


def test_the_table_covers_every_state_and_holdable_states_can_be_suspended():
    assert set(TRANSITIONS) == set(OrderState)
    for state in HOLDABLE_STATES:
        assert S.ON_HOLD in [t.to for t in TRANSITIONS[state]]
    for state in TERMINAL_STATES:
        assert TRANSITIONS[state] == ()


def test_order_total_rounds_each_line_half_up_in_cents():
    # 1 × 85.00 + 2.5 × 42.00
    assert an_order().total_cents == 8500 + 10500


def test_an_event_dated_before_its_order_was_issued_is_refused_naming_both_dates_in_french():
    # Given an order issued on 2 March 2026 at 08:00 in Paris
    order = an_order()
    # When the contractor acknowledges it with a date eight days earlier (the walk's 1,350 EUR of D1 lateness)
    backdated = change("acknowledged", occurred_at="2026-02-22T08:40:00+01:00")
    with pytest.raises(DomainError) as exc:
        order.apply(backdated, Actor.CONTRACTOR, NOW)
    # Then it is refused on $.occurred_at, both instants written on the order's clock
    assert codes(exc) == [("$.occurred_at", "OCCURRED_BEFORE_ORDER")]
    message = exc.value.errors[0].message
    assert "22/02/2026 à 08:40" in message and "02/03/2026 à 08:00" in message


def test_an_event_within_the_clock_tolerance_of_the_issue_is_accepted_and_one_beyond_is_not():
    order = an_order()
    issued = order.issued_at
    assert order.apply(change("acknowledged", occurred_at=(issued - dt.timedelta(minutes=2)).isoformat()),
                       Actor.CONTRACTOR, NOW).state is S.ACKNOWLEDGED
    with pytest.raises(DomainError) as exc:
        order.apply(change("acknowledged", occurred_at=(issued - dt.timedelta(minutes=2, seconds=1)).isoformat()),
                    Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.occurred_at", "OCCURRED_BEFORE_ORDER")]


def test_a_manager_cannot_date_a_move_before_its_order_either():
    with pytest.raises(DomainError) as exc:
        an_order().apply(change("cancelled", reason="Doublon", occurred_at="2026-03-01T10:00:00+01:00"),
                         Actor.MANAGER, NOW)
    assert codes(exc) == [("$.occurred_at", "OCCURRED_BEFORE_ORDER")]


@pytest.mark.parametrize(("fields", "path"), [
    ({"planned_start": "2026-03-01T08:00:00+01:00", "planned_end": "2026-03-04T12:00:00+01:00"}, "$.planned_start"),
    ({"appointment": {"start": "2026-03-01T23:30:00+01:00"}}, "$.appointment.start"),
    ({"actual_start": "2026-02-27T08:00:00+01:00"}, "$.actual_start"),
    ({"invoice_date": "2026-03-01"}, "$.invoice_date"),
])
def test_a_date_the_report_carries_on_a_day_before_the_issue_is_refused_on_its_field(fields, path):
    order = an_order(state=S.ACKNOWLEDGED)
    with pytest.raises(DomainError) as exc:
        order.apply(change(**fields), Actor.CONTRACTOR, NOW)
    assert codes(exc) == [(path, "DATE_BEFORE_ORDER")]
    assert "02/03/2026 à 08:00" in exc.value.errors[0].message


def test_a_date_earlier_on_the_issue_day_is_accepted():
    # Given an order issued at 08:00 in Paris, when the contractor reports an urgent start at 07:00 that day
    started = an_order(state=S.SCHEDULED).apply(
        change("in_progress", actual_start="2026-03-02T07:00:00+01:00"), Actor.CONTRACTOR, NOW)
    # Then the day is the issue's: accepted
    assert started.actual_start == dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def test_the_issue_day_is_the_one_on_the_order_s_own_clock():
    # Given an order in Martinique issued on 2 March at 08:00 in Paris (03:00 in Fort-de-France)
    order = an_order(state=S.ACKNOWLEDGED, territory="972")
    # Then a plan for 1 March, 23:00 in Martinique (2 March in Paris) is a day before its issue there
    with pytest.raises(DomainError) as exc:
        order.apply(change(planned_start="2026-03-01T23:00:00-04:00", planned_end="2026-03-04T12:00:00-04:00"),
                    Actor.CONTRACTOR, NOW)
    assert codes(exc) == [("$.planned_start", "DATE_BEFORE_ORDER")]
    assert "02/03/2026 à 03:00" in exc.value.errors[0].message
