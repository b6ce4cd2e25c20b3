"""A form being typed is never lost (A2.3 orders, A2.4 quotes, A4 forms): « Nouvelle commande » and the quote forms keep
their draft while the tab lives — reloaded, or signed in again after the session expired, the form comes back filled in,
its pickers and lines too once drawn —; the draft is forgotten once the form is sent and accepted, a sending left
without an answer is sent again with the same Idempotency-Key, and another account signing in on the same browser
finds nothing (web/draft_logic.mjs, keepDraft in web/ui.mjs)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.functional.browser.conftest import PASSWORD
from tests.functional.erp import Erp
from tests.functional.people import account_with_own_password

pytestmark = pytest.mark.emulators

DRAFTS = "() => Object.keys(sessionStorage).filter((k) => k.startsWith('passerelle-draft:'))"


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def sign_in_here(page, email: str) -> None:
    """Signed in on the same tab (the sign-in screen shown), as someone at the same computer would."""
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def expire_session(page, function_url: str, go: str) -> None:
    """The session ends by itself: the platform refuses the token (401) on the next read; the sign-in screen says so."""
    origin = page.evaluate("() => location.origin")
    cors = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS"}

    def refuse(route):
        if route.request.method == "OPTIONS":
            return route.fulfill(status=204, headers=cors)
        return route.fulfill(status=401, headers={**cors, "Content-Type": "application/json"}, body="{}")

    page.route(lambda url: url.startswith(function_url), refuse)
    page.goto(go)
    page.reload()  # the screen read again (a goto to the same address reads nothing)
    expect(page.locator("#sign-in")).to_contain_text("Votre session a expiré")
    page.unroute_all()


def functions(page) -> dict[str, str]:
    return page.evaluate("async () => (await (await fetch('config.json')).json()).functions")


def other_account(app, role: str, tenant: str) -> str:
    """Another person's account on the same browser: same role, same space, another uid."""
    email = f"autre-{role}@test.demo"
    created = account_with_own_password(app.platform, {"email": email, "display_name": f"Autre {role}", "role": role,
                                                       "tenant": tenant}, PASSWORD)
    assert created.status_code == 200, created.text
    return email


