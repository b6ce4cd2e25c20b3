"""B11 mission follow-up, B7 proof of service: the beneficiary accepts a delivered deliverable or refuses it with a
reason, on the in-memory world — the pure rule, the service (record, audit and message in one commit), the mission
view. On the emulators: tests/functional/test_deliverable_decisions.py."""

from __future__ import annotations

import json

import pytest

from shared.domain import documents as doc
from shared.domain.documents import DeliverableVerdict
from shared.domain.errors import DomainError
from shared.domain.event_types import EventType
from shared.domain.sourcing.deliverables import (
    all_accepted, awaiting_decision, current_document, decision_errors, follow_up, repeats,
)
from shared.domain.sourcing.messages import DecideDeliverable, DeliverableDecided
from shared.service import documents, listings
from shared.service.sourcing import deliverables, missions
from tests.fakes import InMemoryUnitOfWork
from tests.pdfs import a_pdf
from tests.unit.test_document_service import Files
from tests.unit.test_mission_deliverables import TITULAIRE, attach, codes, mission_world  # noqa: F401 (fixture)
from tests.unit.test_sourcing_services import B

ACCEPTED, REFUSED = DeliverableVerdict.ACCEPTED, DeliverableVerdict.REFUSED
V1 = {"kind": "deliverable", "milestone_id": "j1", "deliverable": "Cahier de recette", "filename": "v1.pdf",
      "sha256": "a" * 64, "uploaded_at": "2026-04-10T10:00:00+00:00"}
V2 = {**V1, "filename": "v2.pdf", "sha256": "b" * 64, "uploaded_at": "2026-04-20T10:00:00+00:00"}
REFUSAL = {"decision": "refused", "reason": "Les cas de test de l'accessibilité manquent.",
           "decided_at": "2026-04-12T08:00:00+00:00", "decided_by": "agent@lyon.fr"}


def decide(world, mission, document_id, decision, reason=None, beneficiary=B):
    command = DecideDeliverable(mission_id=mission.mission_id, document_id=document_id, decision=decision,
                                reason=reason)
    return deliverables.decide_deliverable(beneficiary, command, world.uow(), world.clock, decided_by="agent@lyon.fr")


# --- the rule (pure) -----------------------------------------------------------------------------


def test_a_refusal_needs_a_reason_an_acceptance_takes_none_and_a_missing_document_is_named():
    assert decision_errors(V1["sha256"], V1, [V1], ACCEPTED, None) == []
    assert decision_errors(V1["sha256"], V1, [V1], REFUSED, "Incomplet") == []
    assert codes(decision_errors(V1["sha256"], V1, [V1], REFUSED, None)) == [
        ("$.reason", "DELIVERABLE_REFUSAL_REASON_REQUIRED")]
    assert codes(decision_errors(V1["sha256"], V1, [V1], REFUSED, "   ")) == [
        ("$.reason", "DELIVERABLE_REFUSAL_REASON_REQUIRED")]
    assert codes(decision_errors(V1["sha256"], V1, [V1], ACCEPTED, "Parfait")) == [
        ("$.reason", "DELIVERABLE_REASON_UNEXPECTED")]
    [missing] = decision_errors("c" * 64, None, [V1], ACCEPTED, None)
    assert (missing.field, missing.code) == ("$.document_id", "DELIVERABLE_DOCUMENT_NOT_FOUND")
    assert "c" * 64 in missing.message
    # A document of another kind is no deliverable to decide on
    invoice = {**V1, "kind": "invoice", "deliverable": None, "milestone_id": None}
    assert codes(decision_errors(V1["sha256"], invoice, [], ACCEPTED, None)) == [
        ("$.document_id", "DELIVERABLE_DOCUMENT_NOT_FOUND")]


def test_the_decision_applies_to_the_latest_document_and_a_decided_one_keeps_its_decision():
    # A superseded document: a later one delivers the same milestone's same deliverable
    [superseded] = decision_errors(V1["sha256"], V1, [V1, V2], ACCEPTED, None)
    assert (superseded.field, superseded.code) == ("$.document_id", "DELIVERABLE_DOCUMENT_SUPERSEDED")
    assert superseded.message.startswith("Un nouveau livrable a été déposé pour « Cahier de recette » (« v2.pdf »)")
    assert "« v1.pdf », sur lequel votre décision n'a pas été enregistrée" in superseded.message
    assert decision_errors(V2["sha256"], V2, [V1, V2], ACCEPTED, None) == []
    # The same deliverable for another milestone does not supersede it
    other = {**V2, "milestone_id": "j2"}
    assert decision_errors(V1["sha256"], V1, [V1, other], ACCEPTED, None) == []
    # The decision taken, sent again, is no error; another is refused with what was decided, in French
    refused = {**V1, "decision": REFUSAL}
    assert repeats(REFUSAL, REFUSED, "Les cas de test de l'accessibilité manquent.")
    assert decision_errors(V1["sha256"], refused, [V1, V2], REFUSED, REFUSAL["reason"]) == []
    [again] = decision_errors(V1["sha256"], refused, [refused], ACCEPTED, None)
    assert (again.field, again.code) == ("$.decision", "DELIVERABLE_ALREADY_DECIDED")
    assert "refusé le 12/04/2026 à 10:00" in again.message
    assert codes(decision_errors(V1["sha256"], refused, [refused], REFUSED, "Autre raison")) == [
        ("$.decision", "DELIVERABLE_ALREADY_DECIDED")]


