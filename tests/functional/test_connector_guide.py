"""A12 technical documentation: every program of the connector guide, run as a contractor's developer runs it.

The programs are taken from docs/connector-guide.en.md (the blocks marked ``<!-- sample: program … -->``,
tests/guide_samples.py), written to a directory and run as subprocesses — ``python`` is the project's
interpreter, ``.sh`` blocks run with bash and curl — against the suite's emulators, with the demo data of
./scripts/dev (the manager mgr-rhone-habitat, the contractor ctr-acme, the orders BC-2026-0101 and
BC-2026-0102) and only the variables the guide tells the reader to set. The addresses the guide prints are
./scripts/dev's (emulators.json); the suite's stack runs on free ports, so each 127.0.0.1:<port> is moved
to the same function or emulator here. Each step checks what the program did, not only its exit code: the
order's state through get_order, the reply read on replies-ctr-acme-erp, the quote's state, the messages
listed and redelivered, the conformance run. tests/unit/test_connector_guide.py checks that the French
guide's programs are these ones.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from devtools import seed
from devtools.stack import Stack, load_config
from shared import bootstrap
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import RequestQuote, SubmitQuote
from shared.service import quotes
from tests.fakes import FixedClock
from tests.functional.erp import Erp
from tests.guide_samples import GUIDES, programs, samples

pytestmark = pytest.mark.emulators
GUIDE = GUIDES["en"]
MANAGER, CONTRACTOR = seed.MANAGER["manager_id"], "ctr-acme"
# The programs in the order a developer meets them in the guide's section 10, then sections 7b, 8b and 12.
RUN_ORDER = ("try_it_locally.sh", "receive_orders.py", "publish_report.py", "read_replies.py",
             "submit_execution.sh", "publish_quote.py", "catch_up.py", "redeliver_messages.sh",
             "start_conformance.sh", "check_conformance.sh")


def on_this_stack(code: str, stack: Stack) -> str:
    """The guide's local addresses are ./scripts/dev's, from emulators.json: each moves to the port the same
    function or emulator has in the suite's stack. A port that emulators.json does not give fails."""
    config = load_config()
    named = {spec["port"]: name for name, spec in {**config["emulators"], **config["functions"]}.items()}
    named[config["gateway"]["port"]] = "gateway"

    def move(match: re.Match) -> str:
        assert int(match[1]) in named, f"the guide names 127.0.0.1:{match[1]}, which is no port of emulators.json"
        return f"127.0.0.1:{stack.ports[named[int(match[1])]]}"

    return re.sub(r"127\.0\.0\.1:(\d+)", move, code)


class Terminal:
    """A developer's terminal: the guide's programs saved in a directory, the project's Python first on the
    PATH, and nothing of the suite's environment but what the guide says to export."""

    def __init__(self, stack: Stack, directory: Path, token: str):
        self.directory, self.ran = directory, []
        for name, sample in programs(GUIDE).items():
            code = on_this_stack(sample.code, stack)
            if name == "try_it_locally.sh":  # what the reader pastes from ./scripts/dev's banner
                code = code.replace("CONTRACTOR_TOKEN=…", f"CONTRACTOR_TOKEN={token}")
            (directory / name).write_text(code, encoding="utf-8")
        self.base = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                     "HOME": os.environ.get("HOME", str(directory)), "LANG": "C.UTF-8"}
        self.exported = {"PUBSUB_EMULATOR_HOST": f"127.0.0.1:{stack.ports['pubsub']}",
                         "PASSERELLE_PROJECT": stack.project_id, "PASSERELLE_CONTRACTOR": CONTRACTOR,
                         "CONTRACTOR_TOKEN": token}

    def run(self, name: str, *, exported: bool = True, **variables: str) -> str:
        command = ["bash", name] if name.endswith(".sh") else ["python", name]
        env = {**self.base, **(self.exported if exported else {}), **variables}
        done = subprocess.run(command, cwd=self.directory, env=env, capture_output=True, text=True, timeout=120)
        self.ran += [name, *re.findall(r"^python (\S+)", (self.directory / name).read_text(encoding="utf-8"), re.M)]
        assert done.returncode == 0, f"{name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def run_until(self, name: str, *expected: str, attempts: int = 5) -> str:
        """Run a reader again until it has shown all of ``expected``, as an ERP that polls every few seconds
        does (each run stops at the first empty pull, after the guide's 10 s)."""
        seen = ""
        for _ in range(attempts):
            seen += self.run(name)
            if all(text in seen for text in expected):
                return seen
        raise AssertionError(f"{name} never showed {expected!r}:\n{seen}")


def exports_of(code: str) -> set[str]:
    return {assignment.split("=", 1)[0] for line in code.splitlines() if line.startswith("export ")
            for assignment in line.split("#", 1)[0].split()[1:]}


