"""Helpers shared by the sourcing handlers: settings from the environment, JSON answers."""

from __future__ import annotations

import os

from shared.domain.errors import DomainError
from shared.domain.validation import parse_json
from shared.service.sourcing.paths import Settings

BENEFICIARY = frozenset({"beneficiary"})
OPERATOR = frozenset({"operator"})


def settings() -> Settings:
    return Settings(titulaire_id=os.environ.get("PASSERELLE_TITULAIRE_ID", Settings.titulaire_id),
                    contract_id=os.environ.get("PASSERELLE_SOURCING_CONTRACT_ID", Settings.contract_id))


def parse(model, body: bytes):
    command, errors = parse_json(model, body)
    if errors:
        raise DomainError(errors)
    return command

