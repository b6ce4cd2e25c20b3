"""get_documents — HTTPS GET: the PDF documents of an order, each with a signed download URL.

Managers read their own orders (``?order_id=``, optional ``&sha256=``); contractors the
orders addressed to them (``?manager_id=&order_id=``). URLs are valid 5 minutes.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.edge import http
from shared.service import documents


def _read(req: http.Request) -> http.Answer:
    scope = http.order_scope(req)
    listed = documents.list_documents(scope.manager_id, scope.order_id, bootstrap.reader(),
                                      bootstrap.get("document_files"), contractor_id=scope.contractor_id,
                                      sha256=req.args.get("sha256") or None)
    return http.Answer(200, {"manager_id": scope.manager_id, "order_id": scope.order_id, "documents": listed})


@functions_framework.http
def get_documents(request):
    return http.serve(request, operation="get_documents", roles=frozenset({"manager", "contractor", "beneficiary"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
