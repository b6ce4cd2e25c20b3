"""list_message_log — HTTPS GET: what a contractor sent the platform and each answer, newest first (A3
channels, A4 errors back to the sender, A10 onboarding): the web application's « Messages envoyés » and the
operator's view of a contractor's refused messages from « Annuaire ».

A contractor reads its own log (its token's tenant; naming another contractor is forbidden); the operator
names the contractor (``?contractor_id=``, required). Filters ``?status=accepted|rejected``,
``?manager_id=`` (and ``&order_id=``), ``?since=``; pages of ``?limit=`` (50, at most 200), ``?cursor=`` the
previous page's ``next_cursor``. Not ``list_messages``, the replay of what the platform sent the contractor.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import ErrorDetail
from shared.domain.message_log import parse_query
from shared.edge import http
from shared.service.message_log import list_message_log as list_page


def _list(req: http.Request) -> http.Answer:
    p = req.principal
    query, errors, forbidden = parse_query(p.role, p.tenant, req.args)
    if forbidden is not None:
        raise http.HttpProblem(403, [ErrorDetail.of(forbidden, "FORBIDDEN")])
    if errors or query is None:
        raise http.HttpProblem(400, errors)
    return http.Answer(200, list_page(query, bootstrap.reader()))


@functions_framework.http
def list_message_log(request):
    return http.serve(request, operation="list_message_log", roles=frozenset({"contractor", "operator"}),
                      right={"contractor": "orders.read", "operator": "accounts.manage"},
                      action=_list, methods=("GET",), idempotent=False)
