"""B11 mission follow-up, B7 proof of service in Chromium: the titulaire delivers a milestone's deliverable from its
order's page, the beneficiary refuses it with a reason from the mission's page, the titulaire reads the decision on
the order's documents and delivers again, the beneficiary accepts; the reception form warns while the milestone's
deliverables are not all accepted, and no longer once they are; the mission's screen follows its order's stream
(A11 real-time view). axe-core on every screen; the mission's deliverables screenshot in docs/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from devtools import seed
from shared.service.sourcing.missions import mission_id_for, order_id_for
from tests.functional.browser.test_journeys import register_pool, wait_scored
from tests.functional.erp import Erp
from tests.pdfs import a_pdf

pytestmark = pytest.mark.emulators

BENEFICIARY = seed.BENEFICIARY["beneficiary_id"]
REASON = "Le cahier ne couvre pas les tests d'accessibilité (RGAA)."


def a_framed_mission(platform) -> tuple[str, str]:
    """The beneficiary's need scored, pro-demo-1 proposed and accepted, and the mission framed through the API:
    milestone j1 expects « Cahier de recette », the mission « Bilan de mission ». (mission id, order id)."""
    register_pool(platform)
    beneficiary, operator = Erp(platform, "beneficiary", BENEFICIARY), Erp(platform, "operator", "platform")
    today = dt.date.today()
    assert beneficiary.post("submit_need", seed.demo_need(today)).status_code in (200, 201)
    wait_scored(platform, beneficiary, seed.NEED_ID)
    proposed = operator.post("propose_professionals", {
        "beneficiary_id": BENEFICIARY, "need_id": seed.NEED_ID, "version": 1, "proposals": [
            {"professional_id": "pro-demo-1", "guaranteed_until": (today + dt.timedelta(days=10)).isoformat()}]})
    assert proposed.status_code == 200, proposed.text
    accepted = beneficiary.post("decide_proposal", {"need_id": seed.NEED_ID, "version": 1, "decision": "accept",
                                                    "professional_id": "pro-demo-1"})
    assert accepted.status_code == 200, accepted.text
    start = today + dt.timedelta(days=30)
    framed = beneficiary.post("frame_mission", {
        "need_id": seed.NEED_ID, "start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=40)).isoformat(),
        "deliverables": ["Bilan de mission"],
        "milestones": [{"milestone_id": "j1", "label": "Stratégie de recette", "days": 10,
                        "due": (start + dt.timedelta(days=20)).isoformat(), "deliverables": ["Cahier de recette"]}],
        "conflict_declaration": {"signed_by": "Claire Martin", "signed_on": today.isoformat(), "no_conflict": True}})
    assert framed.status_code == 201, framed.text
    return mission_id_for(seed.NEED_ID), order_id_for(seed.NEED_ID)


def report(platform, order_id: str, sequence: int, fields: dict) -> None:
    """The titulaire's execution report number ``sequence`` on the mission's order, through the API."""
    answered = Erp(platform, "contractor", "ctr-titulaire").post("submit_execution", {
        "manager_id": BENEFICIARY, "order_id": order_id, "sequence": sequence,
        "occurred_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),
        "event": {"label": f"Événement {sequence}"}, **fields})
    assert answered.status_code == 200, answered.text


def reported_done(platform, order_id: str) -> None:
    """The titulaire acknowledges the order and reports milestone j1 done: the beneficiary may receive it."""
    report(platform, order_id, 1, {"state": "acknowledged"})
    report(platform, order_id, 2, {"line_statuses": [{"line_id": "j1", "done": True}]})


def deliver(page, title: str) -> None:
    """The titulaire's « Déposer un document PDF » form: a « Livrable » of j1, « Cahier de recette »."""
    upload = page.locator("#upload")
    # The milestone and the deliverable are asked only for a « Livrable »
    expect(upload.get_by_label("Jalon", exact=True)).to_be_hidden()
    upload.get_by_label("Type de document").select_option("deliverable")
    expect(upload.get_by_label("Jalon", exact=True)).to_be_visible()
    upload.get_by_label("Jalon", exact=True).select_option("j1")
    upload.get_by_label("Livrable remis").select_option("Cahier de recette")
    upload.get_by_label("Fichier PDF (5 Mio au plus)").set_input_files(
        {"name": "cahier-de-recette.pdf", "mimeType": "application/pdf", "buffer": a_pdf(title)})
    upload.get_by_role("button", name="Déposer").click()
    expect(upload).to_contain_text("Document déposé.")


