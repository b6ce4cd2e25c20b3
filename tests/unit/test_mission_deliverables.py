"""B11 mission follow-up, B7 proof of service: a mission's deliverables shared as documents of kind
``deliverable``, on the in-memory world — the domain rule, both upload channels, the follow-up in the mission
view and the milestones' deliverables in get_order. On the emulators: tests/functional/test_deliverables.py."""

from __future__ import annotations

import pytest

from shared.domain import documents as doc
from shared.domain.documents import DocumentKind
from shared.domain.errors import DomainError
from shared.domain.sourcing.deliverables import allowed_labels, deliverable_errors, follow_up
from shared.service import documents, order_store
from shared.service.sourcing import missions
from shared.service.sourcing.paths import Settings
from tests.builders import CONTRACTOR, MANAGER, an_order
from tests.pdfs import a_pdf
from tests.unit.test_document_service import Files
from tests.unit.test_sourcing_services import B, a_world, accepted, framing

TITULAIRE = Settings().titulaire_id
D = DocumentKind.DELIVERABLE


@pytest.fixture
def mission_world():
    world = a_world()
    accepted(world)
    mission = missions.frame_mission(B, framing(deliverables=["Bilan de mission"], milestones=[
        {"milestone_id": "j1", "label": "Stratégie de recette", "days": 10, "due": "2026-04-30",
         "deliverables": ["Cahier de recette", "Plan de tests"]},
        {"milestone_id": "j2", "label": "Campagne", "days": 5, "due": "2026-06-15"}]), world.uow(), world.clock)
    return world, mission


def codes(errors) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors]


def attach(world, mission, files, data, milestone_id="j1", deliverable="Cahier de recette", kind=D,
           contractor=TITULAIRE):
    fields = doc.AttachFields(manager_id=B, order_id=mission.order_id, kind=kind, milestone_id=milestone_id,
                              deliverable=deliverable)
    return documents.attach_document(contractor, fields, "cahier.pdf", data, world.uow(), files, world.clock, "ti")


# --- the rule (pure) -----------------------------------------------------------------------------


def test_a_deliverable_names_a_milestone_of_the_mission_and_one_of_its_deliverables_or_the_mission_s(mission_world):
    _, mission = mission_world
    assert allowed_labels(mission, mission.milestones[0]) == ["Cahier de recette", "Plan de tests", "Bilan de mission"]
    assert deliverable_errors(D, "j1", "Plan de tests", mission) == []
    assert deliverable_errors(D, "j2", "Bilan de mission", mission) == []  # the mission's, for any milestone
    # A label the milestone does not state, even another milestone's, is refused with the labels it may name
    [wrong] = deliverable_errors(D, "j2", "Cahier de recette", mission)
    assert (wrong.field, wrong.code) == ("$.deliverable", "DELIVERABLE_NOT_FOUND")
    assert "« Bilan de mission »" in wrong.message and "« j2 »" in wrong.message
    assert codes(deliverable_errors(D, "j9", "Cahier de recette", mission)) == [("$.milestone_id", "MILESTONE_NOT_FOUND")]
    assert codes(deliverable_errors(D, None, None, mission)) == [("$.milestone_id", "REQUIRED"), ("$.deliverable", "REQUIRED")]
    assert codes(deliverable_errors(D, "j1", None, mission)) == [("$.deliverable", "REQUIRED")]
    # Not a mission's order; the fields on another kind; another kind without them is untouched
    assert codes(deliverable_errors(D, "j1", "Cahier de recette", None)) == [("$.kind", "DELIVERABLE_NOT_A_MISSION_ORDER")]
    assert codes(deliverable_errors(DocumentKind.INVOICE, "j1", "x", mission)) == [
        ("$.milestone_id", "DELIVERABLE_FIELD_UNEXPECTED"), ("$.deliverable", "DELIVERABLE_FIELD_UNEXPECTED")]
    assert deliverable_errors(DocumentKind.INTERVENTION_REPORT, None, None, None) == []


