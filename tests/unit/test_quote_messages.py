"""What the contractor is told of its quotes on orders-<contractor>: requested, then decided, once each.

In-memory adapters: the outbox of each commit is what the relay would publish.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.orders import OrderLine, OrderState, SiteRef
from shared.domain.quotes import (
    DecideQuote, Quote, QuoteDecided, QuoteRequested, RequestQuote, SubmitQuote, ordering_key,
)
from shared.ports import Contractor
from shared.service import quotes
from tests.builders import CONTRACTOR, MANAGER, an_order
from tests.deadline_fakes import InMemoryDeadlineStore
from tests.fakes import FixedClock
from tests.unit.test_quote_expiry import Documents

CONTRACT = {"contract_id": "AC-2026-017", "contractor_id": CONTRACTOR, "status": "active",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "lots": [], "perimeter": {}}
LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(2),
                   unit_price_cents=8500)]


def request(quote_id: str, order_id: str | None = None) -> RequestQuote:
    return RequestQuote(quote_id=quote_id, contract_id="AC-2026-017", contractor_id=CONTRACTOR, title="Colonne",
                        site=SiteRef(node_id="N-1", commune="69383"), order_id=order_id)


@pytest.fixture
def world():
    order = an_order("BC-1", state=OrderState.ACKNOWLEDGED)
    store = InMemoryDeadlineStore(orders=[order], contractors=[Contractor(CONTRACTOR, "T", (MANAGER,))])
    store.contracts[(MANAGER, "AC-2026-017")] = CONTRACT
    return store, Documents(), FixedClock("2026-03-02T09:00:00+00:00")


class TickingClock(FixedClock):
    """Each reading is a millisecond later: what is written later is stamped later."""

    def now(self):
        self.advance(milliseconds=1)
        return self.at


def submit(world, quote_id: str) -> None:
    store, docs, clock = world
    quotes.submit_quote(CONTRACTOR, SubmitQuote(manager_id=MANAGER, quote_id=quote_id, lines=LINES,
                                                valid_until=clock.now().date().replace(day=30)),
                        docs, store, clock, store, None)


def test_a_quote_is_about_the_order_it_completes_or_the_order_it_will_become():
    # Given a quote and a supplementary quote on order BC-1
    quote = Quote(manager_id=MANAGER, quote_id="DV-1", contract_id="AC-2026-017", contractor_id=CONTRACTOR,
                  title="Colonne", site=SiteRef(node_id="N-1"), requested_at=FixedClock("2026-03-02T09:00:00Z").now())
    supplementary = quote.model_copy(update={"quote_id": "DV-2", "order_id": "BC-1"})
    # Then their messages are ordered with DV-1 (the order accepting it creates) and with BC-1
    assert (ordering_key(quote), ordering_key(supplementary)) == ("DV-1", "BC-1")


def test_requesting_a_quote_tells_the_contractor_once_with_the_d3_due_time(world):
    store, docs, clock = world
    # When the manager requests a quote, then sends the same request again
    quotes.request_quote(MANAGER, request("DV-1"), docs, store, clock, store, None)
    quotes.request_quote(MANAGER, request("DV-1"), docs, store, clock, store, None)
    # Then one quote.requested went to the contractor's orders topic, committed with the quote
    [message] = docs.outbox
    assert (message.topic, message.event_type, message.subject, message.ordering_key) == (
        "orders-ctr-test", EventType.QUOTE_REQUESTED, "quotes/DV-1", "DV-1")
    data = QuoteRequested.model_validate(message.data)
    assert (data.quote_id, data.territory, data.order_id) == ("DV-1", "69", None)
    assert data.answer_due_at == store.get_deadline(MANAGER, "D3-DV-1").value.due_at


def test_a_supplementary_quote_request_is_ordered_with_its_order(world):
    store, docs, clock = world
    # When the manager requests a supplementary quote on BC-1
    quotes.request_quote(MANAGER, request("DV-SUP", order_id="BC-1"), docs, store, clock, store, None)
    # Then its message carries the order and is keyed by it
    [message] = docs.outbox
    assert (message.ordering_key, message.data["order_id"]) == ("BC-1", "BC-1")


def test_a_refusal_tells_the_contractor_once_with_the_version_amount_and_reason(world):
    store, docs, clock = world
    quotes.request_quote(MANAGER, request("DV-1"), docs, store, clock, store, None)
    submit(world, "DV-1")
    # When the manager refuses it, then tries to refuse it again
    quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="refuse", reason="Trop cher"),
                        docs, store, clock, None, store, None)
    with pytest.raises(DomainError):
        quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="refuse", reason="Trop cher"),
                            docs, store, clock, None, store, None)
    # Then one quote.decided follows the quote.requested
    assert [m.event_type for m in docs.outbox] == [EventType.QUOTE_REQUESTED, EventType.QUOTE_DECIDED]
    decided = docs.outbox[1]
    assert (decided.topic, decided.ordering_key) == ("orders-ctr-test", "DV-1")
    data = QuoteDecided.model_validate(decided.data)
    assert (data.state, data.decided_by, data.version, data.total_cents, data.reason, data.created_order_id) == (
        "refused", "manager", 1, 17000, "Trop cher", None)


def test_a_withdrawal_before_any_submission_is_told_without_a_version(world):
    store, docs, clock = world
    quotes.request_quote(MANAGER, request("DV-1"), docs, store, clock, store, None)
    # When the contractor withdraws the requested quote
    quotes.decide_quote("contractor", CONTRACTOR, DecideQuote(quote_id="DV-1", action="withdraw", manager_id=MANAGER,
                                                              reason="Pas disponible"),
                        docs, store, clock, None, store, None)
    # Then its quote.decided says so, with no version
    data = QuoteDecided.model_validate(docs.outbox[-1].data)
    assert (data.state, data.decided_by, data.version, data.total_cents) == ("withdrawn", "contractor", None, None)


def test_an_acceptance_is_told_after_the_order_it_created_under_the_same_ordering_key(world):
    store, docs, _ = world
    clock = TickingClock("2026-03-02T09:00:00+00:00")
    world = store, docs, clock
    quotes.request_quote(MANAGER, request("DV-1"), docs, store, clock, store, None)
    submit(world, "DV-1")
    # When the manager accepts it
    quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="accept"), docs, store, clock, None,
                        store, None)
    # Then the order DV-1 was issued, and the decision names it, both keyed by DV-1
    [issued] = [m for m, _ in store.outbox.values() if m.event_type == EventType.ORDER_ISSUED]
    decided = docs.outbox[-1]
    assert (issued.ordering_key, decided.ordering_key) == ("DV-1", "DV-1")
    assert issued.created_at < decided.created_at  # the relay, which publishes by creation time, keeps the order
    assert (decided.data["state"], decided.data["created_order_id"]) == ("accepted", "DV-1")
