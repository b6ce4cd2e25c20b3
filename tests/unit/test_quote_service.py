"""Quote services on the in-memory unit of work: each command one commit — D3 opened and stopped with
the quote, an acceptance's order with its decision — idempotent requests, expiry at acceptance."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.orders import OrderState
from shared.domain.quotes import DecideQuote, QuoteState
from shared.service import quote_store, quotes
from tests.builders import CONTRACTOR, MANAGER, an_order
from tests.fakes import World
from tests.quote_builders import (
    a_world, counting_commits, decide, listed_quotes, messages, request, requested, stored, submission, submitted,
)

D3 = f"managers/{MANAGER}/deadlines/D3-DV-1"


def only_marks(commit: list[str]) -> bool:
    """A commit after the command's own: its outgoing messages marked sent."""
    return all(path.startswith("outbox/") for path in commit)


@pytest.fixture
def world() -> World:
    return a_world()


def test_requesting_starts_d3_and_the_same_request_again_is_harmless(world):
    # When the manager requests a quote twice, then once with another title
    _, created = quotes.request_quote(MANAGER, request(), world.uow(), world.clock)
    _, again = quotes.request_quote(MANAGER, request(), world.uow(), world.clock)
    with pytest.raises(DomainError) as other:
        quotes.request_quote(MANAGER, request(title="Autre"), world.uow(), world.clock)
    # Then one quote exists, D3 runs for it, the contractor was told once, and the different request is refused
    assert (created, again) == (True, False)
    assert world.deadlines(MANAGER)["D3-DV-1"].state.value == "running"
    assert len(messages(world, EventType.QUOTE_REQUESTED)) == 1
    assert [e.code for e in other.value.errors] == ["QUOTE_ALREADY_EXISTS"]


def test_the_quote_its_message_and_d3_are_one_commit_and_a_crash_in_it_leaves_nothing(world):
    # Given the instance dies in the request's commit
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        quotes.request_quote(MANAGER, request(), world.uow(), world.clock)
    # Then nothing was written: no quote without its D3, no message about a quote that does not exist
    assert (stored(world, "DV-1"), world.deadlines(MANAGER), messages(world)) == (None, {}, [])
    # When the manager's ERP retries an hour later
    world.db.crash_after = None
    world.clock.advance(hours=1)
    uow, commits = counting_commits(world)
    quote, created = quotes.request_quote(MANAGER, request(), uow, world.clock)
    # Then the quote, its quote.requested and D3 are written in one commit, D3 started with the quote
    assert created is True
    first = commits[0]
    assert {quote_store.quote_path(MANAGER, "DV-1"), D3} <= set(first)
    assert any(p.startswith("outbox/quote-requested-") for p in first)
    assert all(only_marks(c) for c in commits[1:])
    assert world.deadlines(MANAGER)["D3-DV-1"].started_at == quote.requested_at == world.clock.now()


def test_a_retried_request_opens_d3_for_a_quote_stored_without_it_with_the_first_due_time(world):
    # Given a quote the earlier code stored, then crashed before opening D3 in a commit of its own
    first = requested(world)
    due_at = world.deadlines(MANAGER)["D3-DV-1"].due_at
    world.db.docs.pop(D3)
    # When the manager's ERP retries an hour later
    world.clock.advance(hours=1)
    _, created = quotes.request_quote(MANAGER, request(), world.uow(), world.clock)
    # Then D3 runs, started when the quote was first requested, and a third try changes nothing
    d3 = world.deadlines(MANAGER)["D3-DV-1"]
    assert created is False and d3.state.value == "running"
    assert (d3.started_at, d3.due_at) == (first.requested_at, due_at)
    version = world.db.docs[D3][1]
    quotes.request_quote(MANAGER, request(), world.uow(), world.clock)
    assert world.db.docs[D3][1] == version and len(messages(world)) == 1


