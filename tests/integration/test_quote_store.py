"""Quotes (A2.4, A2.5, B16) on the Firestore emulator's unit of work: each command one atomic commit
with its audit records, and the expiry sweep's collection-group query across managers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import DecideQuote, RequestQuote, SubmitQuote
from shared.service import quotes
from tests.fakes import FixedClock

pytestmark = pytest.mark.emulators
LINES = [OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(1),
                   unit_price_cents=8500)]


def request(contractor: str, quote_id: str) -> RequestQuote:
    return RequestQuote(quote_id=quote_id, contract_id="AC-2026-017", contractor_id=contractor, title="Colonne",
                        site=SiteRef(node_id="N-1", commune="69383"))


def counting(client) -> tuple[FirestoreUnitOfWork, list[list[str]]]:
    uow, commits = FirestoreUnitOfWork(client), []
    apply = uow._apply
    uow._apply = lambda writes: commits.append([w.path for w in writes]) or apply(writes)
    return uow, commits


def test_a_quote_requested_submitted_and_accepted_is_three_commits_each_audited(clean_firestore):
    clock = FixedClock("2026-03-02T09:00:00+00:00")
    # When the manager requests a quote, the contractor submits it and the manager accepts it
    uow, commits = counting(clean_firestore)
    quotes.request_quote("mgr-test", request("ctr-test", "DV-I1"), uow, clock)
    quotes.submit_quote("ctr-test", SubmitQuote(manager_id="mgr-test", quote_id="DV-I1", lines=LINES,
                                                valid_until=dt.date(2026, 3, 20)), uow, clock)
    accepted = quotes.decide_quote("manager", "mgr-test", DecideQuote(quote_id="DV-I1", action="accept"), uow, clock)
    # Then each command was one commit (no publisher here: nothing is marked sent after it)
    assert len(commits) == 3
    space = "managers/mgr-test"
    request_paths, submit_paths, accept_paths = commits
    assert {f"{space}/quotes/DV-I1", f"{space}/deadlines/D3-DV-I1"} <= set(request_paths)
    assert {f"{space}/quotes/DV-I1", f"{space}/deadlines/D3-DV-I1"} <= set(submit_paths)
    assert {f"{space}/quotes/DV-I1", f"{space}/orders/DV-I1", f"{space}/orders/DV-I1/events/issued"} <= set(
        accept_paths)
    # And the accepted quote, its order, D3 met and the outbox messages are stored
    assert accepted.created_order_id == "DV-I1"
    assert clean_firestore.document(f"{space}/orders/DV-I1").get().to_dict()["contractor_id"] == "ctr-test"
    assert clean_firestore.document(f"{space}/deadlines/D3-DV-I1").get().to_dict()["state"] == "met"
    pending = {s.to_dict()["event_type"] for s in clean_firestore.collection("outbox").stream()}
    assert pending == {"fr.passerelle.quote.requested.v1", "fr.passerelle.order.issued.v1",
                       "fr.passerelle.quote.decided.v1"}
    # And every change has its audit record in the manager's space, from the commit that made it
    actions = sorted(s.to_dict()["action"] for s in clean_firestore.collection(f"{space}/audit").stream())
    # (the order's first history event, « Commande émise à partir du devis … », written with it: A2.4)
    assert actions == sorted(["quote.created", "deadline.created", "quote.updated", "deadline.updated",
                              "quote.updated", "order.created", "event.created"])


def test_the_sweep_finds_submitted_quotes_past_their_date_in_every_managers_space(clean_firestore):
    clock = FixedClock("2026-03-02T09:00:00+00:00")
    uow = FirestoreUnitOfWork(clean_firestore)
    # Given quotes of two managers, one of each past its date, one still valid, one past but refused
    for manager, contractor, quote_id, valid_until in (("mgr-test", "ctr-test", "DV-A", dt.date(2026, 3, 5)),
                                                        ("mgr-other", "ctr-other", "DV-B", dt.date(2026, 3, 6)),
                                                        ("mgr-test", "ctr-test", "DV-C", dt.date(2026, 4, 30)),
                                                        ("mgr-test", "ctr-test", "DV-D", dt.date(2026, 3, 5))):
        quotes.request_quote(manager, request(contractor, quote_id), uow, clock)
        quotes.submit_quote(contractor, SubmitQuote(manager_id=manager, quote_id=quote_id, lines=LINES,
                                                    valid_until=valid_until), uow, clock)
    quotes.decide_quote("manager", "mgr-test", DecideQuote(quote_id="DV-D", action="refuse", reason="Non"), uow,
                        clock)
    # When the sweep's query runs on 10 March, and the sweep twice
    clock.advance(days=8)
    uow.begin()
    found = sorted(quotes.expirable(uow, dt.date(2026, 3, 11), 10))
    first, second = quotes.expire_quotes(uow, clock), quotes.expire_quotes(uow, clock)
    # Then it found the two past quotes of both managers, expired them once each
    assert found == [("mgr-other", "DV-B"), ("mgr-test", "DV-A")]
    assert (first, second) == ({"candidates": 2, "expired": 2}, {"candidates": 0, "expired": 0})
    states = {q: clean_firestore.document(f"managers/{m}/quotes/{q}").get().to_dict()["state"]
              for m, q in (("mgr-test", "DV-A"), ("mgr-other", "DV-B"), ("mgr-test", "DV-C"), ("mgr-test", "DV-D"))}
    assert states == {"DV-A": "expired", "DV-B": "expired", "DV-C": "submitted", "DV-D": "refused"}
