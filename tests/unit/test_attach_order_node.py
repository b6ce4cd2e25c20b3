"""A7 property tree: the manager attaches an orphan order (received before its tree, or on a node an import
retired) to a node in force — the rule (pure) and the service on the in-memory unit of work."""

from __future__ import annotations

import pytest

from shared.domain import documents as doc
from shared.domain import property_tree as pt
from shared.domain.contracts import Perimeter
from shared.domain.errors import DomainError
from shared.domain.messages import EventType, IssueOrder
from shared.domain.orders import OrderState
from shared.domain.validation import parse_object
from shared.service import property_tree as service
from shared.service.documents import attach_document
from shared.service.orders import receive_order
from tests.builders import CONTRACTOR, MANAGER, an_order, issue_order_body
from tests.fakes import World
from tests.pdfs import a_pdf

HEADER = "node_id;kind;parent_id;label;commune\n"
TREE = HEADER + ("LYON;site;;Résidence Les Tilleuls;69123\n"
                 "LYON-BAT-A;building;LYON;Bâtiment A;\n"
                 "LYON-BAT-B;building;LYON;Bâtiment B;\n"
                 "PARIS;site;;Résidence Voltaire;75111\n")


class Files:
    def __init__(self):
        self.objects: dict[str, bytes] = {}

    def put_if_absent(self, name: str, data: bytes) -> None:
        self.objects.setdefault(name, data)


def node(node_id: str = "LYON-BAT-A", status: str = "active", in_commune: str | None = "69123") -> pt.TreeNode:
    return pt.TreeNode(node_id=node_id, kind="building", parent_id="LYON", label="Bâtiment A", status=status,
                       in_commune=in_commune)


def errors_of(call) -> list[tuple[str, str]]:
    with pytest.raises(DomainError) as refused:
        call()
    return [(e.field, e.code) for e in refused.value.errors]


# --- the rule ---------------------------------------------------------------------------------------


def test_an_order_goes_to_a_node_in_force_with_its_commune_and_keeps_its_territory():
    order = an_order(site={"node_id": "ANCIEN-BAT", "label": "Ancien bâtiment"}, territory=None)
    after = pt.attach(order, "LYON-BAT-A", node(), Perimeter(), territory="69")
    assert (after.site.node_id, after.site.label, after.node_commune, after.territory) == (
        "LYON-BAT-A", "Ancien bâtiment", "69123", "69")
    assert after.state is order.state


def test_an_unknown_or_retired_node_is_refused_and_the_same_node_changes_nothing():
    order = an_order(site={"node_id": "LYON-BAT-A"})
    assert errors_of(lambda: pt.attach(order, "NULLE-PART", None, None, "69")) == [
        ("$.node_id", "PROPERTY_NODE_NOT_FOUND")]
    assert errors_of(lambda: pt.attach(order, "LYON-BAT-A", node(status="retired"), None, "69")) == [
        ("$.node_id", "PROPERTY_NODE_RETIRED")]
    assert pt.attach(order, "LYON-BAT-A", node(), None, "69") is None


def test_a_node_outside_the_orders_commune_or_its_contracts_perimeter_is_refused():
    in_lyon = an_order(site={"node_id": "ANCIEN", "commune": "69123"})
    assert errors_of(lambda: pt.attach(in_lyon, "PARIS", node("PARIS", in_commune="75111"), None, "69")) == [
        ("$.node_id", "ORDER_COMMUNE_NOT_AT_NODE")]
    nowhere = an_order(site={"node_id": "ANCIEN"})
    rhone = Perimeter(departements=["69"])
    assert errors_of(lambda: pt.attach(nowhere, "PARIS", node("PARIS", in_commune="75111"), rhone, "69")) == [
        ("$.node_id", "OUTSIDE_CONTRACT_PERIMETER")]
    # A node placed in no commune, or a contract gone, leaves nothing to check against
    assert pt.attach(nowhere, "ENTREPOT", node("ENTREPOT", in_commune=None), rhone, "69").site.node_id == "ENTREPOT"
    assert pt.attach(nowhere, "PARIS", node("PARIS", in_commune="75111"), None, "69").site.node_id == "PARIS"


@pytest.mark.parametrize("state", [OrderState.CLOSED, OrderState.CANCELLED])
def test_a_closed_or_cancelled_order_may_still_be_attached(state):
    order = an_order(site={"node_id": "ANCIEN"}, state=state)
    assert pt.attach(order, "LYON-BAT-A", node(), None, "69").state is state


# --- the service ------------------------------------------------------------------------------------


def a_world() -> World:
    """Two orders received before the tree (one on a node the tree will not hold), then the tree imported."""
    world = World("2026-03-02T08:00:00+00:00")
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", {
        "contract_id": "AC-2026-017", "contractor_id": CONTRACTOR, "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {"departements": ["69"]}})
    for order_id, site in (("BC-OLD", {"node_id": "ANCIEN-BAT", "label": "Ancien bâtiment"}),
                           ("BC-OK", {"node_id": "LYON-BAT-B"})):
        command, _ = parse_object(IssueOrder, issue_order_body(order_id, site=site))
        receive_order(MANAGER, command, world.uow(), world.clock)
    service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    return world


def attach(world: World, order_id: str, node_id: str, manager_id: str = MANAGER) -> dict:
    command = pt.AttachOrderNode(order_id=order_id, node_id=node_id)
    return service.attach_order_node(manager_id, command, world.uow(), world.clock)


