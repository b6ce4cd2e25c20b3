"""Quote services with in-memory adapters: D3 started and stopped, idempotent requests, expiry at acceptance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.domain.errors import DomainError
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import DecideQuote, QuoteState, RequestQuote, SubmitQuote
from shared.ports import Contractor
from shared.service import quotes
from tests.builders import CONTRACTOR, MANAGER
from tests.deadline_fakes import InMemoryDeadlineStore
from tests.fakes import FixedClock
from tests.unit.test_property_tree import InMemoryDocuments

REQUEST = RequestQuote(quote_id="DV-1", contract_id="AC-2026-017", contractor_id=CONTRACTOR, title="Colonne d'eau",
                       site=SiteRef(node_id="LYON-BAT-A"))
LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(1),
                   unit_price_cents=8500)]


@pytest.fixture
def world():
    store = InMemoryDeadlineStore(contractors=[Contractor(CONTRACTOR, "Test", (MANAGER,))])
    store.contracts[(MANAGER, "AC-2026-017")] = {"contract_id": "AC-2026-017", "contractor_id": CONTRACTOR,
                                                 "status": "active", "starts_on": "2026-01-01", "ends_on": "2027-12-31",
                                                 "lots": [], "perimeter": {}}
    return store, InMemoryDocuments(), FixedClock("2026-03-02T09:00:00+00:00")


def test_requesting_starts_d3_and_the_same_request_again_is_harmless(world):
    store, docs, clock = world
    # When the manager requests a quote twice, then once with another title
    _, created = quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    _, again = quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    with pytest.raises(DomainError) as other:
        quotes.request_quote(MANAGER, REQUEST.model_copy(update={"title": "Autre"}), docs, store, clock, store, None)
    # Then one quote exists, D3 runs for it, and the different request is refused
    assert (created, again) == (True, False)
    assert store.get_deadline(MANAGER, "D3-DV-1").value.state.value == "running"
    assert [e.code for e in other.value.errors] == ["QUOTE_ALREADY_EXISTS"]


def test_a_retried_request_opens_d3_when_a_crash_left_it_unopened_with_the_first_due_time(world):
    store, docs, clock = world
    # Given the first request stored the quote, then crashed before opening D3
    real_open = quotes.deadlines.open_deadline
    quotes.deadlines.open_deadline = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("crash"))
    try:
        with pytest.raises(RuntimeError):
            quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    finally:
        quotes.deadlines.open_deadline = real_open
    assert store.get_deadline(MANAGER, "D3-DV-1") is None
    # When the manager's ERP retries an hour later
    requested_at = clock.now()
    clock.advance(hours=1)
    _, created = quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    # Then D3 runs, started when the quote was first requested, and a third try changes nothing
    d3 = store.get_deadline(MANAGER, "D3-DV-1")
    assert created is False and d3.value.state.value == "running" and d3.value.started_at == requested_at
    quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    assert store.get_deadline(MANAGER, "D3-DV-1").version == d3.version


def test_withdrawing_a_requested_quote_stops_d3(world):
    store, docs, clock = world
    quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    # When the contractor withdraws it a day later
    clock.advance(days=1)
    quote = quotes.decide_quote("contractor", CONTRACTOR, DecideQuote(quote_id="DV-1", action="withdraw",
                                                                       manager_id=MANAGER, reason="Pas disponible"),
                                docs, store, clock, None, store, None)
    # Then it is withdrawn and D3 was met
    assert quote.state == QuoteState.WITHDRAWN
    assert store.get_deadline(MANAGER, "D3-DV-1").value.state.value == "met"


def test_accepting_a_quote_past_its_validity_date_expires_it_instead(world):
    store, docs, clock = world
    quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    quotes.submit_quote(CONTRACTOR, SubmitQuote(manager_id=MANAGER, quote_id="DV-1", lines=LINES,
                                                valid_until=dt.date(2026, 3, 10)), docs, store, clock, store, None)
    # When the manager accepts it on 11 March
    clock.advance(days=9)
    with pytest.raises(DomainError) as refused:
        quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="accept"), docs, store, clock,
                            None, store, None)
    # Then it is refused as expired, the quote is stored expired, and no order was created
    assert [e.code for e in refused.value.errors] == ["QUOTE_EXPIRED"]
    assert docs.get(quotes.quote_path(MANAGER, "DV-1")).value["state"] == "expired"
    assert store.get_order(MANAGER, "DV-1") is None


def test_a_contractor_cannot_reach_another_contractors_quote(world):
    store, docs, clock = world
    quotes.request_quote(MANAGER, REQUEST, docs, store, clock, store, None)
    # When another contractor submits on it, then the quote is not found for it
    with pytest.raises(quotes.QuoteNotFound):
        quotes.submit_quote("ctr-other", SubmitQuote(manager_id=MANAGER, quote_id="DV-1", lines=LINES,
                                                     valid_until=dt.date(2026, 3, 10)), docs, store, clock, store, None)
