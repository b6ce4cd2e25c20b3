"""OpenAPI operations of PDF documents on orders (intervention reports, service-done certificates, invoices)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, as_json, common_problems, errors_of,
    json_response, malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_perimeter import ATTACH_FIELDS, REQUEST_UPLOAD
from shared.domain import documents as docs_domain
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.documents import RegisterUpload, RequestUpload


REST_LIMIT, SIGNED_LIMIT = docs_domain.MAX_REST_BYTES, docs_domain.MAX_DOCUMENT_BYTES


@operation("store_report", "post", roles=("contractor",), right=Right.DOCUMENTS_WRITE,
           schemas=("DocumentStored", "RegisterUpload"))
def store_report(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0, cid1, _ = CORRELATION_IDS
    body = post_body(b.refs["RegisterUpload"], {"signed_upload": ("Register the file PUT on the signed URL",
                                                                 xp.register_upload)})
    body["content"]["multipart/form-data"] = {
        "schema": {"type": "object", "required": ["manager_id", "order_id", "kind", "file"],
                   "description": f"The text fields of AttachFields, and the PDF (at most {REST_LIMIT} bytes) as "
                                  "the `file` part, with its filename.",
                   "properties": {"manager_id": {"type": "string"}, "order_id": {"type": "string"},
                                  "kind": {"type": "string",
                                           "enum": [k.value for k in docs_domain.DocumentKind]},
                                  "milestone_id": {"type": "string", "description": (
                                      "kind deliverable only (B11): the mission's milestone the file delivers for.")},
                                  "deliverable": {"type": "string", "description": (
                                      "kind deliverable only (B11): the deliverable's label, as the milestone or "
                                      "the mission states it.")},
                                  "file": {"type": "string", "format": "binary",
                                           "contentMediaType": "application/pdf"}}},
        "encoding": {"file": {"contentType": "application/pdf"}},
        "examples": {"report": {"summary": "An intervention report (the file part is not shown)",
                                "value": ATTACH_FIELDS}},
    }
    return {
        "summary": "Attach a PDF document to an order",
        "description": (
            "A contractor attaches a PDF (intervention report, service-done certificate, invoice, or a mission's "
            "deliverable naming its milestone_id and deliverable) to one of its "
            f"orders. Up to {REST_LIMIT // (1024 * 1024)} MiB, send it in the request as multipart/form-data; "
            f"up to {SIGNED_LIMIT // (1024 * 1024)} MiB, get a signed URL from request_report_upload, PUT the "
            "file there, then send its reference here as JSON. The file must be a complete, readable, unencrypted "
            "PDF; its SHA-256 is its id, so the same file for the same order is stored once (200)."),
        "tags": ["contractor"], "parameters": POST_PARAMS, "requestBody": body,
        "responses": {
            "201": json_response("Stored.", b.refs["DocumentStored"], {"stored": ("Three-page report", as_json(xp.document_stored))},
                                  REPLAYED),
            "200": json_response("This very file was already stored for the order.", b.refs["DocumentStored"],
                                  {"already_stored": ("Same file again", as_json(xp.document_again))}, REPLAYED),
            **post_errors("store_report", extra={
                "400": {"malformed_json": rejected(malformed(RegisterUpload), cid0),
                        "malformed_multipart": rejected([ErrorDetail.of("header.Content-Type", "MALFORMED_MULTIPART",
                                                                         detail="boundary absent")], cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0),
                        "upload_not_found": rejected([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_FOUND",
                                                                      upload_id="0" * 32)], cid1)},
                "422": {
                    "file_missing": rejected([ErrorDetail.of("$.file", "DOCUMENT_MISSING")], cid0),
                    "not_pdf": rejected(xp.not_pdf, cid1),
                    "upload_not_received": rejected([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_RECEIVED",
                                                                     upload_id=xp.register_upload["upload_id"])], cid1),
                    "upload_expired": rejected([ErrorDetail.of(
                        "$.upload_id", "UPLOAD_EXPIRED", upload_id=xp.register_upload["upload_id"],
                        expires_at=xp.upload_ticket["expires_at"])], cid1),
                },
            }, descriptions={
                "400": "Body is not JSON or not valid multipart, or the Idempotency-Key header is missing or invalid.",
                "404": "No such order for this contractor, or no such upload.",
                "409": IDEM_409,
                "422": "Fields break the schema, no `file` part, the file is empty, too large, not a PDF, truncated, "
                       "encrypted or unreadable, the signed upload was not received or expired, or " + IDEM_422},
                max_body=REST_LIMIT + docs_domain.MULTIPART_OVERHEAD_BYTES,
                media="application/json, a +json type nor multipart/form-data"),
        },
    }


@operation("request_report_upload", "post", roles=("contractor",), right=Right.DOCUMENTS_WRITE,
           schemas=("RequestUpload", "UploadTicket"))
def request_report_upload(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Get a signed URL to upload a large PDF",
        "description": (
            f"For a PDF over {REST_LIMIT // (1024 * 1024)} MiB (up to {SIGNED_LIMIT // (1024 * 1024)} MiB): the "
            "contractor declares it and receives a signed URL. PUT the file there with Content-Type "
            "application/pdf within 15 minutes, then register it with store_report `{manager_id, order_id, "
            "upload_id}`: the platform checks it then, and deletes it if it is refused."),
        "tags": ["contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RequestUpload"], {"photos_report": ("An 18 MB report with photos",
                                                                            REQUEST_UPLOAD)}),
        "responses": {
            "201": json_response("Upload ready.", b.refs["UploadTicket"], {"ticket": ("Signed PUT URL", xp.upload_ticket)},
                                  REPLAYED),
            **post_errors("request_report_upload", extra={
                "400": {"malformed_json": rejected(malformed(RequestUpload), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"too_large": rejected(xp.too_large, cid0),
                        "invalid_request": rejected(errors_of(RequestUpload, {
                            **REQUEST_UPLOAD, "kind": "devis", "filename": "../rapport.pdf"}), cid1)},
            }, descriptions={"400": IDEM_400, "404": "No such order for this contractor.", "409": IDEM_409,
                             "422": "The body breaks the schema, the declared size is over the limit, or "
                                    + IDEM_422}),
        },
    }


@operation("get_documents", "get", roles=("manager", "contractor", "beneficiary"), right=Right.ORDERS_READ,
           schemas=("DocumentList",))
def get_documents(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0 = CORRELATION_IDS[0]
    get_errors = common_problems("get_documents", post=False)
    get_errors["400"] = problem_response("A query parameter is missing.", {
        "order_id_missing": problem(400, [ErrorDetail.of("query.order_id", "REQUIRED")], cid0,
                                     instance="/get_documents")})
    get_errors["404"] = problem_response(
        "No such order for this caller (another manager's or contractor's order looks exactly like a missing one).",
        {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id="BC-2026-9999")],
                                      cid0)})
    return {
        "summary": "List an order's documents, with download URLs",
        "description": (
            "The PDF documents of one order, each with a signed download URL valid 5 minutes. Scoped like get_order: "
            "a manager (or beneficiary) reads its own orders; a contractor reads the orders addressed to it and "
            "names the manager. `sha256` narrows the list to one document."),
        "tags": ["manager", "contractor", "beneficiary"],
        "parameters": [{"$ref": "#/components/parameters/order_id"}, {"$ref": "#/components/parameters/manager_id"},
                       query("sha256", "Optional: one document, by its SHA-256.",
                              xp.document_stored.document.sha256),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The documents (an empty list when none).", b.refs["DocumentList"],
                                  {"one_report": ("One intervention report", xp.document_list)}),
            **get_errors,
        },
    }
