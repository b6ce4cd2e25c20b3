"""A7 property nodes through HTTPS and Pub/Sub on the emulators: each contractor receives the nodes within
its contracts' perimeters, an import that omits nodes retires them (orders keep theirs), a document on an
order whose node is retired is flagged, and contractors read back only what concerns them."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from devtools.tokens import emulator_token
from tests.builders import issue_order_body
from tests.pdfs import a_pdf

pytestmark = pytest.mark.emulators
TREE = {"nodes": [
    {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"},
    {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON", "label": "Bâtiment A"},
    {"node_id": "LYON-BAT-A-LOG-12", "kind": "dwelling", "parent_id": "LYON-BAT-A", "label": "Logement 12"},
    {"node_id": "PARIS", "kind": "site", "label": "Résidence Voltaire", "commune": "75111"},
]}
CHANGED, RETIRED = "fr.passerelle.property_nodes.changed.v1", "fr.passerelle.property_nodes.retired.v1"


@pytest.fixture
def two_perimeters(clean_firestore):
    """mgr-test's contract with ctr-test covers the Rhône (69); ctr-other holds one covering Paris (75)."""
    clean_firestore.document("managers/mgr-test/contracts/AC-2026-017").update({"perimeter": {"departements": ["69"]}})
    clean_firestore.document("contractors/ctr-other").set({"name": "Other", "managers": ["mgr-other", "mgr-test"]})
    clean_firestore.document("managers/mgr-test/contracts/AC-OTHER").set({
        "contract_id": "AC-OTHER", "contractor_id": "ctr-other", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {"departements": ["75"]}})
    return clean_firestore


def nodes_in(messages, kind: str) -> list[str]:
    found = []
    for m in messages:
        if m.attributes["ce-type"] == kind:
            data = json.loads(m.data)
            found += [n["node_id"] for n in data["nodes"]] if kind == CHANGED else data["node_ids"]
    return found


def read_nodes(erp, **params) -> requests.Response:
    return requests.get(erp.stack.url("list_property_nodes") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {erp.token}"})


def test_each_contractor_gets_and_reads_the_nodes_of_its_perimeter_and_retirements_flag_documents(
        platform, manager, contractor, other_contractor, two_perimeters):
    other_contractor.pull("orders-ctr-other", wait=0.5)
    # When the manager imports its tree
    imported = manager.post("import_property_tree", TREE)
    assert imported.status_code == 201, imported.text
    # Then the Lyon contractor receives the Lyon nodes, the Paris one the Paris site, each nothing else
    assert nodes_in(contractor.pull("orders-ctr-test", wait=5, until=1), CHANGED) == [
        "LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]
    assert nodes_in(other_contractor.pull("orders-ctr-other", wait=5, until=1), CHANGED) == ["PARIS"]
    # And each reads back the same nodes; a contractor without a contract with the manager reads nothing
    own = read_nodes(contractor, manager_id="mgr-test").json()
    assert [(n["node_id"], n["in_commune"], n["status"]) for n in own["nodes"]] == [
        ("LYON", "69383", "active"), ("LYON-BAT-A", "69383", "active"), ("LYON-BAT-A-LOG-12", "69383", "active")]
    two_perimeters.document("contractors/ctr-stranger").set({"name": "Stranger", "managers": []})
    stranger = type(contractor)(platform, "contractor", "ctr-stranger")
    refused = read_nodes(stranger, manager_id="mgr-test")
    assert (refused.status_code, [e["code"] for e in refused.json()["errors"]]) == (404, ["MANAGER_NOT_FOUND"])
    # Given an order on the dwelling
    order = issue_order_body("BC-PN-1", site={"node_id": "LYON-BAT-A-LOG-12"})
    assert manager.post("receive_order", order).status_code == 201
    contractor.pull("orders-ctr-test", wait=3, until=1)
    # When the next import omits the dwelling
    again = manager.post("import_property_tree", {"nodes": TREE["nodes"][:2] + TREE["nodes"][3:]})
    # Then it is retired, the Lyon contractor alone is told, and the order keeps its node
    assert (again.status_code, again.json()["retired_now"]) == (201, 1), again.text
    assert nodes_in(contractor.pull("orders-ctr-test", wait=5, until=1), RETIRED) == ["LYON-BAT-A-LOG-12"]
    assert nodes_in(other_contractor.pull("orders-ctr-other", wait=1), RETIRED) == []
    assert manager.get_order("BC-PN-1").json()["order"]["site"]["node_id"] == "LYON-BAT-A-LOG-12"
    # When the contractor attaches its report to that order
    stored = requests.post(platform.url("store_report") + "/", timeout=30,
                           headers={"Authorization": f"Bearer {contractor.token}",
                                    "Idempotency-Key": uuid.uuid4().hex},
                           data={"manager_id": "mgr-test", "order_id": "BC-PN-1", "kind": "intervention_report"},
                           files={"file": ("rapport.pdf", a_pdf(), "application/pdf")})
    # Then it is stored and flagged, and the coverage report lists it with the order on a retired node
    assert stored.status_code == 201, stored.text
    assert stored.json()["document"]["property_flag"] == "PROPERTY_NODE_RETIRED"
    token = emulator_token(platform.project_id, "erp-mgr", role="manager", tenant="mgr-test")
    report = requests.get(platform.url("get_property_coverage") + "/", timeout=30,
                          headers={"Authorization": f"Bearer {token}"}).json()
    assert [d["flag"] for d in report["flagged_documents"]] == ["PROPERTY_NODE_RETIRED"]
    assert report["retired_nodes"] == 1 and report["on_retired_nodes"][0]["id"] == "BC-PN-1"
    # And a new order may not name the retired node
    refused_order = manager.post("receive_order", issue_order_body("BC-PN-2", site={"node_id": "LYON-BAT-A-LOG-12"}))
    assert [e["code"] for e in refused_order.json()["errors"]] == ["PROPERTY_NODE_NOT_FOUND"]


def test_the_sites_alone_are_read_by_kind_and_a_contractor_still_reads_only_its_perimeter(
        platform, manager, contractor, other_contractor, two_perimeters):
    # Given the manager's tree: a site in Lyon (with a building and a dwelling) and one in Paris
    assert manager.post("import_property_tree", TREE).status_code == 201
    # When the manager reads its sites, one a page
    first = read_nodes(manager, kind="site", limit=1)
    rest = read_nodes(manager, kind="site", limit=1, after=first.json()["next_cursor"])
    # Then it gets the two sites and no building nor dwelling
    assert first.status_code == 200, first.text
    assert [n["node_id"] for n in first.json()["nodes"] + rest.json()["nodes"]] == ["LYON", "PARIS"]
    assert (first.json()["more"], rest.json()["nodes"][0]["kind"]) == (True, "site")
    # And each contractor reads the sites of its own perimeter only
    assert [n["node_id"] for n in read_nodes(contractor, manager_id="mgr-test", kind="site").json()["nodes"]] == [
        "LYON"]
    assert [n["node_id"] for n in read_nodes(other_contractor, manager_id="mgr-test", kind="site").json()["nodes"]] \
        == ["PARIS"]
    # And a kind that is none of the tree's is refused, the kinds listed
    bad = read_nodes(manager, kind="immeuble")
    assert (bad.status_code, [(e["field"], e["code"]) for e in bad.json()["errors"]]) == (
        400, [("query.kind", "INVALID_VALUE")])
    assert "site, building, staircase, dwelling, equipment" in bad.json()["errors"][0]["message"]
