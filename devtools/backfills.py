"""What the operator's one-off backfills share (docs/runbook.md): ``backfill_territory`` (B18), ``backfill_order_site_path``
(A7, A11), ``backfill_quote_activity`` (A11) and ``backfill_reference_folded`` (A11, A2: orders, then quotes) each read
every document of one kind page by page, hand the paths of those lacking what it writes to its own ``settle`` (read
again and written in one commit, as the operator), and print what it did — a dry run unless ``--apply``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from shared import context
from shared.ports import Query, UnitOfWork
from shared.service.transaction import transact

T = TypeVar("T")


class Counted(Protocol):
    read: int
    kept: int


def documents_of(kind: str, manager_id: str | None) -> tuple[Query, Callable[[str], bool]]:
    """The query over every ``kind`` (``orders``, ``quotes``) of a manager's space, or of all, and the test a streamed
    path is one of them (a collection group also holds other collections of that name)."""
    query = Query(f"managers/{manager_id}/{kind}") if manager_id else Query(kind, group=True)

    def belongs(path: str) -> bool:
        parts = path.split("/")
        return len(parts) == 4 and parts[0] == "managers" and parts[2] == kind

    return query, belongs


def pages(uow: UnitOfWork, kind: str, manager_id: str | None, page: int, max_page: int,
          lacks: Callable[[dict[str, Any]], bool], outcome: Counted) -> Iterator[list[str]]:
    """The paths of the documents that ``lacks`` what the backfill writes, ``page`` at a time, in path order with one
    page in memory and nothing remembered; every document read is counted on ``outcome`` (``read``, ``kept``)."""
    if not 1 <= page <= max_page:
        raise ValueError(f"page: 1 to {max_page}")
    query, belongs = documents_of(kind, manager_id)
    pending: list[str] = []
    for doc in uow.stream(query, page=page):
        if not belongs(doc.path):
            continue
        outcome.read += 1
        if not lacks(doc.data):
            outcome.kept += 1
            continue
        pending.append(doc.path)
        if len(pending) == page:
            yield pending
            pending = []
    if pending:
        yield pending


@dataclass
class Outcome:
    """What a backfill of one field did: documents read, those that already had it, written (or to write in a dry
    run), and the paths it could not compute the field for (left as they are)."""

    read: int = 0
    kept: int = 0
    written: int = 0
    unreadable: list[str] = field(default_factory=list)


def fill(who: str, uow: UnitOfWork, paths: list[str], target: str, value_of: Callable[[dict[str, Any]], Any],
         apply: bool, outcome: Outcome, lacks: Callable[[dict[str, Any]], bool] | None = None) -> None:
    """Write ``target`` = ``value_of(record)`` on each of ``paths`` still lacking it, read again and written in one
    commit as the operator ``who`` (``as_operator``): a record that has it meanwhile is counted kept, one whose value
    cannot be computed (``value_of`` answers None) is listed unreadable; ``apply=False`` writes nothing. ``lacks``:
    whether a record lacks it (by default: ``target`` absent or null; a backfill that rewrites an older form says
    so, the same predicate it gave ``pages``)."""
    lacking = lacks if lacks is not None else (lambda data: data.get(target) is None)

    def attempt() -> tuple[int, list[str], int]:
        written, unreadable, meanwhile = 0, [], 0
        found = uow.get_all(paths)
        for path in paths:
            data = found.get(path)
            if data is None or not lacking(data):
                meanwhile += 1
                continue
            value = value_of(data)
            if value is None:
                unreadable.append(path)
                continue
            written += 1
            if apply:
                uow.update(path, {target: value})
        return written, unreadable, meanwhile

    written, unreadable, meanwhile = as_operator(who, uow, attempt)
    outcome.written += written
    outcome.unreadable += unreadable
    outcome.kept += meanwhile


def as_operator(who: str, uow: UnitOfWork, attempt: Callable[[], T]) -> T:
    """``attempt`` in one transaction (retried if a document changed meanwhile), each write audited by ``operator`` /
    ``who`` (B15)."""
    token = context.actor.set(context.AuditActor(who=who, role="operator", tenant="platform"))
    try:
        return transact(uow, attempt)
    finally:
        context.actor.reset(token)


def arguments(doc: str, unit: str, default_page: int, max_page: int, space: str = "only this manager's space"
              ) -> argparse.ArgumentParser:
    """The options every backfill takes: --project, --manager, --page, --apply (its own are added by the caller)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", help="Google Cloud project (default: GOOGLE_CLOUD_PROJECT)")
    parser.add_argument("--manager", help=space)
    parser.add_argument("--page", type=int, default=default_page,
                        help=f"{unit} per read and per commit (1–{max_page}, default {default_page})")
    parser.add_argument("--apply", action="store_true", help="write (default: a dry run that writes nothing)")
    return parser


def firestore(parser: argparse.ArgumentParser, args: argparse.Namespace, max_page: int) -> UnitOfWork:
    """The project's Firestore (the emulator when FIRESTORE_EMULATOR_HOST is set) as a unit of work that publishes
    nothing and arms no timer, once the page size is checked."""
    if not 1 <= args.page <= max_page:
        parser.error(f"--page : de 1 à {max_page}")
    if args.project:
        os.environ["GOOGLE_CLOUD_PROJECT"] = args.project
    from shared import bootstrap
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

    return FirestoreUnitOfWork(bootstrap.get("firestore"))
