"""Wiring shared by the document functions (store_report, request_report_upload, get_documents)."""

from __future__ import annotations

from shared import bootstrap
from shared.service.documents import Ports


def ports() -> Ports:
    return Ports(store=bootstrap.store(), records=bootstrap.documents(), files=bootstrap.get("document_files"),
                 clock=bootstrap.clock())
