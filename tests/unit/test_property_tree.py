"""A7: the property tree's rules, its French CSV / JSON import, the resumable job, coverage, and the order check."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from shared.domain import property_tree as pt
from shared.domain.errors import DomainError
from shared.domain.messages import EventType, IssueOrder
from shared.domain.orders import SiteRef
from shared.domain.quotes import RaiseQuote, RequestQuote
from shared.domain.validation import parse_object
from shared.service import property_tree as service
from shared.service import quote_origins, quotes
from shared.service.orders import receive_order
from tests.builders import CONTRACTOR, MANAGER, issue_order_body
from tests.fakes import World

HEADER = "node_id;kind;parent_id;label;commune\n"
TREE = HEADER + ("LYON;site;;Résidence Les Tilleuls;69123\n"
                 "LYON-BAT-A;building;LYON;Bâtiment A;\n"
                 "LYON-BAT-A-ESC-1;staircase;LYON-BAT-A;Escalier 1;\n"
                 "LYON-BAT-A-LOG-12;dwelling;LYON-BAT-A-ESC-1;Logement 12;\n"
                 "LYON-BAT-A-CHAUD;equipment;LYON-BAT-A;Chaufferie;\n")


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


def test_a_french_manager_names_the_kinds_in_french_without_case_nor_accents_and_the_codes_are_stored():
    # Given a CSV naming each kind in French, as a manager writes them (capitals, no accents, a typographic apostrophe)
    raw = (HEADER + "LYON;Site;;Résidence Les Tilleuls;69123\n"
                    "LYON-BAT-A;bâtiment;LYON;Bâtiment A;\n"
                    "LYON-BAT-B;BATIMENT;LYON;Bâtiment B;\n"
                    "LYON-BAT-A-ESC-1;Cage d’escalier;LYON-BAT-A;Escalier 1;\n"
                    "LYON-BAT-B-ENT;entree;LYON-BAT-B;Entrée;\n"
                    "LYON-BAT-A-LOG-12;  logement ;LYON-BAT-A-ESC-1;Logement 12;\n"
                    "LYON-BAT-A-CHAUD;Equipement;LYON-BAT-A;Chaufferie;\n"
                    "LYON-BAT-B-LOG-1;dwelling;LYON-BAT-B-ENT;Logement 1;\n").encode()
    # When it is parsed
    rows, errors = pt.parse_csv(raw)
    # Then every row is a node of the kind's code, the English codes read as before, and the tree is planned as one
    assert errors == []
    assert [n.kind.value for _, n in rows] == ["site", "building", "building", "staircase", "staircase", "dwelling",
                                               "equipment", "dwelling"]
    assert pt.plan(rows, {})[1] == []
    assert pt.kind_named("cage / entrée") is pt.NodeKind.STAIRCASE and pt.kind_named("groupe") is pt.NodeKind.SITE
    assert pt.kind_named("tour") is None and pt.kind_named("") is None


def test_an_unknown_kind_is_refused_listing_the_allowed_ones_in_french():
    # When a row names a kind that is neither a code nor a French name, in a CSV or a JSON file
    _, errors = pt.parse_csv((HEADER + "S;site;;Site;\nT;tour;S;Tour;\n").encode())
    _, json_errors = pt.parse_json(json.dumps({"nodes": [{"node_id": "T", "kind": "tower", "label": "Tour"}]}).encode())
    # Then the refusal is on the row's kind and lists the French names first, then the codes
    assert [(e.field, e.code) for e in errors] == [("line 3.kind", "INVALID_VALUE")]
    assert errors[0].message == ("Valeur invalide : type « tour » inconnu ; types possibles : site, bâtiment, "
                                 "cage d'escalier, logement, équipement (ou les codes site, building, staircase, "
                                 "dwelling, equipment).")
    assert [(e.field, e.code) for e in json_errors] == [("line 1.kind", "INVALID_VALUE")]
    assert "« tower » inconnu" in json_errors[0].message and "cage d'escalier" in json_errors[0].message
    assert "Input should" not in errors[0].message + json_errors[0].message


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
    # Given a stored parent of some kind (or none), and a file that adds a node under it
    stored = {} if parent_kind is None else {"P": pt.PropertyNode(node_id="P", kind=parent_kind, label="Parent")}
    node = pt.PropertyNode(node_id="N", kind=kind, parent_id=None if parent_kind is None else "P", label="Nœud")
    # Then the plan accepts it exactly when ALLOWED_PARENTS says so
    _, errors = pt.plan([(2, node)], stored, "merge")
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
    # When a file merged into the tree turns the building into an equipment
    _, errors = pt.plan([(2, pt.PropertyNode(node_id="B", kind="equipment", parent_id="S", label="B"))], stored,
                        "merge")
    # Then the change is refused at that line: the dwelling would hang under an equipment
    assert [(e.field, e.code) for e in errors] == [("line 2.kind", "CHILDREN_WOULD_BE_ORPHANED")]


def an_empty_world() -> World:
    return World("2026-03-02T08:00:00+00:00")


def nodes(world: World) -> dict[str, dict[str, Any]]:
    return {path.rsplit("/", 1)[1]: data for path, data in world.db.under(service.nodes_path(MANAGER)).items()}


def record_commits(world: World) -> list[list[Any]]:
    """The writes of every commit the database receives, in order."""
    commits: list[list[Any]] = []
    apply = world.db.apply

    def recording(writes):
        apply(writes)
        commits.append(list(writes))

    world.db.apply = recording
    return commits


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    # Given a tree imported once
    world = an_empty_world()
    first = service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    snapshot, commits = copy.deepcopy(world.db.docs), world.db.commits
    # When the same file comes again
    again = service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    # Then the first wrote five nodes, the second found its job done and wrote nothing
    assert (first["changed"], first["written"], first["status"]) == (True, 5, "completed")
    assert (again["changed"], again["written_now"]) == (False, 0)
    assert world.db.docs == snapshot and world.db.commits == commits
    # And a file that changes one label writes only that node
    changed = service.import_tree(MANAGER, "csv", TREE.replace("Logement 12", "Logement 12 bis").encode(), world.uow(),
                                  world.clock)
    assert (changed["written_now"], nodes(world)["LYON-BAT-A-LOG-12"]["label"]) == (1, "Logement 12 bis")


def test_a_bad_file_writes_nothing_at_all():
    # Given an empty database
    world = an_empty_world()
    # When a file with one bad row among good ones is imported
    with pytest.raises(DomainError) as refused:
        service.import_tree(MANAGER, "csv", (TREE + "X;dwelling;GHOST;Logement;\n").encode(), world.uow(), world.clock)
    # Then the row is named and nothing (not even a job, nor an audit record) was written
    assert [(e.field, e.code) for e in refused.value.errors] == [("line 7.parent_id", "PARENT_NOT_FOUND")]
    assert world.db.docs == {} and world.db.commits == 0


def test_a_large_import_is_written_in_batches_and_resumes_after_a_crash():
    # Given 1 + 20 × 50 = 1 001 nodes, and an instance that dies after the job record and two batches
    raw = big_tree(20, 49)
    world = an_empty_world()
    world.db.crash_after = 3
    progress: list[int] = []
    with pytest.raises(ConnectionError):
        service.import_tree(MANAGER, "csv", raw, world.uow(), world.clock,
                            progress=lambda job: progress.append(job["written"]))
    # Then the job shows how far it got, the tree is not in force yet, and coverage reports the unfinished job
    job = service.coverage(MANAGER, world.uow())["unfinished_imports"][0]
    assert (job["status"], job["written"], job["batches"], job["to_write"]) == ("running", 898, 2, 1001)
    assert progress == [449, 898] and world.db.data(service.tree_path(MANAGER)) is None
    assert len(nodes(world)) == 898
    # When the same file is sent again
    world.db.crash_after = None
    resumed = service.import_tree(MANAGER, "csv", raw, world.uow(), world.clock)
    # Then only the rest is written, the answer says it resumed, and the whole tree is in force
    assert (resumed["resumed"], resumed["written_now"], resumed["already_written_before_resume"]) == (True, 103, 898)
    assert (resumed["resumes"], resumed["status"]) == (1, "completed")
    assert len(nodes(world)) == 1001 and world.db.data(service.tree_path(MANAGER))["nodes"] == 1001


def test_every_batch_is_one_commit_of_at_most_500_writes_audit_records_included():
    # Given an import of 1 001 nodes, its commits recorded
    world = an_empty_world()
    commits = record_commits(world)
    service.import_tree(MANAGER, "csv", big_tree(20, 49), world.uow(), world.clock)
    # Then it took the job's start, three batches and the completion, each within Firestore's 500 writes
    assert [sum(1 for w in c if "/property_nodes/" in w.path) for c in commits] == [0, 449, 449, 103, 0]
    assert max(len(c) for c in commits) <= 500
    # And every commit carries its audit record and the job's progress with its nodes
    for commit in commits:
        assert any("/audit/" in w.path for w in commit)
        assert sum(1 for w in commit if "/property_imports/" in w.path) == 1
    assert [w.path for w in commits[-1] if "/audit/" not in w.path and not w.path.startswith("audit_pending/")][1:] \
        == [service.tree_path(MANAGER)]


def test_coverage_counts_orders_and_their_documents_and_lists_the_orphans():
    # Given a tree, an order on a known node with one document, and an order on an unknown node with one document
    world = an_empty_world()
    service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    for order_id, node in (("BC-1", "LYON-BAT-A-LOG-12"), ("BC-2", "PARIS-BAT-Z")):
        world.seed(f"managers/{MANAGER}/orders/{order_id}", {"order_id": order_id, "site": {"node_id": node}})
        world.seed(f"managers/{MANAGER}/orders/{order_id}/documents/abc", {"sha256": "abc", "manager_id": MANAGER,
                                                                           "order_id": order_id})
    # When coverage is computed
    report = service.coverage(MANAGER, world.uow())
    # Then half the items are attached and the orphans are the second order and its document
    assert (report["tree_nodes"], report["tree_in_force"], report["unfinished_imports"]) == (5, True, [])
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


# --- A13 perimeter alignment: the commune an order's node lies in ------------------------------------


def a_world_with_the_tree_and_a_contract(perimeter: dict) -> World:
    """The TREE imported (its site in 69123, Lyon; the nodes under it inherit it) and the contractor's
    contract with ``perimeter``."""
    world = a_world(None)
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017", {
        "contract_id": "AC-2026-017", "contractor_id": CONTRACTOR, "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": perimeter})
    service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    return world


def test_an_order_naming_no_commune_is_checked_at_the_commune_its_node_inherits():
    # Given a dwelling with no commune of its own, under a site in Lyon (69123), and a contract on the Isère only
    command, _ = parse_object(IssueOrder, issue_order_body())
    assert command.site.commune is None
    world = a_world_with_the_tree_and_a_contract({"departements": ["38"]})
    # When the manager issues an order on it, naming no commune
    with pytest.raises(DomainError) as refused:
        receive_order(MANAGER, command, world.uow(), world.clock)
    # Then it is refused on its node, with the commune the node lies in
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.site.node_id", "OUTSIDE_CONTRACT_PERIMETER")]
    assert "69123" in refused.value.errors[0].message
    assert world.order(MANAGER, command.order_id) is None
    # Given a contract on the Rhône instead: the same order is received
    world = a_world_with_the_tree_and_a_contract({"departements": ["69"]})
    assert receive_order(MANAGER, command, world.uow(), world.clock).created


def issued_orders(world: World) -> list:
    return [m for m in world.outbox() if m.event_type is EventType.ORDER_ISSUED]


def test_an_order_naming_a_commune_other_than_its_nodes_is_refused_and_received_once_corrected():
    # Given the Lyon tree (69123) and a contract on the Rhône and the Isère, and an order at a Lyon dwelling
    # naming a commune of the Isère (Grenoble, 38185: inside the contract, but not where its node lies)
    world = a_world_with_the_tree_and_a_contract({"departements": ["69", "38"]})
    body = issue_order_body()
    wrong, _ = parse_object(IssueOrder, {**body, "site": {**body["site"], "commune": "38185"}})
    # When the manager issues it
    with pytest.raises(DomainError) as refused:
        receive_order(MANAGER, wrong, world.uow(), world.clock)
    # Then it is refused on the commune it names, the French message naming both communes; nothing is stored
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.site.commune", "COMMUNE_NOT_AT_NODE")]
    assert "(38185)" in refused.value.errors[0].message and "(69123)" in refused.value.errors[0].message
    assert world.order(MANAGER, wrong.order_id) is None and issued_orders(world) == []
    # When the same order is sent again naming its node's commune: received once, then found again unchanged
    right, _ = parse_object(IssueOrder, {**body, "site": {**body["site"], "commune": "69123"}})
    assert receive_order(MANAGER, right, world.uow(), world.clock).created
    assert not receive_order(MANAGER, right, world.uow(), world.clock).created
    assert len(issued_orders(world)) == 1


@pytest.mark.parametrize(("perimeter", "site", "refusal"), [
    # a commune named other than its node's (equipment of building A: 69123)
    ({"departements": ["69", "38"]}, SiteRef(node_id="LYON-BAT-A-CHAUD", commune="38185"),
     ("$.site.commune", "COMMUNE_NOT_AT_NODE")),
    # no commune named, the node outside the contract (69123 through the building and site)
    ({"communes": ["38185"]}, SiteRef(node_id="LYON-BAT-A-CHAUD"), ("$.site.node_id", "OUTSIDE_CONTRACT_PERIMETER")),
], ids=["commune-not-the-nodes", "node-outside-the-contract"])
def test_a_quote_requested_or_raised_at_a_site_its_node_contradicts_is_refused(perimeter, site, refusal):
    world = a_world_with_the_tree_and_a_contract(perimeter)
    request = RequestQuote(quote_id="DV-1", contract_id="AC-2026-017", contractor_id=CONTRACTOR, title="Chaudière",
                           site=site)
    with pytest.raises(DomainError) as requested:
        quotes.request_quote(MANAGER, request, world.uow(), world.clock)
    raise_ = RaiseQuote.model_validate({
        "manager_id": MANAGER, "quote_id": "DV-2", "contract_id": "AC-2026-017", "title": "Chaudière", "site": site,
        "lines": [{"line_id": "L1", "service_code": "CHF-001", "label": "Brûleur", "quantity": 1,
                   "unit_price_cents": 50000}], "valid_until": "2026-04-30"}, strict=False)
    with pytest.raises(DomainError) as raised:
        quote_origins.raise_quote(CONTRACTOR, raise_, world.uow(), world.clock)
    for refused in (requested, raised):
        assert [(e.field, e.code) for e in refused.value.errors] == [refusal]


def test_the_nodes_commune_costs_no_extra_read():
    # Given the Lyon tree and a contract on the Rhône
    world = a_world_with_the_tree_and_a_contract({"departements": ["69"]})
    command, _ = parse_object(IssueOrder, issue_order_body())
    uow = world.uow()
    fetched: list[list[str]] = []
    fetch = uow._fetch
    uow._fetch = lambda paths: fetched.append(list(paths)) or fetch(paths)
    # When the order is received
    assert receive_order(MANAGER, command, uow, world.clock).created
    # Then the node was read once, in the same get_all as the tree's marker, as the A7 check already did
    node = f"managers/{MANAGER}/property_nodes/LYON-BAT-A-LOG-12"
    assert [paths for paths in fetched if node in paths] == [[f"managers/{MANAGER}/property_tree/current", node]]
    # And the stored record keeps the commune the node lies in (B18), which the order sent to its contractor
    # and the order read back as an Order do not show
    stored = world.db.data(f"managers/{MANAGER}/orders/{command.order_id}")
    assert stored["node_commune"] == "69123" and world.order(MANAGER, command.order_id).node_commune == "69123"
    [issued] = issued_orders(world)
    assert "node_commune" not in issued.data and "node_commune" not in world.order(MANAGER, command.order_id).model_dump()


def test_coverage_reads_every_documents_of_the_manager_in_one_collection_group_query_not_one_per_order():
    # Given a tree and a dozen orders on it, each with one document
    world = an_empty_world()
    service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    for n in range(12):
        world.seed(f"managers/{MANAGER}/orders/BC-{n}", {"order_id": f"BC-{n}", "site": {"node_id": "LYON-BAT-A-LOG-12"}})
        world.seed(f"managers/{MANAGER}/orders/BC-{n}/documents/d{n}",
                   {"sha256": f"d{n}", "manager_id": MANAGER, "order_id": f"BC-{n}"})
    uow = world.uow()
    asked = []
    query = uow.query
    uow.query = lambda q: asked.append(q) or query(q)
    forked = []
    uow.fork = lambda: forked.append(1) or world.uow()
    # When coverage is computed
    report = service.coverage(MANAGER, uow)
    # Then every order and document is counted
    assert (report["items"], report["attached"], report["orphans"]) == (24, 24, [])
    # And the documents were read in one collection-group query filtered on the caller's tenant, their flag only (a
    # month's 600 orders took 4.5 to 8 s with one query per order, 8 at a time), the orders their site only (its node,
    # and the label and commune a proposal compares: shared/domain/attach_proposals.py)
    [documents] = [q for q in asked if q.collection.endswith("documents")]
    assert (documents.collection, documents.group, documents.where) == ("documents", True, (("manager_id", "==", MANAGER),))
    assert documents.select == ("property_flag",)
    [orders] = [q for q in asked if q.collection.endswith("/orders")]
    assert orders.select == ("site.node_id", "site.label", "site.commune")
    assert forked == []  # no reads side by side left


def old_coverage_items(world: World, manager_id: str) -> tuple[list, list]:
    """What coverage counted before the collection-group read: each order's documents read by their order's path."""
    items, flagged = [], []
    stored = {p.rsplit("/", 1)[1]: d.get("status", "active") for p, d in world.db.under(f"managers/{manager_id}/property_nodes").items()}
    orders = sorted(p for p in world.db.under(f"managers/{manager_id}/orders") if p.count("/") == 3)
    for path in orders:
        node_id = (world.db.data(path).get("site") or {}).get("node_id")
        items.append(("order", path.rsplit("/", 1)[1], node_id))
        for doc_path, d in sorted(world.db.under(f"{path}/documents").items()):
            doc_id = f"{path.rsplit('/', 1)[1]}/{doc_path.rsplit('/', 1)[1]}"
            items.append(("document", doc_id, node_id))
            if d.get("property_flag") and stored.get(node_id or "") != "active":
                flagged.append({"id": doc_id, "node_id": node_id, "flag": d["property_flag"]})
    return items, flagged


def test_coverage_answers_as_the_per_order_reads_did_and_counts_no_other_managers_document():
    # Given a tree with a retired node, orders on a node in force, on the retired one, on none and on an unknown
    # one, each with documents (some flagged), another manager's order and documents, a record in that other
    # space naming this manager, and a document left under an order that does not exist
    world = an_empty_world()
    service.import_tree(MANAGER, "csv", TREE.encode(), world.uow(), world.clock)
    world.seed(f"managers/{MANAGER}/property_nodes/OLD", {"node_id": "OLD", "status": "retired"})
    sites = {"BC-1": "LYON-BAT-A-LOG-12", "BC-2": "OLD", "BC-3": None, "BC-4": "NOWHERE", "BC-5": "LYON"}
    for n, (order_id, node) in enumerate(sites.items()):
        world.seed(f"managers/{MANAGER}/orders/{order_id}",
                   {"order_id": order_id, "site": {"node_id": node} if node else None, "title": "x" * 50})
        for k in range(n):
            flag = "PROPERTY_NODE_RETIRED" if k % 2 else None
            world.seed(f"managers/{MANAGER}/orders/{order_id}/documents/{order_id}-d{k}",
                       {"sha256": f"{order_id}-d{k}", "manager_id": MANAGER, "order_id": order_id, "property_flag": flag})
    world.seed("managers/mgr-other/orders/BC-1", {"order_id": "BC-1", "site": {"node_id": "NOWHERE"}})
    world.seed("managers/mgr-other/orders/BC-1/documents/theirs",
               {"sha256": "theirs", "manager_id": "mgr-other", "order_id": "BC-1", "property_flag": "PROPERTY_NODE_NOT_FOUND"})
    world.seed("managers/mgr-other/orders/BC-1/documents/forged", {"sha256": "forged", "manager_id": MANAGER, "order_id": "BC-1"})
    world.seed(f"managers/{MANAGER}/orders/GONE/documents/left", {"sha256": "left", "manager_id": MANAGER, "order_id": "GONE"})
    # When coverage is computed
    report = service.coverage(MANAGER, world.uow())
    # Then it counts and lists exactly what one read per order found: this manager's orders and their documents
    items, flagged = old_coverage_items(world, MANAGER)
    assert report == {
        "manager_id": MANAGER, "tree_nodes": 5, "retired_nodes": 1, "tree_in_force": True, **pt.coverage(items, set(
            p.rsplit("/", 1)[1] for p in world.db.under(f"managers/{MANAGER}/property_nodes"))),
        "on_retired_nodes": [{"kind": k, "id": i, "node_id": n} for k, i, n in items if n == "OLD"],
        "flagged_documents": flagged, "unfinished_imports": []}
    assert report["items"] == 5 + 10 and len(flagged) == 2
    assert not any("theirs" in o["id"] or "forged" in o["id"] or "left" in o["id"] for o in report["orphans"])
