"""Every write leaves an audit record in the space it touched; sealed chains verify; tampering shows."""

from __future__ import annotations

import pytest

from shared import context
from shared.adapters.audit import FirestoreAuditTrail
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.messages import IssueOrder
from shared.service.executions import record_execution
from shared.service.orders import receive_order
from tests.builders import MANAGER, NOW, inbound, issue_order_body, report
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators


def test_writes_are_recorded_sealed_and_verified_and_tampering_is_detected(clean_firestore):
    trail = FirestoreAuditTrail(clean_firestore)
    # Given a manager's ERP issuing an order and a contractor reporting on it
    context.act_as("erp-mgr", "manager", MANAGER)
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(), strict=False),
                  FirestoreUnitOfWork(clean_firestore), FixedClock(NOW))
    context.act_as("pubsub:ctr-test", "contractor", "ctr-test")
    record_execution(inbound(report(1, "acknowledged")), FirestoreUnitOfWork(clean_firestore), FixedClock(NOW))
    # When the sealer runs
    assert trail.seal_pending()["sealed"] == 4  # order created, order updated + its event, message recorded
    # Then each space's chain verifies, with who did what
    space = f"managers/{MANAGER}"
    assert trail.verify_space(space) == [] and trail.verify_space("contractors/ctr-test") == []
    records = [s.to_dict() for s in clean_firestore.collection(f"{space}/audit").stream()]
    by_action = {r["action"]: r for r in records}
    assert by_action["order.created"]["who"] == "erp-mgr" and by_action["order.created"]["before_digest"] is None
    assert by_action["order.updated"]["who"] == "pubsub:ctr-test"
    assert by_action["order.updated"]["before_digest"] == by_action["order.created"]["after_digest"]
    # When someone edits a record behind the platform's back
    updated = next(s for s in clean_firestore.collection(f"{space}/audit").stream() if s.get("action") == "order.updated")
    updated.reference.update({"who": "someone-else"})
    # Then verification reports it
    assert any("modifié" in p for p in trail.verify_space(space))
