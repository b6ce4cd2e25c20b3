"""A7 property tree through HTTPS and Pub/Sub on the emulators: an order received before the manager's tree is
an orphan until the manager attaches it to a node in force; coverage then reaches 100 % and the contractor
holding the order is told once, however many times the attachment is sent."""

from __future__ import annotations

import json

import pytest
import requests

from tests.builders import issue_order_body
from tests.conftest import MANAGERS
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
TREE = {"nodes": [
    {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"},
    {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON", "label": "Bâtiment A"},
    {"node_id": "LYON-BAT-B", "kind": "building", "parent_id": "LYON", "label": "Bâtiment B"},
]}
NODE_CHANGED = "fr.passerelle.order.node_changed.v1"


def coverage(erp: Erp) -> dict:
    response = requests.get(erp.stack.url("get_property_coverage") + "/", timeout=30,
                            headers={"Authorization": f"Bearer {erp.token}"})
    assert response.status_code == 200, response.text
    return response.json()


def refusal(response: requests.Response) -> tuple[int, list[tuple[str, str]]]:
    return response.status_code, [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_an_order_received_before_the_tree_is_attached_once_and_coverage_reaches_100(platform, manager, contractor):
    # Given an order received before any tree, on a node the tree will not hold, then the tree imported
    old = issue_order_body("BC-RA-1", site={"node_id": "ANCIEN-BAT", "label": "Ancien bâtiment"})
    assert manager.post("receive_order", old).status_code == 201
    assert manager.post("import_property_tree", TREE).status_code == 201
    report = coverage(manager)
    assert (report["coverage_percent"], report["orphans"]) == (
        0.0, [{"kind": "order", "id": "BC-RA-1", "node_id": "ANCIEN-BAT"}])
    contractor.pull("orders-ctr-test", wait=2)  # the order and the tree's nodes: not what this test counts
    # When the manager attaches it to a building, twice (two requests, two idempotency keys)
    first = manager.post("attach_order_node", {"order_id": "BC-RA-1", "node_id": "LYON-BAT-A"})
    again = manager.post("attach_order_node", {"order_id": "BC-RA-1", "node_id": "LYON-BAT-A"})
    # Then the first attaches it, the second changes nothing
    assert (first.status_code, first.json()["changed"], first.json()["previous_node_id"]) == (
        200, True, "ANCIEN-BAT"), first.text
    assert (again.status_code, again.json()["changed"]) == (200, False)
    # And coverage is 100 %, the order names its new node and its history says so
    assert (coverage(manager)["coverage_percent"], coverage(manager)["orphans"]) == (100.0, [])
    view = manager.get_order("BC-RA-1").json()
    assert view["order"]["site"] == {"node_id": "LYON-BAT-A", "label": "Ancien bâtiment", "address": None,
                                     "commune": None}
    assert [e["node_id"] for e in view["events"] if e.get("kind") == "node_changed"] == ["LYON-BAT-A"]
    # And the contractor receives one message on its orders topic
    messages = [m for m in contractor.pull("orders-ctr-test", wait=5, until=1)
                if m.attributes["ce-type"] == NODE_CHANGED]
    assert len(messages) == 1
    data = json.loads(messages[0].data)
    assert (data["order_id"], data["previous_node_id"], data["node"]["in_commune"]) == (
        "BC-RA-1", "ANCIEN-BAT", "69383")
    assert [m for m in contractor.pull("orders-ctr-test", wait=2) if m.attributes["ce-type"] == NODE_CHANGED] == []


def test_another_manager_an_unknown_node_and_a_retired_node_are_refused(platform, manager):
    assert manager.post("receive_order", issue_order_body(
        "BC-RA-2", site={"node_id": "ANCIEN-BAT"})).status_code == 201
    assert manager.post("import_property_tree", TREE).status_code == 201
    # A manager that does not hold the order: not found in its space
    other = Erp(platform, "manager", MANAGERS[1])
    assert refusal(other.post("attach_order_node", {"order_id": "BC-RA-2", "node_id": "LYON-BAT-A"})) == (
        404, [("$.order_id", "ORDER_NOT_FOUND")])
    # A node the tree does not hold
    assert refusal(manager.post("attach_order_node", {"order_id": "BC-RA-2", "node_id": "NULLE-PART"})) == (
        422, [("$.node_id", "PROPERTY_NODE_NOT_FOUND")])
    # A node the next import retired, with its French message
    assert manager.post("import_property_tree", {"nodes": TREE["nodes"][:2]}).status_code == 201
    retired = manager.post("attach_order_node", {"order_id": "BC-RA-2", "node_id": "LYON-BAT-B"})
    assert refusal(retired) == (422, [("$.node_id", "PROPERTY_NODE_RETIRED")])
    assert "retiré du patrimoine" in retired.json()["errors"][0]["message"]
    # A body with an unknown field
    assert refusal(manager.post("attach_order_node", {"order_id": "BC-RA-2", "node_id": "LYON-BAT-A", "x": 1}))[0] \
        in (400, 422)
    assert coverage(manager)["orphans"] == [{"kind": "order", "id": "BC-RA-2", "node_id": "ANCIEN-BAT"}]
