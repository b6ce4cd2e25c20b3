"""A7 property nodes on the in-memory unit of work: an import retires what it omits, tells each contractor
the nodes within its contracts' perimeters in the batch's own commit, and contractors read back only those;
a document on an order whose node is missing or retired is flagged."""

from __future__ import annotations

import pytest

from shared.domain import documents as doc
from shared.domain.errors import DomainError
from shared.domain.messages import EventType, IssueOrder
from shared.domain.property_tree import NodeKind
from shared.domain.validation import parse_object
from shared.service import perimeter_reads
from shared.service import property_tree as service
from shared.service.documents import attach_document
from shared.service.orders import receive_order
from tests.builders import CONTRACTOR, MANAGER, issue_order_body
from tests.fakes import World
from tests.pdfs import a_pdf

HEADER = "node_id;kind;parent_id;label;commune\n"
LYON = ("LYON;site;;Résidence Les Tilleuls;69123\n"
        "LYON-BAT-A;building;LYON;Bâtiment A;\n"
        "LYON-BAT-A-LOG-12;dwelling;LYON-BAT-A;Logement 12;\n")
PARIS = ("PARIS;site;;Résidence Voltaire;75111\n"
         "PARIS-BAT-B;building;PARIS;Bâtiment B;\n")
NOWHERE = "ENTREPOT;site;;Entrepôt sans commune;\n"


def contract(contractor: str, departements: list[str], status: str = "active") -> dict:
    return {"contract_id": f"AC-{contractor}", "contractor_id": contractor, "status": status,
            "starts_on": "2020-01-01", "ends_on": "2035-12-31", "lots": [],
            "perimeter": {"departements": departements, "communes": []}}


def a_world() -> World:
    """A manager with a Lyon contractor (département 69), a Paris one (75) and one whose contract ended."""
    world = World("2026-03-02T08:00:00+00:00")
    for contractor, deps, status in ((CONTRACTOR, ["69"], "active"), ("ctr-paris", ["75"], "active"),
                                     ("ctr-gone", [], "ended")):
        world.seed_contractor(contractor, (MANAGER,))
        world.seed(f"managers/{MANAGER}/contracts/AC-{contractor}", contract(contractor, deps, status))
    return world


def imported(world: World, rows: str, mode: str = "replace") -> dict:
    return service.import_tree(MANAGER, "csv", (HEADER + rows).encode(), world.uow(), world.clock, mode=mode)


def told(world: World, contractor: str, event: EventType) -> list[dict]:
    return [m.data for m in world.outbox() if m.topic == f"orders-{contractor}" and m.event_type == event]


def stored(world: World, node_id: str) -> dict | None:
    return world.db.data(service.node_path(MANAGER, node_id))


def test_each_contractor_is_told_the_nodes_within_its_perimeter_with_the_commune_they_lie_in():
    world = a_world()
    # When the manager imports sites in Lyon, in Paris and one placed nowhere
    imported(world, LYON + PARIS + NOWHERE)
    # Then the Lyon contractor gets the Lyon nodes (a building inherits its site's commune) and the
    # unplaced one, the Paris contractor the Paris ones and the unplaced one, the ended contract nothing
    [lyon] = told(world, CONTRACTOR, EventType.PROPERTY_NODES_CHANGED)
    [paris] = told(world, "ctr-paris", EventType.PROPERTY_NODES_CHANGED)
    assert [(n["node_id"], n["in_commune"]) for n in lyon["nodes"]] == [
        ("LYON", "69123"), ("LYON-BAT-A", "69123"), ("LYON-BAT-A-LOG-12", "69123"), ("ENTREPOT", None)]
    assert [n["node_id"] for n in paris["nodes"]] == ["PARIS", "PARIS-BAT-B", "ENTREPOT"]
    assert told(world, "ctr-gone", EventType.PROPERTY_NODES_CHANGED) == []
    # And each message is ordered with the manager's other tree messages, in the batch's commit
    message = next(m for m in world.outbox() if m.event_type is EventType.PROPERTY_NODES_CHANGED)
    assert message.ordering_key == f"property-tree/{MANAGER}"


