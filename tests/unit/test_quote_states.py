"""Quotes (A2.4, A2.5, B16): the state machine is data, every illegal step is refused with the order's codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.domain.errors import DomainError
from shared.domain.orders import OrderLine, SiteRef
from shared.domain.quotes import TERMINAL, TRANSITIONS, Quote, QuoteAction, QuoteState, QuoteVersion

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def a_quote(state: QuoteState = QuoteState.REQUESTED, valid_until: dt.date | None = None) -> Quote:
    versions = [] if valid_until is None else [QuoteVersion(
        version=1, valid_until=valid_until, submitted_at=NOW,
        lines=[OrderLine(line_id="L1", service_code="PLB-010", label="Recherche de fuite", quantity=Decimal(1),
                         unit_price_cents=8500)])]
    return Quote(manager_id="mgr-test", quote_id="DV-1", contract_id="AC-2026-017", contractor_id="ctr-test",
                 title="Remplacement colonne", site=SiteRef(node_id="LYON-BAT-A"), state=state, requested_at=NOW,
                 versions=versions)


@pytest.mark.parametrize(("state", "action", "actor", "expected"), [
    (QuoteState.REQUESTED, QuoteAction.SUBMIT, "contractor", QuoteState.SUBMITTED),
    (QuoteState.SUBMITTED, QuoteAction.SUBMIT, "contractor", QuoteState.SUBMITTED),
    (QuoteState.SUBMITTED, QuoteAction.ACCEPT, "manager", QuoteState.ACCEPTED),
    (QuoteState.SUBMITTED, QuoteAction.REFUSE, "manager", QuoteState.REFUSED),
    (QuoteState.SUBMITTED, QuoteAction.EXPIRE, "platform", QuoteState.EXPIRED),
    (QuoteState.REQUESTED, QuoteAction.WITHDRAW, "contractor", QuoteState.WITHDRAWN),
    (QuoteState.SUBMITTED, QuoteAction.WITHDRAW, "contractor", QuoteState.WITHDRAWN),
])
def test_each_allowed_step_leads_where_the_table_says(state, action, actor, expected):
    # When the allowed actor takes the step, then the quote is in the expected state
    assert a_quote(state).apply(action, actor).state == expected


def test_a_requested_quote_cannot_be_accepted_and_the_error_lists_the_possible_states():
    # When a manager accepts a quote the contractor has not submitted yet
    with pytest.raises(DomainError) as refused:
        a_quote(QuoteState.REQUESTED).apply(QuoteAction.ACCEPT, "manager")
    # Then it is an illegal transition naming where the quote may go
    [error] = refused.value.errors
    assert (error.field, error.code) == ("$.action", "ILLEGAL_TRANSITION")
    assert "« demandé » à « accepté »" in error.message and "remis, retiré" in error.message


def test_only_the_manager_accepts_and_only_the_contractor_submits():
    # When the contractor accepts its own quote, or the manager submits one
    with pytest.raises(DomainError) as by_contractor:
        a_quote(QuoteState.SUBMITTED).apply(QuoteAction.ACCEPT, "contractor")
    with pytest.raises(DomainError) as by_manager:
        a_quote(QuoteState.REQUESTED).apply(QuoteAction.SUBMIT, "manager")
    # Then both are refused as steps reserved to the other party
    assert [e.code for e in by_contractor.value.errors + by_manager.value.errors] == [
        "TRANSITION_NOT_ALLOWED_FOR_ACTOR"] * 2
    assert "gestionnaire" in by_contractor.value.errors[0].message


@pytest.mark.parametrize("state", sorted(TERMINAL))
def test_a_final_quote_takes_no_further_step(state):
    # Given a quote in a final state, then the table has no step out of it and every action is refused
    assert not [a for (s, a) in TRANSITIONS if s == state]
    for action in QuoteAction:
        with pytest.raises(DomainError):
            a_quote(state).apply(action, "manager")


def test_a_submitted_quote_expires_the_day_after_its_validity_date():
    # Given a quote valid until 10 March
    quote = a_quote(QuoteState.SUBMITTED, valid_until=dt.date(2026, 3, 10))
    # Then it is still valid on the 10th, expired on the 11th; a requested one never expires by date
    assert (quote.expired_on(dt.date(2026, 3, 10)), quote.expired_on(dt.date(2026, 3, 11))) == (False, True)
    assert a_quote(QuoteState.REQUESTED).expired_on(dt.date(2030, 1, 1)) is False
