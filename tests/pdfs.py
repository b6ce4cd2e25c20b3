"""Test PDFs made with pypdf at run time (no binary fixtures): real, encrypted, truncated, fake."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def a_pdf(title: str = "Compte rendu d'intervention", pages: int = 1, padding: int = 0) -> bytes:
    """A real PDF; ``title`` changes its bytes (hence its SHA-256), ``padding`` its size."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, **({"/Padding": "x" * padding} if padding else {})})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def an_encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def a_truncated_pdf() -> bytes:
    data = a_pdf("tronqué", pages=3)
    return data[: len(data) // 2]


def an_html_page_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><head><title>Facture</title></head><body>Facture 42</body></html>"


def a_pdf_with_a_broken_body() -> bytes:
    """Starts and ends like a PDF, but the object table points nowhere."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n999999\n%%EOF\n"


def a_pdf_with_javascript(title: str = "Facture piégée") -> bytes:
    """A real PDF that runs JavaScript when opened (document-level /Names /JavaScript and /OpenAction)."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_js("app.alert('ouvert');")
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("this.print();")})
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def a_pdf_with_an_attachment(title: str = "Facture Factur-X") -> bytes:
    """A real PDF with an embedded file, as a Factur-X invoice carries its XML."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("factur-x.xml", b"<?xml version='1.0'?><rsm:CrossIndustryInvoice/>")
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
