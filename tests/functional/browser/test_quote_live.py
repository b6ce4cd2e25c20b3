"""A11 real-time view of one quote, in Chromium (A2 quotes, B16): the manager's quote screen, open, shows the
contractor's answer made through the API without a reload (it reads the quote again every refresh_seconds while
shown: web/quotes.mjs, renderQuote), and never under the user's hand — once « Motif » is typed in, a revision offers
« Actualiser » and « Ce devis vient de changer » instead, the reason typed surviving it; and a decision on a version
revised since is refused by the platform (QUOTE_VERSION_CHANGED), the screen saying so and showing the quote as it is."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from playwright.sync_api import expect

from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

POLL = 25_000  # ms: refresh_seconds (15 s on the functional stack) and the read
LINE = {"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": "1", "unit": "U",
        "unit_price_cents": 8500}


def stored(erp: Erp, quote_id: str) -> tuple[str, int | None]:
    """The quote's state and current version as get_quote answers the manager."""
    read = requests.get(erp.stack.url("get_quote") + "/", params={"quote_id": quote_id},
                        headers={"Authorization": f"Bearer {erp.token}"}, timeout=30)
    assert read.status_code == 200, read.text
    return read.json()["state"], read.json()["current_version"]


def test_the_quote_screen_shows_the_contractors_answer_without_reload_and_never_under_the_users_hand(app, platform):
    # Given a quote the manager requested of ctr-test, its screen open
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    requested = manager.post("request_quote", {"quote_id": "DV-QLIVE-1", "contract_id": "AC-2026-017",
                                               "contractor_id": "ctr-test", "title": "Fuite en gaine",
                                               "site": {"node_id": "LYON-BAT-A"}})
    assert requested.status_code == 201, requested.text
    valid_until = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    def revise(quantity: str) -> None:
        """The contractor's answer or revision through the API (its ERP, not a screen)."""
        answered = contractor.post("submit_quote", {"manager_id": "mgr-test", "quote_id": "DV-QLIVE-1",
                                                    "valid_until": valid_until, "lines": [{**LINE, "quantity": quantity}]})
        assert answered.status_code == 200, answered.text

    page = app.sign_in("manager")
    page.goto(f"{app.base}/#/quotes/mgr-test/DV-QLIVE-1")
    facts = page.locator("#main dl")
    expect(facts).to_contain_text("demandé")
    expect(page.locator("#quote-live")).to_contain_text("actualisation toutes les 15 s")
    versions = page.get_by_role("table", name="Comparaison des versions")
    expect(versions).to_have_count(0)

    # When the contractor answers through the API: the open screen shows version 1 « remis » and « Accepter » without a
    # reload, nothing held back
    revise("1")
    expect(versions).to_contain_text("Version 1", timeout=POLL)
    expect(facts).to_contain_text("remis")
    decision = page.locator("#quote-decision")
    expect(decision.get_by_role("button", name="Accepter")).to_be_visible()
    expect(page.locator("#quote-changed")).to_be_hidden()

    # But once « Motif » is typed in, a revision is not drawn over it: « Ce devis vient de changer » and « Actualiser »
    reason = decision.get_by_label("Motif", exact=True)
    reason.fill("Conforme au bordereau")
    reason.blur()
    revise("2")
    expect(page.locator("#quote-changed")).to_be_visible(timeout=POLL)
    expect(page.locator("#quote-changed")).to_contain_text("Ce devis vient de changer")
    expect(versions).not_to_contain_text("Version 2")
    expect(reason).to_have_value("Conforme au bordereau")
    app.check(page, "gestionnaire-devis-a-change", shot=False)
    # and « Actualiser » shows version 2, the reason typed still there
    page.locator("#quote-changed").get_by_role("button", name="Actualiser").click()
    expect(versions).to_contain_text("Version 2")
    expect(page.locator("#quote-changed")).to_be_hidden()
    expect(decision.get_by_label("Motif", exact=True)).to_have_value("Conforme au bordereau")

    # When the contractor revises again and the manager accepts before the screen showed it: the platform refuses the
    # decision on version 2 (409 QUOTE_VERSION_CHANGED), the screen says nothing was recorded and shows version 3
    revise("3")
    decision.get_by_role("button", name="Accepter").click()
    stale = page.locator("#quote-stale")
    expect(stale).to_contain_text("Rien n'a été enregistré : ce devis a changé entre-temps (le prestataire a remis "
                                  "la version 3)")
    expect(versions).to_contain_text("Version 3")
    expect(decision).to_contain_text("sa version en cours est la version 3, pas la version 2")
    expect(decision.get_by_label("Motif", exact=True)).to_have_value("Conforme au bordereau")
    assert stored(manager, "DV-QLIVE-1") == ("submitted", 3)
    refused = [p for p in app.problems if "status of 409" in p]  # the browser logs the refusal: expected, once
    assert len(refused) == 1, app.problems
    app.problems.remove(refused[0])
    # And accepting again decides on version 3, the one now shown
    decision.get_by_role("button", name="Accepter").click()
    expect(facts).to_contain_text("accepté")
    expect(page.locator("#quote-decision")).to_have_count(0)
    assert stored(manager, "DV-QLIVE-1") == ("accepted", 3)
