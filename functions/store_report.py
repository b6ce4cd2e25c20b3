"""store_report — HTTPS POST: a contractor attaches a PDF to an order addressed to it (A6, B7).

Two bodies:
- ``multipart/form-data`` with fields ``manager_id``, ``order_id``, ``kind`` and the PDF as the
  ``file`` part (up to 5 MiB);
- ``application/json`` ``{"manager_id", "order_id", "upload_id"}``: the reference of a file
  already PUT on the signed URL that request_report_upload returned (up to 50 MiB).
201 with the document's metadata when stored, 200 when this very file was already there.
A refusal about the order of a conformance run is also recorded on that run (A10 onboarding): its
"upload a PDF" step then shows ``failed`` with these errors.
"""

from __future__ import annotations

from typing import Any

import functions_framework

from shared import bootstrap
from shared.domain import documents as doc
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.validation import parse_json, parse_object
from shared.edge import http, multipart, sandbox_refusals
from shared.service import documents


def _store(req: http.Request) -> http.Answer:
    named: dict[str, Any] = {}  # the multipart fields read, even from a refused request
    try:
        return _attach(req, named)
    except (DomainError, http.HttpProblem) as refused:
        sandbox_refusals.record_refusal(req, refused, "store_report", named)
        raise


def _attach(req: http.Request, named: dict[str, Any]) -> http.Answer:
    p = req.principal
    if req.content_type.split(";")[0].strip().lower() == multipart.MEDIA_TYPE:
        fields, files, errors = multipart.parse(req.body, req.content_type)
        named.update(fields)
        if errors:
            raise http.rejected(errors)
        parsed, errors = parse_object(doc.AttachFields, fields)
        part = files.get("file")
        if part is None:
            errors.append(ErrorDetail.of("$.file", "DOCUMENT_MISSING"))
        elif part.filename:
            errors += doc.filename_errors(part.filename, "$.file.filename")
        if errors:
            raise http.rejected(errors)
        attached = documents.attach_document(p.tenant, parsed, part.filename or "document.pdf", part.data,
                                             bootstrap.uow(), bootstrap.get("document_files"), bootstrap.clock(), p.uid)
    else:
        command, errors = parse_json(doc.RegisterUpload, req.body)
        if errors:
            raise http.rejected(errors)
        attached = documents.register_upload(p.tenant, command, bootstrap.uow(), bootstrap.get("document_files"),
                                             bootstrap.clock(), p.uid)
    return http.Answer(201 if attached.created else 200,
                       doc.DocumentStored(created=attached.created, document=attached.record).model_dump(mode="json"))


@functions_framework.http
def store_report(request):
    return http.serve(request, operation="store_report", roles=frozenset({"contractor"}), right="documents.write",
                      action=_store, media_types=(multipart.MEDIA_TYPE,),
                      max_body=doc.MAX_REST_BYTES + doc.MULTIPART_OVERHEAD_BYTES)

