"""B8 availability "standard browsers": the web application in WebKit, Safari's engine — Debian's WebKitGTK
(its MiniBrowser) driven by Selenium over WebKitWebDriver (classic W3C WebDriver, package webkit2gtk-driver),
in an Xvfb display of its own (MiniBrowser has no headless mode), on the same functional stack as the Chromium
and Firefox tests.

Each test prepares its data as the Firefox one does (``prepare_*`` of test_second_engine.py), then runs the same
role's journey of journeys.json, step for step, with the same in-page probe (page_probe.js): sign-in, each
screen of the role's navigation shows its heading, a form posts and its answer (or the platform's refusal, next
to its field) shows, the live views follow the watch_orders stream (fetch and ReadableStream), axe-core on each
screen (no violation of any impact but axe_allowed.json's), and no page error. Classic WebDriver has no console or network
events: the page's errors, failed fetches (but the refusals the journeys provoke) and requests in flight are
read through hooks set in the page at sign-in (HOOKS)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from devtools.stack import ROOT
from tests.functional.browser.axe_policy import unexpected
from tests.functional.browser.conftest import AXE, PASSWORD, web_user
from tests.functional.browser.test_second_engine import (
    JOURNEYS, assert_line_declared, assert_scheduled, checks_of, prepare_beneficiary, prepare_contractor, prepare_manager,
    prepare_operator, prepare_purchasing_body)
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

PROBE = (Path(__file__).with_name("page_probe.js")).read_text(encoding="utf-8")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
FAILURES = ROOT / ".run"  # a failed journey's screen (git-ignored)
TIMEOUT = 15.0
NAV = "nav[aria-label='Navigation principale']"
# Set in the page once it is loaded (the app is one page: hash routes, no reload): its errors, the fetches that
# failed or answered 5xx (a refusal the journeys provoke, 4xx, is not one), and the fetches in flight but the
# order streams (they stay open as long as the screen).
HOOKS = """
const stream = arguments[0];
if (window.__journey) return;
const j = window.__journey = {problems: [], inFlight: 0};
addEventListener("error", (e) => j.problems.push(`page error: ${e.message}`));
addEventListener("unhandledrejection", (e) => j.problems.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
const error = console.error.bind(console);
console.error = (...a) => { j.problems.push(`console error: ${a.map(String).join(" ")}`); error(...a); };
const original = window.fetch.bind(window);
window.fetch = (input, init) => {
  const url = String(input?.url ?? input);
  if (url.startsWith(stream)) return original(input, init);
  j.inFlight++;
  return original(input, init).then((r) => {
    if (r.status >= 500) j.problems.push(`${r.status} from ${url}`);
    return r;
  }, (e) => { j.problems.push(`fetch failed: ${url}: ${e}`); throw e; }).finally(() => { j.inFlight--; });
};
"""


class Failure(AssertionError):
    pass


@pytest.fixture(scope="module")
def display():
    """An Xvfb display of its own for the WebKit tests (installed by scripts/_venv.sh: xvfb), stopped after them."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is required for WebKitGTK (scripts/_venv.sh installs it: apt-get install -y xvfb)"
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as announced:
        number = announced.readline().strip()
    assert number.isdigit(), f"Xvfb announced no display (exit {server.poll()})"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def webkit(display) -> dict:
    """Debian's WebKitWebDriver and MiniBrowser (webkit2gtk-driver, libwebkit2gtk-4.1-0): a missing one fails."""
    driver = shutil.which("WebKitWebDriver")
    assert driver, "Debian's webkit2gtk-driver is required (scripts/_venv.sh installs it)"
    assert MINIBROWSER.is_file(), f"{MINIBROWSER} is required (libwebkit2gtk-4.1-0, a dependency of webkit2gtk-driver)"
    return {"driver": driver, "display": display}


class Journey:
    """One role's journey of journeys.json in a fresh WebKit, the same steps as second_engine.mjs's Driver."""

    def __init__(self, webkit: dict, base: str, stream: str):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        # the browser's machine in UTC, not Paris: the app shows and reads every time as Paris's all the same
        env = {**os.environ, "DISPLAY": webkit["display"], "TZ": "UTC", "LANG": "en_US.UTF-8"}
        env.pop("WAYLAND_DISPLAY", None)
        service = Service(executable_path=webkit["driver"], env=env)
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_window_size(1280, 800)
        self.base, self.stream = base, stream
        self.checked: list[str] = []
        self.steps: list[str] = []
        caps = self.driver.capabilities
        self.engine = f"webkitgtk/{caps.get('browserVersion')}"

    # -- probes and actions ---------------------------------------------------------------------------------

    def until(self, description: str, op: str, args: list, timeout: float = TIMEOUT):
        """probe(op, args) of page_probe.js, in the page, polled until it answers something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.driver.execute_script(f"return ({PROBE})(arguments[0], arguments[1]);", op, args)
            if found:
                return found
            if time.monotonic() > deadline:
                raise Failure(f"{description}: not seen within {timeout:.0f} s")
            time.sleep(0.1)

    def see(self, selector: str, text: str) -> None:
        self.until(f"« {text} » in {selector}", "text", [selector, text])

    def count(self, selector: str, n: int) -> None:
        self.until(f"{n} × {selector}", "count", [selector, n])

    def control(self, label: str, scope: str | None = None):
        return self.until(f"the field « {label} »", "control", [label, scope])

    def fill(self, label: str, value: str, scope: str | None = None) -> None:
        """Types ``value`` into the field labelled ``label`` as a person would (key events, after clearing it)."""
        control = self.control(label, scope)
        self.driver.execute_script("arguments[0].value = '';", control)
        control.send_keys(value)

    def select(self, label: str, value: str, scope: str | None = None) -> None:
        from selenium.webdriver.support.ui import Select

        control = self.until(f"the option {value} of « {label} »", "option", [label, value, scope])
        Select(control).select_by_value(value)

    def click(self, name: str, scope: str | None = None) -> None:
        self.until(f"the button or link « {name} »", "action", [name, scope]).click()

    def fieldError(self, label: str, text: str, scope: str | None = None) -> None:  # noqa: N802 (journeys.json)
        self.until(f"the error « {text} » of « {label} »", "fieldError", [label, text, scope])

    def table(self, name: str, row: str, text: str, timeout_ms: int = int(TIMEOUT * 1000)) -> None:
        self.until(f"« {text} » in a row of the table « {name} »", "table", [name, row, text], timeout_ms / 1000)

    def visit(self, link: str, heading: str) -> None:
        self.click(link, NAV)
        self.until(f"the heading « {heading} »", "text", ["h1", heading])

    def fits(self) -> None:
        """No table wider than its frame: nothing scrolls sideways at this width (1280 px)."""
        self.until("every table within its frame", "fits", [])

    def step(self, what: str) -> None:
        self.steps.append(what)

    def problems(self) -> list[str]:
        return self.driver.execute_script("return window.__journey ? window.__journey.problems : ['page reloaded']")

    def settle(self) -> None:
        """Waits until no request but the order streams has been in flight for half a second."""
        deadline, quiet_since = time.monotonic() + TIMEOUT, None
        while time.monotonic() < deadline:
            if self.driver.execute_script("return document.readyState === 'complete' && window.__journey.inFlight"):
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= 0.5:
                return
            time.sleep(0.1)
        raise Failure(f"requests still in flight after {TIMEOUT:.0f} s")

    def check(self, name: str) -> None:
        """axe-core on the page as it is now: no violation of any impact but those axe_allowed.json allows on
        ``name`` (axe_policy.py), and no page error so far."""
        self.settle()
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(AXE.read_text(encoding="utf-8") + "\n;return 0;")
        violations = unexpected(self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations
              .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))),
              (e) => done([{id: 'axe-error', help: String(e)}]));"""), name)
        if violations:
            raise Failure(f"{name}: accessibility violations\n{json.dumps(violations, ensure_ascii=False, indent=1)}")
        if self.problems():
            raise Failure(f"{name}: " + "\n".join(self.problems()))
        self.checked.append(name)

    def sign_in(self, email: str) -> None:
        from selenium.webdriver.common.keys import Keys

        self.driver.get(self.base + "/")
        self.driver.execute_script(HOOKS, self.stream)
        self.fill("Adresse e-mail", email)
        self.fill("Mot de passe", PASSWORD)
        self.control("Mot de passe").send_keys(Keys.ENTER)  # the keyboard submits the form
        self.until("the main navigation", "count", [NAV, 1])
        self.step("signed in")

    # -- the journey ------------------------------------------------------------------------------------------

    def run(self, role: str, params: dict) -> None:
        steps = json.loads(JOURNEYS.read_text(encoding="utf-8"))[role]["steps"]

        def fill(arg):
            if not isinstance(arg, str):
                return arg
            for key, value in params.items():
                arg = arg.replace("{" + key + "}", str(value))
            return arg

        for op, *args in steps:
            if op not in {"see", "count", "fill", "select", "click", "fieldError", "table", "visit", "fits", "check",
                          "step"}:
                raise Failure(f"no step « {op} »")
            getattr(self, op)(*map(fill, args))

    def screen(self) -> str:
        try:
            return self.driver.execute_script(
                "return (location.hash + '\\n' + (document.querySelector('main') || document.body).innerText)"
                ".slice(0, 4000)")
        except Exception as error:  # noqa: BLE001 (only for the failure's message)
            return f"unreadable: {error}"


