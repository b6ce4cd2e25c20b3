"""Shared body of upsert_contract and upsert_billing_account: parse, call the service, answer."""

from __future__ import annotations

from collections.abc import Callable

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.validation import parse_json
from shared.edge import http


def upsert(model, service: Callable, req: http.Request) -> http.Answer:
    command, errors = parse_json(model, req.body)
    if errors:
        raise DomainError(errors)
    saved = service(req.principal.tenant, command, bootstrap.uow(), bootstrap.clock())
    status = 200 if not saved.changed or saved.version > 1 else 201
    return http.Answer(status, saved.answer())
