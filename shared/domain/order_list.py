"""Lists of orders for the real-time view (A11) and the web application (A3 c) — pure rules.

What a list query may ask (``parse_query``), when an order is late (``lateness``), what one row
of the list shows (``summary``) and the opaque pagination cursor. The caller's own identity is
never read from the query: the space (a manager) or the contractor comes from the token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain.base import Model
from shared.domain.errors import ErrorDetail
from shared.domain import list_cursor, order_search
from shared.domain.list_cursor import ActivityCursor
from shared.domain.order_search import Search
from shared.domain.orders import (
    STATE_LABELS, Actor, Appointment, Order, OrderState, SiteRef, next_states,
)
from shared.domain.order_moves import actor_for_role

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_TRUE, _FALSE = frozenset({"true", "1", "oui"}), frozenset({"false", "0", "non", ""})

# Orders whose work is behind them, or stopped: never late in the list (on hold pauses deadlines).
_NOT_LATE_STATES = frozenset({
    OrderState.COMPLETED, OrderState.RECEIVED, OrderState.INVOICED, OrderState.CLOSED,
    OrderState.CANCELLED, OrderState.CANNOT_COMPLETE, OrderState.ON_HOLD,
})
_NOT_STARTED_STATES = frozenset({OrderState.TO_ACKNOWLEDGE, OrderState.ACKNOWLEDGED, OrderState.SCHEDULED})

LATE_LABELS = {
    "start_missed": "début prévu dépassé sans démarrage",
    "end_missed": "fin prévue dépassée",
}


class Cursor(ActivityCursor):
    """Where the previous page of orders stopped: the last row's activity time and its document path."""

    PATH = re.compile(r"managers/[^/]+/orders/[^/]+")


@dataclass(frozen=True)
class OrderQuery:
    """A validated list query, already scoped to the caller."""

    manager_id: str | None  # the space listed (a manager's own), or a contractor's optional filter
    contractor_id: str | None  # a contractor's own tenant, or a manager's optional filter
    across_spaces: bool  # True for a contractor: its orders in every manager's space
    state: OrderState | None = None
    late_only: bool = False
    updated_since: dt.datetime | None = None
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None
    actor: Actor | None = None  # who the caller acts as on an order (each row's next_states)
    # A11 real-time view: one order's row (the one a stream event named), if it is in scope and matches the filters
    order_id: str | None = None
    # A7 property tree, A11 lists: only the orders under this node of the manager's tree (a site, a building…):
    # those whose ``site_path`` names it (array-contains)
    node_id: str | None = None
    # A11 lists, A2.4: the orders whose reference starts with, or whose title holds the words of, what was typed
    # (``q``, shared/domain/order_search.py): one short list, no cursor
    search: Search | None = None


