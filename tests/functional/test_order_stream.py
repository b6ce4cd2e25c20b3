"""The push channel of the real-time view (A11 real-time view), through HTTP on the emulators: a
manager's watch_orders stream receives the change a contractor's execution report makes, within
seconds; other tenants' streams receive nothing of it; a stream needs a valid token of a role that
follows orders; it ends by itself at its lifetime and at its token's expiry."""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests

from devtools.tokens import emulator_token
from tests.builders import issue_order_body
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators


@dataclass
class Stream:
    """A client of one watch_orders stream: its events (name, data, seconds since opened) as they arrive."""

    response: requests.Response
    opened: float = field(default_factory=time.monotonic)
    events: queue.Queue = field(default_factory=queue.Queue)
    comments: list[str] = field(default_factory=list)
    log: list[tuple[str, dict]] = field(default_factory=list)  # every event, whoever consumed it
    done: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Stream:
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        name, data = None, None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                elif line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = json.loads(line.removeprefix("data: "))
                elif line == "" and name is not None:
                    self.events.put((name, data, time.monotonic() - self.opened))
                    self.log.append((name, data))
                    name, data = None, None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, AttributeError):
            pass  # closed by the test
        finally:
            self.done.set()

    def next(self, timeout: float) -> tuple[str, dict, float] | None:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def until(self, name: str, timeout: float) -> list[tuple[str, dict, float]]:
        """Every event up to and including the first ``name`` one (fails after ``timeout`` seconds)."""
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self.next(deadline - time.monotonic())
            if event is None:
                break
            seen.append(event)
            if event[0] == name:
                return seen
        pytest.fail(f"no {name!r} event within {timeout} s; seen {seen}")

    def drain(self, seconds: float) -> list[tuple[str, dict, float]]:
        seen, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            event = self.next(left)
            if event is not None:
                seen.append(event)
        return seen

    def close(self) -> None:
        self.response.close()


def open_stream(platform, token: str | None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(platform.url("watch_orders") + "/", params=params, headers=headers, stream=True,
                        timeout=(5, 60))


def watch(platform, token: str) -> Stream:
    response = open_stream(platform, token)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    stream = Stream(response).start()
    stream.until("ready", timeout=15)  # the listener is live: no later change is missed
    return stream


def acknowledge(contractor: Erp, manager_id: str, order_id: str) -> requests.Response:
    report = {"manager_id": manager_id, "order_id": order_id, "sequence": 1, "state": "acknowledged",
              "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": "Commande prise en compte"}}
    return contractor.post("submit_execution", report)


@pytest.fixture
def spaces(platform, clean_firestore):
    """mgr-test: BC-A1 to ctr-test; mgr-other: BC-B1 to ctr-other."""
    a, b = Erp(platform, "manager", "mgr-test"), Erp(platform, "manager", "mgr-other")
    assert a.post("receive_order", issue_order_body("BC-A1")).status_code == 201
    assert b.post("receive_order", issue_order_body("BC-B1", contractor_id="ctr-other")).status_code == 201
    return a, b


