"""B15 traceability on the real emulators (Firestore, fake-gcs-server): the sealer witnesses each head once
in a bucket, and the scheduled check compares every chain with the witnessed heads."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import flask
import pytest

from shared import bootstrap, context
from shared.adapters.audit import FirestoreAuditTrail
from shared.adapters.audit_witness import GcsAuditWitness, object_name
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.audit import WitnessedHead
from shared.domain.messages import IssueOrder
from shared.service.audit_check import check_audit_witness, verify_space
from shared.service.executions import record_execution
from shared.service.orders import receive_order
from tests.builders import MANAGER, NOW, inbound, issue_order_body, report
from tests.fakes import FixedClock
from tests.integration.test_audit_trail import _rewrite_chain

pytestmark = pytest.mark.emulators
SPACE = f"managers/{MANAGER}"


@pytest.fixture
def witness(emulators) -> GcsAuditWitness:
    return GcsAuditWitness(emulators.project_id, f"witness-{uuid.uuid4().hex[:12]}")  # a bucket per test


@pytest.fixture
def trail(clean_firestore, witness) -> FirestoreAuditTrail:
    return FirestoreAuditTrail(clean_firestore, witness=witness)


def an_order_and_its_acknowledgement(db, order_id: str = "BC-2026-014", sequence: int = 1) -> None:
    context.act_as("erp-mgr", "manager", MANAGER)
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(order_id), strict=False),
                  FirestoreUnitOfWork(db), FixedClock(NOW))
    context.act_as("pubsub:ctr-test", "contractor", "ctr-test")
    record_execution(inbound(report(sequence, "acknowledged", order_id=order_id), message_id=f"m-{order_id}"),
                     FirestoreUnitOfWork(db),
                     FixedClock(NOW))


def chain_head(db, space: str = SPACE) -> tuple[int, str]:
    head = db.document(f"{space}/audit_chain/head").get()
    return head.get("seq"), head.get("hash")


def objects(witness: GcsAuditWitness) -> dict[str, int]:
    """Every witness object, every version, with its generation."""
    return {f"{b.name}#{b.generation}": b.generation
            for b in witness.client.list_blobs(witness.bucket.name, versions=True)}


def check(trail, witness, at: dt.datetime = NOW, **options) -> dict:
    return check_audit_witness(trail, witness, FixedClock(at), **options)


def test_writes_are_sealed_and_witnessed_once_and_the_scheduled_check_finds_every_chain_intact(
        clean_firestore, trail, witness):
    # Given writes in a manager's and a contractor's space
    an_order_and_its_acknowledgement(clean_firestore)
    # When the sealer runs
    sealed = trail.seal_pending()
    # Then each chain's head is witnessed in the bucket, as sealed, and nothing waits to be witnessed
    assert sealed["sealed"] == 5 and sealed["witnessed"] == 2  # order, received entry, report (2), message
    assert [(h.seq, h.hash) for h in witness.heads(SPACE)] == [chain_head(clean_firestore)]
    assert witness.spaces() == ["contractors/ctr-test", SPACE]
    assert list(clean_firestore.collection("audit_witness_pending").stream()) == []
    # And the scheduled check reads every space whole the first time, then the two witnessed chains from
    # their check points (the registered spaces without a write, and so without a check point, stay whole)
    first = check(trail, witness)
    assert (first["status"], first["full"], first["incremental"]) == ("intact", first["spaces"], 0)
    an_order_and_its_acknowledgement(clean_firestore, "BC-2026-015")
    assert trail.seal_pending()["witnessed"] == 2
    second = check(trail, witness, NOW + dt.timedelta(days=1))
    assert (second["status"], second["incremental"], second["broken"]) == ("intact", 2, [])
    assert second["full"] == second["spaces"] - 2
    assert second["heads_compared"] == 4  # per chain: its check point's head and the one sealed since
    # And the operator reads the last run's figures
    assert trail.last_check_run()["status"] == "intact" and trail.last_check_run()["incremental"] == 2
    point = trail.check_point(SPACE)
    assert (point.seq, point.hash) == chain_head(clean_firestore)


def test_a_second_sealer_run_or_a_retried_write_neither_duplicates_nor_overwrites_a_witnessed_head(
        clean_firestore, trail, witness):
    # Given a sealed and witnessed chain
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    before = objects(witness)
    seq, head_hash = chain_head(clean_firestore)
    # When the sealer runs again with nothing new, and a crashed run's head is witnessed again
    assert trail.seal_pending() == {"pending": 0, "sealed": 0, "conflicts": 0, "witnessed": 0}
    again = WitnessedHead(space=SPACE, seq=seq, hash=head_hash, sealed_at=NOW)
    clean_firestore.document(f"audit_witness_pending/managers:{MANAGER}:{seq:012d}").set(again.model_dump())
    assert trail.witness_pending() == 0
    # Then the bucket holds the same objects, each in its first and only generation
    assert objects(witness) == before
    assert witness.record(again) == "present"
    # And a head of another hash at the same place is refused, the witness keeping the first one
    assert witness.record(again.model_copy(update={"hash": "f" * 64})) == "conflict"
    assert objects(witness) == before and [h.hash for h in witness.heads(SPACE) if h.seq == seq] == [head_hash]


def test_a_head_sealed_by_a_run_that_failed_before_witnessing_is_witnessed_by_the_next_run(
        clean_firestore, witness, monkeypatch):
    # Given a sealer whose witness write fails after the chain was committed
    an_order_and_its_acknowledgement(clean_firestore)
    failing = FirestoreAuditTrail(clean_firestore, witness=witness)
    monkeypatch.setattr(witness, "record", lambda head: (_ for _ in ()).throw(ConnectionError("storage down")))
    with pytest.raises(ConnectionError):
        failing.seal_pending()
    assert witness.heads(SPACE) == [] and len(list(clean_firestore.collection("audit_witness_pending").stream())) == 2
    # When the next run finds storage back
    monkeypatch.undo()
    assert FirestoreAuditTrail(clean_firestore, witness=witness).seal_pending()["witnessed"] == 2
    # Then the heads sealed by the failed run are witnessed, once
    assert [(h.seq, h.hash) for h in witness.heads(SPACE)] == [chain_head(clean_firestore)]


def test_an_edited_record_is_caught_by_the_scheduled_check(clean_firestore, trail, witness, caplog):
    # Given chains sealed, witnessed and checked once
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    assert check(trail, witness)["status"] == "intact"
    seq, _ = chain_head(clean_firestore)
    # When someone edits the record of the latest head behind the platform's back
    latest = clean_firestore.document(f"{SPACE}/audit_chain/{seq:012d}").get().get("record_id")
    clean_firestore.document(f"{SPACE}/audit/{latest}").update({"who": "someone-else"})
    # Then the next day's incremental check reports it, in one ERROR line with its stable field
    with caplog.at_level(logging.INFO, logger="shared.service.audit_check"):
        run = check(trail, witness, NOW + dt.timedelta(days=1))
    assert (run["status"], run["incremental"]) == ("broken", 2)
    assert [b["space"] for b in run["broken"]] == [SPACE]
    assert any("modifié" in p for p in run["broken"][0]["problems"])
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [(r.getMessage(), r.audit_check, r.space) for r in errors] == [("audit chain broken", "broken", SPACE)]
    assert trail.last_check_run()["status"] == "broken"


def test_an_edit_of_an_older_record_is_caught_by_the_weekly_whole_reading(clean_firestore, trail, witness):
    # Given chains checked whole, then from their check points
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    assert check(trail, witness)["status"] == "intact"
    # When a record older than the check point is edited (its link left as it was)
    first = clean_firestore.document(f"{SPACE}/audit_chain/{1:012d}").get().get("record_id")
    clean_firestore.document(f"{SPACE}/audit/{first}").update({"who": "someone-else"})
    # Then the next day's incremental check does not read it, but the whole reading a week later does
    assert check(trail, witness, NOW + dt.timedelta(days=1))["status"] == "intact"
    weekly = check(trail, witness, NOW + dt.timedelta(days=7))
    assert (weekly["status"], weekly["full"]) == ("broken", weekly["spaces"])
    assert any("modifié" in p for p in weekly["broken"][0]["problems"])


def test_a_wholesale_rewrite_of_a_chain_is_caught_by_the_scheduled_check(clean_firestore, trail, witness, caplog):
    # Given chains sealed, witnessed and checked once
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    assert check(trail, witness)["status"] == "intact"
    # When an insider edits a record and recomputes the whole chain and its head
    _rewrite_chain(clean_firestore, SPACE)
    assert verify_space(trail, SPACE) == []  # the chain alone verifies
    # Then the incremental check finds the check point's link no longer carries the witnessed hash
    with caplog.at_level(logging.INFO, logger="shared.service.audit_check"):
        run = check(trail, witness, NOW + dt.timedelta(days=1))
    assert [b["space"] for b in run["broken"]] == [SPACE] and run["incremental"] == 2
    assert any("consignée au scellement" in p for p in run["broken"][0]["problems"])
    # And so does a whole reading, every day after, until the chain is repaired
    assert check(trail, witness, NOW + dt.timedelta(days=2), full=True)["broken"][0]["space"] == SPACE
    # While the untouched contractor space stays intact, its check point moving on
    assert trail.check_point("contractors/ctr-test").seq == chain_head(clean_firestore, "contractors/ctr-test")[0]


def test_a_check_point_forged_in_firestore_does_not_skip_a_rewritten_chain(clean_firestore, trail, witness):
    # Given a checked chain, then rewritten by an insider who also moves its check point to the new head
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    check(trail, witness)
    _rewrite_chain(clean_firestore, SPACE)
    point = trail.check_point(SPACE)
    trail.save_check_point(point.model_copy(update={"hash": chain_head(clean_firestore)[1]}))
    # When the incremental check runs
    run = check(trail, witness, NOW + dt.timedelta(days=1))
    # Then the forged check point is not a head the witness holds
    assert any("point de reprise" in p for p in run["broken"][0]["problems"])


def test_a_space_removed_from_firestore_is_caught_by_its_witnessed_heads(clean_firestore, trail, witness):
    # Given a sealed, witnessed chain
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    # When every link of the manager's chain is deleted
    for snap in clean_firestore.collection(f"{SPACE}/audit_chain").stream():
        snap.reference.delete()
    # Then the check still knows the space from the witness, and reports the missing links
    run = check(trail, witness)
    assert [b["space"] for b in run["broken"]] == [SPACE]
    assert any("absent de la chaîne" in p for p in run["broken"][0]["problems"])


def test_the_scheduled_check_refuses_a_caller_other_than_the_scheduler(clean_firestore, witness, monkeypatch):
    # Given the function as deployed: told its audience and its only caller, the scheduler's invoker
    from functions.check_audit_witness import check_audit_witness as function
    from tests.unit.test_token_verification import google_token, key_server

    monkeypatch.setenv("K_SERVICE", "check-audit-witness")
    monkeypatch.setenv("PASSERELLE_INTERNAL_AUDIENCE", "https://fn.example/check-audit-witness")
    monkeypatch.setenv("PASSERELLE_INTERNAL_CALLERS", "scheduler-invoker@p.iam.gserviceaccount.com")
    monkeypatch.setitem(bootstrap._instances, "audit_trail", FirestoreAuditTrail(clean_firestore, witness=witness))
    monkeypatch.setitem(bootstrap._instances, "audit_witness", witness)
    app = flask.Flask(__name__)
    with key_server() as (signer, certs_url):
        monkeypatch.setenv("PASSERELLE_GOOGLE_CERTS_URL", certs_url)

        def post(email: str | None) -> flask.Response:
            headers = {} if email is None else {"Authorization": "Bearer " + google_token(
                signer, aud="https://fn.example/check-audit-witness", email=email)}
            with app.test_request_context("/", method="POST", data=b"{}", headers=headers):
                return function(flask.request)

        # When an ERP's account, or nobody, calls it
        refused = [post("erp-ctr-acme@p.iam.gserviceaccount.com"), post(None)]
        # Then it is refused before anything runs
        assert [r.status_code for r in refused] == [403, 403]
        assert json.loads(refused[0].get_data())["errors"][0]["code"] == "FORBIDDEN"
        assert clean_firestore.document("audit_checks/last-run").get().exists is False
        # While the scheduler's invoker gets the run's figures
        answered = post("scheduler-invoker@p.iam.gserviceaccount.com")
        assert answered.status_code == 200 and json.loads(answered.get_data())["status"] == "intact"


def test_witness_objects_are_named_by_space_and_sequence():
    assert object_name("managers/mgr-1", 42) == "audit-heads/managers/mgr-1/000000000042.json"


def test_the_operator_compares_a_chain_with_the_witness_bucket_and_reads_the_last_check(
        clean_firestore, trail, witness, emulators):
    import os
    import subprocess
    import sys

    # Given a witnessed chain, checked, then rewritten wholesale
    an_order_and_its_acknowledgement(clean_firestore)
    trail.seal_pending()
    check(trail, witness)
    _rewrite_chain(clean_firestore, SPACE)
    check(trail, witness, NOW + dt.timedelta(days=1))
    env = {**os.environ, **emulators.env(), "PASSERELLE_AUDIT_WITNESS_BUCKET": witness.bucket.name}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "devtools.audit", *args], env=env, capture_output=True, text=True,
                              timeout=120)

    # When the operator runs the command against the witness bucket, and asks for the last check
    verified, last = run("verify", SPACE, "contractors/ctr-test", "--witness-bucket"), run("last-check")
    # Then the rewritten space is reported broken against the witnessed heads, the other intact
    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert f"{SPACE}: ROMPUE" in verified.stdout and "consignée au scellement" in verified.stdout
    assert "contractors/ctr-test: intacte" in verified.stdout
    # And the last scheduled check's summary says which space is broken (exit status 1)
    assert last.returncode == 1 and json.loads(last.stdout)["broken"][0]["space"] == SPACE
