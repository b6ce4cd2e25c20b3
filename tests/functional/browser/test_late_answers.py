"""Late answers never draw over what the user chose since (A11 lists, every role's screens; web/latest_logic.mjs
`latestOnly`): the read a filter or a period started first is held by the browser until the one the user chose next
has answered and is shown; released, its answer draws nothing — the screen still shows the second choice. « Messages
envoyés » (its « Réponse » filter) and the purchasing body's report (its period and « Afficher »); « Comptes » in
test_accounts_screen.py, « Annuaire » in test_party_directory.py."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.functional.browser.late import hold, release, wait_until_held
from tests.functional.erp import one_refused_one_accepted


def test_the_messages_of_the_answer_chosen_last_stay_when_the_one_chosen_before_answers_late(app, platform):
    # Given a report of ctr-test's ERP the platform refused and another it accepted
    one_refused_one_accepted(platform, ("BC-LATE-1", "erp-late-refus"), ("BC-LATE-2", "erp-late-ok"))
    page = app.sign_in("contractor")
    page.get_by_role("link", name="Messages envoyés").click()
    log = page.get_by_role("table", name="Messages envoyés")
    expect(log.locator("tr[data-status='rejected']")).to_have_count(1)
    # When its staff asks for the accepted ones, whose list is slow to come, then for the refused ones again
    accepted_read = re.compile(r"[?&]status=accepted")
    held = hold(page, accepted_read)
    page.get_by_label("Réponse").select_option("accepted")
    wait_until_held(page, held, "the accepted messages' list")
    page.get_by_label("Réponse").select_option("rejected")
    expect(log.locator("tr[data-status='rejected']")).to_contain_text("erp-late-refus")
    # Then the accepted ones, answering last, do not fill the list of the refused ones
    release(page, held, accepted_read)
    expect(log.locator("tr[data-status='accepted']")).to_have_count(0)
    expect(log.locator("tr[data-status='rejected']")).to_contain_text("erp-late-refus")
    expect(page.get_by_label("Réponse")).to_have_value("rejected")


def test_the_report_of_the_period_asked_last_stays_when_the_one_asked_before_answers_late(app):
    page = app.sign_in("purchasing_body")
    expect(page.get_by_role("heading", name="Rapport de la centrale d'achat")).to_be_visible()
    expect(page.locator("#report-body dl").first).to_be_visible()
    # When January's report is asked for, slow to come, then February's
    january = re.compile(r"[?&]from=2026-01-01")
    held = hold(page, january)
    page.get_by_label("Du", exact=True).fill("01/01/2026")
    page.get_by_label("Au", exact=True).fill("31/01/2026")
    page.get_by_role("button", name="Afficher").click()
    wait_until_held(page, held, "January's report")
    page.get_by_label("Du", exact=True).fill("01/02/2026")
    page.get_by_label("Au", exact=True).fill("28/02/2026")
    page.get_by_role("button", name="Afficher").click()
    facts = page.locator("#report-body dl").first
    expect(facts).to_contain_text("01/02/2026")
    expect(page.locator("#announcer")).to_have_text("Rapport du 01/02/2026 au 28/02/2026 affiché ci-dessous.")
    # Then January's, answering last, draws nothing over February's nor is said
    release(page, held, january)
    expect(facts).to_contain_text("01/02/2026")
    expect(facts).not_to_contain_text("01/01/2026")
    expect(page.locator("#announcer")).to_have_text("Rapport du 01/02/2026 au 28/02/2026 affiché ci-dessous.")