def test_a_managers_stream_receives_its_orders_changes_within_seconds_and_no_one_elses(platform, spaces):
    a, b = spaces
    ctr_other = emulator_token(platform.project_id, "u-oth", role="contractor", tenant="ctr-other")
    # Given the manager's stream, another manager's and another contractor's, all listening
    mine, other_manager, other_contractor = watch(platform, a.token), watch(platform, b.token), watch(platform,
                                                                                                       ctr_other)
    ctr_test = watch(platform, emulator_token(platform.project_id, "u-ctr", role="contractor", tenant="ctr-test"))
    try:
        # When the contractor acknowledges BC-A1 over REST
        sent = time.monotonic()
        assert acknowledge(Erp(platform, "contractor", "ctr-test"), "mgr-test", "BC-A1").status_code == 200
        # Then the manager's stream says so within a few seconds, with no more than the list row shows
        name, data, _ = next(e for e in mine.until("order", timeout=10) if e[0] == "order")
        assert time.monotonic() - sent < 5
        assert data.keys() == {"manager_id", "order_id", "state", "state_label", "updated_at"}
        assert (data["manager_id"], data["order_id"], data["state"], data["state_label"]) == (
            "mgr-test", "BC-A1", "acknowledged", "pris en compte")
        assert dt.datetime.fromisoformat(data["updated_at"]) > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        # And the contractor that holds the order follows it too
        assert [e[1]["order_id"] for e in ctr_test.until("order", timeout=10) if e[0] == "order"] == ["BC-A1"]
        # And neither the other manager's stream nor the other contractor's receives anything of it: from
        # opening to now, each carried BC-B1 (its own order, issued a moment before) at most
        for stream in (other_manager, other_contractor):
            stream.drain(2)
            assert {(d["manager_id"], d["order_id"]) for e, d in stream.log if e == "order"} <= {("mgr-other", "BC-B1")}
        assert {(d["manager_id"], d["order_id"]) for e, d in mine.log if e == "order"} == {("mgr-test", "BC-A1")}
    finally:
        for stream in (mine, other_manager, other_contractor, ctr_test):
            stream.close()


def test_a_stream_needs_a_valid_token_of_a_role_that_follows_orders(platform, clean_firestore):
    # When the stream is asked without a token, with a forged one, by the operator, or with a parameter
    missing = open_stream(platform, None)
    bad = open_stream(platform, "not-a-token")
    operator = open_stream(platform, emulator_token(platform.project_id, "u-op", role="operator", tenant="platform"))
    widened = open_stream(platform, emulator_token(platform.project_id, "u-m", role="manager", tenant="mgr-test"),
                          manager_id="mgr-other")
    # Then each is refused with the structured problem, in French, and nothing is streamed
    for refused, status, code in ((missing, 401, "UNAUTHENTICATED"), (bad, 401, "UNAUTHENTICATED"),
                                  (operator, 403, "FORBIDDEN"), (widened, 400, "UNKNOWN_FIELD")):
        assert refused.status_code == status and refused.headers["Content-Type"] == "application/problem+json"
        assert refused.json()["errors"][0]["code"] == code and refused.json()["errors"][0]["message"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_stream_ends_by_itself_at_its_token_expiry(platform, spaces):
    # Given a manager's token that expires in 4 seconds
    token = emulator_token(platform.project_id, "u-short", role="manager", tenant="mgr-test", ttl_seconds=4)
    response = open_stream(platform, token)
    assert response.status_code == 200
    stream = Stream(response).start()
    # When nothing happens
    events = stream.until("end", timeout=15)
    # Then the stream ends with the token, saying why, and the server closes it
    name, data, at = events[-1]
    assert data == {"reason": "token_expired"} and 2 <= at < 8
    assert stream.done.wait(5)


def test_a_stream_ends_by_itself_at_its_lifetime_with_heartbeats_meanwhile(platform, spaces):
    a, _ = spaces
    # Given the function configured for 3-second streams and a heartbeat every second
    platform.restart_function("watch_orders", {"PASSERELLE_WATCH_SECONDS": "3",
                                               "PASSERELLE_WATCH_HEARTBEAT_SECONDS": "1"})
    try:
        stream = Stream(open_stream(platform, a.token)).start()
        # When the client only listens
        events = stream.until("end", timeout=20)
        # Then the stream says « ready », sends heartbeats, and ends at its lifetime; the server closes it
        assert [e[0] for e in events][0] in ("order", "ready") and "ready" in [e[0] for e in events]
        name, data, at = events[-1]
        assert data == {"reason": "lifetime"} and 2.5 <= at < 8
        assert stream.done.wait(5)
        assert stream.comments.count("battement") >= 1
    finally:
        platform.restart_function("watch_orders")
