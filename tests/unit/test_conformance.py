"""The conformance kit (A10 onboarding) on the in-memory world: a run on the contractor's sandbox, the
scenario played through the live services, the report step by step, and D2 stopped when a run passes.
The same scenario over HTTP and Pub/Sub, with the example client, is in tests/functional/test_conformance.py."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from shared.domain import conformance as cf
from shared.domain import sandbox
from shared.domain import documents as doc
from shared.domain.contracts import UpsertContract
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType
from shared.service import conformance, contracts, documents, inbound_router, onboarding, quotes
from tests.builders import CONTRACTOR, SUPPLIER, inbound, issue_order_body, report
from tests.fakes import World
from tests.pdfs import a_pdf
from tests.unit.test_document_service import Files

SANDBOX = sandbox.sandbox_manager_id(CONTRACTOR)
RUN = "run0001"
ORDER, QUOTE = sandbox.order_id(RUN), sandbox.quote_id(RUN)


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


def send(world: World, body: dict, message_id: str, event_type: EventType = EventType.EXECUTION_REPORTED) -> str:
    world.clock.advance(seconds=30)
    message = replace(inbound(body, message_id=message_id, received_at=world.clock.now()), type=event_type.value)
    reply = inbound_router.route(message, inbound_router.Services(uow=world.uow(), clock=world.clock))
    return reply.status.value


def sandbox_report(sequence: int, state: str | None, world: World, order_id: str = ORDER, **fields) -> dict:
    return report(sequence, state, order_id=order_id, manager_id=SANDBOX, occurred_at=world.clock.now(), **fields)


def invoice(number: str = "BAS-TEST-F1", **fields) -> dict:
    return {"manager_id": SANDBOX, "order_id": ORDER, "invoice_number": number, "issue_date": "2026-03-03",
            "supplier": SUPPLIER, "lines": [{"line_id": "L1", "quantity": "1", "unit_price_cents": 10000,
                                             "vat_rate": "20"}],
            "total_excl_tax_cents": 10000, "vat_cents": 2000, "total_incl_tax_cents": 12000, **fields}


QUOTE_BODY = {"manager_id": SANDBOX, "quote_id": QUOTE, "valid_until": "2026-04-30",
              "lines": [{"line_id": "L1", "service_code": "BAS-001", "label": "Prestation", "quantity": 1,
                         "unit": "U", "unit_price_cents": 10000}]}


def play_scenario(world: World, files: Files) -> None:
    """What a correct connector does with its sandbox order and quote, and with the sandbox manager's answers."""
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
    assert send(world, sandbox_report(4, "completed", world, actual_end=world.clock.now().isoformat()),
                "m-end") == "accepted"
    assert world.order(SANDBOX, ORDER).state.value == "received"  # the sandbox manager received it at once
    assert send(world, invoice(), "m-invoice", EventType.INVOICE_SUBMITTED) == "accepted"
    assert send(world, QUOTE_BODY, "m-quote", EventType.QUOTE_SUBMITTED) == "accepted"
    assert send(world, sandbox_report(1, "acknowledged", world, order_id=QUOTE), "m-quote-ack") == "accepted"


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
    assert checked.passed and [s.status.value for s in checked.steps] == ["passed"] * len(cf.STEPS)
    evidence = {s.step: s.evidence for s in checked.steps}
    assert evidence[cf.StepId.CORRECT_REJECTED] == ["m-start", "m-start-2"]
    assert (evidence[cf.StepId.COMPLETE], evidence[cf.StepId.INVOICE]) == (["m-end"], ["facture BAS-TEST-F1"])
    assert evidence[cf.StepId.ACKNOWLEDGE_QUOTE_ORDER] == ["m-quote-ack"]
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
    untried = (cf.StepId.UPLOAD_DOCUMENT, cf.StepId.COMPLETE, cf.StepId.INVOICE, cf.StepId.ANSWER_QUOTE,
               cf.StepId.ACKNOWLEDGE_QUOTE_ORDER)
    assert [steps[s].status.value for s in untried] == ["pending"] * len(untried)
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