def get(erp: Erp, function: str, **params) -> dict:
    answer = requests.get(erp.stack.url(function) + "/", params=params, timeout=30,
                          headers={"Authorization": f"Bearer {erp.token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def get_when(erp: Erp, function: str, done, wait: float = 30.0, **params) -> dict:
    """``get`` again until ``done(answer)``: what a program published on Pub/Sub is applied when the push
    subscription delivers it to publish_execution, a moment after the program has returned."""
    deadline = time.monotonic() + wait
    while True:
        answer = get(erp, function, **params)
        if done(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def messages_after(erp: Erp, cursor: str | None = None) -> list[dict]:
    return get(erp, "list_messages", limit="500", **({"after": cursor} if cursor else {}))["messages"]


def message_example(ce_type: str) -> dict:
    return json.loads(next(s.code for s in samples(GUIDE) if s.kind == "message" and s.name == ce_type))


@pytest.fixture
def demo(platform: Stack, clean_firestore) -> Stack:
    """The demo parties and orders of ./scripts/dev, through the same onboarding calls (devtools/seed.py)."""
    registered = seed.register_parties(platform.url, platform.project_id)
    assert [(name, status) for name, status in registered if status not in (200, 201)] == []
    listener = Erp(platform, "contractor", CONTRACTOR)
    for topic in ("orders-ctr-acme", "replies-ctr-acme"):  # what earlier tests left on the subscriptions
        listener.pull(topic, wait=0.5)
    listener.close()
    orders = seed.post_demo_orders(platform.url("receive_order"), platform.project_id, dt.datetime.now(dt.UTC))
    assert [status for _, status in orders] == [201, 201, 201]
    return platform


def test_every_program_of_the_connector_guide_does_what_the_guide_says(demo, tmp_path):
    manager, contractor = Erp(demo, "manager", MANAGER), Erp(demo, "contractor", CONTRACTOR)
    terminal = Terminal(demo, tmp_path, contractor.token)

    # Given the variables section 10 exports, and nothing else from the suite
    session = (tmp_path / "try_it_locally.sh").read_text(encoding="utf-8")
    assert exports_of(session) == set(terminal.exported)
    # When the reader runs section 10: receive the orders, publish a report, read the replies
    out = terminal.run("try_it_locally.sh", exported=False)
    # Then both demo orders were received, with their lines
    assert "new order BC-2026-0101 from mgr-rhone-habitat: Fuite sous évier — logement 12" in out, out
    assert "new order BC-2026-0102 from mgr-rhone-habitat: Robinet de puisage" in out
    assert "  L1 PLB-010 Recherche de fuite × 1" in out
    # And the report was accepted, as its reply read on replies-ctr-acme-erp says, and the order moved
    ce_id = re.search(r"published ce-id (\S+)", out)[1]
    assert f"{ce_id}: accepted, order BC-2026-0101 is now acknowledged" in out
    view = manager.get_order("BC-2026-0101").json()
    assert (view["order"]["state"], [(e.get("kind"), e["state_after"]) for e in view["events"]]) == (
        "acknowledged", [("received", "to_acknowledge"), (None, "acknowledged")])
    # And the orders were acknowledged on Pub/Sub: nothing is waiting any more
    assert contractor.pull("orders-ctr-acme", wait=1) == []

    # When the reader sends a report over REST (section 8)
    reply = json.loads(terminal.run("submit_execution.sh"))
    # Then it is accepted and the order moved
    assert (reply["status"], reply["order_id"], reply["order_state"], reply["in_reply_to"]["channel"]) == (
        "accepted", "BC-2026-0102", "acknowledged", "rest"), reply
    assert manager.get_order("BC-2026-0102").json()["order"]["state"] == "acknowledged"

    # Given the manager requests the quote of section 4's example
    requested = message_example("fr.passerelle.quote.requested.v1")
    request = {field: requested[field] for field in ("quote_id", "contract_id", "contractor_id", "title", "site")}
    assert manager.post("request_quote", request).status_code == 201
    assert "quote DV-2026-007 requested by mgr-rhone-habitat, answer before " in terminal.run_until(
        "receive_orders.py", "quote DV-2026-007")
    # When the reader submits it over Pub/Sub (section 7b)
    quote_ce_id = re.search(r"published ce-id (\S+)", terminal.run("publish_quote.py"))[1]
    # Then the quote is submitted at the catalogue's price
    quote = get_when(manager, "get_quote", lambda q: q["state"] != "requested", quote_id="DV-2026-007")
    assert (quote["state"], quote["current_version"]) == ("submitted", 1)

    # Given another quote expires unanswered (requested and submitted ten days ago, valid until two days ago)
    past = FixedClock(dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    quotes.request_quote(MANAGER, RequestQuote(quote_id="DV-2026-008", contract_id="AC-2026-017",
                                               contractor_id=CONTRACTOR, title="Colonne",
                                               site=SiteRef(node_id="LYON-BAT-A")), bootstrap.uow(), past)
    line = OrderLine.model_validate({"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite",
                                     "quantity": 1, "unit": "U", "unit_price_cents": 8500}, strict=False)
    quotes.submit_quote(CONTRACTOR, SubmitQuote(manager_id=MANAGER, quote_id="DV-2026-008", lines=[line],
                                                valid_until=dt.date.today() - dt.timedelta(days=2)),
                        bootstrap.uow(), past)
    assert requests.post(demo.url("expire_quotes") + "/", json={}, timeout=60).json()["expired"] == 1
    # When the reader reads its replies
    key = reply["in_reply_to"]["id"]
    out = terminal.run_until("read_replies.py", key, quote_ce_id, "DV-2026-008")
    # Then the REST report's reply came on the topic too, under its key; the quote's reply names its version;
    # and the expiry, which answers no message of the reader's, is told apart
    assert f"{key}: accepted, order BC-2026-0102 is now acknowledged" in out
    assert f"{quote_ce_id}: accepted, quote DV-2026-007 version 1" in out
    assert "quote DV-2026-008 expired (valid until " in out

    # When the manager accepts the first quote
    assert manager.post("decide_quote", {"quote_id": "DV-2026-007", "action": "accept"}).status_code == 200
    # Then the reader receives the order it created and the decision
    out = terminal.run_until("receive_orders.py", "quote DV-2026-007 accepted")
    assert "new order DV-2026-007 from mgr-rhone-habitat: Remplacement de la colonne d'eau" in out
    assert "quote DV-2026-007 accepted (None), order DV-2026-007" in out

    # When the reader catches up after an outage (section 8b), then again
    first, again = terminal.run("catch_up.py"), terminal.run("catch_up.py")
    # Then the first run lists every message sent to it, as published, and keeps its cursor; the second nothing
    listed = [tuple(line.split()[:2]) for line in first.splitlines()]
    assert {("fr.passerelle.order.issued.v1", key) for key in ("BC-2026-0101", "BC-2026-0102", "DV-2026-007")} \
        | {("fr.passerelle.reply.accepted.v1", key) for key in ("BC-2026-0101", "BC-2026-0102", "DV-2026-007")} \
        | {("fr.passerelle.quote.requested.v1", "DV-2026-007"), ("fr.passerelle.quote.decided.v1", "DV-2026-007"),
           ("fr.passerelle.quote.expired.v1", "DV-2026-008")} <= set(listed), first
    sent = messages_after(contractor)
    assert [line.split()[2] for line in first.splitlines()] == [m["id"] for m in sent]
    assert again == ""
    assert json.loads((tmp_path / "catch_up_state.json").read_text())["cursor"] == sent[-1]["position"]

    # When it has the messages after the quote request redelivered on its topics
    cursor = next(m["position"] for m in sent if m["type"] == "fr.passerelle.quote.requested.v1")
    redelivered = json.loads(terminal.run("redeliver_messages.sh", CURSOR=cursor))
    # Then exactly those are published again, and its usual subscriber receives the order and the decision
    assert (redelivered["contractor_id"], redelivered["more"]) == (CONTRACTOR, False)
    assert redelivered["ids"] == [m["id"] for m in messages_after(contractor, cursor)]
    out = terminal.run_until("receive_orders.py", "quote DV-2026-007 accepted")
    assert "new order DV-2026-007 from mgr-rhone-habitat" in out

    # When it starts the conformance run, then asks for the verdict (section 12)
    started = json.loads(terminal.run("start_conformance.sh"))
    verdict = json.loads(terminal.run("check_conformance.sh", RUN_ID=started["run_id"]))
    # Then its sandbox order is named, and the verdict lists the steps the guide shows, not yet passed
    assert (started["manager_id"], started["order_id"][:4]) == ("sandbox-ctr-acme", "BAS-"), started
    assert (verdict["run_id"], verdict["passed"]) == (started["run_id"], False), verdict
    shown = next(s.code for s in samples(GUIDE) if s.kind == "fragment" and '"run_id"' in s.code)
    steps = re.findall(r'"step": "(\w+)", "label": "([^"]+)"', shown)
    assert [(s["step"], s["label"]) for s in verdict["steps"]][:len(steps)] == steps

    # And every program of the guide was run
    assert sorted(set(terminal.ran)) == sorted(programs(GUIDE)) == sorted(RUN_ORDER)
    contractor.close()
