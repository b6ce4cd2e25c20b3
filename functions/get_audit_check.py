"""get_audit_check — HTTPS GET (operator): the audit trail's last scheduled check (B15 audit trail): when it ran,
what it read, every chain intact or altered, and for an altered one the links and records named and since when
(the web application's « Journal d'audit »). No query parameter.

The right is ``incidents.manage``: an altered chain is a security incident, handled by the operators who handle
incidents (docs/runbook.md). The answer names spaces and audit record ids, never their content."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.audit_report import audit_check_query_errors
from shared.edge import http
from shared.service import audit_view


def _read(req: http.Request) -> http.Answer:
    errors = audit_check_query_errors(req.args)
    if errors:
        raise http.HttpProblem(422, errors)
    return http.Answer(200, audit_view.last_check(bootstrap.audit_check_runs()).model_dump(mode="json"))


@functions_framework.http
def get_audit_check(request):
    return http.serve(request, operation="get_audit_check", roles=frozenset({"operator"}), right="incidents.manage",
                      action=_read, methods=("GET",), idempotent=False)
