"""What the contractor is told of its quotes on orders-<contractor>: requested, then decided, once each.

On the in-memory unit of work: the outbox is what each commit wrote, and what the publisher received
is what went out right after it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.orders import OrderLine, OrderState, SiteRef
from shared.domain.quotes import Quote, QuoteDecided, QuoteRequested, ordering_key
from shared.service import quotes
from tests.builders import CONTRACTOR, MANAGER, an_order
from tests.fakes import FixedClock, World
from tests.quote_builders import a_world, decide, messages, request, submission

LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(2),
                   unit_price_cents=8500)]


@pytest.fixture
def world() -> World:
    return a_world(orders=(an_order("BC-1", state=OrderState.ACKNOWLEDGED),))


class TickingClock(FixedClock):
    """Each reading is a millisecond later: what is written later is stamped later."""

    def now(self):
        self.advance(milliseconds=1)
        return self.at


def ask(world: World, quote_id: str, order_id: str | None = None) -> None:
    quotes.request_quote(MANAGER, request(quote_id, commune="69383", order_id=order_id), world.uow(), world.clock)


def submit(world: World, quote_id: str) -> None:
    quotes.submit_quote(CONTRACTOR, submission(quote_id, world.clock.now().date().replace(day=30), LINES),
                        world.uow(), world.clock)


def test_a_quote_is_about_the_order_it_completes_or_the_order_it_will_become():
    # Given a quote and a supplementary quote on order BC-1
    quote = Quote(manager_id=MANAGER, quote_id="DV-1", contract_id="AC-2026-017", contractor_id=CONTRACTOR,
                  title="Colonne", site=SiteRef(node_id="N-1"), requested_at=FixedClock("2026-03-02T09:00:00Z").now())
    supplementary = quote.model_copy(update={"quote_id": "DV-2", "order_id": "BC-1"})
    # Then their messages are ordered with DV-1 (the order accepting it creates) and with BC-1
    assert (ordering_key(quote), ordering_key(supplementary)) == ("DV-1", "BC-1")


def test_requesting_a_quote_tells_the_contractor_once_with_the_d3_due_time(world):
    # When the manager requests a quote, then sends the same request again
    ask(world, "DV-1")
    ask(world, "DV-1")
    # Then one quote.requested went to the contractor's orders topic, committed with the quote, and was published
    [message] = messages(world)
    assert (message.topic, message.event_type, message.subject, message.ordering_key) == (
        "orders-ctr-test", EventType.QUOTE_REQUESTED, "quotes/DV-1", "DV-1")
    data = QuoteRequested.model_validate(message.data)
    assert (data.quote_id, data.territory, data.order_id) == ("DV-1", "69", None)
    assert data.answer_due_at == world.deadlines(MANAGER)["D3-DV-1"].due_at
    assert [(t, a["ce-id"]) for t, _, a, _ in world.publisher.published] == [("orders-ctr-test", message.id)]


def test_a_supplementary_quote_request_is_ordered_with_its_order(world):
    # When the manager requests a supplementary quote on BC-1
    ask(world, "DV-SUP", order_id="BC-1")
    # Then its message carries the order and is keyed by it
    [message] = messages(world)
    assert (message.ordering_key, message.data["order_id"]) == ("BC-1", "BC-1")


def test_a_refusal_tells_the_contractor_once_with_the_version_amount_and_reason(world):
    ask(world, "DV-1")
    submit(world, "DV-1")
    # When the manager refuses it, then tries to refuse it again
    decide(world, "DV-1", "refuse", reason="Trop cher")
    with pytest.raises(DomainError):
        decide(world, "DV-1", "refuse", reason="Trop cher")
    # Then one quote.decided follows the quote.requested
    assert [m.event_type for m in messages(world)] == [EventType.QUOTE_REQUESTED, EventType.QUOTE_DECIDED]
    decided = messages(world)[1]
    assert (decided.topic, decided.ordering_key) == ("orders-ctr-test", "DV-1")
    data = QuoteDecided.model_validate(decided.data)
    assert (data.state, data.decided_by, data.version, data.total_cents, data.reason, data.created_order_id) == (
        "refused", "manager", 1, 17000, "Trop cher", None)


def test_a_withdrawal_before_any_submission_is_told_without_a_version(world):
    ask(world, "DV-1")
    # When the contractor withdraws the requested quote
    decide(world, "DV-1", "withdraw", reason="Pas disponible")
    # Then its quote.decided says so, with no version
    data = QuoteDecided.model_validate(messages(world)[-1].data)
    assert (data.state, data.decided_by, data.version, data.total_cents) == ("withdrawn", "contractor", None, None)


@pytest.mark.parametrize("clock", [FixedClock, TickingClock])
def test_an_acceptance_is_told_after_the_order_it_created_under_the_same_ordering_key(world, clock):
    world.clock = clock("2026-03-02T09:00:00+00:00")
    ask(world, "DV-1")
    submit(world, "DV-1")
    # When the manager accepts it
    decide(world, "DV-1", "accept")
    # Then the order DV-1 was issued, and the decision names it, both keyed by DV-1
    [issued] = messages(world, EventType.ORDER_ISSUED)
    decided = messages(world)[-1]
    assert (issued.ordering_key, decided.ordering_key) == ("DV-1", "DV-1")
    # the relay, which publishes by creation time, keeps the order even when the clock does not move
    assert issued.created_at < decided.created_at
    assert (decided.data["state"], decided.data["created_order_id"]) == ("accepted", "DV-1")
    # And the commit published them in that order
    assert [a["ce-type"] for _, _, a, key in world.publisher.published if key == "DV-1"][-2:] == [
        EventType.ORDER_ISSUED.value, EventType.QUOTE_DECIDED.value]
    assert dt.datetime.fromisoformat(decided.data["decided_at"]) == issued.created_at
