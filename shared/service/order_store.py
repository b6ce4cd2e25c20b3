"""How an order is stored, and its live view (A11 order tracking): the reads and writes every order
service shares, apart from the commands that issue or move an order (``orders.py``), so that a
function that only reads or records on an order does not load what issuing one needs (catalogue,
contract and conformance rules, the wire messages, the order's deadlines).

  managers/{manager}/orders/{order}                 the order, in its manager's private space (A1)
  managers/{manager}/orders/{order}/events/{event}  its history (execution reports, decisions)

``updated_at`` (the server's commit time of the order's last write) is kept beside the order,
not in it: ``list_orders`` sorts on it. ``total_cents`` is stored for the same kind of reader.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from shared.domain.list_cursor import folded
from shared.domain.order_search import title_words
from shared.domain.order_moves import actor_for_role
from shared.domain.orders import Order, next_states
from shared.ports import SERVER_TIME, Query, UnitOfWork

UPDATED_AT = "updated_at"
ORDER_ID_FOLDED = "order_id_folded"  # the reference regardless of case, which list_orders' search by reference queries
TITLE_WORDS = "title_words"  # the title's words folded, which list_orders' search by word queries (array_contains)
_RECORD_ONLY = (UPDATED_AT, "total_cents", ORDER_ID_FOLDED, TITLE_WORDS)  # kept on the record, not fields of the order


class NotFound(Exception):
    """The order does not exist in the caller's space."""


# --- storage ------------------------------------------------------------------------------------


def order_path(manager_id: str, order_id: str) -> str:
    return f"managers/{manager_id}/orders/{order_id}"


def order_doc(order: Order) -> dict[str, Any]:
    """The stored record: the order as it is sent, plus what only the record keeps (``node_commune``, when
    known: B18's territory of an order whose site names no commune; ``territory``, B18's choice made at issue;
    ``site_path``, A7's path from its site down to its node, which ``list_orders?node_id=`` filters on),
    ``total_cents``, ``order_id_folded`` (the reference regardless of case: ``list_orders?order_id=``, and the
    prefix of ``list_orders?q=``), ``title_words`` (the title's words folded: the words of ``list_orders?q=``,
    ``order_search.title_words``) and ``updated_at``."""
    kept = {name: value for name, value in (("node_commune", order.node_commune), ("mission_id", order.mission_id),
                                            ("territory", order.territory)) if value is not None}
    if order.site_path:
        kept["site_path"] = list(order.site_path)
    return {**order.model_dump(mode="json"), **kept, "total_cents": order.total_cents,
            ORDER_ID_FOLDED: folded(order.order_id), TITLE_WORDS: title_words(order.title), UPDATED_AT: SERVER_TIME}


def order_from(data: dict[str, Any]) -> Order:
    return Order.model_validate({k: v for k, v in data.items() if k not in _RECORD_ONLY}, strict=False)


def load_order(uow: UnitOfWork, manager_id: str, order_id: str) -> Order | None:
    data = uow.get(order_path(manager_id, order_id))
    return order_from(data) if data is not None else None


def save_order(uow: UnitOfWork, order: Order, *, created: bool = False) -> None:
    path = order_path(order.manager_id, order.order_id)
    uow.create(path, order_doc(order)) if created else uow.update(path, order_doc(order))


def mark_changed(uow: UnitOfWork, manager_id: str, order_id: str) -> None:
    """A11 real-time view: a command that writes, beside an order, what its screens show — a timesheet or a
    replacement on its mission (B11, B12), a document or a deliverable's decision under it (B11, B7) — moves the
    order's ``updated_at`` to its own commit time, so that ``watch_orders`` (a listener on the orders alone)
    carries the change to the screens that follow the order, and its row comes first in the lists (activity).
    The order exists: a field update, nothing else of the order rewritten, no audit record of its own (the
    command's writes are audited; ``updated_at`` is the database's own field)."""
    uow.update(order_path(manager_id, order_id), {UPDATED_AT: SERVER_TIME})


def add_event(uow: UnitOfWork, order: Order, event_id: str, data: dict[str, Any]) -> None:
    uow.create(f"{order_path(order.manager_id, order.order_id)}/events/{event_id}", data)


def list_events(uow: UnitOfWork, manager_id: str, order_id: str) -> list[dict[str, Any]]:
    docs = uow.query(Query(f"{order_path(manager_id, order_id)}/events", order_by=(("received_at", "asc"),)))
    return [{"event_id": d.id, **d.data} for d in docs]


# --- reads --------------------------------------------------------------------------------------


def get_order(manager_id: str, order_id: str, uow: UnitOfWork, contractor_id: str | None = None) -> Order:
    """Read one order; a contractor reads only the orders addressed to it."""
    order = load_order(uow, manager_id, order_id)
    if order is None or (contractor_id is not None and order.contractor_id != contractor_id):
        raise NotFound(order_id)
    return order


def order_view(manager_id: str, order_id: str, role: str, uow: UnitOfWork, contractor_id: str | None = None,
               rights: Collection[str] = ()) -> dict:
    """What get_order answers: the order, its total, its territory and the clock its times read on (B18), the
    states the caller may move it to next (from the transition table; none without the right to move orders)
    and its history. NotFound as ``get_order``."""
    # One snapshot: the order (and its mission) are read, then their history (events, timesheets) by queries,
    # then both records again in one batch; a commit in between (an execution report writes the order with its
    # event, a timesheet the mission with its sheet) would show an event beside the state before it, or a sheet
    # beside the days before it: the view is read again. Every such commit changes the record (the order's
    # ``updated_at`` is its commit time), so equal records mean no commit in between.
    read = uow
    for _ in range(SNAPSHOT_TRIES):
        view, records = _order_view(manager_id, order_id, role, read, contractor_id, rights)
        if uow.fork().get_all(records) == read.get_all(records):
            break
        read = uow.fork()  # nothing cached: read anew
    return view


