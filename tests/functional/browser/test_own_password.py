"""B5 accounts, B15 protection of identities in Chromium: a person given a temporary password by the
operator is taken straight to « Choisissez votre mot de passe » at first sign-in, chooses its own (a weak
one refused next to its field), carries on; then changes it again from « Mon mot de passe ». axe-core on
both screens."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.functional.erp import Erp
from tests.functional.people import TEMPORARY_PASSWORD, sign_in

pytestmark = pytest.mark.emulators

EMAIL = "premiere.connexion@test.demo"
OWN, AGAIN = "Mon-Secret-A-Moi-2026", "Encore-Un-Autre-2026!"


def note_of(page, label: str):
    """The error note of the input labelled ``label`` (its aria-describedby)."""
    ids = page.get_by_label(label, exact=True).get_attribute("aria-describedby").split()
    return page.locator(f"#{ids[-1]}")


def test_a_temporary_password_is_replaced_at_first_sign_in_then_changed_from_my_password(app, platform):
    from playwright.sync_api import TimeoutError  # noqa: F401  (Playwright is imported lazily, as in conftest)

    # Given an account the operator created with a temporary password
    created = Erp(platform, "operator", "platform").post("manage_account", {
        "email": EMAIL, "display_name": "Première connexion", "role": "manager", "tenant": "mgr-test",
        "password": TEMPORARY_PASSWORD})
    assert created.status_code == 200, created.text
    context = app.browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US",
                                      timezone_id="Europe/Paris")
    app.contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: app.problems.append(f"page error: {e}"))
    # When its user signs in with it, from the keyboard
    page.goto(app.base + "/")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(TEMPORARY_PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    # Then it goes straight to « Choisissez votre mot de passe », the rule shown, and nothing else
    expect(page.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
    expect(page.get_by_text("12 caractères au moins").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_have_count(0)
    assert page.get_by_label("Nouveau mot de passe", exact=True).get_attribute("autocomplete") == "new-password"
    app.check(page, "mot-de-passe-provisoire", shot=False)
    # When it types a weak password, and two different ones
    page.get_by_label("Nouveau mot de passe", exact=True).fill("motdepasse")
    page.get_by_label("Nouveau mot de passe, encore une fois").fill("autre")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    # Then each error is shown next to its field, in French, and the first field gets the focus
    expect(note_of(page, "Nouveau mot de passe")).to_contain_text("Mot de passe trop faible")
    expect(note_of(page, "Nouveau mot de passe, encore une fois")).to_contain_text("diffèrent")
    expect(page.get_by_label("Nouveau mot de passe", exact=True)).to_be_focused()
    assert sign_in(platform, EMAIL, TEMPORARY_PASSWORD).status_code == 200  # nothing was sent
    # When it types a strong one twice and presses Enter
    page.get_by_label("Nouveau mot de passe", exact=True).fill(OWN)
    page.get_by_label("Nouveau mot de passe, encore une fois").fill(OWN)
    page.get_by_label("Nouveau mot de passe, encore une fois").press("Enter")
    # Then it carries on to its dashboard, signed in with its own password; the temporary one is gone
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    assert sign_in(platform, EMAIL, TEMPORARY_PASSWORD).status_code == 400
    assert sign_in(platform, EMAIL, OWN).status_code == 200
    # When it opens « Mon mot de passe » from the header and gives a wrong current password
    page.get_by_role("link", name="Mon mot de passe").click()
    expect(page.get_by_role("heading", name="Mon mot de passe")).to_be_visible()
    assert page.get_by_label("Mot de passe actuel").get_attribute("autocomplete") == "current-password"
    app.check(page, "mon-mot-de-passe", shot=False)
    page.get_by_label("Mot de passe actuel").fill("Pas-Le-Bon-2026")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(AGAIN)
    page.get_by_label("Nouveau mot de passe, encore une fois").fill(AGAIN)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    # Then it is told next to that field
    expect(note_of(page, "Mot de passe actuel")).to_contain_text("Mot de passe actuel incorrect")
    # When it gives the right one
    page.get_by_label("Mot de passe actuel").fill(OWN)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    # Then the password is changed, and the app is still signed in
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe est changé")
    assert sign_in(platform, EMAIL, OWN).status_code == 400
    assert sign_in(platform, EMAIL, AGAIN).status_code == 200
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
