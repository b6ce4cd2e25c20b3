"""import_professionals — HTTPS (operator): professionals in bulk, JSON Lines (one per line).

Valid lines are stored; every invalid line comes back with its number and errors. The
search index is rebuilt once at the end.
"""

from __future__ import annotations

import functions_framework

from functions._sourcing import OPERATOR
from shared import bootstrap
from shared.edge import http
from shared.service.sourcing import pool_import

MAX_BULK_BYTES = 32 * 1024 * 1024
JSON_LINES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")


def _import(req: http.Request) -> http.Answer:
    report = pool_import.import_professionals(req.body, bootstrap.uow(), bootstrap.blobs(), bootstrap.clock())
    return http.Answer(200, report)


@functions_framework.http
def import_professionals(request):
    return http.serve(request, operation="import_professionals", right="professionals.write", roles=OPERATOR, action=_import,
                      media_types=JSON_LINES, max_body=MAX_BULK_BYTES)
