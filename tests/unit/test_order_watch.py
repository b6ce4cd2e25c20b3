"""The push channel of the real-time view (A11 real-time view), without a network: whose orders a
stream carries, what an event says, when a stream ends, and the stream itself on a scripted change
feed (the Firestore listener is exercised in tests/functional/test_order_stream.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain import order_watch as rules
from shared.ports import ChangeBatch, Document, Query
from shared.service import order_watch
from tests.fakes import FixedClock

OPENED = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
CHANGED = OPENED + dt.timedelta(seconds=1)


def order_doc(manager_id: str, order_id: str, contractor_id: str = "ctr-test", state: str = "in_progress") -> Document:
    data = {"manager_id": manager_id, "order_id": order_id, "contractor_id": contractor_id, "state": state,
            "title": "Fuite sous évier", "lines": [{"line_id": "1", "unit_price_cents": 12000}],
            "site_lead": {"first_name": "Ana", "mobile": "+33612345678"}, "updated_at": CHANGED}
    return Document(f"managers/{manager_id}/orders/{order_id}", data)


class Ticker:
    """A monotonic clock that moves only when the stream waits."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedChanges:
    """Hands out the scripted batches one per wait; an empty script waits out the whole timeout."""

    def __init__(self, ticker: Ticker, script: list[ChangeBatch | None], dies_after: int | None = None):
        self.ticker, self.script, self.dies_after = ticker, list(script), dies_after
        self.waits, self.closed = 0, 0

    @property
    def alive(self) -> bool:
        return self.dies_after is None or self.waits < self.dies_after

    def next(self, timeout: float) -> ChangeBatch | None:
        self.waits += 1
        item = self.script.pop(0) if self.script else None
        if item is None:
            self.ticker.now += timeout
        return item

    def close(self) -> None:
        self.closed += 1


class ScriptedFeed:
    def __init__(self, changes: ScriptedChanges):
        self.changes, self.queries = changes, []

    def watch(self, query: Query) -> ScriptedChanges:
        self.queries.append(query)
        return self.changes


def parse(chunks: list[bytes]) -> tuple[list[tuple[str, dict]], list[str]]:
    events, comments = [], []
    for block in b"".join(chunks).decode().split("\n\n"):
        lines = [line for line in block.splitlines() if line]
        comments += [line[2:] for line in lines if line.startswith(": ")]
        fields = dict(line.split(": ", 1) for line in lines if line.startswith(("event: ", "data: ")))
        if fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events, comments


def run(scope, script, *, lifetime=60.0, heartbeat=20.0, token_expires_at=None, dies_after=None):
    ticker = Ticker()
    changes = ScriptedChanges(ticker, script, dies_after)
    feed = ScriptedFeed(changes)
    chunks = list(order_watch.stream(scope, feed, FixedClock(OPENED), lifetime=lifetime, heartbeat=heartbeat,
                                     token_expires_at=token_expires_at, monotonic=ticker))
    return (*parse(chunks), feed, changes, ticker)


def test_each_role_follows_its_own_scope_and_no_other_role_follows_any():
    assert rules.scope_of("manager", "mgr-test") == rules.WatchScope(manager_id="mgr-test")
    assert rules.scope_of("beneficiary", "ben-metropole") == rules.WatchScope(manager_id="ben-metropole")
    assert rules.scope_of("contractor", "ctr-test") == rules.WatchScope(contractor_id="ctr-test")
    for role in ("operator", "purchasing_body", ""):
        with pytest.raises(ValueError):
            rules.scope_of(role, "x")
    mine, foreign = order_doc("mgr-test", "BC-1").data, order_doc("mgr-other", "BC-2", "ctr-other").data
    assert rules.WatchScope(manager_id="mgr-test").includes(mine)
    assert not rules.WatchScope(manager_id="mgr-test").includes(foreign)
    assert rules.WatchScope(contractor_id="ctr-test").includes(mine)
    assert not rules.WatchScope(contractor_id="ctr-test").includes(foreign)