def journey(webkit: dict, web: str, platform, role: str, params: dict) -> Journey:
    """Runs ``role``'s journey in a fresh WebKit; the journey once it passed without a problem."""
    email, _ = web_user(platform, role)
    started = time.monotonic()
    run = Journey(webkit, web, platform.url("watch_orders"))
    try:
        run.sign_in(email)
        run.run(role, params)
        assert not run.problems(), run.problems()
    except Exception as error:
        FAILURES.mkdir(exist_ok=True)
        run.driver.save_screenshot(str(FAILURES / f"webkit-{role}.png"))
        raise Failure(f"{error}\nsteps: {run.steps}\nchecked: {run.checked}\nscreen: {run.screen()}") from error
    finally:
        run.driver.quit()
    assert run.engine.startswith("webkitgtk/2."), run.engine
    print(f"\n{role} in {run.engine}: {time.monotonic() - started:.1f} s, checked {run.checked}")
    return run


def test_the_manager_follows_its_dashboard_and_an_order_live_and_is_told_a_refusal_in_webkit(
        webkit, web, platform, clean_firestore):
    run = journey(webkit, web, platform, "manager", prepare_manager(platform, "BC-WK1"))
    assert run.checked == checks_of("manager")


def test_the_contractor_acknowledges_and_schedules_an_order_through_the_execution_form_in_webkit(
        webkit, web, platform, clean_firestore):
    params = prepare_contractor(platform, "BC-WK2")
    run = journey(webkit, web, platform, "contractor", params)
    assert run.checked == checks_of("contractor")
    assert run.steps[1:3] == ["acknowledged", "scheduled"]
    assert_scheduled(platform, "BC-WK2", params["start"])
    assert_line_declared(platform, "BC-WK2")