def test_a_new_order_typed_comes_back_after_a_reload_and_an_expired_session_and_goes_once_issued(app, platform,
                                                                                                 clean_firestore):
    manager = Erp(platform, "manager", "mgr-test")
    r = requests.post(platform.url("import_catalogue") + "/", timeout=30, json={
        "contract_id": "AC-2026-017", "valid_from": "2026-01-01", "reviewed_on": dt.date.today().isoformat(),
        "items": [{"code": "PLB-010", "label": "Recherche de fuite", "unit": "U", "unit_price": "85,00", "vat_rate": "10"}]},
        headers={"Authorization": f"Bearer {manager.token}", "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    site = {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"}
    building = {"node_id": "LYON-BAT-B", "kind": "building", "parent_id": "LYON", "label": "Bâtiment B"}
    assert manager.post("import_property_tree", {"nodes": [site, building]}).status_code == 201
    email, _ = app.user("manager")
    page = app.sign_in("manager")
    urls = functions(page)
    new_order = app.base + "/#/orders/new"
    page.goto(new_order)
    expect(page.get_by_role("table", name="Prestations du catalogue")).to_be_visible()
    order_id = "BC-BROUILLON-1"
    page.get_by_label("Numéro de commande").fill(order_id)
    page.get_by_label("Objet", exact=True).fill("Fuite sous évier — logement 3")
    page.get_by_label("Élément du patrimoine").select_option("LYON-BAT-B")
    page.get_by_label("Quantité PLB-010").fill("2")
    expect(page.locator("#order-total")).to_contain_text("170,00")
    # reloaded: every field back, the catalogue's quantity once the catalogue is drawn, and the note saying so
    page.reload()
    expect(page.locator("#new-order .draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    expect(page.get_by_label("Numéro de commande")).to_have_value(order_id)
    expect(page.get_by_label("Objet", exact=True)).to_have_value("Fuite sous évier — logement 3")
    expect(page.get_by_label("Élément du patrimoine")).to_have_value("LYON-BAT-B")
    expect(page.get_by_label("Quantité PLB-010")).to_have_value("2")
    expect(page.locator("#order-total")).to_contain_text("170,00")
    # the building retired meanwhile (a new tree without it): the draft's choice is told, not chosen, and kept
    assert manager.post("import_property_tree", {"nodes": [site]}).status_code == 201
    page.reload()
    expect(page.get_by_label("Quantité PLB-010")).to_have_value("2")
    expect(page.get_by_label("Élément du patrimoine")).to_have_value("")
    missing = page.locator("#new-order .draft-missing")
    expect(missing).to_have_text("Votre brouillon indiquait « LYON-BAT-B », qui n'est plus proposé ici : choisissez à nouveau.")
    # read with the picker by a screen reader
    expect(page.get_by_label("Élément du patrimoine")).to_have_accessible_description(re.compile("LYON-BAT-B"))
    app.check(page, "gestionnaire-nouvelle-commande-brouillon", shot=False)
    page.reload()  # kept while the picker is left unchosen
    expect(missing).to_contain_text("LYON-BAT-B")
    page.get_by_label("Élément du patrimoine").select_option("LYON")
    expect(missing).to_have_count(0)
    expect(page.get_by_label("Élément du patrimoine")).not_to_have_accessible_description(re.compile("LYON-BAT-B"))
    # the session expires: signed in again, the same account finds its draft
    expire_session(page, urls["list_contracts"], new_order)
    sign_in_here(page, email)
    page.goto(new_order)
    expect(page.get_by_label("Quantité PLB-010")).to_have_value("2")
    # sent, no answer (the network dropped), the page reloaded: the same order sent again is the same request
    keys: list[str] = []
    page.route(lambda url: url.startswith(urls["receive_order"]),
               lambda route: (keys.append(route.request.headers["idempotency-key"]), route.abort()))
    page.get_by_role("button", name="Émettre la commande").click()
    page.wait_for_timeout(500)
    assert len(keys) == 1, keys
    page.unroute_all()
    # the browser's console error for the request this test aborted, and that one only
    dropped = [p for p in app.problems if "net::ERR_FAILED" in p]
    assert len(dropped) == 1, app.problems
    app.problems.remove(dropped[0])
    page.reload()
    expect(page.get_by_label("Quantité PLB-010")).to_have_value("2")
    sent: list[str] = []
    page.on("request", lambda req: sent.append(req.headers.get("idempotency-key"))
            if req.method == "POST" and req.url.startswith(urls["receive_order"]) else None)
    page.get_by_role("button", name="Émettre la commande").click()
    expect(page.get_by_role("heading", name=re.compile(order_id))).to_be_visible()
    assert sent == keys, (sent, keys)
    # its history starts with how it came, once (the request sent twice under one key): typed in the application
    history = page.get_by_role("table", name="Historique").locator("tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text(re.compile(r"Commande reçue de .+ par l'application"))
    # issued: the draft is gone
    page.goto(new_order)
    expect(page.get_by_role("table", name="Prestations du catalogue")).to_be_visible()
    expect(page.get_by_label("Objet", exact=True)).to_have_value("")
    expect(page.get_by_label("Quantité PLB-010")).to_have_value("")
    expect(page.locator("#new-order .draft-note")).to_have_count(0)
    assert page.evaluate(DRAFTS) == []
    # « Demander un devis »: reloaded, found filled in, the contractor picked once its picker is drawn; requested, gone
    page.goto(app.base + "/#/quotes")
    request = page.locator("#request-quote")
    expect(request.get_by_label("Prestataire", exact=True)).to_have_value("ctr-test")
    request.get_by_label("Référence du devis").fill("DV-BROUILLON-M")
    request.get_by_label("Objet", exact=True).fill("Recherche de fuite cage B")
    request.get_by_label("Élément de patrimoine (identifiant)").fill("LYON")
    page.reload()
    expect(request.locator(".draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    expect(request.get_by_label("Objet", exact=True)).to_have_value("Recherche de fuite cage B")
    expect(request.get_by_label("Prestataire", exact=True)).to_have_value("ctr-test")
    expect(request.get_by_label("Marché", exact=True)).to_have_value("AC-2026-017")
    request.get_by_role("button", name="Demander le devis").click()
    expect(page.get_by_role("heading", name=re.compile("Devis DV-BROUILLON-M"))).to_be_visible()
    page.goto(app.base + "/#/quotes")
    expect(request.get_by_label("Objet", exact=True)).to_have_value("")
    expect(request.locator(".draft-note")).to_have_count(0)
    assert page.evaluate(DRAFTS) == []
    page.goto(new_order)
    expect(page.get_by_role("table", name="Prestations du catalogue")).to_be_visible()
    # a new draft, the session expires, and another person of the same space signs in on this tab: nothing of it
    page.get_by_label("Objet", exact=True).fill("Brouillon d'une autre personne")
    expire_session(page, urls["list_contracts"], new_order)
    sign_in_here(page, other_account(app, "manager", "mgr-test"))
    assert page.evaluate(DRAFTS) == []  # forgotten at once, not just hidden
    page.goto(new_order)
    expect(page.get_by_role("table", name="Prestations du catalogue")).to_be_visible()
    expect(page.get_by_label("Objet", exact=True)).to_have_value("")
    expect(page.locator("#new-order .draft-note")).to_have_count(0)


def test_quote_forms_keep_their_drafts_lines_included_and_forget_them_once_sent(app, platform, clean_firestore):
    email, _ = app.user("contractor")
    page = app.sign_in("contractor")
    urls = functions(page)
    raise_url = app.base + "/#/quotes/raise"
    page.goto(raise_url)
    expect(page.get_by_label("Gestionnaire", exact=True)).to_have_value("mgr-test")  # its only client, chosen already
    page.get_by_label("Référence du devis").fill("DV-BROUILLON-1")
    page.get_by_label("Objet", exact=True).fill("Remplacement du ballon d'eau chaude")
    page.get_by_label("Élément de patrimoine (identifiant)").fill("LYON-BAT-A")
    page.get_by_role("button", name="Ajouter une ligne").click()
    for n, (code, label, price) in enumerate([("PLB-010", "Recherche de fuite", "85,00"),
                                              ("PLB-020", "Dépose du ballon", "120,00")], start=1):
        page.get_by_label(f"Ligne {n} : code").fill(code)
        page.get_by_label(f"Ligne {n} : libellé").fill(label)
        page.get_by_label(f"Ligne {n} : quantité").fill("1")
        page.get_by_label(f"Ligne {n} : prix unitaire HT (€)").fill(price)
    page.get_by_label("Valable jusqu'au").fill(fr(dt.date.today() + dt.timedelta(days=30)))
    # reloaded: both lines drawn again and filled in
    page.reload()
    expect(page.locator("#raise-quote .draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    expect(page.get_by_label("Objet", exact=True)).to_have_value("Remplacement du ballon d'eau chaude")
    expect(page.get_by_label("Ligne 2 : libellé")).to_have_value("Dépose du ballon")
    expect(page.get_by_label("Ligne 2 : prix unitaire HT (€)")).to_have_value("120,00")
    app.check(page, "prestataire-devis-brouillon", shot=False)
    # « Vider le formulaire » empties it and forgets the draft; typed again, then proposed
    page.get_by_role("button", name="Vider le formulaire").click()
    expect(page.get_by_label("Objet", exact=True)).to_have_value("")
    assert page.evaluate(DRAFTS) == []
    page.get_by_label("Référence du devis").fill("DV-BROUILLON-1")
    page.get_by_label("Objet", exact=True).fill("Remplacement du ballon d'eau chaude")
    page.get_by_label("Élément de patrimoine (identifiant)").fill("LYON-BAT-A")
    page.get_by_label("Ligne 1 : code").fill("PLB-010")
    page.get_by_label("Ligne 1 : libellé").fill("Recherche de fuite")
    page.get_by_label("Ligne 1 : quantité").fill("1")
    page.get_by_label("Ligne 1 : prix unitaire HT (€)").fill("85,00")
    page.get_by_label("Valable jusqu'au").fill(fr(dt.date.today() + dt.timedelta(days=30)))
    page.reload()
    expect(page.get_by_label("Ligne 1 : libellé")).to_have_value("Recherche de fuite")
    page.get_by_role("button", name="Proposer le devis").click()
    expect(page.get_by_role("heading", name=re.compile("Devis DV-BROUILLON-1"))).to_be_visible()
    # proposed: « Proposer un devis » is empty again
    page.goto(raise_url)
    expect(page.get_by_label("Objet", exact=True)).to_have_value("")
    expect(page.locator("#raise-quote .draft-note")).to_have_count(0)
    # « Réviser le devis »: its draft kept for this quote, gone once the revision is handed in
    page.goto(app.base + "/#/quotes/mgr-test/DV-BROUILLON-1")
    expect(page.get_by_role("heading", name="Réviser le devis (nouvelle version)")).to_be_visible()
    page.locator("#submit-quote").get_by_label("Ligne 1 : quantité").fill("3")
    page.reload()
    expect(page.locator("#submit-quote .draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    expect(page.locator("#submit-quote").get_by_label("Ligne 1 : quantité")).to_have_value("3")
    page.get_by_role("button", name="Remettre la révision").click()
    expect(page.locator("#announcer")).to_have_text("Version 2 remise.", timeout=10000)
    assert page.evaluate(DRAFTS) == []
    # a draft left, the session expires, another contractor signs in on this tab: nothing of it
    page.goto(raise_url)
    page.get_by_label("Objet", exact=True).fill("Brouillon d'une autre personne")
    expire_session(page, urls["list_contracts"], raise_url)
    sign_in_here(page, other_account(app, "contractor", "ctr-test"))
    page.goto(raise_url)
    expect(page.get_by_label("Référence du devis")).to_be_visible()
    expect(page.get_by_label("Objet", exact=True)).to_have_value("")
    expect(page.locator("#raise-quote .draft-note")).to_have_count(0)
    assert page.evaluate(DRAFTS) == []
