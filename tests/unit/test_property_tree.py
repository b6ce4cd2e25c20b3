"""A7: the property tree's rules, its French CSV / JSON import, the resumable job, coverage, and the order check."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from shared.domain import property_tree as pt
from shared.domain.errors import DomainError
from shared.domain.messages import IssueOrder
from shared.domain.validation import parse_object
from shared.service import property_tree as service
from shared.service.orders import receive_order
from tests.builders import CONTRACTOR, MANAGER, issue_order_body
from tests.fakes import FixedClock, World
from tests.fakes import InMemoryDocuments as SharedInMemoryDocuments

HEADER = "node_id;kind;parent_id;label;commune\n"
TREE = HEADER + ("LYON;site;;Résidence Les Tilleuls;69123\n"
                 "LYON-BAT-A;building;LYON;Bâtiment A;\n"
                 "LYON-BAT-A-ESC-1;staircase;LYON-BAT-A;Escalier 1;\n"
                 "LYON-BAT-A-LOG-12;dwelling;LYON-BAT-A-ESC-1;Logement 12;\n"
                 "LYON-BAT-A-CHAUD;equipment;LYON-BAT-A;Chaufferie;\n")


class InMemoryDocuments(SharedInMemoryDocuments):
    """The shared in-memory DocumentStore, reading the imported nodes back."""

    def nodes(self) -> dict[str, dict[str, Any]]:
        return dict(self.list(service.nodes_path(MANAGER)))


def big_tree(buildings: int, dwellings: int) -> bytes:
    rows = [HEADER, "SITE;site;;Groupe;\n"]
    for b in range(buildings):
        rows.append(f"B{b};building;SITE;Bâtiment {b};\n")
        rows += [f"B{b}-L{d};dwelling;B{b};Logement {d};\n" for d in range(dwellings)]
    return "".join(rows).encode()


def test_a_french_csv_with_a_bom_becomes_nodes_with_their_parents():
    # When a CSV with a byte-order mark is parsed
    rows, errors = pt.parse_csv("\ufeff".encode() + TREE.encode())
    # Then every row is a node at its line, the empty cells are absent values
    assert errors == []
    assert [(line, n.node_id, n.kind.value, n.parent_id) for line, n in rows][:2] == [
        (2, "LYON", "site", None), (3, "LYON-BAT-A", "building", "LYON")]
    assert rows[0][1].commune == "69123" and rows[1][1].commune is None


def test_every_bad_row_is_reported_with_its_line_number():
    # Given a file with an unknown kind, a duplicate, a missing label, a dwelling under a site and an unknown parent
    raw = (HEADER + "S;site;;Site;\nB;tower;S;Tour;\nS;site;;Encore;\nB2;building;S;;\nL;dwelling;S;Logement;\n"
           "E;equipment;NOWHERE;Porte;\n").encode()
    rows, errors = pt.parse_csv(raw)
    # Then parsing reports the row-level errors with their lines
    assert [(e.field, e.code) for e in errors] == [("line 3.kind", "INVALID_VALUE"), ("line 4.node_id", "DUPLICATE_VALUE"),
                                                   ("line 5.label", "REQUIRED")]
    # And planning the valid rows reports the tree-level ones
    _, tree_errors = pt.plan(rows, {})
    assert [(e.field, e.code) for e in tree_errors] == [("line 6.parent_id", "PARENT_KIND_NOT_ALLOWED"),
                                                        ("line 7.parent_id", "PARENT_NOT_FOUND")]


def test_a_csv_without_the_required_columns_is_refused_at_its_header():
    # When the header lacks parent_id
    _, errors = pt.parse_csv(b"node_id;kind;label\nS;site;Site\n")
    # Then line 1 names the missing column
    assert [(e.field, e.code) for e in errors] == [("line 1", "INVALID_FORMAT")] and "parent_id" in errors[0].message


@pytest.mark.parametrize(("kind", "parent_kind", "allowed"), [
    ("site", None, True), ("building", "site", True), ("staircase", "building", True), ("dwelling", "staircase", True),
    ("dwelling", "building", True), ("equipment", "dwelling", True), ("site", "site", False),
    ("building", None, False), ("dwelling", "site", False), ("equipment", "equipment", False),
])
def test_which_kind_may_hang_under_which_is_data(kind, parent_kind, allowed):
    # Given a parent of some kind (or none)
    stored = {} if parent_kind is None else {"P": pt.PropertyNode(node_id="P", kind=parent_kind, label="Parent")}
    node = pt.PropertyNode(node_id="N", kind=kind, parent_id=None if parent_kind is None else "P", label="Nœud")
    # Then the plan accepts it exactly when ALLOWED_PARENTS says so
    _, errors = pt.plan([(2, node)], stored)
    assert (errors == []) is allowed


def test_a_json_import_is_read_like_the_csv_and_lines_count_items_from_one():
    # When a JSON array has a node with an unknown field
    rows, errors = pt.parse_json(json.dumps([{"node_id": "S", "kind": "site", "label": "Site"},
                                             {"node_id": "B", "kind": "building", "parent_id": "S", "label": "B",
                                              "floor": 3}]).encode())
    # Then the item's position is its line
    assert [n.node_id for _, n in rows] == ["S"]
    assert [(e.field, e.code) for e in errors] == [("line 2.floor", "UNKNOWN_FIELD")]


def test_changing_a_nodes_kind_may_not_orphan_its_stored_children():
    # Given a stored building with a dwelling under it
    stored = {"B": pt.PropertyNode(node_id="B", kind="building", parent_id="S", label="B"),
              "S": pt.PropertyNode(node_id="S", kind="site", label="S"),
              "L": pt.PropertyNode(node_id="L", kind="dwelling", parent_id="B", label="L")}
    # When a file turns the building into an equipment
    _, errors = pt.plan([(2, pt.PropertyNode(node_id="B", kind="equipment", parent_id="S", label="B"))], stored)
    # Then the change is refused at that line: the dwelling would hang under an equipment
    assert [(e.field, e.code) for e in errors] == [("line 2.kind", "CHILDREN_WOULD_BE_ORPHANED")]


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    # Given a tree imported once
    docs, clock = InMemoryDocuments(), FixedClock("2026-03-02T08:00:00+00:00")
    first = service.import_tree(MANAGER, "csv", TREE.encode(), docs, clock)
    snapshot, commits = copy.deepcopy(docs.data), docs.commits
    # When the same file comes again
    again = service.import_tree(MANAGER, "csv", TREE.encode(), docs, clock)
    # Then the first wrote five nodes, the second found its job done and wrote nothing
    assert (first["changed"], first["written"], first["status"]) == (True, 5, "completed")
    assert (again["changed"], again["written_now"]) == (False, 0)
    assert docs.data == snapshot and docs.commits == commits
    # And a file that changes one label writes only that node
    changed = service.import_tree(MANAGER, "csv", TREE.replace("Logement 12", "Logement 12 bis").encode(), docs, clock)
    assert (changed["written_now"], docs.nodes()["LYON-BAT-A-LOG-12"]["label"]) == (1, "Logement 12 bis")


def test_a_bad_file_writes_nothing_at_all():
    # Given an empty store
    docs = InMemoryDocuments()
    # When a file with one bad row among good ones is imported
    with pytest.raises(DomainError) as refused:
        service.import_tree(MANAGER, "csv", (TREE + "X;dwelling;GHOST;Logement;\n").encode(), docs,
                            FixedClock("2026-03-02T08:00:00+00:00"))
    # Then the row is named and nothing (not even a job) was written
    assert [(e.field, e.code) for e in refused.value.errors] == [("line 7.parent_id", "PARENT_NOT_FOUND")]
    assert docs.data == {}


def test_a_large_import_is_written_in_batches_and_resumes_after_a_crash():
    # Given 1 + 20 × 50 = 1 021 nodes, and an instance that dies after the job record and two batches
    raw = big_tree(20, 49)
    docs, clock = InMemoryDocuments(crash_after=3), FixedClock("2026-03-02T08:00:00+00:00")
    progress: list[int] = []
    with pytest.raises(ConnectionError):
        service.import_tree(MANAGER, "csv", raw, docs, clock, progress=lambda job: progress.append(job["written"]))
    # Then the job shows how far it got, the tree is not in force yet, and coverage reports the unfinished job
    job = service.coverage(MANAGER, docs)["unfinished_imports"][0]
    assert (job["status"], job["written"], job["batches"], job["to_write"]) == ("running", 898, 2, 1001)
    assert progress == [449, 898] and docs.get(service.tree_path(MANAGER)) is None
    # When the same file is sent again
    docs.crash_after = None
    resumed = service.import_tree(MANAGER, "csv", raw, docs, clock)
    # Then only the rest is written, the answer says it resumed, and the whole tree is in force
    assert (resumed["resumed"], resumed["written_now"], resumed["already_written_before_resume"]) == (True, 103, 898)
    assert len(docs.nodes()) == 1001 and docs.get(service.tree_path(MANAGER)).value["nodes"] == 1001


def test_coverage_counts_orders_and_their_documents_and_lists_the_orphans():
    # Given a tree, an order on a known node with one document, and an order on an unknown node with one document
    docs = InMemoryDocuments()
    service.import_tree(MANAGER, "csv", TREE.encode(), docs, FixedClock("2026-03-02T08:00:00+00:00"))
    for order_id, node in (("BC-1", "LYON-BAT-A-LOG-12"), ("BC-2", "PARIS-BAT-Z")):
        docs.data[f"managers/{MANAGER}/orders/{order_id}"] = {"order_id": order_id, "site": {"node_id": node}}
        docs.data[f"managers/{MANAGER}/orders/{order_id}/documents/abc"] = {"sha256": "abc"}
    # When coverage is computed
    report = service.coverage(MANAGER, docs)
    # Then half the items are attached and the orphans are the second order and its document
    assert (report["items"], report["attached"], report["coverage_percent"]) == (4, 2, 50.0)
    assert [(o["kind"], o["id"]) for o in report["orphans"]] == [("order", "BC-2"), ("document", "BC-2/abc")]


def a_world(tree: set[str] | None) -> World:
    world = World("2026-03-02T09:00:00+00:00")
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", {
        "contract_id": "AC-2026-017", "contractor_id": CONTRACTOR, "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    if tree is not None:
        world.seed(f"managers/{MANAGER}/property_tree/current", {"nodes": len(tree)})
        for node in tree:
            world.seed(f"managers/{MANAGER}/property_nodes/{node}", {"node_id": node})
    return world


def test_an_order_must_point_at_a_node_once_the_manager_has_a_tree():
    command, _ = parse_object(IssueOrder, issue_order_body())
    # Given no tree: the order is received as before
    world = a_world(None)
    assert receive_order(MANAGER, command, world.uow(), world.clock).created
    # Given a tree holding its node: received
    world = a_world({"LYON-BAT-A-LOG-12"})
    assert receive_order(MANAGER, command, world.uow(), world.clock).created
    # Given a tree without it: refused on the node
    world = a_world({"LYON-BAT-A"})
    with pytest.raises(DomainError) as refused:
        receive_order(MANAGER, command, world.uow(), world.clock)
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.site.node_id", "PROPERTY_NODE_NOT_FOUND")]
