"""One page of a collection in document-id order, for the directories of registered parties (B1 parties:
the purchasing body's list of beneficiaries, ``shared.service.sourcing.pool.list_beneficiaries``; the
operator's directory, ``shared.service.parties.list_parties``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.domain.list_limits import MAX_ROWS
from shared.ports import Query, UnitOfWork


def page_by_id(uow: UnitOfWork, collection: str, after: str | None,
               keep: Callable[[dict[str, Any]], bool] = lambda data: True,
               where: tuple[tuple[str, str, Any], ...] = ()) -> tuple[list[Any], bool]:
    """The documents of ``collection`` after the id ``after``, in id order: at most MAX_ROWS that ``keep``
    accepts (reading on past the others until the page is full), and whether more follow. ``where``: equality
    filters the store applies (a party's accounts, B5: ``claims.tenant``), served by single-field indexes."""
    kept: list[Any] = []
    cursor = after
    while True:
        start = (f"{collection}/{cursor}",) if cursor else None
        found = uow.query(Query(collection, order_by=(("__name__", "asc"),), start_after=start, limit=MAX_ROWS + 1, where=where))
        for doc in found:
            if not keep(doc.data):
                continue
            if len(kept) == MAX_ROWS:
                return kept, True
            kept.append(doc)
        if len(found) <= MAX_ROWS:
            return kept, False
        cursor = found[-1].id