def node_changed(world: World) -> list[dict]:
    return [m.data for m in world.outbox() if m.event_type is EventType.ORDER_NODE_CHANGED]


def test_an_orphan_order_attached_brings_coverage_to_100_and_tells_the_contractor_once():
    world = a_world()
    assert [o["id"] for o in service.coverage(MANAGER, world.uow())["orphans"]] == ["BC-OLD"]
    territory = world.db.data(f"managers/{MANAGER}/orders/BC-OLD")["territory"]
    # When the manager attaches it, then sends the same attachment again
    first, again = attach(world, "BC-OLD", "LYON-BAT-A"), attach(world, "BC-OLD", "LYON-BAT-A")
    # Then the first changes the order, the second nothing
    assert (first["changed"], first["previous_node_id"], again["changed"], again["previous_node_id"]) == (
        True, "ANCIEN-BAT", False, "LYON-BAT-A")
    stored = world.db.data(f"managers/{MANAGER}/orders/BC-OLD")
    assert (stored["site"]["node_id"], stored["node_commune"], stored["territory"]) == ("LYON-BAT-A", "69123", territory)
    # And the order's history has one event, the contractor one message on its orders topic, in the order's key
    [event] = [e for e in world.events(MANAGER, "BC-OLD").values() if e.get("kind") == "node_changed"]
    assert (event["previous_node_id"], event["node_id"], event["actor"]) == ("ANCIEN-BAT", "LYON-BAT-A", "manager")
    [message] = [m for m in world.outbox() if m.event_type is EventType.ORDER_NODE_CHANGED]
    assert (message.topic, message.ordering_key, message.subject) == (f"orders-{CONTRACTOR}", "BC-OLD", "orders/BC-OLD")
    assert (message.data["node"]["in_commune"], message.data["site"]["label"]) == ("69123", "Ancien bâtiment")
    # And coverage is 100 %
    report = service.coverage(MANAGER, world.uow())
    assert (report["coverage_percent"], report["orphans"]) == (100.0, [])


def test_the_order_the_node_changed_message_and_the_audit_records_are_one_commit():
    world = a_world()
    commits = []
    apply = world.db.apply
    world.db.apply = lambda writes: (apply(writes), commits.append(list(writes)))
    attach(world, "BC-OLD", "LYON-BAT-A")
    # The command's commit, then the outbox's own mark once the message is published
    [commit, published] = commits
    paths = [w.path for w in commit]
    [message] = [p for p in paths if p.startswith("outbox/")]
    assert paths[:2] == [f"managers/{MANAGER}/orders/BC-OLD", paths[1]] and "/events/node-" in paths[1]
    assert sum(1 for p in paths if p.startswith(f"managers/{MANAGER}/audit/")) == 2  # the order and its event
    assert [w.path for w in published] == [message]


def test_another_managers_order_an_unknown_node_and_a_retired_one_are_refused_and_nothing_is_sent():
    world = a_world()
    assert errors_of(lambda: attach(world, "BC-OLD", "LYON-BAT-A", manager_id="mgr-other")) == [
        ("$.order_id", "ORDER_NOT_FOUND")]
    assert errors_of(lambda: attach(world, "BC-OLD", "NULLE-PART")) == [("$.node_id", "PROPERTY_NODE_NOT_FOUND")]
    service.import_tree(MANAGER, "csv", TREE.replace("LYON-BAT-A;building;LYON;Bâtiment A;\n", "").encode(),
                        world.uow(), world.clock)
    assert errors_of(lambda: attach(world, "BC-OLD", "LYON-BAT-A")) == [("$.node_id", "PROPERTY_NODE_RETIRED")]
    assert errors_of(lambda: attach(world, "BC-OLD", "PARIS")) == [("$.node_id", "OUTSIDE_CONTRACT_PERIMETER")]
    assert node_changed(world) == []
    assert world.db.data(f"managers/{MANAGER}/orders/BC-OLD")["site"]["node_id"] == "ANCIEN-BAT"


def test_an_order_on_a_retired_node_moves_and_its_flagged_document_is_no_longer_listed():
    world = a_world()
    # Given BC-OK's node retired by the next import, then a document attached to BC-OK (flagged)
    service.import_tree(MANAGER, "csv", TREE.replace("LYON-BAT-B;building;LYON;Bâtiment B;\n", "").encode(),
                        world.uow(), world.clock)
    fields = doc.AttachFields(manager_id=MANAGER, order_id="BC-OK", kind=doc.DocumentKind.INTERVENTION_REPORT)
    attach_document(CONTRACTOR, fields, "rapport.pdf", a_pdf(), world.uow(), Files(), world.clock, "erp")
    before = service.coverage(MANAGER, world.uow())
    assert [d["flag"] for d in before["flagged_documents"]] == ["PROPERTY_NODE_RETIRED"]
    assert [o["id"] for o in before["on_retired_nodes"]][:1] == ["BC-OK"]
    # When the manager attaches BC-OK to a node in force
    attach(world, "BC-OK", "LYON-BAT-A")
    # Then neither the order nor its document is on a retired node, nor the document listed as flagged
    after = service.coverage(MANAGER, world.uow())
    assert (after["on_retired_nodes"], after["flagged_documents"]) == ([], [])
    # And the document keeps its flag, as history
    [stored] = world.db.under(f"managers/{MANAGER}/orders/BC-OK/documents").values()
    assert stored["property_flag"] == "PROPERTY_NODE_RETIRED"
