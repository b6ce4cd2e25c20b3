"""The web application on a phone (375×812, touch, device scale 2) and on a tablet (768×1024), in Chromium: the
screens a person uses away from a desk — the sign-in, the header and its menu, the contractor's « Mes commandes »,
an order (declare execution with its appointment, the lines' statuses, the PDF upload), its quotes, the
titulaire's timesheet (B11 mission follow-up), a beneficiary's ranked professionals (B2), the manager's dashboard, an
order to receive (A6 reception) and a quote. On each, at both widths: the page never scrolls sideways (a table scrolls in its own frame, then a named region
the keyboard scrolls, with a visible hint and a shadow), every control is a tap target of 44×44 px at least, each label
stands above its field (docs/web-app.md « Sur un téléphone »). On the phone the menu folds behind « Menu » (one row),
opened and closed from the keyboard."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from devtools import a11y_probes, seed
from shared.service.sourcing import missions
from tests.builders import issue_order_body
from tests.functional.browser.conftest import PASSWORD
from tests.functional.browser.missions import frame_started_mission
from tests.functional.browser.test_invoicing_journeys import executed
from tests.functional.browser.test_journeys import catalogue, name_parties, register_pool, wait_scored
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

PHONE = {"width": 375, "height": 812}
TABLET = {"width": 768, "height": 1024}

# Controls drawn now (visible) smaller than 44×44 px: a checkbox or a radio button counts by its row (.field.check,
# label included), a link inside a sentence is not a tap target of its own (WCAG 2.5.5's inline exception).
SMALL_TARGETS = """() => {
  const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  const inline = (a) => { const p = a.parentElement;
    return p && !['TD', 'TH', 'LI', 'NAV'].includes(p.tagName) && p.textContent.trim() !== a.textContent.trim(); };
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
    if (!seen(el) || el.closest('.skip') || el.classList.contains('file-native')) continue;
    if (el.tagName === 'A' && inline(el)) continue;
    const box = (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('.field') ?? el) : el;
    const r = box.getBoundingClientRect();
    if (r.height < 44 - 0.5 || r.width < 44 - 0.5) {
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} « ${(el.textContent || el.name || '').trim()
        .slice(0, 40)} » ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}"""

# Fields whose label is not above its control (beside it, or the control pushed past the screen's edge); a file field's
# control is its French twin (.file-proxy), its own input being unseen (input.file-native)
UNSTACKED = """() => [...document.querySelectorAll('.field:not(.check)')].filter((field) => {
  const label = field.querySelector(':scope > label, :scope > .label-row label');
  const control = field.querySelector(':scope > .file-proxy, :scope > input:not(.file-native), :scope > select, '
    + ':scope > textarea');
  if (!label || !control || !control.getBoundingClientRect().width) return false;
  const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
  return l.bottom > c.top + 1 || c.right > window.innerWidth + 0.5;
}).map((field) => field.querySelector('label').textContent.trim())"""

# Legends drawn on their fieldset's border — one that wraps has the border line through its text (« Droits demandés
# (aucune case cochée : les vôtres au plus) » on « Utilisateurs »): each legend under its fieldset's top border.
LEGENDS_ON_BORDER = """() => [...document.querySelectorAll('fieldset > legend')].filter((legend) => {
  const r = legend.getBoundingClientRect();
  if (!r.width) return false;
  const set = legend.parentElement;
  return r.top < set.getBoundingClientRect().top + parseFloat(getComputedStyle(set).borderTopWidth) - 0.5;
}).map((legend) => legend.textContent.trim().slice(0, 60))"""

# A7 on a phone: two « Logement 12 » in two « Bâtiment B » of two residences with long names
PHONE_TREE = [
    {"node_id": "PARC", "kind": "site", "label": "Résidence du Parc des Cèdres", "commune": "69383"},
    {"node_id": "PARC-B", "kind": "building", "parent_id": "PARC", "label": "Bâtiment B"},
    {"node_id": "PARC-B-12", "kind": "dwelling", "parent_id": "PARC-B", "label": "Logement 12"},
    {"node_id": "TIL", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"},
    {"node_id": "TIL-A", "kind": "building", "parent_id": "TIL", "label": "Bâtiment A"},
    {"node_id": "TIL-A-3", "kind": "dwelling", "parent_id": "TIL-A", "label": "Logement 3"},
    {"node_id": "TIL-B", "kind": "building", "parent_id": "TIL", "label": "Bâtiment B"},
    {"node_id": "TIL-B-12", "kind": "dwelling", "parent_id": "TIL-B", "label": "Logement 12"},
]

# Is the option a <select> shows cut — its text wider than the box leaves it (its padding and arrow aside)?
OPTION_CUT = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(select.selectedOptions[0].text).width > room;
}"""


