"""Reception and invoices in the web application, in Chromium (B7, B10, docs/invoicing.md): the manager
receives with a reservation, the contractor invoices what was received (a price above the order's is
refused next to its field), the manager lifts the reservation, closes and downloads the Factur-X XML; a
beneficiary receives its mission's order and reads its contractor's penalty statement. axe-core on
every screen; screenshots in docs/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.builders import BUYER, EXECUTION, issue_order_body
from tests.functional.browser.test_journeys import field_error, sent_keys
from tests.conftest import register_beneficiary
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


def executed(platform, order_id: str) -> None:
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    assert manager.post("receive_order", issue_order_body(order_id, public_invoicing=BUYER)).status_code == 201
    for sequence, (state, fields) in enumerate(EXECUTION, start=1):
        report = {"manager_id": "mgr-test", "order_id": order_id, "sequence": sequence, "state": state,
                  "occurred_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),
                  "event": {"label": f"Étape {sequence}"}, **fields}
        assert contractor.post("submit_execution", report).status_code == 200


def test_manager_receives_with_a_reservation_contractor_invoices_manager_lifts_and_closes(app, platform,
                                                                                         firestore_client):
    executed(platform, "BC-F1")
    # the contractor's registry record holds its SIRET (register_contractor): its invoice form offers it
    firestore_client.document("contractors/ctr-test").set({"siret": "73282932000074"}, merge=True)
    manager = app.sign_in("manager")
    manager.get_by_role("link", name="BC-F1").click()
    # Reception: only the line done is offered; one reservation typed on it
    form = manager.locator("#reception")
    expect(form.get_by_label("Réceptionner la ligne L1 (Recherche de fuite)")).to_be_checked()
    expect(form.get_by_label("Réceptionner la ligne L2 (Remplacement siphon)")).to_have_count(0)
    form.get_by_label("Réserves sur la ligne L1 (une par ligne)").fill("Joint à reprendre")
    # each line's quantity × unit price beside its amount
    lines = manager.get_by_role("table", name="Réception des lignes")
    expect(lines.locator("tr[data-line='L1'] td.calculation")).to_have_text("1 U × 85,00\u00a0€")
    expect(lines.locator("tr[data-line='L2'] td.calculation")).to_have_text("2,5 U × 42,00\u00a0€")
    # a double click on « Enregistrer la réception » sends one request: recorded once, never refused
    received = sent_keys(manager, "record_reception")
    form.get_by_role("button", name="Enregistrer la réception").dblclick()
    expect(manager.locator(".facts")).to_contain_text("réceptionné", timeout=10000)
    assert len(received) >= 1 and len(set(received)) == 1, received
    expect(manager.get_by_role("table", name="Réception des lignes")).to_contain_text("L1-R1 : Joint à reprendre (ouverte)")
    expect(manager.get_by_role("table", name="Historique")).to_contain_text("Réception partielle avec 1 réserve : ligne L1")
    app.check(manager, "gestionnaire-reception")

    # The contractor invoices: a price above the order's is refused next to its field, then accepted
    contractor = app.sign_in("contractor")
    contractor.get_by_role("link", name="BC-F1").click()
    invoice = contractor.locator("#invoice")
    invoice.get_by_label("Numéro de facture").fill("F-WEB-1")
    # B10: the seller prefilled from what the platform knows of the contractor, still editable
    expect(invoice.get_by_label("Votre SIRET")).to_have_value("73282932000074")
    expect(invoice.get_by_label("Votre raison sociale")).to_have_value("Test")
    invoice.get_by_label("Votre SIRET").fill("732 829 320 00074")
    invoice.get_by_label("Votre raison sociale").fill("Plomberie Test SARL")
    invoice.get_by_label("Ligne L1 : TVA (%)").select_option("10")
    invoice.get_by_label("Ligne L1 : prix unitaire HT (€)").fill("90,00")
    expect(invoice.locator(".totals")).to_have_text("Total HT 90,00 € — TVA 9,00 € — TTC 99,00 €")
    invoice.get_by_role("button", name="Envoyer la facture").click()
    expect(field_error(contractor, "Ligne L1 : prix unitaire HT (€)")).to_contain_text("écart 5,00 €")
    app.check(contractor, "prestataire-facture-refusee")
    invoice.get_by_label("Ligne L1 : prix unitaire HT (€)").fill("85,00")
    invoiced = sent_keys(contractor, "submit_invoice")
    invoice.get_by_role("button", name="Envoyer la facture").dblclick()  # sent once
    expect(contractor.locator(".facts")).to_contain_text("facturé", timeout=10000)
    expect(contractor.locator("tr[data-invoice='F-WEB-1']")).to_contain_text("93,50")
    assert len(invoiced) >= 1 and len(set(invoiced)) == 1, invoiced
    expect(contractor.get_by_role("group", name="Actions possibles").get_by_role("button")).to_have_text(
        ["Signaler un événement"])
    app.check(contractor, "prestataire-factures")

    # The manager lifts the reservation, closes, and downloads the Factur-X XML
    manager.reload()
    lifted, closed = sent_keys(manager, "lift_reservation"), sent_keys(manager, "change_order_state")
    manager.get_by_role("button", name="Lever la réserve L1-R1").dblclick()  # lifted once
    expect(manager.get_by_role("table", name="Réception des lignes")).to_contain_text("levée le")
    manager.get_by_role("button", name="Clôturer").dblclick()  # closed once
    expect(manager.locator(".facts")).to_contain_text("clôturé", timeout=10000)
    expect(manager.locator("#close")).to_have_count(0)
    assert (len(set(lifted)), len(set(closed))) == (1, 1), (lifted, closed)
    row = manager.locator("tr[data-invoice='F-WEB-1']")
    expect(row).to_contain_text("acceptée par la plateforme")
    with manager.expect_download() as download:
        row.get_by_role("button", name="Factur-X F-WEB-1").click()
    assert download.value.suggested_filename == "factur-x-F-WEB-1.xml"
    assert "CrossIndustryInvoice" in open(download.value.path(), encoding="utf-8").read()
    app.check(manager, "gestionnaire-factures")


def test_beneficiary_receives_its_missions_order_and_reads_its_contractors_penalties(app, platform, clean_firestore):
    from shared.service.order_store import order_doc
    from tests.builders import an_order

    # Given the beneficiary's mission order, completed by the titulaire
    register_beneficiary(clean_firestore, "ben-metropole-demo", "Métropole de démonstration")
    clean_firestore.document("contractors/ctr-titulaire").set({"name": "Titulaire", "managers": ["ben-metropole-demo"]})
    order = an_order("BC-MISSION-W", state="completed", manager_id="ben-metropole-demo", contractor_id="ctr-titulaire",
                     line_status={"L1": True, "L2": True})
    clean_firestore.document("managers/ben-metropole-demo/orders/BC-MISSION-W").set(
        {**order_doc(order), "updated_at": dt.datetime.now(dt.UTC)})
    page = app.sign_in("beneficiary")
    page.get_by_role("link", name="Commandes").click()
    # A11 real-time view: its orders list follows watch_orders, so the titulaire's report shows without a reload
    expect(page.locator("p.status[data-live='live']")).to_contain_text("en direct", timeout=15000)
    reported = Erp(platform, "contractor", "ctr-titulaire").post("submit_execution", {
        "manager_id": "ben-metropole-demo", "order_id": "BC-MISSION-W", "sequence": 1,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "PV de recette transmis"}})
    assert reported.status_code == 200, reported.text
    expect(page.locator("tr[data-order='BC-MISSION-W']")).to_contain_text("PV de recette transmis", timeout=5000)
    page.get_by_role("link", name="BC-MISSION-W").click()
    # When it receives both lines
    page.locator("#reception").get_by_role("button", name="Enregistrer la réception").click()
    # Then the order is received, and nothing is left to receive
    expect(page.locator(".facts")).to_contain_text("réceptionné", timeout=10000)
    expect(page.locator("#reception")).to_have_count(0)
    app.check(page, "beneficiaire-reception")
    # And it reads its contractor's penalty statement, the contractor chosen among those it can ask about (its
    # agreement's titulaire, its orders' contractors): here its order's only, already chosen, its statement shown
    page.get_by_role("link", name="Pénalités").click()
    picker = page.get_by_role("combobox", name="Prestataire")
    expect(picker.locator("option")).to_have_text(["— Choisir un prestataire —",
                                                   "ctr-titulaire (commandes de vos missions)"])
    expect(picker).to_have_value("ctr-titulaire")
    expect(page.get_by_role("heading", name=re.compile("Relevé .* ctr-titulaire"))).to_be_visible()
    page.get_by_role("button", name="Afficher le relevé").click()
    expect(page.get_by_role("heading", name=re.compile("Relevé .* ctr-titulaire"))).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Erreur")
    app.check(page, "beneficiaire-penalites", shot=False)
