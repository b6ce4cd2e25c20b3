"""ListOrders: one page of the orders a caller may see, most recent activity first (A11 real-time
view, A3 c).

The query applies what an index can (space or contractor, node of the tree — ``site_path`` array-contains —,
state, activity since) in activity
order — ``updated_at`` (the server time of the order's last write) then the document path,
newest first; composite indexes in infra/terraform/firestore.tf (the emulator needs none). The
rules that depend on now (late) are applied here, scanning on until the page is full. A scan
stops after ``scan_limit`` rows with a cursor, so a page may be short: only a missing
``next_cursor`` means the end of the list. Each row's last event and document count are read
in parallel, one small query per order.

One order's row (``order_id``, A11 real-time view: the row a stream event named, and the lists' search
by reference, as people type it: trimmed, regardless of case) is one document read by its path and one query on the
folded reference kept on each order (``order_id_folded``) — or, for a contractor naming no space, two queries for
that reference among its orders —, then its last event and document count: the rows in the caller's scope that match
the filters (two orders differing only by case are both shown), or an empty list (the order left the list, or is
none of the caller's).

A search (``q``: the start of a reference or a word of the title, shared/domain/order_search.py) is up to two bounded
queries — a range on ``order_id_folded``, an array-contains on ``title_words`` — in the caller's scope, their rows
merged once each, checked against the other filters, newest activity first, one list without cursor (``_searched``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from shared.domain import list_cursor, order_list as rules
from shared.domain.order_list import Cursor, OrderQuery
from shared.domain.orders import Order
from shared.ports import Clock, Query, UnitOfWork
from shared.service.order_store import ORDER_ID_FOLDED, TITLE_WORDS, UPDATED_AT, order_from, order_path
from shared.service.parallel_reads import each

log = logging.getLogger(__name__)

SCAN_LIMIT = 500
SEARCH_SCAN = 200  # rows each query of a search reads at most when filters or more words are checked on them
PREFIX_END = "\uf8ff"  # after every character a folded reference holds: [prefix, prefix + this) is the prefix's range


@dataclass(frozen=True)
class IndexedOrder:
    order: Order
    updated_at: dt.datetime  # when the platform last changed the order (its activity)
    path: str  # managers/<m>/orders/<o>

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.updated_at, self.path)


def list_orders(query: OrderQuery, uow: UnitOfWork, clock: Clock, scan_limit: int = SCAN_LIMIT) -> dict[str, Any]:
    now = clock.now()
    if query.order_id is not None:
        return _page_of(query, uow, _one_order(uow, query, now), None, now)
    if query.search is not None:
        return _page_of(query, uow, _searched(uow, query, now), None, now)
    picked: list[IndexedOrder] = []
    after, scanned, next_cursor = query.cursor, 0, None
    batch_size = min(query.limit + 1, rules.MAX_LIMIT + 1) if not query.late_only else 100
    while True:
        batch = page(uow, query, after, batch_size)
        full = False
        for row in batch:
            scanned += 1
            if not rules.matches(query, row.order, now):
                after = row.cursor
                continue
            if len(picked) == query.limit:  # one more match: the list goes on after the last row kept
                full = True
                break
            picked.append(row)
            after = row.cursor
        if full:
            next_cursor = picked[-1].cursor
            break
        if len(batch) < batch_size:  # the store has no more
            break
        if scanned >= scan_limit:  # stop here; the client carries on from where the scan stopped
            next_cursor = after
            break
    return _page_of(query, uow, picked, next_cursor, now)


def _page_of(query: OrderQuery, uow: UnitOfWork, picked: list[IndexedOrder], next_cursor: Cursor | None,
             now: dt.datetime) -> dict[str, Any]:
    paths = [row.path for row in picked]
    events = dict(each(uow, _last_event, paths))
    counts = dict(each(uow, _document_count, paths))
    return rules.OrderList(
        orders=[rules.summary(row.order, now, updated_at=row.updated_at, last_event=events.get(row.path),
                              document_count=counts.get(row.path, 0), actor=query.actor) for row in picked],
        next_cursor=next_cursor.encode() if next_cursor else None,
        as_of=now,
    ).model_dump(mode="json")


def _one_order(uow: UnitOfWork, query: OrderQuery, now: dt.datetime) -> list[IndexedOrder]:
    """The orders of reference ``query.order_id`` that belong in the list, regardless of case (two orders differing
    only by case are both found), most recent activity first. In the space the query names: the exact id read by its
    path (an order stored before orders kept ``order_id_folded``), then one query on the folded reference (two
    equalities with the contractor's: the single-field indexes serve). A contractor naming no space: that reference
    in every space, addressed to it — one query on the exact id, one on the folded form (two equalities, no order:
    the collection-group single-field indexes of infra/terraform/firestore.tf)."""
    wanted = list_cursor.folded(query.order_id)
    found: dict[str, dict[str, Any]] = {}
    if query.manager_id is None:
        mine = Query("orders", group=True, limit=rules.MAX_LIMIT).filter("contractor_id", "==", query.contractor_id)
        queries = [mine.filter("order_id", "==", query.order_id), mine.filter(ORDER_ID_FOLDED, "==", wanted)]
    else:
        path = order_path(query.manager_id, query.order_id)
        data = uow.get(path)
        if data is not None:
            found[path] = data
        space = Query(f"managers/{query.manager_id}/orders", limit=rules.MAX_LIMIT)
        if query.contractor_id is not None:
            space = space.filter("contractor_id", "==", query.contractor_id)
        queries = [space.filter(ORDER_ID_FOLDED, "==", wanted)]
    for q in queries:
        for doc in uow.query(q):
            found.setdefault(doc.path, doc.data)
    rows = [row for row in (_indexed(path, data) for path, data in found.items())
            if row is not None and rules.one_order_matches(query, row.order, row.updated_at, now)]
    return sorted(rows, key=lambda r: (r.updated_at, r.path), reverse=True)


def _searched(uow: UnitOfWork, query: OrderQuery, now: dt.datetime) -> list[IndexedOrder]:
    """The orders ``query.search`` finds in the caller's scope through the other filters: at most ``query.limit``,
    newest activity first, no cursor. Up to two queries, their rows merged once each:

    - the reference prefix: ``order_id_folded`` in [prefix, prefix + U+F8FF), ordered by it (a range orders by its
      own field first), the first references in that order;
    - the title word (the longest typed): ``title_words`` array-contains it, newest activity first.

    Scope as every list: a space (``managers/<m>/orders`` [contractor_id ==]) or, for a contractor naming no space,
    the collection group with contractor_id == its tenant — never anything of the payload. Each query reads
    ``limit + 1`` rows when nothing else is checked on them, else up to ``SEARCH_SCAN`` (state, node, late, activity
    since, the other typed words are checked here: no index per combination). Composite indexes:
    infra/terraform/firestore.tf ``order_search``."""
    search = query.search
    assert search is not None
    if query.across_spaces and query.manager_id is None:
        scope = Query("orders", group=True).filter("contractor_id", "==", query.contractor_id)
    else:
        scope = Query(f"managers/{query.manager_id}/orders")
        if query.contractor_id is not None:
            scope = scope.filter("contractor_id", "==", query.contractor_id)
    checked = (query.state is not None or query.node_id is not None or query.late_only
               or query.updated_since is not None or not search.exact)
    size = SEARCH_SCAN if checked else query.limit + 1
    queries = []
    if search.prefix is not None:
        queries.append(replace(scope.filter(ORDER_ID_FOLDED, ">=", search.prefix)
                               .filter(ORDER_ID_FOLDED, "<", search.prefix + PREFIX_END),
                               order_by=((ORDER_ID_FOLDED, "asc"), ("__name__", "asc")), limit=size))
    if search.word is not None:
        queries.append(replace(scope.filter(TITLE_WORDS, "array_contains", search.word),
                               order_by=((UPDATED_AT, "desc"), ("__name__", "desc")), limit=size))
    found: dict[str, dict[str, Any]] = {}
    for q in queries:
        for doc in uow.query(q):
            found.setdefault(doc.path, doc.data)
    rows = [row for row in (_indexed(path, data) for path, data in found.items())
            if row is not None and rules.one_order_matches(query, row.order, row.updated_at, now)]
    rows.sort(key=lambda r: (r.updated_at, r.path), reverse=True)
    return rows[:query.limit]


def _indexed(path: str, data: dict[str, Any]) -> IndexedOrder | None:
    """The stored order at ``path`` as a list row, or None when it is not an order this platform wrote (never listed)."""
    try:
        order = order_from(data)
    except ValidationError:
        log.warning("unreadable order skipped", extra={"path": path})
        return None
    return IndexedOrder(order, data.get(UPDATED_AT), path)


def page(uow: UnitOfWork, query: OrderQuery, after: Cursor | None, size: int) -> list[IndexedOrder]:
    """Up to ``size`` orders in activity order, strictly after ``after``: a manager's space, or a
    contractor's orders across every space (only those addressed to it)."""
    if query.across_spaces:
        q = Query("orders", group=True).filter("contractor_id", "==", query.contractor_id)
        if query.manager_id:
            q = q.filter("manager_id", "==", query.manager_id)
    else:
        q = Query(f"managers/{query.manager_id}/orders")
        if query.contractor_id:
            q = q.filter("contractor_id", "==", query.contractor_id)
    if query.node_id is not None:  # A7/A11: under this node of the tree (one array-contains per query)
        q = q.filter("site_path", "array_contains", query.node_id)
    if query.state is not None:
        q = q.filter("state", "==", query.state.value)
    if query.updated_since is not None:
        q = q.filter(UPDATED_AT, ">=", query.updated_since)
    q = replace(q, order_by=((UPDATED_AT, "desc"), ("__name__", "desc")), limit=size,
                start_after=(after.updated_at, after.path) if after is not None else None)
    rows = [row for row in (_indexed(found.path, found.data) for found in uow.query(q)) if row is not None]
    # belt and braces: the query already says so
    return [row for row in rows if not query.across_spaces or row.order.contractor_id == query.contractor_id]


def _last_event(uow: UnitOfWork, path: str) -> dict[str, Any] | None:
    found = uow.query(Query(f"{path}/events", order_by=(("received_at", "desc"),), limit=1))
    return {"event_id": found[0].id, **found[0].data} if found else None


def _document_count(uow: UnitOfWork, path: str) -> int:
    return uow.count(Query(f"{path}/documents"))
