"""A client's decision on an order (change_order_state: cancel, suspend, resume, receive, close) is an event of
the order's history that the manager, the contractor and the beneficiary read: its label is in French, the
state it led to named by its A6 label, never by its code (A6 order execution data, A11 real-time view)."""

from __future__ import annotations

import datetime as dt

from shared.domain.messages import ChangeOrderState
from shared.domain.orders import OrderState
from shared.service.orders import change_order_state
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order
from tests.fakes import World


def decide(world: World, state: str, reason: str | None = None, at: dt.datetime = NOW) -> dict:
    decision = ChangeOrderState.model_validate({"order_id": "BC-2026-014", "state": state, "reason": reason,
                                                "occurred_at": at.isoformat()}, strict=False)
    change_order_state(MANAGER, decision, world.uow(), world.clock)
    events = world.events(MANAGER, "BC-2026-014")
    return max(events.values(), key=lambda e: e["received_at"])


def test_each_decision_of_the_client_is_labelled_with_the_french_state_it_led_to():
    world = World(NOW)
    world.seed_order(an_order(state=OrderState.SCHEDULED))
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    # When the client suspends the order, then cancels it
    suspended = decide(world, "on_hold", "Accès impossible")
    world.clock.advance(minutes=5)
    cancelled = decide(world, "cancelled", "Doublon", world.clock.now())
    # Then each event says what was decided in French, as the history shows it
    assert suspended["label"] == "Décision du client : suspendu"
    assert cancelled["label"] == "Décision du client : annulé"
    assert "on_hold" not in suspended["label"] and "cancelled" not in cancelled["label"]


def test_a_resumed_order_reads_that_the_client_resumed_it_and_the_state_it_went_back_to():
    world = World(NOW)
    world.seed_order(an_order(state=OrderState.IN_PROGRESS))
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    decide(world, "on_hold", "Accès impossible")
    world.clock.advance(minutes=5)
    # When the client resumes the order it had suspended
    resumed = decide(world, "in_progress", None, world.clock.now())
    # Then the history reads a resumption, back to the state it left — not a decision « en cours »
    assert resumed["label"] == "Décision du client : reprise (« en cours »)"
    assert resumed["state_before"] == "on_hold" and resumed["state_after"] == "in_progress"