def test_an_import_that_omits_nodes_retires_them_and_tells_whom_they_concerned_and_orders_keep_them():
    world = a_world()
    imported(world, LYON + PARIS)
    command, _ = parse_object(IssueOrder, {**issue_order_body("BC-1"), "contract_id": f"AC-{CONTRACTOR}",
                                           "site": {"node_id": "LYON-BAT-A-LOG-12"}})
    receive_order(MANAGER, command, world.uow(), world.clock)
    # When the next import omits Lyon's dwelling
    result = imported(world, LYON.replace("LYON-BAT-A-LOG-12;dwelling;LYON-BAT-A;Logement 12;\n", "") + PARIS)
    # Then it is retired, not deleted; the Lyon contractor alone is told; the order keeps its node
    assert (result["retired_now"], result["tree_nodes"]) == (1, 4)
    assert (stored(world, "LYON-BAT-A-LOG-12")["status"], stored(world, "LYON-BAT-A-LOG-12")["label"]) == (
        "retired", "Logement 12")
    assert [m["node_ids"] for m in told(world, CONTRACTOR, EventType.PROPERTY_NODES_RETIRED)] == [["LYON-BAT-A-LOG-12"]]
    assert told(world, "ctr-paris", EventType.PROPERTY_NODES_RETIRED) == []
    assert world.order(MANAGER, "BC-1").site.node_id == "LYON-BAT-A-LOG-12"
    # And a new order on the retired node is refused; naming it in an import brings it back
    other, _ = parse_object(IssueOrder, {**issue_order_body("BC-2"), "contract_id": f"AC-{CONTRACTOR}",
                                         "site": {"node_id": "LYON-BAT-A-LOG-12"}})
    with pytest.raises(DomainError) as refused:
        receive_order(MANAGER, other, world.uow(), world.clock)
    assert [e.code for e in refused.value.errors] == ["PROPERTY_NODE_NOT_FOUND"]
    imported(world, LYON + PARIS)
    assert stored(world, "LYON-BAT-A-LOG-12")["status"] == "active"


def test_a_merge_adds_and_updates_and_retires_nothing():
    world = a_world()
    imported(world, LYON)
    result = imported(world, "LYON-BAT-A-LOG-13;dwelling;LYON-BAT-A;Logement 13;\n", mode="merge")
    assert (result["written_now"], result["retired_now"], result["tree_nodes"]) == (1, 0, 4)
    assert stored(world, "LYON")["status"] == "active"


def test_a_file_imported_again_after_another_puts_its_own_content_back():
    # Given file A, then file B that renames a dwelling
    world = a_world()
    imported(world, LYON)
    imported(world, LYON.replace("Logement 12", "Logement 12 bis"))
    # When file A comes again
    again = imported(world, LYON)
    # Then the tree is A's again (not "already imported")
    assert (again["changed"], stored(world, "LYON-BAT-A-LOG-12")["label"]) == (True, "Logement 12")


def test_a_site_moving_to_another_commune_rewrites_its_descendants_and_tells_the_new_contractor():
    world = a_world()
    imported(world, LYON)
    moved = imported(world, LYON.replace("69123", "75111"))
    assert moved["written_now"] == 3
    assert stored(world, "LYON-BAT-A-LOG-12")["in_commune"] == "75111"
    assert [n["node_id"] for m in told(world, "ctr-paris", EventType.PROPERTY_NODES_CHANGED) for n in m["nodes"]] == [
        "LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"]


def test_a_contractor_reads_back_only_the_nodes_that_concern_it_and_no_other_managers_tree():
    world = a_world()
    imported(world, LYON + PARIS + NOWHERE)
    world.seed_contractor("ctr-stranger", ("mgr-other",))
    uow = world.uow()
    # When the Lyon contractor reads the tree two nodes at a time
    first = perimeter_reads.list_property_nodes("contractor", CONTRACTOR, MANAGER, None, 2, uow)
    rest = perimeter_reads.list_property_nodes("contractor", CONTRACTOR, MANAGER, first["next_cursor"], 2, uow)
    # Then it gets its four nodes and none of Paris; the manager reads all six
    ids = [n["node_id"] for n in first["nodes"] + rest["nodes"]]
    assert sorted(ids) == ["ENTREPOT", "LYON", "LYON-BAT-A", "LYON-BAT-A-LOG-12"] and first["more"] is True
    assert perimeter_reads.list_property_nodes("manager", MANAGER, "", None, 100, uow)["count"] == 6
    # And a contractor without a contract with that manager reads nothing
    with pytest.raises(perimeter_reads.NotVisible):
        perimeter_reads.list_property_nodes("contractor", "ctr-stranger", MANAGER, None, 100, uow)


