"""What the contracts describe, area by area: each HTTPS operation (with the roles and the right its
handler passes to ``http.serve``) and where each schema's examples come from.

An area module registers its operations with ``@operation`` and its examples with ``@examples``;
``AREAS`` lists the modules to import. Describing a new function = its operation in its area's
``openapi_*`` module (and the schemas it uses in ``schemas.SCHEMAS``) + its story in the area's
``stories_*`` module. tests/unit/test_contracts.py fails on a public HTTP function of
emulators.json that no operation describes, and on roles or a right that differ from the handler's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from shared.domain.identity import Right

if TYPE_CHECKING:
    from devtools.contracts.stories import Stories

# The modules that register operations and examples, imported once by ``load``.
AREAS = (
    "devtools.contracts.openapi_orders",
    "devtools.contracts.openapi_penalties",
    "devtools.contracts.openapi_identity",
    "devtools.contracts.openapi_sourcing",
    "devtools.contracts.openapi_missions",
    "devtools.contracts.openapi_reports",
    "devtools.contracts.openapi_perimeter",
    "devtools.contracts.openapi_documents",
    "devtools.contracts.openapi_quotes",
    "devtools.contracts.openapi_incidents",
    "devtools.contracts.openapi_listings",
    "devtools.contracts.openapi_onboarding",
    "devtools.contracts.openapi_connector",
    "devtools.contracts.openapi_invoicing",
    "devtools.contracts.openapi_terms",
    "devtools.contracts.stories_orders",
    "devtools.contracts.stories_perimeter",
    "devtools.contracts.stories_quotes",
    "devtools.contracts.stories_sourcing",
    "devtools.contracts.stories_platform",
    "devtools.contracts.stories_onboarding",
    "devtools.contracts.stories_connector",
    "devtools.contracts.stories_invoicing",
    "devtools.contracts.stories_terms",
    "devtools.contracts.stories_audit",
)

# Functions that no client calls: Cloud Scheduler invokes relay_outbox with its own identity. More
# generally, an HTTP function without a "role" in emulators.json is internal (scheduler, Cloud Tasks).
INTERNAL_FUNCTIONS = frozenset({"relay_outbox"})
# Public HTTPS functions of emulators.json that openapi.json does not describe yet, each with the
# reason. Listed by name so that adding a function is a conscious choice: tests/unit/test_contracts.py
# fails on any function that is neither described nor listed here, and on a listed name that no
# longer exists.
NOT_YET_DESCRIBED: frozenset[str] = frozenset({
    # every public HTTPS function is described (erase_professional was the last one listed here)
})


@dataclass(frozen=True)
class Build:
    """What an operation is built from: the $ref of each schema in components/schemas, and the stories."""

    refs: dict[str, str]
    stories: Stories


@dataclass(frozen=True)
class Operation:
    function: str
    method: Literal["get", "post"]
    roles: tuple[str, ...]
    right: Right | dict[str, Right] | None  # one right, a right per role when the roles differ, or none
    schemas: tuple[str, ...]  # the SCHEMAS it refers to (b.refs[...])
    build: Callable[[Build], dict[str, Any]] = field(compare=False)
    operation_id: str | None = None


OPERATIONS: list[Operation] = []
EXAMPLES: list[Callable[[Stories], dict[str, list[Any]]]] = []


def operation(function: str, method: Literal["get", "post"], *, roles: tuple[str, ...],
              right: Right | dict[str, Right] | None, schemas: tuple[str, ...] = (),
              operation_id: str | None = None) -> Callable[[Callable[[Build], dict[str, Any]]], Any]:
    """Register the OpenAPI operation the decorated function builds (summary, parameters, responses)."""

    def register(build: Callable[[Build], dict[str, Any]]) -> Callable[[Build], dict[str, Any]]:
        OPERATIONS.append(Operation(function, method, roles, right, schemas, build, operation_id))
        return build

    return register


def examples(source: Callable[[Stories], dict[str, list[Any]]]) -> Callable[[Stories], dict[str, list[Any]]]:
    """Register a function that gives the examples of some schemas, by schema name."""
    EXAMPLES.append(source)
    return source


def load() -> None:
    for name in AREAS:
        importlib.import_module(name)


def described() -> dict[str, tuple[tuple[str, ...], Right | dict[str, Right] | None]]:
    """function → (roles, right), one entry per described function (a function answering GET and POST
    is described by two operations with the same roles and right)."""
    load()
    found: dict[str, tuple[tuple[str, ...], Right | dict[str, Right] | None]] = {}
    for op in OPERATIONS:
        entry = (op.roles, op.right)
        assert found.setdefault(op.function, entry) == entry, f"{op.function}: operations disagree on roles/right"
    return found


def x_right(function: str) -> str | dict[str, str] | None:
    """The x-right of an operation: one right, a right per role, or none (change_password: every person)."""
    right = described()[function][1]
    if right is None:
        return None
    return right.value if isinstance(right, Right) else {role: r.value for role, r in right.items()}
