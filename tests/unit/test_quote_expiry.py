"""Quotes read, swept to expiry and versioned once per submission, with in-memory adapters and a fixed clock."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from shared.domain.messages import EventType, ReplyStatus
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import DecideQuote, QuoteState, RequestQuote, SubmitQuote
from shared.ports import ConcurrencyConflict, Contractor, Versioned
from shared.service import quotes
from shared.service.idempotency import LEASE
from shared.service.inbound_router import Services, route
from tests.builders import CONTRACTOR, MANAGER, inbound
from tests.deadline_fakes import InMemoryDeadlineStore
from tests.fakes import FixedClock, InMemoryDatabase, InMemoryUnitOfWork

LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(1),
                   unit_price_cents=8500)]


class Documents:
    """DocumentStore in memory with versions (update preconditions) and the outbox of each commit."""

    def __init__(self):
        self.data: dict[str, tuple[dict, int]] = {}
        self.outbox: list = []

    def get(self, path):
        return Versioned(copy.deepcopy(self.data[path][0]), self.data[path][1]) if path in self.data else None

    def commit(self, writes, outbox=()):
        for w in writes:
            if w.mode == "create" and w.path in self.data:
                raise ConcurrencyConflict(w.path)
            if w.mode == "update" and w.version is not None and self.data.get(w.path, (None, None))[1] != w.version:
                raise ConcurrencyConflict(w.path)
        for w in writes:
            self.data[w.path] = (copy.deepcopy(w.data), self.data.get(w.path, (None, 0))[1] + 1)
        self.outbox += list(outbox)


class Index:
    """The sweep's query over the in-memory documents: submitted, valid until before a date."""

    def __init__(self, docs: Documents):
        self.docs = docs

    def expirable(self, before, limit):
        return [(d["manager_id"], d["quote_id"]) for d, _ in self.docs.data.values()
                if d.get("state") == "submitted" and d.get("valid_until") and d["valid_until"] < before.isoformat()
                ][:limit]


@pytest.fixture
def world():
    store = InMemoryDeadlineStore(contractors=[Contractor(CONTRACTOR, "Test", (MANAGER,))])
    store.contracts[(MANAGER, "AC-2026-017")] = {"contract_id": "AC-2026-017", "contractor_id": CONTRACTOR,
                                                 "status": "active", "starts_on": "2026-01-01",
                                                 "ends_on": "2027-12-31", "lots": [], "perimeter": {}}
    return store, Documents(), FixedClock("2026-03-02T09:00:00+00:00")


def submitted(world, quote_id: str, valid_until: dt.date, commune: str | None = None):
    store, docs, clock = world
    quotes.request_quote(MANAGER, RequestQuote(quote_id=quote_id, contract_id="AC-2026-017", contractor_id=CONTRACTOR,
                                               title="Colonne", site=SiteRef(node_id="N", commune=commune)),
                         docs, store, clock, store, None)
    return quotes.submit_quote(CONTRACTOR, SubmitQuote(manager_id=MANAGER, quote_id=quote_id, lines=LINES,
                                                       valid_until=valid_until), docs, store, clock, store, None)


def expiries(docs: Documents) -> list:
    """What the expiry told contractors (the outbox also holds each quote's quote.requested)."""
    return [m for m in docs.outbox if m.event_type == EventType.QUOTE_EXPIRED]


def test_the_sweep_expires_quotes_past_their_date_once_and_tells_their_contractor(world):
    store, docs, clock = world
    # Given a quote valid until 10 March, one until 20 March, and a refused one valid until 5 March
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    submitted(world, "DV-2", dt.date(2026, 3, 20))
    submitted(world, "DV-3", dt.date(2026, 3, 5))
    quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-3", action="refuse", reason="Non"), docs, store,
                        clock, None, store, None)
    # When the sweep runs on 10 March (still valid that day), then on 11 March, twice
    clock.advance(days=8)
    assert quotes.expire_quotes(Index(docs), docs, store, clock, None)["expired"] == 0
    clock.advance(days=1)
    first = quotes.expire_quotes(Index(docs), docs, store, clock, None)
    second = quotes.expire_quotes(Index(docs), docs, store, clock, None)
    # Then only DV-1 expired, once, and its contractor is told on its replies topic
    assert (first["expired"], second["expired"]) == (1, 0)
    states = {q: docs.get(quotes.quote_path(MANAGER, q)).value["state"] for q in ("DV-1", "DV-2", "DV-3")}
    assert states == {"DV-1": "expired", "DV-2": "submitted", "DV-3": "refused"}
    [message] = expiries(docs)
    assert (message.topic, message.event_type, message.ordering_key) == (
        "replies-ctr-test", EventType.QUOTE_EXPIRED, "DV-1")
    assert (message.data["quote_id"], message.data["version"], message.data["valid_until"]) == ("DV-1", 1,
                                                                                                  "2026-03-10")


