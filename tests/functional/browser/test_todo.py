"""« À faire » on the manager's home (A11 daily view, A2 quotes), in Chromium: the block at the top of « Tableau de
bord » counts the quotes submitted awaiting its decision (list_quotes?state=submitted, web/todo_logic.mjs); once a
contractor submits a quote through the API, the list's own « Actualiser » shows one more, with its validity, and the
entry's link opens « Devis » filtered on « remis », that quote listed. axe clean on the home with its block."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import register_beneficiary
from tests.functional.erp import Erp

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

    # And the beneficiary's and the operator's homes have theirs, each entry or « Rien ne vous attend. », axe clean
    register_beneficiary(clean_firestore, "ben-metropole-demo", "Métropole de démonstration")
    for role, name in (("beneficiary", "beneficiaire-a-faire"), ("operator", "operateur-a-faire")):
        page = app.sign_in(role)
        todo = page.get_by_role("region", name="À faire")
        expect(todo.locator("li").first.or_(todo.get_by_text("Rien ne vous attend."))).to_be_visible()
        expect(todo.get_by_text("lecture impossible")).to_have_count(0)
        app.check(page, name, shot=False)