def test_the_sandbox_manager_receives_a_completed_order_and_accepts_the_quote_in_the_messages_own_commit(world):
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    now = world.clock.now()
    for sequence, state, fields in ((1, "acknowledged", {}), (2, "scheduled", {"appointment": {"start": now.isoformat()}}),
                                    (3, "in_progress", {"actual_start": now.isoformat()})):
        assert send(world, sandbox_report(sequence, state, world, **fields), f"m-{sequence}") == "accepted"
    assert not [m for m in world.outbox() if m.event_type == EventType.ORDER_RECEIVED]
    # When the connector reports the order completed
    completed = sandbox_report(4, "completed", world, actual_end=world.clock.now().isoformat())
    assert send(world, completed, "m-4") == "accepted"
    # Then the sandbox manager has received every line, and tells the contractor so, as a manager would
    order = world.order(SANDBOX, ORDER)
    assert (order.state.value, sorted(order.reception)) == ("received", ["L1"])
    received = [m for m in world.outbox() if m.event_type == EventType.ORDER_RECEIVED]
    assert [(m.topic, m.data["order_id"], m.data["state"]) for m in received] == [
        (f"orders-{CONTRACTOR}", ORDER, "received")]
    # And the same message delivered again receives nothing twice
    assert send(world, completed, "m-4") == "accepted"
    assert len([m for m in world.outbox() if m.event_type == EventType.ORDER_RECEIVED]) == 1
    # When the connector answers the quote request
    assert send(world, QUOTE_BODY, "m-quote", EventType.QUOTE_SUBMITTED) == "accepted"
    # Then the quote is accepted and its order issued on the contractor's topic, before the decision
    decided = world.db.data(f"managers/{SANDBOX}/quotes/{QUOTE}")
    assert (decided["state"], decided["created_order_id"]) == ("accepted", QUOTE)
    assert world.order(SANDBOX, QUOTE).state.value == "to_acknowledge"
    told = [(m.event_type, m.subject) for m in world.outbox()
            if m.event_type in (EventType.ORDER_ISSUED, EventType.QUOTE_DECIDED) and QUOTE in m.subject]
    assert told == [(EventType.ORDER_ISSUED, f"orders/{QUOTE}"), (EventType.QUOTE_DECIDED, f"quotes/{QUOTE}")]


def test_a_live_manager_s_completed_order_and_quote_are_left_to_the_manager(world):
    from shared.domain.messages import IssueOrder
    from shared.domain.quotes import RequestQuote, SubmitQuote
    from shared.service import orders

    contracts.upsert_contract("mgr-test", contract("AC-1"), world.uow(), world.clock)
    command = IssueOrder.model_validate({**issue_order_body("BC-LIVE-1"), "contract_id": "AC-1"}, strict=False)
    orders.receive_order("mgr-test", command, world.uow(), world.clock)
    now = world.clock.now()
    for sequence, state, fields in ((1, "acknowledged", {}), (2, "scheduled", {"appointment": {"start": now.isoformat()}}),
                                    (3, "in_progress", {"actual_start": now.isoformat()}),
                                    (4, "completed", {"actual_end": now.isoformat()})):
        body = report(sequence, state, order_id="BC-LIVE-1", manager_id="mgr-test", occurred_at=world.clock.now(),
                      **fields)
        assert send(world, body, f"live-{sequence}") == "accepted"
    assert world.order("mgr-test", "BC-LIVE-1").state.value == "completed"
    quotes.request_quote("mgr-test", RequestQuote.model_validate({
        "quote_id": "DV-LIVE-1", "contract_id": "AC-1", "contractor_id": CONTRACTOR, "title": "Devis",
        "site": {"node_id": "RES-1"}}, strict=False), world.uow(), world.clock)
    quotes.submit_quote(CONTRACTOR, SubmitQuote.model_validate({**QUOTE_BODY, "manager_id": "mgr-test",
                                                                "quote_id": "DV-LIVE-1"}, strict=False),
                        world.uow(), world.clock)
    assert world.db.data("managers/mgr-test/quotes/DV-LIVE-1")["state"] == "submitted"


