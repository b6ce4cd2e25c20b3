"""Shared edge helpers of the quote functions: parse, call the service, map a missing quote to 404."""

from __future__ import annotations

from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.validation import parse_json
from shared.edge import http


def parse(model, req: http.Request):
    command, errors = parse_json(model, req.body)
    if errors:
        raise DomainError(errors)
    return command


def not_found(quote_id: str) -> http.HttpProblem:
    return http.HttpProblem(404, [ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND", quote_id=quote_id)])

