"""PDF documents through HTTPS: multipart upload, signed upload, signed download, who may do what."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
import requests

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.service.sourcing import missions, pool
from tests.builders import issue_order_body
from tests.functional.erp import Erp
from tests.functional.test_reporting import TITULAIRE, History
from tests.pdfs import a_pdf, an_html_page_named_pdf
from tests.sourcing_builders import SIRET_OTHER, a_beneficiary, a_professional

pytestmark = pytest.mark.emulators
ORDER = "BC-DOC-1"


def upload(platform, erp, data: bytes, *, kind: str = "service_done", order_id: str = ORDER,
           key: str | None = None) -> requests.Response:
    return requests.post(platform.url("store_report") + "/", timeout=30,
                         headers={"Authorization": f"Bearer {erp.token}", "Idempotency-Key": key or uuid.uuid4().hex},
                         data={"manager_id": "mgr-test", "order_id": order_id, "kind": kind},
                         files={"file": ("attestation.pdf", data, "application/pdf")})


def documents_of(platform, erp, **params) -> requests.Response:
    return requests.get(platform.url("get_documents") + "/", params={"order_id": ORDER, **params}, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_a_contractor_attaches_a_pdf_that_its_manager_reads_and_no_one_else(manager, contractor, other_contractor,
                                                                             platform):
    # Given an order addressed to ctr-test
    assert manager.post("receive_order", issue_order_body(ORDER)).status_code == 201
    data = a_pdf("Attestation de service fait BC-DOC-1")
    # When the contractor uploads it (multipart), then uploads it again
    first = upload(platform, contractor, data)
    second = upload(platform, contractor, data)
    # Then it is stored once, named by its digest
    assert first.status_code == 201, first.text
    assert second.status_code == 200 and second.json()["created"] is False
    document = first.json()["document"]
    assert document["sha256"] == hashlib.sha256(data).hexdigest() and document["kind"] == "service_done"
    assert document["object_name"].startswith("managers/mgr-test/orders/BC-DOC-1/documents/")
    # And the manager reads it through a signed URL, as does the contractor
    listed = documents_of(platform, manager)
    assert listed.status_code == 200, listed.text
    [entry] = listed.json()["documents"]
    assert requests.get(entry["download_url"], timeout=30).content == data
    assert documents_of(platform, contractor, manager_id="mgr-test").json()["documents"][0]["sha256"] == entry["sha256"]
    # But another contractor can neither attach nor read
    refused = upload(platform, other_contractor, a_pdf("intrus"))
    assert refused.status_code == 404 and refused.json()["errors"][0]["code"] == "ORDER_NOT_FOUND"
    assert documents_of(platform, other_contractor, manager_id="mgr-test").status_code == 404
    # And a web page renamed .pdf is refused with a clear error
    fake = upload(platform, contractor, an_html_page_named_pdf())
    assert fake.status_code == 422 and fake.headers["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["code"]) for e in fake.json()["errors"]] == [("$.file", "DOCUMENT_NOT_PDF")]


def upload_through_a_signed_url(erp: Erp, manager_id: str, order_id: str, kind: str, filename: str,
                                data: bytes) -> requests.Response:
    """A contractor's large PDF: a signed upload URL asked for, the file PUT to it, then store_report with the
    reference only; store_report's answer."""
    asked = erp.post("request_report_upload", {"manager_id": manager_id, "order_id": order_id, "kind": kind,
                                               "filename": filename, "size_bytes": len(data)})
    assert asked.status_code == 201, asked.text
    grant = asked.json()
    assert requests.put(grant["upload_url"], data=data, headers=grant["headers"], timeout=60).ok
    return erp.post("store_report", {"manager_id": manager_id, "order_id": order_id, "upload_id": grant["upload_id"]})


