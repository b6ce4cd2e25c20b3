"""D4 of the sourcing flow (B10 search request), run by the deadline service on the Firestore
emulator (injected clock): opened in the submission's commit, stopped in the proposal's."""

from __future__ import annotations

import datetime as dt

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.deadlines import DeadlineState
from shared.domain.sourcing.messages import ProposeProfessionals, SubmitNeed
from shared.domain.sourcing.records import Beneficiary
from shared.service import deadlines as svc
from shared.service.sourcing import needs, paths, pool
from shared.service.sourcing.paths import Settings
from shared.service.transaction import transact
from tests.fakes import FixedClock
from tests.sourcing_builders import a_beneficiary, a_need_content

# Monday 2 March 2026, 10:00 in Lyon (territory 69): 10 working days end on Monday 16 March.
SUBMITTED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def given_a_submitted_need(db, clock: FixedClock, penalty_terms: dict | None = None):
    uow = FirestoreUnitOfWork(db)
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(), strict=False), uow)
    if penalty_terms is not None:  # the framework contract in the beneficiary's space prices D4
        db.document(paths.contract("ben-lyon", Settings())).update({"penalty_terms": penalty_terms})
    command = SubmitNeed.model_validate({"need_id": "n-d4", "content": a_need_content()}, strict=False)
    record, created = needs.submit_need("ben-lyon", command, uow, clock)
    assert created
    return uow, record


def a_result_ranking(uow, professional_id: str = "pro-anne") -> None:
    """What score_candidates leaves behind (its own tests cover it): a result and the need scored."""

    def attempt() -> None:
        uow.create(paths.result("ben-lyon", "n-d4", 1), {"need_id": "n-d4", "version": 1, "candidates": [
            {"professional_id": professional_id, "name": "Anne", "rank": 1, "total": 0.9, "partial": False,
             "missed": [], "explanation": "Correspond au besoin", "daily_rate_cents": 60000}]})
        uow.get(paths.need("ben-lyon", "n-d4"))
        uow.update(paths.need("ben-lyon", "n-d4"), {"status": "scored"})

    transact(uow, attempt)


def a_proposal() -> ProposeProfessionals:
    return ProposeProfessionals.model_validate({
        "beneficiary_id": "ben-lyon", "need_id": "n-d4", "version": 1,
        "proposals": [{"professional_id": "pro-anne", "guaranteed_until": "2026-12-31"}]}, strict=False)


def test_d4_starts_on_submission_with_the_needs_due_date_and_is_met_by_the_first_proposal(clean_firestore):
    clock = FixedClock(SUBMITTED)
    # Given a need submitted on Monday 2 March 2026 in the Rhône
    uow, record = given_a_submitted_need(clean_firestore, clock)
    # Then its D4 runs in the beneficiary's space, due at the end of 16 March (local), as the need says
    d4 = svc.load(uow.fork(), "ben-lyon", record.d4.deadline_id)
    assert (d4.kind, d4.state, d4.tenant_id, d4.territory) == ("D4", DeadlineState.RUNNING, "ben-lyon", "69")
    assert record.d4.due == dt.date(2026, 3, 16) and d4.due_at == record.d4.due_at
    assert d4.due_at == dt.datetime(2026, 3, 16, 23, 0, tzinfo=dt.UTC)
    # And the need, its first version, its D4 and the needs-submitted message were one commit: one audit
    # timestamp for all of them
    audit = [s.to_dict() for s in clean_firestore.collection("beneficiaries/ben-lyon/audit").stream()]
    audit += [s.to_dict() for s in clean_firestore.collection("managers/ben-lyon/audit").stream()]
    submitted = [a for a in audit if "n-d4" in a["target"] or record.d4.deadline_id in a["target"]]
    assert sorted(a["action"] for a in submitted) == ["deadline.created", "need.created", "version.created"]
    assert len({a["at"] for a in submitted}) == 1
    outbox = [s.to_dict() for s in clean_firestore.collection("outbox").stream()]
    assert [(m["topic"], m["subject"]) for m in outbox] == [(paths.NEEDS_TOPIC, "needs/n-d4/versions/1")]
    # When the operator proposes a professional nine days later
    a_result_ranking(uow)
    clock.advance(days=9)
    proposed = needs.propose(a_proposal(), uow, clock)
    # Then the deadline is met, stopped by the proposal, and the need records the same outcome
    d4 = svc.load(uow.fork(), "ben-lyon", record.d4.deadline_id)
    assert d4.state is DeadlineState.MET and d4.stopped_at == clock.now()
    assert d4.evidence[-1].ref == "needs/n-d4/versions/1/proposals"
    assert proposed.d4.met is True and proposed.d4.stopped_at == d4.stopped_at


def test_a_missed_d4_priced_by_the_contract_accrues_each_started_day_until_the_proposal(clean_firestore):
    clock = FixedClock(SUBMITTED)
    # Given a framework contract pricing D4 under P1 and a submitted need
    uow, record = given_a_submitted_need(clean_firestore, clock, {"rules_by_kind": {"D4": "P1"}})
    deadline_id = record.d4.deadline_id
    # When the clock passes the due time by two days and one hour, and the hourly sweep runs
    clock.at = record.d4.due_at + dt.timedelta(days=2, hours=1)
    assert svc.sweep(uow.fork(), clock) == {"processed": 1, "changed": 1, "days_accrued": 3, "more": False}
    # Then D4 is missed and three started days are in the ledger at 150 EUR each
    assert svc.load(uow.fork(), "ben-lyon", deadline_id).state is DeadlineState.MISSED
    assert [(e.day, e.amount_cents, e.rule_id) for e in svc.entries_of_deadline(uow.fork(), "ben-lyon", deadline_id)] == [
        (1, 15_000, "P1"), (2, 15_000, "P1"), (3, 15_000, "P1")]
    # When the proposal finally comes, and the sweep runs again a week later
    a_result_ranking(uow)
    proposed = needs.propose(a_proposal(), uow, clock)
    clock.advance(days=7)
    svc.sweep(uow.fork(), clock)
    # Then accrual stopped at the proposal: still three days, and the need says D4 was not met
    assert proposed.d4.met is False
    assert len(svc.entries_of_deadline(uow.fork(), "ben-lyon", deadline_id)) == 3
    assert svc.load(uow.fork(), "ben-lyon", deadline_id).stopped_at == proposed.d4.stopped_at
