"""A7 property tree in the browser: after an import that renamed the dwellings' ids, « Patrimoine » proposes for the
orders left on the retired ids the renamed dwelling of the same label under the same building, grouped by element;
the manager checks it and attaches a group in one confirmed click, the others staying proposed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.builders import issue_order_body
from tests.functional.browser.test_journeys import name_parties
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

SITE = [{"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"},
        {"node_id": "LYON-BAT-B", "kind": "building", "parent_id": "LYON", "label": "Bâtiment B"}]


def dwellings(*pairs: tuple[str, str]) -> dict:
    return {"nodes": [*SITE, *({"node_id": node_id, "kind": "dwelling", "parent_id": "LYON-BAT-B", "label": label}
                               for node_id, label in pairs)]}


def test_manager_attaches_the_orders_an_import_left_on_retired_ids_to_the_proposed_renamed_dwellings(
        app, platform, clean_firestore):
    # Given three orders on two dwellings, then a new import renaming the dwellings' ids (the old ones retired)
    name_parties(clean_firestore)
    manager = Erp(platform, "manager", "mgr-test")
    assert manager.post("import_property_tree", dwellings(("LYON-B-L3", "Logement 3"),
                                                          ("LYON-B-L4", "Logement 4"))).status_code == 201
    for order_id, node_id in (("BC-P-1", "LYON-B-L3"), ("BC-P-2", "LYON-B-L3"), ("BC-P-3", "LYON-B-L4")):
        assert manager.post("receive_order", issue_order_body(order_id, site={"node_id": node_id})).status_code == 201
    assert manager.post("import_property_tree", dwellings(("LYO-B-003", "Logement 3"),
                                                          ("LYO-B-004", "logement  4"))).status_code == 201
    # When the manager opens « Patrimoine »
    page = app.sign_in("manager")
    page.get_by_role("link", name="Patrimoine").click()
    # Then each renamed dwelling is proposed for the orders of its old id, why, the largest group first
    proposals = page.get_by_role("table", name="Propositions de rattachement")
    expect(proposals.locator("tr[data-proposal]")).to_have_count(2)
    first = proposals.locator("tr[data-proposal]").first
    expect(first).to_have_attribute("data-proposal", "LYO-B-003")
    expect(first).to_contain_text("Logement 3")
    expect(first).to_contain_text("BC-P-1 et BC-P-2")
    expect(first).to_contain_text("même libellé que l'élément retiré, sous le même parent")
    app.check(page, "gestionnaire-propositions-rattachement", shot=False)
    # And one click, confirmed, attaches that group; the other stays proposed
    first.get_by_role("button", name="Rattacher ces 2 commandes").click()
    confirm = page.get_by_role("group", name="Confirmer le rattachement proposé")
    expect(confirm).to_contain_text("Rattacher ces 2 commandes à « Résidence Les Tilleuls › Bâtiment B › Logement 3")
    confirm.get_by_role("button", name="Confirmer le rattachement proposé").click()
    expect(page.get_by_role("status").filter(has_text="rattachées")).to_contain_text(
        "2 commandes rattachées à « LYO-B-003 ».")
    expect(proposals.locator("tr[data-proposal]")).to_have_count(1)
    expect(proposals.locator("tr[data-proposal='LYO-B-004']")).to_contain_text("BC-P-3")
    retired = page.get_by_role("table", name="Sur des éléments retirés")
    expect(retired.locator("tr[data-item='BC-P-1']")).to_have_count(0)
    expect(retired.locator("tr[data-item='BC-P-3']")).to_be_visible()
    # the order now reads its new dwelling
    assert manager.get_order("BC-P-1").json()["order"]["site"]["node_id"] == "LYO-B-003"