def test_a_large_pdf_goes_through_a_signed_upload_url_then_its_reference(manager, contractor, platform):
    # Given an order and a PDF larger than the REST limit
    assert manager.post("receive_order", issue_order_body(ORDER)).status_code == 201
    data = a_pdf("Rapport volumineux", padding=5 * 1024 * 1024 + 10)
    too_large = upload(platform, contractor, data)
    assert too_large.status_code == 422 and too_large.json()["errors"][0]["code"] == "DOCUMENT_TOO_LARGE"
    # When the contractor asks for a signed URL, PUTs the file, and sends the reference only
    registered = upload_through_a_signed_url(contractor, "mgr-test", ORDER, "intervention_report", "rapport.pdf", data)
    # Then the document is registered with its digest and read back intact by the manager
    assert registered.status_code == 201, registered.text
    assert registered.json()["document"]["sha256"] == hashlib.sha256(data).hexdigest()
    [entry] = documents_of(platform, manager).json()["documents"]
    assert hashlib.sha256(requests.get(entry["download_url"], timeout=60).content).hexdigest() == entry["sha256"]


def a_proposed_need(db, project_id: str) -> tuple[FirestoreUnitOfWork, History]:
    """ben-lyon's need « recette-portail » with pro-anne proposed (ben-annecy is registered too), by the
    platform's services: what a mission is framed from."""
    uow = FirestoreUnitOfWork(db)
    for b in (a_beneficiary(), a_beneficiary("ben-annecy", name="Ville d'Annecy", siret=SIRET_OTHER, territory="74")):
        pool.register_beneficiary(Beneficiary.model_validate(b, strict=False), uow)
    pool.upsert_professional(Professional.model_validate(a_professional("pro-anne"), strict=False), uow)
    history = History(db, project_id)
    history.search("ben-lyon", "recette-portail", "pro-anne", submitted=0, proposed=1)
    return uow, history


def a_missions_order(db, project_id: str) -> str:
    """ben-lyon's mission with pro-anne, framed into an order to the titulaire by the platform's services;
    the order's id."""
    _, history = a_proposed_need(db, project_id)
    history.frame("ben-lyon", "recette-portail", 2, (history.t0 + dt.timedelta(days=7)).date(), [("j1", 10, 20)])
    return missions.order_id_for("recette-portail")


def test_a_beneficiary_reads_the_service_done_pdf_its_titulaire_attached_and_no_other_beneficiary_does(
        platform, clean_firestore):
    # Given ben-lyon's mission, become an order to the titulaire in ben-lyon's space (B7 proof of service)
    platform.provision_contractor(TITULAIRE)
    order_id = a_missions_order(clean_firestore, platform.project_id)
    titulaire = Erp(platform, "contractor", TITULAIRE)
    beneficiary, other = Erp(platform, "beneficiary", "ben-lyon"), Erp(platform, "beneficiary", "ben-annecy")
    data = a_pdf(f"Attestation de service fait — jalon j1 — {order_id}")
    # When the titulaire asks for a signed upload URL, PUTs the PDF and registers it as service done
    stored = upload_through_a_signed_url(titulaire, "ben-lyon", order_id, "service_done", "service-fait-j1.pdf", data)
    assert stored.status_code == 201, stored.text
    sha256 = hashlib.sha256(data).hexdigest()
    # Then the beneficiary lists it among its order's documents, as service done by the titulaire
    listed = requests.get(platform.url("get_documents") + "/", params={"order_id": order_id}, timeout=30,
                          headers={"Authorization": f"Bearer {beneficiary.token}"})
    assert listed.status_code == 200, listed.text
    assert (listed.json()["manager_id"], listed.json()["order_id"]) == ("ben-lyon", order_id)
    [entry] = listed.json()["documents"]
    assert (entry["kind"], entry["sha256"], entry["contractor_id"], entry["filename"]) == (
        "service_done", sha256, TITULAIRE, "service-fait-j1.pdf")
    # And downloads exactly the titulaire's PDF through its signed URL
    downloaded = requests.get(entry["download_url"], timeout=30)
    assert downloaded.status_code == 200 and downloaded.content == data and downloaded.content.startswith(b"%PDF-")
    # And its order records the attestation it may receive the order on
    assert beneficiary.get_order(order_id).json()["order"]["service_done_documents"] == [sha256]
    # But another beneficiary cannot list it, by order or by digest, even naming ben-lyon's space
    for params in ({"order_id": order_id}, {"order_id": order_id, "sha256": sha256},
                   {"order_id": order_id, "manager_id": "ben-lyon"}):
        refused = requests.get(platform.url("get_documents") + "/", params=params, timeout=30,
                               headers={"Authorization": f"Bearer {other.token}"})
        assert refused.status_code == 404, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == ["ORDER_NOT_FOUND"]
        assert sha256 not in refused.text


