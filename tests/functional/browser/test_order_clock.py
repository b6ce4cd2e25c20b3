"""B18 territories in the web app: a contractor's site lead on an order in Fort-de-France reads and types its times
on Martinique's clock, in a browser set to Paris's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.builders import issue_order_body
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

MARTINIQUE = ZoneInfo("America/Martinique")


def test_a_contractor_types_08_00_on_an_order_in_fort_de_france_and_it_is_08_00_in_martinique(app, platform):
    # Given an order at a dwelling in Fort-de-France (97209), and one in Lyon
    manager = Erp(platform, "manager", "mgr-test")
    martinique = issue_order_body("BC-972", title="Fuite — Fort-de-France",
                                  site={"node_id": "FDF-BAT-A-LOG-4", "commune": "97209", "label": "Résidence Bellevue"})
    assert manager.post("receive_order", martinique).status_code == 201
    assert manager.post("receive_order", issue_order_body("BC-LYON", title="Fuite — Lyon",
                                                          site={"node_id": "N-1", "commune": "69123"})).status_code == 201
    page = app.sign_in("contractor")  # a browser whose machine clock is Paris's
    expect(page.locator("tr[data-order='BC-972']")).to_be_visible()
    page.get_by_role("link", name="BC-972").click()
    # Then its screen says once, in French, which clock its times are on
    expect(page.locator("#order-clock")).to_have_text(
        "Heures de la Martinique (UTC\u22124) : les heures de cette commande sont affichées et saisies à l'heure de "
        "son territoire.")
    # When the contractor acknowledges it, then schedules it at 08:00 – 17:30 in three days' time
    page.get_by_role("button", name="Passer à « pris en compte »").click()
    now_there = dt.datetime.now(MARTINIQUE)
    occurred = page.get_by_label("Date et heure de l'événement").input_value()  # prefilled: now, in Fort-de-France
    assert abs(dt.datetime.strptime(occurred, "%d/%m/%Y %H:%M") - now_there.replace(tzinfo=None)) < dt.timedelta(
        minutes=3), occurred
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("group", name="Actions possibles")).to_contain_text("Passer à « planifié »")
    page.get_by_role("button", name="Passer à « planifié »").click()
    start = dt.date.today() + dt.timedelta(days=3)
    page.get_by_label("Début prévu").fill(f"{start.strftime('%d/%m/%Y')} 08:00")
    page.get_by_label("Fin prévue").fill(f"{start.strftime('%d/%m/%Y')} 17:30")
    page.get_by_role("button", name="Envoyer").click()
    # Then the screen shows 08:00, the clock note still there once
    expect(page.locator(".facts")).to_contain_text(f"Prévu {start.strftime('%d/%m/%Y')} 08:00")
    expect(page.locator("#order-clock")).to_have_count(1)
    app.check(page, "prestataire-commande-martinique", shot=False)
    # And the platform stored 08:00 in Martinique: 12:00 UTC (not 08:00 Paris, 07:00 UTC)
    order = Erp(platform, "contractor", "ctr-test").get_order("BC-972", manager_id="mgr-test").json()
    planned = dt.datetime.fromisoformat(order["order"]["planned_start"].replace("Z", "+00:00"))
    assert planned == dt.datetime.combine(start, dt.time(8), tzinfo=MARTINIQUE), order["order"]["planned_start"]
    assert planned.astimezone(dt.UTC).time() == dt.time(12)
    assert (order["territory"], order["time_zone"]) == ("972", "America/Martinique")
    # And « Mes commandes » shows that order's dates on its own clock, marked, and the Lyon order has no note
    page.get_by_role("link", name="← Retour à la liste").click()
    expect(page.locator("tr[data-order='BC-972']")).to_contain_text(
        f"Prévu {start.strftime('%d/%m/%Y')} 08:00 → {start.strftime('%d/%m/%Y')} 17:30 (heure locale, UTC\u22124)")
    page.get_by_role("link", name="BC-LYON").click()
    expect(page.locator(".facts")).to_be_visible()
    expect(page.locator("#order-clock")).to_have_count(0)


def test_a_contractor_reads_a_fort_de_france_quotes_request_time_on_martiniques_clock(app, platform):
    # Given a quote the manager requested at a dwelling in Fort-de-France (97209)
    manager = Erp(platform, "manager", "mgr-test")
    asked = manager.post("request_quote", {"quote_id": "DV-972", "contract_id": "AC-2026-017",
                                           "contractor_id": "ctr-test", "title": "Colonne d'eau — Fort-de-France",
                                           "site": {"node_id": "FDF-BAT-A-LOG-4", "commune": "97209"}})
    assert asked.status_code == 201, asked.text
    requested = dt.datetime.fromisoformat(asked.json()["requested_at"].replace("Z", "+00:00"))
    there = requested.astimezone(MARTINIQUE).strftime("%d/%m/%Y %H:%M")
    page = app.sign_in("contractor")  # a browser whose machine clock is Paris's
    page.get_by_role("link", name="Devis", exact=True).click()
    # Then its row in « Devis » shows the request time on Fort-de-France's clock, marked as local
    expect(page.locator("tr[data-quote='DV-972']")).to_contain_text(f"{there} (heure locale, UTC\u22124)")
    # And its screen names the clock once and shows the same time
    page.get_by_role("link", name="DV-972").click()
    expect(page.locator("#quote-clock")).to_have_text(
        "Heures de la Martinique (UTC\u22124) : les heures de ce devis sont affichées à l'heure de son territoire, "
        "où courent son délai de réponse et sa validité.")
    expect(page.locator(".facts")).to_contain_text(f"Demandé le{there}")
