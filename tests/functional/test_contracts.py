"""Contracts and billing accounts, manager → contractor (A2.1, A2.2), and the orders they allow (A13)."""

from __future__ import annotations

import json

import pytest

from tests.builders import issue_order_body

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