def a_mission_with_deliverables(db, project_id: str) -> tuple[str, str]:
    """ben-lyon's mission whose milestone j1 expects « Cahier de recette » and the mission « Bilan de mission »,
    framed into an order to the titulaire by the platform's services: (mission id, order id)."""
    from shared.domain.sourcing.messages import FrameMission

    uow, history = a_proposed_need(db, project_id)
    start = (history.t0 + dt.timedelta(days=7)).date()
    missions.frame_mission("ben-lyon", FrameMission.model_validate({
        "need_id": "recette-portail", "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=40)).isoformat(), "deliverables": ["Bilan de mission"],
        "milestones": [{"milestone_id": "j1", "label": "Stratégie de recette", "days": 10,
                        "due": (start + dt.timedelta(days=20)).isoformat(), "deliverables": ["Cahier de recette"]},
                       {"milestone_id": "j2", "label": "Campagne", "days": 5,
                        "due": (start + dt.timedelta(days=40)).isoformat()}],
        "conflict_declaration": {"signed_by": "Anne", "signed_on": start.isoformat(), "no_conflict": True}},
        strict=False), uow, history.at(2))
    return missions.mission_id_for("recette-portail"), missions.order_id_for("recette-portail")


def deliver(platform, erp, order_id: str, data: bytes, **named) -> requests.Response:
    """The titulaire's multipart store_report of a deliverable of ben-lyon's mission."""
    return requests.post(platform.url("store_report") + "/", timeout=30,
                         headers={"Authorization": f"Bearer {erp.token}", "Idempotency-Key": uuid.uuid4().hex},
                         data={"manager_id": "ben-lyon", "order_id": order_id, "kind": "deliverable", **named},
                         files={"file": ("cahier-de-recette.pdf", data, "application/pdf")})


