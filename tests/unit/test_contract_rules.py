"""A13: which orders a contract allows, and what a contract must be to be recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.contracts import UpsertContract, commune_errors, order_errors
from shared.domain.validation import parse_object

CONTRACT = {"contract_id": "AC-1", "contractor_id": "ctr-a", "status": "active", "starts_on": "2026-01-01",
            "ends_on": "2027-12-31", "lots": [{"code": "LOT2", "label": "Plomberie"}],
            "perimeter": {"departements": ["69"], "communes": ["38053"]}}
ON = dt.date(2026, 3, 2)


def codes(errors) -> list[str]:
    return [e.code for e in errors]


def a_contract_body(**overrides) -> dict:
    body = {"contract_id": "AC-1", "title": "Entretien — lot 2 plomberie", "contractor_id": "ctr-a",
            "contractor_siret": "73282932000074", "lots": [{"code": "LOT2", "label": "Plomberie"}],
            "perimeter": {"departements": ["69"], "communes": []}, "signed_on": "2025-12-01",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "status": "active"}
    return {**body, **overrides}


def test_an_order_inside_the_contract_is_allowed():
    # An order of the right contractor, in force, in a covered lot, département and commune
    assert order_errors(CONTRACT, "AC-1", "ctr-a", ON, lot="LOT2", commune="69123") == []
    assert order_errors(CONTRACT, "AC-1", "ctr-a", ON, commune="38053") == []


@pytest.mark.parametrize(("contract", "contractor", "on", "lot", "commune", "expected"), [
    (None, "ctr-a", ON, None, None, ["CONTRACT_NOT_FOUND"]),
    (CONTRACT, "ctr-b", ON, None, None, ["CONTRACT_OTHER_CONTRACTOR"]),
    (CONTRACT, "ctr-a", dt.date(2028, 1, 1), None, None, ["CONTRACT_NOT_IN_FORCE"]),
    (CONTRACT, "ctr-a", dt.date(2025, 12, 31), None, None, ["CONTRACT_NOT_IN_FORCE"]),
    ({**CONTRACT, "status": "ended"}, "ctr-a", ON, None, None, ["CONTRACT_NOT_IN_FORCE"]),
    (CONTRACT, "ctr-a", ON, "LOT9", None, ["LOT_OUTSIDE_CONTRACT"]),
    (CONTRACT, "ctr-a", ON, None, "38100", ["OUTSIDE_CONTRACT_PERIMETER"]),
], ids=["unknown", "other-contractor", "after-end", "before-start", "ended", "other-lot", "outside-geography"])
def test_an_order_outside_its_contract_is_refused_with_the_reason(contract, contractor, on, lot, commune, expected):
    # When an order is checked against its contract
    errors = order_errors(contract, "AC-1", contractor, on, lot=lot, commune=commune)
    # Then the reason is named, with a French message filled in
    assert codes(errors) == expected and all("{" not in e.message for e in errors)


def test_an_order_naming_no_commune_is_checked_at_its_nodes_commune():
    # Given an order whose node lies in 38100 (Grenoble), outside the contract's 69 and 38053
    errors = order_errors(CONTRACT, "AC-1", "ctr-a", ON, node_commune="38100")
    # Then it is refused on its node, naming the commune
    assert [(e.field, e.code) for e in errors] == [("$.site.node_id", "OUTSIDE_CONTRACT_PERIMETER")]
    assert "38100" in errors[0].message and "AC-1" in errors[0].message
    # And a node inside the perimeter, or one in no commune, is allowed
    assert order_errors(CONTRACT, "AC-1", "ctr-a", ON, node_commune="69123") == []
    assert order_errors(CONTRACT, "AC-1", "ctr-a", ON, node_commune=None) == []


def test_the_perimeter_is_checked_at_the_commune_an_order_names_over_its_nodes():
    # An order naming a commune is checked against the perimeter there, on $.site.commune (whether it is
    # its node's commune is commune_errors' question, below)
    inside = order_errors(CONTRACT, "AC-1", "ctr-a", ON, commune="69123", node_commune="38100")
    outside = order_errors(CONTRACT, "AC-1", "ctr-a", ON, commune="38100", node_commune="69123")
    assert inside == [] and [(e.field, e.code) for e in outside] == [("$.site.commune", "OUTSIDE_CONTRACT_PERIMETER")]


def test_a_commune_named_other_than_the_nodes_is_refused_naming_both():
    # Given an order naming Lyon (69123) at a node lying in Lyon 1er (69381)
    [error] = commune_errors("69123", "LYON-BAT-A", "69381")
    # Then it is refused on the commune it names, with a French message naming both communes and the node
    assert (error.field, error.code) == ("$.site.commune", "COMMUNE_NOT_AT_NODE")
    assert error.message == ("La commune indiquée (69123) n'est pas celle de l'élément de patrimoine « LYON-BAT-A » "
                             "(69381) : indiquez 69381 ou n'indiquez pas de commune.")
    # And the node's own commune, no commune named, or a node in no known commune are not refused
    assert commune_errors("69381", "LYON-BAT-A", "69381") == []
    assert commune_errors(None, "LYON-BAT-A", "69381") == []
    assert commune_errors("69123", "LYON-BAT-A", None) == []


def test_a_contract_with_a_wrong_siret_key_or_reversed_dates_is_refused():
    # When the SIRET's Luhn key is wrong, then when the end precedes the start
    _, bad_siret = parse_object(UpsertContract, a_contract_body(contractor_siret="73282932000075"))
    _, reversed_dates = parse_object(UpsertContract, a_contract_body(ends_on="2025-01-01"))
    # Then each is refused on its field
    assert [(e.field, e.code) for e in bad_siret] == [("$.contractor_siret", "INVALID_SIRET")]
    assert reversed_dates and reversed_dates[0].field == "$"


def test_a_valid_contract_body_parses():
    command, errors = parse_object(UpsertContract, a_contract_body())
    assert errors == [] and command.lots[0].code == "LOT2"
