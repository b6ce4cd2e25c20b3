"""Quotes read, swept to expiry and versioned once per submission, on the in-memory unit of work."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from shared.domain.messages import EventType, ReplyStatus
from shared.domain.errors import DomainError
from shared.domain.orders import SiteRef
from shared.domain.quotes import QuoteState, RaiseQuote, SubmitQuote
from shared.ports import digest
from shared.service import idempotency, quote_origins, quote_store, quotes
from shared.service.idempotency import LEASE
from shared.service.inbound_router import Services, route
from tests.builders import CONTRACTOR, MANAGER, inbound
from tests.fakes import World
from tests.quote_builders import (
    CONTRACT, CONTRACT_ID, LINES, a_world, counting_commits, decide, messages, requested, stored, submitted,
)


@pytest.fixture
def world() -> World:
    return a_world()


def expire(world: World) -> dict[str, int]:
    return quotes.expire_quotes(world.uow(), world.clock)


def test_the_sweep_expires_quotes_past_their_date_once_and_tells_their_contractor(world):
    # Given a quote valid until 10 March, one until 20 March, and a refused one valid until 5 March
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    submitted(world, "DV-2", dt.date(2026, 3, 20))
    submitted(world, "DV-3", dt.date(2026, 3, 5))
    decide(world, "DV-3", "refuse", reason="Non")
    # When the sweep runs on 10 March (still valid that day), then on 11 March, twice
    world.clock.advance(days=8)
    assert expire(world)["expired"] == 0
    world.clock.advance(days=1)
    first, second = expire(world), expire(world)
    # Then only DV-1 expired, once, and its contractor is told on its replies topic
    assert (first["expired"], second["expired"]) == (1, 0)
    states = {q: stored(world, q).state.value for q in ("DV-1", "DV-2", "DV-3")}
    assert states == {"DV-1": "expired", "DV-2": "submitted", "DV-3": "refused"}
    [message] = messages(world, EventType.QUOTE_EXPIRED)
    assert (message.topic, message.event_type, message.ordering_key) == (
        "replies-ctr-test", EventType.QUOTE_EXPIRED, "DV-1")
    assert (message.data["quote_id"], message.data["version"], message.data["valid_until"]) == ("DV-1", 1,
                                                                                                  "2026-03-10")
    assert [t for t, _, a, _ in world.publisher.published if a["ce-type"] == EventType.QUOTE_EXPIRED.value] == [
        "replies-ctr-test"]


def test_each_expiry_is_one_commit_of_the_quote_and_its_message(world):
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    submitted(world, "DV-2", dt.date(2026, 3, 10))
    world.clock.advance(days=9)
    # When the sweep expires two quotes
    uow, commits = counting_commits(world)
    assert quotes.expire_quotes(uow, world.clock) == {"candidates": 2, "expired": 2}
    # Then each quote was committed with its own quote.expired, and nothing else
    changed = [c for c in commits if not all(p.startswith("outbox/") for p in c)]
    assert len(changed) == 2
    for commit, quote_id in zip(changed, ("DV-1", "DV-2")):
        assert quote_store.quote_path(MANAGER, quote_id) in commit
        expired_id = quotes.expired_message_id(stored(world, quote_id))
        assert [p for p in commit if p.startswith("outbox/")] == [f"outbox/{expired_id}"]


def test_a_crash_in_one_expiry_leaves_that_quote_submitted_for_the_next_run(world):
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    world.clock.advance(days=9)
    # Given the instance dies in the expiry's commit
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        expire(world)
    # Then the quote is still submitted and nothing was told; the next run expires it
    assert stored(world, "DV-1").state is QuoteState.SUBMITTED and messages(world, EventType.QUOTE_EXPIRED) == []
    world.db.crash_after = None
    assert expire(world)["expired"] == 1 and len(messages(world, EventType.QUOTE_EXPIRED)) == 1


def test_validity_ends_at_midnight_in_the_quotes_territory(world):
    # Given a quote for a site in Nouméa (UTC+11), valid until 10 March
    submitted(world, "DV-NC", dt.date(2026, 3, 10), commune="98818")
    # When the sweep runs at 13:30 UTC on 10 March: already 11 March 00:30 in Nouméa
    world.clock.advance(days=8, hours=4, minutes=30)
    # Then the quote has expired there, though it is still 10 March in Paris
    assert expire(world)["expired"] == 1


def test_a_submission_is_dated_like_the_sweep_on_the_quotes_territory_clock():
    # Given 23:30 UTC on 10 March: already 11 March in Paris, still 10 March at 19:30 in Martinique
    world = a_world(now="2026-03-10T23:30:00+00:00")
    # When the contractor answers a Paris request with a quote valid until 10 March
    with pytest.raises(DomainError) as paris:
        submitted(world, "DV-PARIS", dt.date(2026, 3, 10), commune="69123")
    # Then it is refused: that day is over where the quote counts
    assert [(e.field, e.code) for e in paris.value.errors] == [("$.valid_until", "OUT_OF_RANGE")]
    # And the same date for a site in Fort-de-France is still valid there
    assert submitted(world, "DV-MQ", dt.date(2026, 3, 10), commune="97209").state is QuoteState.SUBMITTED


def test_a_quote_the_contractor_raises_is_dated_on_its_territory_clock_too():
    # Given 13:30 UTC on 10 March: already 11 March at 00:30 in Nouméa
    world = a_world(now="2026-03-10T13:30:00+00:00")
    with pytest.raises(DomainError) as noumea:
        quote_origins.raise_quote(CONTRACTOR, a_raise("DV-NC", commune="98818", valid_until=dt.date(2026, 3, 10)),
                                  world.uow(), world.clock)
    assert [(e.field, e.code) for e in noumea.value.errors] == [("$.valid_until", "OUT_OF_RANGE")]
    # And in Lyon, where it is 14:30 on 10 March, the same quote is valid all that day
    raised, _ = quote_origins.raise_quote(CONTRACTOR, a_raise("DV-LY", "69123", dt.date(2026, 3, 10)), world.uow(),
                                          world.clock)
    assert (raised.state, raised.territory) == (QuoteState.SUBMITTED, "69")


def a_raise(quote_id: str, commune: str, valid_until: dt.date) -> RaiseQuote:
    return RaiseQuote(manager_id=MANAGER, quote_id=quote_id, contract_id=CONTRACT_ID, title="Remplacement",
                      site=SiteRef(node_id="N-1", commune=commune), lines=LINES, valid_until=valid_until)


def test_an_acceptance_past_validity_also_tells_the_contractor(world):
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    world.clock.advance(days=9)
    # When the manager accepts the expired quote
    with pytest.raises(Exception):
        decide(world, "DV-1", "accept")
    # Then the same message as the sweep's went out, and a later sweep sends nothing more
    assert [m.event_type for m in messages(world)] == [EventType.QUOTE_REQUESTED, EventType.QUOTE_EXPIRED]
    assert expire(world)["expired"] == 0 and len(messages(world, EventType.QUOTE_EXPIRED)) == 1


def test_the_manager_and_the_contractor_read_the_quote_and_nobody_else(world):
    submitted(world, "DV-1", dt.date(2026, 3, 10))
    # When its manager, its contractor, another contractor and another manager read it
    assert quote_store.get_quote("manager", MANAGER, None, "DV-1", world.uow()).versions[0].version == 1
    assert quote_store.get_quote("contractor", CONTRACTOR, MANAGER, "DV-1", world.uow()).state is QuoteState.SUBMITTED
    # Then the others find nothing
    for role, tenant, manager in (("contractor", "ctr-other", MANAGER), ("manager", "mgr-other", None),
                                  ("contractor", CONTRACTOR, None)):
        with pytest.raises(quote_store.QuoteNotFound):
            quote_store.get_quote(role, tenant, manager, "DV-1", world.uow())


# --- a submission over Pub/Sub, answered in its reply's commit ----------------------------------


def quote_message(message_id: str = "q-1", quote_id: str = "DV-1"):
    body = {"manager_id": MANAGER, "quote_id": quote_id, "valid_until": "2026-04-30",
            "lines": [json.loads(LINES[0].model_dump_json())]}
    return dataclasses.replace(inbound(body, message_id), type=EventType.QUOTE_SUBMITTED.value)


def services(world: World) -> Services:
    return Services(uow=world.uow(), clock=world.clock)


def replies(world: World, message_id: str) -> list[dict]:
    return [json.loads(data) for topic, data, _, _ in world.publisher.published
            if topic == "replies-ctr-test" and json.loads(data)["in_reply_to"]["id"] == message_id]


def test_a_quote_message_is_one_commit_of_its_version_d3_its_record_and_its_reply(world):
    requested(world)
    # When the contractor's submission arrives on its topic
    uow, commits = counting_commits(world)
    reply = route(quote_message(), Services(uow=uow, clock=world.clock))
    # Then it is accepted in one commit: the version, D3 met, the message-log record and the reply
    assert (reply.status, reply.quote_id, reply.quote_version) == (ReplyStatus.ACCEPTED, "DV-1", 1)
    msg = quote_message()
    assert {quote_store.quote_path(MANAGER, "DV-1"), f"managers/{MANAGER}/deadlines/D3-DV-1",
            idempotency.message_path(CONTRACTOR, msg.key), f"outbox/reply-{msg.key}"} <= set(commits[0])
    assert world.deadlines(MANAGER)["D3-DV-1"].state.value == "met"
    assert [r["status"] for r in replies(world, "q-1")] == ["accepted"]


def test_a_quote_message_whose_delivery_died_in_its_commit_is_run_again_by_its_redelivery(world):
    requested(world)
    # Given a first delivery that died in its commit (version, record and reply alike)
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        route(quote_message(), services(world))
    world.db.crash_after = None
    assert stored(world, "DV-1").versions == []
    # When Pub/Sub redelivers it (at once: there is no claim to wait for)
    reply = route(quote_message(), services(world))
    # Then it is accepted with the first version, and there is one version
    assert (reply.status, reply.quote_version) == (ReplyStatus.ACCEPTED, 1)
    assert [v.version for v in stored(world, "DV-1").versions] == [1]
    # And a new message from the contractor (another id) is a revision: version 2
    assert route(quote_message("q-2"), services(world)).quote_version == 2


def test_a_quote_message_redelivered_after_its_commit_gets_its_reply_again_and_adds_no_version(world):
    requested(world)
    # Given a first delivery committed, whose reply could not be published (the instance then died)
    world.publisher.fail = ConnectionError("pubsub down")
    first = route(quote_message(), services(world))
    world.publisher.fail = None
    assert replies(world, "q-1") == []
    # When Pub/Sub redelivers it
    world.clock.advance(minutes=5)
    again = route(quote_message(), services(world))
    # Then the redelivery is answered with the first reply, which is published now, and there is one version
    assert again == first and again.quote_version == 1
    assert [r["quote_version"] for r in replies(world, "q-1")] == [1]
    assert [v.version for v in stored(world, "DV-1").versions] == [1]


def test_a_quote_message_left_claimed_by_a_delivery_of_the_earlier_code_is_taken_over_with_its_version(world):
    requested(world)
    msg = quote_message()
    # Given a delivery that claimed the message under a lease, wrote its version (named by the message
    # key) in a commit of its own, then died before its reply (what the earlier code could leave)
    quotes.submit_quote(CONTRACTOR, SubmitQuote.model_validate_json(msg.data), world.uow(), world.clock,
                        submission_id=msg.key)
    world.seed(idempotency.message_path(CONTRACTOR, msg.key), {
        "state": "in_progress", "digest": digest(msg.data), "locked_until": world.clock.now() + LEASE})
    # When Pub/Sub redelivers it after the claim's lease ended
    world.clock.advance(seconds=LEASE.total_seconds() + 1)
    reply = route(msg, services(world))
    # Then the redelivery is answered with the version the first delivery created, and there is one version
    quote = stored(world, "DV-1")
    assert (reply.status, reply.quote_version) == (ReplyStatus.ACCEPTED, 1)
    assert [v.version for v in quote.versions] == [1] and quote.versions[0].submission_id == msg.key


def test_a_rejected_quote_message_commits_its_reply_only(world):
    requested(world)
    # When the contractor submits on a quote that does not exist
    reply = route(quote_message(quote_id="DV-ABSENT"), services(world))
    # Then it is rejected with QUOTE_NOT_FOUND, and the requested quote and its D3 are untouched
    assert (reply.status, [e.code for e in reply.errors]) == (ReplyStatus.REJECTED, ["QUOTE_NOT_FOUND"])
    assert reply.quote_id == "DV-ABSENT"
    assert stored(world, "DV-1").state is QuoteState.REQUESTED
    assert world.deadlines(MANAGER)["D3-DV-1"].state.value == "running"


def test_a_quote_asked_in_the_first_hour_of_its_contract_s_first_day_in_paris_is_under_that_contract():
    # Given a contract in force from 11 March, and 23:30 UTC on 10 March: already 11 March at 00:30 in Paris
    world = a_world(now="2026-03-10T23:30:00+00:00", contract={**CONTRACT, "starts_on": "2026-03-11"})
    # When the manager asks for a quote under it
    quote = requested(world, "DV-FIRST", commune="69123")
    # Then the contract is in force on that day where it counts, and the request stands
    assert quote.state is QuoteState.REQUESTED
