"""A7 property tree: the node an order left without one most likely belongs to — proposed when exactly one active
node fits (shared/domain/attach_proposals.py), never applied — and get_property_coverage answering it per order."""

from __future__ import annotations

from shared.domain.attach_proposals import NodeFacts, Proposer, label_key
from shared.service import property_tree as service
from tests.builders import MANAGER
from tests.unit.test_property_tree import HEADER, an_empty_world


def node(node_id, label, kind="dwelling", parent=None, commune=None, status="active") -> NodeFacts:
    return NodeFacts(node_id, label, kind, parent, commune, status)


def test_a_label_is_compared_without_case_accents_punctuation_nor_extra_spaces():
    assert label_key("Bât. A – Logement 12") == label_key("bat a  logement 12") == "bat a logement 12"
    assert label_key("Chaufferie Œuvre") == "chaufferie oeuvre"
    assert label_key(None) == label_key("") == label_key(" - ") == ""


def test_an_order_on_a_retired_node_is_proposed_the_node_of_its_label_under_the_same_parent():
    # Given a renamed staircase's dwelling: the old id retired, two « Logement 12 » in force under two staircases
    proposer = Proposer([node("OLD-12", "Logement 12", parent="ESC-1", status="retired"),
                         node("ESC1-L12", "Logement 12", parent="ESC-1", commune="69123"),
                         node("ESC2-L12", "logement 12", parent="ESC-2", commune="69123"),
                         node("ESC1-L13", "Logement 13", parent="ESC-1")])
    proposal = proposer.propose("OLD-12")
    # Then the one under its old parent, and why, in French
    assert (proposal.node_id, proposal.reason) == ("ESC1-L12", "SAME_LABEL_SAME_PARENT")
    assert proposal.because == "même libellé que l'élément retiré, sous le même parent"


def test_without_its_parent_the_commune_then_the_only_node_of_the_label_decide_and_two_candidates_propose_nothing():
    retired = node("OLD", "Chaufferie", kind="equipment", parent="GONE", commune="69123", status="retired")
    in_lyon = node("NEW-LYON", "Chaufferie", kind="equipment", parent="B", commune="69123")
    in_paris = node("NEW-PARIS", "Chaufferie", kind="equipment", parent="C", commune="75056")
    assert Proposer([retired, in_lyon, in_paris]).propose("OLD").reason == "SAME_LABEL_SAME_COMMUNE"
    assert Proposer([retired, in_paris]).propose("OLD").reason == "SAME_LABEL_ONLY"
    twins = node("NEW-LYON-2", "Chaufferie", kind="equipment", parent="D", commune="69123")
    assert Proposer([retired, in_lyon, twins]).propose("OLD") is None
    # a node of another kind with the same label is no candidate
    assert Proposer([retired, node("B-CH", "Chaufferie", kind="building")]).propose("OLD") is None


def test_an_orphan_is_proposed_by_its_sites_label_in_the_commune_it_names():
    proposer = Proposer([node("L-LYON", "Logement 12", commune="69123"), node("L-PARIS", "Logement 12", commune="75056"),
                         node("L-RET", "Logement 14", status="retired")])
    assert proposer.propose("UNKNOWN", "LOGEMENT 12", "75056").node_id == "L-PARIS"
    assert proposer.propose(None, "Logement 12", "75056").reason == "SITE_LABEL_IN_COMMUNE"
    # without a commune two nodes fit: none proposed; a retired node is never proposed; an attached order neither
    assert proposer.propose("UNKNOWN", "Logement 12") is None
    assert proposer.propose("UNKNOWN", "Logement 14") is None
    assert proposer.propose("L-LYON", "Logement 12") is None
    assert proposer.propose("UNKNOWN", None) is None


def test_coverage_proposes_the_renamed_nodes_to_the_orders_an_import_left_behind():
    # Given a tree, an order on each of two dwellings and one on an id the tree never had, then a new import that
    # renames the dwellings' ids (the old ones retired)
    world = an_empty_world()
    first = HEADER + ("LYON;site;;Résidence Les Tilleuls;69123\nLYON-A;building;LYON;Bâtiment A;\n"
                      "LYON-A-12;dwelling;LYON-A;Logement 12;\nLYON-A-13;dwelling;LYON-A;Logement 13;\n")
    service.import_tree(MANAGER, "csv", first.encode(), world.uow(), world.clock)
    for order_id, node_id, label in (("BC-12", "LYON-A-12", None), ("BC-13", "LYON-A-13", None),
                                     ("BC-X", "PAPER-7", "Bâtiment A")):
        world.seed(f"managers/{MANAGER}/orders/{order_id}", {"order_id": order_id, "site": {
            "node_id": node_id, **({"label": label, "commune": "69123"} if label else {})}})
    renamed = HEADER + ("LYON;site;;Résidence Les Tilleuls;69123\nLYON-A;building;LYON;Bâtiment A;\n"
                        "LYO-A-L12;dwelling;LYON-A;Logement 12;\nLYO-A-L13;dwelling;LYON-A;Logement 13;\n")
    service.import_tree(MANAGER, "csv", renamed.encode(), world.uow(), world.clock)
    # When coverage is computed
    report = service.coverage(MANAGER, world.uow())
    # Then each order on a retired dwelling is proposed its renamed one, the orphan the building its site names
    proposed = {o["id"]: (o.get("proposed_node_id"), o.get("proposed_because"))
                for o in (*report["orphans"], *report["on_retired_nodes"])}
    assert proposed["BC-12"] == ("LYO-A-L12", "même libellé que l'élément retiré, sous le même parent")
    assert proposed["BC-13"][0] == "LYO-A-L13"
    assert proposed["BC-X"] == ("LYON-A", "libellé du site de la commande, dans sa commune")