def test_the_follow_up_marks_each_deliverable_delivered_by_the_documents_naming_it_oldest_first(mission_world):
    _, mission = mission_world
    record = {"kind": "deliverable", "milestone_id": "j1", "deliverable": "Cahier de recette", "filename": "v2.pdf",
              "sha256": "b" * 64, "uploaded_at": "2026-04-20T10:00:00+00:00"}
    records = [record, {**record, "filename": "v1.pdf", "sha256": "a" * 64, "uploaded_at": "2026-04-10T10:00:00+00:00"},
               {**record, "milestone_id": "j2", "deliverable": "Bilan de mission", "sha256": "c" * 64},
               {**record, "kind": "invoice", "deliverable": None, "sha256": "d" * 64}]
    per_milestone, own = follow_up(mission, records)
    cahier, plan = per_milestone["j1"]
    assert (cahier["label"], cahier["delivered"], [d["filename"] for d in cahier["documents"]]) == (
        "Cahier de recette", True, ["v1.pdf", "v2.pdf"])
    assert cahier["documents"][0] == {"document_id": "a" * 64, "filename": "v1.pdf",
                                      "uploaded_at": "2026-04-10T10:00:00+00:00", "milestone_id": "j1",
                                      "decision": None}
    assert (plan["label"], plan["delivered"], plan["documents"]) == ("Plan de tests", False, [])
    # The mission's deliverable shows on the milestone it was delivered for, and in the mission's own list
    assert [(e["label"], e["delivered"]) for e in per_milestone["j2"]] == [("Bilan de mission", True)]
    assert [(e["label"], e["delivered"], e["documents"][0]["milestone_id"]) for e in own] == [("Bilan de mission", True, "j2")]


# --- the service, both channels --------------------------------------------------------------------


def test_the_titulaire_delivers_a_deliverable_once_and_the_mission_view_shows_it_delivered(mission_world):
    world, mission = mission_world
    files, data = Files(), a_pdf("Cahier de recette v1")
    before = missions.read_mission(B, mission.mission_id, world.uow())
    assert [(e["label"], e["delivered"]) for e in before["milestones_follow_up"][0]["deliverables_follow_up"]] == [
        ("Cahier de recette", False), ("Plan de tests", False)]
    # When the titulaire attaches the PDF for j1's « Cahier de recette », then the same file again
    first = attach(world, mission, files, data)
    again = attach(world, mission, files, data)
    # Then one document names the milestone and the deliverable; the retry changed nothing
    assert first.created and (again.record, again.created) == (first.record, False)
    assert (first.record.kind, first.record.milestone_id, first.record.deliverable) == (D, "j1", "Cahier de recette")
    assert len(world.db.under(f"managers/{B}/orders/{mission.order_id}/documents")) == 1
    # And the mission view shows it delivered by that document, the other one still expected
    view = missions.read_mission(B, mission.mission_id, world.uow())
    cahier, plan = view["milestones_follow_up"][0]["deliverables_follow_up"]
    assert cahier["delivered"] and cahier["documents"][0]["document_id"] == first.record.sha256
    assert cahier["documents"][0]["filename"] == "cahier.pdf" and not plan["delivered"]
    assert view["deliverables_follow_up"] == [{"label": "Bilan de mission", "delivered": False, "documents": [],
                                               "status": "expected", "current_document_id": None, "decision": None}]


def test_a_wrong_label_an_unknown_milestone_or_another_titulaire_is_refused_and_nothing_is_stored(mission_world):
    world, mission = mission_world
    files, data = Files(), a_pdf("Cahier")
    with pytest.raises(DomainError) as wrong:
        attach(world, mission, files, data, deliverable="Cahier de recettes")
    assert codes(wrong.value.errors) == [("$.deliverable", "DELIVERABLE_NOT_FOUND")]
    with pytest.raises(DomainError) as unknown:
        attach(world, mission, files, data, milestone_id="j9")
    assert codes(unknown.value.errors) == [("$.milestone_id", "MILESTONE_NOT_FOUND")]
    # Every error at once: the label and the file
    with pytest.raises(DomainError) as both:
        attach(world, mission, files, b"<html>", deliverable="?")
    assert codes(both.value.errors) == [("$.deliverable", "DELIVERABLE_NOT_FOUND"), ("$.file", "DOCUMENT_NOT_PDF")]
    with pytest.raises(DomainError) as hidden:
        attach(world, mission, files, data, contractor="ctr-other")
    assert codes(hidden.value.errors) == [("$.order_id", "ORDER_NOT_FOUND")]
    assert files.objects == {} and not world.db.under(f"managers/{B}/orders/{mission.order_id}/documents")


