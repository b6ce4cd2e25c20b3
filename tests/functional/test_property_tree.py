"""A7 through HTTPS: a French CSV property tree, bad rows, idempotent re-import, orders checked, coverage."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests

from devtools import seed
from devtools.tokens import emulator_token
from tests.builders import issue_order_body

pytestmark = pytest.mark.emulators
TREE = ("node_id;kind;parent_id;label;commune\n"
        "LYON;site;;Résidence Les Tilleuls;69383\n"
        "LYON-BAT-A;building;LYON;Bâtiment A;\n"
        "LYON-BAT-A-LOG-12;dwelling;LYON-BAT-A;Logement 12;\n")


def import_csv(platform, erp, text: str) -> requests.Response:
    return requests.post(platform.url("import_property_tree") + "/", data="\ufeff".encode() + text.encode(), timeout=60,
                         headers={"Authorization": f"Bearer {erp.token}", "Content-Type": "text/csv; charset=utf-8",
                                  "Idempotency-Key": uuid.uuid4().hex})


def coverage(platform, token: str) -> dict:
    response = requests.get(platform.url("get_property_coverage") + "/", timeout=30,
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_once_a_tree_is_imported_orders_must_point_at_its_nodes_and_coverage_lists_the_orphans(platform, manager):
    # Given two orders received before any tree: one on a node the tree will hold, one on a node it will not
    assert manager.post("receive_order", issue_order_body("BC-PT-1")).status_code == 201
    old = issue_order_body("BC-PT-0", site={"node_id": "ANCIEN-BAT", "label": "Ancien bâtiment"})
    assert manager.post("receive_order", old).status_code == 201
    # When the manager imports a CSV whose dwelling hangs under an unknown building
    bad = import_csv(platform, manager, TREE.replace("LOG-12;dwelling;LYON-BAT-A", "LOG-12;dwelling;LYON-BAT-Z"))
    # Then the row is reported by its line and nothing is in force
    assert bad.status_code == 422
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("line 4.parent_id", "PARENT_NOT_FOUND")]
    assert coverage(platform, manager.token)["tree_in_force"] is False
    # When it imports the good file, then the same file again
    first, again = import_csv(platform, manager, TREE), import_csv(platform, manager, TREE)
    # Then the first writes three nodes, the second changes nothing
    assert (first.status_code, first.json()["written"], first.json()["status"]) == (201, 3, "completed"), first.text
    assert (again.status_code, again.json()["changed"]) == (200, False)
    # And an order on a node outside the tree is refused, one on a node of the tree is received
    stray = manager.post("receive_order", issue_order_body("BC-PT-2", site={"node_id": "NULLE-PART"}))
    assert stray.status_code == 422
    assert [(e["field"], e["code"]) for e in stray.json()["errors"]] == [("$.site.node_id", "PROPERTY_NODE_NOT_FOUND")]
    assert manager.post("receive_order", issue_order_body("BC-PT-3")).status_code == 201
    # And coverage counts three orders, two attached, and names the old order as the orphan
    report = coverage(platform, manager.token)
    assert (report["items"], report["attached"], report["coverage_percent"]) == (3, 2, 66.67)
    assert report["orphans"] == [{"kind": "order", "id": "BC-PT-0", "node_id": "ANCIEN-BAT"}]


def test_a_tree_whose_kinds_are_written_in_french_is_imported_with_the_codes_and_an_unknown_one_listed_in_french(
        platform, manager):
    # Given a CSV as a French manager writes it: « bâtiment », « Cage d'escalier », « LOGEMENT », « équipement »
    french = ("node_id;kind;parent_id;label;commune\n"
              "LYON;Site;;Résidence Les Tilleuls;69383\n"
              "LYON-BAT-A;bâtiment;LYON;Bâtiment A;\n"
              "LYON-BAT-A-ESC-1;Cage d'escalier;LYON-BAT-A;Escalier 1;\n"
              "LYON-BAT-A-LOG-12;LOGEMENT;LYON-BAT-A-ESC-1;Logement 12;\n"
              "LYON-BAT-A-CHAUD;equipement;LYON-BAT-A;Chaufferie;\n")
    # When a row names a kind that is none of them: refused at its line, the allowed kinds listed in French
    bad = import_csv(platform, manager, french.replace("LYON-BAT-A;bâtiment", "LYON-BAT-A;immeuble"))
    assert bad.status_code == 422, bad.text
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("line 3.kind", "INVALID_VALUE")]
    assert "« immeuble » inconnu ; types possibles : site, bâtiment, cage d'escalier, logement, équipement" in \
        bad.json()["errors"][0]["message"]
    # When it imports the file, then the same file again
    first, again = import_csv(platform, manager, french), import_csv(platform, manager, french)
    assert (first.status_code, first.json()["written"]) == (201, 5), first.text
    assert (again.status_code, again.json()["changed"]) == (200, False), again.text
    # Then the tree in force holds the nodes under the kinds' codes
    read = requests.get(platform.url("list_property_nodes") + "/", timeout=30,
                        headers={"Authorization": f"Bearer {manager.token}"})
    assert read.status_code == 200, read.text
    assert {n["node_id"]: n["kind"] for n in read.json()["nodes"]} == {
        "LYON": "site", "LYON-BAT-A": "building", "LYON-BAT-A-ESC-1": "staircase", "LYON-BAT-A-LOG-12": "dwelling",
        "LYON-BAT-A-CHAUD": "equipment"}
    # and an order on the staircase's dwelling is received on the node
    order = issue_order_body("BC-PT-FR", site={"node_id": "LYON-BAT-A-LOG-12", "label": "Logement 12"})
    assert manager.post("receive_order", order).status_code == 201


def test_the_demo_data_is_fully_attached_to_its_property_tree(platform, clean_firestore):
    # Given the demo parties, contracts and tree, registered as ./scripts/dev does: through the onboarding
    # API and the manager's own functions (the contractors' topics made by register_contractor)
    registered = seed.register_parties(platform.url, platform.project_id)
    assert [(name, status) for name, status in registered if status not in (200, 201)] == []
    # When the demo orders are sent
    results = seed.post_demo_orders(platform.url("receive_order"), platform.project_id,
                                    dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    # Then each is received and the manager's coverage is 100 %
    assert [status for _, status in results] == [201, 201, 201]
    token = emulator_token(platform.project_id, "erp-rhone-habitat", role="manager", tenant=seed.MANAGER["manager_id"])
    report = coverage(platform, token)
    assert (report["items"], report["coverage_percent"], report["orphans"]) == (3, 100.0, [])
    # And each order's site reads as the tree names its node (« Logement 12 »), not as its id
    listed = requests.get(platform.url("list_orders") + "/", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert sorted(row["site"]["label"] for row in listed.json()["orders"]) == [
        "Bâtiment B", "Bâtiment C, escalier 1", "Logement 12"], listed.text