def test_the_first_submission_and_d3_stopped_are_one_commit(world):
    requested(world)
    world.clock.advance(days=1)
    # Given the instance dies in the submission's commit
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 20)), world.uow(), world.clock)
    # Then neither the version nor D3's stop was written
    assert stored(world, "DV-1").state is QuoteState.REQUESTED
    assert world.deadlines(MANAGER)["D3-DV-1"].state.value == "running"
    # When the contractor submits again, then a revision
    world.db.crash_after = None
    uow, commits = counting_commits(world)
    quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 20)), uow, world.clock)
    world.clock.advance(hours=2)
    revised = quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 25)), world.uow(), world.clock)
    # Then the version and the met D3 were one commit, and the revision did not move D3
    assert set(commits[0]) >= {quote_store.quote_path(MANAGER, "DV-1"), D3}
    d3 = world.deadlines(MANAGER)["D3-DV-1"]
    assert d3.state.value == "met" and d3.stopped_at == revised.versions[0].submitted_at
    assert [v.version for v in revised.versions] == [1, 2] and revised.valid_until == dt.date(2026, 3, 25)


def test_the_same_submission_run_again_adds_no_version(world):
    requested(world)
    # When the HTTP edge runs one REST submission twice (its lease taken over after a crash)
    for _ in range(2):
        quote = quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 20)), world.uow(), world.clock,
                                    submission_id="rest-abc")
    # Then there is one version, named by the submission
    assert [(v.version, v.submission_id) for v in quote.versions] == [(1, "rest-abc")]


def test_a_submission_is_refused_past_its_date_or_outside_the_catalogue_and_changes_nothing(world):
    requested(world)
    world.seed(f"managers/{MANAGER}/contracts/AC-2026-017/catalogue/v1", {
        "contract_id": "AC-2026-017", "version": 1, "valid_from": "2026-01-01", "reviewed_on": "2026-01-01",
        "items": {"PLB-010": {"code": "PLB-010", "label": "Recherche de fuite", "unit": "U",
                              "unit_price_cents": 9900, "vat_rate": "10"}}})
    # When the contractor submits a line priced outside the catalogue, then a validity date already past
    with pytest.raises(DomainError) as priced:
        quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 20)), world.uow(), world.clock)
    with pytest.raises(DomainError) as past:
        quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 1)), world.uow(), world.clock)
    # Then both are refused on their field, the quote is still requested and D3 still runs
    assert [e.field for e in priced.value.errors] == ["$.lines[0].unit_price_cents"]
    assert [e.code for e in past.value.errors] == ["OUT_OF_RANGE"]
    assert stored(world, "DV-1").state is QuoteState.REQUESTED
    assert world.deadlines(MANAGER)["D3-DV-1"].state.value == "running"


def test_withdrawing_a_requested_quote_stops_d3_in_the_same_commit(world):
    requested(world)
    # When the contractor withdraws it a day later
    world.clock.advance(days=1)
    uow, commits = counting_commits(world)
    quote = quotes.decide_quote("contractor", CONTRACTOR, DecideQuote(quote_id="DV-1", action="withdraw",
                                                                       manager_id=MANAGER, reason="Pas disponible"),
                                uow, world.clock)
    # Then it is withdrawn and D3 was met, with the quote.decided, in one commit
    assert quote.state == QuoteState.WITHDRAWN
    assert world.deadlines(MANAGER)["D3-DV-1"].state.value == "met"
    assert set(commits[0]) >= {quote_store.quote_path(MANAGER, "DV-1"), D3}
    assert any(p.startswith("outbox/quote-decided-") for p in commits[0])


def test_a_refusal_without_its_reason_is_refused_naming_the_reason_in_french(world):
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    # When the manager refuses the submitted quote without a reason, then with a blank one
    refusals = []
    for fields in ({}, {"reason": "   "}):
        with pytest.raises(DomainError) as refused:
            decide(world, "DV-1", "refuse", **fields)
        refusals.append(refused.value.errors)
    # Then each is refused at $.reason with its own code, whose French message names the refusal's reason
    for errors in refusals:
        assert [(e.field, e.code) for e in errors] == [("$.reason", "QUOTE_REFUSAL_REASON_REQUIRED")]
        assert errors[0].message == "Le refus d'un devis doit être motivé : indiquez le motif du refus."
    # And the quote is still submitted, nothing told; with a reason it is refused and keeps it
    assert stored(world, "DV-1").state is QuoteState.SUBMITTED
    assert messages(world, EventType.QUOTE_DECIDED) == []
    quote = decide(world, "DV-1", "refuse", reason="Hors budget")
    assert (quote.state, quote.reason) == (QuoteState.REFUSED, "Hors budget")


