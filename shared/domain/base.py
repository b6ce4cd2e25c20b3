"""The pydantic bases of the domain.

- ``Model``: the root of every domain model. ``defer_build=True``: a model builds its validator and
  serialiser the first time it is used (validated, built, dumped or asked for its JSON Schema), not
  when its module is imported. A function imports the model graph of its service, most of which it
  never validates: its cold start no longer pays for those (docs/performance.md, "Cold start").
  Behaviour and schemas are unchanged; a model's first use in an instance pays its own build.
- ``Command``: what a caller sends (HTTP bodies, bus messages). Strict: unknown fields are
  refused and JSON types are not coerced, so a connector learns about its mistake at once.
- ``Record``: what the platform stores and reads back. Frozen and closed, but lax, because a
  record comes back from Firestore with its own types (timestamps, integers as floats).

Every domain model derives from one of them (from ``Model`` when it carries its own configuration,
e.g. a model with a wire title of its own; a root model from ``Root``).
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel

# Ids of everything a caller names (orders, lines, contracts, reservations…): safe in a document path.
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")]
# INSEE département (or collectivité) code: the territory whose public holidays apply (B18).
Territory = Annotated[str, Field(pattern=r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6]|BL|MF|PM|PF|NC|WF)$")]


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


RootT = TypeVar("RootT")


class Root(RootModel[RootT], Generic[RootT]):
    """A ``RootModel`` that defers its build like ``Model``: ``RootModel[X | Y]`` itself would build the
    schema of the whole union (and of every model in it) when its module is imported."""

    model_config = ConfigDict(defer_build=True)


class Command(Model):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Record(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)
