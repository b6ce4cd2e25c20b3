"""The contractor's message log read by a person (A3 channels, A4 errors back to the sender, A10 onboarding):
the query, the cursor and the rows, on the in-memory unit of work with the real execution service writing
the log."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.message_log import LogCursor, LogQuery, parse_query, stored_instant, type_label
from shared.service.executions import record_execution
from shared.service.message_log import list_message_log
from shared.domain.orders import OrderState
from tests.builders import CONTRACTOR, MANAGER, NOW, an_order, inbound, report
from tests.fakes import World


@pytest.fixture
def world() -> World:
    world = World(NOW)
    world.seed_order(an_order())
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed(f"managers/{MANAGER}", {"manager_id": MANAGER, "name": "Rhône Habitat Test"})
    return world


def send(world: World, body: dict | bytes, message_id: str, minutes: int, channel: str = "pubsub"):
    return record_execution(inbound(body, message_id, channel=channel, received_at=NOW + dt.timedelta(minutes=minutes)),
                            world.uow(), world.clock)


def listed(world: World, **fields) -> dict:
    return list_message_log(LogQuery(CONTRACTOR, **fields), world.uow())


# --- the query ------------------------------------------------------------------------------------


def test_a_contractor_reads_its_own_log_and_naming_another_contractor_is_forbidden():
    query, errors, forbidden = parse_query("contractor", CONTRACTOR, {"status": "rejected"})
    assert query == LogQuery(CONTRACTOR, status="rejected") and errors == [] and forbidden is None
    assert parse_query("contractor", CONTRACTOR, {"contractor_id": CONTRACTOR})[0].contractor_id == CONTRACTOR
    assert parse_query("contractor", CONTRACTOR, {"contractor_id": "ctr-other"}) == (None, [], "query.contractor_id")


def test_the_operator_must_name_the_contractor():
    query, errors, _ = parse_query("operator", "platform", {})
    assert query is None and [(e.field, e.code) for e in errors] == [("query.contractor_id", "REQUIRED")]
    assert parse_query("operator", "platform", {"contractor_id": "ctr-acme"})[0].contractor_id == "ctr-acme"


def test_every_bad_parameter_is_reported_at_once_in_french():
    _, errors, _ = parse_query("contractor", CONTRACTOR, {"status": "lost", "order_id": "BC-1", "since": "hier",
                                                          "limit": "0", "cursor": "???", "colour": "red"})
    assert sorted((e.field, e.code) for e in errors) == [
        ("query.colour", "UNKNOWN_FIELD"), ("query.cursor", "INVALID_CURSOR"), ("query.limit", "OUT_OF_RANGE"),
        ("query.manager_id", "REQUIRED"), ("query.since", "INVALID_FORMAT"), ("query.status", "INVALID_VALUE")]
    assert all(e.message for e in errors)


def test_a_since_at_the_edge_of_the_calendar_is_refused_not_a_server_error():
    for edge in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
        _, errors, _ = parse_query("contractor", CONTRACTOR, {"since": edge})
        assert [(e.field, e.code) for e in errors] == [("query.since", "INVALID_FORMAT")]
    query, _, _ = parse_query("contractor", CONTRACTOR, {"since": "2026-03-03T10:00:00+01:00"})
    assert query.since == dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


def test_a_cursor_reads_back_what_it_encoded_and_refuses_anything_else():
    cursor = LogCursor("2026-03-03T09:00:00+00:00", "ab12")
    assert LogCursor.decode(cursor.encode()) == cursor
    assert LogCursor.decode(LogCursor("2026-03-03T09:00:00", "ab12").encode()) is None  # no offset
    assert LogCursor.decode(LogCursor("2026-03-03T09:00:00+00:00", "../x").encode()) is None


def test_times_are_compared_as_the_log_stores_them_in_utc():
    paris = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert stored_instant(paris) == "2026-03-03T09:00:00+00:00"
    assert type_label("fr.passerelle.execution.reported.v1") == "Compte rendu d'exécution"
    assert type_label(None) == "Message de type inconnu"


# --- the rows -------------------------------------------------------------------------------------


def test_a_refused_message_is_listed_with_its_errors_in_french_then_marked_corrected_by_the_accepted_one(world):
    # Given a report refused (no state it may take), then its correction accepted
    send(world, report(1, "flying"), "m-1", 1)
    refused = listed(world, status="rejected")["messages"]
    assert len(refused) == 1 and refused[0]["corrected_at"] is None
    row = refused[0]
    assert row["status"] == "rejected" and row["status_label"] == "refusé" and row["channel_label"] == "Pub/Sub"
    assert row["type_label"] == "Compte rendu d'exécution" and row["order_id"] == "BC-2026-014"
    assert row["client_name"] == "Rhône Habitat Test" and row["id"] == "m-1"
    assert row["errors"] and all(e["field"].startswith("$") and e["message"] for e in row["errors"])
    # When the corrected report is accepted
    send(world, report(1, "acknowledged"), "m-2", 5, channel="rest")
    # Then the refused row says when, and the full log lists both, newest first
    [row] = listed(world, status="rejected")["messages"]
    assert row["corrected_at"] == "2026-03-03T09:05:00Z"
    every = listed(world)["messages"]
    assert [(m["id"], m["status"], m["channel"]) for m in every] == [("m-2", "accepted", "rest"),
                                                                     ("m-1", "rejected", "pubsub")]
    assert every[0]["corrected_at"] is None and every[0]["errors"] == []


def test_an_accepted_message_before_the_refused_one_is_no_correction(world):
    send(world, report(1, "acknowledged"), "m-1", 1)
    send(world, report(2, "flying"), "m-2", 2)
    [row] = listed(world, status="rejected")["messages"]
    assert row["id"] == "m-2" and row["corrected_at"] is None


def test_an_unreadable_message_is_listed_without_an_order_and_never_corrected(world):
    send(world, b"{not json", "m-1", 1)
    [row] = listed(world)["messages"]
    assert row["order_id"] is None and row["status"] == "rejected" and row["corrected_at"] is None
    assert row["errors"][0]["code"] == "MALFORMED_JSON"


def test_a_client_the_contractor_does_not_work_for_is_never_named(world):
    # Given a refused message that names another manager's order (a typo, or a probe)
    world.seed("managers/mgr-other", {"manager_id": "mgr-other", "name": "Secret Habitat"})
    send(world, report(1, "acknowledged", manager_id="mgr-other"), "m-1", 1)
    [row] = listed(world)["messages"]
    assert row["manager_id"] == "mgr-other" and row["client_name"] is None and row["status"] == "rejected"


def test_filters_by_order_and_since_and_pages_with_a_cursor_newest_first(world):
    world.seed_order(an_order(order_id="BC-2026-015"))
    for n in range(5):
        send(world, report(9, "acknowledged"), f"m-{n}", n)  # refused: sequence 9 skips numbers
    send(world, report(9, "acknowledged", order_id="BC-2026-015"), "m-other", 10)
    assert [m["id"] for m in listed(world, manager_id=MANAGER, order_id="BC-2026-015")["messages"]] == ["m-other"]
    assert [m["id"] for m in listed(world, since=NOW + dt.timedelta(minutes=3))["messages"]] == ["m-other", "m-4",
                                                                                                "m-3"]
    first = listed(world, limit=4, order_id="BC-2026-014", manager_id=MANAGER)
    assert [m["id"] for m in first["messages"]] == ["m-4", "m-3", "m-2", "m-1"] and first["next_cursor"]
    rest = listed(world, limit=4, order_id="BC-2026-014", manager_id=MANAGER,
                  cursor=LogCursor.decode(first["next_cursor"]))
    assert [m["id"] for m in rest["messages"]] == ["m-0"] and rest["next_cursor"] is None


def test_a_contractor_the_platform_does_not_know_is_not_found(world):
    with pytest.raises(DomainError) as refused:
        list_message_log(LogQuery("ctr-nobody"), world.uow())
    assert refused.value.errors[0].code == "PARTY_NOT_FOUND"


def test_an_empty_log_is_an_empty_page(world):
    assert listed(world) == {"contractor_id": CONTRACTOR, "messages": [], "count": 0, "next_cursor": None}


def test_a_refused_message_on_an_order_cancelled_since_says_nothing_is_left_to_correct(world):
    # Given a report refused on an order the manager then cancelled, and one on an order of another contractor
    send(world, report(1, "flying"), "m-1", 1)
    [row] = listed(world, status="rejected")["messages"]
    assert row["order_ended"] is None  # still open: to correct
    world.seed_order(an_order(state=OrderState.CANCELLED))
    world.seed_order(an_order("BC-OTHER", state=OrderState.CLOSED, contractor_id="ctr-someone-else"))
    send(world, {**report(1, "flying"), "order_id": "BC-OTHER"}, "m-2", 2)
    # Then the first says the order is « annulé » (nothing to correct), the other contractor's order says nothing
    rows = {m["id"]: m for m in listed(world, status="rejected")["messages"]}
    assert rows["m-1"]["order_ended"] == "annulé" and rows["m-1"]["corrected_at"] is None
    assert rows["m-2"]["order_ended"] is None


def logged(status: str, manager_id: str, order_id: str, minutes: int) -> dict:
    return {"state": "completed", "status": status, "manager_id": manager_id, "order_id": order_id,
            "received_at": stored_instant(NOW + dt.timedelta(minutes=minutes)),
            "ref": {"channel": "rest", "type": "fr.passerelle.execution.reported.v1", "source": "s", "id": "i"},
            "answer": {"status": status, "errors": [] if status == "accepted" else [
                {"field": "$.sequence", "code": "SEQUENCE_GAP", "message": "Numéro de séquence en avance."}]}}


def test_a_page_of_refused_messages_on_many_orders_reads_their_last_accepted_ones_in_a_few_queries(world):
    # Given refused messages on 40 orders of one client and 3 of another (one of them with the same order id), some
    # orders accepted since (several times), some accepted only before, some never
    world.seed("managers/mgr-two", {"manager_id": "mgr-two", "name": "Deux Habitat"})
    world.seed_contractor(CONTRACTOR, (MANAGER, "mgr-two"))
    log = f"contractors/{CONTRACTOR}/messages"
    expected: dict[str, str | None] = {}
    orders = [(MANAGER, f"BC-{n}") for n in range(40)] + [("mgr-two", f"BC-{n}") for n in range(3)]
    for n, (manager, order_id) in enumerate(orders):
        key = f"{manager}-{order_id}"
        world.seed(f"{log}/r-{key}", logged("rejected", manager, order_id, 100 + n))
        expected[f"r-{key}"] = None
        if n % 3 == 0:  # accepted since, twice: the later one corrects
            world.seed(f"{log}/a1-{key}", logged("accepted", manager, order_id, 200 + n))
            world.seed(f"{log}/a2-{key}", logged("accepted", manager, order_id, 300 + n))
            expected[f"r-{key}"] = (NOW + dt.timedelta(minutes=300 + n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif n % 3 == 1:  # accepted only before: no correction
            world.seed(f"{log}/a0-{key}", logged("accepted", manager, order_id, n))
    uow = world.uow()
    asked = []
    query = uow.query
    uow.query = lambda q: asked.append(q) or query(q)
    uow.fork = lambda: uow  # the reads side by side counted on the same unit of work
    # When the refused page is read
    page = list_message_log(LogQuery(CONTRACTOR, status="rejected", limit=50), uow)
    # Then each refused row says when the order's last accepted message corrected it, as one query per order did
    assert {m["key"]: m["corrected_at"] for m in page["messages"]} == expected
    # And the last accepted messages were read in one query per client and 30 orders, not one per order
    accepted = [q for q in asked if ("status", "==", "accepted") in q.where]
    assert len(accepted) == 3 and all(len(dict((n, v) for n, _, v in q.where)["order_id"]) <= 30 for q in accepted)
    assert all(q.select == ("order_id", "received_at") for q in accepted)