def test_a_connector_that_skips_the_managers_answers_fails_the_new_steps_with_the_errors(world):
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    assert send(world, sandbox_report(1, "acknowledged", world), "m-1") == "accepted"
    # Given a connector that completes an order it never started, with no actual end,
    assert send(world, sandbox_report(2, "completed", world), "m-2") == "rejected"
    # invoices what nobody received, and acknowledges an order no acceptance created
    assert send(world, invoice(), "m-3", EventType.INVOICE_SUBMITTED) == "rejected"
    assert send(world, sandbox_report(1, "acknowledged", world, order_id=QUOTE), "m-4") == "rejected"
    # When the contractor checks its run
    steps = {s.step: s for s in conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock).steps}
    # Then each of those steps failed, with the platform's own errors
    complete = steps[cf.StepId.COMPLETE]
    assert (complete.status.value, complete.evidence) == ("failed", ["m-2"])
    assert {e.code for e in complete.errors} == {"ILLEGAL_TRANSITION"}
    invoiced = steps[cf.StepId.INVOICE]
    assert (invoiced.status.value, invoiced.evidence) == ("failed", ["m-3"])
    assert "INVOICE_LINE_NOT_RECEIVED" in {e.code for e in invoiced.errors}
    quote_order = steps[cf.StepId.ACKNOWLEDGE_QUOTE_ORDER]
    assert (quote_order.status.value, [e.code for e in quote_order.errors]) == ("failed", ["ORDER_NOT_FOUND"])
    # And the schedule it skipped is still pending: a completion is not a failed schedule
    assert steps[cf.StepId.SCHEDULE].status.value == "pending"


def test_a_rest_rejection_of_a_document_fails_its_step_once_until_a_pdf_is_stored(world):
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    refused = [ErrorDetail.of("$.file", "DOCUMENT_NOT_PDF")]
    # When store_report refuses a file for the run's order (422: nothing in the message log)
    assert conformance.rest_rejected(CONTRACTOR, SANDBOX, ORDER, "key-0001", EventType.DOCUMENT_UPLOADED.value,
                                     refused, world.uow(), world.clock, operation="store_report")
    # Then the step has failed, with those errors, named by the request's key
    upload = _step(world, cf.StepId.UPLOAD_DOCUMENT)
    assert (upload.status.value, upload.evidence, [e.code for e in upload.errors]) == (
        "failed", ["key-0001"], ["DOCUMENT_NOT_PDF"])
    # And the same request again (same key) records nothing more
    world.clock.advance(minutes=1)
    assert not conformance.rest_rejected(CONTRACTOR, SANDBOX, ORDER, "key-0001", EventType.DOCUMENT_UPLOADED.value,
                                         refused, world.uow(), world.clock, operation="store_report")
    assert len(world.db.under(f"{conformance.run_path(CONTRACTOR, RUN)}/rejections")) == 1
    # And the same key refused by request_report_upload is another request: recorded, and the step names it
    too_large = [ErrorDetail.of("$.size_bytes", "DOCUMENT_TOO_LARGE", size=60 << 20, limit=50 << 20)]
    assert conformance.rest_rejected(CONTRACTOR, SANDBOX, ORDER, "key-0001", EventType.DOCUMENT_UPLOADED.value,
                                     too_large, world.uow(), world.clock, operation="request_report_upload")
    upload = _step(world, cf.StepId.UPLOAD_DOCUMENT)
    assert (upload.status.value, [e.code for e in upload.errors]) == ("failed", ["DOCUMENT_TOO_LARGE"])
    assert len(world.db.under(f"{conformance.run_path(CONTRACTOR, RUN)}/rejections")) == 2
    # And a live order, another contractor's sandbox or an unknown run is left alone
    for manager_id, order_id in (("mgr-test", "BC-1"), ("sandbox-ctr-other", ORDER), (SANDBOX, "BAS-nope"),
                                 (SANDBOX, "BAS-../x"), (None, ORDER)):
        assert not conformance.rest_rejected(CONTRACTOR, manager_id, order_id, "key-0002",
                                             EventType.DOCUMENT_UPLOADED.value, refused, world.uow(), world.clock,
                                             operation="store_report")
    # When a PDF is then stored, the step passes
    documents.attach_document(CONTRACTOR, doc.AttachFields(manager_id=SANDBOX, order_id=ORDER,
                                                           kind=doc.DocumentKind.INTERVENTION_REPORT),
                              "rapport.pdf", a_pdf(), world.uow(), Files(), world.clock, "erp")
    assert _step(world, cf.StepId.UPLOAD_DOCUMENT).status.value == "passed"


def test_sandbox_invoice_numbers_are_kept_apart_from_the_contractor_s_live_numbers(world):
    conformance.start_run(CONTRACTOR, RUN, world.uow(), world.clock)
    play_scenario(world, Files())
    assert world.db.under(f"managers/{SANDBOX}/invoice_numbers")
    assert not world.db.under(f"contractors/{CONTRACTOR}/invoices")


def _step(world: World, step: cf.StepId) -> cf.StepResult:
    return next(s for s in conformance.check_run(CONTRACTOR, RUN, world.uow(), world.clock).steps if s.step is step)
