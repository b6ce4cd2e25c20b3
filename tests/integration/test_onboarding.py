"""D2 (A10): a contract starts its contractor's onboarding clock; the first accepted message stops it."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.workdays import PARIS
from shared.adapters.deadlines import FirestoreDeadlineStore
from shared.adapters.documents import FirestoreDocuments
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.contracts import UpsertContract
from shared.domain.messages import IssueOrder
from shared.service import contracts, onboarding
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
    store, docs = FirestoreDeadlineStore(clean_firestore), FirestoreDocuments(clean_firestore)
    hooks = onboarding.Onboarding(store, None, clock)
    # Given a contract signed on 20 February: D2 runs to the end of 20 March (one calendar month)
    contracts.upsert_contract(MANAGER, contract("AC-D2", "2026-02-20"), docs, store, clock,
                              on_saved=hooks.contract_saved)
    d2 = store.get_deadline(MANAGER, "d2-AC-D2").value
    assert (d2.kind, d2.state.value) == ("D2", "running")
    assert d2.due_at == dt.datetime(2026, 3, 21, 0, 0, tzinfo=PARIS)
    # When the contractor's first execution message on an order of that contract is accepted
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(contract_id="AC-D2"), strict=False),
                  FirestoreUnitOfWork(clean_firestore), clock)
    clock.advance(days=2)
    message = inbound(report(1, "acknowledged", occurred_at=clock.now()), received_at=clock.now())
    assert record_execution(message, FirestoreUnitOfWork(clean_firestore), clock).status.value == "accepted"
    # Then D2 is met, stopped at that message's receipt
    d2 = store.get_deadline(MANAGER, "d2-AC-D2").value
    assert d2.state.value == "met" and d2.stopped_at == clock.now()


def test_a_contract_entered_after_its_month_starts_the_clock_at_entry():
    signed = dt.date(2025, 11, 1)
    assert onboarding.clock_start(signed, NOW) == NOW
    assert onboarding.clock_start(dt.date(2026, 2, 20), NOW) == dt.datetime(2026, 2, 20, tzinfo=PARIS)