def test_a_document_marked_superseded_is_never_the_current_one_whatever_the_clocks_said(mission_world):
    _, mission = mission_world
    # The new delivery's instance may have stamped it no later than the one it supersedes: the mark decides
    marked = {**V2, "superseded_by": V1["sha256"]}
    assert current_document([V1, marked], "j1", "Cahier de recette")["sha256"] == V1["sha256"]
    assert current_document([V1, marked], "j2", "Cahier de recette") is None
    [superseded] = decision_errors(V2["sha256"], marked, [V1, marked], ACCEPTED, None)
    assert (superseded.code, "« v1.pdf »" in superseded.message) == ("DELIVERABLE_DOCUMENT_SUPERSEDED", True)
    # Marked, though the document superseding it is not among those read: refused all the same
    alone = {**V1, "superseded_by": "c" * 64}
    assert codes(decision_errors(V1["sha256"], alone, [alone], ACCEPTED, None)) == [
        ("$.document_id", "DELIVERABLE_DOCUMENT_SUPERSEDED")]
    # A decision taken before it was superseded, sent again, is still the same answer
    assert decision_errors(V1["sha256"], {**alone, "decision": REFUSAL}, [alone], REFUSED, REFUSAL["reason"]) == []
    # The follow-up lists the superseded first, and follows the current one
    per_milestone, _ = follow_up(mission, [V1, marked])
    assert [d["document_id"] for d in per_milestone["j1"][0]["documents"]] == ["b" * 64, "a" * 64]
    assert per_milestone["j1"][0]["current_document_id"] == "a" * 64


def test_the_follow_up_says_each_deliverable_s_status_from_its_latest_document(mission_world):
    _, mission = mission_world
    accepted = {**V2, "decision": {**REFUSAL, "decision": "accepted", "reason": None}}
    per_milestone, own = follow_up(mission, [{**V1, "decision": REFUSAL}, accepted])
    cahier, plan = per_milestone["j1"]
    assert (cahier["status"], cahier["current_document_id"], cahier["decision"]["decision"]) == (
        "accepted", "b" * 64, "accepted")
    assert [d["decision"]["decision"] for d in cahier["documents"]] == ["refused", "accepted"]
    assert (plan["status"], plan["current_document_id"], plan["decision"]) == ("expected", None, None)
    assert not all_accepted(per_milestone["j1"]) and all_accepted([cahier]) and all_accepted([])
    # Refused, then delivered again: « remis » awaiting a decision on the new document
    per_milestone, _ = follow_up(mission, [{**V1, "decision": REFUSAL}, V2])
    assert (per_milestone["j1"][0]["status"], per_milestone["j1"][0]["decision"]) == ("delivered", None)
    per_milestone, _ = follow_up(mission, [{**V1, "decision": REFUSAL}])
    assert (per_milestone["j1"][0]["status"], per_milestone["j1"][0]["decision"]["reason"]) == (
        "refused", REFUSAL["reason"])
    assert own == [{"label": "Bilan de mission", "delivered": False, "documents": [], "status": "expected",
                    "current_document_id": None, "decision": None}]


# --- the service ---------------------------------------------------------------------------------


