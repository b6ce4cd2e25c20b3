"""D2 (A10 onboarding): a contract starts its contractor's onboarding clock in its own commit; the first
accepted message stops it."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.workdays import PARIS
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.contracts import UpsertContract
from shared.domain.messages import IssueOrder
from shared.service import contracts, deadlines, onboarding
from shared.service.executions import record_execution
from shared.service.orders import receive_order
from tests.builders import MANAGER, inbound, issue_order_body, report
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


def contract(contract_id: str, signed_on: str) -> UpsertContract:
    return UpsertContract.model_validate({
        "contract_id": contract_id, "title": "Entretien — lot 2", "contractor_id": "ctr-test",
        "contractor_siret": "73282932000074", "lots": [{"code": "LOT2", "label": "Plomberie"}],
        "perimeter": {"departements": ["69"], "communes": []}, "signed_on": signed_on,
        "starts_on": "2026-02-01", "ends_on": "2027-12-31", "status": "active"}, strict=False)


def test_the_first_accepted_message_connects_the_contractor_and_meets_d2(clean_firestore):
    clock = FixedClock(NOW)
    # Given a contract signed on 20 February: D2 runs to the end of 20 March (one calendar month)
    saved = contracts.upsert_contract(MANAGER, contract("AC-D2", "2026-02-20"), FirestoreUnitOfWork(clean_firestore),
                                      clock)
    d2 = deadlines.load(FirestoreUnitOfWork(clean_firestore), MANAGER, "d2-AC-D2")
    assert (saved.version, d2.kind, d2.state.value) == (1, "D2", "running")
    assert d2.due_at == dt.datetime(2026, 3, 21, 0, 0, tzinfo=PARIS)
    # And the contract, its message and D2 were committed together (one audit trail, one commit time)
    contract_doc = clean_firestore.document(f"managers/{MANAGER}/contracts/AC-D2").get()
    d2_doc = clean_firestore.document(f"managers/{MANAGER}/deadlines/d2-AC-D2").get()
    [message] = [m for m in clean_firestore.collection("outbox").stream() if m.get("subject") == "contracts/AC-D2"]
    assert contract_doc.update_time == d2_doc.update_time == message.update_time
    # When the contractor's first execution message on an order of that contract is accepted
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(contract_id="AC-D2"), strict=False),
                  FirestoreUnitOfWork(clean_firestore), clock)
    clock.advance(days=2)
    message = inbound(report(1, "acknowledged", occurred_at=clock.now()), received_at=clock.now())
    assert record_execution(message, FirestoreUnitOfWork(clean_firestore), clock).status.value == "accepted"
    # Then D2 is met, stopped at that message's receipt
    d2 = deadlines.load(FirestoreUnitOfWork(clean_firestore), MANAGER, "d2-AC-D2")
    assert d2.state.value == "met" and d2.stopped_at == clock.now()


def test_a_contract_entered_after_its_month_starts_the_clock_at_entry():
    signed = dt.date(2025, 11, 1)
    assert onboarding.clock_start(signed, NOW) == NOW
    assert onboarding.clock_start(dt.date(2026, 2, 20), NOW) == dt.datetime(2026, 2, 20, tzinfo=PARIS)
