"""Order lists (A11, A3 c): query parsing and scoping, lateness, pagination — pure rules and service."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.order_list import Cursor, OrderQuery, lateness, parse_query
from shared.domain.orders import Order, OrderState
from shared.service.order_list import list_orders
from shared.service.order_store import UPDATED_AT, order_doc, order_path
from tests.builders import MANAGER, NOW, an_order
from tests.fakes import World


class Orders:
    """Orders stored as the order service stores them, each with its activity time, in a World;
    counts the pages the list asks for."""

    def __init__(self, rows: list[tuple[Order, dt.datetime]]):
        self.world = World(NOW)
        self.pages = 0
        for order, updated_at in rows:
            path = order_path(order.manager_id, order.order_id)
            self.world.seed(path, {**order_doc(order), UPDATED_AT: updated_at})
            self.world.seed(f"{path}/events/s0000001", {"label": "Pris en compte",
                                                         "received_at": "2026-03-03T08:00:01+00:00",
                                                         "occurred_at": "2026-03-03T08:00:00+00:00"})
            for n in range(2):
                self.world.seed(f"{path}/documents/sha{n}", {"sha256": f"sha{n}"})
        query = self.world.db.query

        def counted(q):
            self.pages += q.collection == "orders" or q.collection.endswith("/orders")
            return query(q)

        self.world.db.query = counted

    def list(self, q: OrderQuery, **kwargs) -> dict:
        return list_orders(q, self.world.uow(), self.world.clock, **kwargs)


def row(order_id: str, minutes_ago: int, manager: str = MANAGER, **fields) -> tuple[Order, dt.datetime]:
    return an_order(order_id, **{"manager_id": manager, **fields}), NOW - dt.timedelta(minutes=minutes_ago)


def query(role: str = "manager", tenant: str = MANAGER, **args: str) -> OrderQuery:
    parsed, errors = parse_query(role, tenant, args)
    assert errors == []
    return parsed


# --- scoping and parsing -----------------------------------------------------------------------


def test_a_manager_lists_its_own_space_whatever_the_query_says():
    # When a manager names another manager or filters by contractor
    parsed, errors = parse_query("manager", "mgr-a", {"manager_id": "mgr-b"})
    # Then naming a space is refused, and a contractor filter stays inside its own space
    assert [e.field for e in errors] == ["query.manager_id"] and parsed is None
    scoped = query("manager", "mgr-a", contractor_id="ctr-x")
    assert (scoped.manager_id, scoped.contractor_id, scoped.across_spaces) == ("mgr-a", "ctr-x", False)


def test_a_contractor_lists_only_its_own_orders_across_spaces():
    scoped = query("contractor", "ctr-acme", manager_id="mgr-a")
    assert (scoped.contractor_id, scoped.manager_id, scoped.across_spaces) == ("ctr-acme", "mgr-a", True)
    _, errors = parse_query("contractor", "ctr-acme", {"contractor_id": "ctr-other"})
    assert [e.code for e in errors] == ["UNKNOWN_FIELD"]


def test_every_bad_parameter_is_reported_at_once_in_french():
    _, errors = parse_query("manager", MANAGER, {"state": "done", "late": "peut-être", "limit": "1000",
                                                 "updated_since": "hier", "cursor": "@@@", "contractor_id": "a b"})
    assert {(e.field, e.code) for e in errors} == {
        ("query.state", "INVALID_VALUE"), ("query.late", "INVALID_VALUE"), ("query.limit", "OUT_OF_RANGE"),
        ("query.updated_since", "INVALID_FORMAT"), ("query.cursor", "INVALID_CURSOR"),
        ("query.contractor_id", "INVALID_FORMAT")}
    assert all(e.message and "{" not in e.message for e in errors)


def test_a_cursor_round_trips_and_a_forged_one_is_refused():
    cursor = Cursor(NOW, "managers/m/orders/BC-1")
    assert Cursor.decode(cursor.encode()) == cursor
    assert Cursor.decode(Cursor(NOW, "contractors/c/messages/x").encode()) is None
    assert Cursor.decode("bm90IGpzb24") is None


# --- lateness --------------------------------------------------------------------------------


@pytest.mark.parametrize("state, fields, expected", [
    (OrderState.IN_PROGRESS, {"planned_start": "2026-03-02T08:00:00+01:00", "planned_end": "2026-03-03T08:00:00+01:00"},
     "end_missed"),
    (OrderState.SCHEDULED, {"appointment": {"start": "2026-03-03T08:30:00+00:00"}}, "start_missed"),
    (OrderState.SCHEDULED, {"appointment": {"start": "2026-03-03T09:30:00+00:00"}}, None),
    (OrderState.ACKNOWLEDGED, {"requested_end": "2026-03-02"}, "end_missed"),
    (OrderState.ACKNOWLEDGED, {"requested_end": "2026-03-03"}, None),
    (OrderState.COMPLETED, {"planned_end": "2026-03-01T08:00:00+01:00"}, None),
    (OrderState.ON_HOLD, {"planned_end": "2026-03-01T08:00:00+01:00", "state_before_hold": "in_progress"}, None),
    (OrderState.TO_ACKNOWLEDGE, {}, None),
])
def test_an_order_is_late_when_behind_its_own_schedule(state, fields, expected):
    # Given an order in a state, with its dates; When it is looked at on NOW (2026-03-03 09:00 UTC)
    # Then it is late for the expected reason, or not at all
    assert lateness(an_order(state=state, **fields), NOW) == expected


# --- pages -----------------------------------------------------------------------------------


def test_pages_follow_activity_and_the_cursor_continues_where_the_last_page_ended():
    # Given five orders of the manager and one of another manager
    orders = Orders([row(f"BC-{n}", minutes_ago=n) for n in range(1, 6)] + [row("X-1", 0, "mgr-other")])
    # When they are listed two at a time
    seen, cursor, pages = [], None, 0
    while True:
        page = orders.list(OrderQuery(MANAGER, None, False, limit=2, cursor=Cursor.decode(cursor) if cursor else None))
        seen += [o["order_id"] for o in page["orders"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Then every order of the space came once, most recent activity first, never another space's
    assert seen == ["BC-1", "BC-2", "BC-3", "BC-4", "BC-5"] and pages == 3


def test_late_only_scans_past_on_time_orders_and_says_why_each_is_late():
    # Given on-time orders around two late ones
    late = {"state": OrderState.IN_PROGRESS, "planned_start": "2026-03-01T08:00:00+01:00",
            "planned_end": "2026-03-02T08:00:00+01:00"}
    rows = [row(f"OK-{n}", n) for n in range(1, 8)] + [row("LATE-1", 3, **late), row("LATE-2", 9, **late)]
    # When the late ones are asked, one per page
    orders = Orders(rows)
    first = orders.list(query(late="true", limit="1"))
    second = orders.list(query(late="true", limit="1", cursor=first["next_cursor"]))
    # Then each page holds one late order with its reason, and the list ends after the second
    assert [o["order_id"] for o in first["orders"]] == ["LATE-1"] and first["next_cursor"]
    assert [o["order_id"] for o in second["orders"]] == ["LATE-2"] and second["next_cursor"] is None
    assert first["orders"][0]["late"] is True and first["orders"][0]["late_reason"] == "end_missed"
    assert first["orders"][0]["late_label"] == "fin prévue dépassée"


def test_a_long_scan_stops_with_a_cursor_instead_of_reading_everything():
    rows = [row(f"OK-{n:03d}", n) for n in range(1, 301)]
    orders = Orders(rows)
    page = orders.list(query(late="true"), scan_limit=150)
    assert page["orders"] == [] and page["next_cursor"] is not None and orders.pages == 2
    resumed = Cursor.decode(page["next_cursor"])
    assert resumed.path == "managers/mgr-test/orders/OK-200"


def test_a_row_shows_state_progress_schedule_last_event_and_documents():
    rows = [row("BC-1", 1, state=OrderState.SCHEDULED, progress=10,
                appointment={"start": "2026-03-05T08:30:00+01:00"})]
    [listed] = Orders(rows).list(query())["orders"]
    assert listed["state"] == "scheduled" and listed["state_label"] == "planifié" and listed["progress"] == 10
    assert listed["appointment"]["start"] == "2026-03-05T08:30:00+01:00"
    assert listed["last_event"]["label"] == "Pris en compte" and listed["document_count"] == 2
    assert listed["late"] is False
    assert dt.datetime.fromisoformat(listed["updated_at"]) == NOW - dt.timedelta(minutes=1)


def test_a_contractor_lists_its_orders_in_every_space_and_may_narrow_to_one_manager():
    # Given orders of two managers addressed to ctr-test, and one addressed to another contractor
    orders = Orders([row("A-1", 1), row("B-1", 2, "mgr-other"), row("C-1", 3, contractor_id="ctr-other")])
    # When the contractor lists them, then only those of mgr-other
    everywhere = orders.list(query("contractor", "ctr-test"))["orders"]
    narrowed = orders.list(query("contractor", "ctr-test", manager_id="mgr-other"))["orders"]
    # Then it sees its own across spaces, newest first, and never another contractor's
    assert [(o["manager_id"], o["order_id"]) for o in everywhere] == [(MANAGER, "A-1"), ("mgr-other", "B-1")]
    assert [o["order_id"] for o in narrowed] == ["B-1"]


# --- the search by reference as people type it (trimmed, regardless of case) ------------------------


def test_a_reference_typed_in_lower_case_with_spaces_finds_the_order_and_both_orders_differing_only_by_case():
    # Given a manager's orders BC-2026-014 and bc-2026-014 (ids are case-sensitive), another, and another space's
    orders = Orders([row("BC-2026-014", 1), row("bc-2026-014", 3), row("BC-2026-015", 2),
                     row("BC-2026-014", 4, "mgr-other")])
    # When the manager types the reference as read on paper: lower case, spaces around it
    parsed, errors = parse_query("manager", MANAGER, {"order_id": "  Bc-2026-014 "})
    found = orders.list(parsed)["orders"]
    # Then both of its orders of that reference are rows, most recent activity first, and nothing of another space
    assert errors == [] and parsed.order_id == "Bc-2026-014"
    assert [(o["manager_id"], o["order_id"]) for o in found] == [(MANAGER, "BC-2026-014"), (MANAGER, "bc-2026-014")]
    # And the exact reference still finds both, and a blank one is no search at all
    assert len(orders.list(query(order_id="BC-2026-014"))["orders"]) == 2
    assert parse_query("manager", MANAGER, {"order_id": "   "})[0].order_id is None
    # And a space inside a reference is still no identifier
    _, errors = parse_query("manager", MANAGER, {"order_id": "BC 2026"})
    assert [(e.field, e.code) for e in errors] == [("query.order_id", "INVALID_FORMAT")]


def test_a_contractor_finds_its_orders_regardless_of_case_in_every_space_and_never_anothers():
    # Given a contractor's order in two spaces under references differing by case, and another contractor's
    orders = Orders([row("A-1", 1), row("a-1", 3, "mgr-other"), row("A-1", 2, "mgr-third", contractor_id="ctr-other")])
    # When it searches « a-1 » with or without naming a space
    across = orders.list(query("contractor", "ctr-test", order_id="a-1"))["orders"]
    in_space = orders.list(query("contractor", "ctr-test", manager_id=MANAGER, order_id="a-1"))["orders"]
    # Then it finds its own in each space it is addressed to it, and never the other contractor's
    assert [(o["manager_id"], o["order_id"]) for o in across] == [(MANAGER, "A-1"), ("mgr-other", "a-1")]
    assert [(o["manager_id"], o["order_id"]) for o in in_space] == [(MANAGER, "A-1")]
    assert orders.list(query("contractor", "ctr-test", manager_id="mgr-third", order_id="a-1"))["orders"] == []


def test_an_order_stored_before_orders_kept_their_folded_reference_is_found_by_its_exact_reference():
    # Given an order stored without order_id_folded (before the backfill)
    orders = Orders([])
    orders.world.seed(order_path(MANAGER, "A-1"), {k: v for k, v in {**order_doc(an_order("A-1")), UPDATED_AT: NOW}.items()
                                                   if k != "order_id_folded"})
    # When the manager or the contractor searches its exact reference
    # Then it is found (read by its path; the contractor: queried by its exact id), and not by another case
    assert [o["order_id"] for o in orders.list(query(order_id="A-1"))["orders"]] == ["A-1"]
    assert [o["order_id"] for o in orders.list(query("contractor", "ctr-test", order_id="A-1"))["orders"]] == ["A-1"]
    assert orders.list(query(order_id="a-1"))["orders"] == []



# --- one order's row (A11 real-time view: the row a stream event named) ---------------------------


def test_one_orders_row_is_read_by_its_path_in_the_callers_scope_and_through_the_lists_filters():
    # Given orders of two managers, one addressed to another contractor
    orders = Orders([row("A-1", 1, state=OrderState.SCHEDULED, progress=30), row("A-2", 2),
                     row("B-1", 3, "mgr-other"), row("C-1", 4, contractor_id="ctr-other")])
    # When the manager asks for A-1's row
    page = orders.list(query(order_id="A-1"))
    # Then it gets that row alone, as the list shows it, without scanning the list (one read by its path, one query on
    # the reference regardless of case)
    assert [(o["order_id"], o["state"], o["progress"], o["document_count"]) for o in page["orders"]] == [
        ("A-1", "scheduled", 30, 2)]
    assert page["orders"][0]["last_event"]["label"] == "Pris en compte" and page["next_cursor"] is None
    assert orders.pages == 1
    # And a row that no longer matches the list's filters is not there: the list drops it
    assert orders.list(query(order_id="A-1", state="in_progress"))["orders"] == []
    assert orders.list(query(order_id="A-1", late="true"))["orders"] == []
    assert orders.list(query(order_id="A-1", contractor_id="ctr-other"))["orders"] == []
    assert orders.list(query(order_id="A-1", updated_since=NOW.isoformat()))["orders"] == []
    # And an order of another space is never read by a manager: its own space is the only path
    assert orders.list(query(order_id="B-1"))["orders"] == []
    assert orders.list(query(order_id="NOPE"))["orders"] == []


def test_a_contractor_reads_one_of_its_orders_rows_naming_its_space_and_never_anothers_order():
    orders = Orders([row("A-1", 1), row("C-1", 2, contractor_id="ctr-other"), row("B-1", 3, "mgr-other")])
    # When the contractor asks for its order's row in a space, then for another contractor's order
    mine = orders.list(query("contractor", "ctr-test", manager_id="mgr-other", order_id="B-1"))["orders"]
    theirs = orders.list(query("contractor", "ctr-test", manager_id=MANAGER, order_id="C-1"))["orders"]
    # Then it gets its own, and nothing of the other's
    assert [(o["manager_id"], o["order_id"]) for o in mine] == [("mgr-other", "B-1")] and theirs == []
    # And a cursor has nothing to continue
    first = Cursor(NOW, "managers/mgr-test/orders/A-1").encode()
    _, errors = parse_query("manager", MANAGER, {"order_id": "A-1", "cursor": first})
    assert [(e.field, e.code) for e in errors] == [("query.cursor", "INVALID_VALUE")]
    _, errors = parse_query("manager", MANAGER, {"order_id": "../x"})
    assert [(e.field, e.code) for e in errors] == [("query.order_id", "INVALID_FORMAT")]
    assert "une seule ligne" in parse_query("manager", MANAGER, {"order_id": "A-1", "cursor": first})[1][0].message


def test_a_contractor_finds_its_order_by_reference_without_naming_the_space():
    # Given a contractor's orders in two spaces, one reference in both, and another contractor's order
    orders = Orders([row("A-1", 1), row("B-1", 3, "mgr-other"), row("A-1", 4, "mgr-other"),
                     row("C-1", 2, contractor_id="ctr-other")])
    # When it searches a reference without naming the client's space (« Mes commandes », search by reference)
    found = orders.list(query("contractor", "ctr-test", order_id="A-1"))
    # Then it gets that order in every space it is addressed to it, most recent activity first, and no cursor
    assert [(o["manager_id"], o["order_id"]) for o in found["orders"]] == [(MANAGER, "A-1"), ("mgr-other", "A-1")]
    assert found["next_cursor"] is None
    # And another contractor's order, or a reference it does not have, is no row
    assert orders.list(query("contractor", "ctr-test", order_id="C-1"))["orders"] == []
    assert orders.list(query("contractor", "ctr-test", order_id="NOPE"))["orders"] == []
    # And the other filters still apply
    assert orders.list(query("contractor", "ctr-test", order_id="A-1", state="in_progress"))["orders"] == []


def test_the_edge_trims_the_typed_reference_before_the_identifier_rule_and_no_other_id(monkeypatch):
    # Given list_orders behind its real edge, the caller a manager with the right to read orders
    import json

    import flask

    from functions.list_orders import list_orders as endpoint
    from shared import bootstrap
    from shared.edge import tenancy
    from shared.edge.auth import Principal

    orders = Orders([row("BC-2026-014", 1)])
    principal = Principal(uid="u1", role="manager", tenant=MANAGER, rights=frozenset({"orders.read"}))
    monkeypatch.setattr(tenancy, "principal_errors", lambda role, tenant, reader: [])
    monkeypatch.setattr(bootstrap, "authenticator", lambda: type("A", (), {"verify": lambda self, a: principal})())
    monkeypatch.setattr(bootstrap, "reader", orders.world.uow)
    monkeypatch.setattr(bootstrap, "clock", lambda: orders.world.clock)

    def get(query: str) -> tuple[int, dict]:
        with flask.Flask(__name__).test_request_context(f"/?{query}", method="GET",
                                                         headers={"Authorization": "Bearer x"}):
            response = endpoint(flask.request)
        return response.status_code, json.loads(response.get_data())

    # When the reference comes as typed from a paper order: spaces around it, lower case
    status, page = get("order_id=%20%20bc-2026-014%20")
    # Then the order is found; a space around another id is still refused with its field
    assert status == 200 and [o["order_id"] for o in page["orders"]] == ["BC-2026-014"]
    status, problem = get("order_id=BC-2026-014&contractor_id=%20ctr-test")
    assert status == 400 and [e["field"] for e in problem["errors"]] == ["query.contractor_id"]