def test_validity_ends_at_midnight_in_the_quotes_territory(world):
    store, docs, clock = world
    # Given a quote for a site in Nouméa (UTC+11), valid until 10 March
    submitted(world, "DV-NC", dt.date(2026, 3, 10), commune="98818")
    # When the sweep runs at 13:30 UTC on 10 March: already 11 March 00:30 in Nouméa
    clock.advance(days=8, hours=4, minutes=30)
    # Then the quote has expired there, though it is still 10 March in Paris
    assert quotes.expire_quotes(Index(docs), docs, store, clock, None)["expired"] == 1


def test_an_acceptance_past_validity_also_tells_the_contractor(world):
    store, docs, clock = world
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    clock.advance(days=9)
    # When the manager accepts the expired quote
    with pytest.raises(Exception):
        quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="accept"), docs, store, clock,
                            None, store, None)
    # Then the same message as the sweep's went out, and a later sweep sends nothing more
    assert [m.event_type for m in docs.outbox] == [EventType.QUOTE_REQUESTED, EventType.QUOTE_EXPIRED]
    assert quotes.expire_quotes(Index(docs), docs, store, clock, None)["expired"] == 0 and len(expiries(docs)) == 1


def test_the_manager_and_the_contractor_read_the_quote_and_nobody_else(world):
    store, docs, clock = world
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    # When its manager, its contractor, another contractor and another manager read it
    assert quotes.get_quote("manager", MANAGER, None, "DV-1", docs).versions[0].version == 1
    assert quotes.get_quote("contractor", CONTRACTOR, MANAGER, "DV-1", docs).state is QuoteState.SUBMITTED
    # Then the others find nothing
    for role, tenant, manager in (("contractor", "ctr-other", MANAGER), ("manager", "mgr-other", None),
                                  ("contractor", CONTRACTOR, None)):
        with pytest.raises(quotes.QuoteNotFound):
            quotes.get_quote(role, tenant, manager, "DV-1", docs)


def test_a_quote_message_redelivered_after_a_crash_before_its_reply_adds_no_version(world):
    store, docs, clock = world
    quotes.request_quote(MANAGER, RequestQuote(quote_id="DV-1", contract_id="AC-2026-017", contractor_id=CONTRACTOR,
                                               title="Colonne", site=SiteRef(node_id="N")), docs, store, clock, store,
                         None)
    body = {"manager_id": MANAGER, "quote_id": "DV-1", "valid_until": "2026-04-30",
            "lines": [json.loads(LINES[0].model_dump_json())]}
    msg = dataclasses.replace(inbound(body, "q-1"), type=EventType.QUOTE_SUBMITTED.value)
    db = InMemoryDatabase()
    services = Services(uow=InMemoryUnitOfWork(db), clock=clock, store=store, docs=docs, deadline_store=store)
    # Given a first delivery that claimed the message and wrote its version, then died before committing its reply
    db.crash_after = 1
    with pytest.raises(ConnectionError):
        route(msg, services)
    db.crash_after = None
    # When Pub/Sub redelivers it after the claim's lease ended
    clock.advance(seconds=LEASE.total_seconds() + 1)
    reply = route(msg, services)
    # Then the redelivery is answered with the version the first delivery created, and there is one version
    quote = quotes.get_quote("manager", MANAGER, None, "DV-1", docs)
    assert (reply.status, reply.quote_version) == (ReplyStatus.ACCEPTED, 1)
    assert [v.version for v in quote.versions] == [1] and quote.versions[0].submission_id == msg.key
    # And a new message from the contractor (another id) is a revision: version 2
    other = dataclasses.replace(msg, id="q-2")
    assert route(other, services).quote_version == 2
