"""ListQuotes: one page of the quotes a caller may see, most recent activity first (A2 quotes, A11 lists, A3 c).

One query applies everything: the space (a buyer's own, ``managers/<m>/quotes``) or the contractor (the collection
group ``quotes`` where ``contractor_id`` is its tenant), the optional equality filters (state, the other party, the
order a supplementary quote completes, the site's node) in activity order — ``updated_at`` (the server time of the
quote's last write, ``quote_store.quote_doc``) then the document path, newest first — from the cursor, one row more
than the page to know whether the list goes on. Composite indexes in infra/terraform/firestore.tf (the emulator needs
none). The search by reference (``quote_id``) reads the exact id and queries the folded form each quote keeps
(``quote_id_folded``), regardless of case, in one short answer with no cursor. The rows' client kind (a beneficiary's
space or a manager's) is one ``get_all`` of the spaces of the page, the titles of their missions (B16) one ``get_all``
of those missions' orders.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from shared.domain import quote_list as rules
from shared.domain.listings import QuoteList, QuoteSummary
from shared.domain.list_cursor import folded
from shared.domain.quote_list import QuoteCursor, QuoteQuery
from shared.domain.quotes import Quote
from shared.ports import Query, UnitOfWork
from shared.service.quote_store import QUOTE_ID_FOLDED, UPDATED_AT, mission_titles, quote_from, quote_path

log = logging.getLogger(__name__)


def list_quotes(query: QuoteQuery, uow: UnitOfWork) -> dict[str, Any]:
    rows = _page(uow, query) if query.quote_id is None else _by_reference(uow, query)
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    kinds = _client_kinds(uow, query, {quote.manager_id for _, quote, _ in rows})
    titles = mission_titles(uow, [quote for _, quote, _ in rows])  # B16: the missions by title, one read
    quotes = [_summary(quote, updated_at, kinds.get(quote.manager_id, "manager"),
                       titles.get((quote.manager_id, quote.quote_id))) for _, quote, updated_at in rows]
    next_cursor = QuoteCursor(rows[-1][2], rows[-1][0]).encode() if more and query.quote_id is None else None
    return QuoteList(quotes=quotes, count=len(quotes), truncated=more, next_cursor=next_cursor).model_dump(mode="json")


def _page(uow: UnitOfWork, query: QuoteQuery) -> list[tuple[str, Quote, Any]]:
    """Up to ``limit + 1`` quotes in activity order, strictly after the cursor: (path, quote, updated_at)."""
    if query.across_spaces:
        q = Query("quotes", group=True).filter("contractor_id", "==", query.contractor_id)
        if query.manager_id:
            q = q.filter("manager_id", "==", query.manager_id)
    else:
        q = Query(f"managers/{query.manager_id}/quotes")
        if query.contractor_id:
            q = q.filter("contractor_id", "==", query.contractor_id)
    for name, value in (("state", query.state.value if query.state else None), ("order_id", query.order_id),
                        ("site.node_id", query.node_id)):
        if value is not None:
            q = q.filter(name, "==", value)
    cursor = query.cursor
    found = uow.query(Query(q.collection, where=q.where, group=q.group, limit=query.limit + 1,
                            order_by=((UPDATED_AT, "desc"), ("__name__", "desc")),
                            start_after=(cursor.updated_at, cursor.path) if cursor is not None else None))
    rows = []
    for document in found:
        try:
            quote = quote_from(document.data)
        except ValidationError:
            log.warning("unreadable quote skipped", extra={"path": document.path})
            continue
        if rules.in_scope(query, document.path, quote):
            rows.append((document.path, quote, document.data.get(UPDATED_AT)))
    return rows


def _by_reference(uow: UnitOfWork, query: QuoteQuery) -> list[tuple[str, Quote, Any]]:
    """The search by reference (``quote_id``): the quotes of that reference regardless of case in the caller's
    scope that pass the other filters, most recent activity first. A buyer: the exact id read by its path (a quote
    stored before quotes kept ``quote_id_folded``), then one query on the folded reference in its space; a contractor:
    one query on the exact id and one on the folded form among the quotes asked of it (indexes in
    infra/terraform/firestore.tf). The other filters are applied here, on a handful of rows."""
    wanted = folded(query.quote_id)
    found: dict[str, dict[str, Any]] = {}
    by_activity = ((UPDATED_AT, "desc"), ("__name__", "desc"))
    if query.across_spaces:
        mine = Query("quotes", group=True, limit=rules.MAX_LIMIT, order_by=by_activity).filter(
            "contractor_id", "==", query.contractor_id)
        queries = [mine.filter("quote_id", "==", query.quote_id), mine.filter(QUOTE_ID_FOLDED, "==", wanted)]
    else:
        path = quote_path(query.manager_id, query.quote_id)
        data = uow.get(path)
        if data is not None:
            found[path] = data
        queries = [Query(f"managers/{query.manager_id}/quotes", limit=rules.MAX_LIMIT, order_by=by_activity).filter(
            QUOTE_ID_FOLDED, "==", wanted)]
    for q in queries:
        for document in uow.query(q):
            found.setdefault(document.path, document.data)
    rows = []
    for path, data in found.items():
        try:
            quote = quote_from(data)
        except ValidationError:
            log.warning("unreadable quote skipped", extra={"path": path})
            continue
        if rules.in_scope(query, path, quote) and rules.reference_matches(query, quote):
            rows.append((path, quote, data.get(UPDATED_AT)))
    rows.sort(key=lambda row: (row[2], row[0]), reverse=True)
    return rows[:query.limit + 1]


def _summary(quote: Quote, updated_at: Any, client_kind: str, mission_title: str | None) -> QuoteSummary:
    current = quote.current
    return QuoteSummary(
        manager_id=quote.manager_id, quote_id=quote.quote_id, contractor_id=quote.contractor_id,
        contract_id=quote.contract_id, title=quote.title, state=quote.state, state_label=rules.state_label(quote.state),
        requested_at=quote.requested_at, current_version=current.version if current else None,
        total_cents=rules.total_cents(quote), valid_until=quote.valid_until, order_id=quote.order_id,
        mission_id=quote.mission_id, mission_title=mission_title, created_order_id=quote.created_order_id,
        time_zone=quote.clock.time_zone,
        answer_due_at=quote.answer_due_at, client_kind=client_kind, site=quote.site, updated_at=updated_at)


def _client_kinds(uow: UnitOfWork, query: QuoteQuery, manager_ids: set[str]) -> dict[str, str]:
    """Whose spaces the page's quotes are in (``managers/<m>.kind``), in one read: a contractor's are in managers'
    and beneficiaries' spaces; a beneficiary's in its own. A manager's space is a manager's: no read."""
    if not manager_ids or query.role == "manager":
        return {}
    found = uow.get_all([f"managers/{m}" for m in sorted(manager_ids)])
    return {path.split("/")[1]: "beneficiary" for path, data in found.items()
            if (data or {}).get("kind") == "beneficiary"}

