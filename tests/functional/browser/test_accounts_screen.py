"""B5 accounts and rights in Chromium: the operator's « Comptes » — a contractor picked among the registered
parties, an account created directly for one of its people, listed with its rights, then disabled (its token
refused at its next call) and enabled again. axe-core on the screen."""

from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from tests.functional.browser.late import hold, release, wait_until_held
from tests.functional.erp import Erp  # noqa: F401  (the stack's parties are registered by clean_firestore)
from tests.functional.people import sign_in


def test_the_operator_creates_then_disables_and_enables_a_contractors_persons_account(app, platform):
    email = f"chef.equipe.{uuid.uuid4().hex[:8]}@test.demo"
    page = app.sign_in("operator")
    # When the operator opens « Comptes » and picks a contractor
    page.get_by_role("link", name="Comptes").click()
    expect(page.get_by_role("heading", name="Comptes des personnes")).to_be_visible()
    page.get_by_label("Partie", exact=True).select_option("ctr-test")
    creation = page.get_by_role("form", name="Créer un compte (prestataire — ctr-test)")
    expect(creation).to_be_visible()
    # and creates an account for one of its people, a too short password refused before sending
    creation.get_by_label("Adresse e-mail").fill(email)
    creation.get_by_label("Nom", exact=True).fill("Chef d'équipe")
    creation.get_by_label("Mot de passe provisoire").fill("court")
    creation.get_by_role("button", name="Créer le compte").click()
    expect(creation).to_contain_text("trop court")
    creation.get_by_label("Mot de passe provisoire").fill("Provisoire-Equipe-2026")
    creation.get_by_label("lire les commandes (orders.read)").check()
    creation.get_by_role("button", name="Créer le compte").click()
    expect(creation.get_by_role("status")).to_contain_text("compte créé")
    # Then it is listed with its rights, active, its password temporary
    row = page.locator(f"tr[data-account='{email}']")
    expect(row).to_contain_text("lire les commandes")
    expect(row).to_contain_text("actif")
    expect(row).to_contain_text("provisoire")
    app.check(page, "operateur-comptes", shot=False)
    token = sign_in(platform, email, "Provisoire-Equipe-2026").json()["idToken"]
    # When it disables the account
    row.get_by_role("button", name="Désactiver").click()
    expect(page.locator(f"tr[data-account='{email}']")).to_contain_text("désactivé le")
    # Then the person's token is refused, saying why, and it cannot sign in
    refused = requests.get(platform.url("list_orders") + "/", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert refused.status_code == 401 and refused.json()["errors"][0]["code"] == "ACCOUNT_DISABLED"
    assert sign_in(platform, email, "Provisoire-Equipe-2026").status_code == 400
    # When it enables it again, the person signs in again
    page.locator(f"tr[data-account='{email}']").get_by_role("button", name="Réactiver").click()
    expect(page.locator(f"tr[data-account='{email}']").get_by_role("button", name="Désactiver")).to_be_visible()
    assert sign_in(platform, email, "Provisoire-Equipe-2026").status_code == 200


def test_a_party_picked_while_anothers_accounts_are_read_shows_its_own_accounts(app):
    page = app.sign_in("operator")
    page.get_by_role("link", name="Comptes").click()
    expect(page.get_by_role("heading", name="Comptes des personnes")).to_be_visible()
    # When the operator picks ctr-test, whose accounts are slow to come, then ctr-other
    first_read = re.compile(r"[?&]tenant=ctr-test")
    held = hold(page, first_read)
    page.get_by_label("Partie", exact=True).select_option("ctr-test")
    wait_until_held(page, held, "ctr-test's accounts")
    page.get_by_label("Partie", exact=True).select_option("ctr-other")
    expect(page.get_by_role("table", name="Comptes de ctr-other")).to_be_visible()
    # Then ctr-test's accounts, answering last, neither replace ctr-other's nor its creation form
    release(page, held, first_read)
    expect(page.get_by_role("table", name="Comptes de ctr-test")).to_have_count(0)
    expect(page.get_by_role("table", name="Comptes de ctr-other")).to_be_visible()
    expect(page.get_by_role("form", name="Créer un compte (prestataire — ctr-other)")).to_be_visible()
    # the count says ctr-other's, in plain French (« 1 compte de Nom (ctr-other). », never « compte(s) »)
    expect(page.get_by_text(re.compile(r"^\d+ comptes? de "))).to_have_text(
        re.compile(r"^(0 compte|1 compte|\d+ comptes) de (.+ \(ctr-other\)|ctr-other)\.$"))
