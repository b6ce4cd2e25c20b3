"""list_incidents — HTTPS GET: incidents with their state and where D8 stands (B9).

A reporter (manager, contractor, beneficiary, purchasing body) sees the incidents its tenant
reported in that role; the operator sees all. ``?state=`` and ``?severity=`` filter; pages of
``?limit=`` (50, at most 200), newest first, ``?cursor=`` the previous page's ``next_cursor``.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.incidents import list_filters
from shared.edge import http
from shared.service import incidents


def _list(req: http.Request) -> http.Answer:
    filters, errors = list_filters(req.args)
    if errors:
        raise http.HttpProblem(400, errors)
    p = req.principal
    return http.Answer(200, incidents.list_incidents(p.role, p.tenant, filters, bootstrap.reader(),
                                                     bootstrap.clock()))


@functions_framework.http
def list_incidents(request):
    return http.serve(request, operation="list_incidents",
                      roles=frozenset({"manager", "contractor", "beneficiary", "purchasing_body", "operator"}),
                      right={"manager": "incidents.report", "contractor": "incidents.report",
                             "beneficiary": "incidents.report", "purchasing_body": "incidents.report",
                             "operator": "incidents.manage"},
                      action=_list, methods=("GET",), idempotent=False)
