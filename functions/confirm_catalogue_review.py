"""confirm_catalogue_review — HTTPS POST: the manager records that the six-month review of a contract's
catalogue (A14) kept it as it is: no new version, the next review due six months after ``reviewed_on``,
and the contractor told ``fr.passerelle.catalogue.reviewed.v1`` on its orders topic. A review that
changes prices is a new version (import_catalogue), which records its own ``reviewed_on``."""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.catalogue import ConfirmCatalogueReview
from shared.domain.errors import DomainError
from shared.domain.validation import parse_json
from shared.edge import http
from shared.service import catalogue


def _confirm(req: http.Request) -> http.Answer:
    command, errors = parse_json(ConfirmCatalogueReview, req.body)
    if errors:
        raise DomainError(errors)
    answer = catalogue.confirm_review(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock())
    return http.Answer(201 if answer["changed"] else 200, answer)


@functions_framework.http
def confirm_catalogue_review(request):
    return http.serve(request, operation="confirm_catalogue_review", roles=frozenset({"manager"}),
                      right="contracts.write", action=_confirm)
