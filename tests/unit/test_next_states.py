"""What each role may move an order to next (``next_states``), read from the transition table."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.orders import (
    TERMINAL_STATES, TRANSITIONS, Actor, OrderState, StateChange, allowed_targets, next_states,
)
from shared.domain.order_moves import actor_for_role
from tests.builders import NOW, an_order

S = OrderState
C, M = Actor.CONTRACTOR, Actor.MANAGER


@pytest.mark.parametrize(("state", "actor", "expected"), [
    (S.TO_ACKNOWLEDGE, C, [S.ACKNOWLEDGED, S.CANNOT_COMPLETE]),
    (S.TO_ACKNOWLEDGE, M, [S.CANCELLED]),
    (S.SCHEDULED, C, [S.IN_PROGRESS, S.ON_HOLD, S.CANNOT_COMPLETE]),
    (S.SCHEDULED, M, [S.ON_HOLD, S.CANCELLED]),
    (S.COMPLETED, C, []),  # reception is the client's (B7, B10)
    (S.COMPLETED, M, [S.RECEIVED]),
    (S.RECEIVED, M, []),
    (S.RECEIVED, C, [S.INVOICED]),
    (S.INVOICED, C, []),
    (S.INVOICED, M, [S.CLOSED]),
    (S.INVOICED, Actor.PLATFORM, [S.CLOSED, S.RECEIVED]),  # what Chorus Pro reports back
])
def test_each_role_is_offered_exactly_the_moves_the_table_gives_it(state, actor, expected):
    # Given an order in a state
    order = an_order(state=state)
    # When the states its actor may move it to are asked
    offered = next_states(order, actor)
    # Then they are the table's rows for that state whose "by" names the actor, in the table's order
    assert offered == expected
    assert offered == [t.to for t in TRANSITIONS[state] if actor in t.by]


def test_an_order_on_hold_offers_to_resume_only_where_it_left_and_still_to_stop():
    # Given an order suspended while scheduled
    held = an_order(state=S.ON_HOLD, state_before_hold=S.SCHEDULED)
    # Then the contractor may resume it to scheduled or declare it impossible, the manager resume or cancel it
    assert next_states(held, C) == [S.SCHEDULED, S.CANNOT_COMPLETE]
    assert next_states(held, M) == [S.SCHEDULED, S.CANCELLED]
    # And what is offered is exactly what the state machine accepts (the manager cancels a held order)
    when = NOW - dt.timedelta(minutes=1)
    for actor in (C, M):
        for target in allowed_targets(held):
            change = StateChange(occurred_at=when, state=target, reason="motif",
                                 appointment={"start": when} if target is S.SCHEDULED else None)
            errors = [e.code for e in held.check(change, actor, NOW)]
            if target in next_states(held, actor):
                assert errors == [], (actor, target, errors)
            else:
                assert errors == ["TRANSITION_NOT_ALLOWED_FOR_ACTOR"], (actor, target, errors)


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATES))
def test_a_terminal_order_offers_nothing_to_anyone(terminal):
    for actor in (C, M, None):
        assert next_states(an_order(state=terminal), actor) == []


def test_roles_map_to_the_actor_they_act_as_and_a_beneficiary_is_the_client_of_its_missions_orders():
    assert (actor_for_role("contractor", {"execution.write"}), actor_for_role("manager", {"orders.write"})) == (C, M)
    assert actor_for_role("beneficiary", {"orders.write"}) is M and actor_for_role("operator", {"orders.write"}) is None
    assert next_states(an_order(state=S.COMPLETED), actor_for_role("beneficiary", {"orders.write"})) == [S.RECEIVED]
    assert next_states(an_order(state=S.COMPLETED), actor_for_role("beneficiary", {"orders.read"})) == []


def test_a_user_whose_rights_were_narrowed_below_moving_orders_is_offered_no_move():
    # Given a manager's user who may read orders only, and a contractor's who may not report execution
    # Then neither is offered a state, though their roles could move the order
    assert actor_for_role("manager", {"orders.read"}) is None
    assert actor_for_role("contractor", {"orders.read", "documents.write"}) is None
    assert next_states(an_order(state=S.SCHEDULED), actor_for_role("manager", {"orders.read"})) == []
