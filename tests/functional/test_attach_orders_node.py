"""A7 property tree through HTTPS and Pub/Sub on the emulators: after a tree import, the manager attaches its orphan
orders in one request (``order_ids``): more than one commit's worth, each order told to its contractor once, an
order it does not hold reported and the others attached; the same request again changes nothing; another manager
and a contractor are refused."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.builders import issue_order_body
from tests.conftest import MANAGERS
from tests.functional.erp import Erp
from tests.functional.test_attach_order_node import NODE_CHANGED, TREE, coverage, refusal

pytestmark = pytest.mark.emulators
ORPHANS = 75  # two commits (71 orders each at most)


def node_changed(contractor: Erp, until: int | None = None, wait: float = 5) -> list:
    return [m for m in contractor.pull("orders-ctr-test", wait=wait, until=until)
            if m.attributes["ce-type"] == NODE_CHANGED]


def test_orphans_are_attached_in_one_request_once_and_other_tenants_are_refused(platform, manager, contractor):
    # Given orphan orders received before the tree, on a node the tree will not hold, then the tree imported
    wanted = [f"BC-RM-{i:03d}" for i in range(ORPHANS)]
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda o: manager.post("receive_order", issue_order_body(
            o, site={"node_id": "ANCIEN-BAT"})).status_code, wanted))
    assert statuses == [201] * ORPHANS
    assert manager.post("import_property_tree", TREE).status_code == 201
    assert len(coverage(manager)["orphans"]) == ORPHANS
    contractor.pull("orders-ctr-test", wait=3)  # the orders and the tree's nodes: not what this test counts
    body = {"order_ids": [*wanted, "BC-RM-INCONNUE"], "node_id": "LYON-BAT-A"}
    # When a contractor, then another manager, send it: refused, nothing attached
    assert refusal(contractor.post("attach_order_node", body))[0] == 403
    other = Erp(platform, "manager", MANAGERS[1])
    status, errors = refusal(other.post("attach_order_node", body))
    assert (status, {code for _, code in errors}, len(errors)) == (404, {"ORDER_NOT_FOUND"}, ORPHANS + 1)
    assert len(coverage(manager)["orphans"]) == ORPHANS
    # When the manager attaches them all, with an order it does not hold
    first = manager.post("attach_order_node", body)
    # Then they are attached in two commits, the unknown order reported with its place in the list
    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["requested"], answer["attached"], answer["unchanged"], answer["commits"]) == (
        ORPHANS + 1, ORPHANS, 0, 2)
    assert [(r["order_id"], [(e["field"], e["code"]) for e in r["errors"]]) for r in answer["refused"]] == [
        ("BC-RM-INCONNUE", [(f"$.order_ids[{ORPHANS}]", "ORDER_NOT_FOUND")])]
    assert "introuvable" in answer["refused"][0]["errors"][0]["message"]
    assert (coverage(manager)["coverage_percent"], coverage(manager)["orphans"]) == (100.0, [])
    view = manager.get_order(wanted[-1]).json()
    assert [e["node_id"] for e in view["events"] if e.get("kind") == "node_changed"] == ["LYON-BAT-A"]
    # And the contractor is told once per order
    told = node_changed(contractor, until=ORPHANS, wait=20)
    assert sorted(json.loads(m.data)["order_id"] for m in told) == wanted
    # When the same request is sent again (another idempotency key): nothing changes, nothing is sent
    again = manager.post("attach_order_node", body).json()
    assert (again["attached"], again["unchanged"], again["commits"], len(again["refused"])) == (0, ORPHANS, 0, 1)
    assert node_changed(contractor, wait=2) == []
    # And an unknown node refuses the whole request
    assert refusal(manager.post("attach_order_node", {"order_ids": wanted, "node_id": "NULLE-PART"})) == (
        422, [("$.node_id", "PROPERTY_NODE_NOT_FOUND")])