def fits(app, page, screen: str) -> None:
    """At the phone's width, then the tablet's: no page-level horizontal overflow, tap targets of 44 px, labels above
    their fields, the main menu's links all within the screen. Back to the phone's size after."""
    for size in (PHONE, TABLET):
        page.set_viewport_size(size)
        app.settle(page, quiet=0.3)
        page.wait_for_timeout(100)  # one frame for the layout at the new width
        where = f"{screen} at {size['width']} px"
        # a mobile browser widens its layout viewport to the content, innerWidth with it: measured against the
        # screen's own width
        scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert inner_width == size["width"] and scroll_width <= size["width"], (
            f"{where}: the page scrolls sideways ({scroll_width} px of content, layout {inner_width} px)")
        assert page.evaluate(SMALL_TARGETS) == [], f"{where}: tap targets under 44×44 px"
        assert page.evaluate(UNSTACKED) == [], f"{where}: labels not above their fields"
        assert page.evaluate(LEGENDS_ON_BORDER) == [], f"{where}: legends across their fieldset's border"
        beyond = page.evaluate("""(w) => [...document.querySelectorAll('nav a, header button, header a')]
          .filter(a => a.getBoundingClientRect().width && a.getBoundingClientRect().right > w + 0.5)
          .map(a => a.textContent.trim())""", size["width"])
        assert beyond == [], f"{where}: header links past the screen's edge"
        scroll_frames(page, where)
    page.set_viewport_size(PHONE)
    app.settle(page, quiet=0.3)


# Every table frame that scrolls sideways now: is it a named, focusable region with its hint shown? And the ones that
# do not scroll: none of it (no useless tab stop).
SCROLL_FRAMES = """() => [...document.querySelectorAll('.table-wrap')].map((w) => {
  const hint = w.querySelector(':scope > .scroll-hint');
  return { scrolls: w.scrollWidth > w.clientWidth + 1, role: w.getAttribute('role'), label: w.getAttribute('aria-label'),
    tabindex: w.getAttribute('tabindex'), hint: !!hint && hint.getBoundingClientRect().height > 0,
    hintInside: !!hint && hint.getBoundingClientRect().right <= w.getBoundingClientRect().right + 0.5,
    after: w.classList.contains('more-after') };
})"""


def scroll_frames(page, where: str) -> int:
    """Each table frame wider than the screen is a region named « … (tableau à faire défiler horizontalement) »,
    reached by Tab (tabindex 0), its hint visible within the frame, a shadow on the side with more to see; a frame
    that fits is none of these. Answers how many scroll."""
    frames = page.evaluate(SCROLL_FRAMES)
    for frame in frames:
        if frame["scrolls"]:
            assert frame["role"] == "region" and frame["tabindex"] == "0", f"{where}: {frame}"
            assert frame["label"].endswith("(tableau à faire défiler horizontalement)"), f"{where}: {frame}"
            assert frame["hint"] and frame["hintInside"] and frame["after"], f"{where}: {frame}"
        else:
            assert (frame["role"], frame["tabindex"], frame["hint"]) == (None, None, False), f"{where}: {frame}"
    return sum(frame["scrolls"] for frame in frames)


def theme_10(page, screen: str) -> None:
    """RGAA theme 10 beyond axe, on one daily screen per role (a few seconds each: not on every screen; the others
    by devtools/a11y_walk.py): each element Tab reaches shows a focus ring of 3:1 against its surroundings, uncut
    (10.7); nothing cut off nor past the screen's edge with WCAG 1.4.12's text spacing (10.12), with the text alone at
    200 % (10.4), at 320 px wide (10.11) — a data table scrolling in its own frame apart; nothing the style sheet shows
    on hover that it does not show on focus (10.14) (devtools/a11y_probes.py)."""
    found = a11y_probes.theme_10(page, screen)
    assert found == {"focus": [], "text_spacing": [], "text_200": [], "reflow_320": [], "hover_only": []}, \
        f"{screen}: {found}"