def test_refused_then_delivered_again_then_accepted_each_decision_committed_with_its_audit_and_message(mission_world):
    world, mission = mission_world
    files = Files()
    first = attach(world, mission, files, a_pdf("Cahier de recette v1")).record
    # When the beneficiary refuses it with a reason
    refused = decide(world, mission, first.sha256, REFUSED, "  Les cas de test de l'accessibilité manquent. ")
    # Then the record keeps the decision, the titulaire is told on its orders topic, and an audit record says so
    stored = world.db.data(doc.record_path(B, mission.order_id, first.sha256))
    assert stored["decision"]["decision"] == "refused" and stored["decision"]["decided_by"] == "agent@lyon.fr"
    assert stored["decision"]["reason"] == "Les cas de test de l'accessibilité manquent."
    [told] = [m for m in world.outbox() if m.event_type == EventType.DELIVERABLE_DECIDED]
    assert (told.topic, told.subject, told.ordering_key) == (f"orders-{TITULAIRE}", f"orders/{mission.order_id}",
                                                             mission.order_id)
    message = DeliverableDecided.model_validate_json(json.dumps(told.data))
    assert message == refused and (message.decision, message.milestone_id, message.deliverable) == (
        REFUSED, "j1", "Cahier de recette")
    [audit] = [a for a in world.db.under(f"managers/{B}/audit").values()
               if a["target"].endswith(f"documents/{first.sha256}") and a["action"].endswith(".updated")]
    assert audit["before_digest"] != audit["after_digest"]
    # And the same refusal again changes nothing and tells no one twice
    assert decide(world, mission, first.sha256, REFUSED, "Les cas de test de l'accessibilité manquent.") == refused
    assert len([m for m in world.outbox() if m.event_type == EventType.DELIVERABLE_DECIDED]) == 1
    view = missions.read_mission(B, mission.mission_id, world.uow())["milestones_follow_up"][0]
    assert (view["deliverables_follow_up"][0]["status"], view["deliverables_accepted"]) == ("refused", False)
    # When the titulaire delivers it again, the first document is superseded and the new one awaits a decision
    world.clock.advance(hours=1)
    second = attach(world, mission, files, a_pdf("Cahier de recette v2")).record
    with pytest.raises(DomainError) as superseded:
        decide(world, mission, first.sha256, ACCEPTED)
    assert codes(superseded.value.errors) == [("$.decision", "DELIVERABLE_ALREADY_DECIDED")]
    view = missions.read_mission(B, mission.mission_id, world.uow())["milestones_follow_up"][0]
    assert view["deliverables_follow_up"][0]["status"] == "delivered"
    assert view["deliverables_follow_up"][0]["current_document_id"] == second.sha256
    # Then the beneficiary accepts the new one; a refusal of it afterwards is refused
    accepted = decide(world, mission, second.sha256, ACCEPTED)
    assert (accepted.decision, accepted.reason, accepted.document_id) == (ACCEPTED, None, second.sha256)
    with pytest.raises(DomainError) as changed:
        decide(world, mission, second.sha256, REFUSED, "Finalement non")
    assert codes(changed.value.errors) == [("$.decision", "DELIVERABLE_ALREADY_DECIDED")]
    assert len([m for m in world.outbox() if m.event_type == EventType.DELIVERABLE_DECIDED]) == 2
    follow = missions.read_mission(B, mission.mission_id, world.uow())["milestones_follow_up"][0]
    cahier = follow["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["decision"]["decided_by"]) == ("accepted", "agent@lyon.fr")
    assert not follow["deliverables_accepted"]  # « Plan de tests » is still expected


def test_an_undecided_superseded_document_another_beneficiary_and_a_missing_document_are_refused(mission_world):
    world, mission = mission_world
    files = Files()
    first = attach(world, mission, files, a_pdf("Cahier v1")).record
    world.clock.advance(minutes=5)
    attach(world, mission, files, a_pdf("Cahier v2"))
    with pytest.raises(DomainError) as superseded:
        decide(world, mission, first.sha256, ACCEPTED)
    assert codes(superseded.value.errors) == [("$.document_id", "DELIVERABLE_DOCUMENT_SUPERSEDED")]
    with pytest.raises(DomainError) as other:
        decide(world, mission, first.sha256, ACCEPTED, beneficiary="ben-annecy")
    assert codes(other.value.errors) == [("$.mission_id", "MISSION_NOT_FOUND")]
    with pytest.raises(DomainError) as missing:
        decide(world, mission, "f" * 64, ACCEPTED)
    assert codes(missing.value.errors) == [("$.document_id", "DELIVERABLE_DOCUMENT_NOT_FOUND")]
    assert not [m for m in world.outbox() if m.event_type == EventType.DELIVERABLE_DECIDED]
    assert world.db.data(doc.record_path(B, mission.order_id, first.sha256))["decision"] is None


def commit_first(monkeypatch, before_commit):
    """Run ``before_commit`` (another command, on its own unit of work) once, just before the next commit of a
    unit of work: between that command's reads and its commit."""
    apply, ran = InMemoryUnitOfWork._apply, []

    def apply_after(self, writes):
        if not ran:
            ran.append(True)
            before_commit()
        return apply(self, writes)

    monkeypatch.setattr(InMemoryUnitOfWork, "_apply", apply_after)
    return ran


def test_a_new_delivery_committed_between_the_decision_s_reads_and_its_commit_refuses_the_decision(
        mission_world, monkeypatch):
    world, mission = mission_world
    files = Files()
    first = attach(world, mission, files, a_pdf("Cahier v1")).record
    world.clock.advance(minutes=5)
    # Given the beneficiary's acceptance of v1 has read v1 as the current document, when the titulaire's v2 commits
    # before the acceptance does
    second = []
    ran = commit_first(monkeypatch, lambda: second.append(attach(world, mission, files, a_pdf("Cahier v2")).record))
    with pytest.raises(DomainError) as refused:
        decide(world, mission, first.sha256, ACCEPTED)
    assert ran and second[0].sha256 != first.sha256
    # Then the acceptance is refused, in French, naming the new delivery; it landed nowhere and told no one
    [error] = refused.value.errors
    assert (error.field, error.code) == ("$.document_id", "DELIVERABLE_DOCUMENT_SUPERSEDED")
    assert error.message.startswith("Un nouveau livrable a été déposé pour « Cahier de recette »")
    stored = world.db.data(doc.record_path(B, mission.order_id, first.sha256))
    assert (stored["decision"], stored["superseded_by"]) == (None, second[0].sha256)
    assert world.db.data(doc.record_path(B, mission.order_id, second[0].sha256))["decision"] is None
    assert not [m for m in world.outbox() if m.event_type == EventType.DELIVERABLE_DECIDED]
    # The same acceptance sent again is refused the same way and changes nothing
    with pytest.raises(DomainError) as again:
        decide(world, mission, first.sha256, ACCEPTED)
    assert again.value.errors == refused.value.errors
    assert world.db.data(doc.record_path(B, mission.order_id, first.sha256)) == stored
    # And the mission view follows v2, awaiting its decision, which lands on it
    view = missions.read_mission(B, mission.mission_id, world.uow())["milestones_follow_up"][0]
    cahier = view["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["current_document_id"]) == ("delivered", second[0].sha256)
    assert decide(world, mission, second[0].sha256, ACCEPTED).document_id == second[0].sha256


def test_a_decision_committed_between_the_new_delivery_s_reads_and_its_commit_stays_on_the_document_it_read(
        mission_world, monkeypatch):
    world, mission = mission_world
    files = Files()
    first = attach(world, mission, files, a_pdf("Cahier v1")).record
    world.clock.advance(minutes=5)
    # Given the titulaire's v2 has read v1 as the current document, when the refusal of v1 commits before v2 does
    decided = []
    commit_first(monkeypatch, lambda: decided.append(decide(world, mission, first.sha256, REFUSED, "Incomplet")))
    second = attach(world, mission, files, a_pdf("Cahier v2"))
    # Then both are kept, in the order they committed: v1 refused, then superseded by v2, which awaits a decision
    assert second.created and decided[0].document_id == first.sha256
    stored = world.db.data(doc.record_path(B, mission.order_id, first.sha256))
    assert (stored["decision"]["decision"], stored["superseded_by"]) == ("refused", second.record.sha256)
    view = missions.read_mission(B, mission.mission_id, world.uow())["milestones_follow_up"][0]
    cahier = view["deliverables_follow_up"][0]
    assert (cahier["status"], cahier["current_document_id"]) == ("delivered", second.record.sha256)
    # The refusal sent again answers the same and tells no one twice; the same v2 again stores and marks nothing
    assert decide(world, mission, first.sha256, REFUSED, "Incomplet") == decided[0]
    assert len([m for m in world.outbox() if m.event_type == EventType.DELIVERABLE_DECIDED]) == 1
    before = world.db.under(f"managers/{B}/orders/{mission.order_id}/documents")
    assert not attach(world, mission, files, a_pdf("Cahier v2")).created
    assert world.db.under(f"managers/{B}/orders/{mission.order_id}/documents") == before


def test_the_titulaire_reads_the_decision_and_its_reason_without_the_beneficiary_s_account(mission_world):
    world, mission = mission_world
    files = Files()
    first = attach(world, mission, files, a_pdf("Cahier v1")).record
    decide(world, mission, first.sha256, REFUSED, "Plan de tests absent")
    [mine] = documents.list_documents(B, mission.order_id, world.uow(), files, contractor_id=TITULAIRE)
    assert (mine["decision"]["decision"], mine["decision"]["reason"], mine["decision"]["decided_by"]) == (
        "refused", "Plan de tests absent", None)
    [theirs] = documents.list_documents(B, mission.order_id, world.uow(), files)
    assert theirs["decision"]["decided_by"] == "agent@lyon.fr"
    doc.DocumentRecord.model_validate({k: v for k, v in mine.items() if not k.startswith("download")})


def test_the_decision_keeps_the_name_of_the_account_that_took_it_and_the_titulaire_reads_neither(mission_world):
    world, mission = mission_world
    files = Files()
    world.db.seed("accounts/u-agent", {"uid": "u-agent", "email": "agent@lyon.fr", "display_name": " Léa Martin ",
                                       "claims": {"role": "beneficiary", "tenant": B}})
    world.db.seed("accounts/u-other", {"uid": "u-other", "email": "x@autre.fr", "display_name": "Autre Personne",
                                       "claims": {"role": "beneficiary", "tenant": "ben-autre"}})
    first = attach(world, mission, files, a_pdf("Cahier v1")).record
    command = DecideDeliverable(mission_id=mission.mission_id, document_id=first.sha256, decision=REFUSED,
                                reason="Plan de tests absent")
    # When the beneficiary's agent Léa Martin refuses the deliverable
    deliverables.decide_deliverable(B, command, world.uow(), world.clock, decided_by="agent@lyon.fr",
                                    account_uid="u-agent")
    # Then the decision names her (her account's display name), its e-mail kept beside it
    stored = world.db.data(doc.record_path(B, mission.order_id, first.sha256))["decision"]
    assert (stored["decided_by"], stored["decided_by_name"]) == ("agent@lyon.fr", "Léa Martin")
    follow = missions.read_mission(B, mission.mission_id, world.uow())["milestones_follow_up"][0]
    assert follow["deliverables_follow_up"][0]["decision"]["decided_by_name"] == "Léa Martin"
    # And the titulaire reads neither her e-mail nor her name
    [mine] = documents.list_documents(B, mission.order_id, world.uow(), files, contractor_id=TITULAIRE)
    assert (mine["decision"]["decided_by"], mine["decision"]["decided_by_name"]) == (None, None)
    # An account of another party (or none) names nobody: the e-mail stands alone
    second = attach(world, mission, files, a_pdf("Cahier v2")).record
    other = DecideDeliverable(mission_id=mission.mission_id, document_id=second.sha256, decision=ACCEPTED)
    deliverables.decide_deliverable(B, other, world.uow(), world.clock, decided_by="x@autre.fr",
                                    account_uid="u-other")
    stored = world.db.data(doc.record_path(B, mission.order_id, second.sha256))["decision"]
    assert (stored["decided_by"], stored.get("decided_by_name")) == ("x@autre.fr", None)


# --- « À faire »: the deliverables awaiting the beneficiary's decision ----------------------------------------------


def test_awaiting_decision_counts_per_order_the_current_documents_not_decided_yet():
    order = {"order_id": "BC-1"}
    other_milestone = {**V1, **order, "milestone_id": "j2", "sha256": "c" * 64}
    assert awaiting_decision([{**V1, **order}]) == {"BC-1": 1}
    assert awaiting_decision([{**V1, **order, "decision": REFUSAL}]) == {}  # refused: the titulaire's turn
    assert awaiting_decision([{**V1, **order, "decision": REFUSAL}, {**V2, **order}]) == {"BC-1": 1}  # again
    assert awaiting_decision([{**V1, **order}, {**V2, **order, "decision": REFUSAL}]) == {}  # only the current counts
    assert awaiting_decision([{**V1, **order}, other_milestone, {**V1, "order_id": "BC-2"}]) == {"BC-1": 2, "BC-2": 1}
    assert awaiting_decision([{**V1, **order, "kind": "invoice"}]) == {}


def test_the_beneficiary_lists_the_needs_whose_mission_has_deliverables_to_decide(mission_world):
    world, mission = mission_world
    waiting = lambda: [(n["need_id"], n["mission_id"], n["deliverables_to_decide"])  # noqa: E731
                       for n in listings.list_needs("beneficiary", B, {"deliverables": "delivered"}, world.uow())["needs"]]
    assert waiting() == []
    # When the titulaire delivers a deliverable: that need, with one deliverable to decide
    first = attach(world, mission, Files(), a_pdf("Cahier de recette v1")).record
    assert waiting() == [(mission.need_id, mission.mission_id, 1)]
    assert listings.list_needs("beneficiary", B, {}, world.uow())["needs"][0]["deliverables_to_decide"] is None
    assert listings.list_needs("beneficiary", "ben-other", {"deliverables": "delivered"}, world.uow())["needs"] == []
    # Once decided, nothing waits on the beneficiary any more
    decide(world, mission, first.sha256, ACCEPTED)
    assert waiting() == []
