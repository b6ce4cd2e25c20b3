"""Contracts and billing accounts, manager → contractor (A2.1, A2.2), and the orders they allow (A13)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from google.cloud.firestore import FieldFilter

from shared.domain import workdays
from tests.builders import issue_order_body, report
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


def a_contract(**overrides) -> dict:
    body = {"contract_id": "AC-2026-030", "title": "Entretien chauffage — lot 3", "contractor_id": "ctr-test",
            "contractor_siret": "73282932000074", "lots": [{"code": "LOT3", "label": "Chauffage"}],
            "perimeter": {"departements": ["69"], "communes": ["38053"]}, "signed_on": "2025-12-01",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "status": "active"}
    return {**body, **overrides}


def test_each_contract_change_reaches_its_contractor_only_and_governs_its_orders(manager, contractor,
                                                                                 other_contractor):
    other_contractor.pull("orders-ctr-other", wait=0.5)
    # When the manager creates a contract, sends it again unchanged, then updates it
    created = manager.post("upsert_contract", a_contract())
    again = manager.post("upsert_contract", a_contract())
    updated = manager.post("upsert_contract", a_contract(title="Entretien chauffage et ECS — lot 3"))
    # Then two versions exist and the contractor received exactly two CloudEvents, in order
    assert (created.status_code, created.json()["version"]) == (201, 1), created.text
    assert again.status_code == 200 and again.json()["changed"] is False
    assert updated.json()["version"] == 2
    delivered = contractor.pull("orders-ctr-test", wait=10, until=2)
    assert [m.attributes["ce-type"] for m in delivered] == ["fr.passerelle.contract.changed.v1"] * 2
    assert [json.loads(m.data)["version"] for m in delivered] == [1, 2]
    assert {m.ordering_key for m in delivered} == {"AC-2026-030"}
    # And the other contractor received nothing
    assert other_contractor.pull("orders-ctr-other", wait=2) == []
    # When a billing account names the contract
    account = manager.post("upsert_billing_account", {
        "billing_account_id": "CF-69-01", "contract_ids": ["AC-2026-030"],
        "invoicing_address": {"lines": ["Rhône Habitat — service factures", "12 rue de la Part-Dieu"],
                              "postal_code": "69003", "city": "Lyon"},
        "legal_entity": {"name": "Rhône Habitat", "siret": "21690123100011"}})
    # Then it too is delivered to the contract's contractor
    assert account.status_code == 201, account.text
    [notice] = contractor.pull("orders-ctr-test", wait=10, until=1)
    assert notice.attributes["ce-type"] == "fr.passerelle.billing_account.changed.v1"
    # When orders are issued under the contract: inside it, in another lot, outside its geography
    inside = manager.post("receive_order", issue_order_body("BC-A13-1", contract_id="AC-2026-030", lot="LOT3",
                                                            site={"node_id": "N-1", "commune": "69123"}))
    other_lot = manager.post("receive_order", issue_order_body("BC-A13-2", contract_id="AC-2026-030", lot="LOT9"))
    elsewhere = manager.post("receive_order", issue_order_body("BC-A13-3", contract_id="AC-2026-030",
                                                               site={"node_id": "N-2", "commune": "13055"}))
    unknown = manager.post("receive_order", issue_order_body("BC-A13-4", contract_id="AC-1999-001"))
    # Then only the first is accepted, each other with its reason
    assert inside.status_code == 201, inside.text
    assert [e["code"] for e in other_lot.json()["errors"]] == ["LOT_OUTSIDE_CONTRACT"]
    assert [e["code"] for e in elsewhere.json()["errors"]] == ["OUTSIDE_CONTRACT_PERIMETER"]
    assert [e["code"] for e in unknown.json()["errors"]] == ["CONTRACT_NOT_FOUND"]
    # When the contract ends, a new order under it is refused
    assert manager.post("upsert_contract", a_contract(status="ended")).status_code == 200
    ended = manager.post("receive_order", issue_order_body("BC-A13-5", contract_id="AC-2026-030"))
    assert [e["code"] for e in ended.json()["errors"]] == ["CONTRACT_NOT_IN_FORCE"]


def test_a_contract_with_a_bad_siret_or_an_unknown_contractor_is_refused(manager):
    bad = manager.post("upsert_contract", a_contract(contractor_siret="73282932000075"))
    stranger = manager.post("upsert_contract", a_contract(contractor_id="ctr-other"))
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("$.contractor_siret", "INVALID_SIRET")]
    assert [e["code"] for e in stranger.json()["errors"]] == ["CONTRACTOR_NOT_FOUND"]


def test_an_order_naming_no_commune_is_checked_at_the_commune_of_its_property_node(manager):
    # Given the contract (the Rhône and Saint-Égrève, 38053) and a tree with a site in Lyon and one in
    # Marseille, whose buildings and dwellings name no commune of their own
    assert manager.post("upsert_contract", a_contract()).status_code == 201
    tree = {"nodes": [
        {"node_id": "LYON", "kind": "site", "parent_id": None, "label": "Résidence Les Tilleuls", "commune": "69123"},
        {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON", "label": "Bâtiment A"},
        {"node_id": "LYON-BAT-A-LOG-12", "kind": "dwelling", "parent_id": "LYON-BAT-A", "label": "Logement 12"},
        {"node_id": "MARS", "kind": "site", "parent_id": None, "label": "Cité du Vieux-Port", "commune": "13055"},
        {"node_id": "MARS-BAT-B", "kind": "building", "parent_id": "MARS", "label": "Bâtiment B"},
        {"node_id": "MARS-BAT-B-LOG-3", "kind": "dwelling", "parent_id": "MARS-BAT-B", "label": "Logement 3"}]}
    imported = manager.post("import_property_tree", tree)
    assert (imported.status_code, imported.json()["status"]) == (201, "completed"), imported.text
    # When the manager issues orders naming only a node: in Lyon, then in Marseille
    lyon = manager.post("receive_order", issue_order_body("BC-A13-N1", contract_id="AC-2026-030",
                                                          site={"node_id": "LYON-BAT-A-LOG-12"}))
    marseille = manager.post("receive_order", issue_order_body("BC-A13-N2", contract_id="AC-2026-030",
                                                               site={"node_id": "MARS-BAT-B-LOG-3"}))
    # Then the Lyon order is received and the Marseille one refused on its node, at the commune it inherits
    assert lyon.status_code == 201, lyon.text
    assert marseille.status_code == 422, marseille.text
    [error] = marseille.json()["errors"]
    assert (error["field"], error["code"]) == ("$.site.node_id", "OUTSIDE_CONTRACT_PERIMETER")
    assert "13055" in error["message"] and "AC-2026-030" in error["message"]
    assert manager.get_order("BC-A13-N2").status_code == 404
    # And a quote requested at the Marseille building is refused the same way
    quote = manager.post("request_quote", {"quote_id": "DV-A13-N", "contract_id": "AC-2026-030",
                                           "contractor_id": "ctr-test", "title": "Réfection de la cage",
                                           "site": {"node_id": "MARS-BAT-B"}})
    assert quote.status_code == 422, quote.text
    assert [(e["field"], e["code"]) for e in quote.json()["errors"]] == [("$.site.node_id",
                                                                          "OUTSIDE_CONTRACT_PERIMETER")]


MARTINIQUE_TREE = {"nodes": [
    {"node_id": "FDF", "kind": "site", "parent_id": None, "label": "Résidence Bellevue", "commune": "97209"},
    {"node_id": "FDF-BAT-A", "kind": "building", "parent_id": "FDF", "label": "Bâtiment A"},
    {"node_id": "FDF-BAT-A-LOG-4", "kind": "dwelling", "parent_id": "FDF-BAT-A", "label": "Logement 4"}]}


def _read(erp, function: str, **params):
    answer = requests.get(erp.stack.url(function) + "/", params=params, timeout=30,
                          headers={"Authorization": f"Bearer {erp.token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_quote_and_an_incident_at_fort_de_france_answer_martiniques_clock_for_the_web_app(
        platform, manager, contractor, clean_firestore):
    # Given a contract over the Rhône and Martinique, the Fort-de-France tree, and an order at its dwelling
    assert manager.post("upsert_contract", a_contract(perimeter={"departements": ["69", "972"],
                                                                 "communes": []})).status_code == 201
    assert manager.post("import_property_tree", MARTINIQUE_TREE).status_code == 201
    assert manager.post("receive_order", issue_order_body("BC-B18-INC", contract_id="AC-2026-030",
                                                          site={"node_id": "FDF-BAT-A-LOG-4"})).status_code == 201
    martinique = ("972", "America/Martinique", "Heures de la Martinique")
    # When the manager requests a quote at the building, naming no commune
    asked = manager.post("request_quote", {"quote_id": "DV-B18-CLK", "contract_id": "AC-2026-030",
                                           "contractor_id": "ctr-test", "title": "Colonne d'eau",
                                           "site": {"node_id": "FDF-BAT-A"}})
    assert asked.status_code == 201, asked.text
    # Then its answer, get_quote's to the contractor and the list's row name Martinique's clock, where its D3 counts
    assert (asked.json()["territory"], asked.json()["time_zone"], asked.json()["time_zone_label"]) == martinique
    quote = _read(contractor, "get_quote", manager_id="mgr-test", quote_id="DV-B18-CLK")
    assert (quote["territory"], quote["time_zone"], quote["time_zone_label"]) == martinique
    [row] = _read(manager, "list_quotes")["quotes"]
    assert row["time_zone"] == "America/Martinique"
    # When the contractor reports an incident about the order
    reported = contractor.post("report_incident", {"severity": 3, "title": "Accès au logement",
                                                   "description": "Gardien absent.", "order_id": "BC-B18-INC"})
    assert reported.status_code == 201, reported.text
    # Then its answer and the operator's list name Martinique's clock, where its D8 counts
    assert tuple(reported.json()[k] for k in ("territory", "time_zone", "time_zone_label")) == martinique
    operator = Erp(platform, "operator", "platform")
    [listed] = _read(operator, "list_incidents")["incidents"]
    assert tuple(listed[k] for k in ("territory", "time_zone", "time_zone_label")) == martinique
    d8 = clean_firestore.document(f"managers/ctr-test/deadlines/{listed['deadline_id']}").get().to_dict()
    assert d8["territory"] == "972"


def test_an_order_naming_another_commune_than_its_nodes_is_refused_until_corrected(manager, clean_firestore):
    # Given a contract over the Rhône and Martinique, and a tree whose Fort-de-France site (97209) gives its
    # commune to the building and dwelling under it
    assert manager.post("upsert_contract", a_contract(perimeter={"departements": ["69", "972"],
                                                                 "communes": []})).status_code == 201
    assert manager.post("import_property_tree", MARTINIQUE_TREE).status_code == 201
    # When the manager issues an order at the Fort-de-France dwelling naming Lyon (69123), inside the contract
    wrong = manager.post("receive_order", issue_order_body("BC-A13-C1", contract_id="AC-2026-030",
                                                           site={"node_id": "FDF-BAT-A-LOG-4", "commune": "69123"}))
    # Then it is refused on the commune it names, in French, naming both communes; nothing is stored
    assert wrong.status_code == 422, wrong.text
    [error] = wrong.json()["errors"]
    assert (error["field"], error["code"]) == ("$.site.commune", "COMMUNE_NOT_AT_NODE")
    assert error["message"] == ("La commune indiquée (69123) n'est pas celle de l'élément de patrimoine "
                                "« FDF-BAT-A-LOG-4 » (97209) : indiquez 97209 ou n'indiquez pas de commune.")
    assert manager.get_order("BC-A13-C1").status_code == 404
    # When the same order is sent corrected (its node's commune), then the corrected order again
    right = issue_order_body("BC-A13-C1", contract_id="AC-2026-030",
                             site={"node_id": "FDF-BAT-A-LOG-4", "commune": "97209"})
    first, again = manager.post("receive_order", right), manager.post("receive_order", right)
    # Then it is received once, and found unchanged the second time
    assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
    assert again.json() == first.json()


def test_an_order_at_a_node_in_fort_de_france_naming_no_commune_counts_its_deadlines_in_martinique(
        manager, contractor, clean_firestore):
    # Given a contract over the Rhône and Martinique (two territories: it names none), a manager that never
    # said where it is (its deadlines would be Paris's), and the Fort-de-France tree
    assert manager.post("upsert_contract", a_contract(perimeter={"departements": ["69", "972"],
                                                                 "communes": []})).status_code == 201
    assert manager.post("import_property_tree", MARTINIQUE_TREE).status_code == 201
    # When the manager issues an order at the dwelling naming no commune
    issued = manager.post("receive_order", issue_order_body("BC-B18-972", contract_id="AC-2026-030",
                                                            site={"node_id": "FDF-BAT-A-LOG-4"}))
    assert issued.status_code == 201, issued.text
    # Then its stored record keeps the commune its node lies in, which the order answered does not show
    stored = clean_firestore.document("managers/mgr-test/orders/BC-B18-972").get().to_dict()
    assert stored["node_commune"] == "97209"
    assert "node_commune" not in issued.json() and "node_commune" not in manager.get_order("BC-B18-972").text
    # And it keeps its territory, chosen at issue, which get_order answers with its clock for the web app
    assert stored["territory"] == "972" and "territory" not in issued.json()
    view = manager.get_order("BC-B18-972").json()
    assert (view["territory"], view["time_zone"], view["time_zone_label"]) == (
        "972", "America/Martinique", "Heures de la Martinique")
    assert "territory" not in view["order"]
    # When the contractor reports an event of 25 hours ago (late: D1)
    occurred = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    late = contractor.post("submit_execution", report(1, "acknowledged", order_id="BC-B18-972", occurred_at=occurred))
    assert late.status_code == 200 and late.json()["late"] is True, late.text
    # Then its D1 is counted in Martinique: its days of P1 are dated in Fort-de-France
    deadlines = clean_firestore.collection("managers/mgr-test/deadlines")
    [d1] = [s.to_dict() for s in deadlines.where(filter=FieldFilter("kind", "==", "D1")).stream()]
    assert (d1["territory"], d1["order_id"]) == ("972", "BC-B18-972")
    entries = [s.to_dict() for s in clean_firestore.collection("managers/mgr-test/penalties").stream()]
    assert entries and {e["territory"] for e in entries} == {"972"}
    assert workdays.local_date(occurred + dt.timedelta(minutes=15), "972").isoformat() in {
        e["local_date"] for e in entries}
    # And a quote requested at the building, naming no commune, runs D3 on Martinique's calendar: 5 of its working
    # days from the request (its own holidays skipped), ending at midnight in Fort-de-France
    asked = manager.post("request_quote", {"quote_id": "DV-B18-972", "contract_id": "AC-2026-030",
                                           "contractor_id": "ctr-test", "title": "Colonne d'eau",
                                           "site": {"node_id": "FDF-BAT-A"}})
    assert asked.status_code == 201, asked.text
    d3 = clean_firestore.document("managers/mgr-test/deadlines/D3-DV-B18-972").get().to_dict()
    assert d3["territory"] == "972" and asked.json()["territory"] == "972"
    start = workdays.local_date(d3["started_at"], "972")
    assert d3["due_at"] == workdays.end_of_day(workdays.add_working_days(start, 5, "972"), "972")
