"""Which files are accepted as order documents, and why the others are refused."""

from __future__ import annotations

import hashlib

import pytest

from shared.domain import documents as doc
from tests.pdfs import (
    a_pdf_with_an_attachment, a_pdf_with_javascript,
    a_pdf, a_pdf_with_a_broken_body, a_truncated_pdf, an_encrypted_pdf, an_html_page_named_pdf,
)


def codes(errors) -> list[str]:
    return [e.code for e in errors]


def test_a_real_pdf_is_accepted_with_its_digest_size_and_pages():
    # Given a three-page PDF
    data = a_pdf(pages=3)
    # When it is inspected
    facts, errors = doc.inspect_pdf(data)
    # Then it is accepted with its SHA-256, size and page count
    assert errors == []
    assert facts == doc.PdfFacts(hashlib.sha256(data).hexdigest(), len(data), 3)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "DOCUMENT_EMPTY"),
    (an_html_page_named_pdf(), "DOCUMENT_NOT_PDF"),
    (a_truncated_pdf(), "DOCUMENT_TRUNCATED"),
    (an_encrypted_pdf(), "DOCUMENT_ENCRYPTED"),
    (a_pdf_with_a_broken_body(), "DOCUMENT_UNREADABLE"),
], ids=["empty", "html-renamed", "truncated", "encrypted", "broken-body"])
def test_each_bad_file_is_refused_with_one_clear_error_on_the_file(data, code):
    # When a bad file is inspected
    facts, errors = doc.inspect_pdf(data)
    # Then it is refused with exactly one error, on the file field, in French
    assert facts is None and codes(errors) == [code]
    assert errors[0].field == "$.file" and errors[0].message and "{" not in errors[0].message


def test_a_pdf_whose_structure_is_broken_is_refused_in_words_a_person_reads_not_a_python_exception():
    # Given PDFs whose object table is broken (pypdf raises its own exception on each)
    for data in (a_pdf_with_a_broken_body(), b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"):
        # When it is inspected
        facts, errors = doc.inspect_pdf(data)
        # Then the message says what is wrong and what to do, in French, naming no exception class
        assert facts is None and codes(errors) == ["DOCUMENT_UNREADABLE"]
        assert errors[0].message == ("Le PDF est illisible (structure interne endommagée : enregistrez-le de nouveau "
                                     "en PDF depuis le logiciel qui l'a produit).")


def test_a_file_over_the_limit_is_refused_before_being_parsed():
    # Given a valid PDF larger than the limit in force
    data = a_pdf(padding=4096)
    # When it is inspected with a smaller limit
    facts, errors = doc.inspect_pdf(data, limit=1024)
    # Then it is refused on its size, and the message states both figures
    assert facts is None and codes(errors) == ["DOCUMENT_TOO_LARGE"]
    assert str(len(data)) in errors[0].message and "1024" in errors[0].message


def test_documents_live_under_the_managers_prefix_named_by_their_digest():
    # Given a digest
    sha = "ab" * 32
    # Then the object and the record sit in the manager's space, under the order
    assert doc.object_name("mgr-a", "BC-1", sha) == f"managers/mgr-a/orders/BC-1/documents/{sha}.pdf"
    assert doc.record_path("mgr-a", "BC-1", sha) == f"managers/mgr-a/orders/BC-1/documents/{sha}"


def test_the_rest_limit_is_below_what_the_edge_refuses_and_the_signed_upload_limit_above():
    # The REST body limit must let a 5 MiB file through with its form overhead, and large files use signed URLs
    assert doc.MAX_REST_BYTES < doc.MAX_DOCUMENT_BYTES
    assert doc.MAX_REST_BYTES + doc.MULTIPART_OVERHEAD_BYTES < 8 * 1024 * 1024


def test_a_pdf_that_runs_javascript_is_accepted_and_flagged():
    facts, errors = doc.inspect_pdf(a_pdf_with_javascript())
    assert errors == [] and facts.active_content == ("javascript",)


def test_a_pdf_with_an_embedded_file_is_accepted_and_flagged():
    facts, errors = doc.inspect_pdf(a_pdf_with_an_attachment())
    assert errors == [] and facts.active_content == ("embedded_files",)


def test_the_walk_of_the_objects_finds_an_action_the_raw_bytes_do_not_show():
    # Given a launch action (in a compressed object stream, the raw bytes would not show it)
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    buffer = io.BytesIO()
    writer.write(buffer)
    # When only the objects reachable from the catalogue are walked (no raw bytes to scan)
    found = doc.active_content(PdfReader(io.BytesIO(buffer.getvalue())), b"")
    # Then the action is found
    assert found == ("launch",)


def test_a_plain_pdf_carries_no_active_content():
    facts, _ = doc.inspect_pdf(a_pdf())
    assert facts.active_content == ()