def test_the_titulaire_delivers_a_milestone_s_deliverable_that_the_beneficiary_follows_and_downloads(
        platform, clean_firestore):
    # Given ben-lyon's mission, become an order to the titulaire (B11 mission follow-up, B7 proof of service)
    platform.provision_contractor(TITULAIRE)
    mission_id, order_id = a_mission_with_deliverables(clean_firestore, platform.project_id)
    titulaire = Erp(platform, "contractor", TITULAIRE)
    beneficiary, other = Erp(platform, "beneficiary", "ben-lyon"), Erp(platform, "beneficiary", "ben-annecy")

    def mission_view(erp: Erp) -> requests.Response:
        return requests.get(platform.url("get_sourcing") + "/", params={"view": "mission", "mission_id": mission_id},
                            headers={"Authorization": f"Bearer {erp.token}"}, timeout=30)

    # The titulaire's order shows the deliverables each milestone may name
    assert titulaire.get_order(order_id, "ben-lyon").json()["mission"]["milestones"][0] == {
        "milestone_id": "j1", "label": "Stratégie de recette", "deliverables": ["Cahier de recette", "Bilan de mission"],
        "days_planned": 10, "days_reported": "0", "days_on_site_reported": "0", "days_remaining": "10"}
    # A wrong label, an unknown milestone, or no milestone at all is refused with its structured error
    data = a_pdf(f"Cahier de recette — {order_id}")
    for named, expected in (({"milestone_id": "j1", "deliverable": "Cahier des charges"}, ("$.deliverable", "DELIVERABLE_NOT_FOUND")),
                            ({"milestone_id": "j9", "deliverable": "Cahier de recette"}, ("$.milestone_id", "MILESTONE_NOT_FOUND")),
                            ({"deliverable": "Cahier de recette"}, ("$.milestone_id", "REQUIRED"))):
        refused = deliver(platform, titulaire, order_id, data, **named)
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert (error["field"], error["code"]) == expected and error["message"]
    assert "Cahier des charges" in deliver(platform, titulaire, order_id, data, milestone_id="j1",
                                           deliverable="Cahier des charges").json()["errors"][0]["message"]
    # When the titulaire delivers j1's « Cahier de recette » (multipart), then sends the same file again
    first = deliver(platform, titulaire, order_id, data, milestone_id="j1", deliverable="Cahier de recette")
    again = deliver(platform, titulaire, order_id, data, milestone_id="j1", deliverable="Cahier de recette")
    assert first.status_code == 201, first.text
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    document = first.json()["document"]
    assert (document["kind"], document["milestone_id"], document["deliverable"]) == ("deliverable", "j1",
                                                                                     "Cahier de recette")
    # And the mission's own deliverable through a signed upload, for j2
    bilan = a_pdf(f"Bilan de mission — {order_id}")
    asked = titulaire.post("request_report_upload", {"manager_id": "ben-lyon", "order_id": order_id, "kind": "deliverable",
                                                     "filename": "bilan.pdf", "size_bytes": len(bilan),
                                                     "milestone_id": "j2", "deliverable": "Bilan de mission"})
    assert asked.status_code == 201, asked.text
    grant = asked.json()
    assert requests.put(grant["upload_url"], data=bilan, headers=grant["headers"], timeout=60).ok
    registered = titulaire.post("store_report", {"manager_id": "ben-lyon", "order_id": order_id,
                                                 "upload_id": grant["upload_id"]})
    assert registered.status_code == 201, registered.text
    assert (registered.json()["document"]["milestone_id"], registered.json()["document"]["deliverable"]) == (
        "j2", "Bilan de mission")
    # Then the beneficiary's mission view shows each delivered, by which document and when
    view = mission_view(beneficiary)
    assert view.status_code == 200, view.text
    j1, j2 = view.json()["milestones_follow_up"]
    [cahier] = j1["deliverables_follow_up"]
    assert (cahier["label"], cahier["delivered"]) == ("Cahier de recette", True)
    [delivered] = cahier["documents"]
    assert (delivered["document_id"], delivered["filename"], delivered["milestone_id"]) == (
        document["sha256"], "cahier-de-recette.pdf", "j1")
    assert delivered["uploaded_at"] == document["uploaded_at"]
    assert [(e["label"], e["delivered"]) for e in j2["deliverables_follow_up"]] == [("Bilan de mission", True)]
    assert [(e["label"], e["delivered"]) for e in view.json()["deliverables_follow_up"]] == [("Bilan de mission", True)]
    # And downloads it through the order's documents, by its id
    listed = requests.get(platform.url("get_documents") + "/", params={"order_id": order_id, "sha256": document["sha256"]},
                          headers={"Authorization": f"Bearer {beneficiary.token}"}, timeout=30)
    [entry] = listed.json()["documents"]
    assert requests.get(entry["download_url"], timeout=30).content == data
    # But another beneficiary reads neither the mission nor the document
    assert mission_view(other).status_code == 404
    hidden = requests.get(platform.url("get_documents") + "/", params={"order_id": order_id, "sha256": document["sha256"],
                                                                       "manager_id": "ben-lyon"},
                          headers={"Authorization": f"Bearer {other.token}"}, timeout=30)
    assert hidden.status_code == 404 and document["sha256"] not in hidden.text


def test_a_part_a_order_takes_no_deliverable_and_its_reports_need_no_new_field(manager, contractor, platform):
    # Given a part A order to ctr-test
    assert manager.post("receive_order", issue_order_body(ORDER)).status_code == 201
    # When its contractor sends an intervention report as before, then a « deliverable »
    report = upload(platform, contractor, a_pdf("CR BC-DOC-1"), kind="intervention_report")
    refused = requests.post(platform.url("store_report") + "/", timeout=30,
                            headers={"Authorization": f"Bearer {contractor.token}", "Idempotency-Key": uuid.uuid4().hex},
                            data={"manager_id": "mgr-test", "order_id": ORDER, "kind": "deliverable",
                                  "milestone_id": "L1", "deliverable": "Plan"},
                            files={"file": ("plan.pdf", a_pdf("Plan"), "application/pdf")})
    # Then the report is stored without the new fields, and the deliverable is refused: no mission there
    assert report.status_code == 201, report.text
    assert (report.json()["document"]["milestone_id"], report.json()["document"]["deliverable"]) == (None, None)
    assert refused.status_code == 422 and [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("$.kind", "DELIVERABLE_NOT_A_MISSION_ORDER")]
    assert manager.get_order(ORDER).json()["mission"] is None
