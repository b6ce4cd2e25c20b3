"""B11 mission follow-up, B7 proof of service on the emulators: the titulaire delivers a milestone's deliverable, the
beneficiary refuses it with a reason, the titulaire receives the decision on orders-<titulaire>-erp and delivers it
again, the beneficiary accepts the new document and the mission view shows it; a retry changes nothing; another
beneficiary, the titulaire, the purchasing body and the operator cannot decide; a bad payload is answered in French."""

from __future__ import annotations

import json

import pytest
import requests

from tests.functional.erp import Erp
from tests.functional.test_documents import a_mission_with_deliverables, deliver
from tests.functional.test_reporting import TITULAIRE
from tests.pdfs import a_pdf

pytestmark = pytest.mark.emulators
DECIDED = "fr.passerelle.deliverable.decided.v1"
REASON = "Le cahier ne couvre pas les tests d'accessibilité (RGAA)."


def test_a_refused_deliverable_is_delivered_again_accepted_and_followed_and_only_its_beneficiary_decides(
        platform, clean_firestore):
    # Given ben-lyon's mission, become an order to the titulaire, and j1's « Cahier de recette » delivered
    platform.provision_contractor(TITULAIRE)
    mission_id, order_id = a_mission_with_deliverables(clean_firestore, platform.project_id)
    titulaire = Erp(platform, "contractor", TITULAIRE)
    titulaire.pull(f"orders-{TITULAIRE}", wait=0.5)  # the order issued: not what this test reads
    beneficiary, other = Erp(platform, "beneficiary", "ben-lyon"), Erp(platform, "beneficiary", "ben-annecy")
    first = deliver(platform, titulaire, order_id, a_pdf(f"Cahier v1 — {order_id}"), milestone_id="j1",
                    deliverable="Cahier de recette").json()["document"]

    def view() -> dict:
        answer = requests.get(platform.url("get_sourcing") + "/", params={"view": "mission", "mission_id": mission_id},
                              headers={"Authorization": f"Bearer {beneficiary.token}"}, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()["milestones_follow_up"][0]

    cahier = view()["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["current_document_id"]) == ("delivered", first["sha256"])
    refusal = {"mission_id": mission_id, "document_id": first["sha256"], "decision": "refused", "reason": REASON}
    # Nobody else decides: another beneficiary does not find the mission, the titulaire, the purchasing body and the
    # operator may not call the operation
    hidden = other.post("decide_deliverable", refusal)
    assert hidden.status_code == 404 and hidden.json()["errors"][0]["code"] == "MISSION_NOT_FOUND", hidden.text
    for role, tenant in (("contractor", TITULAIRE), ("purchasing_body", "canut"), ("operator", "platform")):
        forbidden = Erp(platform, role, tenant).post("decide_deliverable", refusal)
        assert forbidden.status_code == 403, (role, forbidden.text)
        assert forbidden.json()["errors"][0]["code"] == "FORBIDDEN"
    # A bad payload is answered field by field, in French
    for body, status, expected in (
            ({**refusal, "reason": None}, 422, ("$.reason", "DELIVERABLE_REFUSAL_REASON_REQUIRED")),
            ({**refusal, "decision": "maybe"}, 422, ("$.decision", "INVALID_VALUE")),
            ({**refusal, "document_id": "not-a-sha"}, 422, ("$.document_id", "INVALID_FORMAT")),
            ({**refusal, "decision": "accepted"}, 422, ("$.reason", "DELIVERABLE_REASON_UNEXPECTED")),
            ({**refusal, "document_id": "0" * 64}, 404, ("$.document_id", "DELIVERABLE_DOCUMENT_NOT_FOUND"))):
        bad = beneficiary.post("decide_deliverable", body)
        assert bad.status_code == status, bad.text
        [error] = bad.json()["errors"]
        assert (error["field"], error["code"]) == expected and error["message"], error
    malformed = beneficiary.post("decide_deliverable", None, raw=b"{not json")
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["code"] == "MALFORMED_JSON"
    assert titulaire.pull(f"orders-{TITULAIRE}", wait=2) == []

    # When the beneficiary refuses it with a reason, and its client retries with another key
    refused = beneficiary.post("decide_deliverable", refusal)
    retried = beneficiary.post("decide_deliverable", refusal)
    assert refused.status_code == 200, refused.text
    assert retried.status_code == 200 and retried.json() == refused.json()
    # Then the titulaire receives the decision and its reason, once
    [told] = titulaire.pull(f"orders-{TITULAIRE}", wait=15, until=1)
    assert (told.attributes["ce-type"], told.attributes["ce-subject"], told.ordering_key) == (
        DECIDED, f"orders/{order_id}", order_id)
    data = json.loads(told.data)
    assert (data["decision"], data["reason"], data["document_id"], data["milestone_id"], data["deliverable"]) == (
        "refused", REASON, first["sha256"], "j1", "Cahier de recette")
    assert titulaire.pull(f"orders-{TITULAIRE}", wait=3) == []
    # And reads it on the order's documents, without the beneficiary's account
    listed = requests.get(platform.url("get_documents") + "/", timeout=30,
                          params={"manager_id": "ben-lyon", "order_id": order_id, "sha256": first["sha256"]},
                          headers={"Authorization": f"Bearer {titulaire.token}"}).json()["documents"][0]
    assert (listed["decision"]["decision"], listed["decision"]["reason"], listed["decision"]["decided_by"]) == (
        "refused", REASON, None)
    # A changed mind on the same document is refused
    changed = beneficiary.post("decide_deliverable", {**refusal, "decision": "accepted", "reason": None})
    assert changed.status_code == 409 and changed.json()["errors"][0]["code"] == "DELIVERABLE_ALREADY_DECIDED"
    cahier = view()["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["decision"]["reason"]) == ("refused", REASON)

    # When the titulaire delivers it again, the new document awaits a decision
    second = deliver(platform, titulaire, order_id, a_pdf(f"Cahier v2 — {order_id}"), milestone_id="j1",
                     deliverable="Cahier de recette")
    assert second.status_code == 201, second.text
    second = second.json()["document"]
    cahier = view()["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["current_document_id"], cahier["decision"]) == ("delivered", second["sha256"], None)
    # Then the beneficiary accepts it, and the mission view shows it accepted, when and by whom
    accepted = beneficiary.post("decide_deliverable", {"mission_id": mission_id, "document_id": second["sha256"],
                                                       "decision": "accepted"})
    assert accepted.status_code == 200, accepted.text
    [told] = titulaire.pull(f"orders-{TITULAIRE}", wait=15, until=1)
    assert (json.loads(told.data)["decision"], json.loads(told.data)["reason"]) == ("accepted", None)
    j1 = view()
    cahier = j1["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["decision"]["decision"], cahier["decision"]["decided_by"]) == (
        "accepted", "accepted", "erp-ben-lyon")
    assert cahier["decision"]["decided_at"] == accepted.json()["decided_at"]
    assert [d["decision"]["decision"] for d in cahier["documents"]] == ["refused", "accepted"]
    assert j1["deliverables_accepted"] is True
    # And the first document, superseded and refused, keeps its refusal
    late = beneficiary.post("decide_deliverable", {**refusal, "decision": "accepted", "reason": None})
    assert late.status_code == 409, late.text


def test_a_delivery_committed_between_a_decision_s_reads_and_its_commit_refuses_it_on_firestore(
        platform, clean_firestore):
    """The race on the emulator's Firestore: the decision's precondition (last_update_time) fails when the titulaire's
    new delivery, over store_report, commits between the decision's reads and its commit."""
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
    from shared.domain.documents import DeliverableVerdict, record_path
    from shared.domain.errors import DomainError
    from shared.domain.sourcing.messages import DecideDeliverable
    from shared.service.sourcing.deliverables import decide_deliverable
    from shared.ports.outside import SystemClock

    platform.provision_contractor(TITULAIRE)
    mission_id, order_id = a_mission_with_deliverables(clean_firestore, platform.project_id)
    titulaire, beneficiary = Erp(platform, "contractor", TITULAIRE), Erp(platform, "beneficiary", "ben-lyon")
    first = deliver(platform, titulaire, order_id, a_pdf(f"Cahier v1 — {order_id}"), milestone_id="j1",
                    deliverable="Cahier de recette").json()["document"]
    delivered = []

    class DeliveredFirst(FirestoreUnitOfWork):
        def _apply(self, writes):
            if not delivered:  # the titulaire's v2 commits after the acceptance's reads, before its commit
                delivered.append(deliver(platform, titulaire, order_id, a_pdf(f"Cahier v2 — {order_id}"),
                                         milestone_id="j1", deliverable="Cahier de recette"))
            return super()._apply(writes)

    command = DecideDeliverable(mission_id=mission_id, document_id=first["sha256"], decision=DeliverableVerdict.ACCEPTED)
    with pytest.raises(DomainError) as refused:
        decide_deliverable("ben-lyon", command, DeliveredFirst(clean_firestore), SystemClock(), decided_by="agent")
    assert delivered[0].status_code == 201, delivered[0].text
    second = delivered[0].json()["document"]
    [error] = refused.value.errors
    assert (error.field, error.code) == ("$.document_id", "DELIVERABLE_DOCUMENT_SUPERSEDED")
    # Nothing landed on v1, which names the document that replaced it; no decision was told
    stored = clean_firestore.document(record_path("ben-lyon", order_id, first["sha256"])).get().to_dict()
    assert (stored.get("decision"), stored["superseded_by"]) == (None, second["sha256"])
    assert DECIDED not in [m.attributes["ce-type"] for m in titulaire.pull(f"orders-{TITULAIRE}", wait=2)]
    # Over HTTP the same acceptance is refused with the French message the web app shows next to the decision
    again = beneficiary.post("decide_deliverable", {"mission_id": mission_id, "document_id": first["sha256"],
                                                    "decision": "accepted"})
    assert again.status_code == 409, again.text
    assert again.json()["errors"][0]["message"].startswith("Un nouveau livrable a été déposé pour « Cahier de recette »")
    accepted = beneficiary.post("decide_deliverable", {"mission_id": mission_id, "document_id": second["sha256"],
                                                       "decision": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["document_id"] == second["sha256"], accepted.text


def test_list_needs_gives_the_beneficiary_the_missions_whose_deliverables_wait_on_it_and_refuses_a_bad_filter(
        platform, clean_firestore):
    """« À faire » (B11): ``list_needs?deliverables=delivered`` on Firestore — the need whose mission has a deliverable
    « remis », with how many; none once decided; a bad value or the operator asking is a French 400, never a 500."""
    platform.provision_contractor(TITULAIRE)
    mission_id, order_id = a_mission_with_deliverables(clean_firestore, platform.project_id)
    titulaire, beneficiary = Erp(platform, "contractor", TITULAIRE), Erp(platform, "beneficiary", "ben-lyon")

    def needs(erp: Erp, **params) -> requests.Response:
        return requests.get(platform.url("list_needs") + "/", params=params,
                            headers={"Authorization": f"Bearer {erp.token}"}, timeout=30)

    def waiting(erp: Erp = beneficiary) -> list[tuple]:
        answer = needs(erp, deliverables="delivered")
        assert answer.status_code == 200, answer.text
        return [(n["mission_id"], n["deliverables_to_decide"]) for n in answer.json()["needs"]]

    assert waiting() == []
    first = deliver(platform, titulaire, order_id, a_pdf(f"Cahier v1 — {order_id}"), milestone_id="j1",
                    deliverable="Cahier de recette").json()["document"]
    assert waiting() == [(mission_id, 1)]
    assert waiting(Erp(platform, "beneficiary", "ben-annecy")) == []  # another beneficiary's is not its own
    accepted = beneficiary.post("decide_deliverable", {"mission_id": mission_id, "document_id": first["sha256"],
                                                       "decision": "accepted"})
    assert accepted.status_code == 200, accepted.text
    assert waiting() == []
    bad = needs(beneficiary, deliverables="all")
    assert bad.status_code == 400, bad.text
    assert [(e["field"], e["code"], e["message"]) for e in bad.json()["errors"]] == [
        ("query.deliverables", "INVALID_VALUE", "Valeur invalide : delivered attendu.")]
    asked = needs(Erp(platform, "operator", "platform"), deliverables="delivered")
    assert asked.status_code == 400, asked.text
    assert [(e["field"], e["code"]) for e in asked.json()["errors"]] == [("query.deliverables", "UNKNOWN_FIELD")]
