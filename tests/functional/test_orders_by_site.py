"""Orders know their site (A7 property tree, A11 lists) through HTTPS on the emulators: an order naming its node
only shows the tree's label, and list_orders?node_id= finds the orders under a site — only the caller's, for a
manager and for a contractor alike."""

from __future__ import annotations

import pytest
import requests

from tests.builders import issue_order_body
from tests.conftest import MANAGERS
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
TREE = {"nodes": [
    {"node_id": "VAULX", "kind": "site", "label": "Résidence du Mas", "commune": "69256"},
    {"node_id": "VAULX-BAT-B", "kind": "building", "parent_id": "VAULX", "label": "Bâtiment B"},
    {"node_id": "VAULX-BAT-B-LOG-3", "kind": "dwelling", "parent_id": "VAULX-BAT-B", "label": "Logement 3, 1er étage"},
    {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"},
    {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON", "label": "Bâtiment A"},
]}


def listed(erp: Erp, **params: str) -> tuple[int, list[str] | list[tuple[str, str]]]:
    response = requests.get(erp.stack.url("list_orders") + "/", params=params, timeout=30,
                            headers={"Authorization": f"Bearer {erp.token}"})
    if response.status_code != 200:
        return response.status_code, [(e["field"], e["code"]) for e in response.json()["errors"]]
    return 200, sorted(row["order_id"] for row in response.json()["orders"])


def test_the_label_comes_from_the_tree_and_the_filter_finds_the_orders_under_a_site(platform, manager, contractor,
                                                                                      other_contractor):
    assert manager.post("import_property_tree", TREE).status_code == 201
    # When the manager's ERP sends an order naming its dwelling only, another its building, a third its other site
    for order_id, node_id in (("BC-S-1", "VAULX-BAT-B-LOG-3"), ("BC-S-2", "VAULX-BAT-B"), ("BC-S-3", "LYON-BAT-A")):
        response = manager.post("receive_order", issue_order_body(order_id, site={"node_id": node_id}))
        assert response.status_code == 201, response.text
    # Then the order says what the tree says, not « Élément VAULX-BAT-B-LOG-3 du patrimoine »
    assert manager.get_order("BC-S-1").json()["order"]["site"]["label"] == "Logement 3, 1er étage"
    # And the same order sent again is the same order
    assert manager.post("receive_order", issue_order_body("BC-S-1", site={"node_id": "VAULX-BAT-B-LOG-3"})
                        ).status_code == 200
    # And the manager's list by site finds the orders under it, with the other filters
    assert listed(manager) == (200, ["BC-S-1", "BC-S-2", "BC-S-3"])
    assert listed(manager, node_id="VAULX") == (200, ["BC-S-1", "BC-S-2"])
    assert listed(manager, node_id="VAULX-BAT-B-LOG-3") == (200, ["BC-S-1"])
    assert listed(manager, node_id="LYON", state="to_acknowledge") == (200, ["BC-S-3"])
    assert listed(manager, node_id="LYON", contractor_id="ctr-test") == (200, ["BC-S-3"])
    assert listed(manager, node_id="VAULX", order_id="BC-S-3") == (200, [])
    # And the contractor holding them filters the same way, across its clients or in one space
    assert listed(contractor, node_id="VAULX") == (200, ["BC-S-1", "BC-S-2"])
    assert listed(contractor, node_id="LYON", manager_id=MANAGERS[0]) == (200, ["BC-S-3"])
    # But another manager naming this manager's site, and another contractor, find nothing
    assert listed(Erp(platform, "manager", MANAGERS[1]), node_id="VAULX") == (200, [])
    assert listed(other_contractor, node_id="VAULX") == (200, [])
    # And a malformed node id is a structured refusal
    assert listed(manager, node_id="VAULX/../x") == (400, [("query.node_id", "INVALID_FORMAT")])
