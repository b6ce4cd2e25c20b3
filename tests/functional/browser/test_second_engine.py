"""B8 availability "standard browsers": the web application in a second browser engine, Debian's Firefox ESR
(Gecko), driven over WebDriver BiDi — built into Firefox, no geckodriver — by puppeteer-core (npm), on the
same functional stack as the Chromium tests (tests/functional/conftest.py, the `web` fixture and the accounts
of ./conftest.py).

Each test prepares its data through the functions (the ``prepare_*`` below, shared with WebKit's
test_webkit.py), then runs one role's journey of journeys.json through second_engine.mjs in a fresh Firefox:
sign-in, each screen of the role's navigation loads and shows its heading, a form posts and its answer (or the
platform's refusal, next to its field) shows, axe-core on each screen (no violation of any impact but those of
axe_allowed.json), and no console or page error. The Chromium suite covers every screen in depth; these cover each role's screens."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest

from devtools import seed
from devtools.stack import ROOT
from tests.builders import issue_order_body
from tests.dates import paris_today
from tests.functional.browser.conftest import AXE, PASSWORD, USERS, web_user
from tests.functional.browser.test_journeys import register_pool
from tests.functional.erp import Erp
from tests.functional.test_onboarding import register

pytestmark = pytest.mark.emulators

SCRIPT = ROOT / "tests" / "functional" / "browser" / "second_engine.mjs"
JOURNEYS = SCRIPT.with_name("journeys.json")  # the steps, shared with test_webkit.py
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


def checks_of(role: str) -> list[str]:
    """The screens ``role``'s journey runs axe-core on, in order (journeys.json)."""
    steps = json.loads(JOURNEYS.read_text(encoding="utf-8"))[role]["steps"]
    return [args[0] for op, *args in steps if op == "check"]


# ---- each journey's data, prepared through the functions (shared with test_webkit.py) -------------------------

def prepare_manager(platform, order: str) -> dict:
    manager, contractor = Erp(platform, "manager", "mgr-test"), Erp(platform, "contractor", "ctr-test")
    assert manager.post("receive_order", issue_order_body(order, title="Fuite cage C")).status_code == 201
    acknowledged = contractor.post("submit_execution", {
        "manager_id": "mgr-test", "order_id": order, "sequence": 1, "state": "acknowledged",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "Commande prise en compte"}})
    assert acknowledged.status_code == 200, acknowledged.text
    return {"order": order}


def prepare_contractor(platform, order: str) -> dict:
    assert Erp(platform, "manager", "mgr-test").post("receive_order", issue_order_body(order)).status_code == 201
    return {"order": order, "start": fr(dt.date.today() + dt.timedelta(days=3))}


def assert_scheduled(platform, order: str, start: str) -> None:
    """The web form's post reached the platform: 08:00 typed in a browser in UTC is 08:00 in Paris."""
    got = Erp(platform, "contractor", "ctr-test").get_order(order, "mgr-test").json()["order"]
    assert got["state"] == "scheduled"
    planned = dt.datetime.fromisoformat(got["planned_start"].replace("Z", "+00:00"))
    day = dt.datetime.strptime(start, "%d/%m/%Y").date()
    assert planned == dt.datetime.combine(day, dt.time(8), tzinfo=ZoneInfo("Europe/Paris")), got["planned_start"]


def assert_line_declared(platform, order: str) -> None:
    """A6: the line chosen « réalisée » on the order screen reached the platform, the other left undeclared."""
    got = Erp(platform, "contractor", "ctr-test").get_order(order, "mgr-test").json()["order"]
    assert got["line_status"] == {"L1": True}, got["line_status"]


def prepare_beneficiary(platform) -> dict:
    register_pool(platform)
    start = dt.date.today() + dt.timedelta(days=30)
    return {"start": fr(start), "end": fr(start + dt.timedelta(days=60))}


def prepare_purchasing_body(platform) -> dict:
    register_pool(platform)  # the pool's statistics (B14) have something to count, the beneficiary to choose
    later = (paris_today() + dt.timedelta(days=10)).isoformat()  # A9: effective dates are Paris's
    terms = Erp(platform, "purchasing_body", "centrale-demo").post("set_penalty_terms", {
        "beneficiary_id": seed.BENEFICIARY["beneficiary_id"], "effective_from": later, "reason": "Annexe pénalités",
        "terms": {"daily_amount_cents": {"P1": 20000}, "rules_by_kind": {"D4": "P1"}}})
    assert terms.status_code == 201, terms.text
    after = (paris_today() + dt.timedelta(days=12)).strftime("%d/%m/%Y")  # after the version above: accepted
    # its « Utilisateurs » lists the account the journey signs in with, its own
    return {"beneficiary": seed.BENEFICIARY["beneficiary_id"], "beneficiary_name": seed.BENEFICIARY["name"],
            "after": after, "email": USERS["purchasing_body"][0]}


def prepare_operator(platform, party: str) -> dict:
    register(Erp(platform, "operator", "platform"), f"mgr-{party}", party)
    return {"party": party}


# ---- the journeys in Firefox ----------------------------------------------------------------------------------

def test_the_manager_follows_its_dashboard_and_an_order_live_and_is_told_a_refusal_in_firefox(
        firefox, web, platform, clean_firestore):
    report = journey(firefox, web, platform, "manager", prepare_manager(platform, "BC-FX1"))
    assert report["checked"] == checks_of("manager")


def test_the_contractor_acknowledges_and_schedules_an_order_through_the_execution_form_in_firefox(
        firefox, web, platform, clean_firestore):
    params = prepare_contractor(platform, "BC-FX2")
    report = journey(firefox, web, platform, "contractor", params)
    assert report["checked"] == checks_of("contractor")
    assert report["steps"][1:3] == ["acknowledged", "scheduled"]
    assert_scheduled(platform, "BC-FX2", params["start"])
    assert_line_declared(platform, "BC-FX2")


def test_the_beneficiary_submits_a_need_and_reads_its_ranking_in_firefox(firefox, web, platform, clean_firestore):
    report = journey(firefox, web, platform, "beneficiary", prepare_beneficiary(platform))
    assert report["checked"] == checks_of("beneficiary")


def test_the_purchasing_body_reads_its_report_half_years_pool_and_agreements_in_firefox(
        firefox, web, platform, clean_firestore):
    report = journey(firefox, web, platform, "purchasing_body", prepare_purchasing_body(platform))
    assert report["checked"] == checks_of("purchasing_body")


def test_the_operator_reads_the_directory_and_registers_a_manager_in_firefox(firefox, web, platform, clean_firestore):
    report = journey(firefox, web, platform, "operator", prepare_operator(platform, "ctr-fx-annu"))
    assert report["checked"] == checks_of("operator")
