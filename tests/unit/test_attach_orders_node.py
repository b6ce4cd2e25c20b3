"""A7 property tree: the manager attaches many orphan orders to one node in one request (``order_ids``) — the
request's rules (pure) and the service on the in-memory unit of work: commits within Firestore's 500 writes, one
audit record per change as the single attachment, per-order refusals, the same request again changing nothing."""

from __future__ import annotations

import json

import pytest

from shared.domain import property_attach as pa
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType, IssueOrder
from shared.domain.validation import parse_json, parse_object
from shared.ports import MAX_WRITES
from shared.service import property_attach as bulk
from shared.service import property_tree as service
from shared.service.orders import receive_order
from tests.builders import CONTRACTOR, MANAGER, issue_order_body
from tests.fakes import World
from tests.unit.test_attach_order_node import TREE, attach

# --- the request -------------------------------------------------------------------------------------


def codes(body: dict) -> list[tuple[str, str]]:
    _, errors = parse_json(pa.AttachOrderNode, json.dumps(body))
    return [(e.field, e.code) for e in errors]


def test_a_request_names_one_order_or_a_list_of_at_most_500_not_both_nor_neither():
    assert codes({"order_id": "BC-1", "node_id": "N"}) == []
    assert codes({"order_ids": ["BC-1", "BC-2"], "node_id": "N"}) == []
    assert codes({"order_id": "BC-1", "order_ids": ["BC-2"], "node_id": "N"}) == [("$", "REQUIRED")]
    assert codes({"node_id": "N"}) == [("$", "REQUIRED")]
    assert codes({"order_ids": [], "node_id": "N"})[0][0] == "$.order_ids"
    assert codes({"order_ids": [f"BC-{i}" for i in range(501)], "node_id": "N"})[0][0] == "$.order_ids"
    assert codes({"order_ids": ["BC-1", "pas un id !"], "node_id": "N"})[0][0] == "$.order_ids[1]"
    _, errors = parse_json(pa.AttachOrderNode, json.dumps({"node_id": "N"}))
    assert "order_ids" in errors[0].message


def test_the_same_order_named_twice_is_attached_once_and_a_refusal_names_the_orders_place():
    command = pa.AttachOrderNode(order_ids=["BC-2", "BC-1", "BC-2"], node_id="N")
    assert command.orders() == ["BC-2", "BC-1"]
    assert pa.AttachOrderNode(order_id="BC-1", node_id="N").orders() == ["BC-1"]
    found = ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id="BC-9")
    commune = ErrorDetail.of("$.node_id", "OUTSIDE_CONTRACT_PERIMETER", commune="75111", contract_id="AC")
    assert [(e.field, e.code) for e in pa.refusal(3, [found, commune])] == [
        ("$.order_ids[3]", "ORDER_NOT_FOUND"), ("$.node_id", "OUTSIDE_CONTRACT_PERIMETER")]
    assert pa.about_the_node([ErrorDetail.of("$.node_id", "PROPERTY_NODE_RETIRED", node_id="N")])
    assert not pa.about_the_node([found, commune])


def test_a_request_that_did_nothing_is_refused_with_each_reason_once():
    found = ErrorDetail.of("$.order_ids[0]", "ORDER_NOT_FOUND", order_id="BC-9")
    refused = [pa.OrderRefused(order_id="BC-9", errors=[found])] * 2
    none_done = pa.OrdersNodeAttached(manager_id="m", node_id="N", requested=2, attached=0, unchanged=0, orders=[],
                                      refused=refused, commits=0)
    assert pa.nothing_done(none_done) == [found]
    one_there = none_done.model_copy(update={"orders": [pa.OrderNodeAttached(
        manager_id="m", order_id="BC-1", node_id="N", previous_node_id="N", changed=False, state="acknowledged")]})
    assert pa.nothing_done(one_there) is None


# --- the service -------------------------------------------------------------------------------------

ORPHANS = 150  # three commits


def a_world(orphans: int = ORPHANS) -> World:
    """``orphans`` orders received before the tree on a node it will not hold, one in another commune than the
    node's (69266), then the tree imported."""
    world = World("2026-03-02T08:00:00+00:00")
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", {
        "contract_id": "AC-2026-017", "contractor_id": CONTRACTOR, "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {"departements": ["69"]}})
    for i in range(orphans):
        command, _ = parse_object(IssueOrder, issue_order_body(f"BC-{i:03d}", site={"node_id": "ANCIEN-BAT"}))
        receive_order(MANAGER, command, world.uow(), world.clock)
    command, _ = parse_object(IssueOrder, issue_order_body("BC-VILLEURBANNE", site={
        "node_id": "ANCIEN-BAT", "commune": "69266"}))
    receive_order(MANAGER, command, world.uow(), world.clock)
    service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    return world


def bulk_attach(world: World, order_ids: list[str], node_id: str = "LYON-BAT-A", manager_id: str = MANAGER) -> dict:
    return bulk.attach_orders_node(manager_id, pa.AttachOrderNode(order_ids=order_ids, node_id=node_id), world.uow(),
                                   world.clock)