def parse_query(role: str, tenant: str, args: dict[str, str], rights: Collection[str] = ()
                ) -> tuple[OrderQuery | None, list[ErrorDetail]]:
    """The query of a GET list_orders, scoped by the caller's role and tenant (from its token).

    A manager (or a beneficiary, the manager of its missions' orders) lists its own space and may
    filter by contractor; a contractor lists the orders addressed to it in every space and may
    filter by manager. Unknown parameters are refused rather than ignored.

    ``order_id`` asks for one order's row (A11 real-time view: the row a stream event named; the
    lists' search by reference, as typed: trimmed, regardless of case): the list of that order alone — or
    of the orders whose references differ only by case — if it is in the caller's scope and matches the
    other filters, else an empty list. A contractor may name its space (``manager_id``);
    without it, it gets the order of that reference in every space it is addressed to it (an order
    id is unique in a space only). A cursor has nothing to continue there.

    ``node_id`` keeps the orders under that node of the manager's tree (A7; a site: every order on a building,
    dwelling or equipment of it), by the path from its site each order keeps (``Order.site_path``): for either role,
    within the caller's scope only, so another manager's node id finds nothing of it.

    ``q`` finds orders by the start of their reference or the words of their title (shared/domain/order_search.py):
    one list of at most ``limit`` rows, no cursor (a longer one is narrowed by typing more), combined with every
    other filter; with ``order_id``, that order's row if the search also finds it (A11: a searched list re-reads a
    changed order's row).
    """
    errors: list[ErrorDetail] = []
    contractor_view = role == "contractor"
    allowed = {"state", "late", "updated_since", "limit", "cursor", "order_id", "node_id", "q",
               "manager_id" if contractor_view else "contractor_id"}
    for name in sorted(set(args) - allowed):
        errors.append(ErrorDetail.of(f"query.{name}", "UNKNOWN_FIELD"))

    def identifier(name: str) -> str | None:
        return list_cursor.identifier(args, name, errors)

    other = identifier("manager_id" if contractor_view else "contractor_id")
    order_id = list_cursor.reference(args, "order_id", errors)
    node_id = identifier("node_id")
    search = order_search.parse(args, "q", errors)
    if order_id is not None and args.get("cursor"):
        errors.append(ErrorDetail.of("query.cursor", "INVALID_VALUE",
                                     detail="sans objet avec order_id (une seule ligne)"))
    elif args.get("q", "").strip() and args.get("cursor"):
        errors.append(ErrorDetail.of("query.cursor", "INVALID_VALUE",
                                     detail="sans objet avec q (une seule liste, précisez la recherche)"))
    state = None
    if args.get("state"):
        try:
            state = OrderState(args["state"])
        except ValueError:
            errors.append(ErrorDetail.of("query.state", "INVALID_VALUE",
                                         detail="états possibles : " + ", ".join(s.value for s in OrderState)))
    late = (args.get("late") or "").lower()
    if late not in _TRUE | _FALSE:
        errors.append(ErrorDetail.of("query.late", "INVALID_VALUE", detail="true ou false"))
    since = None
    if args.get("updated_since"):
        try:
            since = dt.datetime.fromisoformat(args["updated_since"].replace(" ", "+"))
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            errors.append(ErrorDetail.of("query.updated_since", "INVALID_FORMAT",
                                         detail="date-heure ISO 8601 avec fuseau, ex. 2026-03-03T09:00:00+01:00"))
            since = None
    limit = list_cursor.limit(args, DEFAULT_LIMIT, MAX_LIMIT, errors)
    cursor = None
    if args.get("cursor"):
        cursor = Cursor.decode(args["cursor"])
        if cursor is None:
            errors.append(ErrorDetail.of("query.cursor", "INVALID_CURSOR"))
    if errors:
        return None, errors
    return OrderQuery(
        manager_id=other if contractor_view else tenant,
        contractor_id=tenant if contractor_view else other,
        across_spaces=contractor_view, state=state, late_only=late in _TRUE, updated_since=since,
        limit=limit, cursor=cursor, actor=actor_for_role(role, rights), order_id=order_id,
        node_id=node_id, search=search,
    ), []


def _due_end(order: Order) -> dt.datetime | None:
    if order.planned_end is not None:
        return order.planned_end
    if order.appointment is not None:
        return order.appointment.end or order.appointment.start
    return None


def _due_start(order: Order) -> dt.datetime | None:
    if order.appointment is not None:
        return order.appointment.start
    return order.planned_start


def _end_of_day(day: dt.date, like: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=like.tzinfo)


def lateness(order: Order, now: dt.datetime) -> str | None:
    """Why an order is late at ``now`` (``start_missed``, ``end_missed``), or None.

    Late means behind its own schedule: not started after its appointment or planned start, or
    still running after its planned end, appointment or requested end date (end of that day, in
    the order's issue time zone). Finished, stopped and suspended orders are never late.
    """
    if order.state in _NOT_LATE_STATES:
        return None
    start = _due_start(order)
    if order.state in _NOT_STARTED_STATES and start is not None and now > start:
        return "start_missed"
    end = _due_end(order)
    if end is None and order.requested_end is not None:
        end = _end_of_day(order.requested_end, order.issued_at)
    if end is not None and now > end:
        return "end_missed"
    return None


def matches(query: OrderQuery, order: Order, now: dt.datetime) -> bool:
    """The rules the store cannot apply: lateness depends on now."""
    return not query.late_only or lateness(order, now) is not None


