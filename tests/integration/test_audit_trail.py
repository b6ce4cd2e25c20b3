"""Every write leaves an audit record in the space it touched; sealed chains verify; tampering shows."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from shared import context
from shared.adapters.audit import FirestoreAuditTrail
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.audit import GENESIS, AuditLink, AuditRecord, seal
from shared.logs import CloudLoggingFormatter
from shared.domain.messages import IssueOrder
from shared.service.audit_check import verify_space
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
    assert trail.seal_pending()["sealed"] == 5  # order created + its received entry, order updated + its event, message
    # Then each space's chain verifies, with who did what
    space = f"managers/{MANAGER}"
    assert verify_space(trail, space) == [] and verify_space(trail, "contractors/ctr-test") == []
    records = [s.to_dict() for s in clean_firestore.collection(f"{space}/audit").stream()]
    by_action = {r["action"]: r for r in records}
    assert by_action["order.created"]["who"] == "erp-mgr" and by_action["order.created"]["before_digest"] is None
    assert by_action["order.updated"]["who"] == "pubsub:ctr-test"
    assert by_action["order.updated"]["before_digest"] == by_action["order.created"]["after_digest"]
    # When someone edits a record behind the platform's back
    updated = next(s for s in clean_firestore.collection(f"{space}/audit").stream() if s.get("action") == "order.updated")
    updated.reference.update({"who": "someone-else"})
    # Then verification reports it
    assert any("modifié" in p for p in verify_space(trail, space))


def _rewrite_chain(db, space: str) -> None:
    """What an insider with Firestore write access would do: edit a record, then recompute every link and
    the head, so that the chain verifies again."""
    links = sorted((AuditLink.model_validate(s.to_dict()) for s in db.collection(f"{space}/audit_chain").stream()
                    if s.id != "head"), key=lambda k: k.seq)
    records = {s.id: s for s in db.collection(f"{space}/audit").stream()}
    first = records[links[0].record_id]
    first.reference.update({"who": "someone-else"})
    edited = [AuditRecord.model_validate(records[k.record_id].reference.get().to_dict()) for k in links]
    for new in seal(GENESIS, 1, edited):
        db.document(f"{space}/audit_chain/{new.seq:012d}").set(new.model_dump())
    db.document(f"{space}/audit_chain/head").set({"seq": len(edited), "hash": new.hash})


def test_a_wholesale_rewrite_of_a_chain_is_shown_by_the_heads_the_sealer_logged(clean_firestore, emulators, caplog,
                                                                                  tmp_path):
    # Given a sealed chain whose heads the sealer logged, as Cloud Logging keeps them (B15, locked log bucket)
    trail = FirestoreAuditTrail(clean_firestore)
    context.act_as("erp-mgr", "manager", MANAGER)
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(), strict=False),
                  FirestoreUnitOfWork(clean_firestore), FixedClock(NOW))
    with caplog.at_level(logging.INFO, logger="shared.adapters.audit"):
        assert trail.seal_pending()["sealed"] >= 1
    space = f"managers/{MANAGER}"
    lines = [CloudLoggingFormatter().format(r) for r in caplog.records if r.getMessage() == "audit chain sealed"]
    assert [json.loads(line)["space"] for line in lines] == [space]
    witness = tmp_path / "heads.json"  # the shape `gcloud logging read --format=json` gives
    witness.write_text(json.dumps([{"jsonPayload": json.loads(line)} for line in lines]))
    # When an insider edits a record and recomputes the whole chain
    _rewrite_chain(clean_firestore, space)
    # Then the chain alone still verifies, but not against the logged heads
    assert verify_space(trail, space) == []
    assert any("consignée au scellement" in p for p in verify_space(trail, space, [(json.loads(lines[0])["seq"],
                                                                                  json.loads(lines[0])["head_hash"])]))
    # And the operator's command says so, from the logs as exported (exit status 1)
    run = subprocess.run([sys.executable, "-m", "devtools.audit", "verify", space, "--witness", str(witness)],
                         env={**os.environ, **emulators.env()}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{space}: ROMPUE" in run.stdout and "consignée au scellement" in run.stdout
    # While the untouched contractor space, named alongside, stays intact
    intact = subprocess.run([sys.executable, "-m", "devtools.audit", "verify", "contractors/ctr-test", "--witness",
                             str(witness)], env={**os.environ, **emulators.env()}, capture_output=True, text=True,
                            timeout=120)
    assert intact.returncode == 0 and "contractors/ctr-test: intacte" in intact.stdout, intact.stdout + intact.stderr
