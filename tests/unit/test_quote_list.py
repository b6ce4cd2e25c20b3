"""The list of quotes (A2 quotes, A11 lists): query parsing and scoping, the cursor (shared/domain/quote_list.py),
and the pages on the in-memory unit of work (shared/service/quote_list.py): activity order, the cursor followed to
the end, the filters, and the lines between tenants."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.listings import QuoteList
from shared.domain.quote_list import DEFAULT_LIMIT, MAX_LIMIT, QuoteCursor, parse_query
from shared.service.quote_list import list_quotes
from shared.service.quote_store import UPDATED_AT
from tests.fakes import World

T0 = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def a_quote(manager: str, quote_id: str, contractor: str, *, requested: int = 0, state: str = "requested",
            order_id: str | None = None, node_id: str = "N") -> dict:
    return {"manager_id": manager, "quote_id": quote_id, "contract_id": "AC-1", "contractor_id": contractor,
            "title": quote_id, "site": {"node_id": node_id}, "state": state, "order_id": order_id,
            "requested_at": (T0 + dt.timedelta(minutes=requested)).isoformat()}


def a_world(*rows: tuple[dict, int]) -> World:
    """Quotes stored as the quote store writes them, each with its activity (``updated_at``, minutes after T0)."""
    world = World(T0)
    for data, active in rows:
        world.seed(f"managers/{data['manager_id']}/quotes/{data['quote_id']}",
                   {**data, UPDATED_AT: T0 + dt.timedelta(minutes=active)})
    return world


def listed(world: World, role: str, tenant: str, **args: str) -> dict:
    query, errors = parse_query(role, tenant, args)
    assert not errors, errors
    return QuoteList.model_validate(list_quotes(query, world.uow()), strict=False).model_dump(mode="json")


def ids(page: dict) -> list[str]:
    return [q["quote_id"] for q in page["quotes"]]


# --- the query ---------------------------------------------------------------------------------


def test_a_buyer_lists_its_own_space_and_a_contractor_its_quotes_across_spaces_whatever_the_query_says():
    manager, _ = parse_query("manager", "mgr-a", {})
    assert (manager.manager_id, manager.contractor_id, manager.across_spaces, manager.limit) == \
        ("mgr-a", None, False, DEFAULT_LIMIT)
    beneficiary, _ = parse_query("beneficiary", "ben-b", {"contractor_id": "ctr-x"})
    assert (beneficiary.manager_id, beneficiary.contractor_id, beneficiary.across_spaces) == ("ben-b", "ctr-x", False)
    contractor, _ = parse_query("contractor", "ctr-x", {"manager_id": "mgr-a", "state": "submitted", "limit": "10",
                                                        "order_id": "BC-1", "node_id": "BAT-B"})
    assert (contractor.manager_id, contractor.contractor_id, contractor.across_spaces, contractor.state.value,
            contractor.limit, contractor.order_id, contractor.node_id) == \
        ("mgr-a", "ctr-x", True, "submitted", 10, "BC-1", "BAT-B")


@pytest.mark.parametrize(("role", "args", "fields"), [
    ("manager", {"manager_id": "mgr-b"}, ["query.manager_id"]),  # a buyer cannot name another space
    ("contractor", {"contractor_id": "ctr-y"}, ["query.contractor_id"]),  # nor a contractor another contractor
    ("manager", {"state": "perdu", "limit": "0", "cursor": "n'importe quoi"}, ["query.cursor", "query.limit",
                                                                              "query.state"]),
    ("manager", {"limit": str(MAX_LIMIT + 1)}, ["query.limit"]),
    ("manager", {"limit": "-3"}, ["query.limit"]),
    ("contractor", {"manager_id": "mgr a/../b", "order_id": "", "node_id": "x" * 80}, ["query.manager_id",
                                                                                       "query.node_id"]),
    ("manager", {"tri": "asc", "state": "accepted"}, ["query.tri"]),
])
def test_every_bad_parameter_is_refused_at_once_with_its_field(role, args, fields):
    query, errors = parse_query(role, "t", args)
    assert query is None and sorted(e.field for e in errors) == fields
    assert all(e.message and e.code for e in errors)


def test_the_state_filter_takes_the_quote_states_and_names_them_in_french_when_wrong():
    for state in ("requested", "submitted", "accepted", "refused", "withdrawn", "expired"):
        assert parse_query("manager", "m", {"state": state})[0].state.value == state
    [error] = parse_query("manager", "m", {"state": "perdu"})[1]
    assert (error.code, "withdrawn" in error.message) == ("INVALID_VALUE", True)


def test_a_cursor_comes_back_as_it_went_and_a_buyer_cannot_start_from_another_space():
    cursor = QuoteCursor(T0, "managers/mgr-a/quotes/DV-1")
    assert QuoteCursor.decode(cursor.encode()) == cursor
    assert parse_query("manager", "mgr-a", {"cursor": cursor.encode()})[0].cursor == cursor
    assert [e.code for e in parse_query("manager", "mgr-b", {"cursor": cursor.encode()})[1]] == ["INVALID_CURSOR"]
    # a contractor's cursor may be in any space: the query still lists only the quotes asked of it
    assert parse_query("contractor", "ctr-x", {"cursor": cursor.encode()})[0].cursor == cursor
    for forged in (QuoteCursor(T0, "managers/mgr-a/orders/BC-1").encode(), QuoteCursor(T0.replace(tzinfo=None),
                   "managers/mgr-a/quotes/DV-1").encode(), "e30", ""):
        assert forged == "" or QuoteCursor.decode(forged) is None


# --- the pages ---------------------------------------------------------------------------------


def test_the_most_recent_activity_comes_first_not_the_most_recent_request():
    # Given an old request submitted just now, and a newer request nobody touched since
    world = a_world((a_quote("mgr-a", "DV-OLD", "ctr-x", requested=0, state="submitted"), 90),
                    (a_quote("mgr-a", "DV-NEW", "ctr-x", requested=60), 60))
    page = listed(world, "manager", "mgr-a")
    assert ids(page) == ["DV-OLD", "DV-NEW"]
    assert (page["count"], page["truncated"], page["next_cursor"]) == (2, False, None)
    assert page["quotes"][0]["updated_at"] == "2026-03-02T09:30:00Z"


def test_pages_follow_the_cursor_to_the_end_each_quote_once_ties_broken_by_name():
    # Given seven quotes, three of them changed at the same instant
    world = a_world(*((a_quote("mgr-a", f"DV-{i}", "ctr-x"), 10 if i in (2, 3, 4) else i) for i in range(7)))
    seen, cursor, pages = [], None, 0
    while True:
        page = listed(world, "manager", "mgr-a", limit="3", **({"cursor": cursor} if cursor else {}))
        pages += 1
        seen += ids(page)
        assert page["truncated"] is (page["next_cursor"] is not None)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == ["DV-4", "DV-3", "DV-2", "DV-6", "DV-5", "DV-1", "DV-0"]


def test_without_parameters_the_list_keeps_its_shape_and_past_a_thousand_quotes_the_newest_are_the_newest():
    # Given 1,050 quotes, the newest activity on the first stored
    world = a_world(*((a_quote("m", f"DV-{i:04}", "c"), 2000 - i) for i in range(1050)))
    page = listed(world, "manager", "m")
    assert set(page) == {"quotes", "count", "truncated", "next_cursor"}
    assert (page["count"], page["truncated"]) == (DEFAULT_LIMIT, True)
    assert ids(page)[:2] == ["DV-0000", "DV-0001"] and ids(page)[-1] == f"DV-{DEFAULT_LIMIT - 1:04}"
    # And the last page ends the list
    last = listed(world, "manager", "m", cursor=QuoteCursor(T0 + dt.timedelta(minutes=2000 - 1045),
                                                            "managers/m/quotes/DV-1045").encode())
    assert (ids(last), last["next_cursor"]) == ([f"DV-{i:04}" for i in range(1046, 1050)], None)


def test_filters_by_state_contractor_order_and_node_each_and_together():
    world = a_world(
        (a_quote("mgr-a", "DV-1", "ctr-x", state="submitted", order_id="BC-1", node_id="BAT-B"), 1),
        (a_quote("mgr-a", "DV-2", "ctr-y", state="submitted", node_id="BAT-B"), 2),
        (a_quote("mgr-a", "DV-3", "ctr-x", state="refused", node_id="BAT-A"), 3),
        (a_quote("mgr-a", "DV-4", "ctr-x", state="withdrawn", order_id="BC-1", node_id="BAT-B"), 4),
        (a_quote("mgr-b", "DV-5", "ctr-x", state="submitted", order_id="BC-1", node_id="BAT-B"), 5))
    assert ids(listed(world, "manager", "mgr-a", state="submitted")) == ["DV-2", "DV-1"]
    assert ids(listed(world, "manager", "mgr-a", contractor_id="ctr-x")) == ["DV-4", "DV-3", "DV-1"]
    assert ids(listed(world, "manager", "mgr-a", order_id="BC-1")) == ["DV-4", "DV-1"]
    assert ids(listed(world, "manager", "mgr-a", node_id="BAT-B", state="submitted", contractor_id="ctr-x")) == \
        ["DV-1"]
    assert ids(listed(world, "manager", "mgr-a", state="expired")) == []
    assert ids(listed(world, "contractor", "ctr-x", state="submitted")) == ["DV-5", "DV-1"]
    assert ids(listed(world, "contractor", "ctr-x", manager_id="mgr-b")) == ["DV-5"]


def test_another_tenants_quotes_are_never_listed_whatever_the_filters_or_cursor():
    world = a_world((a_quote("mgr-a", "DV-A", "ctr-x"), 1), (a_quote("mgr-b", "DV-B", "ctr-y"), 2),
                    (a_quote("mgr-b", "DV-C", "ctr-x"), 3))
    assert ids(listed(world, "manager", "mgr-a")) == ["DV-A"]
    assert ids(listed(world, "manager", "mgr-a", contractor_id="ctr-y")) == []  # mgr-b's contractor: nothing
    assert ids(listed(world, "contractor", "ctr-y")) == ["DV-B"]
    assert ids(listed(world, "contractor", "ctr-x")) == ["DV-C", "DV-A"]
    assert ids(listed(world, "contractor", "ctr-y", manager_id="mgr-a")) == []  # a space it has no quote in
    # a contractor starting from another's quote still gets only its own, after that point
    after = QuoteCursor(T0 + dt.timedelta(minutes=2), "managers/mgr-b/quotes/DV-B").encode()
    assert ids(listed(world, "contractor", "ctr-x", cursor=after)) == ["DV-A"]


def kept(data: dict) -> dict:
    """A quote as the quote store writes it now: with its reference regardless of case (``quote_id_folded``)."""
    return {**data, "quote_id_folded": data["quote_id"].lower()}


def test_a_reference_typed_in_lower_case_with_spaces_finds_the_quotes_differing_only_by_case_with_the_filters():
    # Given a manager's quotes DV-7 and dv-7 (ids are case-sensitive), another, and another space's DV-7
    world = a_world((kept(a_quote("mgr-a", "DV-7", "ctr-x", state="submitted")), 3),
                    (kept(a_quote("mgr-a", "dv-7", "ctr-y")), 1), (kept(a_quote("mgr-a", "DV-8", "ctr-x")), 2),
                    (kept(a_quote("mgr-b", "DV-7", "ctr-x")), 4))
    # When the manager types « Dv-7 » with spaces around it
    page = listed(world, "manager", "mgr-a", quote_id="  Dv-7 ")
    # Then both of its quotes of that reference are listed, most recent activity first, and no cursor
    assert ids(page) == ["DV-7", "dv-7"] and page["next_cursor"] is None and page["count"] == 2
    # And the other filters still apply
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-7", state="submitted")) == ["DV-7"]
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-7", contractor_id="ctr-y")) == ["dv-7"]
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-7", node_id="AUTRE")) == []
    assert ids(listed(world, "manager", "mgr-a", quote_id="DV-9")) == []
    # And a cursor has nothing to continue, a space inside a reference is no identifier
    after = QuoteCursor(T0, "managers/mgr-a/quotes/DV-8").encode()
    for args, field in (({"quote_id": "DV-7", "cursor": after}, "query.cursor"), ({"quote_id": "DV 7"}, "query.quote_id")):
        query, errors = parse_query("manager", "mgr-a", args)
        assert query is None and [e.field for e in errors] == [field]


def test_a_contractor_finds_by_reference_only_the_quotes_asked_of_it_in_every_space():
    world = a_world((kept(a_quote("mgr-a", "DV-7", "ctr-x")), 1), (kept(a_quote("mgr-b", "dv-7", "ctr-x")), 2),
                    (kept(a_quote("mgr-c", "DV-7", "ctr-y")), 3))
    assert [(q["manager_id"], q["quote_id"]) for q in listed(world, "contractor", "ctr-x", quote_id="dv-7")["quotes"]] \
        == [("mgr-b", "dv-7"), ("mgr-a", "DV-7")]
    assert ids(listed(world, "contractor", "ctr-x", quote_id="dv-7", manager_id="mgr-a")) == ["DV-7"]
    assert ids(listed(world, "contractor", "ctr-y", quote_id="dv-7", manager_id="mgr-a")) == []
    assert ids(listed(world, "manager", "mgr-c", quote_id="dv-7")) == ["DV-7"]


def test_a_quote_stored_before_quotes_kept_their_folded_reference_is_found_by_its_exact_reference():
    world = a_world((a_quote("mgr-a", "DV-7", "ctr-x"), 1))  # no quote_id_folded: stored before
    assert ids(listed(world, "manager", "mgr-a", quote_id="DV-7")) == ["DV-7"]
    assert ids(listed(world, "contractor", "ctr-x", quote_id="DV-7")) == ["DV-7"]
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-7")) == []  # until the backfill


def test_a_stored_quote_records_its_activity_at_each_write():
    from shared.domain.quotes import Quote
    from shared.service import quote_store

    world = World(T0)
    quote = Quote.model_validate(a_quote("mgr-a", "DV-1", "ctr-x"), strict=False)
    uow = world.uow()
    quote_store.save_quote(uow, quote, created=True)
    uow.commit()
    first = world.db.data("managers/mgr-a/quotes/DV-1")[UPDATED_AT]
    uow = world.uow()
    quote_store.save_quote(uow, quote.model_copy(update={"title": "Autre"}))
    uow.commit()
    assert world.db.data("managers/mgr-a/quotes/DV-1")[UPDATED_AT] > first
    assert world.db.data("managers/mgr-a/quotes/DV-1")["quote_id_folded"] == "dv-1"  # the search by reference's
    assert quote_store.load_quote(world.uow(), "mgr-a", "DV-1").title == "Autre"  # the model reads it back


def test_quotes_stored_before_they_kept_their_activity_are_dated_by_their_record_once_and_listed_again():
    from devtools.backfill_quote_activity import backfill

    old = {**a_quote("mgr-a", "DV-OLD", "ctr-x", requested=5, state="refused"),
           "decided_at": (T0 + dt.timedelta(minutes=50)).isoformat()}
    world = a_world((a_quote("mgr-a", "DV-NEW", "ctr-x"), 30))
    world.seed("managers/mgr-a/quotes/DV-OLD", old)  # no updated_at: out of the list
    assert ids(listed(world, "manager", "mgr-a")) == ["DV-NEW"]
    dry = backfill(world.uow())
    assert (dry.read, dry.kept, dry.written) == (2, 1, 1) and ids(listed(world, "manager", "mgr-a")) == ["DV-NEW"]
    done = backfill(world.uow(), apply=True)
    assert done.written == 1
    # dated by its decision (the latest thing its record tells), not by the run: it comes first, as it should
    assert ids(listed(world, "manager", "mgr-a")) == ["DV-OLD", "DV-NEW"]
    assert world.db.data("managers/mgr-a/quotes/DV-OLD")[UPDATED_AT] == T0 + dt.timedelta(minutes=50)
    assert backfill(world.uow(), apply=True).written == 0  # a second run writes nothing


def test_orders_and_quotes_stored_before_they_kept_their_folded_reference_get_it_once_and_are_found_in_any_case():
    from devtools.backfill_reference_folded import backfill
    from shared.domain.order_list import parse_query as order_query
    from shared.service.order_list import list_orders
    from shared.service.order_store import order_doc, order_path
    from tests.builders import an_order

    world = a_world((a_quote("mgr-a", "DV-OLD", "ctr-x"), 1), (kept(a_quote("mgr-a", "DV-NEW", "ctr-x")), 2))
    order = an_order("BC-OLD", manager_id="mgr-a")
    world.seed(order_path("mgr-a", "BC-OLD"), {k: v for k, v in {**order_doc(order), UPDATED_AT: T0}.items()
                                               if k != "order_id_folded"})
    audits_before = len(world.db.under("managers/mgr-a/audit"))
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-old")) == []  # not found in lower case: no folded form

    dry = backfill(world.uow())
    assert [(k, o.read, o.kept, o.written) for k, o in dry.items()] == [("orders", 1, 0, 1), ("quotes", 2, 1, 1)]
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-old")) == []  # a dry run writes nothing
    done = backfill(world.uow(), apply=True)
    assert [o.written for o in done.values()] == [1, 1]
    # found in any case now, their activity untouched, each write audited
    assert ids(listed(world, "manager", "mgr-a", quote_id="dv-old")) == ["DV-OLD"]
    query, _ = order_query("manager", "mgr-a", {"order_id": " bc-old "})
    assert [o["order_id"] for o in list_orders(query, world.uow(), world.clock)["orders"]] == ["BC-OLD"]
    assert world.db.data("managers/mgr-a/quotes/DV-OLD")[UPDATED_AT] == T0 + dt.timedelta(minutes=1)
    assert world.db.data(order_path("mgr-a", "BC-OLD"))[UPDATED_AT] == T0
    assert len(world.db.under("managers/mgr-a/audit")) == audits_before + 2
    assert [o.written for o in backfill(world.uow(), apply=True).values()] == [0, 0]  # a second run writes nothing