def test_an_event_says_which_order_changed_its_state_and_when_and_nothing_more():
    event = rules.change_event(order_doc("mgr-test", "BC-1").data, CHANGED)
    assert event == {"manager_id": "mgr-test", "order_id": "BC-1", "state": "in_progress",
                     "state_label": "en cours", "updated_at": CHANGED.isoformat()}
    assert rules.change_event({"order_id": "BC-1", "state": "in_progress"}, CHANGED) is None  # no space
    assert rules.change_event({**order_doc("mgr-test", "BC-1").data, "state": "fini"}, CHANGED) is None


def test_a_stream_ends_at_its_lifetime_or_at_the_tokens_expiry_whichever_comes_first():
    assert rules.ends_at(1000.0, 300.0, None) == (1300.0, "lifetime")
    assert rules.ends_at(1000.0, 300.0, 5000.0) == (1300.0, "lifetime")
    assert rules.ends_at(1000.0, 300.0, 1120.0) == (1120.0, "token_expired")
    assert rules.ends_at(1000.0, 300.0, 900.0) == (1000.0, "token_expired")  # already expired: ends at once


def test_the_stream_sends_the_changes_in_scope_after_its_first_snapshot_then_ready_heartbeats_and_end():
    scope = rules.WatchScope(manager_id="mgr-test")
    script = [ChangeBatch((order_doc("mgr-test", "BC-0"),), initial=True), None,
              ChangeBatch((order_doc("mgr-test", "BC-1", state="completed"), order_doc("mgr-other", "BC-9"))), None]
    events, comments, feed, changes, ticker = run(scope, script, lifetime=50.0, heartbeat=20.0)
    # The listener watches the space's orders changed since a few seconds before the opening
    [query] = feed.queries
    assert query.collection == "managers/mgr-test/orders" and not query.group
    assert query.where == (("updated_at", ">=", OPENED - rules.OPENING_MARGIN),)
    # Its first snapshot's changes, then ready, then each change in scope only, then the end
    assert [(name, data.get("order_id")) for name, data in events] == [
        ("order", "BC-0"), ("ready", None), ("order", "BC-1"), ("end", None)]
    assert events[2][1]["state"] == "completed" and events[-1][1] == {"reason": "lifetime"}
    # Heartbeats every 20 s of the 50 s lifetime, and the listener closed once
    assert comments.count("battement") == 2 and comments[0] == "flux des commandes ouvert"
    assert ticker.now == pytest.approx(1050.0) and changes.closed == 1


def test_a_contractors_stream_watches_its_orders_across_spaces():
    scope = rules.WatchScope(contractor_id="ctr-test")
    script = [ChangeBatch((), initial=True),
              ChangeBatch((order_doc("mgr-a", "BC-1"), order_doc("mgr-b", "BC-2", "ctr-other")))]
    events, _, feed, _, _ = run(scope, script, lifetime=5.0)
    [query] = feed.queries
    assert query.group and query.collection == "orders" and ("contractor_id", "==", "ctr-test") in query.where
    assert [d["order_id"] for name, d in events if name == "order"] == ["BC-1"]


def test_the_stream_ends_with_the_token_and_when_the_store_ends_the_listener():
    scope = rules.WatchScope(manager_id="mgr-test")
    expires = OPENED.timestamp() + 7
    events, _, _, changes, ticker = run(scope, [ChangeBatch((), initial=True)], lifetime=300.0,
                                        token_expires_at=expires)
    assert events[-1] == ("end", {"reason": "token_expired"}) and ticker.now == pytest.approx(1007.0)
    events, _, _, changes, _ = run(scope, [ChangeBatch((), initial=True)], lifetime=300.0, dies_after=2)
    assert events[-1] == ("end", {"reason": "listener_closed"}) and changes.closed == 1


def test_a_client_that_goes_away_closes_the_listener():
    ticker = Ticker()
    changes = ScriptedChanges(ticker, [ChangeBatch((), initial=True)])
    events = order_watch.stream(rules.WatchScope(manager_id="mgr-test"), ScriptedFeed(changes),
                                FixedClock(OPENED), lifetime=300.0, heartbeat=20.0, monotonic=ticker)
    next(events), next(events)  # opened, then ready
    events.close()  # what the server does when a write to the gone client fails
    assert changes.closed == 1
