"""The two pydantic bases of the domain.

- ``Command``: what a caller sends (HTTP bodies, bus messages). Strict: unknown fields are
  refused and JSON types are not coerced, so a connector learns about its mistake at once.
- ``Record``: what the platform stores and reads back. Frozen and closed, but lax, because a
  record comes back from Firestore with its own types (timestamps, integers as floats).

Every domain model derives from one of them (or from ``pydantic.BaseModel`` when it carries
its own configuration, e.g. a model with a wire title of its own).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Ids of everything a caller names (orders, lines, contracts, reservations…): safe in a document path.
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
