"""Helpers shared by the onboarding handlers (A10): parse a body into its command, answer 201 or 200."""

from __future__ import annotations

from typing import Any

from shared.domain.errors import DomainError
from shared.domain.validation import parse_json
from shared.edge import http

OPERATOR = frozenset({"operator"})
CONTRACTOR = frozenset({"contractor"})


def parse(model, body: bytes):
    command, errors = parse_json(model, body)
    if errors:
        raise DomainError(errors)
    return command


def saved(result: dict[str, Any]) -> http.Answer:
    """201 for a new record, 200 for an update or the same content again (``changed`` says which)."""
    return http.Answer(201 if result.get("created") else 200, result)
