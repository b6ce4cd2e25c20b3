"""PDF documents on the real emulators: Cloud Storage (fake-gcs-server) and Firestore."""

from __future__ import annotations

import hashlib
import uuid

import pytest
import requests

from shared.adapters.document_files import GcsDocumentFiles
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain import documents as doc
from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.service import documents
from shared.service.orders import receive_order
from tests.builders import MANAGER, NOW, issue_order_body
from tests.fakes import FixedClock
from tests.pdfs import a_pdf, a_truncated_pdf, an_encrypted_pdf

pytestmark = pytest.mark.emulators
ORDER = "BC-2026-014"


class Ports:
    """What the document services are given: a unit of work on the emulator, the files, a clock."""

    def __init__(self, db, files: GcsDocumentFiles):
        self.db, self.files, self.clock = db, files, FixedClock(NOW)

    @property
    def uow(self) -> FirestoreUnitOfWork:
        return FirestoreUnitOfWork(self.db)

    def attach(self, contractor_id: str, fields: doc.AttachFields, filename: str, data: bytes) -> documents.Attached:
        return documents.attach_document(contractor_id, fields, filename, data, self.uow, self.files, self.clock,
                                         f"erp-{contractor_id}")

    def request(self, contractor_id: str, command: doc.RequestUpload) -> dict:
        return documents.request_upload(contractor_id, command, self.uow, self.files, self.clock,
                                        f"erp-{contractor_id}")

    def register(self, contractor_id: str, command: doc.RegisterUpload, **limit: int) -> documents.Attached:
        return documents.register_upload(contractor_id, command, self.uow, self.files, self.clock,
                                         f"erp-{contractor_id}", **limit)


@pytest.fixture
def ports(clean_firestore, emulators) -> Ports:
    receive_order(MANAGER, IssueOrder.model_validate(issue_order_body(ORDER), strict=False),
                  FirestoreUnitOfWork(clean_firestore), FixedClock(NOW))
    bucket = f"documents-{uuid.uuid4().hex[:12]}"  # a bucket per test: no leftovers between tests
    return Ports(clean_firestore, GcsDocumentFiles(emulators.project_id, bucket))


def objects(ports: Ports) -> list[str]:
    return sorted(blob.name for blob in ports.files.client.list_blobs(ports.files.bucket.name))


def fields(kind: str = "intervention_report") -> doc.AttachFields:
    return doc.AttachFields(manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind(kind))


def test_the_same_file_sent_twice_is_stored_once_under_the_managers_prefix(ports, clean_firestore):
    # Given a real PDF
    data = a_pdf("CR BC-2026-014")
    sha = hashlib.sha256(data).hexdigest()
    # When the contractor attaches it twice
    first = ports.attach("ctr-test", fields(), "cr.pdf", data)
    second = ports.attach("ctr-test", fields("invoice"), "copie.pdf", data)
    # Then one object under the manager's prefix, one record under the order, the first kept
    assert first.created and not second.created and second.record == first.record
    assert objects(ports) == [f"managers/{MANAGER}/orders/{ORDER}/documents/{sha}.pdf"]
    assert ports.files.read(first.record.object_name) == data
    snap = clean_firestore.document(f"managers/{MANAGER}/orders/{ORDER}/documents/{sha}").get()
    assert snap.get("kind") == "intervention_report" and snap.get("size_bytes") == len(data)


def test_a_refused_file_leaves_nothing_behind(ports, clean_firestore):
    # When an encrypted PDF is attached
    with pytest.raises(DomainError) as refused:
        ports.attach("ctr-test", fields(), "x.pdf", an_encrypted_pdf())
    # Then it is refused, and neither an object nor a record exists
    assert [e.code for e in refused.value.errors] == ["DOCUMENT_ENCRYPTED"]
    assert objects(ports) == []
    assert list(clean_firestore.collection(f"managers/{MANAGER}/orders/{ORDER}/documents").stream()) == []


def test_only_the_contractor_of_the_order_may_attach(ports):
    # When another contractor tries to attach a file to this order
    with pytest.raises(DomainError) as refused:
        ports.attach("ctr-other", fields(), "x.pdf", a_pdf())
    # Then the order does not exist for it, and nothing is stored
    assert [e.code for e in refused.value.errors] == ["ORDER_NOT_FOUND"] and objects(ports) == []


