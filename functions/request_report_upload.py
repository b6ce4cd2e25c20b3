"""request_report_upload — HTTPS POST: a V4 signed URL to upload a large PDF (A6).

The contractor PUTs the file on ``upload_url`` (Content-Type: application/pdf) within 15
minutes, then registers it with store_report ``{"manager_id", "order_id", "upload_id"}``.
A refusal about the order of a conformance run (a size over the limit, an unknown order…) is also
recorded on that run (A10 onboarding): its "upload a PDF" step then shows ``failed`` with these errors.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain import documents as doc
from shared.domain.errors import DomainError
from shared.domain.validation import parse_json
from shared.edge import http, sandbox_refusals
from shared.service import documents


def _request(req: http.Request) -> http.Answer:
    try:
        return _upload_url(req)
    except (DomainError, http.HttpProblem) as refused:
        sandbox_refusals.record_refusal(req, refused, "request_report_upload")
        raise


def _upload_url(req: http.Request) -> http.Answer:
    command, errors = parse_json(doc.RequestUpload, req.body)
    if errors:
        raise http.rejected(errors)
    return http.Answer(201, documents.request_upload(req.principal.tenant, command, bootstrap.uow(),
                                                     bootstrap.get("document_files"), bootstrap.clock(),
                                                     req.principal.uid))


@functions_framework.http
def request_report_upload(request):
    return http.serve(request, operation="request_report_upload", roles=frozenset({"contractor"}),
                      right="documents.write", action=_request)