def test_the_sites_alone_are_read_by_kind_and_a_contractor_still_reads_only_its_perimeter():
    world = a_world()
    imported(world, LYON + PARIS + NOWHERE)
    uow = world.uow()
    # When the manager, then the Lyon contractor, read the sites only, one at a time
    def sites(role: str, tenant: str) -> list[str]:
        ids, after = [], None
        while True:
            page = perimeter_reads.list_property_nodes(role, tenant, MANAGER, after, 1, uow, kind=NodeKind.SITE)
            ids += [n["node_id"] for n in page["nodes"]]
            assert all(n["kind"] == "site" for n in page["nodes"])
            if not page["more"]:
                return ids
            after = page["next_cursor"]
    # Then the manager gets its three sites and no building nor dwelling; the contractor Lyon's and the unplaced one
    assert sites("manager", MANAGER) == ["ENTREPOT", "LYON", "PARIS"]
    assert sites("contractor", CONTRACTOR) == ["ENTREPOT", "LYON"]
    # And the buildings are read by their own kind
    buildings = perimeter_reads.list_property_nodes("manager", MANAGER, "", None, 100, uow, kind=NodeKind.BUILDING)
    assert [n["node_id"] for n in buildings["nodes"]] == ["LYON-BAT-A", "PARIS-BAT-B"]


class Files:
    def __init__(self):
        self.objects: dict[str, bytes] = {}

    def put_if_absent(self, name: str, data: bytes) -> None:
        self.objects.setdefault(name, data)


def test_a_document_on_an_order_whose_node_is_retired_or_missing_is_flagged_and_listed_in_coverage():
    world = a_world()
    world.seed(f"managers/{MANAGER}/contracts/AC-{CONTRACTOR}", contract(CONTRACTOR, ["69", "75"]))  # A13: both sites
    imported(world, LYON + PARIS)
    for order_id, node in (("BC-1", "LYON-BAT-A-LOG-12"), ("BC-2", "PARIS-BAT-B")):
        command, _ = parse_object(IssueOrder, {**issue_order_body(order_id), "contract_id": f"AC-{CONTRACTOR}",
                                               "site": {"node_id": node}})
        receive_order(MANAGER, command, world.uow(), world.clock)
    # Given the dwelling retired by the next import, and the Paris building gone from the store altogether
    imported(world, LYON.replace("LYON-BAT-A-LOG-12;dwelling;LYON-BAT-A;Logement 12;\n", "") + PARIS)
    world.db.docs.pop(service.node_path(MANAGER, "PARIS-BAT-B"))
    fields = doc.AttachFields(manager_id=MANAGER, order_id="BC-1", kind=doc.DocumentKind.INTERVENTION_REPORT)
    # When the contractor attaches a report to each order
    retired = attach_document(CONTRACTOR, fields, "rapport.pdf", a_pdf(), world.uow(), Files(), world.clock, "erp")
    missing = attach_document(CONTRACTOR, fields.model_copy(update={"order_id": "BC-2"}), "rapport.pdf", a_pdf(),
                              world.uow(), Files(), world.clock, "erp")
    # Then both are stored, flagged with why, and listed by the coverage report
    assert (retired.record.property_flag, missing.record.property_flag) == ("PROPERTY_NODE_RETIRED",
                                                                            "PROPERTY_NODE_NOT_FOUND")
    report = service.coverage(MANAGER, world.uow())
    assert sorted(f["flag"] for f in report["flagged_documents"]) == ["PROPERTY_NODE_NOT_FOUND",
                                                                      "PROPERTY_NODE_RETIRED"]
    assert {"kind": "order", "id": "BC-1", "node_id": "LYON-BAT-A-LOG-12"} in report["on_retired_nodes"]
