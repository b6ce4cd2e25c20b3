"""What each move requires (``next_moves``), read from the transition table — what the web form asks for."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.order_moves import next_moves
from shared.domain.orders import TRANSITIONS, Actor, Appointment, OrderState, next_states
from tests.builders import an_order

S = OrderState
C, M = Actor.CONTRACTOR, Actor.MANAGER


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("actor", [C, M])
def test_the_moves_are_next_states_each_with_the_requirements_of_its_row_in_the_table(state, actor):
    order = an_order(state=state) if state is not S.ON_HOLD else an_order(state=state, state_before_hold=S.SCHEDULED)
    moves = next_moves(order, actor)
    assert [m.state for m in moves] == next_states(order, actor)
    for move in moves:
        row = next(t for t in TRANSITIONS[state] if t.to is move.state and actor in t.by)
        assert [r.field for r in move.requires] == [r.field for r in row.requires]


def test_scheduling_asks_for_planned_dates_or_an_appointment_until_the_order_has_them():
    # Given an acknowledged order without dates
    bare = an_order(state=S.ACKNOWLEDGED)
    # Then scheduling requires planned dates or an appointment, satisfied by those report fields
    [schedule] = [m for m in next_moves(bare, C) if m.state is S.SCHEDULED]
    [requirement] = schedule.requires
    assert (requirement.field, requirement.inputs, requirement.met) == \
        ("$.planned_start", ["planned_start", "planned_end", "appointment"], False)
    assert schedule.label == "planifié"
    # And once the order carries an appointment, the requirement is already met
    start = dt.datetime(2026, 3, 5, 8, tzinfo=dt.UTC)
    dated = an_order(state=S.ACKNOWLEDGED, appointment=Appointment(start=start))
    assert [r.met for m in next_moves(dated, C) if m.state is S.SCHEDULED for r in m.requires] == [True]


def test_a_reason_is_never_taken_as_met_and_no_actor_has_no_move():
    order = an_order(state=S.SCHEDULED)
    hold = next(m for m in next_moves(order, C) if m.state is S.ON_HOLD)
    assert [(r.inputs, r.met) for r in hold.requires] == [(["reason"], False)]
    assert [r.inputs for m in next_moves(order, C) if m.state is S.IN_PROGRESS for r in m.requires] == [["actual_start"]]
    assert next_moves(order, None) == []
