"""The web application in a real browser: Debian's Chromium driven by Playwright for Python,
against the functional stack (emulators, every function, the Hosting emulator serving web/).

One browser for all of them, one fresh context (no cookie, no storage) per test, the
stack of tests/functional/conftest.py reused. Every page checked is run through axe-core
(node_modules/axe-core, injected through the DevTools protocol so that the app's CSP stays on):
no violation of any impact but the allow-list's (axe_policy.py). Screenshots of each role's main screens go to docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from devtools.stack import ROOT
from devtools.tokens import emulator_token
from tests.functional.browser import axe_policy
from tests.functional.people import account_with_own_password

SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Essai-Navigateur-2026!"
INCOMPLETE_LOG = os.environ.get("PASSERELLE_AXE_INCOMPLETE")
# Root needs --no-sandbox; the others keep Chromium off the (absent) network (machines/python.md).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
USERS = {
    "manager": ("gestionnaire@test.demo", "mgr-test"),
    "contractor": ("prestataire@test.demo", "ctr-test"),
    # the contractor of the sourcing missions' orders: a contractor account of its own
    "titulaire": ("titulaire@test.demo", "ctr-titulaire", "contractor"),
    "beneficiary": ("agent@metropole.demo", "ben-metropole-demo"),
    "purchasing_body": ("acheteur@centrale-test.demo", "centrale-test"),
    "operator": ("operateur@test.demo", "platform"),
}


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests, closed when they are done (the rest of the suite runs on)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required (scripts/_venv.sh installs it: apt-get install -y chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def web(platform):
    platform.provision_sourcing()  # needs-submitted → score_candidates, as Terraform wires it
    platform.provision_contractor("ctr-titulaire")  # the contractor of the sourcing missions' orders
    return platform.web_url()


def web_user(platform, role: str) -> tuple[str, str]:
    """The web account of ``role`` (USERS), with PASSWORD as its own password: (email, tenant)."""
    email, tenant, *account_role = USERS[role]
    created = account_with_own_password(platform, {
        "email": email, "display_name": f"Essai {role}", "role": account_role[0] if account_role else role,
        "tenant": tenant}, PASSWORD)
    assert created.status_code == 200, created.text
    return email, tenant


class App:
    """One test's browser context: signs people in, checks accessibility, keeps screenshots."""

    def __init__(self, browser, base: str, platform):
        self.browser, self.base, self.platform = browser, base, platform
        self.contexts = []
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.in_flight: dict[int, set] = {}  # id(page) → its requests in flight (_track_requests)

    def user(self, role: str) -> tuple[str, str]:
        return web_user(self.platform, role)

    def sign_in(self, role: str):
        """A fresh browser context in an English locale (the app must not follow it), signed in."""
        from playwright.sync_api import expect

        email, _ = self.user(role)
        context = self.browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US",
                                           timezone_id="Europe/Paris", accept_downloads=True)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        self._track_requests(page)
        page.on("console", lambda m: self.problems.append(f"{role} console {m.type}: {m.text}")
                if m.type == "error" and "401" not in m.text and "400" not in m.text and "404" not in m.text
                and "422" not in m.text else None)
        page.on("pageerror", lambda e: self.problems.append(f"{role} page error: {e}"))
        page.goto(self.base + "/")
        if not self.checked:
            self.check(page, "connexion", shot=False)
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_label("Mot de passe").press("Enter")  # the keyboard submits the form
        expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
        return page

    def _track_requests(self, page) -> None:
        """The page's requests in flight, but the order streams (watch_orders, A11 real-time view): they stay
        open as long as the screen, so Playwright's "networkidle" never comes while one is."""
        stream = self.platform.url("watch_orders")
        in_flight = self.in_flight.setdefault(id(page), set())

        def started(request):
            if not request.url.startswith(stream):
                in_flight.add(request)

        def ended(request):
            in_flight.discard(request)

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)

    def settle(self, page, quiet: float = 0.5, timeout: float = 15.0) -> None:
        """Wait until no request but the streams has been in flight for ``quiet`` seconds."""
        import time

        page.wait_for_load_state("load")
        in_flight = self.in_flight.get(id(page), set())
        deadline, quiet_since = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            if in_flight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"requests still in flight after {timeout} s: {[r.url for r in in_flight]}")

    def check(self, page, name: str, *, shot: bool = True) -> None:
        """axe-core on the page as it is now — no violation of any impact (critical, serious, moderate, minor) but
        those the allow-list names for ``name`` (axe_policy.py, axe_allowed.json), no « incomplete » result but the
        kinds reviewed (axe_reviewed.json) — then a screenshot. With PASSERELLE_AXE_INCOMPLETE=<file> (a collecting
        run), every incomplete result is appended to that file instead (one JSON line a check, its unreviewed ones
        apart) and none fails, so that one run gathers them all for a review."""
        self.settle(page)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
        reviewed = axe_policy.reviewed()
        found = page.evaluate(axe_policy.AXE_RUN_WITH_INCOMPLETE_JS, reviewed)
        if INCOMPLETE_LOG:  # a collecting run: every incomplete result, reviewed or not, logged for a new review
            with open(INCOMPLETE_LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps({"screen": name, "incomplete": found["incomplete"],
                                      "unreviewed": axe_policy.unreviewed(found["incomplete"], reviewed)},
                                     ensure_ascii=False) + "\n")
        result = axe_policy.unexpected(found["violations"], name)
        assert result == [], f"{name}: accessibility violations\n" + json.dumps(result, ensure_ascii=False, indent=1)
        doubts = [] if INCOMPLETE_LOG else axe_policy.unreviewed(found["incomplete"], reviewed)
        assert doubts == [], (f"{name}: axe-core could not decide these (« incomplete »), and no entry of "
                              "axe_reviewed.json says why they are not defects: review them\n"
                              + json.dumps(doubts, ensure_ascii=False, indent=1))
        self.checked.append(name)
        if shot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def fits(self, page) -> None:
        """No table wider than its frame: nothing scrolls sideways at this width."""
        overflowing = page.evaluate("() => [...document.querySelectorAll('.table-wrap')]"
                                    ".filter(w => w.scrollWidth > w.clientWidth + 1).length")
        assert overflowing == 0

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def app(browser, web, platform, clean_firestore):
    session = App(browser, web, platform)
    yield session
    session.close()
    assert not session.problems, "\n".join(session.problems)


def token(platform, role: str, tenant: str) -> str:
    return emulator_token(platform.project_id, f"seed-{role}-{tenant}", role=role, tenant=tenant)
