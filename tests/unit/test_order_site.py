"""Orders know their site (A7 property tree, A11 lists): an order naming its node only is stored with the tree's
label, keeps the tree's path from its site down to its node (at issue, and when attached to another node), and a
list filtered by a node (``list_orders?node_id=``) finds the orders under it — on the in-memory unit of work."""

from __future__ import annotations

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.domain.order_list import parse_query
from shared.domain.validation import parse_object
from shared.service import property_tree as tree
from shared.service.order_list import list_orders
from shared.service.order_store import load_order, order_path
from shared.service.orders import receive_order
from tests.builders import CONTRACTOR, MANAGER, issue_order_body
from tests.fakes import World
from tests.unit.test_property_nodes import LYON, PARIS, a_world, imported

EQUIPMENT = "LYON-BAT-A-LOG-12-CHAUD;equipment;LYON-BAT-A-LOG-12;Chaudière du logement 12;\n"


def issued(world: World, order_id: str, node_id: str, contractor: str = CONTRACTOR, **site: str):
    command, errors = parse_object(IssueOrder, {**issue_order_body(order_id), "contract_id": f"AC-{contractor}",
                                                "contractor_id": contractor, "site": {"node_id": node_id, **site}})
    assert errors == []
    return receive_order(MANAGER, command, world.uow(), world.clock)


def listed(world: World, role: str = "manager", tenant: str = MANAGER, **args: str) -> list[str]:
    query, errors = parse_query(role, tenant, args)
    assert errors == []
    return sorted(row["order_id"] for row in list_orders(query, world.uow(), world.clock)["orders"])


