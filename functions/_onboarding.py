"""Helpers shared by the onboarding handlers (A10): parse a body into its command, answer 201 or 200."""

from __future__ import annotations

from pydantic import BaseModel

from shared.domain.errors import DomainError
from shared.domain.validation import parse_json
from shared.edge import http


def parse(model, body: bytes):
    command, errors = parse_json(model, body)
    if errors:
        raise DomainError(errors)
    return command


def saved(result: BaseModel) -> http.Answer:
    """201 for a new record, 200 for an update or the same content again (``changed`` says which)."""
    return http.Answer(201 if getattr(result, "created", False) else 200, result.model_dump(mode="json"))