def menu_link(page, name: str):
    """A link of the main menu on the phone: « Menu » opened first (it folds the links), then the link."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=name, exact=True)


def compact_menu(page) -> None:
    """On the phone: the links folded behind « Menu » on the brand's row; opened with Enter from the keyboard (its
    links then within the screen, reached by Tab), closed with Escape, the focus back on the button; at the tablet's
    width the links are shown and the button is not."""
    nav = page.get_by_role("navigation", name="Navigation principale")
    toggle = nav.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "main-menu")
    expect(nav.get_by_role("link").first).to_be_hidden()
    brand, button = page.locator(".top .brand").bounding_box(), toggle.bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (button["y"] + button["height"] / 2)) < 4, (brand, button)
    assert button["x"] + button["width"] <= PHONE["width"], button
    assert nav.bounding_box()["height"] < 60, nav.bounding_box()  # one row, where the links took three
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    first = nav.get_by_role("link").first
    expect(first).to_be_visible()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(first).to_be_hidden()
    page.set_viewport_size(TABLET)
    expect(toggle).to_be_hidden()
    expect(first).to_be_visible()
    page.set_viewport_size(PHONE)
    expect(toggle).to_be_visible()


def order_card(page, order_id: str) -> None:
    """On the phone, « Mes commandes » and the dashboard show each order as a card: its state, with the column's name
    before it, within the screen — nothing to swipe sideways in the table's frame to find it."""
    row = page.locator(f"tr[data-order='{order_id}']")
    state = row.locator("td[data-label='État']")
    expect(state.locator(".state")).to_be_visible()
    box, width = state.locator(".state").bounding_box(), page.viewport_size["width"]
    assert box["x"] + box["width"] <= width, f"{order_id}: its state is past the screen's edge ({box})"
    assert page.evaluate("() => [...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= "
                         "w.clientWidth + 1)"), "the orders' table scrolls sideways in its frame on a phone"
    assert state.evaluate("td => getComputedStyle(td, '::before').content") == '"État"'


def row_card(page, row_selector: str, label: str) -> None:
    """On the phone, a list read every day (« Devis », « Mes besoins », « Messages envoyés », an order's reception and
    history…) shows each row as a card (table.cards): the cell ``label`` with the column's name before its value,
    within the screen, and no table frame scrolling sideways to find it."""
    cell = page.locator(f"{row_selector} td[data-label='{label}']").first
    expect(cell).to_be_visible()
    box, width = cell.bounding_box(), page.viewport_size["width"]
    assert box["x"] + box["width"] <= width + 0.5, f"{row_selector} « {label} » past the screen's edge ({box})"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == f'"{label}"'
    assert page.evaluate("() => [...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= "
                         "w.clientWidth + 1)"), f"{row_selector}: its table scrolls sideways in its frame on a phone"


def on_phone(app, role: str):
    """A phone's browser context (touch, device scale 2, English locale), its sign-in screen walked, then signed in
    by a tap on « Se connecter »."""
    email, _ = app.user(role)
    context = app.browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True, is_mobile=True,
                                      locale="en-US", timezone_id="Europe/Paris")
    app.contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    app._track_requests(page)
    page.on("pageerror", lambda e: app.problems.append(f"{role} page error: {e}"))
    page.goto(app.base + "/")
    expect(page.get_by_label("Adresse e-mail")).to_be_visible()
    fits(app, page, "connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").tap()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    return page


