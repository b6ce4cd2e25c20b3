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
from shared.domain import sandbox
from shared.domain.errors import DomainError
from shared.domain.event_types import EventType
from shared.domain.validation import json_fields, parse_json
from shared.edge import http
from shared.service import documents


def _request(req: http.Request) -> http.Answer:
    try:
        return _upload_url(req)
    except (DomainError, http.HttpProblem) as refused:
        named = json_fields(req.body)  # the body is read again only when refused
        if sandbox.is_sandbox_of(named.get("manager_id"), req.principal.tenant):
            from shared.service import conformance  # only a refusal in the contractor's sandbox pays for it

            conformance.rest_rejected(req.principal.tenant, named.get("manager_id"), named.get("order_id"),
                                      req.idempotency_key, EventType.DOCUMENT_UPLOADED.value,
                                      list(refused.errors), bootstrap.uow(), bootstrap.clock(),
                                      operation="request_report_upload")
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