def test_a_signed_upload_is_checked_then_moved_to_its_final_name(ports):
    # Given a pending upload and its signed URL
    data = a_pdf("Facture 2026-03", pages=2)
    upload = ports.request("ctr-test", doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.INVOICE, filename="facture.pdf",
        size_bytes=len(data)))
    # When the contractor PUTs the file on the URL, then registers the reference
    put = requests.put(upload["upload_url"], data=data, headers=upload["headers"], timeout=30)
    assert put.status_code in (200, 201), put.text
    command = doc.RegisterUpload(manager_id=MANAGER, order_id=ORDER, upload_id=upload["upload_id"])
    attached = ports.register("ctr-test", command)
    again = ports.register("ctr-test", command)
    # Then the file is stored under its digest, staging is empty, and a second registration changes nothing
    sha = hashlib.sha256(data).hexdigest()
    assert attached.created and attached.record.sha256 == sha and attached.record.channel == "signed_url"
    assert attached.record.pages == 2 and not again.created
    assert objects(ports) == [doc.object_name(MANAGER, ORDER, sha)]
    pending = ports.db.document(doc.upload_path(MANAGER, ORDER, upload["upload_id"])).get().to_dict()
    assert (pending["status"], pending["sha256"]) == ("registered", sha)
    # And the manager reads it back through a short-lived signed URL
    [listed] = documents.list_documents(MANAGER, ORDER, ports.uow, ports.files)
    assert requests.get(listed["download_url"], timeout=30).content == data


@pytest.mark.parametrize(("data", "limit", "code"), [
    (a_truncated_pdf(), doc.MAX_DOCUMENT_BYTES, "DOCUMENT_TRUNCATED"),
    (a_pdf(padding=8192), 4096, "DOCUMENT_TOO_LARGE"),
], ids=["truncated", "oversized"])
def test_a_bad_signed_upload_is_refused_and_deleted(ports, data, limit, code):
    # Given a file PUT on a signed URL
    upload = ports.request("ctr-test", doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.SERVICE_DONE, filename="sf.pdf",
        size_bytes=len(data)))
    requests.put(upload["upload_url"], data=data, headers=upload["headers"], timeout=30).raise_for_status()
    command = doc.RegisterUpload(manager_id=MANAGER, order_id=ORDER, upload_id=upload["upload_id"])
    # When it is registered (twice)
    for _ in range(2):
        with pytest.raises(DomainError) as refused:
            ports.register("ctr-test", command, limit=limit)
        # Then it is refused with the same clear error each time
        assert [e.code for e in refused.value.errors] == [code]
    # And the staged object is gone: nothing is stored
    assert objects(ports) == []


def test_registering_before_uploading_says_the_file_was_not_received(ports):
    # Given a pending upload whose file was never PUT
    upload = ports.request("ctr-test", doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.INVOICE, filename="f.pdf", size_bytes=10))
    command = doc.RegisterUpload(manager_id=MANAGER, order_id=ORDER, upload_id=upload["upload_id"])
    # When it is registered
    with pytest.raises(DomainError) as refused:
        ports.register("ctr-test", command)
    # Then the contractor is told to upload first
    assert [e.code for e in refused.value.errors] == ["UPLOAD_NOT_RECEIVED"]


def test_a_signed_upload_url_is_bound_to_its_size_and_to_one_creation(ports):
    # Given a pending upload of a declared size
    data = a_pdf("Facture 2026-04")
    upload = ports.request("ctr-test", doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.INVOICE, filename="facture.pdf",
        size_bytes=len(data)))
    # Then the URL signs the size range and the create-once precondition: Cloud Storage refuses a PUT without
    # them, a bigger body, or a second PUT (fake-gcs-server checks no signature; these are what it signs)
    signed = upload["upload_url"].split("X-Goog-SignedHeaders=")[1].split("&")[0]
    assert {"x-goog-content-length-range", "x-goog-if-generation-match", "content-type"} <= set(signed.split("%3B"))
    assert upload["headers"]["x-goog-content-length-range"] == f"0,{len(data)}"
    assert upload["headers"]["x-goog-if-generation-match"] == "0" and upload["max_bytes"] == len(data)
    # When the contractor PUTs the file with the headers given, and registers it
    assert requests.put(upload["upload_url"], data=data, headers=upload["headers"], timeout=30).ok
    command = doc.RegisterUpload(manager_id=MANAGER, order_id=ORDER, upload_id=upload["upload_id"])
    attached = ports.register("ctr-test", command)
    # Then the version registered is the one checked, and staging keeps no version of it
    assert attached.record.sha256 == hashlib.sha256(data).hexdigest()
    assert objects(ports) == [doc.object_name(MANAGER, ORDER, attached.record.sha256)]


def test_a_staged_file_replaced_after_its_check_is_not_read(ports):
    # Given a staged upload whose size and generation were taken
    data = a_pdf("Attestation")
    upload = ports.request("ctr-test", doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.SERVICE_DONE, filename="sf.pdf",
        size_bytes=len(data)))
    staged = doc.staging_name(MANAGER, ORDER, upload["upload_id"])
    ports.files.bucket.blob(staged).upload_from_string(data, content_type="application/pdf")
    size, generation = ports.files.stat(staged)
    # When the object is replaced by another one
    ports.files.bucket.blob(staged).upload_from_string(a_pdf("Autre"), content_type="application/pdf")
    # Then reading the checked generation never gives the new bytes (the checked ones on a versioned bucket,
    # nothing once that version is gone), nor does deleting it delete the new one
    assert size == len(data) and ports.files.read(staged, generation) in (None, data)
    ports.files.delete(staged, generation)
    assert ports.files.stat(staged) is not None