SNAPSHOT_TRIES = 3  # an order written continuously is answered as last read rather than never


def _order_view(manager_id: str, order_id: str, role: str, uow: UnitOfWork, contractor_id: str | None,
                rights: Collection[str]) -> tuple[dict, list[str]]:
    from shared.domain.order_moves import next_moves
    from shared.domain.territories import clock_of
    from shared.service.territories import territory_of

    order = get_order(manager_id, order_id, uow, contractor_id=contractor_id)
    actor = actor_for_role(role, rights)
    territory = territory_of(uow, order)  # kept on the record at issue: no read (an order stored before: the rule's)
    clock = clock_of(territory)
    records = [order_path(manager_id, order_id)]
    if order.mission_id is not None:
        from shared.service.sourcing import paths

        records.append(paths.mission(order.manager_id, order.mission_id))
    return {"order": order.model_dump(mode="json"), "total_cents": order.total_cents,
            "territory": territory, "time_zone": clock.time_zone, "time_zone_label": clock.label,
            "next_states": [s.value for s in next_states(order, actor)],
            "next_moves": [m.model_dump(mode="json") for m in next_moves(order, actor)],
            "events": list_events(uow, manager_id, order_id), "updated_at": updated_at(uow, manager_id, order_id),
            "mission": _mission_of(uow, order)}, records


def updated_at(uow: UnitOfWork, manager_id: str, order_id: str) -> str | None:
    """The order's ``updated_at`` as read with it (no second read: the unit of work keeps what it read), in the
    form watch_orders' events give it (A11 real-time view): get_order's, and the mission view's (missions.py)."""
    when = (uow.get(order_path(manager_id, order_id)) or {}).get(UPDATED_AT)
    return when.isoformat() if hasattr(when, "isoformat") else None


def _mission_of(uow: UnitOfWork, order: Order) -> dict | None:
    """B11: a mission's order shows its milestones' deliverables and its work mode, B12 its professional and
    replacements (one point read of its mission, one batch read of the pool's records of the professionals it names);
    any other order reads nothing and loads no sourcing module."""
    if order.mission_id is None:
        return None
    from shared.domain.sourcing.deliverables import allowed_labels
    from shared.service.sourcing import paths
    from shared.service.sourcing.mission_store import mission_of_order

    mission = mission_of_order(uow, order)
    if mission is None:
        return None
    reported, on_site = mission.timesheet_days, mission.timesheet_days_on_site
    # B12: who the professionals are, by name (as the beneficiary's mission screen and the operator's list name them)
    people = sorted({p for p in (mission.professional_id, *(r.leaving_professional_id for r in mission.replacements),
                                 *(r.replaced_by for r in mission.replacements)) if p})
    records = uow.get_all([paths.professional(p) for p in people]) if people else {}
    return {"mission_id": mission.mission_id, "work_mode": mission.work_mode.value if mission.work_mode else None,
            # B11: each milestone's days as the timesheets follow them — planned, declared (of which on site), left
            "milestones": [{"milestone_id": m.milestone_id, "label": m.label,
                            "deliverables": allowed_labels(mission, m), "days_planned": m.days,
                            "days_reported": _days(reported.get(m.milestone_id, 0)),
                            "days_on_site_reported": _days(on_site.get(m.milestone_id, 0)),
                            "days_remaining": _days(m.days - reported.get(m.milestone_id, 0))}
                           for m in mission.milestones],
            "timesheets": _timesheets(uow, order.manager_id, mission.mission_id),
            # B12 replacement: the titulaire reads who does the mission now and each change of professional
            "professional_id": mission.professional_id,
            "replacement_requested": mission.state.value == "replacement_requested",
            "replacements": [{"reason": r.reason.value, "requested_at": r.requested_at.isoformat(),
                              "leaving_professional_id": r.leaving_professional_id,
                              "due": r.deadline.due.isoformat(), "replaced_by": r.replaced_by,
                              "replaced_at": r.replaced_at.isoformat() if r.replaced_at else None}
                             for r in mission.replacements],
            "professional_names": {p: name for p in people
                                   if (name := (records.get(paths.professional(p)) or {}).get("name"))}}


def _days(value) -> str:
    """A count of days as the views write it: « 6 », « 3.5 » (no exponent, no trailing zero)."""
    from decimal import Decimal

    return format(Decimal(value).normalize(), "f")


def _timesheets(uow: UnitOfWork, beneficiary_id: str, mission_id: str) -> list[dict[str, Any]]:
    """B11: the timesheets the titulaire declared on the mission (one query of the mission's ``timesheets``), by
    period then by declaration — what each said and the days on site it counted; who declared it is the order's
    contractor, not repeated."""
    from shared.service.sourcing import paths

    rows = [row.data for row in uow.query(Query(paths.timesheets(beneficiary_id, mission_id)))]
    rows.sort(key=lambda t: (t["period_start"], t["period_end"], t.get("submitted_at") or "", t["timesheet_id"]))
    return [{"timesheet_id": t["timesheet_id"], "milestone_id": t["milestone_id"], "period_start": t["period_start"],
             "period_end": t["period_end"], "days": _days(t["days"]),
             "days_on_site": _days(t.get("days_on_site_counted") or t.get("days_on_site") or 0),
             "comment": t.get("comment"), "submitted_at": t["submitted_at"]} for t in rows]
