"""The list of quotes (A2 quotes, A11 lists) — pure rules: what a ``list_quotes`` query may ask, its opaque cursor,
and one row of the list.

A buyer — a manager, or a beneficiary (its missions' quotes live in its own manager-like space) — lists the quotes of
its own space and may filter by contractor; a contractor lists the quotes asked of it (or raised by it) in every
space and may filter by space (``manager_id``). Both may filter by state, by the order a supplementary quote completes
(``order_id``) and by the property-tree node it concerns (``node_id``, A7), and search one by its reference
(``quote_id``, as people type it: spaces around it trimmed, regardless of case — every quote whose reference differs
only by case, with the other filters, and no cursor). The space or the contractor always comes
from the token, never from the query. Pages follow activity — ``updated_at`` (the server's time of the quote's last
write), then the document path, newest first — with ``limit`` (1 to 200, 200 by default: the answer without
parameters is the one ERPs have always read) and ``cursor`` (``next_cursor`` of the page before).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain.errors import ErrorDetail
from shared.domain import list_cursor
from shared.domain.list_cursor import ActivityCursor
from shared.domain.list_limits import MAX_ROWS
from shared.domain.quotes import LABELS, Quote, QuoteState

MAX_LIMIT = MAX_ROWS
DEFAULT_LIMIT = MAX_ROWS  # without ``limit``: the 200 most active quotes, as list_quotes always answered
_PATH = re.compile(r"^managers/([^/]+)/quotes/([^/]+)$")
_BUYERS = ("manager", "beneficiary")


class QuoteCursor(ActivityCursor):
    """Where the previous page of quotes stopped: the last row's activity time and its document path."""

    PATH = _PATH


@dataclass(frozen=True)
class QuoteQuery:
    """A validated list query, already scoped to the caller."""

    manager_id: str | None  # the space listed (a buyer's own), or a contractor's optional filter
    contractor_id: str | None  # a contractor's own tenant, or a buyer's optional filter
    across_spaces: bool  # True for a contractor: the quotes asked of it in every space
    state: QuoteState | None = None
    order_id: str | None = None  # a supplementary quote's order (A2.5)
    node_id: str | None = None  # the property-tree node of its site (A7)
    quote_id: str | None = None  # the search by reference (trimmed; compared regardless of case)
    limit: int = DEFAULT_LIMIT
    cursor: QuoteCursor | None = None
    role: str = "manager"  # the caller's: a manager's space is a manager's (its rows' client_kind without a read)


def parse_query(role: str, tenant: str, args: Mapping[str, str]) -> tuple[QuoteQuery | None, list[ErrorDetail]]:
    """The query of a GET list_quotes, scoped by the caller's role and tenant (from its token); every bad parameter
    is reported at once, with its field, in French. Unknown parameters are refused rather than ignored, and so is a
    cursor from another space than a buyer's own (it could only point outside the list)."""
    errors: list[ErrorDetail] = []
    contractor_view = role not in _BUYERS
    other_party = "manager_id" if contractor_view else "contractor_id"
    allowed = {"state", "order_id", "node_id", "quote_id", "limit", "cursor", other_party}
    for name in sorted(set(args) - allowed):
        errors.append(ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD"))

    def identifier(name: str) -> str | None:
        return list_cursor.identifier(args, name, errors)

    other, order_id, node_id = identifier(other_party), identifier("order_id"), identifier("node_id")
    quote_id = list_cursor.reference(args, "quote_id", errors)
    if quote_id is not None and args.get("cursor"):
        errors.append(ErrorDetail.of("query.cursor", "INVALID_VALUE",
                                     detail="sans objet avec quote_id (une seule référence)"))
    state = None
    if args.get("state"):
        try:
            state = QuoteState(args["state"])
        except ValueError:
            errors.append(ErrorDetail.of("query.state", "INVALID_VALUE",
                                         detail=", ".join(s.value for s in QuoteState) + " attendu"))
    limit = list_cursor.limit(args, DEFAULT_LIMIT, MAX_LIMIT, errors)
    cursor = None
    if args.get("cursor") and quote_id is None:
        cursor = QuoteCursor.decode(args["cursor"])
        if cursor is None or (not contractor_view and not cursor.path.startswith(f"managers/{tenant}/quotes/")):
            errors.append(ErrorDetail.of("query.cursor", "INVALID_CURSOR"))
            cursor = None
    if errors:
        return None, errors
    return QuoteQuery(
        manager_id=other if contractor_view else tenant, contractor_id=tenant if contractor_view else other,
        across_spaces=contractor_view, state=state, order_id=order_id, node_id=node_id, quote_id=quote_id, limit=limit,
        cursor=cursor, role=role,
    ), []


def in_scope(query: QuoteQuery, path: str, quote: Quote) -> bool:
    """Belt and braces after the store's own filters: the row is in the space listed, or asked of the contractor."""
    found = _PATH.fullmatch(path)
    if found is None or quote.manager_id != found.group(1):
        return False
    if query.manager_id is not None and quote.manager_id != query.manager_id:
        return False
    return query.contractor_id is None or quote.contractor_id == query.contractor_id


def reference_matches(query: QuoteQuery, quote: Quote) -> bool:
    """The search by reference (``quote_id``), on a quote found by it: its reference regardless of case, and the
    filters the store would have applied to the list (state, the order it completes, its site's node)."""
    if query.quote_id is None or list_cursor.folded(quote.quote_id) != list_cursor.folded(query.quote_id):
        return False
    if query.state is not None and quote.state != query.state:
        return False
    if query.order_id is not None and quote.order_id != query.order_id:
        return False
    return query.node_id is None or quote.site.node_id == query.node_id


def total_cents(quote: Quote) -> int | None:
    """The current version's total, None before the first submission."""
    current = quote.current
    return None if current is None else sum(line.amount_cents for line in current.lines)


def state_label(state: QuoteState) -> str:
    return LABELS[state]