def test_an_order_naming_its_node_only_takes_the_trees_label_and_path_and_a_label_given_is_kept():
    world = a_world()
    imported(world, LYON + EQUIPMENT + PARIS)
    # When one order names a dwelling only, another the dwelling's boiler with a label of its own
    issued(world, "BC-1", "LYON-BAT-A-LOG-12")
    issued(world, "BC-2", "LYON-BAT-A-LOG-12-CHAUD", label="Chaudière (porte gauche)")
    # Then the first says what the tree says, the second what its sender said
    one, two = load_order(world.uow(), MANAGER, "BC-1"), load_order(world.uow(), MANAGER, "BC-2")
    assert (one.site.label, two.site.label) == ("Logement 12", "Chaudière (porte gauche)")
    # And each keeps the tree's path from its site down to its node, on its record (not in what is sent)
    assert one.site_path == ["LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]
    assert two.site_path == ["LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12", "LYON-BAT-A-LOG-12-CHAUD"]
    assert "site_path" not in one.model_dump()
    sent = [m.data for m in world.outbox() if m.subject == "orders/BC-1"]
    assert sent[0]["site"]["label"] == "Logement 12" and "site_path" not in sent[0]


def test_the_same_order_again_is_the_same_order_even_one_stored_before_orders_took_the_trees_label():
    world = a_world()
    imported(world, LYON)
    first = issued(world, "BC-1", "LYON-BAT-A-LOG-12")
    assert issued(world, "BC-1", "LYON-BAT-A-LOG-12").created is False
    # Given an order stored by the earlier code: no label, no path
    path = order_path(MANAGER, "BC-1")
    before = world.db.data(path)
    world.seed(path, {**{k: v for k, v in before.items() if k != "site_path"},
                      "site": {**before["site"], "label": None}})
    # When its sender retries it
    again = issued(world, "BC-1", "LYON-BAT-A-LOG-12")
    # Then it is the same order (not ORDER_ALREADY_EXISTS), left as it was stored
    assert (again.created, again.order.site.label, again.order.site_path) == (False, None, [])
    assert first.created is True
    # And another order under its id is still refused
    with pytest.raises(DomainError) as refused:
        issued(world, "BC-1", "LYON-BAT-A")
    assert [e.code for e in refused.value.errors] == ["ORDER_ALREADY_EXISTS"]


def test_a_node_stored_before_nodes_kept_their_path_has_its_parents_read_and_no_tree_keeps_the_node_alone():
    world = a_world()
    issued(world, "BC-0", "MON-REF")  # no tree in force: the manager's own reference
    assert load_order(world.uow(), MANAGER, "BC-0").site_path == ["MON-REF"]
    imported(world, LYON)
    for node_id in ("LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"):  # stored by the earlier import: no path
        data = world.db.data(tree.node_path(MANAGER, node_id))
        world.seed(tree.node_path(MANAGER, node_id), {k: v for k, v in data.items() if k != "path"})
    issued(world, "BC-1", "LYON-BAT-A-LOG-12")
    assert load_order(world.uow(), MANAGER, "BC-1").site_path == ["LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]


def test_the_first_import_after_nodes_kept_their_path_gives_it_to_the_stored_nodes_without_telling_anyone():
    # Given a tree stored before nodes kept their path
    world = a_world()
    imported(world, LYON)
    for node_id in ("LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"):
        data = world.db.data(tree.node_path(MANAGER, node_id))
        world.seed(tree.node_path(MANAGER, node_id), {k: v for k, v in data.items() if k != "path"})
    told_before = len(world.outbox())
    # When the same nodes are imported again (as additions: another job than the first)
    job = imported(world, LYON, mode="merge")
    # Then every node has its path, yet nothing changed for anyone: no message, nothing counted as written
    assert world.db.data(tree.node_path(MANAGER, "LYON-BAT-A-LOG-12"))["path"] == [
        "LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]
    assert len(world.outbox()) == told_before
    assert (job["written_now"], job["changed"]) == (0, False)


def test_an_import_keeps_each_nodes_path_and_a_move_rewrites_its_descendants():
    world = a_world()
    imported(world, LYON + PARIS)
    assert world.db.data(tree.node_path(MANAGER, "LYON-BAT-A-LOG-12"))["path"] == [
        "LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]
    # When a merge moves the building under the Paris site
    imported(world, "LYON-BAT-A;building;PARIS;Bâtiment A;\n", mode="merge")
    # Then its dwelling's path follows
    assert world.db.data(tree.node_path(MANAGER, "LYON-BAT-A-LOG-12"))["path"] == [
        "PARIS", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]


def test_an_order_attached_to_another_node_takes_that_nodes_path():
    world = a_world()
    issued(world, "BC-1", "ANCIEN")  # received before the tree
    imported(world, LYON + PARIS)
    tree.attach_order_node(MANAGER, tree.pt.AttachOrderNode(order_id="BC-1", node_id="LYON-BAT-A"), world.uow(),
                           world.clock)
    assert load_order(world.uow(), MANAGER, "BC-1").site_path == ["LYON", "LYON-BAT-A"]
    assert listed(world, node_id="LYON") == ["BC-1"]


def test_a_list_filtered_by_a_site_finds_the_orders_under_it_and_only_the_callers():
    world = a_world()
    imported(world, LYON + EQUIPMENT + PARIS)
    issued(world, "BC-1", "LYON-BAT-A-LOG-12")
    issued(world, "BC-2", "LYON-BAT-A-LOG-12-CHAUD")
    issued(world, "BC-3", "LYON")
    issued(world, "BC-4", "PARIS-BAT-B", contractor="ctr-paris")
    assert listed(world, node_id="LYON") == ["BC-1", "BC-2", "BC-3"]
    assert listed(world, node_id="LYON-BAT-A-LOG-12") == ["BC-1", "BC-2"]
    assert listed(world, node_id="PARIS") == ["BC-4"]
    # one order's row (the real-time view, the search by reference) goes through the same filter
    assert listed(world, node_id="PARIS", order_id="BC-1") == []
    assert listed(world, node_id="LYON", order_id="BC-1") == ["BC-1"]
    # another manager's space holds none of them
    assert listed(world, tenant="mgr-other", node_id="LYON") == []
    # the contractor filters the same way, across its clients' spaces, and another contractor sees none
    assert listed(world, role="contractor", tenant="ctr-paris", node_id="PARIS") == ["BC-4"]
    assert listed(world, role="contractor", tenant=CONTRACTOR, manager_id=MANAGER, node_id="LYON-BAT-A") == [
        "BC-1", "BC-2"]
    assert listed(world, role="contractor", tenant=CONTRACTOR, node_id="PARIS") == []
    assert listed(world, role="contractor", tenant="ctr-paris", node_id="LYON") == []


def test_a_node_filter_must_be_an_identifier():
    parsed, errors = parse_query("manager", MANAGER, {"node_id": "LYON/../x"})
    assert parsed is None and [(e.field, e.code) for e in errors] == [("query.node_id", "INVALID_FORMAT")]
    assert parse_query("contractor", CONTRACTOR, {"node_id": "LYON"})[0].node_id == "LYON"
