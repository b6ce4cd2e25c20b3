"""The conformance kit (A10 onboarding) on the in-memory world: a run on the contractor's sandbox, the
scenario played through the live services, the report step by step, and D2 stopped when a run passes.
The same scenario over HTTP and Pub/Sub, with the example client, is in tests/functional/test_conformance.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain import conformance as cf
from shared.domain import documents as doc
from shared.domain.contracts import UpsertContract
from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.quotes import SubmitQuote
from shared.service import conformance, contracts, documents, onboarding, quotes
from shared.service.executions import record_execution
from tests.builders import CONTRACTOR, inbound, report
from tests.fakes import World
from tests.pdfs import a_pdf
from tests.unit.test_document_service import Files

SANDBOX = cf.sandbox_manager_id(CONTRACTOR)
RUN = "run0001"
ORDER, QUOTE = cf.order_id(RUN), cf.quote_id(RUN)


@pytest.fixture
def world() -> World:
    world = World()
    world.seed(f"contractors/{CONTRACTOR}", {"name": "Test", "managers": ["mgr-test", "mgr-other"],
                                              "status": "active"})
    return world


def contract(contract_id: str, signed_on: str = "2026-02-20") -> UpsertContract:
    return UpsertContract.model_validate({
        "contract_id": contract_id, "title": "Entretien", "contractor_id": CONTRACTOR,
        "contractor_siret": "73282932000074", "lots": [{"code": "LOT2", "label": "Plomberie"}],
        "perimeter": {"departements": ["69"], "communes": []}, "signed_on": signed_on, "starts_on": "2026-02-01",
        "ends_on": "2027-12-31", "status": "active"}, strict=False)


def send(world: World, body: dict, message_id: str) -> str:
    world.clock.advance(seconds=30)
    reply = record_execution(inbound(body, message_id=message_id, received_at=world.clock.now()), world.uow(),
                             world.clock)
    return reply.status.value


def sandbox_report(sequence: int, state: str | None, world: World, **fields) -> dict:
    return report(sequence, state, order_id=ORDER, manager_id=SANDBOX, occurred_at=world.clock.now(), **fields)


def play_scenario(world: World, files: Files) -> None:
    """What a correct connector does with its sandbox order and quote."""
    now = world.clock.now()
    assert send(world, sandbox_report(1, "acknowledged", world), "m-ack") == "accepted"
    planned = {"planned_start": (now + dt.timedelta(days=1)).isoformat(),
               "planned_end": (now + dt.timedelta(days=2)).isoformat()}
    assert send(world, sandbox_report(2, "scheduled", world, **planned), "m-plan") == "accepted"
    assert send(world, sandbox_report(3, "in_progress", world), "m-start") == "rejected"
    assert send(world, sandbox_report(3, "in_progress", world, actual_start=now.isoformat()), "m-start-2") == \
        "accepted"
    documents.attach_document(CONTRACTOR, doc.AttachFields(manager_id=SANDBOX, order_id=ORDER,
                                                           kind=doc.DocumentKind.INTERVENTION_REPORT),
                              "rapport.pdf", a_pdf(), world.uow(), files, world.clock, "erp")
    quotes.submit_quote(CONTRACTOR, SubmitQuote.model_validate({
        "manager_id": SANDBOX, "quote_id": QUOTE, "valid_until": "2026-04-30",
        "lines": [{"line_id": "L1", "service_code": "BAS-001", "label": "Prestation", "quantity": 1, "unit": "U",
                   "unit_price_cents": 10000}]}, strict=False), world.uow(), world.clock)


def test_a_run_sends_a_sandbox_order_and_a_quote_request_to_the_contractor_in_one_commit(world):
    # When the contractor starts a run
    started = conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    # Then the sandbox holds the order and the quote, both announced on the contractor's own topic
    assert (started.manager_id, started.order_id, started.quote_id) == (SANDBOX, ORDER, QUOTE)
    assert [s.step for s in started.steps] == [s.id for s in cf.STEPS]
    sent = {(m.topic, m.event_type) for m in world.outbox()}
    assert sent == {(f"orders-{CONTRACTOR}", EventType.ORDER_ISSUED),
                    (f"orders-{CONTRACTOR}", EventType.QUOTE_REQUESTED)}
    assert world.order(SANDBOX, ORDER).contractor_id == CONTRACTOR
    assert world.db.data(f"managers/{SANDBOX}")["sandbox"] is True
    # And starting it again (a retried request) changes nothing
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    assert len(world.outbox()) == 2


def test_a_contractor_not_registered_cannot_start_a_run():
    world = World()
    with pytest.raises(DomainError) as refused:
        conformance.start_run("ctr-nobody", RUN, world.uow(), world.clock)
    assert [e.code for e in refused.value.errors] == ["CONTRACTOR_NOT_FOUND"]


def test_a_correct_connector_passes_every_step_and_its_d2_stop_for_every_manager(world):
    # Given two managers' contracts with the contractor, whose D2 run
    for manager, contract_id in (("mgr-test", "AC-1"), ("mgr-other", "AC-2")):
        contracts.upsert_contract(manager, contract(contract_id), world.uow(), world.clock)
    files = Files()
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    # When the connector plays the scenario and the contractor checks its run
    play_scenario(world, files)
    checked = conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock)
    # Then every step passed, with its evidence
    assert checked.passed and [s.status.value for s in checked.steps] == ["passed"] * 6
    correction = next(s for s in checked.steps if s.step is cf.StepId.CORRECT_REJECTED)
    assert correction.evidence == ["m-start", "m-start-2"]
    # And both D2 deadlines are met, stopped at the check, in the report's own commit
    for manager, contract_id in (("mgr-test", "AC-1"), ("mgr-other", "AC-2")):
        d2 = world.deadlines(manager)[f"d2-{contract_id}"]
        assert (d2.state.value, d2.stopped_at) == ("met", world.clock.now())
    assert world.db.data(f"contractors/{CONTRACTOR}")["conformance"]["run_id"] == RUN
    # And the sandbox never cost the contractor anything
    assert all(e.amount_cents == 0 for e in world.ledger(SANDBOX))


def test_a_contract_saved_after_the_contractor_passed_finds_it_connected(world):
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    play_scenario(world, Files())
    conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock)
    # When a manager then saves a contract with that contractor
    world.clock.advance(days=1)
    contracts.upsert_contract("mgr-test", contract("AC-LATER"), world.uow(), world.clock)
    # Then its D2 is met at once
    d2 = world.deadlines("mgr-test")["d2-AC-LATER"]
    assert (d2.state.value, d2.stopped_at) == ("met", world.clock.now())


def test_a_broken_connector_fails_step_by_step_with_the_errors_and_d2_keeps_running(world):
    contracts.upsert_contract("mgr-test", contract("AC-1"), world.uow(), world.clock)
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    # Given a connector that numbers its first report 2, and never corrects the one it gets rejected
    assert send(world, sandbox_report(2, "acknowledged", world), "m-1") == "rejected"
    assert send(world, sandbox_report(1, "acknowledged", world), "m-2") == "accepted"
    assert send(world, sandbox_report(2, "scheduled", world), "m-3") == "rejected"  # no planned dates
    # When the contractor checks its run
    checked = conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock)
    steps = {s.step: s for s in checked.steps}
    # Then what it did passed, what it got wrong failed with the platform's errors, the rest is pending
    assert not checked.passed
    assert steps[cf.StepId.RECEIVE_ORDER].status.value == "passed"
    assert steps[cf.StepId.ACKNOWLEDGE].status.value == "passed"
    schedule = steps[cf.StepId.SCHEDULE]
    assert (schedule.status.value, schedule.evidence) == ("failed", ["m-3"])
    assert [e.code for e in schedule.errors] == ["MISSING_FIELD_FOR_TRANSITION"]
    correction = steps[cf.StepId.CORRECT_REJECTED]
    assert correction.status.value == "failed" and correction.errors
    assert [steps[s].status.value for s in (cf.StepId.UPLOAD_DOCUMENT, cf.StepId.ANSWER_QUOTE)] == ["pending"] * 2
    # And D2 still runs: failing the scenario connects nothing
    assert world.deadlines("mgr-test")["d2-AC-1"].state.value == "running"
    assert json.loads(json.dumps(checked.model_dump(mode="json")))["passed"] is False


def test_checking_a_passed_run_again_changes_nothing_more(world):
    contracts.upsert_contract("mgr-test", contract("AC-1"), world.uow(), world.clock)
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    play_scenario(world, Files())
    first = conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock)
    world.clock.advance(hours=1)
    again = conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock)
    assert again.passed and again.passed_at == first.passed_at
    assert world.deadlines("mgr-test")["d2-AC-1"].stopped_at == first.passed_at


def test_an_unknown_run_is_reported_as_such(world):
    with pytest.raises(DomainError) as refused:
        conformance.check_run(CONTRACTOR, "nope", world.uow(), world.clock)
    assert [e.code for e in refused.value.errors] == ["CONFORMANCE_RUN_NOT_FOUND"]


def test_a_contractor_with_no_contract_yet_passes_without_any_deadline_to_stop(world):
    # Given no contract names the contractor yet: there is no D2 anywhere
    # When it passes, nothing is stopped (and the contracts to come will find it connected)
    assert onboarding.conformance_passed(world.uow(), CONTRACTOR, world.clock.now(), "x") == 0
