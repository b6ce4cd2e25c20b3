"""Validate-only messages (A4 error loop, A10 onboarding): every check and the reply a message would get,
nothing changed — over REST (submit_execution?validate_only=true) and the bus (ce-validateonly)."""

from __future__ import annotations

import dataclasses

from shared.domain.orders import OrderState
from shared.service import inbound_router
from shared.service.executions import record_execution, validate_execution
from tests.builders import CONTRACTOR, MANAGER, an_order, inbound, report
from tests.fakes import World


def a_world() -> World:
    world = World()
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed_order(an_order())
    return world


def validating(message):
    return dataclasses.replace(message, validate_only=True)


def test_a_valid_report_is_answered_accepted_and_changes_nothing():
    world = a_world()
    message = inbound(report(1, "acknowledged"), message_id="m-1")
    # When it is sent validate-only
    reply = validate_execution(message, world.uow(), world.clock)
    # Then the reply says accepted, marked validate-only, and the order, its history and the log are untouched
    assert (reply.status.value, reply.validate_only, reply.order_state) == ("accepted", True, OrderState.ACKNOWLEDGED)
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.TO_ACKNOWLEDGE
    assert world.events(MANAGER, "BC-2026-014") == {} and world.outbox() == []
    assert world.db.under(f"contractors/{CONTRACTOR}/messages") == {}
    # And the same message sent for real afterwards is applied (its id was not used up)
    real = record_execution(message, world.uow(), world.clock)
    assert (real.status.value, real.validate_only) == ("accepted", False)
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.ACKNOWLEDGED


def test_an_invalid_report_gets_every_error_and_opens_no_deadline():
    world = a_world()
    reply = validate_execution(inbound(report(1, "in_progress")), world.uow(), world.clock)
    assert reply.status.value == "rejected" and reply.validate_only
    assert {e.code for e in reply.errors} >= {"ILLEGAL_TRANSITION"}
    assert world.deadlines(MANAGER) == {} and world.outbox() == []


def test_over_the_bus_the_validation_reply_goes_to_the_reply_topic_once_per_message():
    world = a_world()
    message = validating(inbound(report(1, "acknowledged"), message_id="m-9"))
    # When a validate-only message is delivered twice
    first = inbound_router.route(message, inbound_router.Services(world.uow(), world.clock))
    second = inbound_router.route(message, inbound_router.Services(world.uow(), world.clock))
    # Then one reply went to replies-<contractor>, marked validate-only, and nothing else was written
    [sent] = world.outbox()
    assert sent.topic == f"replies-{CONTRACTOR}" and sent.data["validate_only"] is True
    assert sent.data["in_reply_to"]["id"] == "m-9" and first == second
    assert world.order(MANAGER, "BC-2026-014").state is OrderState.TO_ACKNOWLEDGE
    assert world.db.under(f"contractors/{CONTRACTOR}/messages") == {}


def test_a_quote_submission_sent_validate_only_is_checked_and_not_recorded():
    from tests.quote_builders import a_world as a_quote_world
    from tests.quote_builders import requested

    world = a_quote_world()
    requested(world, "DV-1")
    body = {"manager_id": MANAGER, "quote_id": "DV-1", "valid_until": "2026-04-30",
            "lines": [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche", "quantity": 1, "unit": "U",
                       "unit_price_cents": 8500}]}
    message = validating(dataclasses.replace(inbound(body, message_id="q-1"), type="fr.passerelle.quote.submitted.v1"))
    reply = inbound_router.route(message, inbound_router.Services(world.uow(), world.clock))
    assert (reply.status.value, reply.validate_only, reply.quote_id) == ("accepted", True, "DV-1")
    assert world.db.data(f"managers/{MANAGER}/quotes/DV-1")["versions"] == []
