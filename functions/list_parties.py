"""list_parties — HTTPS GET (operator): the registered managers, contractors or beneficiaries (A1 spaces,
B1 parties, A10 onboarding), ``?kind=`` one of them, by id, pages of at most MAX_ROWS, ``?after=`` the
previous page's ``next_cursor``: the web application's « Annuaire » and the pickers of its forms."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.parties import connected_filter, party_list_query
from shared.edge import http
from shared.service import parties


def _list(req: http.Request) -> http.Answer:
    kind, after, errors = party_list_query(req.args)
    if errors or kind is None:
        raise DomainError(errors)
    return http.Answer(200, parties.list_parties(bootstrap.reader(), kind, after, connected_filter(req.args)))


@functions_framework.http
def list_parties(request):
    return http.serve(request, operation="list_parties", roles=frozenset({"operator"}), right="accounts.manage",
                      action=_list, methods=("GET",), idempotent=False)
