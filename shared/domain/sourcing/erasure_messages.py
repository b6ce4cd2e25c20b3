"""Wire model of an erasure request (operator)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from shared.domain.base import Model
from shared.domain.orders import Identifier


class EraseProfessional(Model):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="EraseProfessional")

    professional_id: Identifier
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class ProfessionalErased(Model):
    """What erase_professional answers."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ProfessionalErased")

    professional_id: str
    status: Literal["erased", "already_erased"]
    # How many copies of what named them were reached (docs/personal-data.md): needs and ranked results
    # scrubbed, stored answers deleted, search index objects deleted, export archives purged.
    copies: dict[str, int] = {}
