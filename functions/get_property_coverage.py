"""get_property_coverage — HTTPS GET: % of the manager's orders and documents attached to an
existing node of its property tree (A7; the contract demands 100 %), the orphans, and any
import job left unfinished."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.edge import http
from shared.service import property_tree


def _read(req: http.Request) -> http.Answer:
    return http.Answer(200, property_tree.coverage(req.principal.tenant, bootstrap.reader()))


@functions_framework.http
def get_property_coverage(request):
    return http.serve(request, operation="get_property_coverage", roles=frozenset({"manager"}),
                      right="orders.read", action=_read, methods=("GET",), idempotent=False)
