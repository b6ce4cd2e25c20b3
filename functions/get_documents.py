"""get_documents — HTTPS GET: the PDF documents of an order, each with a signed download URL.

Managers read their own orders (``?order_id=``, optional ``&sha256=``); contractors the
orders addressed to them (``?manager_id=&order_id=``). URLs are valid 5 minutes.
"""

from __future__ import annotations

import functions_framework

from functions._documents import ports
from shared.domain.errors import ErrorDetail
from shared.edge import http
from shared.service import documents


def _read(req: http.Request) -> http.Answer:
    p = req.principal
    order_id = req.args.get("order_id", "")
    # A beneficiary is the manager of the orders its missions became (part B, B7).
    manager_id = p.tenant if p.role in ("manager", "beneficiary") else req.args.get("manager_id", "")
    missing = [ErrorDetail.of(f"query.{name}", "REQUIRED") for name, value
               in (("order_id", order_id), ("manager_id", manager_id)) if not value]
    if missing:
        raise http.Problem(400, missing)
    contractor_id = p.tenant if p.role == "contractor" else None
    listed = documents.list_documents(manager_id, order_id, ports(), contractor_id=contractor_id,
                                      sha256=req.args.get("sha256") or None)
    return http.Answer(200, {"manager_id": manager_id, "order_id": order_id, "documents": listed})


@functions_framework.http
def get_documents(request):
    return http.serve(request, operation="get_documents", roles=frozenset({"manager", "contractor", "beneficiary"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
