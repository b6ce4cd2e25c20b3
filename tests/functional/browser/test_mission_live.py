"""A11 real-time view of a mission in Chromium: the beneficiary's mission screen, open, shows a timesheet the titulaire
records elsewhere (through the API) without a reload — the timesheet moves its order's change marker, which the
screen follows on watch_orders — and the redraw still never replaces what the user is typing: « Actualiser »
instead once a form on it is touched."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from devtools import seed
from shared.service.sourcing import missions
from tests.functional.browser.missions import frame_started_mission
from tests.functional.erp import Erp
from tests.functional.test_reporting import TITULAIRE

pytestmark = pytest.mark.emulators

BENEFICIARY = seed.BENEFICIARY["beneficiary_id"]  # the web app's beneficiary account (browser/conftest.py)


def test_the_mission_screen_shows_a_timesheet_recorded_elsewhere_without_reload_and_never_under_the_users_hand(
        app, platform, clean_firestore):
    # Given the beneficiary's hybrid mission already started, four working days worked (framed through the platform's
    # services with an injected clock, its dates on its territory's calendar: browser/missions.py), its order to the
    # titulaire
    mission = frame_started_mission(clean_firestore, platform.project_id, BENEFICIARY, seed.BENEFICIARY["territory"],
                                    worked=4, requires_conflict_declaration=False)
    mission_id = missions.mission_id_for("recette-portail")
    titulaire = Erp(platform, "contractor", TITULAIRE)

    def timesheet(timesheet_id: str) -> None:
        """The titulaire's timesheet of 2 days, 1 on site, on j1, through the API (its ERP, not this screen)."""
        answered = titulaire.post("submit_timesheet", {
            "beneficiary_id": BENEFICIARY, "mission_id": mission_id, "timesheet_id": timesheet_id, "milestone_id": "j1",
            "period_start": mission.start.isoformat(), "period_end": mission.worked_until.isoformat(),
            "days": "2", "days_on_site": "1"})
        assert answered.status_code == 200, answered.text

    # The beneficiary's mission screen follows its order's stream (« en direct »); no day on site declared yet
    page = app.sign_in("beneficiary")
    page.goto(f"{app.base}/#/missions/{mission_id}")
    expect(page.locator("#order-live[data-live='live']")).to_contain_text("Suivi de la commande : en direct",
                                                                          timeout=15000)
    on_site = page.locator("#extra-costs")
    expect(on_site).to_contain_text("Jours sur site déclarés0 j")
    # When the titulaire records a timesheet elsewhere: the screen shows its day on site within seconds, no reload
    timesheet("FT-1")
    expect(on_site).to_contain_text("Jours sur site déclarés1 j", timeout=5000)
    expect(page.locator("#order-changed")).to_be_hidden()
    # But once a form on it is typed in, the next timesheet offers « Actualiser » rather than wipe what was typed
    quote = page.locator("#mission-quote")
    quote.get_by_label("Objet du devis").fill("Recette du lot 2")
    timesheet("FT-2")
    expect(page.locator("#order-changed")).to_be_visible(timeout=5000)
    expect(quote.get_by_label("Objet du devis")).to_have_value("Recette du lot 2")
    expect(on_site).to_contain_text("Jours sur site déclarés1 j")
    page.locator("#order-changed").get_by_role("button", name="Actualiser").click()
    expect(on_site).to_contain_text("Jours sur site déclarés2 j")
    app.check(page, "beneficiaire-mission-en-direct", shot=False)
