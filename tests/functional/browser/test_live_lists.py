"""A11 real-time view of the lists no order stream carries, in Chromium: « Devis » and the beneficiary's « Mes besoins »,
open, show a change another party makes through the API without a reload (each reads its page again every
refresh_seconds while shown: web/live_list.mjs), the changed row highlighted — and never under the user's hand: a form
being typed in stays as it is, and a row holding the focus is not replaced until « Actualiser »."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from devtools import seed
from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.sourcing.messages import SubmitNeed
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.service.sourcing import needs, paths, pool
from shared.service.transaction import transact
from tests.builders import issue_order_body
from tests.fakes import FixedClock
from tests.functional.erp import Erp
from tests.sourcing_builders import a_beneficiary, a_need_content, a_professional

pytestmark = pytest.mark.emulators

POLL = 25_000  # ms: refresh_seconds (15 s on the functional stack) and the read
LINES = [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": "1", "unit": "U",
          "unit_price_cents": 8500}]
BENEFICIARY = seed.BENEFICIARY["beneficiary_id"]  # the web app's beneficiary account (browser/conftest.py)


def test_the_quotes_list_shows_a_quote_answered_elsewhere_without_reload_and_never_under_the_users_hand(app, platform):
    # Given a quote the manager requested of ctr-test, and the manager's « Devis » open
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    requested = manager.post("request_quote", {"quote_id": "DV-LIVE-1", "contract_id": "AC-2026-017",
                                               "contractor_id": "ctr-test", "title": "Colonne d'eau",
                                               "site": {"node_id": "LYON-BAT-A"}})
    assert requested.status_code == 201, requested.text
    page = app.sign_in("manager")
    page.get_by_role("link", name="Devis", exact=True).click()
    row = page.locator("tr[data-quote='DV-LIVE-1']")
    expect(row).to_contain_text("demandé")
    expect(page.locator(".list-live .status")).to_contain_text("Actualisé à")
    expect(page.locator(".list-live .status")).to_contain_text("actualisation toutes les")
    # and the manager typing a new request meanwhile, the cursor in « Objet »
    form = page.locator("#request-quote")
    # (« Marché »: its only contractor chosen, that contractor's only contract filled in, and suggested named with it)
    expect(form.get_by_label("Marché", exact=True)).to_have_value("AC-2026-017")
    expect(form.locator("datalist option[value='AC-2026-017']")).to_have_attribute(
        "label", re.compile(r"^AC-2026-017 — \S"))  # its contractor by name (its id when unnamed, as here)
    form.get_by_label("Référence du devis").fill("DV-EN-COURS")
    form.get_by_label("Objet", exact=True).fill("Robinet du hall")
    valid_until = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    # When the contractor answers through the API
    answer = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-LIVE-1",
                                              "valid_until": valid_until, "lines": LINES})
    assert answer.status_code == 200, answer.text
    # Then the open list shows it « remis », version 1, highlighted and said changed, without a reload
    expect(row).to_contain_text("remis", timeout=POLL)
    expect(row).to_have_class("changed")
    expect(row).to_contain_text("vient de changer")
    expect(row.locator("td").nth(4)).to_have_text("1")
    # and the form being typed in is as it was, the focus still in it
    expect(form.get_by_label("Référence du devis")).to_have_value("DV-EN-COURS")
    expect(form.get_by_label("Objet", exact=True)).to_have_value("Robinet du hall")
    expect(form.get_by_label("Objet", exact=True)).to_be_focused()
    app.check(page, "gestionnaire-devis-en-direct")

    # But while the focus is on the changed row's link, a revision is not drawn over it: the status line says the list
    # changed, and « Actualiser » shows it
    row.get_by_role("link", name="DV-LIVE-1").focus()
    revised = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-LIVE-1",
                                               "valid_until": valid_until, "lines": [{**LINES[0], "quantity": "2"}]})
    assert revised.status_code == 200, revised.text
    expect(page.locator(".list-live .status")).to_contain_text("Des devis ont changé", timeout=POLL)
    expect(row.locator("td").nth(4)).to_have_text("1")
    expect(row.get_by_role("link", name="DV-LIVE-1")).to_be_focused()
    page.locator(".list-live").get_by_role("button", name="Actualiser").click()
    expect(row.locator("td").nth(4)).to_have_text("2")
    expect(page.locator(".list-live .status")).not_to_contain_text("Des devis ont changé")


def test_the_dashboard_offers_actualiser_as_the_quotes_list_does_and_it_reads_the_page_again(app, platform):
    # Given two orders of the manager, and its dashboard open, following the order stream
    manager = Erp(platform, "manager", "mgr-test")
    for order_id in ("BC-ACT-1", "BC-ACT-2"):
        assert manager.post("receive_order", issue_order_body(order_id, title=f"Fuite {order_id}")).status_code == 201
    page = app.sign_in("manager")
    expect(page.locator("tr[data-order]")).to_have_count(2)
    live = page.locator(".list-live")
    expect(live.locator("p.status")).to_contain_text("Actualisé à")
    page.wait_for_timeout(1000)  # the page's one re-read after the stream opened is done
    # When the manager presses « Actualiser », beside the line saying when the list was read
    with page.expect_request(lambda r: r.url.startswith(platform.url("list_orders")) and "order_id=" not in r.url):
        live.get_by_role("button", name="Actualiser").click()
    # Then the page is read again, its rows as they were, and the status line still says when it was read
    expect(page.locator("tr[data-order]")).to_have_count(2)
    expect(live.locator("p.status")).to_contain_text("Actualisé à")
    expect(page.locator("main .errors")).to_have_count(0)


def proposable_need(firestore, need_id: str) -> None:
    """A need of the web app's beneficiary, ranked (pro-anne first), waiting for the operator's proposals: written
    through the platform's services, as tests/functional/test_reporting.py's History does."""
    uow = FirestoreUnitOfWork(firestore)
    today = dt.date.today()
    pool.register_beneficiary(Beneficiary.model_validate(
        a_beneficiary(BENEFICIARY, territory=seed.BENEFICIARY["territory"], requires_conflict_declaration=False),
        strict=False), uow)
    pool.upsert_professional(Professional.model_validate(a_professional("pro-anne", availability=[
        {"start": (today - dt.timedelta(days=30)).isoformat(), "end": (today + dt.timedelta(days=200)).isoformat()}]),
        strict=False), uow)
    start = today + dt.timedelta(days=30)
    needs.submit_need(BENEFICIARY, SubmitNeed.model_validate({"need_id": need_id, "content": a_need_content(
        start_date=start.isoformat(), end_date=(start + dt.timedelta(days=90)).isoformat())}, strict=False), uow,
        FixedClock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))

    def scored() -> None:  # what score_candidates leaves behind (its own tests cover it): a result, the need scored
        uow.create(paths.result(BENEFICIARY, need_id, 1), {"need_id": need_id, "version": 1, "candidates": [
            {"professional_id": "pro-anne", "name": "pro-anne", "rank": 1, "total": 0.9, "partial": False,
             "missed": [], "explanation": "Correspond au besoin", "daily_rate_cents": 65_000}]})
        uow.get(paths.need(BENEFICIARY, need_id))
        uow.update(paths.need(BENEFICIARY, need_id), {"status": "scored"})

    transact(uow, scored)


def test_the_needs_list_shows_the_operators_proposal_without_reload(app, platform, clean_firestore):
    # Given the beneficiary's ranked need, and its « Mes besoins » open
    proposable_need(clean_firestore, "BES-LIVE-1")
    page = app.sign_in("beneficiary")
    expect(page.get_by_role("heading", name="Mes besoins")).to_be_visible()
    row = page.locator("tr[data-need='BES-LIVE-1']")
    expect(row.locator("td").nth(3)).to_have_text("0")
    expect(page.locator(".list-live .status")).to_contain_text("Actualisé à")
    status_before = row.locator("td").nth(2).inner_text()

    # When the operator proposes a professional through the API
    proposed = Erp(platform, "operator", "platform").post("propose_professionals", {
        "beneficiary_id": BENEFICIARY, "need_id": "BES-LIVE-1", "version": 1,
        "proposals": [{"professional_id": "pro-anne", "guaranteed_until": "2099-12-31"}]})
    assert proposed.status_code == 200, proposed.text
    # Then the open list shows the proposal and the need's new status, highlighted, without a reload
    expect(row.locator("td").nth(3)).to_have_text("1", timeout=POLL)
    expect(row.locator("td").nth(2)).not_to_have_text(status_before)
    expect(row).to_have_class("changed")
    app.check(page, "beneficiaire-besoins-en-direct")

    # And once the screen is left, the list is no longer read
    url = page.evaluate("async () => (await (await fetch('config.json')).json()).functions")["list_needs"]
    reads: list[str] = []
    page.on("request", lambda r: reads.append(r.url) if r.url.startswith(url) else None)
    page.get_by_role("link", name="Incidents", exact=True).click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    page.wait_for_timeout(POLL - 8_000)  # more than refresh_seconds
    assert reads == []