def one_order_matches(query: OrderQuery, order: Order, updated_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether one order read by its path (``order_id``), or found by a search (``q``), belongs in the list the query
    describes: in the caller's scope (its space, or addressed to the contractor), found by the search if any, and
    through every filter the store would apply."""
    if query.order_id is not None and list_cursor.folded(order.order_id) != list_cursor.folded(query.order_id):
        return False
    if query.order_id is None and query.search is None:
        return False
    if query.manager_id is not None and order.manager_id != query.manager_id:
        return False
    if query.contractor_id is not None and order.contractor_id != query.contractor_id:
        return False
    if query.state is not None and order.state != query.state:
        return False
    if query.node_id is not None and query.node_id not in order.site_path:
        return False
    if query.search is not None and not order_search.matches(query.search, order.order_id, order.title):
        return False
    if query.updated_since is not None and (updated_at is None or updated_at < query.updated_since):
        return False
    return matches(query, order, now)


class LastEvent(Model):
    """The most recent entry of the order's history (see OrderEvent in get_order)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="LastEvent")

    event_id: str
    label: str | None = None
    occurred_at: AwareDatetime | None = None
    received_at: AwareDatetime | None = None
    actor: Actor | None = None
    state_after: OrderState | None = None
    late: bool | None = Field(default=None, description="Contractor reports only: sent over 15 minutes late (A5).")


class OrderSummary(Model):
    """One row of list_orders: what a dashboard shows without opening the order (A11)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderSummary")

    manager_id: str = Field(description="The space the order lives in.")
    order_id: str
    contractor_id: str
    contract_id: str
    title: str
    site: SiteRef
    state: OrderState
    state_label: str = Field(description="The state in French, as in the A6 annex.")
    next_states: list[OrderState] = Field(
        description="The states the caller's role may move the order to next (the state machine's table); "
                    "empty for a beneficiary and for a closed, cancelled or impossible order.")
    progress: int | None = Field(description="Overall progress in %, as last reported.")
    issued_at: AwareDatetime
    requested_start: dt.date | None
    requested_end: dt.date | None
    planned_start: AwareDatetime | None
    planned_end: AwareDatetime | None
    appointment: Appointment | None
    last_sequence: int = Field(description="Sequence of the last accepted contractor report; the next is this + 1.")
    last_event_at: AwareDatetime | None = Field(description="occurred_at of the last event applied.")
    last_event: LastEvent | None
    updated_at: AwareDatetime = Field(description="When the platform last changed the order (the list's order).")
    late: bool = Field(description="Behind its own schedule now (see late_reason).")
    late_reason: Literal["start_missed", "end_missed"] | None
    late_label: str | None = Field(description="late_reason in French.")
    document_count: int = Field(description="PDF documents attached (get_documents lists them).")
    total_cents: int
    mission_id: str | None = Field(default=None, description=(
        "B11: the mission whose order this is (the order lives in its beneficiary's space), from the order's record; "
        "null for a part A order. The web app names the client « Bénéficiaire » then, « Gestionnaire » otherwise."))
    time_zone: str | None = Field(default=None, description=(
        "B18: the IANA time zone of the order's territory (kept on the order at issue; for an order stored before, "
        "read from its site's or node's commune), which the web app's lists show an overseas order's dates on; null "
        "when only its contract or manager would say (get_order's time_zone says then)."))


class OrderList(Model):
    """What list_orders answers: one page, most recent activity first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderList")

    orders: list[OrderSummary]
    next_cursor: str | None = Field(description="Pass it as ?cursor= for the next page; null at the end of the list. "
                                                "A page may hold fewer rows than the limit (late=true scans) and "
                                                "still have a next page.")
    as_of: AwareDatetime = Field(description="The platform time the page was computed at; pass it as "
                                             "updated_since on the next poll to get only what changed.")


def summary(order: Order, now: dt.datetime, *, updated_at: dt.datetime, last_event: dict[str, Any] | None,
            document_count: int, actor: Actor | None = None) -> OrderSummary:
    """One row of the list: what a dashboard shows without opening the order; ``actor``: the
    caller's (its row's ``next_states``)."""
    late = lateness(order, now)
    event = None
    if last_event:
        event = LastEvent.model_validate({key: last_event.get(key) for key in LastEvent.model_fields
                                          if last_event.get(key) is not None})
    return OrderSummary(
        manager_id=order.manager_id, order_id=order.order_id, contractor_id=order.contractor_id,
        contract_id=order.contract_id, title=order.title, site=order.site, state=order.state,
        state_label=STATE_LABELS[order.state], next_states=next_states(order, actor), progress=order.progress,
        issued_at=order.issued_at,
        requested_start=order.requested_start, requested_end=order.requested_end,
        planned_start=order.planned_start, planned_end=order.planned_end, appointment=order.appointment,
        last_sequence=order.last_sequence, last_event_at=order.last_event_at, last_event=event,
        updated_at=updated_at, late=late is not None, late_reason=late,
        late_label=LATE_LABELS.get(late) if late else None, document_count=document_count,
        total_cents=order.total_cents, mission_id=order.mission_id, time_zone=_time_zone(order),
    )


def _time_zone(order: Order) -> str | None:
    """B18: the clock of the order's territory from what its record holds, without a read (``summary``'s)."""
    from shared.domain.territories import territory_of_order
    from shared.domain.workdays import territory

    code = order.territory
    if code is None:
        choice = territory_of_order(order.site.commune, None, None, order.node_commune)
        code = choice.code if choice.source in ("commune", "node") else None
    return territory(code).time_zone if code else None