def test_an_acceptance_creates_the_order_in_the_quotes_commit(world):
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    # Given the instance dies in the acceptance's commit
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        decide(world, "DV-1", "accept")
    # Then there is neither an order nor an accepted quote, and nothing was told
    assert world.order(MANAGER, "DV-1") is None and stored(world, "DV-1").state is QuoteState.SUBMITTED
    assert messages(world, EventType.ORDER_ISSUED, EventType.QUOTE_DECIDED) == []
    # When the manager accepts it again
    world.db.crash_after = None
    uow, commits = counting_commits(world)
    quote = quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-1", action="accept"), uow, world.clock)
    # Then the order DV-1, the accepted quote and both messages were one commit, the order's message first
    order = world.order(MANAGER, "DV-1")
    assert (quote.state, quote.created_order_id, order.state) == (QuoteState.ACCEPTED, "DV-1",
                                                                   OrderState.TO_ACKNOWLEDGE)
    assert [line.line_id for line in order.lines] == ["L1"] and order.issued_at == world.clock.now()
    assert {quote_store.quote_path(MANAGER, "DV-1"), f"managers/{MANAGER}/orders/DV-1"} <= set(commits[0])
    outbox = [p for p in commits[0] if p.startswith("outbox/")]
    assert [p.split("-")[0] for p in outbox] == ["outbox/order", "outbox/quote"]
    assert [m.event_type for m in messages(world, EventType.ORDER_ISSUED, EventType.QUOTE_DECIDED)] == [
        EventType.ORDER_ISSUED, EventType.QUOTE_DECIDED]


def test_an_acceptance_the_order_rules_refuse_leaves_the_quote_submitted(world):
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    # Given the contractor no longer works for the manager
    world.seed_contractor(CONTRACTOR, ())
    # When the manager accepts the quote
    with pytest.raises(DomainError) as refused:
        decide(world, "DV-1", "accept")
    # Then the order is refused as for receive_order, and the quote is untouched
    assert [e.code for e in refused.value.errors] == ["CONTRACTOR_NOT_FOUND"]
    assert stored(world, "DV-1").state is QuoteState.SUBMITTED and world.order(MANAGER, "DV-1") is None


def test_accepting_a_supplementary_quote_adds_its_lines_to_the_order_in_one_commit():
    world = a_world(orders=(an_order("BC-1", state=OrderState.ACKNOWLEDGED),))
    quotes.request_quote(MANAGER, request("DV-SUP", order_id="BC-1"), world.uow(), world.clock)
    quotes.submit_quote(CONTRACTOR, submission("DV-SUP", dt.date(2026, 3, 20)), world.uow(), world.clock)
    # When the manager accepts it
    uow, commits = counting_commits(world)
    quote = quotes.decide_quote("manager", MANAGER, DecideQuote(quote_id="DV-SUP", action="accept"), uow,
                                world.clock)
    # Then the order has its lines plus the quote's, and the order, the quote and both messages are one commit
    order = world.order(MANAGER, "BC-1")
    assert [line.line_id for line in order.lines] == ["L1", "L2", "DV-SUP-L1"]
    assert (order.state, quote.created_order_id) == (OrderState.ACKNOWLEDGED, "BC-1")
    assert {quote_store.quote_path(MANAGER, "DV-SUP"), f"managers/{MANAGER}/orders/BC-1"} <= set(commits[0])
    added, decided = messages(world, EventType.ORDER_LINES_ADDED, EventType.QUOTE_DECIDED)
    assert (added.event_type, decided.event_type) == (EventType.ORDER_LINES_ADDED, EventType.QUOTE_DECIDED)
    assert (added.ordering_key, decided.ordering_key) == ("BC-1", "BC-1") and added.created_at < decided.created_at
    assert added.data["total_cents"] == order.total_cents
    assert [line["line_id"] for line in added.data["lines"]] == ["DV-SUP-L1"]