def test_contractor_on_a_phone_follows_its_orders_declares_execution_lines_and_uploads(app, platform,
                                                                                      clean_firestore):
    name_parties(clean_firestore)
    manager = Erp(platform, "manager", "mgr-test")
    assert manager.post("receive_order", issue_order_body("BC-S1")).status_code == 201
    assert manager.post("request_quote", {"quote_id": "DV-S1", "contract_id": "AC-2026-017",
                                          "contractor_id": "ctr-test", "title": "Recherche de fuite",
                                          "site": {"node_id": "LYON-BAT-A"}}).status_code == 201
    page = on_phone(app, "contractor")
    expect(page.get_by_role("heading", name="Mes commandes")).to_be_visible()
    expect(page.locator("tr[data-order='BC-S1']")).to_be_visible()
    fits(app, page, "Mes commandes")
    theme_10(page, "Mes commandes")
    order_card(page, "BC-S1")
    compact_menu(page)
    app.check(page, "telephone-prestataire-commandes")  # axe-core, and the screenshot of docs/web-app.md
    menu_link(page, "Devis")
    app.check(page, "telephone-menu-ouvert")  # the menu opened, axe-core on it too
    page.get_by_role("button", name="Menu").tap()

    page.get_by_role("link", name="BC-S1").tap()
    expect(page.locator("#line-statuses")).to_be_visible()
    fits(app, page, "commande (lignes, dépôt)")
    # the PDF taken on site: the phone's picker offers PDF files only (no capture: a camera gives an image, refused)
    expect(page.locator("#upload-file")).to_have_attribute("accept", "application/pdf")
    # its button in French, the file chosen named — not the browser's « Choose File » / « No file chosen »
    proxy = page.locator("#upload .file-proxy")
    expect(proxy).to_contain_text("Choisir un fichier PDF")
    expect(proxy).to_contain_text("Aucun fichier choisi")
    page.locator("#upload-file").set_input_files(
        {"name": "rapport-chantier.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    expect(proxy).to_contain_text("rapport-chantier.pdf")
    # nothing declared yet: the history starts with how the order came (its client's ERP), the contractor reads it
    expect(page.get_by_role("table", name="Historique").locator("tbody tr")).to_have_text(
        [re.compile("Commande reçue de Rhône Habitat Essai par l'API")])
    # the reception's lines: each a card, its amount under its column's name
    row_card(page, "tr[data-line='L1']", "Montant HT")
    row_card(page, "tr[data-line='L1']", "Quantité × prix unitaire HT")
    page.get_by_role("button", name="Passer à « pris en compte »").tap()
    page.get_by_role("button", name="Envoyer").tap()
    expect(page.get_by_role("group", name="Actions possibles")).to_contain_text("Passer à « planifié »")
    # the history: each event a card
    history = page.get_by_role("table", name="Historique")
    expect(history.locator("tbody tr td[data-label='Événement']").first).to_be_visible()
    row_card(page, "table[aria-label='Historique'] tbody tr", "Événement")
    page.get_by_role("button", name="Passer à « planifié »").tap()
    expect(page.get_by_label("Début prévu")).to_be_visible()
    fits(app, page, "commande (planification, rendez-vous)")

    menu_link(page, "Devis").tap()
    expect(page.locator("tr[data-quote='DV-S1']")).to_be_visible()
    fits(app, page, "Devis")
    # each quote a card: its state and its request's date without swiping
    row_card(page, "tr[data-quote='DV-S1']", "État")
    row_card(page, "tr[data-quote='DV-S1']", "Demandé le")
    page.get_by_role("link", name="DV-S1").tap()
    expect(page.get_by_label("Ligne 1 : code")).to_be_visible()
    fits(app, page, "devis à remettre")


def test_manager_on_a_phone_reads_its_dashboard_receives_an_order_and_a_quote(app, platform, clean_firestore):
    name_parties(clean_firestore)
    executed(platform, "BC-S2")
    manager = Erp(platform, "manager", "mgr-test")
    assert manager.post("request_quote", {"quote_id": "DV-S2", "contract_id": "AC-2026-017",
                                          "contractor_id": "ctr-test", "title": "Recherche de fuite",
                                          "site": {"node_id": "LYON-BAT-A"}}).status_code == 201
    page = on_phone(app, "manager")
    expect(page.locator("tr[data-order='BC-S2']")).to_be_visible()
    # the header names the party by its name alone, on one line on the phone, its id in the tooltip; each row's
    # contractor by its name, no id line under it
    who = page.locator("header .who")
    expect(who).to_have_text("Gestionnaire — Rhône Habitat Essai")
    expect(who).to_have_attribute("title", re.compile(r"Identifiant : mgr-test$"))
    assert who.evaluate("e => e.getClientRects().length === 1 && e.getBoundingClientRect().height < 30"), "two lines"
    expect(page.locator("tr[data-order='BC-S2'] td.party")).to_have_text("Plomberie Essai")
    fits(app, page, "tableau de bord")
    order_card(page, "BC-S2")
    # at a tablet's width the list is a table: its progress bar and figure stay on one line (« 100 » then « % » under
    # it in the column's width, before)
    page.set_viewport_size(TABLET)
    figure = page.locator("tr[data-order='BC-S2'] .progress .figure")
    expect(figure).to_contain_text("100 %")
    assert figure.evaluate("e => e.getClientRects().length") == 1, "the progress figure wraps at a tablet's width"
    page.set_viewport_size(PHONE)
    app.check(page, "telephone-gestionnaire-tableau-de-bord", shot=False)
    page.get_by_role("link", name="BC-S2").tap()
    expect(page.locator("#reception")).to_be_visible()
    fits(app, page, "commande à réceptionner")
    theme_10(page, "commande à réceptionner")
    # its reception's lines, invoices and history are cards: nothing scrolls sideways there any more
    row_card(page, "tr[data-line='L1']", "Réception")
    row_card(page, "table[aria-label='Historique'] tbody tr", "Date")
    assert scroll_frames(page, "commande à réceptionner") == 0
    # « Incidents »: each incident a card too (its title and history, then its columns' names)
    menu_link(page, "Incidents").tap()
    page.get_by_label("Titre").fill("Accès au portail impossible")
    page.get_by_label("Description").fill("Depuis ce matin, la connexion échoue.")
    page.get_by_role("button", name="Signaler").tap()
    expect(page.locator("tr[data-incident]")).to_have_count(1)
    row_card(page, "tr[data-incident]", "État")
    fits(app, page, "incidents")
    # « Utilisateurs »: each person a card (its name and e-mail, then each column's name before its value), no frame
    # scrolled sideways any more
    menu_link(page, "Utilisateurs").tap()
    expect(page.get_by_role("heading", name="Utilisateurs")).to_be_visible()
    app.settle(page)
    fits(app, page, "utilisateurs")
    row_card(page, "tr[data-account]", "Mot de passe")
    assert scroll_frames(page, "utilisateurs") == 0
    app.check(page, "telephone-gestionnaire-utilisateurs")
    # A7 « Nouvelle commande » on a phone: each « Élément du patrimoine » short enough for the 375 px list — itself,
    # then its parent, its site where two read the same —, the whole path written under the field once chosen
    assert manager.post("import_property_tree", {"nodes": PHONE_TREE}).status_code == 201
    menu_link(page, "Nouvelle commande").tap()
    picker = page.get_by_label("Élément du patrimoine")
    expect(picker.locator("option[value='PARC-B-12']")).to_have_text(
        "Logement 12 — Bâtiment B, Résidence du Parc des Cèdres")
    expect(picker.locator("option[value='TIL-B-12']")).to_have_text("Logement 12 — Bâtiment B, Résidence Les Tilleuls")
    expect(picker.locator("option[value='TIL-A-3']")).to_have_text("Logement 3 — Bâtiment A")
    picker.select_option("TIL-A-3")
    assert picker.evaluate(OPTION_CUT) is False, "the element chosen is cut in its list at 375 px"
    expect(picker).to_have_accessible_description(re.compile(
        "Élément choisi : Résidence Les Tilleuls › Bâtiment A › Logement 3 — TIL-A-3 \\(logement, 69383\\)"))
    fits(app, page, "nouvelle commande (élément choisi)")
    menu_link(page, "Devis").tap()
    expect(page.locator("tr[data-quote='DV-S2']")).to_be_visible()
    fits(app, page, "Devis (gestionnaire)")
    row_card(page, "tr[data-quote='DV-S2']", "État")
    page.get_by_role("link", name="DV-S2").tap()
    expect(page.get_by_role("heading", name="Devis DV-S2", exact=False)).to_be_visible()
    fits(app, page, "devis (gestionnaire)")


def test_titulaire_on_a_phone_records_its_timesheet(app, platform, clean_firestore):
    frame_started_mission(clean_firestore, platform.project_id, "ben-lyon", "69", worked=3)
    page = on_phone(app, "titulaire")
    page.goto(app.base + f"/#/orders/ben-lyon/{missions.order_id_for('recette-portail')}")
    expect(page.locator("#timesheet")).to_be_visible()
    expect(page.get_by_role("table", name="Jours par jalon")).to_be_visible()
    fits(app, page, "feuille de temps")
    theme_10(page, "feuille de temps")
    scroll_frames(page, "feuille de temps")
    # a date typed on a phone: jj/mm/aaaa needs « / », which an iPhone's number pad (inputmode numeric) does not have
    sheet = page.locator("#timesheet")
    for label in ("Du", "Au"):
        assert sheet.get_by_label(label, exact=True).get_attribute("inputmode") not in ("numeric", "decimal"), label
    # numbers of days: the decimal pad
    expect(sheet.get_by_label("Jours travaillés")).to_have_attribute("inputmode", "decimal")
    # the accessibility statement, from the footer, fits the phone too
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibilité : non conforme").tap()
    expect(page.get_by_role("heading", name="Déclaration d'accessibilité", level=1)).to_be_focused()
    fits(app, page, "déclaration d'accessibilité")


def test_beneficiary_on_a_phone_reads_its_needs_ranking_as_cards(app, platform, clean_firestore):
    """A need's ranked professionals on a phone: each a card, its score and its rate after the column's name, its long
    « Pourquoi » across the screen — not one word a line in a column the frame cuts (it scrolled sideways)."""
    register_pool(platform)
    beneficiary = Erp(platform, "beneficiary", seed.BENEFICIARY["beneficiary_id"])
    assert beneficiary.post("submit_need", seed.demo_need(dt.date.today())).status_code in (200, 201)
    wait_scored(platform, beneficiary, seed.NEED_ID)
    page = on_phone(app, "beneficiary")
    page.goto(app.base + f"/#/needs/{seed.NEED_ID}")
    ranking = page.get_by_role("table", name="Professionnels classés")
    card = ranking.locator("tr[data-professional]").first
    expect(card).to_be_visible(timeout=30000)
    fits(app, page, "besoin (classement)")
    theme_10(page, "besoin (classement)")
    assert scroll_frames(page, "besoin (classement)") == 0, "the ranking scrolls sideways in its frame on a phone"
    score = card.locator("td[data-label='Score']")
    assert score.evaluate("td => getComputedStyle(td, '::before').content") == '"Score"'
    why = card.locator("td.num ~ td:not([data-label])").first
    box = why.bounding_box()
    assert box["width"] >= page.viewport_size["width"] * 0.7, f"« Pourquoi » squeezed into {box['width']} px"
    app.check(page, "telephone-beneficiaire-classement", shot=False)
    # « Mes besoins »: each need a card, its status under its column's name
    menu_link(page, "Mes besoins").tap()
    expect(page.locator(f"tr[data-need='{seed.NEED_ID}']")).to_be_visible()
    row_card(page, f"tr[data-need='{seed.NEED_ID}']", "Statut")
    fits(app, page, "Mes besoins")
    # « Nouveau besoin » left by the menu by mistake: what was typed comes back, and can be emptied
    menu_link(page, "Nouveau besoin").tap()
    page.get_by_label("Intitulé").fill("Audit d'accessibilité du portail")
    page.get_by_label("Connaissance du secteur public exigée").check()
    menu_link(page, "Mes besoins").tap()
    expect(page.locator(f"tr[data-need='{seed.NEED_ID}']")).to_be_visible()
    menu_link(page, "Nouveau besoin").tap()
    expect(page.get_by_label("Intitulé")).to_have_value("Audit d'accessibilité du portail")
    expect(page.get_by_label("Connaissance du secteur public exigée")).to_be_checked()
    expect(page.locator("#need-form .draft-note")).to_contain_text("Votre saisie précédente a été reprise.")
    fits(app, page, "nouveau besoin (saisie reprise)")
    page.get_by_role("button", name="Vider le formulaire").tap()
    expect(page.get_by_label("Intitulé")).to_have_value("")
    expect(page.locator("#need-form .draft-note")).to_have_count(0)
    # B5 « Utilisateurs »: the long legend of the rights asked for wraps inside its fieldset, the border whole
    menu_link(page, "Utilisateurs").tap()
    rights = page.get_by_role("group", name="Droits demandés (aucune case cochée : les vôtres au plus)")
    expect(rights).to_be_visible()
    # both boxes measured at once: the screen's lists load above the form meanwhile, moving it down
    legend, group = rights.evaluate("""f => [f.querySelector('legend'), f].map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
    })""")
    assert legend["height"] > 30, "the legend no longer wraps at 375 px: the check proves nothing"
    assert legend["y"] > group["y"], f"the legend sits on the fieldset's border: {legend} in {group}"
    fits(app, page, "utilisateurs")


def test_purchasing_body_on_a_phone_reads_its_monthly_volume_as_a_bar_list(app, platform, clean_firestore):
    """B17 report on a phone: the month chart's SVG would shrink its labels to a few pixels at 375 px; the phone gets
    the same figures as a bar list instead — each month, its bar and its amount in text at the page's size — and a
    chart of zeros says there is nothing to represent rather than drawing an axis from 0 to 1 €."""
    frame_started_mission(clean_firestore, platform.project_id, "ben-lyon", "69", worked=3)
    page = on_phone(app, "purchasing_body")
    page.goto(app.base + "/#/")
    since = (dt.date.today() - dt.timedelta(days=90)).strftime("%d/%m/%Y")  # the mission's order, whatever the month
    page.get_by_label("Du", exact=True).fill(since)
    page.get_by_role("button", name="Afficher").tap()
    figure = page.locator("figure.chart-figure", has=page.get_by_text("Volume d'affaires par mois (€ HT)"))
    rows = figure.get_by_role("list", name="Volume d'affaires par mois (€ HT)")
    expect(rows).to_be_visible(timeout=30000)
    expect(figure.locator("svg.chart")).to_be_hidden()
    amounts = rows.locator(".chart-row-value").all_inner_texts()
    assert any(re.search(r"[1-9]", text) for text in amounts), amounts  # the mission's order is in one month
    label_size = rows.locator(".chart-row-label").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert label_size >= 14, f"the month's label at {label_size} px on a phone"
    # each row of its tables a card, each value after its column's name: no table to scroll sideways
    for name in ("Volume par trimestre et par année", "Bénéficiaires", "Répartition par ligne de prix", "Commandes"):
        expect(page.locator(".table-wrap", has=page.get_by_role("table", name=name))).not_to_have_class(
            re.compile(r"\bscrollable\b"))
    expect(page.get_by_role("table", name="Commandes").locator("td[data-label='Montant']").first).to_be_visible()
    fits(app, page, "rapport de la centrale d'achat")
    theme_10(page, "rapport de la centrale d'achat")
    app.check(page, "telephone-centrale-rapport", shot=False)
    # on a wide screen the SVG chart is back and the list is not displayed (one of them for a screen reader)
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(figure.get_by_role("img", name="Volume d'affaires par mois (€ HT)")).to_be_visible()
    expect(rows).to_be_hidden()
    # a period without orders: nothing to draw, said in words
    page.get_by_label("Du", exact=True).fill("01/01/2020")
    page.get_by_label("Au", exact=True).fill("31/01/2020")
    page.get_by_role("button", name="Afficher").click()
    expect(figure.get_by_text("Aucune valeur à représenter sur la période.")).to_be_visible()
    expect(figure.locator("svg.chart")).to_have_count(0)


def test_beneficiary_on_a_phone_reads_its_missions_milestones_as_cards(app, platform, clean_firestore):
    """B11 mission follow-up on a phone: each milestone a card — its label, then « Jours », « Échéance », « Tous
    acceptés » after their names and its deliverables under theirs across the card — so that the milestones' region
    never scrolls sideways (it did, with « Faites défiler le tableau… »); on a desk's screen still a table."""
    frame_started_mission(clean_firestore, platform.project_id, seed.BENEFICIARY["beneficiary_id"],
                          seed.BENEFICIARY["territory"], worked=3, requires_conflict_declaration=False)
    page = on_phone(app, "beneficiary")
    page.goto(app.base + f"/#/missions/{missions.mission_id_for('recette-portail')}")
    milestones = page.get_by_role("table", name="Jalons")
    card = milestones.locator("tr[data-milestone='j1']")
    expect(card).to_be_visible(timeout=30000)
    fits(app, page, "mission (jalons)")
    region = page.locator("#milestones .table-wrap")
    widths = region.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the milestones scroll sideways on a phone: {widths}"
    expect(region.locator(".scroll-hint")).to_be_hidden()
    assert region.get_attribute("role") is None  # not a region to scroll: no useless tab stop
    for label in ("Jours", "Échéance", "Tous acceptés", "Livrables"):
        cell = card.locator(f"td[data-label='{label}']")
        assert cell.evaluate("td => getComputedStyle(td, '::before').content") == f'"{label}"', label
    deliverables = card.locator("td[data-label='Livrables']").bounding_box()
    assert deliverables["width"] >= page.viewport_size["width"] * 0.7, f"deliverables squeezed: {deliverables}"
    # the header row stays for screen readers (visually hidden), and axe finds nothing
    expect(milestones.get_by_role("columnheader", name="Échéance")).to_have_count(1)
    app.check(page, "telephone-beneficiaire-jalons", shot=False)
    # on a desk's screen, the same milestones are a table, its headers shown
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(milestones.get_by_role("columnheader", name="Échéance")).to_be_visible()
    assert milestones.evaluate("t => getComputedStyle(t).display") == "table"


def test_operator_on_a_phone_reads_its_account_requests_and_its_directory(app, platform, clean_firestore):
    """The operator's daily screens on a phone: « Demandes de compte » (where it lands) and « Annuaire » (the
    parties): they fit, and pass RGAA theme 10's focus, text spacing, text at 200 % and 320 px (theme_10)."""
    name_parties(clean_firestore)
    page = on_phone(app, "operator")
    expect(page.get_by_role("heading", name="Demandes de compte", level=1)).to_be_visible()
    fits(app, page, "demandes de compte")
    theme_10(page, "demandes de compte")
    app.check(page, "telephone-operateur-demandes", shot=False)
    menu_link(page, "Annuaire").tap()
    expect(page.get_by_role("heading", name="Annuaire des parties", level=1)).to_be_visible()
    app.settle(page)
    fits(app, page, "annuaire")
    theme_10(page, "annuaire")
    app.check(page, "telephone-operateur-annuaire", shot=False)


def test_manager_on_a_phone_decides_a_day_of_penalty_and_reads_a_catalogue_as_cards(app, platform, clean_firestore):
    """A9 « Pénalités » with data on a phone: a month's statement of pooled days, each a card — its deadline, the
    orders in cause and « Voir les N autres » across the card, its decision form named once —, nothing cut or scrolled
    sideways; a contract's catalogue items as cards too; the « Prestataire » picker by name, within the screen."""
    name_parties(clean_firestore)
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    issued = (dt.datetime.now(dt.UTC) - dt.timedelta(days=6)).isoformat()
    for i in range(1, 7):  # six reports sent 30 hours late: pooled P1 days of six causes, three behind « Voir les 3 autres »
        order_id = f"BC-P{i}"
        assert manager.post("receive_order", issue_order_body(
            order_id, title=f"Remplacement du robinet de puisage du local poubelles, bâtiment {i}",
            issued_at=issued)).status_code == 201
        late = contractor.post("submit_execution", {"manager_id": "mgr-test", "order_id": order_id, "sequence": 1,
                                                    "state": "acknowledged", "occurred_at": (dt.datetime.now(dt.UTC)
                                                    - dt.timedelta(hours=30)).isoformat(),
                                                    "event": {"label": "Commande prise en compte"}})
        assert late.status_code == 200, late.text
    catalogue(platform, manager)  # after the orders: their lines are not in it
    page = on_phone(app, "manager")
    menu_link(page, "Pénalités").tap()
    picker = page.get_by_label("Prestataire", exact=True)
    expect(picker.locator("option:checked")).to_have_text("Plomberie Essai")  # its only contractor, by its name
    late_day = dt.datetime.now(dt.UTC) - dt.timedelta(hours=30)
    page.get_by_label("Mois", exact=True).fill(late_day.astimezone(ZoneInfo("Europe/Paris")).strftime("%m/%Y"))
    page.get_by_role("button", name="Afficher le relevé").tap()
    expect(page.locator("tr[data-entry]").first).to_be_visible()
    app.settle(page)
    fits(app, page, "pénalités")
    expect(page.locator("#statement-title")).not_to_contain_text("ctr-test")
    day = page.locator("tr[data-entry]", has=page.locator(".penalty-causes-more")).first
    row_card(page, "tr[data-entry]", "Montant")
    # the deadline, its orders and « Voir les N autres » under « Délai » across the card, not in an 8 rem column
    cause = day.locator("td[data-label='Délai']")
    assert cause.evaluate("td => getComputedStyle(td).paddingLeft") == "0px"
    assert cause.evaluate("td => getComputedStyle(td, '::before').display") == "block"
    day.locator(".penalty-causes-more summary").tap()
    expect(day.locator("ul[aria-label='Autres messages en cause'] li").first).to_be_visible()
    fits(app, page, "pénalités, les autres causes ouvertes")
    # the decision form says « Décision » once: its own field, no column name before it
    decision = day.locator("td.stacked:not([data-label])")
    expect(decision.get_by_text("Décision", exact=True)).to_have_count(1)
    decision.get_by_label("Décision", exact=True).select_option("dispute")
    decision.get_by_label("Motif", exact=True).fill("Retard dû au serveur de la plateforme.")
    decision.get_by_role("button", name="Enregistrer").tap()
    expect(page.locator("tr[data-entry] td[data-label='Statut']", has_text="contestée")).to_have_count(1)
    app.check(page, "telephone-gestionnaire-penalites", shot=False)
    # a contract's catalogue: each item a card, its code and label first, then « Unité », « Prix unitaire HT », « TVA »
    page.goto(app.base + "/#/contracts/mgr-test/AC-2026-017")
    expect(page.get_by_role("table", name="Prestations")).to_contain_text("Recherche de fuite")
    app.settle(page)
    fits(app, page, "catalogue")
    row_card(page, "table[aria-label='Prestations'] tbody tr", "Prix unitaire HT")
    assert scroll_frames(page, "catalogue") == 0
