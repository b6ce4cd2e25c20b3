"""The reports' charts with values, checked by axe (B8 accessibility, RGAA 3 colours): the purchasing body's monthly
volume (B17 purchasing-body report) and the beneficiary's revenue and D4 delays (B6 beneficiary report), drawn as
inline SVG on a desk's screen. Their axis labels are SVG text on the figure's white card; axe must be able to compute
their contrast (no « incomplete » result left for a person to decide: axe_reviewed.json lists none for them)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from devtools import seed
from shared.service.sourcing import missions
from tests.functional.browser.missions import NEED, frame_started_mission
from tests.functional.test_reporting import History

BENEFICIARY = seed.BENEFICIARY["beneficiary_id"]


def show_since(page, days: int) -> None:
    """The report over the last ``days`` days: the mission's order and its line done, whatever today's month."""
    page.get_by_label("Du", exact=True).fill((dt.date.today() - dt.timedelta(days=days)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Afficher").click()


def expect_bars(page, title: str) -> None:
    """The chart named ``title`` shows at least one bar of some height — waited for, since the report of the period
    asked replaces the one drawn first (its chart may have no bar: another period) when its answer comes."""
    page.wait_for_function("""title => [...document.querySelectorAll("figure.chart-figure")]
        .filter((figure) => figure.textContent.includes(title))
        .some((figure) => [...figure.querySelectorAll("rect.bar")].some((bar) => bar.getBBox().height > 0))""",
                           arg=title, timeout=30000)


def test_the_purchasing_body_monthly_volume_chart_with_values_passes_axe(app, platform, clean_firestore):
    # Given a mission framed for ben-lyon: its order is in the business volume
    frame_started_mission(clean_firestore, platform.project_id, "ben-lyon", "69", worked=3)
    page = app.sign_in("purchasing_body")
    page.goto(app.base + "/#/")
    show_since(page, 90)
    # When its report is drawn, the month chart has a bar and axis labels
    figure = page.locator("figure.chart-figure").filter(has_text="Volume d'affaires par mois (€ HT)")
    chart = figure.get_by_role("img", name="Volume d'affaires par mois (€ HT)")
    expect(chart).to_be_visible(timeout=30000)
    expect(chart.locator("text.tick").first).to_be_visible()
    expect_bars(page, "Volume d'affaires par mois (€ HT)")
    # Then axe finds no violation and nothing it could not decide on its labels
    app.check(page, "centrale-rapport-graphique", shot=False)


def test_the_beneficiary_revenue_and_delay_charts_with_values_pass_axe(app, platform, clean_firestore):
    # Given the beneficiary's mission framed (its search answered in a day: D4's delays), its milestone j1 reported
    # done by the titulaire: revenue in the period
    frame_started_mission(clean_firestore, platform.project_id, BENEFICIARY, seed.BENEFICIARY["territory"], worked=3,
                          requires_conflict_declaration=False)
    history = History(clean_firestore, platform.project_id)
    history.t0 = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    order_id = missions.order_id_for(NEED)
    history.execute(order_id, 1, 0, manager_id=BENEFICIARY, state="acknowledged")
    history.execute(order_id, 2, 1, manager_id=BENEFICIARY, line_statuses=[{"line_id": "j1", "done": True}])
    page = app.sign_in("beneficiary")
    page.get_by_role("link", name="Rapport", exact=True).click()
    show_since(page, 90)
    # When its report is drawn, both charts have bars and axis labels
    for title in ("Chiffre d'affaires par mois (€ HT)", "Délais de réponse D4 (heures ouvrées)"):
        chart = page.locator("figure.chart-figure").filter(has_text=title).get_by_role("img", name=title)
        expect(chart).to_be_visible(timeout=30000)
        expect(chart.locator("text.tick").first).to_be_visible()
        expect_bars(page, title)
    # Then axe finds no violation and nothing it could not decide on their labels
    app.check(page, "beneficiaire-rapport-graphiques", shot=False)
