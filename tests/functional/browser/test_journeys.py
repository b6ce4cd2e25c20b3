"""Each role signs in to the web application in Chromium and completes its main journey end to end,
including an input the platform (or the form) rejects, shown next to its field; every page passes
axe-core; screenshots of the main screens are written to docs/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from devtools import seed
from shared.domain import workdays
from shared.service.sourcing import missions
from tests.builders import issue_order_body
from tests.dates import paris_today, today_on
from tests.functional.browser.late import hold, release, wait_until_held
from tests.functional.browser.missions import frame_started_mission
from tests.functional.erp import Erp, one_refused_one_accepted

pytestmark = pytest.mark.emulators

LINES = [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": "1", "unit": "U",
          "unit_price_cents": 8500}]
VALID_UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fill_raised_quote(page, reference: str, title: str, line: tuple[str, str, str]) -> None:
    """« Proposer un devis »: its reference, its title, one line (code, label, quantity 1, unit price in the French
    format) and a validity 30 days on."""
    code, label, price = line
    page.get_by_label("Référence du devis").fill(reference)
    page.get_by_label("Objet", exact=True).fill(title)
    page.get_by_label("Ligne 1 : code").fill(code)
    page.get_by_label("Ligne 1 : libellé").fill(label)
    page.get_by_label("Ligne 1 : quantité").fill("1")
    page.get_by_label("Ligne 1 : prix unitaire HT (€)").fill(price)
    page.get_by_label("Valable jusqu'au").fill(fr(dt.date.today() + dt.timedelta(days=30)))


def name_parties(client) -> None:
    """The test parties with names of their own (the registry's, as an operator registers them: A10), so that the
    screens can be seen to show them by name and not by id."""
    client.document("managers/mgr-test").update({"name": "Rhône Habitat Essai"})
    client.document("contractors/ctr-test").update({"name": "Plomberie Essai"})
    client.document("contractors/ctr-other").update({"name": "Concurrent Secret"})


def catalogue(platform, manager: Erp) -> None:
    r = requests.post(platform.url("import_catalogue") + "/", timeout=30, json={
        "contract_id": "AC-2026-017", "valid_from": "2026-01-01", "reviewed_on": dt.date.today().isoformat(),
        "items": [{"code": "PLB-010", "label": "Recherche de fuite", "unit": "U", "unit_price": "85,00", "vat_rate": "10"}]},
        headers={"Authorization": f"Bearer {manager.token}", "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text


def sent_keys(page, function: str) -> list[str | None]:
    """The Idempotency-Key of each POST the page sends to `function` from now on, as it sends them: a double click on
    a form that records something must send one request (or the same one again), never a second recording."""
    url = page.evaluate("async () => (await (await fetch('config.json')).json()).functions")[function]
    keys: list[str | None] = []
    page.on("request", lambda r: keys.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and r.url.startswith(url) else None)
    return keys


def nav_link(page, name: str):
    """A link of the main navigation (a home's « À faire » may link the same screen by the same name)."""
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=name)


def field_error(page, label, within=None):
    """The error note of the input labelled `label` (its aria-describedby), in `within` if given."""
    control = (within or page).get_by_label(label, exact=isinstance(label, str))
    ids = control.get_attribute("aria-describedby").split()
    return page.locator(f"#{ids[-1]}")


def test_manager_follows_orders_live_requests_and_decides_quotes_penalties_contracts_coverage(app, platform,
                                                                                            clean_firestore):
    name_parties(clean_firestore)
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    for order_id in ("BC-W1", "BC-W2"):
        assert manager.post("receive_order", issue_order_body(order_id, title=f"Fuite {order_id}")).status_code == 201
    late_order = issue_order_body("BC-W3", title="Remplacement du robinet de puisage du local poubelles",
                                  requested_end="2026-01-05")  # its requested end has passed: late
    assert manager.post("receive_order", late_order).status_code == 201
    catalogue(platform, manager)  # after the orders: their lines are not in it
    # a report sent 25 hours late: P1 penalties on this month's statement
    occurred = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    late = contractor.post("submit_execution", {"manager_id": "mgr-test", "order_id": "BC-W2", "sequence": 1,
                                                "state": "acknowledged", "occurred_at": occurred.isoformat(),
                                                "event": {"label": "Commande prise en compte"}})
    assert late.status_code == 200, late.text
    page = app.sign_in("manager")

    # Dashboard: both orders, nothing wider than the screen at 1280 px, live without reload
    expect(page.get_by_role("heading", name="Tableau de bord des commandes")).to_be_visible()
    # the header names the signed-in party by its own name (list_contracts' caller_name), its id in the tooltip
    expect(page.locator("header .who")).to_have_text("Gestionnaire — Rhône Habitat Essai")
    expect(page.locator("header .who")).to_have_attribute("title", re.compile(r"Identifiant : mgr-test$"))
    expect(page.locator("tr[data-order]")).to_have_count(3)
    expect(page.locator("tr[data-order='BC-W3'] .badge.late")).to_contain_text("fin prévue dépassée")
    expect(page.get_by_role("columnheader", name="Documents", exact=True)).to_be_visible()  # a word, not « Doc. »
    app.fits(page)
    app.check(page, "gestionnaire-tableau-de-bord")
    # A11 real-time view: the dashboard follows watch_orders (« en direct »), so a change shows in seconds,
    # well before the 15 s poll it falls back to
    expect(page.locator("p.status[data-live='live']")).to_contain_text("en direct", timeout=15000)
    page.wait_for_timeout(1000)  # the page's one re-read after the stream opened (0.25 s, then the read) is done
    page.locator("tr[data-order='BC-W3']").evaluate("row => { row.dataset.kept = 'oui'; }")
    row_reads = []
    page.on("request", lambda request: row_reads.append(request.url) if "order_id=" in request.url else None)
    contractor.post("submit_execution", {"manager_id": "mgr-test", "order_id": "BC-W1", "sequence": 1,
                                         "state": "acknowledged", "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                                         "event": {"label": "Prise en compte"}})
    expect(page.locator("tr[data-order='BC-W1'] .state")).to_have_text("pris en compte", timeout=5000)
    expect(page.locator("tr[data-order='BC-W1']")).to_have_class(re.compile("changed"))
    # said politely to a screen reader, the focus left where it was (RGAA 7.5), and not by the row's colour alone
    # (RGAA 3.1); the time of the read is seen, not said at each read
    expect(page.locator("#announcer")).to_have_text("La commande BC-W1 vient de changer : pris en compte.")
    expect(page.locator("tr[data-order='BC-W1'] .visually-hidden")).to_have_text(" (vient de changer)")
    expect(page.locator("p.status[data-live]")).not_to_have_attribute("aria-live", re.compile("."))
    # One row read again (list_orders order_id=), put first (most recent activity), the other rows left as they were
    assert any("order_id=BC-W1" in url for url in row_reads), row_reads
    expect(page.locator("tr[data-order]").first).to_have_attribute("data-order", "BC-W1")
    expect(page.locator("tr[data-order='BC-W3'][data-kept='oui']")).to_have_count(1)
    page.reload()  # how long a modest machine takes to show the dashboard's data after a navigation
    expect(page.locator("tr[data-order]")).to_have_count(3)
    print(f"\ndashboard data shown {page.evaluate('() => performance.now()'):.0f} ms after navigation start")
    # Parties by name: each row's contractor by its name, its id as secondary text; the « Prestataire » filter a
    # picker of its own contractors by name (never another manager's), the query still naming the id
    expect(page.locator("tr[data-order='BC-W1'] td.party .party-name")).to_have_text("Plomberie Essai")
    expect(page.locator("tr[data-order='BC-W1'] td.party .party-name")).to_have_attribute("title", "Identifiant : ctr-test")
    picker = page.get_by_label("Prestataire", exact=True)
    expect(picker.locator("option")).to_have_text(["Tous les prestataires", "Plomberie Essai"])
    with page.expect_request(lambda r: "contractor_id=ctr-test" in r.url):  # list_orders, on its own port
        picker.select_option(label="Plomberie Essai")
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[data-order]")).to_have_count(3)
    expect(page.locator("main")).not_to_contain_text("Concurrent Secret")
    page.get_by_role("link", name="BC-W2").click()
    expect(page.get_by_role("table", name="Historique")).to_contain_text("Commande prise en compte")
    expect(page.locator(".facts")).to_contain_text("Plomberie Essai")
    expect(page.locator(".facts")).not_to_contain_text("(ctr-test)")  # its id in no fact: its name alone
    expect(page.locator(".facts")).to_contain_text("Rhône Habitat Essai")
    expect(page.locator(".facts")).not_to_contain_text("(mgr-test)")
    # The order screen follows it too: the contractor's next report shows without a reload
    expect(page.locator("#order-live[data-live='live']")).to_contain_text("en direct", timeout=15000)
    contractor.post("submit_execution", {"manager_id": "mgr-test", "order_id": "BC-W2", "sequence": 2,
                                         "state": "scheduled", "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                                         "planned_start": (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat(),
                                         "planned_end": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat(),
                                         "event": {"label": "Intervention planifiée"}})
    expect(page.get_by_role("table", name="Historique")).to_contain_text("Intervention planifiée", timeout=5000)
    expect(page.get_by_role("table", name="Historique")).to_contain_text("API REST ou application web")
    app.check(page, "gestionnaire-commande", shot=False)
    # The client's own decisions (change_order_state): suspended with its reason — refused without one —, then resumed
    decisions = page.get_by_role("group", name="Décisions possibles").get_by_role("button")
    expect(decisions).to_have_text(["Suspendre la commande", "Annuler la commande"])
    page.get_by_role("button", name="Suspendre la commande").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(field_error(page, "Motif", within=page.locator("#client-decision"))).to_have_text(
        "Indiquez le motif de cette décision.")
    page.locator("#client-decision").get_by_label("Motif").fill("Accès au logement impossible cette semaine")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".facts")).to_contain_text("suspendu")
    history = page.get_by_role("table", name="Historique")
    expect(history).to_contain_text("Décision du client : suspendu")
    expect(history).to_contain_text("Motif : Accès au logement impossible cette semaine")
    page.get_by_role("button", name="Reprendre la commande (« planifié »)").click()
    decided = sent_keys(page, "change_order_state")
    page.get_by_role("button", name="Confirmer").dblclick()  # a double click decides once
    expect(page.locator(".facts")).to_contain_text("planifié")
    assert len(decided) >= 1 and len(set(decided)) == 1, decided
    expect(history).to_contain_text("Décision du client : reprise (« planifié »)")

    # Quotes: a request for an unknown contract is refused next to its field, then requested
    page.get_by_role("link", name="Devis", exact=True).click()
    page.get_by_label("Référence du devis").fill("DV-WEB-1")
    # « Prestataire »: a picker of its contractors by name (its only one chosen already), the id sent
    contractors = page.locator("#request-quote").get_by_label("Prestataire", exact=True)
    expect(contractors.locator("option")).to_have_text(["— Choisir un prestataire —", "Plomberie Essai"])
    expect(contractors).to_have_value("ctr-test")
    contractors.select_option("ctr-test")
    page.get_by_label("Marché", exact=True).fill("AC-INCONNU")
    page.get_by_label("Objet", exact=True).fill("Recherche de fuite cage B")
    page.get_by_label("Élément de patrimoine (identifiant)").fill("LYON-BAT-B")
    page.get_by_role("button", name="Demander le devis").click()
    expect(field_error(page, "Marché")).to_contain_text("AC-INCONNU")
    expect(page.get_by_label("Marché", exact=True)).to_have_attribute("aria-invalid", "true")
    app.check(page, "gestionnaire-devis-erreur", shot=False)
    page.get_by_label("Marché", exact=True).fill("AC-2026-017")
    page.get_by_role("button", name="Demander le devis").click()
    expect(page.get_by_role("heading", name=re.compile("Devis DV-WEB-1"))).to_be_visible()
    # the contractor answers twice (a revision): the manager compares the versions and accepts
    for quantity in ("1", "2"):
        answer = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-WEB-1",
                                                  "valid_until": VALID_UNTIL, "lines": [{**LINES[0], "quantity": quantity}]})
        assert answer.status_code == 200, answer.text
    page.reload()
    expect(page.get_by_role("table", name="Comparaison des versions")).to_contain_text("Version 2")
    expect(page.get_by_text("Écart de la dernière révision : +85,00")).to_be_visible()
    app.check(page, "gestionnaire-devis-versions")
    # a refusal without its reason is told next to « Motif » before anything is sent
    decision = page.locator("#quote-decision")
    quote_keys = sent_keys(page, "decide_quote")
    decision.get_by_role("button", name="Refuser").click()
    expect(field_error(page, "Motif", within=decision)).to_have_text(
        "Un refus doit être motivé : indiquez le motif du refus avant de refuser le devis.")
    expect(decision.get_by_label("Motif", exact=True)).to_have_attribute("aria-invalid", "true")
    assert quote_keys == []
    decision.get_by_role("button", name="Accepter").dblclick()  # a double click accepts once
    expect(page.locator(".facts")).to_contain_text("accepté")
    assert len(quote_keys) >= 1 and len(set(quote_keys)) == 1, quote_keys

    # Penalties: the late report's P1 days, one waived with its reason; a decision without reason refused
    page.get_by_role("link", name="Pénalités").click()
    page.get_by_label("Prestataire", exact=True).select_option(label="Plomberie Essai")
    page.get_by_label("Mois", exact=True).fill(occurred.astimezone(ZoneInfo("Europe/Paris")).strftime("%m/%Y"))
    page.get_by_role("button", name="Afficher le relevé").click()
    app.settle(page)  # the statement shown on arrival (its only contractor's), then the one asked for: drawn once
    first = page.locator("tr[data-entry]").first
    expect(first).to_contain_text("150,00")
    # A9: the order behind the day by its title, its id beside it, linked to its screen
    expect(first.get_by_role("link", name="Fuite BC-W2 (BC-W2)")).to_have_attribute("href", "#/orders/mgr-test/BC-W2")
    first.get_by_role("button", name="Enregistrer").click()
    expect(field_error(page, "Motif", within=first)).not_to_be_empty()
    first.get_by_label("Motif", exact=True).fill("Retard dû à notre propre indisponibilité.")
    first.get_by_label("Décision", exact=True).select_option("waive")
    first.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("tr[data-entry]").first).to_contain_text("remise")
    expect(page.locator("#statement-title")).to_have_text(re.compile(r" — Plomberie Essai$"))
    app.check(page, "gestionnaire-penalites")

    # Contracts and catalogue versions, penalty terms versions (A9), property coverage; who set a version is named
    # (B5 accounts: the manager's own account that set it, here its ERP's)
    clean_firestore.document("accounts/erp-mgr-test").set({
        "uid": "erp-mgr-test", "email": "erp@rhone-habitat-essai.fr", "display_name": "Interface ERP Rhône Habitat",
        "claims": {"role": "manager", "tenant": "mgr-test"}})
    in_a_month = (dt.datetime.now(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=30)).isoformat()
    assert manager.post("set_penalty_terms", {"contract_id": "AC-2026-017", "effective_from": in_a_month,
                                              "reason": "Avenant n° 2",
                                              "terms": {"daily_amount_cents": {"P1": 25000}}}).status_code == 201
    page.get_by_role("link", name="Marchés").click()
    expect(page.get_by_role("table", name="Marchés")).to_contain_text("AC-2026-017")
    app.check(page, "gestionnaire-marches", shot=False)
    page.get_by_role("link", name="AC-2026-017").click()
    expect(page.get_by_role("table", name="Prestations")).to_contain_text("PLB-010")
    expect(page.locator("#catalogue-review")).to_contain_text("prochaine revue semestrielle")  # A14, reviewed today
    expect(page.locator('tr[data-terms-version="1"]')).to_contain_text("à venir")
    expect(page.locator('tr[data-terms-version="1"]')).to_contain_text("Avenant n° 2")
    expect(page.locator('tr[data-terms-version="1"]')).to_contain_text("Interface ERP Rhône Habitat")
    expect(page.locator('tr[data-terms-version="1"]')).not_to_contain_text("erp-mgr-test")
    expect(page.get_by_role("columnheader", name="Fixée par", exact=True)).to_be_visible()
    app.check(page, "gestionnaire-catalogue")
    # A7: a tree imported after the orders leaves them orphans; « Rattacher » attaches one to an active node
    assert manager.post("import_property_tree", {"nodes": [
        {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"}]}).status_code == 201
    # the coverage reads every order (seconds at volume): the screen says so at once, and a user who leaves for
    # another screen meanwhile is not sent back to it when the answer comes (its answer held here, as a slow read)
    coverage_url = page.evaluate("async () => (await (await fetch('config.json')).json()).functions")[
        "get_property_coverage"]
    held_coverage: list = []
    reads_coverage = lambda url: url.startswith(coverage_url + "/")  # noqa: E731
    hold_coverage = lambda route: held_coverage.append(route) if route.request.method == "GET" else route.continue_()  # noqa: E731,E501
    page.route(reads_coverage, hold_coverage)
    page.get_by_role("link", name="Patrimoine").click()
    expect(page.get_by_role("heading", name="Couverture du patrimoine")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Chargement de la couverture…")
    page.get_by_role("link", name="Marchés").click()
    expect(page.get_by_role("table", name="Marchés")).to_contain_text("AC-2026-017")
    assert held_coverage, "the coverage was not read"
    for route in held_coverage:
        route.continue_()
    page.unroute(reads_coverage, hold_coverage)
    page.wait_for_timeout(1000)  # the held answer comes back: it draws nothing over « Marchés »
    expect(page.get_by_role("heading", name="Marchés et catalogues")).to_be_visible()
    page.get_by_role("link", name="Patrimoine").click()
    expect(page.get_by_role("heading", name="Couverture du patrimoine")).to_be_visible()
    expect(page.get_by_role("table", name="Orphelins").locator("tr[data-item='BC-W1']")).to_be_visible()
    page.get_by_role("button", name="Rattacher la commande BC-W1").click()
    page.get_by_label("Élément du patrimoine").select_option("LYON")
    page.get_by_role("form", name="Rattacher la commande BC-W1").get_by_role("button", name="Rattacher").click()
    attached = sent_keys(page, "attach_order_node")
    page.get_by_role("button", name="Confirmer le rattachement").dblclick()  # a double click attaches once
    expect(page.get_by_role("status")).to_contain_text("Commande BC-W1 rattachée à « LYON »")
    assert len(attached) >= 1 and len(set(attached)) == 1, attached
    expect(page.get_by_role("table", name="Orphelins").locator("tr[data-item='BC-W1']")).to_have_count(0)
    app.check(page, "gestionnaire-patrimoine")
    # A7: a quote request suggests the manager's active nodes
    page.get_by_role("link", name="Devis", exact=True).click()
    node_list = page.get_by_label("Élément de patrimoine (identifiant)").get_attribute("list")
    expect(page.locator(f"#{node_list} option[value='LYON']")).to_have_count(1)
    # A2.3 orders: « Nouvelle commande », for a manager without an ERP — its one contract chosen (the contractor
    # implied), a line from the contract's catalogue, a node of the tree in force, its billing account's buyer
    assert manager.post("upsert_billing_account", {
        "billing_account_id": "CF-69-01", "contract_ids": ["AC-2026-017"],
        "invoicing_address": {"lines": ["Service factures"], "postal_code": "69003", "city": "Lyon"},
        "legal_entity": {"name": "Rhône Habitat", "siret": "21690123100011"}}).status_code == 201
    page.get_by_role("link", name="Nouvelle commande").click()
    expect(page.get_by_role("heading", name="Nouvelle commande")).to_be_visible()
    order_id = page.get_by_label("Numéro de commande").input_value()
    assert re.fullmatch(r"BC-\d{8}-[A-HJ-NP-Z2-9]{6}", order_id), order_id
    expect(page.locator("#order-contractor")).to_have_text(re.compile(r"^Prestataire : Plomberie Essai — marché du "))
    expect(page.get_by_role("table", name="Prestations du catalogue")).to_contain_text("Recherche de fuite")
    page.get_by_label("Objet", exact=True).fill("Fuite sur colonne d'eau — hall")
    page.get_by_label("Élément du patrimoine").select_option("LYON")
    page.get_by_label("Quantité PLB-010").fill("2")
    expect(page.locator("#order-total")).to_contain_text("170,00")
    page.get_by_label("Compte de facturation").select_option("CF-69-01")
    page.get_by_label("Début souhaité (facultatif)").fill(fr(dt.date.today() + dt.timedelta(days=2)))
    # an engagement number longer than Chorus Pro's 50 characters: refused by the platform, next to its field
    page.get_by_label("Numéro d'engagement (facultatif)").fill("EJ-2026-" + "0" * 50)
    page.get_by_role("button", name="Émettre la commande").click()
    expect(field_error(page, "Numéro d'engagement (facultatif)")).to_contain_text("50 caractère")
    expect(page.get_by_label("Numéro d'engagement (facultatif)")).to_have_attribute("aria-invalid", "true")
    app.check(page, "gestionnaire-nouvelle-commande")
    issued = []
    page.on("request", lambda r: issued.append(r.url) if r.method == "POST" and '"issued_at"' in (r.post_data or "") else None)
    page.get_by_label("Numéro d'engagement (facultatif)").fill("EJ-2026-0042")
    page.get_by_role("button", name="Émettre la commande").dblclick()  # a double click issues one order
    expect(page.get_by_role("heading", name=f"{order_id} — Fuite sur colonne d'eau — hall")).to_be_visible()
    assert len(issued) == 1, issued
    seen = contractor.get_order(order_id, manager_id="mgr-test")  # the contractor sees it
    assert seen.status_code == 200, seen.text
    order = seen.json()["order"]
    assert (order["contractor_id"], order["site"]["node_id"], order["public_invoicing"]) == ("ctr-test", "LYON", {
        "buyer_siret": "21690123100011", "buyer_name": "Rhône Habitat", "service_code": None,
        "engagement_number": "EJ-2026-0042"})
    assert [(line["service_code"], line["quantity"], line["unit_price_cents"]) for line in order["lines"]] == [
        ("PLB-010", "2", 8500)]
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.locator(f"tr[data-order='{order_id}']")).to_contain_text("Fuite sur colonne d'eau — hall")
    # A8 reversibility: the whole space exported from the web app, its archive offered
    platform.provision_exports()  # exports-requested → run_export, as Terraform wires it
    page.get_by_role("link", name="Export").click()
    started = sent_keys(page, "export_space")
    page.get_by_role("button", name="Lancer l'export").dblclick()  # a double click starts one export
    expect(page.locator("#export-status")).to_contain_text("Export terminé", timeout=30000)
    expect(page.get_by_role("link", name="Télécharger l'archive (ZIP)")).to_be_visible()
    assert len(started) >= 1 and len(set(started)) == 1, started
    app.check(page, "gestionnaire-export", shot=False)


TREE_CSV = ("node_id;kind;parent_id;label;commune\n"
            "LYON;site;;Résidence Les Tilleuls;69383\n"
            "LYON-BAT-B;building;LYON;Bâtiment B;\n"
            "LYON-BAT-B-LOG-3;dwelling;LYON-BAT-B;Logement 3;\n")
CATALOGUE_HEADER = "code;label;unit;unit_price;vat_rate\n"


def csv_file(name: str, text: str) -> dict:
    """A CSV as a spreadsheet saves it « CSV UTF-8 »: with its BOM."""
    return {"name": name, "mimeType": "text/csv", "buffer": ("\ufeff" + text).encode()}


def test_manager_imports_its_tree_and_a_catalogue_from_files_and_attaches_an_orphan(app, platform, clean_firestore):
    """A7 property tree, A14 service-code catalogue: a manager without an integrator loads its tree and its contract's
    catalogue from files, a bad line is refused at its line with nothing recorded, and an order received on a site the
    tree does not hold is attached with « Rattacher »."""
    name_parties(clean_firestore)
    manager = Erp(platform, "manager", "mgr-test")
    # an order received through receive_order on a site its tree will not hold: an orphan once the tree is in force
    assert manager.post("receive_order", issue_order_body("BC-IMP-1", title="Fuite logement 12")).status_code == 201
    for order_id in ("BC-IMP-3", "BC-IMP-4"):  # two more, attached at once with « Rattacher la sélection »
        assert manager.post("receive_order", issue_order_body(order_id, site={"node_id": "ANCIEN-LOG"})
                            ).status_code == 201
    page = app.sign_in("manager")

    # The tree, from « Patrimoine »: the template offered, the file's lines shown, sent once however often clicked
    page.get_by_role("link", name="Patrimoine").click()
    tree_form = page.get_by_role("form", name="Importer le patrimoine")
    with page.expect_download() as download:
        tree_form.get_by_role("link", name="Télécharger le modèle (modele-patrimoine.csv)").click()
    template = download.value.path().read_text(encoding="utf-8-sig")
    assert template.splitlines()[0] == "node_id;kind;parent_id;label;commune", template
    expect(tree_form.locator(".file-proxy")).to_have_text("Choisir un fichier CSV ou JSONAucun fichier choisi")
    tree_form.get_by_label("Fichier (CSV ou JSON)").set_input_files(csv_file("patrimoine.csv", TREE_CSV))
    expect(tree_form.locator(".file-name")).to_have_text("patrimoine.csv")  # the app's one French file picker
    expect(tree_form.get_by_role("table", name="Aperçu du fichier").locator("tbody tr")).to_have_count(3)
    imported = sent_keys(page, "import_property_tree")
    tree_form.get_by_role("button", name="Importer le patrimoine").dblclick()
    expect(page.get_by_role("status")).to_contain_text(
        "Patrimoine importé : 3 éléments dans le fichier — 3 créés, 0 modifié, 0 inchangé ; 0 retiré.")
    assert len(imported) >= 1 and len(set(imported)) == 1, imported
    # the coverage screen shows the tree in force, and the order on a site it does not hold as an orphan
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Arbre du patrimoine importéoui")
    expect(facts).to_contain_text("Éléments du patrimoine3")
    expect(page.get_by_role("table", name="Orphelins").locator("tr[data-item='BC-IMP-1']")).to_be_visible()

    # A catalogue with one bad line: refused at that line and column, nothing recorded; then corrected
    page.get_by_role("link", name="Marchés").click()
    page.get_by_role("link", name="AC-2026-017").click()
    cat_form = page.get_by_role("form", name="Importer une nouvelle version du catalogue")
    cat_form.get_by_label("Fichier (CSV ou JSON)").set_input_files(csv_file("bordereau.csv", CATALOGUE_HEADER
        + "PLB-010;Recherche de fuite;U;85,00;10\nPLB-024;Remplacement siphon;U;quarante;10\n"))
    sent = sent_keys(page, "import_catalogue")
    # (one click: a refusal is the content's answer, so a second click once it came is a new request — a double
    # click's second click lands before it or after it, by a few milliseconds: the tree's double click above is the
    # deterministic check of « once however often clicked »)
    cat_form.get_by_role("button", name="Importer le catalogue").click()
    refused = cat_form.get_by_role("table", name="Lignes refusées").locator("tr[data-line='3']")
    expect(refused).to_contain_text("Prix unitaire HT (€) : Format invalide : montant en euros attendu, ex. 85,00.")
    expect(refused.locator("td.invalid")).to_have_text("quarante")
    expect(cat_form.locator(".form-errors")).to_contain_text("1 ligne refusée (voir ci-dessous). Rien n'a été enregistré")
    expect(cat_form.locator(".form-errors")).to_be_focused()  # an error that names no field takes the focus
    expect(page.get_by_role("table", name="Versions du catalogue")).to_contain_text("Aucune version importée.")
    app.check(page, "gestionnaire-import-catalogue")
    assert len(sent) >= 1 and len(set(sent)) == 1, sent
    cat_form.get_by_label("Fichier (CSV ou JSON)").set_input_files(csv_file("bordereau.csv", CATALOGUE_HEADER
        + "PLB-010;Recherche de fuite;U;85,00;10\nPLB-024;Remplacement siphon;U;42,00;10\n"))
    cat_form.get_by_role("button", name="Importer le catalogue").click()
    expect(page.locator("#catalogue-imported")).to_contain_text(
        "Version 1 du catalogue importée, applicable à partir du "
        f"{fr(paris_today())} : 2 codes — 2 créés, 0 modifié, 0 inchangé.")
    expect(page.get_by_role("table", name="Prestations")).to_contain_text("Remplacement siphon")
    assert len(set(sent)) == 2, sent  # the corrected file: a new request, the refused one recorded nothing

    # « Rattacher »: the orphan put on a node of the imported tree stops being one
    page.get_by_role("link", name="Patrimoine").click()
    page.get_by_role("button", name="Rattacher la commande BC-IMP-1").click()
    # each element named short for a phone — itself, then its parent — (A7 property tree), and once chosen written
    # whole under the field with its ancestors' labels, its kind in the import's French words, read with it
    picker = page.get_by_label("Élément du patrimoine")
    expect(picker.locator("option[value='LYON-BAT-B-LOG-3']")).to_have_text("Logement 3 — Bâtiment B")
    picker.select_option("LYON-BAT-B-LOG-3")
    expect(picker).to_have_accessible_description(re.compile(
        "Élément choisi : Résidence Les Tilleuls › Bâtiment B › Logement 3 — LYON-BAT-B-LOG-3 \\(logement, 69383\\)"))
    page.get_by_role("form", name="Rattacher la commande BC-IMP-1").get_by_role("button", name="Rattacher").click()
    page.get_by_role("button", name="Confirmer le rattachement").click()
    expect(page.get_by_role("status")).to_contain_text("Commande BC-IMP-1 rattachée à « LYON-BAT-B-LOG-3 »")
    expect(page.get_by_role("table", name="Orphelins").locator("tr[data-item='BC-IMP-1']")).to_have_count(0)
    # « Rattacher la sélection »: the other orphans, all checked at once, to one element, then a French summary
    selection = page.get_by_role("form", name="Rattacher la sélection")
    attached = sent_keys(page, "attach_order_node")
    selection.get_by_role("button", name="Rattacher la sélection").click()
    expect(selection).to_contain_text("Choisissez une valeur dans la liste.")  # no element chosen
    selection.get_by_label("Élément pour la sélection").select_option("LYON-BAT-B-LOG-3")
    selection.get_by_role("button", name="Rattacher la sélection").click()
    expect(selection).to_contain_text("Cochez au moins une commande.")
    selection.get_by_label("Tout sélectionner").check()
    expect(page.get_by_label("Sélectionner la commande BC-IMP-3")).to_be_checked()
    expect(selection).to_contain_text("2 commandes sélectionnées")
    page.get_by_label("Sélectionner la commande BC-IMP-4").uncheck()
    expect(selection.get_by_label("Tout sélectionner")).not_to_be_checked()
    selection.get_by_label("Tout sélectionner").check()
    selection.get_by_role("button", name="Rattacher la sélection").click()
    expect(selection.get_by_role("group", name="Confirmer le rattachement de la sélection")).to_contain_text(
        "Rattacher ces 2 commandes à Résidence Les Tilleuls › Bâtiment B › Logement 3")
    selection.get_by_role("button", name="Confirmer le rattachement de la sélection").dblclick()
    expect(page.get_by_role("status")).to_contain_text("2 commandes rattachées à « LYON-BAT-B-LOG-3 ».")
    assert len(attached) >= 1 and len(set(attached)) == 1, attached  # one request, however often clicked
    expect(page.get_by_role("table", name="Orphelins")).to_contain_text("Aucun orphelin : tout est rattaché.")
    expect(page.locator("meter")).to_have_attribute("value", "100")
    expect(page.locator(".meter-line")).to_contain_text("100 % rattachés à un élément en vigueur")
    app.check(page, "gestionnaire-import-patrimoine", shot=False)

    # The dashboard's « Site » filter (A7, A11): the tree's sites by label; the attached order is found under its site
    # (its path kept by « Rattacher »), and an order sent naming its dwelling only shows the tree's label
    assert manager.post("receive_order", issue_order_body("BC-IMP-2", site={"node_id": "LYON-BAT-B-LOG-3"})
                        ).status_code == 201
    page.get_by_role("link", name="Tableau de bord").click()
    site = page.get_by_label("Site", exact=True)
    expect(site.locator("option")).to_have_text(["Tous les sites", "Résidence Les Tilleuls — LYON"])
    with page.expect_request(lambda r: "node_id=LYON" in r.url):
        site.select_option(label="Résidence Les Tilleuls — LYON")
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[data-order]")).to_have_count(4)  # BC-IMP-1 to 4
    # the search (« Référence ou objet ») keeps the site: a word of the title, any case, no accent — the rows found said
    with page.expect_request(lambda r: "node_id=LYON&" in r.url and "q=%C3%89VIER" in r.url):
        page.get_by_label("Référence ou objet").fill(" ÉVIER ")
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[data-order]")).to_have_count(3)  # « Fuite sous évier — logement 12 »: BC-IMP-2 to 4
    expect(page.locator("#announcer")).to_have_text("3 commandes trouvées pour « ÉVIER ».")
    # and the start of a reference as typed from a paper order: lower case, spaces
    with page.expect_request(lambda r: "node_id=LYON&" in r.url and "q=bc-imp-2" in r.url):
        page.get_by_label("Référence ou objet").fill("  bc-imp-2 ")
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[data-order]")).to_have_count(1)
    expect(page.locator("#announcer")).to_have_text("1 commande trouvée pour « bc-imp-2 ».")
    page.get_by_role("link", name="BC-IMP-2").click()
    expect(page.locator("main")).to_contain_text("Logement 3")

    # A list longer than a page: « Page suivante » and « Première page » say the page shown (the announcer)
    for n in range(25):
        assert manager.post("receive_order", issue_order_body(f"BC-PAGE-{n:02}", site={"node_id": "LYON-BAT-B-LOG-3"})
                            ).status_code == 201
    page.get_by_role("link", name="Tableau de bord").click()
    page.get_by_label("Référence ou objet").fill("")
    page.get_by_label("Site", exact=True).select_option("")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[data-order]")).to_have_count(25)
    page.get_by_role("button", name="Page suivante").click()
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^Page 2 : \d+ commandes?\.$"))
    page.get_by_role("button", name="Première page").click()
    expect(page.locator("#announcer")).to_have_text("Page 1 : 25 commandes.")

    # The contractor reads the catalogue but is offered no import (the platform refuses it anyway: 403)
    contractor_page = app.sign_in("contractor")
    contractor_page.goto(app.base + "/#/contracts/mgr-test/AC-2026-017")
    expect(contractor_page.get_by_role("table", name="Prestations")).to_contain_text("Remplacement siphon")
    expect(contractor_page.get_by_role("form", name="Importer une nouvelle version du catalogue")).to_have_count(0)
    expect(contractor_page.get_by_role("link", name="Patrimoine")).to_have_count(0)


def test_contractor_executes_through_the_moves_allowed_now_and_answers_a_quote(app, platform, clean_firestore):
    name_parties(clean_firestore)
    manager = Erp(platform, "manager", "mgr-test")
    assert manager.post("receive_order", issue_order_body("BC-C1")).status_code == 201
    catalogue(platform, manager)
    assert manager.post("request_quote", {"quote_id": "DV-C1", "contract_id": "AC-2026-017", "contractor_id": "ctr-test",
                                          "title": "Recherche de fuite", "site": {"node_id": "LYON-BAT-A"}}
                        ).status_code == 201
    page = app.sign_in("contractor")
    expect(page.get_by_role("heading", name="Mes commandes")).to_be_visible()
    # A11 real-time view: « Mes commandes » follows watch_orders too, so the manager's new order, then its
    # cancellation, show in seconds without a reload, well before the 15 s poll it falls back to
    expect(page.locator("p.status[data-live='live']")).to_contain_text("en direct", timeout=15000)
    app.check(page, "prestataire-commandes")
    issued = manager.post("receive_order", issue_order_body("BC-C2", title="Fuite BC-C2", lines=LINES))
    assert issued.status_code == 201, issued.text  # priced by the catalogue now in force
    expect(page.locator("tr[data-order='BC-C2']")).to_be_visible(timeout=5000)
    cancel = {"order_id": "BC-C2", "state": "cancelled", "reason": "Doublon",
              "occurred_at": dt.datetime.now(dt.UTC).isoformat()}
    assert manager.post("change_order_state", cancel).status_code == 200
    expect(page.locator("tr[data-order='BC-C2'] .state")).to_have_text("annulé", timeout=5000)
    expect(page.locator("tr[data-order='BC-C2']")).to_have_class(re.compile("changed"))
    # Parties by name: its client by name, the id as secondary text, and its client filter a picker of its clients
    expect(page.locator("tr[data-order='BC-C1'] td.party .party-name")).to_have_text("Rhône Habitat Essai")
    expect(page.locator("tr[data-order='BC-C1'] td.party .party-name")).to_have_attribute("title", "Identifiant : mgr-test")
    expect(page.get_by_label("Gestionnaire", exact=True).locator("option")).to_have_text(
        ["Tous les gestionnaires", "Rhône Habitat Essai"])
    # A7, A11: once it chooses a client, a « Site » filter among that client's sites (list_property_nodes kind=site)
    assert manager.post("import_property_tree", {"nodes": [
        {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls"},
        {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON", "label": "Bâtiment A"},
        {"node_id": "LYON-BAT-A-LOG-12", "kind": "dwelling", "parent_id": "LYON-BAT-A", "label": "Logement 12"}]}
    ).status_code == 201
    expect(page.get_by_label("Site", exact=True)).to_have_count(0)
    page.get_by_label("Gestionnaire", exact=True).select_option("mgr-test")
    expect(page.get_by_label("Site", exact=True).locator("option")).to_have_text(
        ["Tous les sites", "Résidence Les Tilleuls — LYON"])
    page.get_by_role("link", name="BC-C1").click()
    expect(page.locator(".facts")).to_contain_text("Rhône Habitat Essai")
    expect(page.locator(".facts")).not_to_contain_text("(mgr-test)")

    # Only the moves of a new order, and acknowledging asks for nothing but the event
    moves = page.get_by_role("group", name="Actions possibles").get_by_role("button")
    expect(moves).to_have_text(["Signaler un événement", "Passer à « pris en compte »", "Passer à « non réalisable »"])
    # keyboard only: the move chosen with Enter opens its form, focused on its first field; Enter in it sends it
    page.get_by_role("button", name="Passer à « pris en compte »").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#execution input, #execution textarea")).to_have_count(2)
    expect(page.locator("#execution input").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Actions possibles")).to_contain_text("Passer à « planifié »")
    # the screen drawn again (its button gone, the focus on the heading), then the answer said (RGAA 7.5)
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Accepté : la commande est à l'état « pris en compte ».")

    # Scheduling asks for planned dates or an appointment; the platform refuses it without them
    page.get_by_role("button", name="Passer à « planifié »").click()
    expect(page.get_by_label("Début prévu")).to_be_visible()
    expect(page.get_by_label("Début réel")).to_have_count(0)
    page.get_by_role("button", name="Envoyer").click()
    # — in French, without the API's field names
    expect(field_error(page, "Début prévu")).to_contain_text("exige des dates de début et de fin prévues ou un rendez-vous")
    expect(field_error(page, "Début prévu")).not_to_contain_text("planned_start")
    expect(page.get_by_label("Début prévu")).to_be_focused()
    app.check(page, "prestataire-planification-refusee")
    # a date in the browser's format is refused before sending, then French dates are accepted
    page.get_by_label("Début prévu").fill("12/31/2026 08:00")
    page.get_by_role("button", name="Envoyer").click()
    expect(field_error(page, "Début prévu")).to_contain_text("jj/mm/aaaa")
    start = dt.date.today() + dt.timedelta(days=3)
    page.get_by_label("Début prévu").fill(f"{fr(start)} 08:00")
    page.get_by_label("Fin prévue").fill(f"{fr(start)} 17:30")
    # A6: the site lead is named when planning; a mobile that is not a French mobile is refused next to its field
    page.get_by_label("Pilote : nom").fill("Martin")
    page.get_by_label("Pilote : prénom").fill("Léa")
    page.get_by_label("Pilote : téléphone mobile").fill("01 23 45 67 89")
    page.get_by_role("button", name="Envoyer").click()
    expect(field_error(page, "Pilote : téléphone mobile")).to_contain_text("mobile")
    page.get_by_label("Pilote : téléphone mobile").fill("06 12 34 56 78")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".facts")).to_contain_text("planifié")
    expect(page.locator(".facts")).to_contain_text("Léa Martin — 06 12 34 56 78")
    expect(page.locator(".facts")).to_contain_text(f"Prévu {start.strftime('%d/%m/%Y')} 08:00")
    app.check(page, "prestataire-commande")
    # A PDF upload sent without its file is told in French next to it (not the English browser's bubble)
    page.get_by_role("button", name="Déposer").click()
    expect(page.locator("#upload-file-error")).to_have_text("Choisissez le fichier à déposer.")
    expect(page.locator("#upload-file")).to_have_attribute("aria-invalid", "true")
    # its picker speaks French whatever the browser's language: a French button, the file chosen or none beside it;
    # the input itself keeps the keyboard's focus and its label, and tells the choice to a screen reader
    upload = page.locator("#upload")
    expect(upload.locator(".file-proxy")).to_have_text("Choisir un fichier PDFAucun fichier choisi")
    expect(page.locator("#upload-file")).to_be_focused()  # the refusal put the focus on it
    picked = page.get_by_label("Fichier PDF (5 Mio au plus)")
    expect(picked).to_have_accessible_description(re.compile("^Aucun fichier choisi"))
    picked.set_input_files({"name": "rapport-BC-1.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    expect(upload.locator(".file-name")).to_have_text("rapport-BC-1.pdf")
    expect(picked).to_have_accessible_description(re.compile("^rapport-BC-1.pdf"))
    picked.set_input_files([])
    expect(upload.locator(".file-name")).to_have_text("Aucun fichier choisi")

    # A6 done / not done per line, for a contractor without an ERP: L1 réalisée, L2 non réalisée with its comment, in
    # one declaration (submit_execution); a double click records it once — one event, one sequence
    contractor = Erp(platform, "contractor", "ctr-test")
    line = lambda line_id: page.locator(f"#line-statuses fieldset.line[data-line='{line_id}'] .line-status strong")  # noqa: E731
    expect(line("L1")).to_have_text("non renseignée")
    before = contractor.get_order("BC-C1", manager_id="mgr-test").json()["order"]["last_sequence"]
    page.get_by_role("button", name="Enregistrer l'état des lignes").click()  # nothing chosen: said, nothing sent
    expect(page.locator("#line-statuses-error")).to_contain_text("Aucune ligne modifiée")
    # A11: an event begun in « Déclarer l'exécution » meanwhile is not drawn over by the lines' answer, which draws
    # the screen again: kept as typed, and sent afterwards with the order's next sequence (the lines took the one before)
    page.get_by_role("button", name="Signaler un événement").click()
    page.get_by_label("Libellé de l'événement").fill("Passage du technicien")
    page.get_by_label("État de la ligne L1").select_option("done")
    page.get_by_label("État de la ligne L2").select_option("not_done")
    page.get_by_label("Commentaire sur la ligne L2").fill("Siphon d'origine conservé : pièce non livrée")
    page.get_by_role("button", name="Enregistrer l'état des lignes").dblclick()
    expect(line("L1")).to_have_text("réalisée")
    expect(page.get_by_label("Libellé de l'événement")).to_have_value("Passage du technicien")
    expect(line("L2")).to_have_text("non réalisée")
    expect(page.locator("#line-statuses fieldset.line[data-line='L2'] .line-status")).to_contain_text(
        "Siphon d'origine conservé")
    history = page.get_by_role("table", name="Historique").locator("tbody tr")
    expect(history.filter(has_text="Lignes déclarées : L1 réalisée, L2 non réalisée")).to_have_count(1)
    app.check(page, "prestataire-lignes", shot=False)
    saved = contractor.get_order("BC-C1", manager_id="mgr-test").json()
    assert saved["order"]["line_status"] == {"L1": True, "L2": False}
    assert saved["order"]["last_sequence"] == before + 1
    assert [e["report"]["line_statuses"] for e in saved["events"] if (e.get("report") or {}).get("line_statuses")] == [
        [{"line_id": "L1", "done": True}, {"line_id": "L2", "done": False,
                                           "comment": "Siphon d'origine conservé : pièce non livrée"}]]
    page.get_by_role("button", name="Envoyer").click()
    expect(history.filter(has_text="Passage du technicien")).to_have_count(1)
    assert contractor.get_order("BC-C1", manager_id="mgr-test").json()["order"]["last_sequence"] == before + 2

    # The manager reads each line's status on its order, read only, with when and why
    desk = app.sign_in("manager")
    # keyboard only: the order's link reached with Tab and followed with Enter; the new screen's heading gets the focus
    # and names the page (RGAA 12.6, 8.6)
    expect(desk.get_by_role("link", name="BC-C1")).to_be_visible()  # the list read
    desk.get_by_role("heading", level=1).focus()
    for _ in range(20):
        desk.keyboard.press("Tab")
        if desk.evaluate("() => document.activeElement.textContent") == "BC-C1":
            break
    else:
        raise AssertionError("the order's link is not reached with Tab from the heading")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", level=1)).to_be_focused()
    expect(desk).to_have_title(re.compile(r"^BC-C1 — .* — Passerelle$"))
    received = desk.get_by_role("table", name="Réception des lignes")
    expect(received.locator("tr[data-line='L1'] td[data-status]")).to_contain_text("réalisée")
    expect(received.locator("tr[data-line='L2'] td[data-status]")).to_contain_text("non réalisée")
    expect(received.locator("tr[data-line='L2'] td[data-status]")).to_contain_text(re.compile(
        r"le \d\d/\d\d/\d{4} \d\d:\d\d — Siphon d'origine conservé : pièce non livrée"))
    expect(desk.get_by_label("État de la ligne L1")).to_have_count(0)
    expect(desk.locator("#line-statuses")).to_have_count(0)

    # A state that forbids it: the contractor is choosing when the manager cancels the order — the screen does not
    # redraw under its hand (« Actualiser » instead), and its declaration is refused next to the lines, in French
    page.get_by_label("État de la ligne L2").select_option("done")
    cancel = {"order_id": "BC-C1", "state": "cancelled", "reason": "Travaux repris par la régie",
              "occurred_at": dt.datetime.now(dt.UTC).isoformat()}
    assert manager.post("change_order_state", cancel).status_code == 200
    expect(page.locator("#order-changed")).to_be_visible(timeout=20000)
    # said once through the page's live region, the focus left in the form (RGAA 7.5)
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^Cette commande vient de changer\."))
    expect(page.get_by_label("État de la ligne L2")).to_have_value("done")
    page.get_by_role("button", name="Enregistrer l'état des lignes").click()
    expect(page.locator("#line-statuses-error")).to_contain_text("« annulé » : plus aucune mise à jour")
    assert contractor.get_order("BC-C1", manager_id="mgr-test").json()["order"]["line_status"] == {"L1": True,
                                                                                                  "L2": False}
    # once read again, a final order's lines are shown, no longer offered
    page.get_by_role("button", name="Actualiser").click()
    expect(page.locator("#line-statuses")).to_contain_text("l'état de ses lignes ne change plus")
    expect(page.get_by_label("État de la ligne L2")).to_have_count(0)

    # Quote: a price outside the catalogue is refused on its line, the catalogue price accepted
    page.get_by_role("link", name="Devis", exact=True).click()
    # found by its reference as typed from paper (A2 quotes, A11 lists): lower case, spaces around it; said
    with page.expect_request(lambda r: "quote_id=dv-c1" in r.url):
        page.get_by_label("Référence", exact=True).fill(" dv-c1 ")
        page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("tr[data-quote]")).to_have_count(1)
    expect(page.locator("#announcer")).to_have_text("Page 1 : 1 devis.")
    expect(page.locator("tr[data-quote='DV-C1'] td.party")).to_contain_text("Rhône Habitat Essai")
    page.get_by_role("link", name="DV-C1").click()
    expect(page.locator(".facts")).to_contain_text("Plomberie Essai")
    expect(page.locator(".facts")).not_to_contain_text("(ctr-test)")  # its id in no fact: its name alone
    expect(page.get_by_label("Ligne 1 : unité")).to_have_value("U")  # a quote of no mission: in units
    page.get_by_label("Ligne 1 : code").fill("PLB-010")
    page.get_by_label("Ligne 1 : libellé").fill("Recherche de fuite")
    page.get_by_label("Ligne 1 : quantité").fill("1")
    page.get_by_label("Ligne 1 : prix unitaire HT (€)").fill("99")
    page.get_by_label("Valable jusqu'au").fill(fr(dt.date.today() + dt.timedelta(days=30)))
    page.get_by_role("button", name="Remettre le devis").click()
    expect(field_error(page, "Ligne 1 : prix unitaire HT (€)")).not_to_be_empty()
    app.check(page, "prestataire-devis")
    page.get_by_label("Ligne 1 : prix unitaire HT (€)").fill("85,00")
    page.get_by_role("button", name="Remettre le devis").click()
    expect(page.locator(".facts")).to_contain_text("remis")
    expect(page.get_by_role("heading", name="Réviser le devis (nouvelle version)")).to_be_visible()

    # A quote nobody asked for (A2.4): raised from the quotes screen, submitted at once in version 1
    assert manager.post("receive_order", issue_order_body("BC-C3", title="Robinet BC-C3", lines=LINES,
                                                          site={"node_id": "LYON-BAT-A"})).status_code == 201
    page.get_by_role("link", name="Devis", exact=True).click()
    page.get_by_role("link", name="Proposer un devis").click()
    # the client is picked among the spaces of its contracts (all a manager's here: the field says « Gestionnaire »)
    # — its only client picked already, with its only contract there: nothing to choose
    client = page.get_by_label("Gestionnaire", exact=True)
    expect(client.locator("option[value='mgr-test']")).to_have_text("Rhône Habitat Essai")  # the field says the role
    expect(client).to_have_value("mgr-test")
    expect(page.get_by_label("Marché", exact=True)).to_have_value("AC-2026-017")
    expect(page.get_by_label("Ligne 1 : unité")).to_have_value("U")  # a manager's works: in units
    # A7: the node of the client's property tree: the client's sites within the perimeter of its contracts (one none of
    # its orders names included) and the nodes of its orders with that client are offered by name, and the name typed
    # (any case) is taken for its node, its label filled
    node = page.get_by_label("Élément de patrimoine (identifiant)")
    expect(page.locator(f"#{node.get_attribute('list')} option[value='LYON']")).to_have_attribute(
        "label", "Résidence Les Tilleuls")
    expect(page.locator(f"#{node.get_attribute('list')} option[value='LYON-BAT-A-LOG-12']")).to_have_attribute(
        "label", "Bâtiment A, logement 12")
    node.fill(" bâtiment a, logement 12 ")
    node.press("Tab")
    expect(node).to_have_value("LYON-BAT-A-LOG-12")
    expect(page.get_by_label("Libellé du site")).to_have_value("Bâtiment A, logement 12")
    # « Commande complétée »: its orders with that client suggested with their title, the cancelled ones not
    orders = page.locator(f"#{page.get_by_label('Commande complétée (travaux complémentaires)').get_attribute('list')}")
    expect(orders.locator("option[value='BC-C3']")).to_have_attribute("label", "Robinet BC-C3")
    expect(orders.locator("option[value='BC-C1'], option[value='BC-C2']")).to_have_count(0)
    # an open order the first page read does not hold (issued since) is found by the start of its reference as typed,
    # any case (list_orders q=)
    assert manager.post("receive_order", issue_order_body("BC-C4", title="Vanne BC-C4", lines=LINES,
                                                          site={"node_id": "LYON-BAT-A"})).status_code == 201
    expect(orders.locator("option[value='BC-C4']")).to_have_count(0)
    completed = page.get_by_label("Commande complétée (travaux complémentaires)")
    with page.expect_request(lambda r: "q=bc-c4" in r.url):
        completed.fill(" bc-c4 ")
    expect(orders.locator("option[value='BC-C4']")).to_have_attribute("label", "Vanne BC-C4")
    completed.press("Tab")
    expect(completed).to_have_value("BC-C4")
    # or by a word of its title (« Proposer un devis » A2.4: a contractor across clients remembers what, not which)
    assert manager.post("receive_order", issue_order_body("BC-C5", title="Clapet anti-retour", lines=LINES,
                                                          site={"node_id": "LYON-BAT-A"})).status_code == 201
    with page.expect_request(lambda r: "q=clapet" in r.url):
        completed.fill("clapet")
    expect(orders.locator("option[value='BC-C5']")).to_have_attribute("label", "Clapet anti-retour")
    completed.fill("")  # a spontaneous quote after all
    fill_raised_quote(page, "DV-C2", "Remplacement du robinet d'arrêt", ("PLB-010", "Recherche de fuite", "85,00"))
    app.check(page, "prestataire-devis-propose", shot=False)
    page.get_by_role("button", name="Proposer le devis").click()
    expect(page.get_by_role("heading", name=re.compile("^Devis DV-C2"))).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Bâtiment A, logement 12")
    expect(page.locator(".facts")).to_contain_text("proposé par le prestataire")
    expect(page.locator(".facts")).to_contain_text("remis")

    # Penalties: its own statement
    # — its only client chosen already and the month's statement shown, nothing typed
    page.get_by_role("link", name="Pénalités").click()
    expect(page.get_by_label("Gestionnaire", exact=True)).to_have_value("mgr-test")
    expect(page.get_by_role("heading", name=re.compile(r"Relevé .* — Plomberie Essai$"))).to_be_visible()
    app.check(page, "prestataire-penalites")
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^Relevé .* affiché ci-dessous\.$"))
    # the next screen does not keep the sentence, to be found at its end by a screen reader's reading cursor
    page.get_by_role("link", name="Marchés").click()
    expect(page.get_by_role("heading", name="Mes marchés", level=1)).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("")


def register_pool(platform) -> None:
    operator = Erp(platform, "operator", "platform")
    assert operator.post("register_beneficiary", seed.BENEFICIARY).status_code in (200, 201)
    pool = "\n".join(__import__("json").dumps(p, ensure_ascii=False) for p in seed.demo_professionals(dt.date.today()))
    r = operator.post("import_professionals", None, raw=pool.encode(), headers={"Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.text


def wait_scored(platform, beneficiary: Erp, need_id: str, timeout: float = 30) -> None:
    """score_candidates ranks a need through Pub/Sub a moment after it is submitted."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = requests.get(platform.url("get_sourcing") + "/", params={"view": "need", "need_id": need_id}, timeout=30,
                         headers={"Authorization": f"Bearer {beneficiary.token}"})
        if r.status_code == 200 and r.json()["status"] == "scored":
            return
        time.sleep(0.3)
    raise TimeoutError(f"{need_id} not scored")


# B12: a professional equivalent to Anne Lefèvre (category, level, service type, same rates), free all year
RELAY = {**seed.demo_professionals(dt.date.today())[0], "professional_id": "pro-web-relais", "name": "Gaëlle Morin"}


# B16: a quote of the journey's mission names it by its title (its order's), its id in parentheses
MISSION_NAMED = "Mission : Recette fonctionnelle du portail usagers (BES-WEB-1-mission)"
# after a « Mission » label or under a « Mission » column, its title says « Mission » no second time
MISSION_LABELLED = "Recette fonctionnelle du portail usagers (BES-WEB-1-mission)"
DRAFTS = "() => Object.keys(sessionStorage).filter((k) => k.startsWith('passerelle-draft:'))"


def test_beneficiary_submits_a_need_reads_the_ranking_accepts_frames_and_follows_its_mission(app, platform):
    register_pool(platform)
    relay = Erp(platform, "operator", "platform").post(
        "import_professionals", None, raw=__import__("json").dumps(RELAY, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/x-ndjson"})
    assert relay.status_code == 200, relay.text
    page = app.sign_in("beneficiary")
    expect(page.get_by_role("heading", name="Mes besoins")).to_be_visible()
    page.get_by_role("link", name="Nouveau besoin", exact=True).click()
    start = dt.date.today() + dt.timedelta(days=30)
    page.get_by_label("Référence du besoin").fill("BES-WEB-1")
    page.get_by_label("Intitulé").fill("Recette fonctionnelle du portail usagers")
    page.get_by_label("Description de la prestation").fill("Conduire la recette fonctionnelle et vérifier le RGAA.")
    page.get_by_label("Compétences attendues (une par ligne)").fill("recette\nRGAA")
    page.get_by_label("Début", exact=True).fill("31/02/2026")  # no such day: refused next to the field
    page.get_by_label("Fin", exact=True).fill(fr(start + dt.timedelta(days=90)))
    page.get_by_label("Durée (jours travaillés)").fill("40")
    page.get_by_label("Plafond du TJM (€ HT)").fill("700")
    page.get_by_role("button", name="Soumettre le besoin").click()
    expect(field_error(page, "Début")).to_contain_text("jj/mm/aaaa")
    app.check(page, "beneficiaire-nouveau-besoin")
    page.get_by_label("Début", exact=True).fill(fr(start))
    need_keys = sent_keys(page, "submit_need")
    page.get_by_role("button", name="Soumettre le besoin").dblclick()  # a double click submits it once

    # The ranking with the reasons of each score, then a professional's full record
    ranking = page.get_by_role("table", name="Professionnels classés")
    expect(ranking.locator("tr[data-professional]").first).to_be_visible(timeout=30000)
    assert len(set(need_keys)) == 1, need_keys  # one request (or the same one again), never a second submission
    expect(ranking).to_contain_text("Anne Lefèvre")
    # B3: the reasons name the need's own words and phrases as it wrote them, never the index's lower-case stems
    anne = ranking.locator("tr[data-professional]", has_text="Anne Lefèvre")
    expect(anne).to_contain_text(re.compile(r"compétences en rapport : Recette fonctionnelle\b[^;]*\bRGAA\b"))
    expect(anne).not_to_contain_text(re.compile(r"\brgaa\b|\brecet\b"))
    # each candidate's criteria by their weight in the ranking, the highest first, weight shown
    expect(ranking.locator("tr[data-professional] .criteria").first).to_contain_text(
        re.compile(r"^adéquation du texte \d+\s%\s\(poids\s30\s%\) · disponibilité \d+\s%\s\(poids\s15\s%\) · "))
    # D4: what happens next to a ranked need, by when
    expect(page.locator("#need-next-step")).to_contain_text("L'opérateur vous propose des professionnels parmi ces "
                                                            "résultats au plus tard le ")
    app.check(page, "beneficiaire-classement")
    ranking.get_by_role("link", name="Anne Lefèvre").click()
    expect(page.get_by_role("heading", name="Fiche d'Anne Lefèvre")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Auvergne-Rhône-Alpes (84)")  # the region named, not its code
    for section in ("Formation", "Certifications", "Références", "Avis"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("680,00")
    app.check(page, "beneficiaire-fiche-professionnel")

    # The operator proposes while the beneficiary is on its need: the proposals appear there without a reload (D4:
    # the ranked need is read again every refresh_seconds until they come); it accepts, frames the mission and follows
    # its order
    page.get_by_role("link", name="← Retour au besoin").click()
    expect(page.locator("#need-next-step")).to_be_visible()
    operator = Erp(platform, "operator", "platform")
    proposed = operator.post("propose_professionals", {"beneficiary_id": "ben-metropole-demo", "need_id": "BES-WEB-1",
                                                       "version": 1, "proposals": [{"professional_id": "pro-demo-1",
                                                       "guaranteed_until": (dt.date.today() + dt.timedelta(days=10)).isoformat()}]})
    assert proposed.status_code == 200, proposed.text
    expect(page.get_by_role("button", name="Accepter Anne Lefèvre")).to_be_visible(timeout=25000)
    # while proposed, what to do is said; once accepted, who was retained and what comes next (B10, B13)
    expect(page.locator("#need-next-step")).to_contain_text("Choisissez un professionnel ci-dessous (Accepter)")
    page.get_by_role("button", name="Accepter Anne Lefèvre").click()
    expect(page.locator("#need-next-step")).to_have_text(
        "Vous avez retenu Anne Lefèvre. Étape suivante : cadrez la mission (dates, jalons et livrables) ; sa commande "
        "est alors émise au titulaire de l'accord-cadre.")
    page.get_by_role("link", name="Cadrer la mission").click()
    # the framing names what is framed: the need and the professional retained, at its daily rate
    expect(page.locator(".facts")).to_contain_text("Recette fonctionnelle du portail usagers")
    expect(page.locator(".facts")).to_contain_text("Anne Lefèvre")
    expect(page.locator(".facts")).to_contain_text("680,00")
    app.check(page, "beneficiaire-cadrage", shot=False)
    # B13 conflict of interest: this beneficiary must sign the declaration, said before anything is sent
    expect(page.get_by_label("Déclaration d'absence de conflit d'intérêts : signée par")).to_have_attribute(
        "required", "")
    expect(page.get_by_text("Obligatoire pour votre organisme")).to_be_visible()
    # the need's dates and deliverables come prefilled; a required field left empty is told in French next to it,
    # not in the browser's own bubble and language (this context is en-US)
    expect(page.get_by_label("Début", exact=True)).to_have_value(fr(start))
    expect(page.get_by_label("Fin", exact=True)).to_have_value(fr(start + dt.timedelta(days=90)))
    page.get_by_label("Début", exact=True).fill("")
    page.get_by_role("button", name="Cadrer la mission et émettre la commande").click()
    expect(field_error(page, "Début")).to_have_text("Ce champ est obligatoire.")
    expect(page.get_by_label("Début", exact=True)).to_be_focused()
    expect(page.get_by_label("Début", exact=True)).to_have_attribute("aria-invalid", "true")
    # a milestone without its days is named before anything is sent
    page.get_by_label("Début", exact=True).fill(fr(start))
    expect(field_error(page, "Début")).to_have_text("")
    # the required declaration left unsigned is told next to it, before anything is sent
    page.get_by_role("button", name="Cadrer la mission et émettre la commande").click()
    signer = "Déclaration d'absence de conflit d'intérêts : signée par"
    expect(field_error(page, signer)).to_have_text("Ce champ est obligatoire.")
    page.get_by_label(signer).fill("Claire Martin")
    page.get_by_label("Livrables (un par ligne)").fill("Cahier de recette\nPV de recette")
    page.get_by_label(re.compile("^Jalons")).fill(f"Cahier de recette validé ; ; {fr(start + dt.timedelta(days=20))}")
    # B11: the milestone typed gets its own deliverables box, prefilled with the mission's (the need's)
    own = page.get_by_label("Livrables du jalon 1 : Cahier de recette validé (un par ligne)")
    expect(own).to_have_value("Cahier de recette\nPV de recette")
    own.fill("Cahier de recette\n" + "x" * 201)  # refused as frame_mission refuses it, next to the box
    page.get_by_role("button", name="Cadrer la mission et émettre la commande").click()
    expect(field_error(page, re.compile("^Jalons"))).to_contain_text("Jalon 1 : nombre de jours entier d'au moins 1")
    expect(field_error(page, re.compile("^Livrables du jalon 1"))).to_contain_text(
        "Livrable trop long (200 caractères au plus, 201 saisis)")
    expect(page.get_by_text("Vérifiez les champs signalés : rien n'a été envoyé.")).to_be_visible()
    page.get_by_label("Fin", exact=True).fill(fr(start + dt.timedelta(days=60)))
    page.get_by_label("Livrables (un par ligne)").fill("Cahier de recette\nPV de recette")
    page.get_by_label(re.compile("^Jalons")).fill(f"Cahier de recette validé ; 10 ; {fr(start + dt.timedelta(days=20))}")
    own.fill("Cahier de recette\nPlan de tests")  # the box kept through the line's change; this milestone's own
    # what was typed is kept while the tab lives, the milestone's own deliverables box too (keepDraft)
    page.reload()
    expect(page.locator("#frame-form .draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    expect(page.get_by_label("Fin", exact=True)).to_have_value(fr(start + dt.timedelta(days=60)))
    expect(page.get_by_label(signer)).to_have_value("Claire Martin")
    expect(own).to_have_value("Cahier de recette\nPlan de tests")
    page.get_by_role("button", name="Cadrer la mission et émettre la commande").click()
    # named by the need's title, not the mission's id (B11)
    expect(page.get_by_role("heading", name="Mission : Recette fonctionnelle du portail usagers", exact=True)
           ).to_be_visible(timeout=20000)
    # the professional by its name, linked to its record; the milestone's deliverables « attendu », not all accepted
    expect(page.locator(".facts").get_by_role("link", name="Anne Lefèvre")).to_be_visible()
    milestone_row = page.get_by_role("table", name="Jalons").locator("tr[data-milestone]")
    expect(milestone_row.locator(".deliverables li")).to_have_text([re.compile("^Cahier de recette — attendu"),
                                                                     re.compile("^Plan de tests — attendu")])
    expect(milestone_row.locator("td").last).to_have_text("non")
    # B11: the frais-annexes line, followed by the days on site (none reported yet)
    extra = page.locator("#extra-costs")
    expect(extra.get_by_role("heading", name="Frais annexes (suivis par les jours sur site)")).to_be_visible()
    expect(extra).to_contain_text("Jours prévus10 j")
    expect(extra).to_contain_text("Jours sur site déclarés0 j")
    app.check(page, "beneficiaire-mission")
    # B11: the need names its mission by its title, its id beside it, linked to the mission's screen
    page.goto(app.base + "/#/needs/BES-WEB-1")
    expect(page.get_by_role("link", name=MISSION_LABELLED, exact=True)).to_have_attribute(
        "href", "#/missions/BES-WEB-1-mission")
    # and says where to follow it now it is framed
    expect(page.locator("#need-next-step")).to_contain_text("La mission est cadrée et sa commande émise")
    expect(page.get_by_role("link", name="Suivre la mission")).to_have_attribute("href", "#/missions/BES-WEB-1-mission")
    expect(page.locator(".facts")).not_to_contain_text("Mission : Mission")
    page.get_by_role("link", name=MISSION_LABELLED, exact=True).click()
    expect(page.get_by_role("heading", name="Mission : Recette fonctionnelle du portail usagers", exact=True)
           ).to_be_visible()

    # B12: Anne Lefèvre leaves in five days; the beneficiary asks for her replacement from the mission's screen
    leaving = dt.date.today() + dt.timedelta(days=35)
    request = page.locator("#replacement-form")
    # an insufficiency's D6 day is the platform's (d6_preview): 10 working days on the beneficiary's calendar (69)
    request.get_by_label("Motif", exact=True).select_option("insufficiency")
    d6 = workdays.add_working_days(workdays.local_date(dt.datetime.now(dt.UTC), "69"), 10, "69")
    expect(request.locator("#replacement-hint")).to_contain_text(
        f"Remplaçant dû au plus tard le {fr(d6)} (D6) si la demande est enregistrée aujourd'hui")
    request.get_by_label("Motif", exact=True).select_option("departure")
    request.get_by_role("button", name="Demander le remplacement").click()
    expect(field_error(page, "Date du départ", request)).to_contain_text("jj/mm/aaaa")  # not sent without its date
    request.get_by_label("Date du départ").fill(fr(leaving))
    expect(request.locator("#replacement-hint")).to_contain_text(
        f"Remplaçant dû au plus tard le {fr(leaving + dt.timedelta(days=14))} (D5)")
    # B12 notice: planned and announced five days before, on this two-month mission (2 weeks of notice, at least), it is
    # said to be too short next to the departure's date before anything is sent (the mission view's `notice`)
    request.get_by_label("Départ planifié (annoncé à l'avance)").check()
    request.get_by_label("Notifié le").fill(fr(leaving - dt.timedelta(days=5)))
    expect(request.locator("#notice-warning")).to_contain_text("Préavis trop court : un départ planifié sur cette "
                                                               "mission demande un préavis de ")
    request.get_by_label("Départ planifié (annoncé à l'avance)").uncheck()
    expect(request.locator("#notice-warning")).to_be_hidden()
    request.get_by_role("button", name="Demander le remplacement").click()
    expect(page.locator("[data-replacement=requested]")).to_contain_text(
        f"Remplacement demandé (départ) : remplaçant dû le {fr(leaving + dt.timedelta(days=14))} (D5).")
    expect(page.get_by_role("table", name="Historique des remplacements")).to_contain_text("remplaçant attendu")
    expect(page.locator("#replacement-form")).to_have_count(0)
    app.check(page, "beneficiaire-remplacement-demande", shot=False)
    # The operator finds the mission among those awaiting a replacement and proposes an equivalent professional
    desk = app.sign_in("operator")
    desk.get_by_role("link", name="Remplacements").click()
    awaiting = desk.get_by_role("table", name="Missions en attente de remplacement")
    expect(awaiting.locator("tr[data-mission]")).to_contain_text("départ")
    # when it was requested, on the row's own clock (B18: Paris's here, so no « heure locale »)
    expect(awaiting.locator("tr[data-mission]")).to_contain_text(re.compile(r"demandé le \d\d/\d\d/\d{4} \d\d:\d\d"))
    expect(awaiting.locator("tr[data-mission]")).not_to_contain_text("heure locale")
    expect(awaiting.locator("tr[data-mission]")).to_contain_text("Anne Lefèvre")  # who leaves, by name (B12)
    # the mission by its title, its id in parentheses, and its beneficiary by name
    expect(awaiting.get_by_role("link", name=MISSION_LABELLED, exact=True)).to_be_visible()
    expect(awaiting.locator("tr[data-mission]")).to_contain_text("Métropole de démonstration")
    expect(desk.locator("main")).not_to_contain_text("null")  # nothing but the list under it (no stray « null »)
    awaiting.get_by_role("link", name=re.compile("BES-WEB-1")).click()
    # it searches the whole pool: by name (without its accent), no daily-rate cap, each found judged by the rules
    picker = desk.get_by_label("Remplaçant (professionnels trouvés dans le vivier)")
    found = desk.get_by_role("table", name="Professionnels trouvés dans le vivier")
    expect(desk.locator(".facts")).to_contain_text("Anne Lefèvre (pro-demo-1)")  # the mission names who leaves
    expect(found.locator("tr[data-candidate]").first).to_be_visible()
    expect(found.locator("tr[data-candidate='pro-demo-1']")).to_have_count(0)  # the one leaving is not offered
    search = desk.locator("#replacement-search")
    search.get_by_label("Nom").fill("emilie")
    search.get_by_label("TJM au plus (€)").fill("")
    search.get_by_role("button", name="Rechercher").click()
    emilie = found.locator("tr[data-candidate='pro-demo-5']")  # Émilie Faure: another daily rate
    expect(emilie).to_contain_text("TJM de 690,00 € au lieu de 680,00 €")
    expect(found.locator("tr[data-candidate]")).to_have_count(1)
    # one choice: a typed id empties the list's choice; its refusal shows next to the typed field
    typed = desk.get_by_label("Ou identifiant d'un autre professionnel du vivier")
    picker.select_option("pro-demo-5")
    typed.fill("pro-inconnu")
    expect(picker).to_have_value("")
    desk.get_by_role("button", name="Proposer le remplaçant").click()
    expect(field_error(desk, "Ou identifiant d'un autre professionnel du vivier")).to_contain_text(
        "Professionnel « pro-inconnu » inconnu du vivier.")
    expect(field_error(desk, "Remplaçant (professionnels trouvés dans le vivier)")).to_have_text("")
    emilie.get_by_role("button", name="Choisir Émilie Faure").click()
    expect(picker).to_have_value("pro-demo-5")
    expect(typed).to_have_value("")  # and the list's choice empties the typed id
    desk.get_by_role("button", name="Proposer le remplaçant").click()  # the platform refuses it next to the picker
    expect(field_error(desk, "Remplaçant (professionnels trouvés dans le vivier)")).to_contain_text(
        "TJM de 690,00 € au lieu de 680,00 €")
    app.check(desk, "operateur-remplacement", shot=False)
    search.get_by_label("Nom").fill("Morin")
    search.get_by_role("button", name="Rechercher").click()
    expect(found.locator("tr[data-candidate='pro-web-relais']")).to_contain_text("Remplaçant possible")
    found.get_by_role("button", name="Choisir Gaëlle Morin").click()
    desk.get_by_role("button", name="Proposer le remplaçant").click()
    expect(desk.locator("#propose-replacement [role=status]")).to_contain_text("Gaëlle Morin remplace Anne Lefèvre")
    expect(desk.get_by_role("table", name="Missions en attente de remplacement")).to_contain_text(
        "Aucune mission n'attend de remplaçant.", timeout=10000)
    # The mission's screen then names the new professional, and its history the replacement
    page.reload()
    expect(page.locator(".facts").get_by_role("link", name="Gaëlle Morin")).to_be_visible()
    expect(page.get_by_role("table", name="Historique des remplacements")).to_contain_text(
        "remplacé par Gaëlle Morin le")
    expect(page.locator("[data-replacement=requested]")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Suivre la commande")).click()
    expect(page.get_by_role("heading", name=re.compile("BC-BES-WEB-1"))).to_be_visible()
    expect(page.get_by_text("Pas encore d'attestation de service fait.")).to_be_visible()
    # the beneficiary is named as the client of its mission's order, which links back to its mission
    # and its contractor as the titulaire, the word of the mission's « Demander un devis au titulaire »
    expect(page.locator(".facts dt")).to_contain_text(["Titulaire", "Bénéficiaire"])
    expect(page.locator(".facts dt", has_text="Gestionnaire")).to_have_count(0)
    expect(page.get_by_role("link", name="Voir la mission")).to_have_attribute("href", "#/missions/BES-WEB-1-mission")
    app.check(page, "beneficiaire-commande", shot=False)

    # B11: the titulaire declares a timesheet on the mission's order; on this hybrid mission the days on site are asked
    titulaire_page = app.sign_in("titulaire")
    titulaire_page.goto(app.base + "/#/orders/ben-metropole-demo/BC-BES-WEB-1")
    # B12: the titulaire reads on the mission's order who does it now, and whom it replaced, by name as the mission
    # screen names them (never by id)
    expect(titulaire_page.locator(".facts")).to_contain_text("Gaëlle Morin ; Gaëlle Morin a remplacé Anne Lefèvre le")
    expect(titulaire_page.locator(".facts")).not_to_contain_text("pro-web-relais")
    # B11: the titulaire reads its milestone's days planned, declared and left, and the timesheets declared (none yet)
    milestone_days = titulaire_page.get_by_role("table", name="Jours par jalon").locator("tr[data-milestone] td")
    expect(milestone_days).to_have_text([re.compile("^Cahier de recette validé"), "10 j", "0 j", "0 j", "10 j"])
    # B11: the deliverables named at framing are its « Livrable » choice: the milestone's own, then the mission's
    upload = titulaire_page.locator("#upload")
    upload.get_by_label("Type de document").select_option("deliverable")
    expect(upload.get_by_label("Livrable remis").locator("option")).to_have_text(
        ["Cahier de recette", "Plan de tests", "PV de recette"])
    expect(titulaire_page.get_by_role("table", name="Feuilles de temps déclarées")).to_contain_text(
        "Aucune feuille de temps déclarée.")
    sheet = titulaire_page.locator("#timesheet")
    expect(sheet.get_by_role("heading", name="Déclarer une feuille de temps")).to_be_visible()
    sheet.get_by_label("Référence de la feuille de temps").fill("FT-1")
    sheet.get_by_label("Du", exact=True).fill(fr(start))
    sheet.get_by_label("Au", exact=True).fill(fr(start + dt.timedelta(days=9)))
    sheet.get_by_label("Jours travaillés").fill("6")
    on_site = sheet.get_by_label("dont jours sur site")
    expect(on_site).to_have_attribute("required", "")
    expect(sheet).to_contain_text("Mission en mode mixte : obligatoire")
    on_site.fill("2,5")
    sheet.get_by_role("button", name="Déclarer").click()
    # the mission starts in 30 days: days not yet worked are refused next to the period's end, nothing recorded
    today_in_lyon = today_on("69")  # the mission's territory (69) calendar
    expect(field_error(titulaire_page, "Au", sheet)).to_contain_text(
        f"La période se termine le {fr(start + dt.timedelta(days=9))}, après aujourd'hui ({fr(today_in_lyon)})")
    expect(sheet).not_to_contain_text("Feuille de temps enregistrée")
    app.check(titulaire_page, "titulaire-feuille-de-temps", shot=False)

    # B16: a quote requested from the titulaire for the mission, answered, then accepted
    page.go_back()
    page.get_by_label("Référence du devis").fill("DV-MISSION-1")
    page.get_by_label("Objet du devis").fill("Atelier de recette supplémentaire")
    # left for another screen and back, the request keeps what was typed, this mission's own (keepDraft)
    page.get_by_role("link", name="Mes besoins", exact=True).click()
    expect(page.get_by_role("heading", name="Mes besoins")).to_be_visible()
    page.go_back()
    expect(page.locator("#mission-quote .draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    expect(page.get_by_label("Référence du devis")).to_have_value("DV-MISSION-1")
    expect(page.get_by_label("Objet du devis")).to_have_value("Atelier de recette supplémentaire")
    page.get_by_role("button", name="Demander le devis").click()
    # the titulaire named, not its id; then the quote, whose mission links back to the mission's screen
    expect(page.locator("#mission-quote p.status")).to_have_text(
        "Devis DV-MISSION-1 demandé à Titulaire de l'accord-cadre.")
    expect(page.get_by_role("heading", name=re.compile("^Devis DV-MISSION-1"))).to_be_visible()
    expect(page.locator(".facts").get_by_role("link", name=MISSION_LABELLED, exact=True)).to_have_attribute(
        "href", "#/missions/BES-WEB-1-mission")
    expect(page.locator(".facts dt", has_text="Titulaire")).to_have_count(1)
    assert not [k for k in page.evaluate(DRAFTS) if ":mission-quote:" in k], "forgotten once the quote is requested"
    expect(page.locator(".facts")).to_contain_text("demandé par le bénéficiaire")
    # the mission by its title (its order's), its id in parentheses, after its « Mission » label
    expect(page.locator(".facts")).to_contain_text(MISSION_LABELLED)
    expect(page.locator(".facts")).not_to_contain_text("Mission : Mission")
    # B16: the titulaire reads by when it must answer (D3), in its list and on the quote, whose client is the beneficiary
    titulaire_page.goto(app.base + "/#/quotes")
    expect(titulaire_page.locator("[data-quote=DV-MISSION-1] .answer-due")).to_contain_text(
        "Réponse attendue au plus tard le")
    expect(titulaire_page.locator("[data-quote=DV-MISSION-1] .quote-mission")).to_have_text(MISSION_NAMED)
    titulaire_page.goto(app.base + "/#/quotes/ben-metropole-demo/DV-MISSION-1")
    expect(titulaire_page.locator("#quote-answer-due")).to_contain_text("Réponse attendue au plus tard le")
    expect(titulaire_page.locator(".facts dt", has_text="Bénéficiaire")).to_have_count(1)
    expect(titulaire_page.locator(".facts dt", has_text="Gestionnaire")).to_have_count(0)
    # a mission's quote is counted in days, as its mission's order lines: its answer's line starts in « j »
    expect(titulaire_page.get_by_label("Ligne 1 : unité")).to_have_value("j")
    titulaire = Erp(platform, "contractor", "ctr-titulaire")
    answered = titulaire.post("submit_quote", {"manager_id": "ben-metropole-demo", "quote_id": "DV-MISSION-1",
                                               "valid_until": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
                                               "lines": [{"line_id": "L1", "service_code": "ATELIER",
                                                          "label": "Atelier de recette", "quantity": 1, "unit": "J",
                                                          "unit_price_cents": 68000}]})
    assert answered.status_code == 200, answered.text
    page.reload()
    app.check(page, "beneficiaire-devis")
    page.get_by_role("button", name="Accepter").click()
    expect(page.locator(".facts")).to_contain_text("accepté")
    # B16, A7: the titulaire's own quote to the beneficiary concerns one of its missions — no property node asked
    titulaire_page.goto(app.base + "/#/quotes/raise")
    expect(titulaire_page.get_by_label("Bénéficiaire", exact=True)).to_have_value("ben-metropole-demo")
    expect(titulaire_page.get_by_label("Élément de patrimoine (identifiant)")).to_be_hidden()
    expect(titulaire_page.get_by_label("Mission concernée")).to_have_value("BES-WEB-1-mission")
    # a mission's quote counted in days, as its order's lines: its lines start in « j », the one added too
    expect(titulaire_page.get_by_label("Ligne 1 : unité")).to_have_value("j")
    titulaire_page.get_by_role("button", name="Ajouter une ligne").click()
    expect(titulaire_page.get_by_label("Ligne 2 : unité")).to_have_value("j")
    fill_raised_quote(titulaire_page, "DV-T-WEB-1", "Recette d'accessibilité complémentaire",
                      ("ATELIER", "Audit RGAA", "680,00"))
    app.check(titulaire_page, "titulaire-devis-propose-mission", shot=False)
    titulaire_page.get_by_role("button", name="Proposer le devis").click()
    expect(titulaire_page.get_by_role("heading", name=re.compile("^Devis DV-T-WEB-1"))).to_be_visible()
    expect(titulaire_page.locator(".facts")).to_contain_text(MISSION_LABELLED)

    # The B6 report with its charts and its CSV; an incident
    page.get_by_role("link", name="Rapport").click()
    # two figures: revenue — none invoiced yet in this journey: said in words, no axis from 0 to 1 € — and D4's
    # delays (drawn unless both are zero); each with its figures as a table under « Voir les données »
    expect(page.locator("figure.chart-figure")).to_have_count(2)
    revenue = page.locator("figure.chart-figure").filter(has_text="Chiffre d'affaires par mois (€ HT)")
    expect(revenue).to_contain_text("Aucune valeur à représenter sur la période.")
    expect(revenue.locator("svg.chart")).to_have_count(0)
    expect(revenue.get_by_text("Voir les données")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le rapport (CSV)").click()
    assert download.value.suggested_filename.startswith("rapport-beneficiaire-")
    assert "Rapport bénéficiaire" in open(download.value.path(), encoding="utf-8-sig").read()
    app.check(page, "beneficiaire-rapport")
    page.get_by_role("link", name="Incidents", exact=True).click()
    page.get_by_label("Titre", exact=True).fill("Classement indisponible")
    page.get_by_label("Description", exact=True).fill("La page du classement reste vide.")
    page.get_by_role("button", name="Signaler").click()
    expect(page.locator("tr[data-incident]")).to_contain_text("Classement indisponible")
    app.check(page, "beneficiaire-incidents")
    # A8 reversibility: the beneficiary's « Export » (the manager's screen), its whole space in an archive
    platform.provision_exports()
    page.get_by_role("link", name="Export").click()
    page.get_by_role("button", name="Lancer l'export").click()
    expect(page.locator("#export-status")).to_contain_text("Export terminé", timeout=30000)
    expect(page.get_by_role("link", name="Télécharger l'archive (ZIP)")).to_be_visible()
    app.check(page, "beneficiaire-export", shot=False)
    # A9: its agreement's penalty terms, below its statement, as the purchasing body set them
    assert Erp(platform, "purchasing_body", "centrale-demo").post("set_penalty_terms", {
        "beneficiary_id": "ben-metropole-demo", "effective_from": paris_today().isoformat(),  # A9: not before today, Paris
        "reason": "Convention, annexe pénalités", "terms": {"lengths": {"D4": 5}}}).status_code == 201
    page.get_by_role("link", name="Pénalités").click()
    # its contractor chosen among those it can ask about: its agreement's titulaire, already chosen and read
    expect(page.get_by_role("combobox", name="Prestataire")).to_have_value("ctr-titulaire")
    # (by its name: the titulaire of its agreement's contract, A1/B1 parties by name)
    expect(page.get_by_role("heading", name=re.compile(r"Relevé .* Titulaire de l'accord-cadre$"))
           ).to_be_visible()
    expect(page.get_by_role("heading", name="Pénalités de la convention")).to_be_visible()
    expect(page.locator("#agreement-terms .facts")).to_contain_text("version 1")
    # its own name, its id in parentheses (B1 parties), and the kinds by their French labels
    expect(page.locator("#agreement-terms .facts")).to_contain_text("Métropole de démonstration")
    expect(page.locator("#agreement-terms .facts")).not_to_contain_text("(ben-metropole-demo)")
    expect(page.locator("#agreement-terms")).to_contain_text(
        "Proposition de profils pour une recherche (D4) : délai de 5")
    expect(page.get_by_role("table", name="Versions des pénalités")).to_contain_text("en vigueur")
    app.check(page, "beneficiaire-penalites", shot=False)


def test_titulaire_records_a_timesheet_on_a_mission_already_started_and_a_period_not_yet_worked_is_refused(
        app, platform, clean_firestore):
    """B11 mission follow-up in the browser: on a mission whose first three working days are over (framed through
    the platform's services with an injected clock, as tests/functional/test_mission_extra_costs.py does), the
    titulaire records a timesheet of those three days, which the « Jours par jalon » and « Feuilles de temps
    déclarées » tables show without a reload; then a period ending after today is refused next to « Au », and the
    earlier success message is gone. The dates come from ben-lyon's territory (69) calendar (tests/dates.py), so
    the journey holds on any day of the year, Christmas and 1 May included."""
    mission = frame_started_mission(clean_firestore, platform.project_id, "ben-lyon", "69", worked=3)
    today, start, worked_until = mission.today, mission.start, mission.worked_until

    titulaire_page = app.sign_in("titulaire")
    titulaire_page.goto(app.base + f"/#/orders/ben-lyon/{missions.order_id_for('recette-portail')}")
    milestone_days = titulaire_page.get_by_role("table", name="Jours par jalon").locator("tr[data-milestone] td")
    sheets = titulaire_page.get_by_role("table", name="Feuilles de temps déclarées")
    expect(milestone_days).to_have_text([re.compile(r"^Jalon j1"), "10 j", "0 j", "0 j", "10 j"])
    expect(sheets).to_contain_text("Aucune feuille de temps déclarée.")
    # A11: the screen follows its order's stream, which then tells it of its own timesheet too
    expect(titulaire_page.locator("#order-live[data-live='live']")).to_be_attached(timeout=15000)
    sheet = titulaire_page.locator("#timesheet")
    sheet.get_by_label("Référence de la feuille de temps").fill("FT-1")
    sheet.get_by_label("Du", exact=True).fill(fr(start))
    sheet.get_by_label("Au", exact=True).fill(fr(worked_until))
    sheet.get_by_label("Jours travaillés").fill("3")
    sheet.get_by_label("dont jours sur site").fill("1")
    timesheet_keys = sent_keys(titulaire_page, "submit_timesheet")
    # (the screen's read after the answer is held, to type during it as a slow network would let one)
    order_url = titulaire_page.evaluate("async () => (await (await fetch('config.json')).json()).functions")["get_order"]
    held: list = []
    holding = [True]
    hold = lambda route: held.append(route) if holding[0] and route.request.method == "GET" else route.continue_()  # noqa: E731,E501
    reads_order = lambda url: url.startswith(order_url + "/")  # noqa: E731
    titulaire_page.route(reads_order, hold)
    sheet.get_by_role("button", name="Déclarer").dblclick()  # a double click declares it once, never refused
    # recorded: the answer at once
    expect(sheet).to_contain_text("Feuille de temps enregistrée : 3 j déclarés sur ce jalon, dont 1 j sur site.")
    assert len(set(timesheet_keys)) == 1, timesheet_keys
    # A11: the next timesheet's reference typed while the screen reads the order again — kept, and still focused, by
    # the drawing that follows (the form sent, typed in again, is kept as it is; never drawn over)
    for _ in range(100):
        if held:
            break
        titulaire_page.wait_for_timeout(50)
    assert held, "the order screen did not read the order again after the timesheet"
    sheet.get_by_label("Référence de la feuille de temps").fill("FT-2")
    holding[0] = False
    for route in held:
        route.continue_()
    titulaire_page.unroute(reads_order, hold)
    # both tables re-read in place (no reload)
    expect(milestone_days).to_have_text([re.compile(r"^Jalon j1"), "10 j", "3 j", "1 j", "7 j"])
    expect(sheet.get_by_label("Référence de la feuille de temps")).to_have_value("FT-2")
    expect(sheet.get_by_label("Référence de la feuille de temps")).to_be_focused()
    expect(sheet.locator(".field-error:not(:empty), .form-errors:not(:empty)")).to_have_count(0)
    expect(sheets.locator("tr[data-timesheet='FT-1'] td")).to_have_text(
        ["FT-1", f"du {fr(start)} au {fr(worked_until)}", re.compile(r"^Jalon j1"), "3 j", "1 j", "—"])
    # A11: its own timesheet moved the order's updated_at, which the stream announces about a second later: the screen,
    # drawn again after the answer (which it keeps), already shows it — never « Cette commande vient de changer »
    titulaire_page.wait_for_timeout(3000)
    expect(titulaire_page.locator("#order-changed")).to_be_hidden()
    expect(titulaire_page.get_by_role("button", name="Actualiser")).to_have_count(0)
    expect(sheet).to_contain_text("Feuille de temps enregistrée : 3 j déclarés sur ce jalon, dont 1 j sur site.")
    app.check(titulaire_page, "titulaire-feuille-de-temps-enregistree", shot=False)

    # a period ending after today: refused next to « Au », and the earlier success message is no answer to it
    sheet.get_by_label("Référence de la feuille de temps").fill("FT-2")
    sheet.get_by_label("Du", exact=True).fill(fr(today))
    sheet.get_by_label("Au", exact=True).fill(fr(today + dt.timedelta(days=2)))
    sheet.get_by_label("Jours travaillés").fill("1")
    sheet.get_by_label("dont jours sur site").fill("0")
    sheet.get_by_role("button", name="Déclarer").click()
    expect(field_error(titulaire_page, "Au", sheet)).to_contain_text(
        f"La période se termine le {fr(today + dt.timedelta(days=2))}, après aujourd'hui ({fr(today)})")
    expect(sheet).not_to_contain_text("Feuille de temps enregistrée")
    expect(sheets.locator("tr[data-timesheet]")).to_have_count(1)
    expect(milestone_days).to_have_text([re.compile(r"^Jalon j1"), "10 j", "3 j", "1 j", "7 j"])

    # B16: a quote raised from the mission's order is for its beneficiary, named so and picked, never « Gestionnaire »
    titulaire_page.goto(app.base + f"/#/quotes/raise/ben-lyon/{missions.order_id_for('recette-portail')}")
    raise_form = titulaire_page.locator("#raise-quote")
    expect(raise_form.get_by_label("Bénéficiaire", exact=True)).to_have_value("ben-lyon")
    expect(raise_form.get_by_label("Bénéficiaire", exact=True).locator("option:checked")).to_have_text(
        "Métropole de Lyon")  # by its name (its contract's space), the field saying the role, its id the value
    expect(raise_form.get_by_label("Gestionnaire", exact=True)).to_have_count(0)


def test_purchasing_body_reads_its_report_with_charts_the_stored_half_years_and_the_pool(app, platform, firestore_client):
    register_pool(platform)
    firestore_client.document("purchasing_bodies/centrale-test").set({"name": "Centrale Essai", "status": "active"},
                                                                     merge=True)
    page = app.sign_in("purchasing_body")
    # B1 parties: the header names it as the other roles, « Rôle — Nom (id) »
    expect(page.locator("header .who")).to_have_text("Centrale d'achat — Centrale Essai")
    # no order yet: the month chart says so in words (drawn with orders: test_small_screens.py, phone and desk)
    expect(page.locator("figure.chart-figure").filter(has_text="Volume d'affaires par mois (€ HT)")).to_contain_text(
        "Aucune valeur à représenter sur la période.")
    # B17: the volume overall, per quarter and per year, the price lines and the return on investment, not only in the CSV
    expect(page.locator(".report .facts").first).to_contain_text("Volume d'affaires")
    expect(page.get_by_role("table", name="Volume par trimestre et par année")).to_contain_text("1er trimestre")
    expect(page.get_by_role("table", name="Répartition par ligne de prix")).to_be_visible()
    expect(page.get_by_role("heading", name="Retour sur investissement")).to_be_visible()
    app.fits(page)
    app.check(page, "centrale-rapport")
    # the report drawn is not read out whole (no live region around it): one short sentence is, the focus left in the
    # form (RGAA 7.5); Enter in « Au » sends the form
    expect(page.locator("#report-body")).not_to_have_attribute("aria-live", re.compile("."))
    page.get_by_label("Au", exact=True).fill("30/06/2026")
    page.get_by_label("Au", exact=True).press("Enter")
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^Rapport du \d\d/\d\d/\d{4} au 30/06/2026 affiché ci-dessous\.$"))
    expect(page.get_by_label("Au", exact=True)).to_be_focused()
    page.get_by_label("Du", exact=True).fill("1er janvier")
    page.get_by_role("button", name="Afficher").click()
    expect(field_error(page, "Du")).to_contain_text("jj/mm/aaaa")
    page.get_by_label("Du", exact=True).fill("01/01/2026")
    page.get_by_label("Au", exact=True).fill("31/12/2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".form-errors .errors, .field-error:not(:empty)").first).to_be_visible()
    # keyboard only, faster than the platform: « Vivier » followed with Enter, then « Rapport » before the pool's
    # statistics answered — their late answer draws nothing over the screen now shown, nor takes its focus or its
    # title (RGAA 12.6, 8.6)
    pool_read = re.compile(r"view=pool_statistics")
    held = hold(page, pool_read)
    page.get_by_role("link", name="Vivier").focus()
    page.keyboard.press("Enter")
    wait_until_held(page, held, "the pool's statistics")
    page.get_by_role("link", name="Rapport", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Rapport de la centrale d'achat")).to_be_focused()
    release(page, held, pool_read, settle_ms=500)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport de la centrale d'achat")
    expect(page.get_by_role("heading", name="Rapport de la centrale d'achat")).to_be_focused()
    expect(page).to_have_title("Rapport de la centrale d'achat — Passerelle")
    # keyboard only: the navigation link takes the focus and Enter follows it; the new heading gets the focus
    nav_link(page, "Rapports semestriels").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Rapports semestriels enregistrés")).to_be_focused()
    expect(page.get_by_role("table", name="Rapports semestriels")).to_be_visible()
    # none stored yet: the page says which half-year comes first and when (or lists the stored ones)
    expect(page.get_by_role("table", name="Rapports semestriels")).to_contain_text(
        re.compile(r"Le premier, celui du (1er|2e) semestre \d{4} .* sera enregistré le \d\d/\d\d/\d{4}|CSV \d{4}-H"))
    app.check(page, "centrale-semestres")
    # The pool statistics (B14), the operator's own screen, titled without the requirement id
    page.get_by_role("link", name="Vivier").click()
    expect(page.get_by_role("heading", name="Statistiques du vivier")).to_be_focused()
    expect(page.locator(".facts")).to_contain_text("6")
    expect(page.get_by_role("table", name="Par région").locator("tbody tr").first).to_be_visible()
    # the regions with professionals only, then one line naming the others (no table of zeros)
    expect(page.get_by_role("table", name="Par région").locator("td.num").filter(has_text=re.compile(r"^0$"))).to_have_count(0)
    expect(page.locator("#pool-regions-none")).to_contain_text(re.compile(r"^Aucun professionnel : \S"))
    expect(page.get_by_role("table", name="Par type de prestation")).to_contain_text("AMOA")
    app.check(page, "centrale-vivier", shot=False)
    # B17 purchasing-body report: the price schedule in force, then a new version published from a file, in percent
    nav_link(page, "Barème de prix").click()
    expect(page.get_by_role("heading", name="Barème de prix")).to_be_focused()
    expect(page.locator(".price-version").first).to_contain_text("En vigueur")
    expect(page.locator("main")).not_to_contain_text("null")  # no absent part written « null » on the screen
    expect(page.locator(".price-version").first).to_contain_text(re.compile(r"Frais de la centrale\d+(,\d+)?\s%"))
    bareme = page.get_by_role("form", name="Publier une nouvelle version")
    with page.expect_download() as download:
        bareme.get_by_role("link", name="Télécharger le modèle (modele-bareme.csv)").click()
    assert download.value.path().read_text(encoding="utf-8-sig").splitlines()[0] == "category;label;reference_daily_rate"
    header = "category;label;reference_daily_rate\n"
    bareme.get_by_label("Frais de la centrale (%)").fill("3,5")
    bareme.get_by_label("Fichier (CSV ou JSON)").set_input_files(csv_file("bareme.csv", header
        + "CHEF-PROJET;Chef de projet;800,00\nDATA-SCIENTIST;Data scientist;sept cents\n"))
    published = sent_keys(page, "import_price_schedule")
    # (one click: a refusal is the content's answer, a click after it a new request — as for the catalogue)
    bareme.get_by_role("button", name="Publier le barème").click()
    refused_line = bareme.get_by_role("table", name="Lignes refusées").locator("tr[data-line='3']")
    expect(refused_line).to_contain_text("TJM de référence HT (€) : Format invalide : montant en euros attendu")
    expect(bareme.locator(".form-errors")).to_contain_text("1 ligne refusée (voir ci-dessous). Rien n'a été enregistré")
    app.check(page, "centrale-bareme-refus", shot=False)
    assert len(published) >= 1 and len(set(published)) == 1, published
    bareme.get_by_label("Fichier (CSV ou JSON)").set_input_files(csv_file("bareme.csv", header
        + "CHEF-PROJET;Chef de projet;800,00\nDATA-SCIENTIST;Data scientist;720,00\n"))
    bareme.get_by_role("button", name="Publier le barème").click()
    expect(page.locator("#price-schedule-published")).to_contain_text(re.compile(
        r"du barème publiée, applicable à partir du \d\d/\d\d/\d{4}, frais de la centrale 3,5\s%.* : 2 catégories — "
        r"1 créée, 1 modifiée, 0 inchangée \(par rapport à la version 2026-01\)"))
    newest = page.locator(".price-version").filter(has_text="Data scientist")
    expect(newest).to_contain_text(re.compile(r"720,00\s€"))
    expect(newest).to_contain_text(re.compile(r"3,5\s%"))
    assert len(set(published)) == 2, published  # the corrected file: a new request, the refused one recorded nothing
    app.check(page, "centrale-bareme", shot=False)
    # A9: the penalty terms it set on a beneficiary's agreement, as the beneficiary reads them
    purchasing = Erp(platform, "purchasing_body", "centrale-demo")
    later = (paris_today() + dt.timedelta(days=10)).isoformat()
    assert purchasing.post("set_penalty_terms", {
        "beneficiary_id": seed.BENEFICIARY["beneficiary_id"], "effective_from": later, "reason": "Annexe pénalités",
        "terms": {"daily_amount_cents": {"P1": 20000}, "rules_by_kind": {"D4": "P1"}}}).status_code == 201
    # B1: it chooses the beneficiary from the registered ones (by name, short enough for a phone; the territory by its
    # name under the field once chosen), by keyboard, not by its id
    assert Erp(platform, "operator", "platform").post("register_beneficiary", {
        **seed.BENEFICIARY, "beneficiary_id": "ben-annecy-demo", "name": "Ville d'Annecy", "territory": "74"}
    ).status_code == 201
    nav_link(page, "Conventions").click()
    expect(page.get_by_role("heading", name="Conventions des bénéficiaires")).to_be_focused()
    picker = page.get_by_role("combobox", name="Bénéficiaire")
    expect(picker.locator("option")).to_have_text(
        ["— Choisir un bénéficiaire —", "Métropole de démonstration", "Ville d'Annecy"])
    page.get_by_role("button", name="Afficher la convention").click()
    expect(field_error(page, "Bénéficiaire")).to_contain_text("Choisissez un bénéficiaire")
    picker.focus()
    page.keyboard.press("ArrowDown")  # keyboard only: the first beneficiary, then the button
    expect(picker).to_have_value(seed.BENEFICIARY["beneficiary_id"])
    expect(picker).to_have_accessible_description(re.compile(
        "Bénéficiaire choisi : Métropole de démonstration — Rhône \\(69\\)"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Afficher la convention")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Pénalités de la convention")).to_be_visible()
    # the beneficiary by its name alone, its id in no fact (B1 parties)
    expect(page.locator("#agreement-terms .facts")).to_contain_text(seed.BENEFICIARY["name"])
    expect(page.locator("#agreement-terms .facts")).not_to_contain_text(f"({seed.BENEFICIARY['beneficiary_id']})")
    versions = page.get_by_role("table", name="Versions des pénalités")
    expect(versions.locator("tbody tr")).to_have_count(1)
    expect(versions).to_contain_text("à venir")
    expect(versions).to_contain_text("Annexe pénalités")
    # each deadline kind by its French label, its id in parentheses
    expect(versions).to_contain_text("Proposition de profils pour une recherche (D4) : pénalité P1")
    app.check(page, "centrale-conventions", shot=False)
    # A9: a new version from the form, prefilled from the latest one (P1 at 200 €, D4 priced), no function name shown
    form = page.locator("#agreement-terms-form")
    expect(form.get_by_label("Montant d'une pénalité P1 par jour de retard (€)")).to_have_value("200")
    expect(form.get_by_label(re.compile("^D4 — Proposition de profils"))).to_have_value("P1")
    assert "set_penalty_terms" not in page.locator("main").inner_text()
    # a mistake it can fix is named before anything is sent; a date before the latest version's is the platform's
    form.get_by_label("Délai D7 plus court (heures ouvrées)").fill("100")
    form.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(field_error(page, "Délai D7 plus court (heures ouvrées)")).to_contain_text("de 1 à 72")
    expect(field_error(page, "Motif de la nouvelle version")).to_contain_text("Indiquez le motif")
    form.get_by_label("Délai D7 plus court (heures ouvrées)").fill("48")
    form.get_by_label("Motif de la nouvelle version").fill("Avenant n°2 : comptes en 48 h")
    form.get_by_label(re.compile("^D7 — Création d'un compte")).select_option("P1")
    form.get_by_label("En vigueur à partir du").fill(fr(paris_today()))  # today in Paris: only the version's date refuses it
    form.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(field_error(page, "En vigueur à partir du")).to_contain_text("la version 1 prend effet le")
    app.check(page, "centrale-conventions-refus", shot=False)
    form.get_by_label("En vigueur à partir du").fill(
        fr(paris_today() + dt.timedelta(days=12)))
    form.get_by_role("button", name="Enregistrer la nouvelle version").click()
    # Then the version is told, the list read again with both versions, the form starting from the new one
    expect(page.locator(".outcome[role=status]")).to_contain_text("Version 2 enregistrée")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions.locator("tr[data-terms-version='2']")).to_contain_text("Avenant n°2 : comptes en 48 h")
    # who set each version: its own account by name (B5 accounts); the other body's ERP, which it has no record of,
    # by its uid
    expect(versions.locator("tr[data-terms-version='2']")).to_contain_text("Essai purchasing_body")
    expect(versions.locator("tr[data-terms-version='1']")).to_contain_text("erp-centrale-demo")
    expect(versions.locator("tr[data-terms-version='2']")).to_contain_text(
        "Création d'un compte (D7) : pénalité P1, délai de 48 heures ouvrées")
    expect(page.locator("#agreement-terms-form").get_by_label("Délai D7 plus court (heures ouvrées)")).to_have_value("48")
    app.check(page, "centrale-conventions-version", shot=False)
    # When the list cannot be loaded, it is told so in French and types the id instead
    def the_list(url: str) -> bool:
        return "view=beneficiaries" in url

    page.route(the_list, lambda route: route.fulfill(status=503, body=""))
    page.get_by_role("link", name="Vivier").click()
    nav_link(page, "Conventions").click()
    expect(page.locator("#beneficiary-list-error")).to_contain_text(
        "La liste des bénéficiaires n'a pas pu être chargée (erreur 503) : saisissez l'identifiant du bénéficiaire.")
    typed = page.get_by_role("textbox", name="Bénéficiaire")
    typed.fill("ben-inconnu")
    page.get_by_role("button", name="Afficher la convention").click()
    expect(page.locator("#agreement-terms")).to_contain_text("inconnu de la plateforme")
    typed.fill(seed.BENEFICIARY["beneficiary_id"])
    page.get_by_role("button", name="Afficher la convention").click()
    expect(page.get_by_role("table", name="Versions des pénalités")).to_contain_text("Annexe pénalités")
    app.check(page, "centrale-conventions-saisie", shot=False)
    page.unroute(the_list)
    # the one console error of this journey is the 503 the test made up
    injected = [p for p in app.problems if "status of 503" in p]
    assert len(injected) == 1, app.problems
    app.problems.remove(injected[0])
    # B5: its « Utilisateurs », the manager's and the beneficiary's screen: its own people, and an account requested
    page.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", name="Utilisateurs")).to_be_focused()
    expect(page.get_by_role("table", name="Personnes ayant un compte")).to_contain_text("acheteur@centrale-test.demo")
    request = page.locator("#request-account")
    # D7: the account it asks for is named as its own (the purchasing body's), never a beneficiary's
    expect(request.get_by_role("heading")).to_have_text("Demander un compte de la centrale d'achat")
    request.get_by_role("button", name="Demander un compte").click()
    expect(field_error(page, "Adresse e-mail", within=request)).to_contain_text("adresse e-mail")
    request.get_by_label("Adresse e-mail").fill("deuxieme.acheteur@centrale-test.demo")
    request.get_by_label("Nom", exact=True).fill("Deuxième Acheteur")
    request.get_by_label("lire les rapports").check()
    request.get_by_role("button", name="Demander un compte").click()
    expect(request.locator(".outcome")).to_contain_text(
        "Demande de compte de la centrale d'achat enregistrée pour deuxieme.acheteur@centrale-test.demo")
    assert "bénéficiaire" not in request.inner_text()
    assert "reports.read" not in request.inner_text()  # its rights in French, never the API's names
    app.check(page, "centrale-utilisateurs", shot=False)


def test_operator_creates_a_requested_account_handles_incidents_proposes_and_reads_the_pool(app, platform):
    register_pool(platform)
    requester = Erp(platform, "manager", "mgr-test")
    asked = requester.post("request_account", {"email": "nouvel.agent@test.demo", "display_name": "Nouvel Agent"})
    assert asked.status_code in (200, 201, 202), asked.text
    reporter = Erp(platform, "contractor", "ctr-test")
    assert reporter.post("report_incident", {"severity": 2, "title": "Connecteur bloqué",
                                             "description": "Plus aucun ordre reçu depuis 8 h."}).status_code in (200, 201)
    beneficiary = Erp(platform, "beneficiary", "ben-metropole-demo")
    assert beneficiary.post("submit_need", seed.demo_need(dt.date.today())).status_code in (200, 201)
    wait_scored(platform, beneficiary, seed.NEED_ID)
    page = app.sign_in("operator")

    # Account requests with D7's time left; a too short password refused next to its field
    row = page.locator("tr[data-request]").first
    expect(row).to_contain_text("Nouvel Agent")
    expect(row).to_contain_text(re.compile("reste \\d+ j"))
    app.check(page, "operateur-demandes-de-compte")
    row.get_by_label(re.compile("Mot de passe initial")).fill("court")
    row.get_by_role("button", name="Créer").click()
    expect(field_error(page, re.compile("Mot de passe initial"), within=row)).not_to_be_empty()
    row.get_by_label(re.compile("Mot de passe initial")).fill("Nouvel-Agent-2026!")
    row.get_by_role("button", name="Créer").click()
    expect(page.locator("tr[data-request]")).to_have_count(0)

    # Incidents with the D8 clock: acknowledge, then resolve
    page.get_by_role("link", name="Incidents", exact=True).click()
    incident = page.locator("tr[data-incident]", has_text="Connecteur bloqué")
    expect(incident).to_contain_text("en cours")
    expect(incident).to_contain_text("sur la plateforme")
    expect(incident.locator("td.clock")).to_contain_text("Suivi 24 h/24, 7 j/7")
    app.check(page, "operateur-incidents")
    incident.get_by_role("button", name="Prendre en compte").click()
    expect(incident).to_contain_text("respecté")
    incident.get_by_label("Résolution", exact=True).fill("Abonnement push relancé.")
    incident.get_by_role("button", name="Résoudre").click()
    expect(incident).to_contain_text("résolu")
    expect(incident.locator("td.clock")).to_contain_text("Résolu en")

    # A report received by phone (B9): a call older than a week is refused next to its field, then the
    # call 20 minutes ago is entered — D8 and the time to resolution run from the call
    paris = ZoneInfo("Europe/Paris")
    phone = page.get_by_role("form", name="Saisir un signalement reçu par téléphone")
    phone.get_by_label("Rôle de l'appelant").select_option("manager")
    phone.get_by_label("Espace de l'appelant").select_option("mgr-test")  # chosen among the managers (A10)
    phone.get_by_label("Titre", exact=True).fill("Extranet inaccessible")
    phone.get_by_label("Gravité").select_option("3")
    phone.get_by_label("Description", exact=True).fill("Le gestionnaire ne voit plus ses commandes depuis ce matin.")
    phone.get_by_label("Date et heure de l'appel").fill((dt.datetime.now(paris) - dt.timedelta(days=8)).strftime("%d/%m/%Y %H:%M"))
    phone.get_by_role("button", name="Enregistrer le signalement téléphonique").click()
    expect(field_error(page, "Date et heure de l'appel")).to_contain_text("dernière semaine")
    expect(phone.get_by_label("Date et heure de l'appel")).to_be_focused()
    call = dt.datetime.now(paris) - dt.timedelta(minutes=20)
    phone.get_by_label("Date et heure de l'appel").fill(call.strftime("%d/%m/%Y %H:%M"))
    phone.get_by_role("button", name="Enregistrer le signalement téléphonique").click()
    done = page.locator("p.result.outcome")
    expect(done).to_contain_text("Signalement téléphonique enregistré")
    expect(done).to_be_focused()
    by_phone = page.locator("tr[data-incident]", has_text="Extranet inaccessible")
    expect(by_phone).to_contain_text(f"par téléphone — appel le {call.strftime('%d/%m/%Y %H:%M')}")
    expect(by_phone).to_contain_text("mgr-test (gestionnaire)")
    expect(by_phone.locator("td.clock")).to_contain_text("Suivi heures ouvrées")
    # the reporter named once, in its « Signalement » cell (B9): the history's call does not name it again
    expect(by_phone.locator(".history li").first).to_have_text(re.compile(r"Appel téléphonique$"))

    # The first response, then a workaround (which stops no clock) and a follow-up, listed in its history; each row's
    # forms named by their incident (RGAA 11.2, 11.9), the button pressed with the keyboard
    acknowledge = page.get_by_role("form", name="Prendre en compte — « Extranet inaccessible »")
    acknowledge.get_by_role("button", name="Prendre en compte").focus()
    page.keyboard.press("Enter")
    expect(by_phone).to_contain_text("pris en compte")
    expect(page.get_by_role("form", name="Suivi ou contournement — « Extranet inaccessible »")).to_be_visible()
    expect(page.get_by_role("form", name="Résoudre — « Extranet inaccessible »")).to_be_visible()
    by_phone.get_by_label("Texte du suivi").fill("Accès rétabli par un lien direct en attendant le correctif.")
    by_phone.get_by_label("Type", exact=True).select_option("workaround")
    by_phone.get_by_role("button", name="Enregistrer le suivi").click()
    expect(done).to_contain_text("Solution de contournement enregistrée (aucun délai interrompu)")
    expect(done).to_be_focused()
    expect(by_phone.locator("td.clock")).to_contain_text("le délai de résolution court toujours")
    by_phone.get_by_label("Texte du suivi").fill("Correctif en recette, livraison prévue ce soir.")
    by_phone.get_by_label("Type", exact=True).select_option("follow_up")
    by_phone.get_by_role("button", name="Enregistrer le suivi").click()
    expect(done).to_contain_text("Suivi enregistré")
    history = by_phone.locator(".history li")
    expect(history).to_have_count(5)
    assert [history.nth(i).get_attribute("data-kind") for i in range(5)] == [
        "call", "recorded", "acknowledged", "workaround", "follow_up"]
    expect(history.nth(3)).to_contain_text("Solution de contournement (aucun délai interrompu)")
    expect(history.nth(3)).to_contain_text("Accès rétabli par un lien direct")
    expect(history.nth(4)).to_contain_text("Correctif en recette")
    expect(by_phone).to_contain_text("pris en compte")  # a workaround resolves nothing
    expect(by_phone.locator("td.clock")).to_contain_text("Ouvert depuis")
    app.check(page, "operateur-incident-suivi")
    by_phone.get_by_label("Résolution", exact=True).fill("Correctif livré.")
    by_phone.get_by_role("button", name="Résoudre").click()
    expect(by_phone.locator("td.clock")).to_contain_text("Résolu en")
    expect(by_phone.locator(".history li").last).to_contain_text("Correctif livré.")

    # Needs waiting for proposals: propose the first three ranked professionals
    page.get_by_role("link", name="Besoins en attente").click()
    need = page.locator(f"tr[data-need='{seed.NEED_ID}']")
    expect(need).to_contain_text("résultats calculés")
    app.check(page, "operateur-besoins")
    need.get_by_role("link").click()
    expect(page.get_by_role("group", name="Professionnels à proposer")).to_be_visible()
    # B1 parties: the beneficiary by its name, as the list named it, its id beside
    expect(page.locator(".facts .party-name")).to_have_text("Métropole de démonstration")
    expect(page.locator(".facts .party-name + .sub")).to_have_text("ben-metropole-demo")
    # B3/D4: availability guaranteed by default until the need's start (30 days on), later than two weeks from Paris's
    # today — never a day before the mission starts
    need_start = dt.date.fromisoformat(seed.demo_need(dt.date.today())["content"]["start_date"])
    expect(page.get_by_label("Disponibilité garantie jusqu'au")).to_have_value(
        fr(max(need_start, paris_today() + dt.timedelta(days=14))))
    app.check(page, "operateur-proposer", shot=False)
    # none ticked: named next to the first professional's box, nothing sent
    boxes = page.get_by_role("group", name="Professionnels à proposer").get_by_role("checkbox")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    page.get_by_role("button", name="Proposer").click()
    first = boxes.first
    expect(page.locator(f"#{first.get_attribute('aria-describedby').split()[-1]}")).to_have_text(
        "Cochez au moins un professionnel à proposer.")
    expect(first).to_be_focused()
    boxes.first.check()
    page.get_by_role("button", name="Proposer").click()
    expect(page.get_by_role("status")).to_contain_text("proposé")
    # Pool statistics, in the user's words (no index revision)
    page.get_by_role("link", name="Vivier").click()
    expect(page.locator(".facts")).to_contain_text("6")
    expect(page.locator(".facts")).to_contain_text("Chiffres à jour au")
    expect(page.locator(".facts")).not_to_contain_text("index")
    app.check(page, "operateur-vivier")
    # B15 audit trail: « Journal d'audit » says where the last scheduled check left every chain (or that none ran)
    page.get_by_role("link", name="Journal d'audit").click()
    expect(page.get_by_role("heading", name="Journal d'audit")).to_be_focused()
    expect(page.locator("#audit-verdict")).to_contain_text("vérification")
    app.check(page, "operateur-journal-audit", shot=False)


def test_operator_registers_a_manager_and_a_contractor_and_sees_its_topics(app, platform):
    page = app.sign_in("operator")
    page.get_by_role("link", name="Raccordement").click()
    expect(page.get_by_role("heading", name="Raccordement des gestionnaires et prestataires")).to_be_focused()
    app.check(page, "operateur-raccordement-vide", shot=False)

    # A manager with a SIRET whose key is wrong: the platform's French error next to "SIRET"
    manager = page.get_by_role("form", name="Inscrire un gestionnaire")
    manager.get_by_label("Identifiant", exact=True).fill("mgr-web-onb")
    manager.get_by_label("Raison sociale", exact=True).fill("Habitat Web (essai)")
    manager.get_by_label("SIRET", exact=True).fill("12345678901234")
    manager.get_by_label("SIRET", exact=True).press("Enter")  # the keyboard sends the form
    expect(field_error(page, "SIRET", within=manager)).to_have_text(
        "SIRET invalide : la clé de contrôle (Luhn) est fausse.")
    expect(manager.get_by_label("SIRET", exact=True)).to_be_focused()
    expect(manager.get_by_label("SIRET", exact=True)).to_have_attribute("aria-invalid", "true")
    app.check(page, "operateur-raccordement-siret-refuse", shot=False)
    # corrected: created (the result takes the focus); the same form sent again is the same request, whose first
    # answer the registry replays (one Idempotency-Key per content): « créée » again, not « inchangée »
    manager.get_by_label("SIRET", exact=True).fill("21690123100011")
    manager.get_by_role("button", name="Inscrire le gestionnaire").click()
    result = manager.get_by_role("status")
    expect(result.locator("[data-outcome]")).to_have_text("Inscription créée — gestionnaire « mgr-web-onb ».")
    expect(result).to_be_focused()
    expect(field_error(page, "SIRET", within=manager)).to_be_empty()
    with page.expect_response(lambda r: r.request.method == "POST"
                              and '"manager_id":"mgr-web-onb"' in (r.request.post_data or "")) as again:
        manager.get_by_role("button", name="Inscrire le gestionnaire").click()
    assert again.value.headers.get("idempotent-replayed") == "true"
    expect(result.locator("[data-outcome]")).to_have_text("Inscription créée — gestionnaire « mgr-web-onb ».")

    # A contractor working for it: the topics and subscriptions provisioned, read from the answer
    contractor = page.get_by_role("form", name="Inscrire un prestataire")
    contractor.get_by_label("Identifiant", exact=True).fill("ctr-web-onb")
    contractor.get_by_label("Raison sociale", exact=True).fill("Plomberie Web (essai)")
    contractor.get_by_label("SIRET", exact=True).fill("73282932000074")
    # (the manager just registered is offered: the lists are read again after each registration)
    # (several managers are ticked, not chosen with Ctrl + clic in a list: check boxes, named by the manager)
    managers = contractor.get_by_role("group", name="Gestionnaires pour lesquels il travaille")
    managers.get_by_label("Habitat Web (essai) — mgr-web-onb").check()
    # (its territory chosen by its name, not typed as an INSEE code)
    contractor.get_by_label("Territoire (facultatif)").select_option(label="Martinique (972)")
    contractor.get_by_role("button", name="Inscrire le prestataire").click()
    provisioned = contractor.get_by_role("table", name="Sujets et abonnements provisionnés")
    expect(contractor.locator("[data-outcome]")).to_have_text("Inscription créée — prestataire « ctr-web-onb ».")
    expect(contractor.get_by_role("status")).to_contain_text("Martinique (972)")
    expect(contractor.get_by_role("status")).to_contain_text("Habitat Web (essai) (mgr-web-onb)")
    for topic in ("orders-ctr-web-onb", "execution-ctr-web-onb", "replies-ctr-web-onb"):
        expect(provisioned.locator(f"tr[data-resource='{topic}']")).to_contain_text("Sujet")
    expect(provisioned.locator("tr[data-resource='orders-ctr-web-onb-erp']")).to_contain_text("Abonnement")
    # the Pub/Sub names (« orders-… », « replies-… ») marked as English for screen readers (RGAA 8.7)
    expect(provisioned.locator("tr[data-resource='orders-ctr-web-onb-erp'] code")).to_have_attribute("lang", "en")
    app.check(page, "operateur-raccordement")

    # Its ERP's machine identity with a right its role cannot hold: refused next to that box
    identity = page.get_by_role("form", name="Inscrire l'identité machine d'un ERP")
    identity.get_by_label("Compte de service", exact=True).fill("erp-web@projet-essai.iam.gserviceaccount.com")
    identity.get_by_label("Rôle", exact=True).select_option("contractor")
    identity.get_by_label(re.compile("^Espace")).select_option("ctr-web-onb")
    identity.get_by_label("lire les commandes (orders.read)").check()
    identity.get_by_label(re.compile(r"\(accounts\.manage\)")).check()
    identity.get_by_role("button", name="Inscrire l'identité").click()
    expect(field_error(page, re.compile(r"\(accounts\.manage\)"), within=identity)).not_to_be_empty()
    expect(field_error(page, "lire les commandes (orders.read)", within=identity)).to_be_empty()
    identity.get_by_label(re.compile(r"\(accounts\.manage\)")).uncheck()
    identity.get_by_role("button", name="Inscrire l'identité").click()
    expect(identity.locator("[data-outcome]")).to_have_attribute("data-outcome", "created")
    expect(identity.get_by_role("status")).to_contain_text("lire les commandes")

    # Deactivating the contractor: recorded, then a second click replays that first answer (the same request)
    deactivation = page.get_by_role("form", name="Désactiver une partie")
    deactivation.get_by_label("Type", exact=True).select_option("contractor")
    deactivation.get_by_label(re.compile("^Identifiant")).select_option("ctr-web-onb")
    deactivation.get_by_role("button", name="Désactiver").click()
    expect(deactivation.locator("[data-outcome]")).to_have_text("Désactivation enregistrée — prestataire « ctr-web-onb ».")
    deactivation.get_by_role("button", name="Désactiver").click()
    expect(deactivation.locator("[data-outcome]")).to_have_text("Désactivation enregistrée — prestataire « ctr-web-onb ».")
    expect(deactivation.locator("[data-outcome]")).to_have_attribute("data-outcome", "changed")
    app.check(page, "operateur-raccordement-desactivation", shot=False)

    # B1 parties: a beneficiary — a contact's malformed e-mail refused next to that field, then registered; the
    # deactivation form then offers it under its kind, and « Annuaire » lists it deactivated
    beneficiary = page.get_by_role("form", name="Inscrire un bénéficiaire")
    beneficiary.get_by_label("Identifiant", exact=True).fill("ben-web-onb")
    beneficiary.get_by_label("Nom de l'organisme", exact=True).fill("Ville de Web (essai)")
    beneficiary.get_by_label("SIRET", exact=True).fill("21690123100011")
    beneficiary.get_by_label("Région", exact=True).select_option("84")
    beneficiary.get_by_label("Territoire", exact=True).select_option("69")
    beneficiary.get_by_label("Contact : nom", exact=True).fill("Martin")
    beneficiary.get_by_label("Contact : prénom", exact=True).fill("Claire")
    beneficiary.get_by_label("Contact : courriel", exact=True).fill("claire.martin")
    beneficiary.get_by_role("button", name="Inscrire le bénéficiaire").click()
    expect(field_error(page, "Contact : courriel", within=beneficiary)).not_to_be_empty()
    expect(beneficiary.get_by_label("Contact : courriel", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(field_error(page, "SIRET", within=beneficiary)).to_be_empty()
    beneficiary.get_by_label("Contact : courriel", exact=True).fill("claire.martin@web-essai.fr")
    beneficiary.get_by_role("button", name="Inscrire le bénéficiaire").click()
    expect(beneficiary.locator("[data-outcome]")).to_have_text("Inscription enregistrée — bénéficiaire « ben-web-onb ».")
    expect(beneficiary.get_by_role("status")).to_contain_text("Auvergne-Rhône-Alpes (84)")
    app.check(page, "operateur-raccordement-beneficiaire", shot=False)
    deactivation.get_by_label("Type", exact=True).select_option("beneficiary")
    deactivation.get_by_label(re.compile("^Identifiant")).select_option("ben-web-onb")
    deactivation.get_by_role("button", name="Désactiver").click()
    expect(deactivation.locator("[data-outcome]")).to_have_text(
        "Désactivation enregistrée — bénéficiaire « ben-web-onb ».")
    page.get_by_role("link", name="Annuaire").click()
    page.get_by_label("Type de partie").select_option("beneficiary")
    expect(page.locator("tr[data-party='ben-web-onb']")).to_contain_text("Ville de Web (essai)")
    expect(page.locator("tr[data-party='ben-web-onb']")).to_contain_text("désactivé")

def test_contractor_reads_its_refused_message_and_its_french_error_then_the_operator_finds_it(
        app, platform, clean_firestore):
    # Given an order, a report its ERP sent over Pub/Sub that the platform refused (« en cours » straight from « à
    # prendre en compte », without its actual start), and another order whose report was accepted
    name_parties(clean_firestore)
    one_refused_one_accepted(platform, ("BC-LOG-W1", "erp-refus-w1"), ("BC-LOG-W2", "erp-ok-w2"))
    # When its staff open « Messages envoyés » from the menu: the refused ones, by default
    page = app.sign_in("contractor")
    page.get_by_role("link", name="Messages envoyés").click()
    expect(page.get_by_role("heading", name="Messages envoyés")).to_be_visible()
    expect(page.get_by_label("Réponse")).to_have_value("rejected")
    log = page.get_by_role("table", name="Messages envoyés")
    row = log.locator("tr[data-status='rejected']")
    expect(row).to_have_count(1)
    # Then the refused report is there: Pub/Sub, its type and id in French, the order and its client by name
    expect(row).to_contain_text("Pub/Sub")
    expect(row).to_contain_text("Compte rendu d'exécution")
    expect(row).to_contain_text("erp-refus-w1")
    expect(row).to_contain_text("Rhône Habitat Essai")
    expect(row.locator(".badge")).to_have_text("refusé")
    expect(row).to_contain_text("Pas encore corrigé")
    # And its error in French next to the field it names
    error = row.locator(".message-errors li[data-field='$.state']")
    expect(error.locator(".error-field")).to_have_text("état demandé")
    expect(error.locator("code")).to_have_attribute("lang", "en")  # the API's path marked as English (RGAA 8.7)
    expect(error).to_contain_text("Passage de l'état « à prendre en compte » à « en cours » impossible")
    expect(log.locator("tr[data-status='accepted']")).to_have_count(0)
    app.check(page, "prestataire-messages-refuses", shot=False)
    # Every message, accepted ones too, when asked
    page.get_by_label("Réponse").select_option("accepted")
    expect(log.locator("tr[data-status='accepted']")).to_have_count(1)
    expect(log.locator("tr[data-status='accepted']")).to_contain_text("BC-LOG-W2")
    page.get_by_label("Réponse").select_option("rejected")
    # And the order is one click away
    row.get_by_role("link", name="Commande BC-LOG-W1").click()
    expect(page.get_by_role("heading", name=re.compile("BC-LOG-W1"))).to_be_visible()

    # When the operator, helping the contractor, follows « Messages refusés » from « Annuaire »
    operator = app.sign_in("operator")
    operator.get_by_role("link", name="Annuaire").click()
    operator.locator("tr[data-party='ctr-test']").get_by_role("link", name="Messages refusés").click()
    expect(operator.get_by_role("heading", name="Messages envoyés — ctr-test")).to_be_visible()
    theirs = operator.get_by_role("table", name="Messages envoyés par ctr-test")
    expect(theirs.locator("tr[data-status='rejected']")).to_contain_text("erp-refus-w1")
    expect(theirs.locator("tr[data-status='rejected'] .error-field")).to_have_text("état demandé")
    expect(theirs.get_by_role("link", name="Commande BC-LOG-W1")).to_have_count(0)  # no order screen for the operator
    app.check(operator, "operateur-messages-refuses", shot=False)
    # And a contractor with nothing refused is told that everything was accepted
    operator.get_by_role("link", name="Retour à l'annuaire").click()
    operator.locator("tr[data-party='ctr-other']").get_by_role("link", name="Messages refusés").click()
    expect(operator.get_by_role("table", name="Messages envoyés par ctr-other")).to_contain_text(
        "Aucun message refusé : tout ce que ce prestataire a envoyé à la plateforme a été accepté.")
