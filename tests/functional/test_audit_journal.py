"""B15 audit trail through HTTPS on the emulators: the scheduled sealer and check run (seal_audit,
check_audit_witness, as Cloud Scheduler calls them), and the operator reads where every chain stands
(get_audit_check, the web app's « Journal d'audit »)."""

from __future__ import annotations

import pytest
import requests

from shared.adapters.audit_witness import GcsAuditWitness
from tests.builders import issue_order_body
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
SPACE = "managers/mgr-test"


@pytest.fixture
def empty_witness(platform) -> GcsAuditWitness:
    """The functions' witness bucket without the heads an earlier test sealed (its chains are gone with the
    database; locally the bucket has no retention policy)."""
    witness = GcsAuditWitness(platform.project_id, f"{platform.project_id}-passerelle-audit-witness")
    for blob in witness.client.list_blobs(witness.bucket.name):
        blob.delete()
    return witness


def scheduled(platform, function: str) -> dict:
    answer = requests.post(platform.url(function) + "/", data=b"{}", timeout=120,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def read(erp: Erp, **params) -> requests.Response:
    return requests.get(erp.stack.url("get_audit_check") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_the_operator_reads_every_chain_intact_then_the_chain_and_record_edited_behind_the_platforms_back(
        platform, manager, clean_firestore, empty_witness):
    operator = Erp(platform, "operator", "platform")
    # Given no check has run yet: the operator reads so
    before = read(operator)
    assert before.status_code == 200, before.text
    assert (before.json()["status"], before.json()["checked_at"], before.json()["chains"]) == ("never_run", None, [])
    # When an order is issued, the sealer chains its records and the scheduled check runs
    assert manager.post("receive_order", issue_order_body("BC-AUDIT-1")).status_code == 201
    assert scheduled(platform, "seal_audit")["sealed"] >= 1
    run = scheduled(platform, "check_audit_witness")
    # Then the operator reads every chain intact, as of that run
    view = read(operator).json()
    assert (view["status"], view["altered"], view["spaces"]) == ("intact", 0, run["spaces"])
    assert view["checked_at"] is not None and view["full"] == run["full"]
    verdicts = {c["space"]: c["verdict"] for c in view["chains"]}
    assert verdicts[SPACE] == "intact" and set(verdicts.values()) == {"intact"}
    # When someone edits the record of the chain's latest link directly in Firestore
    seq = clean_firestore.document(f"{SPACE}/audit_chain/head").get().get("seq")
    edited = clean_firestore.document(f"{SPACE}/audit_chain/{seq:012d}").get().get("record_id")
    clean_firestore.document(f"{SPACE}/audit/{edited}").update({"who": "someone-else"})
    # And the next scheduled check runs
    assert scheduled(platform, "check_audit_witness")["status"] == "broken"
    # Then the operator's read names the chain, the link and the record, since that check
    view = read(operator).json()
    assert (view["status"], view["altered"]) == ("altered", 1)
    altered = view["chains"][0]
    assert (altered["space"], altered["kind"], altered["party_id"], altered["verdict"]) == (
        SPACE, "manager", "mgr-test", "altered")
    assert altered["records"] == [edited] and seq in altered["links"]
    assert any(f"enregistrement {edited} modifié" in p for p in altered["problems"])
    assert altered["altered_since"] == view["checked_at"]
    # And a check run again keeps when the alteration was first found
    first_found = altered["altered_since"]
    scheduled(platform, "check_audit_witness")
    again = read(operator).json()
    assert again["chains"][0]["altered_since"] == first_found and again["checked_at"] >= first_found


@pytest.mark.parametrize("role, tenant", [("manager", "mgr-test"), ("contractor", "ctr-test"),
                                          ("beneficiary", "ben-test"), ("purchasing_body", "centrale-test")])
def test_no_one_but_the_operator_reads_the_audit_check(platform, clean_firestore, role, tenant):
    answer = read(Erp(platform, role, tenant))
    assert answer.status_code == 403, answer.text
    assert answer.json()["errors"][0]["code"] == "FORBIDDEN"


def test_a_query_parameter_is_named_in_french(platform, clean_firestore):
    answer = read(Erp(platform, "operator", "platform"), space="managers/mgr-test")
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("query.space", "UNKNOWN_FIELD") and "inconnu" in error["message"]
