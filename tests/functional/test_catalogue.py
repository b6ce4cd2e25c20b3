"""Versioned catalogue (A14) through HTTPS: French CSV import, bad rows, orders priced by the version in force."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.builders import issue_order_body
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators
HEADER = "code;label;unit;unit_price;vat_rate\n"


def import_csv(platform, erp, text: str, valid_from: str) -> requests.Response:
    return requests.post(platform.url("import_catalogue") + "/", data="\ufeff".encode() + text.encode(), timeout=30,
                         params={"contract_id": "AC-2026-017", "valid_from": valid_from, "reviewed_on": valid_from},
                         headers={"Authorization": f"Bearer {erp.token}", "Content-Type": "text/csv; charset=utf-8",
                                  "Idempotency-Key": uuid.uuid4().hex})


def test_a_catalogue_version_prices_the_orders_issued_while_it_is_in_force(platform, manager, contractor):
    # When the manager imports a CSV with two bad rows
    bad = import_csv(platform, manager, HEADER + "PLB-010;Recherche de fuite;U;85,00;10\nPLB-024;Siphon;U;quarante;10\n"
                                                 "PLB-030;Colonne;ML;12,00;19,6\n", "2026-01-01")
    # Then both are reported with their line numbers, and no version exists
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["line 3.unit_price", "line 4.vat_rate"]
    view = requests.get(platform.url("get_catalogue") + "/", params={"contract_id": "AC-2026-017", "on": "2026-03-02"},
                        headers={"Authorization": f"Bearer {manager.token}"}, timeout=30).json()
    assert view["versions"] == [] and view["needs_review"] is True
    # When it imports a good one (BOM, decimal comma), then a later version with a price rise
    good = import_csv(platform, manager, HEADER + "PLB-010;Recherche de fuite;U;85,00;10\n"
                                                  "PLB-024;Remplacement siphon;U;42,00;10\n", "2026-01-01")
    later = import_csv(platform, manager, HEADER + "PLB-010;Recherche de fuite;U;90,00;10\n"
                                                   "PLB-024;Remplacement siphon;U;45,00;10\n", "2026-06-01")
    assert (good.status_code, good.json()["version"]) == (201, 1), good.text
    assert later.json()["version"] == 2
    # Then the contractor is told of each version
    delivered = contractor.pull("orders-ctr-test", wait=10, until=2)
    assert [m.attributes["ce-type"] for m in delivered] == ["fr.passerelle.catalogue.published.v1"] * 2
    # And an order of March is priced by version 1, one of July must follow version 2
    assert manager.post("receive_order", issue_order_body("BC-CAT-1")).status_code == 201
    july = manager.post("receive_order", issue_order_body("BC-CAT-2", issued_at="2026-07-01T08:00:00+02:00"))
    assert july.status_code == 422
    assert [e["field"] for e in july.json()["errors"]] == ["$.lines[0].unit_price_cents", "$.lines[1].unit_price_cents"]
    # And the contractor reads the version in force on a date
    seen = requests.get(platform.url("get_catalogue") + "/", timeout=30,
                        params={"contract_id": "AC-2026-017", "manager_id": "mgr-test", "on": "2026-07-01"},
                        headers={"Authorization": f"Bearer {contractor.token}"}).json()
    assert seen["in_force"]["version"] == 2 and seen["in_force"]["items"]["PLB-010"]["unit_price_cents"] == 9000


def test_only_the_manager_of_the_space_imports_and_only_for_its_own_contracts(platform, manager, contractor,
                                                                               clean_firestore):
    # Given a contract of mgr-test that mgr-other does not hold (both hold an AC-2026-017 of their own)
    clean_firestore.document("managers/mgr-test/contracts/AC-TEST-SEUL").set({
        "contract_id": "AC-TEST-SEUL", "contractor_id": "ctr-test", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    other = Erp(platform, "manager", "mgr-other")
    params = {"contract_id": "AC-TEST-SEUL", "valid_from": "2026-01-01", "reviewed_on": "2026-01-01"}
    csv = ("\ufeff" + HEADER + "PLB-010;Recherche de fuite;U;85,00;10\n").encode()
    # When another manager imports a catalogue for it, as CSV and as JSON
    as_csv = other.post("import_catalogue", None, raw=csv, params=params, headers={"Content-Type": "text/csv"})
    as_json = other.post("import_catalogue", {**params, "items": [{"code": "PLB-010", "label": "Recherche de fuite",
                                                                   "unit": "U", "unit_price": "85,00", "vat_rate": "10"}]})
    # Then it is told the contract is unknown to it, and no version exists in either space
    for refused in (as_csv, as_json):
        assert refused.status_code == 422, refused.text
        assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("$.contract_id", "CONTRACT_NOT_FOUND")]
    for space in ("mgr-test", "mgr-other"):
        assert list(clean_firestore.collection(f"managers/{space}/contracts/AC-TEST-SEUL/catalogue").list_documents()) == []
    # When the contractor holding it imports one, or a tree
    held = contractor.post("import_catalogue", None, raw=csv, params=params, headers={"Content-Type": "text/csv"})
    tree = contractor.post("import_property_tree", None, raw=b"node_id;kind;parent_id;label\nX;site;;X\n",
                           headers={"Content-Type": "text/csv"})
    # Then both are refused to its role
    for refused in (held, tree):
        assert refused.status_code == 403, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == ["FORBIDDEN"]
    # And another manager's tree is its own: mgr-test's space has none
    assert other.post("import_property_tree", None, raw=b"node_id;kind;parent_id;label\nX;site;;X\n",
                      headers={"Content-Type": "text/csv"}).status_code == 201
    coverage = requests.get(platform.url("get_property_coverage") + "/", timeout=30,
                            headers={"Authorization": f"Bearer {manager.token}"}).json()
    assert coverage["tree_in_force"] is False and coverage["tree_nodes"] == 0
