"""README command 1 (`./scripts/dev`) as a developer runs it: everything starts, the demo data is
there, what the banner prints works, and Ctrl-C stops every process it started.

It runs the real script on free ports (``--free-ports``), so it can run beside the test platform
or a developer's own `./scripts/dev`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from devtools import seed
from devtools.tokens import emulator_token

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 420  # 45 functions and 5 emulators on 2 busy cores
EMULATORS = ("firestore", "pubsub", "auth", "storage", "tasks")


def _read_until(proc: subprocess.Popen, marker: str, lines: list[str], timeout: float) -> bool:
    done = threading.Event()

    def pump() -> None:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if marker in line:
                done.set()
        done.set()

    threading.Thread(target=pump, daemon=True).start()
    return done.wait(timeout) and any(marker in line for line in lines)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("dev-run")
    proc = subprocess.Popen([str(ROOT / "scripts" / "dev"), "--free-ports", "--run-dir", str(run_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    started = _read_until(proc, "Ctrl-C stops everything.", lines, STARTUP_SECONDS)
    try:
        yield proc, lines, started, run_dir
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # only if the test failed before its own Ctrl-C


def _banner_value(lines: list[str], pattern: str) -> str:
    for line in lines:
        found = re.search(pattern, line)
        if found:
            return found.group(1)
    raise AssertionError(f"{pattern!r} not in the banner:\n" + "\n".join(lines[-80:]))


def test_the_dev_command_starts_everything_with_demo_data_and_ctrl_c_stops_it_all(dev):
    proc, lines, started, run_dir = dev
    # Given ./scripts/dev was started as the README says
    assert started, "no banner within the start-up time:\n" + "\n".join(lines[-60:])
    config = json.loads((ROOT / "emulators.json").read_text())
    # Then the banner lists every function of emulators.json with its URL
    urls = {name: _banner_value(lines, rf"^\s+{name}\s+(http://127\.0\.0\.1:\d+)/") for name in config["functions"]}
    ports = {name: _banner_value(lines, rf"^\s+{name}\s+127\.0\.0\.1:(\d+)$") for name in EMULATORS}
    # (and the gateway of the functions host, every function under /<function>/)
    ports["gateway"] = _banner_value(lines, r"every function also under http://127\.0\.0\.1:(\d+)/<function>/")
    # And the demo parties went through the onboarding API (nothing written to Firestore by hand)
    parties = _banner_value(lines, r"Demo parties through the onboarding API \(docs/onboarding.md\): (.*)$")
    calls = re.findall(r"(\w+) → (\d+)", parties)
    assert [name for name, _ in calls] == ["register_manager", "register_purchasing_body", "register_contractor",
                                           "register_contractor", "register_contractor", "register_machine_identity",
                                           "upsert_contract", "upsert_contract", "import_property_tree"]
    assert all(status in ("200", "201") for _, status in calls), parties
    # And the three demo orders were accepted by receive_order, the web app's demo users created
    demo = _banner_value(lines, r"Demo orders sent through receive_order: (.*)$")
    assert re.findall(r"(BC-2026-\d{4}) → (\d+)", demo) == [
        ("BC-2026-0101", "201"), ("BC-2026-0102", "201"), ("BC-2026-0103", "201")]
    assert re.search(r"sign in as titulaire@accord-cadre.demo / \S+ +\(titulaire ctr-titulaire\)$", "\n".join(lines),
                     re.MULTILINE)
    assert len(re.findall(r"sign in as \S+@\S+ / \S+ +\((gestionnaire|prestataire|bénéficiaire|centrale d'achat"
                          r"|opérateur|titulaire) [\w-]+\)$", "\n".join(lines), re.MULTILINE)) == len(seed.DEMO_USERS)
    # And ACME's two demo orders wait on the subscription register_contractor created for its ERP
    from google.cloud import pubsub_v1

    from tests.functional.erp import pull_messages

    saved = os.environ.get("PUBSUB_EMULATOR_HOST")
    os.environ["PUBSUB_EMULATOR_HOST"] = f"127.0.0.1:{ports['pubsub']}"  # the dev stack's, not the suite's
    try:
        subscriber = pubsub_v1.SubscriberClient()
        pulled = pull_messages(subscriber, subscriber.subscription_path(config["project_id"], "orders-ctr-acme-erp"),
                               wait=10)
        subscriber.close()
    finally:
        if saved is None:
            del os.environ["PUBSUB_EMULATOR_HOST"]
        else:
            os.environ["PUBSUB_EMULATOR_HOST"] = saved
    issued = {json.loads(m.data)["order_id"] for m in pulled
              if m.attributes["ce-type"] == "fr.passerelle.order.issued.v1"}
    assert issued == {"BC-2026-0101", "BC-2026-0102"}
    # When a developer uses the printed manager token on the printed get_order URL
    token = _banner_value(lines, r"MANAGER_TOKEN=(\S+)")
    order = requests.get(f"{urls['get_order']}/", params={"order_id": "BC-2026-0101"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    # Then the demo order is there, in the manager's space
    assert order.status_code == 200, order.text
    assert order.json()["order"]["order_id"] == "BC-2026-0101"
    # And the operator's directory lists the demo purchasing body with its territory (B1 parties, B18)
    operator = emulator_token(config["project_id"], "operator-dev-test", role="operator", tenant="platform")
    bodies = requests.get(f"{urls['list_parties']}/", params={"kind": "purchasing_body"}, timeout=30,
                          headers={"Authorization": f"Bearer {operator}"})
    assert bodies.status_code == 200, bodies.text
    assert [(p["id"], p["territory"], p["status"]) for p in bodies.json()["parties"]] == [
        (seed.PURCHASING_BODY["purchasing_body_id"], seed.PURCHASING_BODY["territory"], "active")]
    # And the web application answers with its configuration naming the same function URLs
    web_app = _banner_value(lines, r"open (http://127\.0\.0\.1:\d+)/ — sign in as")
    web_config = requests.get(f"{web_app}/config.json", timeout=30)
    assert web_config.status_code == 200 and web_config.json()["functions"]["get_order"] == urls["get_order"]
    # And the printed email/password signs in on the Auth emulator, as the web app does
    email, password = re.search(r"sign in as (\S+@\S+) / (\S+)", "\n".join(lines)).groups()
    signed_in = requests.post(
        f"http://127.0.0.1:{ports['auth']}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword",
        params={"key": "fake-api-key"}, json={"email": email, "password": password, "returnSecureToken": True},
        timeout=30)
    assert signed_in.status_code == 200 and signed_in.json()["idToken"]
    # And part B's demo need was submitted and score_candidates ranked the demo pool through Pub/Sub
    sourcing = _banner_value(lines, r"Demo sourcing \(part B, docs/sourcing.md\): (.*)$")
    assert re.findall(r"(\w+) → (\d+)", sourcing) == [
        ("register_beneficiary", "201"), ("import_professionals", "200"), ("submit_need", "201")]
    beneficiary = _banner_value(lines, r"BENEFICIARY_TOKEN=(\S+)")
    need_id = _banner_value(lines, r"need_id=([\w-]+)'")
    ranked = None
    for _ in range(120):
        need = requests.get(f"{urls['get_sourcing']}/", params={"view": "need", "need_id": need_id},
                            headers={"Authorization": f"Bearer {beneficiary}"}, timeout=30)
        assert need.status_code == 200, need.text
        ranked = need.json()["versions"][0]["result"]
        if ranked:
            break
        time.sleep(0.5)
    assert ranked, "the demo need was never ranked"
    # When Ctrl-C is pressed
    os.kill(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=90) == 0
    time.sleep(1)  # the output pump reads the last lines
    # Then it said so, and nothing it started still listens
    assert "■ stopped." in lines
    still = [name for name, url in urls.items() if _listening(int(url.rsplit(":", 1)[1]))]
    still += [name for name, port in ports.items() if _listening(int(port))]
    assert still == []
    assert (run_dir / "logs").is_dir()
