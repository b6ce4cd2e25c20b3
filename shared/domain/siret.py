"""SIRET numbers (B1 beneficiaries, the public invoicing chain's buyer and supplier): 14 digits whose
Luhn key is right (La Poste's establishments use a sum of digits instead)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _siret(value: str) -> str:
    compact = value.replace(" ", "")
    if len(compact) != 14 or not compact.isdigit():
        raise PydanticCustomError("INVALID_SIRET", "SIRET invalide : 14 chiffres attendus.")
    # La Poste's establishments (SIREN 356000000) use a sum-of-digits check instead of Luhn.
    valid = sum(map(int, compact)) % 5 == 0 if compact.startswith("356000000") else luhn_ok(compact)
    if not valid:
        raise PydanticCustomError("INVALID_SIRET", "SIRET invalide : la clé de contrôle (Luhn) est fausse.")
    return compact


Siret = Annotated[str, Field(min_length=14, max_length=17), AfterValidator(_siret)]
