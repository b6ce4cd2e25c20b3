"""« À faire » on the manager's home (A11 daily view, A2 quotes), in Chromium: the block at the top of « Tableau de
bord » counts the quotes submitted awaiting its decision (list_quotes?state=submitted, web/todo_logic.mjs); once a
contractor submits a quote through the API, the list's own « Actualiser » shows one more, with its validity, and the
entry's link opens « Devis » filtered on « remis », that quote listed. The beneficiary's deliverable « remis »
(B11) counted and followed to its mission; the manager's catalogue reviews due (A14) followed to « Marchés »
filtered; the purchasing body's home with nothing waiting (B1, B17). axe clean on the home with its block."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import register_beneficiary
from tests.functional.erp import Erp
from tests.pdfs import a_pdf

pytestmark = pytest.mark.emulators

LINE = {"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": "1", "unit": "U",
        "unit_price_cents": 8500}


def submitted(erp: Erp) -> int:
    """How many quotes of the manager's space are « remis », as list_quotes answers it."""
    read = requests.get(erp.stack.url("list_quotes") + "/", params={"state": "submitted", "limit": "50"},
                        headers={"Authorization": f"Bearer {erp.token}"}, timeout=30)
    assert read.status_code == 200, read.text
    return len(read.json()["quotes"])


def waiting_text(count: int) -> str:
    return "1 devis remis attend votre décision" if count == 1 else f"{count} devis remis attendent votre décision"


def test_the_managers_todo_counts_a_quote_the_contractor_submits_and_links_to_the_quotes_filtered(app, platform):
    # Given a quote the manager requested of ctr-test, not answered yet
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    requested = manager.post("request_quote", {"quote_id": "DV-TODO-1", "contract_id": "AC-2026-017",
                                               "contractor_id": "ctr-test", "title": "Fuite sous évier",
                                               "site": {"node_id": "LYON-BAT-A"}})
    assert requested.status_code == 201, requested.text
    before = submitted(manager)

    # When the manager opens its home: « À faire » on top, a section named by its heading
    page = app.sign_in("manager")
    todo = page.get_by_role("region", name="À faire")
    expect(todo).to_be_visible()
    entry = todo.locator("li[data-todo='quotes_to_decide']")
    if before:
        expect(entry).to_contain_text(waiting_text(before))
    else:
        expect(todo.locator("li").first.or_(todo.get_by_text("Rien ne vous attend."))).to_be_visible()
        expect(entry).to_have_count(0)

    # When the contractor answers through the API and the manager refreshes its list
    valid_until = (dt.date.today() + dt.timedelta(days=30))
    answered = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-TODO-1",
                                                "valid_until": valid_until.isoformat(), "lines": [LINE]})
    assert answered.status_code == 200, answered.text
    after = submitted(manager)
    assert after == before + 1
    page.locator("#main").get_by_role("button", name="Actualiser").click()

    # Then its « À faire » says one more quote waits on it, with the nearest validity
    expect(entry).to_contain_text(waiting_text(after))
    if after == 1:
        expect(entry).to_contain_text(f"fin de validité : {valid_until.strftime('%d/%m/%Y')}")
    expect(todo.get_by_text("Rien ne vous attend.")).to_be_hidden()
    app.check(page, "gestionnaire-a-faire", shot=False)

    # And its link opens « Devis » filtered on « remis », the quote listed
    entry.get_by_role("link").click()
    expect(page).to_have_url(f"{app.base}/#/quotes?state=submitted")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Devis")
    expect(page.get_by_label("État")).to_have_value("submitted")
    expect(page.locator("#main table")).to_contain_text("DV-TODO-1")
    expect(page.get_by_role("link", name="Devis", exact=True)).to_have_attribute("aria-current", "page")


def test_the_contractors_todo_counts_a_quote_to_answer_with_its_due_and_every_home_has_its_block(app, platform,
                                                                                               clean_firestore):
    """The contractor's quote to answer (D3), then the beneficiary's, the operator's and the purchasing body's homes
    each with its block."""
    # Given a quote the manager requested of ctr-test (D3: its answer due at answer_due_at)
    manager = Erp(platform, "manager", "mgr-test")
    requested = manager.post("request_quote", {"quote_id": "DV-TODO-2", "contract_id": "AC-2026-017",
                                               "contractor_id": "ctr-test", "title": "Robinet qui goutte",
                                               "site": {"node_id": "LYON-BAT-A"}})
    assert requested.status_code == 201, requested.text

    # When the contractor opens « Mes commandes »: « À faire » counts it, with when its answer is due
    page = app.sign_in("contractor")
    todo = page.get_by_role("region", name="À faire")
    entry = todo.locator("li[data-todo='quotes_to_answer']")
    expect(entry).to_contain_text("devis demandé")
    expect(entry).to_contain_text("date limite de réponse : ")
    app.check(page, "prestataire-a-faire", shot=False)
    # And its link opens « Devis » filtered on « demandé », the quote listed
    entry.get_by_role("link").click()
    expect(page).to_have_url(f"{app.base}/#/quotes?state=requested")
    expect(page.get_by_label("État")).to_have_value("requested")
    expect(page.locator("#main table")).to_contain_text("DV-TODO-2")

    # And the purchasing body's (B1, B17): nothing waits on it — « Rien ne vous attend. » and what it consults, with
    # no read; a link followed (before the bare beneficiary record below, which its report cannot read)
    page = app.sign_in("purchasing_body")
    todo = page.get_by_role("region", name="À faire")
    expect(todo).to_contain_text("Rien ne vous attend.")
    expect(todo.get_by_role("link")).to_have_count(4)
    app.check(page, "centrale-a-faire", shot=False)
    todo.get_by_role("link", name="Rapports semestriels").click()
    expect(page).to_have_url(f"{app.base}/#/half-years")
    expect(page.get_by_role("link", name="Rapports semestriels", exact=True)).to_have_attribute("aria-current", "page")

    # And the beneficiary's and the operator's homes have theirs, each entry or « Rien ne vous attend. », axe clean
    register_beneficiary(clean_firestore, "ben-metropole-demo", "Métropole de démonstration")
    for role, name in (("beneficiary", "beneficiaire-a-faire"), ("operator", "operateur-a-faire")):
        page = app.sign_in(role)
        todo = page.get_by_role("region", name="À faire")
        expect(todo.locator("li").first.or_(todo.get_by_text("Rien ne vous attend."))).to_be_visible()
        expect(todo.get_by_text("lecture impossible")).to_have_count(0)
        app.check(page, name, shot=False)


