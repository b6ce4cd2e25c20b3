"""Every port: the small interfaces between the services and the outside world, in one place.

- ``unit_of_work``: ``UnitOfWork`` (reads with versions, buffered writes, outbox, timers, audit,
  one atomic commit), ``Query``, ``Document``, ``ConcurrencyConflict``, ``SERVER_TIME``.
- ``messaging``: ``OutboxMessage``, ``Publisher`` (Pub/Sub), ``Topology`` (a contractor's Pub/Sub
  resources), ``TaskQueue`` and ``Timer`` (Cloud Tasks).
- ``audit``: ``AuditChains`` (the audit chains in Firestore) and ``AuditWitness`` (their heads, written
  once into a retention-locked bucket), for the scheduled check of B15 traceability.
- ``changes``: ``ChangeFeed`` and ``Changes`` (a query's documents as they change: a Firestore listener),
  ``ChangeBatch``.
- ``outside``: what lives outside Firestore — ``Clock``, ``BlobStore`` and ``DocumentFiles`` (Cloud
  Storage), ``ReportFiles``, ``ExportArchive``, ``IdentityAdmin`` (Firebase Auth), ``ChorusPro`` (public invoicing).

Adapters in ``shared/adapters`` implement them for Google Cloud and its emulators; the unit tests
implement them in memory (tests/fakes.py). Nothing here imports a Google library.

The names are loaded lazily (PEP 562): ``from shared.ports import Clock`` imports ``outside`` only,
and importing a submodule (``shared.ports.outside``, as shared/bootstrap.py does) does not load the
others — a function's cold start pays for the ports it uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_SUBMODULE_OF = {
    **dict.fromkeys(("AuditChains", "AuditWitness"), "audit"),
    **dict.fromkeys(("ChangeBatch", "ChangeFeed", "Changes"), "changes"),
    **dict.fromkeys(("REPLAY_RETENTION", "InboundMessage", "OutboxMessage", "Publisher", "TaskQueue", "Timer",
                     "Timers", "Topology"), "messaging"),
    **dict.fromkeys(("BlobStore", "ChorusDeposit", "ChorusPro", "ChorusReport", "Clock", "DocumentFiles",
                     "ExportArchive", "IdentityAdmin", "ReportFiles", "SystemClock", "digest"), "outside"),
    **dict.fromkeys(("MAX_WRITES", "SERVER_TIME", "ConcurrencyConflict", "Document", "Query", "UnitOfWork", "Write",
                     "space_of"), "unit_of_work"),
}

__all__ = sorted(_SUBMODULE_OF)


def __getattr__(name: str) -> Any:
    submodule = _SUBMODULE_OF.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{submodule}"), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from shared.ports.audit import AuditChains, AuditWitness
    from shared.ports.changes import ChangeBatch, ChangeFeed, Changes
    from shared.ports.messaging import (
        REPLAY_RETENTION, InboundMessage, OutboxMessage, Publisher, TaskQueue, Timer, Timers, Topology,
    )
    from shared.ports.outside import (
        BlobStore, ChorusDeposit, ChorusPro, ChorusReport, Clock, DocumentFiles, ExportArchive, IdentityAdmin,
        ReportFiles, SystemClock, digest,
    )
    from shared.ports.unit_of_work import (
        MAX_WRITES, SERVER_TIME, ConcurrencyConflict, Document, Query, UnitOfWork, Write, space_of,
    )