def recording(world: World) -> list[list]:
    commits: list[list] = []
    apply = world.db.apply
    world.db.apply = lambda writes: (apply(writes), commits.append(list(writes)))
    return commits


def node_changed(world: World) -> list:
    return [m for m in world.outbox() if m.event_type is EventType.ORDER_NODE_CHANGED]


def test_one_order_attached_costs_the_writes_a_bulk_commit_counts():
    world = a_world(orphans=1)
    commits = recording(world)
    attach(world, "BC-000", "LYON-BAT-A")
    assert len(commits[0]) == bulk.WRITES_PER_ATTACHMENT
    assert bulk.ORDERS_PER_COMMIT * bulk.WRITES_PER_ATTACHMENT <= MAX_WRITES


def test_many_orphans_are_attached_in_commits_of_at_most_500_writes_each_change_audited_and_the_rest_reported():
    world = a_world()
    wanted = [f"BC-{i:03d}" for i in range(ORPHANS)]
    commits = recording(world)
    # When the manager attaches every orphan, another manager's order and one of another commune in one request
    answer = bulk_attach(world, [*wanted, "BC-AILLEURS", "BC-VILLEURBANNE", "BC-000"])
    # Then the orphans are attached, the two others refused with their reasons, each order named once
    assert (answer["requested"], answer["attached"], answer["unchanged"], answer["commits"]) == (
        ORPHANS + 2, ORPHANS, 0, 3)
    assert [o["order_id"] for o in answer["orders"]] == wanted
    assert all(o["changed"] and o["previous_node_id"] == "ANCIEN-BAT" for o in answer["orders"])
    assert [(r["order_id"], [(e["field"], e["code"]) for e in r["errors"]]) for r in answer["refused"]] == [
        ("BC-AILLEURS", [(f"$.order_ids[{ORPHANS}]", "ORDER_NOT_FOUND")]),
        ("BC-VILLEURBANNE", [("$.node_id", "ORDER_COMMUNE_NOT_AT_NODE")])]
    assert "Villeurbanne" in answer["refused"][1]["errors"][0]["message"] or "69266" in answer["refused"][1][
        "errors"][0]["message"]
    # And each command commit stays within 500 writes, with one audit record (two writes) per order and per event
    written = [c for c in commits if any("/orders/" in w.path for w in c)]
    assert [sum(1 for w in c if w.path.startswith(f"managers/{MANAGER}/orders/") and "/events/" not in w.path)
            for c in written] == [71, 71, 8]
    assert all(len(c) <= MAX_WRITES for c in written)
    assert sum(1 for c in written for w in c if w.path.startswith(f"managers/{MANAGER}/audit/")) == 2 * ORPHANS
    # And every order names the node, with one history event, and its contractor one message each
    assert {world.db.data(f"managers/{MANAGER}/orders/{o}")["site"]["node_id"] for o in wanted} == {"LYON-BAT-A"}
    assert len(node_changed(world)) == ORPHANS
    assert [o["id"] for o in service.coverage(MANAGER, world.uow())["orphans"]] == ["BC-VILLEURBANNE"]


def test_the_same_request_again_changes_nothing_twice():
    world = a_world(orphans=80)
    wanted = [f"BC-{i:03d}" for i in range(80)]
    bulk_attach(world, wanted[:40])  # part of them first: a request cut short, then sent again whole
    sent = len(node_changed(world))
    first = bulk_attach(world, wanted)
    again = bulk_attach(world, wanted)
    assert (first["attached"], first["unchanged"]) == (40, 40)
    assert (again["attached"], again["unchanged"], again["commits"], again["refused"]) == (0, 80, 0, [])
    assert len(node_changed(world)) == sent + 40
    assert all(len([e for e in world.events(MANAGER, o).values() if e.get("kind") == "node_changed"]) == 1
               for o in wanted)


def test_an_unknown_node_or_another_managers_orders_are_refused_whole_and_nothing_is_written():
    world = a_world(orphans=3)
    wanted = ["BC-000", "BC-001", "BC-002"]
    with pytest.raises(DomainError) as unknown:
        bulk_attach(world, wanted, node_id="NULLE-PART")
    assert [(e.field, e.code) for e in unknown.value.errors] == [("$.node_id", "PROPERTY_NODE_NOT_FOUND")]
    with pytest.raises(DomainError) as elsewhere:
        bulk_attach(world, wanted, manager_id="mgr-other")
    assert [(e.field, e.code) for e in elsewhere.value.errors] == [
        ("$.order_ids[0]", "ORDER_NOT_FOUND"), ("$.order_ids[1]", "ORDER_NOT_FOUND"),
        ("$.order_ids[2]", "ORDER_NOT_FOUND")]
    assert node_changed(world) == []
    assert {world.db.data(f"managers/{MANAGER}/orders/{o}")["site"]["node_id"] for o in wanted} == {"ANCIEN-BAT"}