def test_the_beneficiary_submits_a_need_and_reads_its_ranking_in_webkit(webkit, web, platform, clean_firestore):
    run = journey(webkit, web, platform, "beneficiary", prepare_beneficiary(platform))
    assert run.checked == checks_of("beneficiary")


def test_the_purchasing_body_reads_its_report_half_years_pool_and_agreements_in_webkit(
        webkit, web, platform, clean_firestore):
    run = journey(webkit, web, platform, "purchasing_body", prepare_purchasing_body(platform))
    assert run.checked == checks_of("purchasing_body")


def test_the_operator_reads_the_directory_and_registers_a_manager_in_webkit(webkit, web, platform, clean_firestore):
    run = journey(webkit, web, platform, "operator", prepare_operator(platform, "ctr-wk-annu"))
    assert run.checked == checks_of("operator")


def test_the_managers_order_screen_shows_a_change_made_elsewhere_live_in_webkit(
        webkit, web, platform, clean_firestore):
    """A11 real-time view in WebKit: web/live.mjs reads watch_orders' stream with fetch and a ReadableStream; a
    change the contractor makes through the API shows on the open order screen, without a reload or a poll (the
    screen polls only while the stream is down, and it is up: « en direct »)."""
    prepare_manager(platform, "BC-WK3")
    email, _ = web_user(platform, "manager")
    run = Journey(webkit, web, platform.url("watch_orders"))
    try:
        run.sign_in(email)
        run.click("BC-WK3")
        run.see("#order-live[data-live='live']", "en direct")
        run.settle()
        start = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        scheduled = Erp(platform, "contractor", "ctr-test").post("submit_execution", {
            "manager_id": "mgr-test", "order_id": "BC-WK3", "sequence": 2, "state": "scheduled",
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "Planifiée pendant la lecture"},
            "planned_start": start.isoformat(), "planned_end": (start + dt.timedelta(hours=3)).isoformat()})
        assert scheduled.status_code == 200, scheduled.text
        run.table("Historique", "tbody tr", "Planifiée pendant la lecture", timeout_ms=10000)
        run.see("#order-live[data-live='live']", "en direct")  # still on the stream, not fallen back to polling
        run.check("manager-order-live")
    finally:
        run.driver.quit()