def test_a_part_a_order_takes_no_deliverable_and_its_reports_need_no_new_field(mission_world):
    world, _ = mission_world
    world.seed_order(an_order("BC-2026-014"))
    files = Files()
    fields = {"manager_id": MANAGER, "order_id": "BC-2026-014"}
    with pytest.raises(DomainError) as refused:
        documents.attach_document(CONTRACTOR, doc.AttachFields(**fields, kind=D, milestone_id="L1", deliverable="x"),
                                  "l.pdf", a_pdf("L"), world.uow(), files, world.clock, "erp")
    assert codes(refused.value.errors) == [("$.kind", "DELIVERABLE_NOT_A_MISSION_ORDER")]
    report = documents.attach_document(CONTRACTOR, doc.AttachFields(**fields, kind=DocumentKind.INTERVENTION_REPORT),
                                       "cr.pdf", a_pdf("CR"), world.uow(), files, world.clock, "erp")
    assert report.created and (report.record.milestone_id, report.record.deliverable) == (None, None)
    # And get_order shows no mission for it
    assert order_store.order_view(MANAGER, "BC-2026-014", "manager", world.uow())["mission"] is None


def test_a_signed_upload_carries_the_milestone_and_the_deliverable_from_its_request_to_its_record(mission_world):
    world, mission = mission_world
    files, data = Files(), a_pdf("Plan de tests")

    def request(**named):
        return documents.request_upload(TITULAIRE, doc.RequestUpload(
            manager_id=B, order_id=mission.order_id, kind=D, filename="plan.pdf", size_bytes=len(data), **named),
            world.uow(), files, world.clock, "ti")

    # A wrong label is refused before any URL is signed
    with pytest.raises(DomainError) as wrong:
        request(milestone_id="j2", deliverable="Plan de tests")
    assert codes(wrong.value.errors) == [("$.deliverable", "DELIVERABLE_NOT_FOUND")] and files.granted == []
    ticket = request(milestone_id="j1", deliverable="Plan de tests")
    files.put(doc.staging_name(B, mission.order_id, ticket["upload_id"]), data)
    command = doc.RegisterUpload(manager_id=B, order_id=mission.order_id, upload_id=ticket["upload_id"])
    attached = documents.register_upload(TITULAIRE, command, world.uow(), files, world.clock, "ti")
    again = documents.register_upload(TITULAIRE, command, world.uow(), files, world.clock, "ti")
    assert attached.created and not again.created
    assert (attached.record.channel, attached.record.milestone_id, attached.record.deliverable) == (
        "signed_url", "j1", "Plan de tests")
    view = missions.read_mission(B, mission.mission_id, world.uow())
    assert [e["delivered"] for e in view["milestones_follow_up"][0]["deliverables_follow_up"]] == [False, True]


def test_get_order_shows_a_mission_s_milestones_and_the_deliverables_they_may_name(mission_world):
    world, mission = mission_world
    view = order_store.order_view(B, mission.order_id, "contractor", world.uow(), contractor_id=TITULAIRE)
    assert view["mission"] == {"mission_id": mission.mission_id, "work_mode": "mixed", "milestones": [
        {"milestone_id": "j1", "label": "Stratégie de recette",
         "deliverables": ["Cahier de recette", "Plan de tests", "Bilan de mission"],
         "days_planned": 10, "days_reported": "0", "days_on_site_reported": "0", "days_remaining": "10"},
        {"milestone_id": "j2", "label": "Campagne", "deliverables": ["Bilan de mission"],
         "days_planned": 5, "days_reported": "0", "days_on_site_reported": "0", "days_remaining": "5"}],
        # B12 replacement: who does the mission now, none awaited nor made yet
        "professional_id": mission.professional_id, "replacement_requested": False, "replacements": [],
        # its name, from the pool's record (the order screen names it so)
        "professional_names": {mission.professional_id: f"Prof {mission.professional_id}"},
        # B11: no timesheet declared yet
        "timesheets": []}