def test_beneficiary_refuses_a_deliverable_with_a_reason_the_titulaire_delivers_again_and_it_is_accepted(app, platform):
    mission_id, order_id = a_framed_mission(platform)
    reported_done(platform, order_id)
    order_url = f"{app.base}/#/orders/{BENEFICIARY}/{order_id}"

    # The titulaire delivers j1's « Cahier de recette » from its order's page
    titulaire = app.sign_in("titulaire")
    titulaire.goto(order_url)
    expect(titulaire.get_by_role("heading", name=re.compile(f"^{order_id}"))).to_be_visible()
    deliver(titulaire, "Cahier de recette v1")
    documents = titulaire.locator("ul.documents")
    # the milestone by its label, its id in parentheses (not « jalon j1 »)
    expect(documents).to_contain_text("Livrable « Cahier de recette », jalon « Stratégie de recette » (j1)")
    app.check(titulaire, "titulaire-livrable-depose", shot=False)

    # The beneficiary opens the mission: the deliverable « remis », with « Accepter » and « Refuser »
    beneficiary = app.sign_in("beneficiary")
    beneficiary.goto(f"{app.base}/#/missions/{mission_id}")
    j1 = beneficiary.locator("tr[data-milestone='j1']")
    cahier = j1.locator("li", has_text="Cahier de recette")
    expect(cahier.locator(".badge")).to_have_text("remis")
    expect(cahier.locator(".badge")).to_have_class("badge")  # neutral: not green before its decision
    expect(cahier).to_contain_text("cahier-de-recette.pdf")
    decision = cahier.get_by_role("group", name="Décision sur « Cahier de recette »")
    expect(j1.locator("td").last).to_have_text("non")
    app.check(beneficiary, "beneficiaire-livrable-remis", shot=False)
    # A refusal without a reason is named before anything is sent
    decision.get_by_role("button", name="Refuser").click()
    expect(decision).to_contain_text("Indiquez le motif du refus")
    # When it refuses with its reason
    decision.get_by_label("Motif", exact=True).fill(REASON)
    decision.get_by_role("button", name="Refuser").click()
    # Then the deliverable is « refusé », with the reason, and nothing is left to decide on it
    expect(cahier.locator(".badge")).to_have_text("refusé")
    expect(cahier.locator(".badge")).to_have_class("badge late")
    expect(cahier).to_contain_text(f": {REASON}")
    expect(cahier.get_by_role("button", name="Accepter")).to_have_count(0)
    expect(j1.locator("td").last).to_have_text("non")
    # And its order's reception form warns that j1's deliverables are not all accepted (reception stays possible)
    beneficiary.get_by_role("link", name=re.compile("Suivre la commande")).click()
    warning = beneficiary.locator("#reception-deliverables")
    expect(warning).to_contain_text("Jalon « Stratégie de recette » (j1) : livrables non tous acceptés")
    expect(warning).to_contain_text("« Cahier de recette » : refusé")
    expect(beneficiary.locator("#reception").get_by_label(re.compile("^Réceptionner la ligne j1"))).to_be_visible()
    app.check(beneficiary, "beneficiaire-reception-avertissement", shot=False)

    # The titulaire reads the decision and its reason on the order's documents, then delivers again
    titulaire.reload()
    refused = documents.locator("li", has_text="Livrable « Cahier de recette »")
    expect(refused).to_contain_text(re.compile(r"refusé le \d\d/\d\d/\d{4} \d\d:\d\d : " + re.escape(REASON)))
    expect(refused.locator(".badge")).to_have_class(re.compile("late"))
    app.check(titulaire, "titulaire-livrable-refuse", shot=False)
    deliver(titulaire, "Cahier de recette v2")
    expect(documents.locator("li", has_text="Livrable « Cahier de recette »")).to_have_count(2)

    # The beneficiary's mission: delivered again, awaiting its decision; it accepts
    beneficiary.goto(f"{app.base}/#/missions/{mission_id}")
    expect(cahier.locator(".badge")).to_have_text("remis")
    expect(cahier).to_contain_text("2 versions")
    cahier.get_by_role("group", name="Décision sur « Cahier de recette »").get_by_role("button", name="Accepter").click()
    expect(cahier.locator(".badge")).to_have_text("accepté")
    expect(cahier.locator(".badge")).to_have_class("badge ok")
    # by the person's name (her account's display name), her e-mail beside it (B5 accounts)
    expect(cahier).to_contain_text(re.compile(r"accepté le \d\d/\d\d/\d{4} \d\d:\d\d par Essai beneficiary \(\S+@"))
    # Then the milestone shows all its deliverables accepted
    expect(j1.locator("td").last).to_have_text("oui")
    app.check(beneficiary, "beneficiaire-livrables")
    # And the reception form no longer warns
    beneficiary.get_by_role("link", name=re.compile("Suivre la commande")).click()
    expect(beneficiary.locator("#reception").get_by_label(re.compile("^Réceptionner la ligne j1"))).to_be_visible()
    expect(beneficiary.locator("#reception-deliverables")).to_have_count(0)

    # The titulaire reads the acceptance beside the new document, the refusal beside the first
    titulaire.reload()
    expect(documents).to_contain_text(re.compile(r"accepté le \d\d/\d\d/\d{4} \d\d:\d\d"))
    expect(documents).to_contain_text(REASON)

    # A11 real-time view: the mission screen follows its order's stream (« en direct »)
    beneficiary.goto(f"{app.base}/#/missions/{mission_id}")
    expect(beneficiary.locator("#order-live[data-live='live']")).to_contain_text("Suivi de la commande : en direct",
                                                                                  timeout=15000)
    facts = beneficiary.locator("dl.facts").first
    expect(facts).to_contain_text("pris en compte")
    # When the titulaire reports on the mission's order through the API, the state shows without a reload
    start = dt.date.today() + dt.timedelta(days=30)
    report(platform, order_id, 3, {"state": "scheduled", "planned_start": f"{start.isoformat()}T09:00:00+01:00",
                                   "planned_end": f"{(start + dt.timedelta(days=40)).isoformat()}T18:00:00+01:00"})
    expect(facts).to_contain_text("planifié", timeout=5000)
    expect(beneficiary.locator("#order-changed")).to_be_hidden()
    # But once a form on it is typed in, a change offers « Actualiser » rather than wipe what was typed
    quote = beneficiary.locator("#mission-quote")
    quote.get_by_label("Objet du devis").fill("Recette du lot 2")
    report(platform, order_id, 4, {"progress": 20})
    expect(beneficiary.locator("#order-changed")).to_be_visible(timeout=5000)
    expect(quote.get_by_label("Objet du devis")).to_have_value("Recette du lot 2")
    expect(facts).not_to_contain_text("20 %")
    beneficiary.locator("#order-changed").get_by_role("button", name="Actualiser").click()
    expect(facts).to_contain_text("planifié — 20 %")
    # And a click pressed while a change arrives is not lost: the re-read waits for the release, then is dropped
    # as the click left the screen (a link the re-read replaced under the press would have taken no click)
    beneficiary.get_by_role("link", name=re.compile("Suivre la commande")).hover()
    beneficiary.mouse.down()
    report(platform, order_id, 5, {"progress": 40})
    beneficiary.wait_for_timeout(2500)  # the change reaches the screen within about a second
    expect(facts).to_contain_text("planifié — 20 %")
    beneficiary.mouse.up()
    order_heading = beneficiary.get_by_role("heading", name=re.compile(f"^{order_id}"))
    expect(order_heading).to_be_visible()
    beneficiary.wait_for_timeout(1500)  # longer than a re-read: none draws the mission over the order screen
    expect(order_heading).to_be_visible()
    expect(beneficiary.locator("dl.facts").first).to_contain_text("40 %")
