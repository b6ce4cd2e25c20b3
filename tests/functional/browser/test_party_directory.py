"""The operator's directory in a real browser (A1 spaces, B1 parties, A10 onboarding): « Annuaire » lists the
parties registered through the functions — a contractor connected once its conformance run passed, another
deactivated, a beneficiary with its region, never listed as a manager — filtered by kind and by text; then the
phone incident's « Espace de l'appelant » offers the parties of the caller's role, chosen with the keyboard,
and falls back to a typed id, told why in French, when the list cannot be loaded. axe-core on each."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.functional.browser.late import hold, release, wait_until_held
from tests.functional.erp import Erp
from tests.functional.test_onboarding import contract, register
from tests.sourcing_builders import a_beneficiary


def test_the_operator_reads_the_directory_and_picks_the_caller_of_a_phone_incident(app, platform, firestore_client):
    # Given parties registered through the API: one contractor connected, another deactivated, a beneficiary
    operator = Erp(platform, "operator", "platform")
    register(operator, "mgr-annu", "ctr-annu-ok")
    assert operator.post("register_contractor", {"contractor_id": "ctr-annu-off", "name": "Couverture Annuaire",
                                                 "siret": "73282932000074", "managers": ["mgr-annu"]}).status_code == 201
    # (its conformance run started and never checked: the directory says which step comes next, A10)
    assert Erp(platform, "contractor", "ctr-annu-off").post("start_conformance", {}).status_code == 201
    assert operator.post("deactivate_party", {"kind": "contractor", "id": "ctr-annu-off"}).status_code == 200
    assert operator.post("register_beneficiary", a_beneficiary("ben-annu")).status_code == 201
    # (a third, not connected, whose contract was signed today: its D2 runs, A10)
    assert operator.post("register_contractor", {"contractor_id": "ctr-annu-wait", "name": "Plomberie Attente",
                                                 "siret": "73282932000074", "managers": ["mgr-annu"]}).status_code == 201
    assert Erp(platform, "manager", "mgr-annu").post("upsert_contract", contract("ctr-annu-wait", dt.date.today())
                                                     ).status_code == 201
    firestore_client.document("contractors/ctr-annu-ok").update(
        {"conformance": {"run_id": "3f9c1a7e52b0", "passed_at": dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)}})
    page = app.sign_in("operator")

    # When the operator opens « Annuaire »: the contractors first, how each stands
    page.get_by_role("link", name="Annuaire").click()
    expect(page.get_by_role("heading", name="Annuaire des parties")).to_be_visible()
    contractors = page.get_by_role("table", name="Annuaire — Prestataires")
    expect(contractors.locator("tr[data-party='ctr-annu-ok']")).to_contain_text("raccordé le 01/12/2026")
    expect(contractors.locator("tr[data-party='ctr-annu-ok']")).to_contain_text("Office de démo")  # its manager's name
    expect(contractors.locator("tr[data-party='ctr-annu-ok']")).to_contain_text("actif")
    expect(contractors.locator("tr[data-party='ctr-annu-off']")).to_contain_text("non raccordé")
    expect(contractors.locator("tr[data-party='ctr-annu-wait']")).to_contain_text("Raccordement attendu avant le")
    expect(contractors.locator("tr[data-party='ctr-annu-off'] [data-d2]")).to_have_count(0)  # deactivated: none due
    expect(contractors.locator("tr[data-party='ctr-annu-off']")).to_contain_text("désactivé le")
    expect(contractors.locator("tr[data-party='ctr-annu-off']")).to_contain_text(
        "Prochaine étape : « Réception de la commande » (pas encore tentée)")
    app.check(page, "operateur-annuaire")
    # the text filter keeps the rows whose id or name holds every word typed
    page.get_by_label("Rechercher (identifiant ou raison sociale)").fill("couverture")
    expect(contractors.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("1 prestataire affiché sur ")
    page.get_by_label("Rechercher (identifiant ou raison sociale)").fill("")
    # the beneficiaries, with their region; the managers without the beneficiary's space — chosen while the
    # contractors' list is read again and answers last: that late answer does not fill the beneficiaries' table
    contractors_read = re.compile(r"kind=contractor")
    held = hold(page, contractors_read)
    page.get_by_label("Type de partie").select_option("purchasing_body")
    page.get_by_label("Type de partie").select_option("contractor")
    wait_until_held(page, held, "the contractors' list")
    page.get_by_label("Type de partie").select_option("beneficiary")
    beneficiaries = page.get_by_role("table", name="Annuaire — Bénéficiaires")
    expect(beneficiaries.locator("tr[data-party='ben-annu']")).to_contain_text("Auvergne-Rhône-Alpes (84)")
    release(page, held, contractors_read)
    expect(beneficiaries.locator("tr[data-party='ctr-annu-ok']")).to_have_count(0)
    expect(beneficiaries.locator("tr[data-party='ben-annu']")).to_contain_text("Auvergne-Rhône-Alpes (84)")
    page.get_by_label("Type de partie").select_option("manager")
    managers = page.get_by_role("table", name="Annuaire — Gestionnaires")
    expect(managers.locator("tr[data-party='mgr-annu']")).to_contain_text("69")
    expect(managers.locator("tr[data-party='ben-annu']")).to_have_count(0)
    app.check(page, "operateur-annuaire-gestionnaires", shot=False)

    # When it enters a call from a contractor: the caller's space is chosen among the contractors, by keyboard
    page.get_by_role("link", name="Incidents").click()
    phone = page.get_by_role("form", name="Saisir un signalement reçu par téléphone")
    phone.get_by_label("Rôle de l'appelant").select_option("contractor")
    caller = phone.get_by_label("Espace de l'appelant")
    # the option by name (short enough for a phone; its id beside it only for a homonym), the id under the field once chosen
    expect(caller.locator("option[value='ctr-annu-ok']")).to_have_text(re.compile(r"^Entreprise de démo( — ctr-annu-ok)?$"))
    expect(caller.locator("option[value='mgr-annu']")).to_have_count(0)  # the managers' list is another
    caller.focus()
    page.keyboard.press("End")
    expect(caller).to_have_value("ctr-titulaire")
    caller.select_option("ctr-annu-ok")
    expect(caller).to_have_accessible_description(re.compile("Partie choisie : Entreprise de démo — ctr-annu-ok"))
    phone.get_by_label("Titre", exact=True).fill("ERP sans réponse")
    phone.get_by_label("Description", exact=True).fill("Le prestataire ne reçoit plus les commandes.")
    phone.get_by_role("button", name="Enregistrer le signalement téléphonique").click()
    expect(page.locator("p.result.outcome")).to_contain_text("« ERP sans réponse »")
    expect(page.locator("tr[data-incident]", has_text="ERP sans réponse")).to_contain_text("Entreprise de démo — ctr-annu-ok (prestataire)")
    app.check(page, "operateur-incident-appelant", shot=False)

    # When the lists cannot be loaded, it is told so in French and types the caller's space instead
    def the_lists(url: str) -> bool:
        return "?kind=" in url  # list_parties, wherever the stack serves it

    page.route(the_lists, lambda route: route.fulfill(status=503, body=""))
    page.get_by_role("link", name="Annuaire").click()
    page.get_by_role("link", name="Incidents").click()
    phone = page.get_by_role("form", name="Saisir un signalement reçu par téléphone")
    expect(phone.locator("#reporter_tenant-list-error")).to_have_text(
        "La liste des gestionnaires n'a pas pu être chargée (erreur 503) : saisissez l'identifiant du gestionnaire.")
    expect(phone.get_by_role("textbox", name="Espace de l'appelant")).to_be_editable()
    app.check(page, "operateur-incident-appelant-saisi", shot=False)
    page.unroute(the_lists)
    injected = [p for p in app.problems if "status of 503" in p]
    assert injected, app.problems
    for problem in injected:
        app.problems.remove(problem)