def test_the_beneficiarys_todo_counts_a_deliverable_delivered_and_links_to_its_mission(app, platform):
    """B11 mission follow-up: a deliverable the titulaire delivers waits on the beneficiary's decision — « À faire »
    counts it (list_needs?deliverables=delivered) and its link opens the mission, the deliverable « remis » there."""
    from tests.functional.browser.test_deliverable_journey import BENEFICIARY, a_framed_mission

    # Given the beneficiary's framed mission, and j1's « Cahier de recette » delivered by the titulaire (API)
    mission_id, order_id = a_framed_mission(platform)
    titulaire = Erp(platform, "contractor", "ctr-titulaire")
    delivered = requests.post(platform.url("store_report") + "/", timeout=30,
                              headers={"Authorization": f"Bearer {titulaire.token}", "Idempotency-Key": uuid.uuid4().hex},
                              data={"manager_id": BENEFICIARY, "order_id": order_id, "kind": "deliverable",
                                    "milestone_id": "j1", "deliverable": "Cahier de recette"},
                              files={"file": ("cahier.pdf", a_pdf(f"Cahier — {order_id}"), "application/pdf")})
    assert delivered.status_code in (200, 201), delivered.text

    # When the beneficiary opens « Mes besoins »: « À faire » counts the deliverable awaiting its decision
    page = app.sign_in("beneficiary")
    todo = page.get_by_role("region", name="À faire")
    entry = todo.locator("li[data-todo='deliverables_to_decide']")
    expect(entry).to_contain_text("1 livrable remis attend votre décision")
    app.check(page, "beneficiaire-a-faire-livrable", shot=False)
    # And its link opens that mission, where the deliverable is « remis » with « Accepter »
    entry.get_by_role("link").click()
    expect(page).to_have_url(f"{app.base}/#/missions/{mission_id}")
    expect(page.locator("#main")).to_contain_text("Cahier de recette — remis")
    expect(page.get_by_role("button", name="Accepter").first).to_be_visible()


def test_the_managers_todo_counts_the_catalogue_reviews_due_and_links_to_the_contracts_filtered(app, clean_firestore):
    """A14 service-code catalogue: two of the manager's contracts whose six-monthly review is due — one past, one in
    ten days — and a third reviewed lately; « À faire » counts the two, with the nearest review passed, and its link
    opens « Marchés » showing those two alone, with their « Prochaine revue »."""
    from shared.domain.catalogue import ReviewState

    today = dt.date.today()
    clean_firestore.document("managers/mgr-test/contracts/AC-2026-018").set({
        "contract_id": "AC-2026-018", "contractor_id": "ctr-test", "status": "active", "starts_on": "2021-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    clean_firestore.document("managers/mgr-test/contracts/AC-2026-019").set({
        "contract_id": "AC-2026-019", "contractor_id": "ctr-test", "status": "active", "starts_on": "2022-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
    for contract_id, reviewed in (("AC-2026-017", dt.date(today.year - 1, 1, 1)),
                                  ("AC-2026-018", today - dt.timedelta(days=172)),
                                  ("AC-2026-019", today - dt.timedelta(days=10))):
        state = ReviewState.after_review(None, "mgr-test", contract_id, "ctr-test", reviewed)
        clean_firestore.document(f"managers/mgr-test/catalogue_reviews/{contract_id}").set(state.model_dump(mode="json"))
    past = ReviewState.after_review(None, "mgr-test", "AC-2026-017", "ctr-test", dt.date(today.year - 1, 1, 1))

    # When the manager opens its home: « À faire » counts the two reviews due, the nearest passed
    page = app.sign_in("manager")
    entry = page.get_by_role("region", name="À faire").locator("li[data-todo='catalogue_reviews']")
    expect(entry).to_contain_text("2 catalogues de marché à revoir (revue semestrielle)")
    expect(entry).to_contain_text(f"revue semestrielle la plus proche dépassée : "
                                  f"{past.review_due_on.strftime('%d/%m/%Y')}")
    # And its link opens « Marchés » with those two alone, « Marchés » current in the header
    entry.get_by_role("link").click()
    expect(page).to_have_url(f"{app.base}/#/contracts?review=due")
    contracts = page.get_by_role("table", name="Marchés")
    expect(contracts.locator("tbody tr")).to_have_count(2)
    expect(contracts).to_contain_text("AC-2026-018")
    expect(contracts).not_to_contain_text("AC-2026-019")
    expect(page.get_by_role("link", name="Marchés", exact=True)).to_have_attribute("aria-current", "page")
    app.check(page, "gestionnaire-revues-dues", shot=False)
    page.get_by_role("link", name="Voir tous les marchés").click()
    expect(contracts.locator("tbody tr")).to_have_count(3)