def test_accepting_a_quote_past_its_validity_date_expires_it_instead(world):
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    # When the manager accepts it on 11 March
    world.clock.advance(days=9)
    with pytest.raises(DomainError) as refused:
        decide(world, "DV-1", "accept")
    # Then it is refused as expired, the quote is stored expired, and no order was created
    assert [e.code for e in refused.value.errors] == ["QUOTE_EXPIRED"]
    assert stored(world, "DV-1").state is QuoteState.EXPIRED
    assert world.order(MANAGER, "DV-1") is None


def test_a_contractor_cannot_reach_another_contractors_quote(world):
    requested(world)
    # When another contractor submits on it, then the quote is not found for it
    with pytest.raises(quote_store.QuoteNotFound):
        quotes.submit_quote("ctr-other", submission("DV-1", dt.date(2026, 3, 10)), world.uow(), world.clock)


def test_the_quote_keeps_the_end_of_d3_which_get_quote_and_list_quotes_answer_from_the_quote_alone(world):
    """B16: the contractor is shown by when it must answer; the due date is kept on the quote when D3 opens."""
    # Given a request on Monday 2 March 2026: 5 working days in Paris are 3 to 9 March
    quote = requested(world)
    d3 = world.deadlines(MANAGER)["D3-DV-1"]
    # Then the quote keeps D3's due time, midnight starting Tuesday 10 March in Paris
    assert quote.answer_due_at == stored(world, "DV-1").answer_due_at == d3.due_at
    assert d3.due_at == dt.datetime(2026, 3, 9, 23, 0, tzinfo=dt.UTC)
    # When the contractor reads it, on a unit of work that records its reads
    uow = world.uow()
    read: list[str] = []
    fetch = uow._fetch
    uow._fetch = lambda paths: read.extend(paths) or fetch(paths)
    view = quote_store.view(quote_store.get_quote("contractor", CONTRACTOR, MANAGER, "DV-1", uow))
    # Then it answers the due date, from the quote's document alone
    assert view["answer_due_at"] == "2026-03-09T23:00:00Z" and read == [quote_store.quote_path(MANAGER, "DV-1")]
    [row] = listed_quotes("contractor", CONTRACTOR, world.uow())["quotes"]
    assert row["answer_due_at"] == "2026-03-09T23:00:00Z"
    # And a quote stored before the due date was kept answers none (its D3 runs all the same)
    path = quote_store.quote_path(MANAGER, "DV-1")
    world.seed(path, {k: v for k, v in world.db.data(path).items() if k != "answer_due_at"})
    assert quote_store.view(quote_store.get_quote("manager", MANAGER, None, "DV-1", world.uow()))["answer_due_at"] is None
    [older] = listed_quotes("manager", MANAGER, world.uow())["quotes"]
    assert older["answer_due_at"] is None and world.deadlines(MANAGER)["D3-DV-1"].state.value == "running"


def test_a_decision_on_a_version_revised_since_is_refused_and_changes_nothing(world):
    # Given the manager read version 1, and the contractor revised the quote meanwhile (version 2)
    submitted(world, "DV-1", dt.date(2026, 3, 20))
    quotes.submit_quote(CONTRACTOR, submission("DV-1", dt.date(2026, 3, 25)), world.uow(), world.clock)
    # When the manager accepts, then refuses, naming the version it read
    refusals = []
    for action, reason in (("accept", None), ("refuse", "Hors budget")):
        with pytest.raises(DomainError) as refused:
            decide(world, "DV-1", action, version=1, **({"reason": reason} if reason else {}))
        refusals.append(refused.value.errors)
    # Then both are refused — the version it decides on is no longer the quote's — in French, and nothing is written
    for errors in refusals:
        assert [(e.field, e.code) for e in errors] == [("$.version", "QUOTE_VERSION_CHANGED")]
        assert errors[0].message == ("Le devis « DV-1 » a changé : sa version en cours est la version 2, pas la "
                                     "version 1 sur laquelle porte votre décision. Relisez-la avant de décider.")
    assert stored(world, "DV-1").state is QuoteState.SUBMITTED and world.order(MANAGER, "DV-1") is None
    assert messages(world, EventType.QUOTE_DECIDED) == []
    # And a decision naming the current version, or none (a connector), is taken
    assert decide(world, "DV-1", "accept", version=2).state is QuoteState.ACCEPTED
