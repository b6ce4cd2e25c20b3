"""TRANSITIONAL: the store abstractions the unit of work replaces (removed once every service
uses ``shared.ports.UnitOfWork``). Small interfaces between the services and Firestore.

Adapters in ``shared/adapters`` implement them for Google Cloud and its emulators; the unit
tests implement them in memory. Nothing here imports a Google library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from shared.domain.messages import MessageRef, Reply
from shared.domain.orders import Order
from shared.ports.messaging import OutboxMessage

T = TypeVar("T")








@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A value read from the store with the opaque version a conditional write must match."""

    value: T
    version: Any


@dataclass(frozen=True)
class Contractor:
    contractor_id: str
    name: str
    managers: tuple[str, ...]





@dataclass(frozen=True)
class InboxRecord:
    """A contractor message seen by the platform: the dedup key, its reply and its delay."""

    key: str
    contractor_id: str
    ref: MessageRef
    reply: Reply
    outbox_id: str
    digest: str


@dataclass(frozen=True)
class EventRecord:
    """One entry of an order's history, kept in the manager's space."""

    event_id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class DeadlineWrite:
    """A deadline (shared.domain.deadlines.Deadline) written with the command that changed it."""

    deadline: Any
    version: Any = None  # None: create (it must not exist yet)


@dataclass
class Changes:
    """Everything one command writes, committed atomically with optimistic preconditions."""

    order: Order | None = None
    order_version: Any = None  # None: the order must not exist yet (create)
    events: list[EventRecord] = field(default_factory=list)
    inbox: InboxRecord | None = None
    outbox: list[OutboxMessage] = field(default_factory=list)
    deadlines: list[DeadlineWrite] = field(default_factory=list)
    penalties: list[Any] = field(default_factory=list)  # shared.domain.penalties.PenaltyEntry, created





class AlreadyRecorded(Exception):
    """The inbox already holds this message (a redelivery racing its first delivery)."""


class Store(Protocol):
    def get_order(self, manager_id: str, order_id: str) -> Versioned[Order] | None: ...
    def get_contractor(self, contractor_id: str) -> Contractor | None: ...
    def get_contract(self, manager_id: str, contract_id: str) -> dict[str, Any] | None: ...
    def manager_territory(self, manager_id: str) -> str | None: ...  # B18: the manager's own territory
    def list_catalogue(self, manager_id: str, contract_id: str) -> list[dict[str, Any]]: ...
    def property_node(self, manager_id: str, node_id: str) -> tuple[bool, bool]: ...  # (tree in force, node exists)
    def get_inbox(self, contractor_id: str, key: str) -> InboxRecord | None: ...
    def list_events(self, manager_id: str, order_id: str) -> list[dict[str, Any]]: ...
    def commit(self, changes: Changes) -> None: ...
    def pending_outbox(self, limit: int, ids: list[str] | None = None) -> list[OutboxMessage]: ...
    def mark_sent(self, message_id: str, at: dt.datetime) -> None: ...
    def deadlines_of_order(self, manager_id: str, order_id: str) -> list[Versioned[Any]]: ...





@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdempotencyOutcome:
    """What the idempotency store says about a request key."""

    kind: str  # "new" | "replay" | "mismatch" | "in_progress"
    response: StoredResponse | None = None


class IdempotencyStore(Protocol):
    def begin(self, key: str, request_hash: str, now: dt.datetime) -> IdempotencyOutcome: ...
    def complete(self, key: str, response: StoredResponse, now: dt.datetime) -> None: ...
    def abandon(self, key: str) -> None: ...








# --- documents and blobs (sourcing, part B) ---------------------------------------------------


@dataclass(frozen=True)
class DocWrite:
    """One document write of an atomic commit: ``create`` (must not exist), ``update`` (must
    still be at ``version``) or ``set`` (unconditional, e.g. derived read models)."""

    path: str
    data: dict[str, Any]
    mode: str = "create"
    version: Any = None


class DocumentStore(Protocol):
    def get(self, path: str) -> Versioned[dict[str, Any]] | None: ...
    def get_many(self, paths: list[str]) -> dict[str, dict[str, Any]]: ...
    def list(self, collection: str, limit: int | None = None) -> list[tuple[str, dict[str, Any]]]: ...
    def commit(self, writes: list[DocWrite], outbox: list[OutboxMessage] = ()) -> None: ...


