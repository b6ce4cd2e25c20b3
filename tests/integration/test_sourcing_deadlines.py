"""D4 of the sourcing flow, run by the deadline service on the Firestore emulator (injected clock)."""

from __future__ import annotations

import datetime as dt

from shared.adapters.deadlines import FirestoreDeadlineStore
from shared.adapters.documents import FirestoreDocuments
from shared.domain.deadlines import DeadlineState
from shared.domain.penalties import PenaltyTerms
from shared.domain.sourcing.messages import ProposeProfessionals, SubmitNeed
from shared.domain.sourcing.records import Beneficiary
from shared.ports import DocWrite
from shared.service import legacy_deadlines as svc
from shared.service.sourcing import paths, services
from shared.service.sourcing.deadlines import SourcingDeadlines
from tests.fakes import FixedClock
from tests.sourcing_builders import a_beneficiary, a_need_content

# Monday 2 March 2026, 10:00 in Lyon (territory 69): 10 working days end on Monday 16 March.
SUBMITTED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def given_a_submitted_need(db, clock: FixedClock, terms: PenaltyTerms | None = None):
    docs, store = FirestoreDocuments(db), FirestoreDeadlineStore(db)
    hooks = SourcingDeadlines(store, None, clock, terms=terms)
    services.register_beneficiary(Beneficiary.model_validate(a_beneficiary(), strict=False), docs)
    command = SubmitNeed.model_validate({"need_id": "n-d4", "content": a_need_content()}, strict=False)
    record, created = services.submit_need("ben-lyon", command, docs, clock, deadlines=hooks)
    assert created
    return docs, store, hooks, record


def a_result_ranking(docs, professional_id: str = "pro-anne") -> None:
    """What score_candidates leaves behind (its own tests cover it): a result and the need scored."""
    need = docs.get(paths.need("ben-lyon", "n-d4"))
    docs.commit([DocWrite(paths.result("ben-lyon", "n-d4", 1), {"need_id": "n-d4", "version": 1, "candidates": [
        {"professional_id": professional_id, "name": "Anne", "rank": 1, "total": 0.9, "partial": False,
         "missed": [], "explanation": "Correspond au besoin", "daily_rate_cents": 60000}]}),
                 DocWrite(paths.need("ben-lyon", "n-d4"), {**need.value, "status": "scored"}, "update", need.version)])


def a_proposal() -> ProposeProfessionals:
    return ProposeProfessionals.model_validate({
        "beneficiary_id": "ben-lyon", "need_id": "n-d4", "version": 1,
        "proposals": [{"professional_id": "pro-anne", "guaranteed_until": "2026-12-31"}]}, strict=False)


def test_d4_starts_on_submission_with_the_needs_due_date_and_is_met_by_the_first_proposal(clean_firestore):
    clock = FixedClock(SUBMITTED)
    # Given a need submitted on Monday 2 March 2026 in the Rhône
    docs, store, hooks, record = given_a_submitted_need(clean_firestore, clock)
    # Then its D4 runs in the beneficiary's space, due at the end of 16 March (local), as the need says
    d4 = store.get_deadline("ben-lyon", record.d4.deadline_id).value
    assert (d4.kind, d4.state, d4.tenant_id, d4.territory) == ("D4", DeadlineState.RUNNING, "ben-lyon", "69")
    assert record.d4.due == dt.date(2026, 3, 16) and d4.due_at == record.d4.due_at
    assert d4.due_at == dt.datetime(2026, 3, 16, 23, 0, tzinfo=dt.UTC)
    # When the operator proposes a professional nine days later
    a_result_ranking(docs)
    clock.advance(days=9)
    proposed = services.propose(a_proposal(), docs, clock, hooks)
    # Then the deadline is met, stopped by the proposal, and the need records the same outcome
    d4 = store.get_deadline("ben-lyon", record.d4.deadline_id).value
    assert d4.state is DeadlineState.MET and d4.stopped_at == clock.now()
    assert d4.evidence[-1].ref == "needs/n-d4/versions/1/proposals"
    assert proposed.d4.met is True and proposed.d4.stopped_at == d4.stopped_at


def test_a_missed_d4_priced_by_the_contract_accrues_each_started_day_until_the_proposal(clean_firestore):
    clock = FixedClock(SUBMITTED)
    # Given a framework contract pricing D4 under P1 and a submitted need
    docs, store, hooks, record = given_a_submitted_need(clean_firestore, clock, PenaltyTerms(rules_by_kind={"D4": "P1"}))
    deadline_id = record.d4.deadline_id
    # When the clock passes the due time by two days and one hour, and the hourly sweep runs
    clock.at = record.d4.due_at + dt.timedelta(days=2, hours=1)
    assert svc.sweep(store, None, clock) == {"processed": 1, "changed": 1, "days_accrued": 3, "more": False}
    # Then D4 is missed and three started days are in the ledger at 150 EUR each
    assert store.get_deadline("ben-lyon", deadline_id).value.state is DeadlineState.MISSED
    assert [(e.day, e.amount_cents, e.rule_id) for e in store.entries_of_deadline("ben-lyon", deadline_id)] == [
        (1, 15_000, "P1"), (2, 15_000, "P1"), (3, 15_000, "P1")]
    # When the proposal finally comes, and the sweep runs again a week later
    a_result_ranking(docs)
    proposed = services.propose(a_proposal(), docs, clock, hooks)
    clock.advance(days=7)
    svc.sweep(store, None, clock)
    # Then accrual stopped at the proposal: still three days, and the need says D4 was not met
    assert proposed.d4.met is False
    assert len(store.entries_of_deadline("ben-lyon", deadline_id)) == 3
    assert store.get_deadline("ben-lyon", deadline_id).value.stopped_at == proposed.d4.stopped_at
