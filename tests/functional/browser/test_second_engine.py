"""B8 availability "standard browsers": the web application in a second browser engine, Debian's Firefox ESR
(Gecko), driven over WebDriver BiDi — built into Firefox, no geckodriver — by puppeteer-core (npm), on the
same functional stack as the Chromium tests (tests/functional/conftest.py, the `web` fixture and the accounts
of ./conftest.py).

Each test prepares its data through the functions, then runs one role's journey of second_engine.mjs in a
fresh Firefox: sign-in, each screen loads and shows its main content, a form posts and its answer (or the
platform's refusal, next to its field) shows, axe-core on each screen (no serious or critical violation), and
no console or page error. The journeys are kept short: the Chromium suite covers every screen in depth."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest

from devtools.stack import ROOT
from tests.builders import issue_order_body
from tests.functional.browser.conftest import AXE, PASSWORD, web_user
from tests.functional.browser.test_journeys import register_pool
from tests.functional.erp import Erp
from tests.functional.test_onboarding import register

pytestmark = pytest.mark.emulators

SCRIPT = ROOT / "tests" / "functional" / "browser" / "second_engine.mjs"
PUPPETEER = ROOT / "node_modules" / "puppeteer-core"
FAILURES = ROOT / ".run"  # a failed journey's screen (git-ignored)


@pytest.fixture(scope="module")
def firefox() -> str:
    """Debian's Firefox ESR and puppeteer-core, both installed by scripts/_venv.sh: a missing one fails, loudly."""
    executable = shutil.which("firefox-esr")
    assert executable, "Debian's firefox-esr is required (scripts/_venv.sh installs it: apt-get install -y firefox-esr)"
    assert PUPPETEER.is_dir(), "puppeteer-core is required (package.json: scripts/_venv.sh runs npm ci)"
    return executable


def journey(firefox: str, web: str, platform, role: str, params: dict) -> dict:
    """Runs ``role``'s journey of second_engine.mjs in Firefox; its report once it passed without a problem."""
    email, _ = web_user(platform, role)
    FAILURES.mkdir(exist_ok=True)
    given = {"firefox": firefox, "base": web, "stream": platform.url("watch_orders"), "axe": str(AXE),
             "journey": role, "email": email, "password": PASSWORD, "params": params,
             "failure_screenshot": str(FAILURES / f"firefox-{role}.png")}
    run = subprocess.run(["node", str(SCRIPT)], input=json.dumps(given), capture_output=True, text=True,
                         timeout=150, cwd=ROOT)
    lines = run.stdout.strip().splitlines()
    assert lines, f"second_engine.mjs printed nothing (exit {run.returncode})\n{run.stderr[-3000:]}"
    report = json.loads(lines[-1])
    assert run.returncode == 0, (f"{report.get('failure')}\nsteps: {report['steps']}\nproblems: {report['problems']}\n"
                                 f"screen: {report.get('screen')}")
    assert report["engine"].startswith("firefox/"), report["engine"]
    assert not report["problems"], "\n".join(report["problems"])
    print(f"\n{role} in {report['engine']}: {report['ms']} ms, checked {report['checked']}")
    return report


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_the_manager_follows_its_dashboard_and_an_order_live_and_is_told_a_refusal_in_firefox(
        firefox, web, platform, clean_firestore):
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    assert manager.post("receive_order", issue_order_body("BC-FX1", title="Fuite cage C")).status_code == 201
    acknowledged = contractor.post("submit_execution", {
        "manager_id": "mgr-test", "order_id": "BC-FX1", "sequence": 1, "state": "acknowledged",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "Commande prise en compte"}})
    assert acknowledged.status_code == 200, acknowledged.text
    report = journey(firefox, web, platform, "manager", {"order": "BC-FX1"})
    assert report["checked"] == ["manager-dashboard", "manager-order", "manager-quote-refused"]


def test_the_contractor_acknowledges_and_schedules_an_order_through_the_execution_form_in_firefox(
        firefox, web, platform, clean_firestore):
    assert Erp(platform, "manager", "mgr-test").post("receive_order", issue_order_body("BC-FX2")).status_code == 201
    start = dt.date.today() + dt.timedelta(days=3)
    report = journey(firefox, web, platform, "contractor", {"order": "BC-FX2", "start": fr(start)})
    assert report["checked"] == ["contractor-orders", "contractor-order-scheduled"]
    assert report["steps"][-2:] == ["acknowledged", "scheduled"]
    # the web form's post reached the platform: 08:00 typed in a browser in UTC is 08:00 in Paris
    order = Erp(platform, "contractor", "ctr-test").get_order("BC-FX2", "mgr-test").json()["order"]
    assert order["state"] == "scheduled"
    planned = dt.datetime.fromisoformat(order["planned_start"].replace("Z", "+00:00"))
    assert planned == dt.datetime.combine(start, dt.time(8), tzinfo=ZoneInfo("Europe/Paris")), order["planned_start"]


def test_the_beneficiary_submits_a_need_and_reads_its_ranking_in_firefox(firefox, web, platform, clean_firestore):
    register_pool(platform)
    start = dt.date.today() + dt.timedelta(days=30)
    report = journey(firefox, web, platform, "beneficiary",
                     {"start": fr(start), "end": fr(start + dt.timedelta(days=60))})
    assert report["checked"] == ["beneficiary-need-form", "beneficiary-need-ranking"]


def test_the_operator_reads_the_directory_and_registers_a_manager_in_firefox(firefox, web, platform, clean_firestore):
    register(Erp(platform, "operator", "platform"), "mgr-fx-annu", "ctr-fx-annu")
    report = journey(firefox, web, platform, "operator", {"party": "ctr-fx-annu"})
    assert report["checked"] == ["operator-directory", "operator-onboarding"]
