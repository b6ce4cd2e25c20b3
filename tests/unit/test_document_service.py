"""PDF documents (A6 reports, B7 proof of service): what the service commits, on the in-memory world.

The Cloud Storage side runs on the emulator in tests/integration/test_documents_storage.py; here
the files are a dict, to show what each command commits and how a retry or a race ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from shared.domain import documents as doc
from shared.domain.errors import DomainError
from shared.service import documents
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order
from tests.fakes import World
from tests.pdfs import a_pdf

ORDER = "BC-2026-014"


class Files:
    """DocumentFiles in memory: objects by name with a generation each, written once (if_generation_match=0)."""

    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.generations: dict[str, int] = {}
        self.granted: list[tuple[str, int]] = []

    def put(self, name: str, data: bytes) -> None:
        """A PUT on a signed URL (or anything else writing the object): a new generation."""
        self.objects[name] = data
        self.generations[name] = self.generations.get(name, 0) + 1

    def put_if_absent(self, name: str, data: bytes) -> bool:
        if name in self.objects:
            return False
        self.put(name, data)
        return True

    def stat(self, name: str) -> tuple[int, int] | None:
        return (len(self.objects[name]), self.generations[name]) if name in self.objects else None

    def read(self, name: str, generation: int | None = None) -> bytes | None:
        if generation is not None and self.generations.get(name) != generation:
            return None
        return self.objects.get(name)

    def delete(self, name: str, generation: int | None = None) -> None:
        if generation is None or self.generations.get(name) == generation:
            self.objects.pop(name, None)

    def download_url(self, name: str, ttl: dt.timedelta) -> str:
        return f"https://storage.example/{name}?ttl={int(ttl.total_seconds())}"

    def upload_url(self, name: str, ttl: dt.timedelta, max_bytes: int) -> tuple[str, dict[str, str]]:
        self.granted.append((name, max_bytes))
        return (f"https://storage.example/{name}?put&ttl={int(ttl.total_seconds())}",
                {"x-goog-content-length-range": f"0,{max_bytes}"})


@pytest.fixture
def world() -> World:
    world = World(NOW)
    world.seed_order(an_order(ORDER))
    return world


def a_staged_upload(world: World, files: Files, data: bytes) -> doc.RegisterUpload:
    """A pending upload whose file the contractor has PUT on its signed URL."""
    upload = documents.request_upload(CONTRACTOR, doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.SERVICE_DONE, filename="sf.pdf",
        size_bytes=len(data)), world.uow(), files, world.clock, "erp")
    files.put(doc.staging_name(MANAGER, ORDER, upload["upload_id"]), data)
    return doc.RegisterUpload(manager_id=MANAGER, order_id=ORDER, upload_id=upload["upload_id"])


def test_a_registration_commits_the_record_and_the_upload_s_end_together_then_empties_staging(world):
    files, data = Files(), a_pdf("Service fait")
    command = a_staged_upload(world, files, data)
    commits = world.db.commits
    # When the staged upload is registered
    attached = documents.register_upload(CONTRACTOR, command, world.uow(), files, world.clock, "erp")
    # Then one commit wrote the document's record and the upload's new status, and staging is empty
    sha = hashlib.sha256(data).hexdigest()
    assert attached.created and world.db.commits == commits + 1
    assert world.db.data(doc.record_path(MANAGER, ORDER, sha))["channel"] == "signed_url"
    upload = world.db.data(doc.upload_path(MANAGER, ORDER, command.upload_id))
    assert (upload["status"], upload["sha256"]) == ("registered", sha)
    assert list(files.objects) == [doc.object_name(MANAGER, ORDER, sha)]


def test_a_registration_sent_again_answers_the_record_and_clears_a_staged_object_left_by_a_crash(world):
    files, data = Files(), a_pdf("Service fait")
    command = a_staged_upload(world, files, data)
    staged = doc.staging_name(MANAGER, ORDER, command.upload_id)
    first = documents.register_upload(CONTRACTOR, command, world.uow(), files, world.clock, "erp")
    # Given the first registration died after its commit, before deleting the staged object
    files.put(staged, data)
    # When the reference is sent again
    again = documents.register_upload(CONTRACTOR, command, world.uow(), files, world.clock, "erp")
    # Then it answers the first record, and nothing is left in staging
    assert (again.record, again.created) == (first.record, False) and staged not in files.objects


def test_a_registration_racing_another_one_of_the_same_upload_answers_the_winner_s_record(world):
    files, data = Files(), a_pdf("Service fait")
    command = a_staged_upload(world, files, data)
    rival: list[documents.Attached] = []
    # Given another delivery of the same reference committing just before this one
    world.db.before_commit = lambda: rival.append(
        documents.register_upload(CONTRACTOR, command, world.uow(), files, world.clock, "erp"))
    # When this one commits, its preconditions fail, and it starts again from fresh reads
    attached = documents.register_upload(CONTRACTOR, command, world.uow(), files, world.clock, "erp")
    # Then the file is attached once, and this registration answers the rival's record
    assert rival[0].created and (attached.record, attached.created) == (rival[0].record, False)
    assert len(world.db.under(f"managers/{MANAGER}/orders/{ORDER}/documents")) == 1


def test_a_file_attached_twice_keeps_its_first_record_and_a_bad_one_stores_nothing(world):
    files, data = Files(), a_pdf("CR")
    fields = doc.AttachFields(manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.INTERVENTION_REPORT)
    first = documents.attach_document(CONTRACTOR, fields, "cr.pdf", data, world.uow(), files, world.clock, "erp")
    again = documents.attach_document(CONTRACTOR, fields.model_copy(update={"kind": doc.DocumentKind.INVOICE}),
                                      "copie.pdf", data, world.uow(), files, world.clock, "erp")
    assert first.created and (again.record, again.created) == (first.record, False)
    with pytest.raises(DomainError) as refused:
        documents.attach_document(CONTRACTOR, fields, "x.pdf", b"<html>", world.uow(), files, world.clock, "erp")
    assert [e.code for e in refused.value.errors] == ["DOCUMENT_NOT_PDF"] and len(files.objects) == 1
    # And another contractor cannot tell the order exists
    with pytest.raises(DomainError) as hidden:
        documents.attach_document("ctr-other", fields, "cr.pdf", data, world.uow(), files, world.clock, "erp")
    assert [e.code for e in hidden.value.errors] == ["ORDER_NOT_FOUND"]
    # And the listing gives the one document, with its signed URL
    [listed] = documents.list_documents(MANAGER, ORDER, world.uow(), files)
    assert listed["sha256"] == first.record.sha256 and listed["download_url"].startswith("https://storage.example/")


def test_an_attestation_of_service_done_lets_the_client_receive_the_completed_order(world):
    from shared.domain.messages import ChangeOrderState
    from shared.domain.orders import OrderState
    from shared.service import orders

    # Given a completed order and the contractor's attestation of service done, attached by REST
    world.seed_order(an_order(ORDER, state=OrderState.COMPLETED, line_status={"L1": True, "L2": False}))
    data = a_pdf("Attestation de service fait")
    documents.attach_document(CONTRACTOR, doc.AttachFields(manager_id=MANAGER, order_id=ORDER,
                                                           kind=doc.DocumentKind.SERVICE_DONE),
                              "sf.pdf", data, world.uow(), Files(), world.clock, "erp")
    # Then the order knows it, and the manager receives the order on it: every line done is received
    assert world.order(MANAGER, ORDER).service_done_documents == [hashlib.sha256(data).hexdigest()]
    received = orders.change_order_state(MANAGER, ChangeOrderState(
        order_id=ORDER, occurred_at=NOW - dt.timedelta(minutes=1), state=OrderState.RECEIVED), world.uow(), world.clock)
    assert received.state is OrderState.RECEIVED and list(received.reception) == ["L1"]


def test_the_file_read_is_the_version_whose_size_was_checked_and_a_swap_is_refused(world):
    files, data = Files(), a_pdf("Service fait")
    command = a_staged_upload(world, files, data)
    staged = doc.staging_name(MANAGER, ORDER, command.upload_id)
    # Given the staged file replaced by another PUT between the check of its size and its read
    original_stat = files.stat

    def stat_then_swap(name):
        found = original_stat(name)
        files.put(name, a_pdf("Autre fichier, glissé après la vérification"))
        return found

    files.stat = stat_then_swap
    # When it is registered
    with pytest.raises(DomainError) as refused:
        documents.register_upload(CONTRACTOR, command, world.uow(), files, world.clock, "erp")
    # Then it is refused (the checked version is gone), nothing is attached, and the upload may be registered again
    assert [e.code for e in refused.value.errors] == ["UPLOAD_CHANGED"]
    assert world.db.under(f"managers/{MANAGER}/orders/{ORDER}/documents") == {}
    assert world.db.data(doc.upload_path(MANAGER, ORDER, command.upload_id))["status"] == "pending"
    assert staged in files.objects


def test_a_signed_upload_is_bound_to_the_size_declared_and_a_bigger_object_is_refused(world):
    files, data = Files(), a_pdf("Service fait", padding=4096)
    # When a contractor declares 1 000 bytes, then PUTs more
    upload = documents.request_upload(CONTRACTOR, doc.RequestUpload(
        manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.SERVICE_DONE, filename="sf.pdf",
        size_bytes=1000), world.uow(), files, world.clock, "erp")
    staged = doc.staging_name(MANAGER, ORDER, upload["upload_id"])
    files.put(staged, data)
    # Then the signed URL was bound to the declared size, and the registration refuses the bigger object
    assert files.granted == [(staged, 1000)] and upload["max_bytes"] == 1000
    assert upload["headers"]["x-goog-content-length-range"] == "0,1000"
    with pytest.raises(DomainError) as refused:
        documents.register_upload(CONTRACTOR, doc.RegisterUpload(manager_id=MANAGER, order_id=ORDER,
                                                                 upload_id=upload["upload_id"]),
                                  world.uow(), files, world.clock, "erp")
    assert [e.code for e in refused.value.errors] == ["DOCUMENT_TOO_LARGE"] and staged not in files.objects


def test_a_pdf_with_active_content_is_stored_flagged(world):
    from tests.pdfs import a_pdf_with_javascript

    files = Files()
    fields = doc.AttachFields(manager_id=MANAGER, order_id=ORDER, kind=doc.DocumentKind.INVOICE)
    attached = documents.attach_document(CONTRACTOR, fields, "f.pdf", a_pdf_with_javascript(), world.uow(), files,
                                         world.clock, "erp")
    assert attached.record.active_content == ["javascript"]
    [listed] = documents.list_documents(MANAGER, ORDER, world.uow(), files)
    assert listed["active_content"] == ["javascript"]


def test_a_validate_only_registration_checks_the_staged_file_as_registering_would_and_changes_nothing(world):
    files, data = Files(), a_pdf("Service fait")
    command = a_staged_upload(world, files, data)
    staged = doc.staging_name(MANAGER, ORDER, command.upload_id)
    commits = world.db.commits
    # When the contractor asks what registering the staged upload would give
    sha256 = documents.check_upload(CONTRACTOR, command, world.uow(), files, world.clock)
    # Then it is the file's digest, the file is still in staging and nothing was committed
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert files.objects[staged] == data and world.db.commits == commits
    # And a file swapped for an oversized one is refused on its size, as registering would refuse it
    files.put(staged, data + b"\0" * (doc.MAX_DOCUMENT_BYTES + 1))
    with pytest.raises(DomainError) as refused:
        documents.check_upload(CONTRACTOR, command, world.uow(), files, world.clock)
    assert [e.code for e in refused.value.errors] == ["DOCUMENT_TOO_LARGE"]
