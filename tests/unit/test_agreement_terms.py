"""A9 penalties: a beneficiary's agreement terms versions are read by the beneficiary, the purchasing body that
sets them and the operator (get_sourcing?view=agreement), and a new version is announced to the titulaire on its
orders topic, in the version's own commit, as fr.passerelle.agreement.terms_changed.v1 carrying every version."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.contract_terms import AgreementTermsChanged, AgreementView, SetPenaltyTerms
from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.domain.penalties import PenaltyTerms
from shared.domain.sourcing.views import SourcingView
from shared.domain.sourcing.records import Beneficiary
from shared.service import penalty_terms
from shared.service.sourcing import agreements, paths, pool
from tests.fakes import World
from tests.sourcing_builders import a_beneficiary
from tests.unit.test_contract_service import record_commits

AGREEMENT = paths.Settings().contract_id
TITULAIRE = paths.Settings().titulaire_id


def registered(*beneficiaries: str) -> World:
    """Beneficiaries registered by the operator (their agreements held by the titulaire); Tuesday 3 March 2026."""
    world = World("2026-03-03T09:00:00+00:00")
    for b in beneficiaries:
        pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(b), strict=False), world.uow())
    return world


def amend(world: World, beneficiary_id: str, effective_from: dt.date, p1: int, reason: str = "Annexe pénalités"):
    command = SetPenaltyTerms(beneficiary_id=beneficiary_id, effective_from=effective_from, reason=reason,
                              terms=PenaltyTerms(daily_amount_cents={"P1": p1}, rules_by_kind={"D4": "P1"}))
    return penalty_terms.set_penalty_terms("purchasing_body", "canut", "u-canut", command, AGREEMENT, world.uow(),
                                           world.clock)


def test_a_new_version_of_an_agreement_is_announced_to_the_titulaire_in_its_commit_with_every_version():
    world = registered("ben-lyon")
    commits = record_commits(world)
    # When the purchasing body sets terms effective on 1 April (in the future)
    amend(world, "ben-lyon", dt.date(2026, 4, 1), 20_000)
    # Then the version and its message are one commit; the agreement itself is not rewritten
    [announced] = world.outbox()
    commit = commits[0]
    assert {p for p in commit if not p.startswith("audit_pending/") and "/audit/" not in p} == {
        penalty_terms.version_path("ben-lyon", AGREEMENT, 1), f"outbox/{announced.id}"}
    assert "version" not in world.db.data(paths.contract("ben-lyon", paths.Settings()))
    # And the titulaire is told on its orders topic, ordered with the agreement's other versions
    assert (announced.topic, announced.event_type, announced.subject, announced.ordering_key) == (
        f"orders-{TITULAIRE}", EventType.AGREEMENT_TERMS_CHANGED, "agreements/ben-lyon", "agreements/ben-lyon")
    assert announced.source.endswith("/managers/ben-lyon")
    message = AgreementTermsChanged.model_validate_json(json.dumps(announced.data))
    terms = message.penalty_terms_versions
    assert (message.beneficiary_id, message.contract_id) == ("ben-lyon", AGREEMENT)
    assert (terms.on, terms.in_force_version, terms.in_force_terms) == (dt.date(2026, 3, 3), None, PenaltyTerms())
    # (which of the purchasing body's accounts set it is left out: its accounts are its own)
    assert [(v.version, v.effective_from, v.terms.amount_for("P1"), v.set_by) for v in terms.versions] == [
        (1, dt.date(2026, 4, 1), 20_000, None)]
    # And a second version is a second message, carrying both
    world.clock.advance(days=1)
    amend(world, "ben-lyon", dt.date(2026, 5, 1), 30_000)
    second = world.outbox()[-1]
    assert second.id != announced.id
    assert [v["version"] for v in second.data["penalty_terms_versions"]["versions"]] == [1, 2]


def test_a_version_whose_commit_fails_is_neither_stored_nor_announced_and_its_retry_announces_it_once():
    world = registered("ben-lyon")
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        amend(world, "ben-lyon", dt.date(2026, 4, 1), 20_000)
    assert (penalty_terms.load_versions(world.uow(), "ben-lyon", AGREEMENT), world.outbox()) == ([], [])
    world.db.crash_after = None
    amend(world, "ben-lyon", dt.date(2026, 4, 1), 20_000)
    assert [m.event_type for m in world.outbox()] == [EventType.AGREEMENT_TERMS_CHANGED]


def test_the_beneficiary_s_agreement_reads_every_version_and_the_one_in_force_today_in_paris():
    world = registered("ben-lyon", "ben-other")
    amend(world, "ben-lyon", dt.date(2026, 3, 3), 10_000)
    amend(world, "ben-lyon", dt.date(2026, 4, 1), 20_000)
    read = agreements.read_agreement("ben-lyon", world.uow(), world.clock)
    view = AgreementView.model_validate_json(json.dumps(read))
    terms = view.penalty_terms_versions
    assert (view.beneficiary_id, view.contract_id, terms.on, terms.in_force_version) == (
        "ben-lyon", AGREEMENT, dt.date(2026, 3, 3), 1)
    # with its titulaire, the contractor whose penalties the beneficiary reads (the « Pénalités » screen's choice)
    assert read["titulaire_id"] == paths.Settings().titulaire_id
    assert [v.version for v in terms.versions] == [1, 2]
    # get_sourcing's answer model takes it as the agreement view
    assert isinstance(SourcingView.model_validate(read).root, AgreementView)
    # On 1 April in Paris (31 March 22:00 UTC), version 2 is in force
    world.clock.at = dt.datetime(2026, 3, 31, 22, 0, tzinfo=dt.UTC)
    later = agreements.read_agreement("ben-lyon", world.uow(), world.clock)["penalty_terms_versions"]
    assert (later["on"], later["in_force_version"]) == ("2026-04-01", 2)
    # The beneficiary reads it without the purchasing body's account ids; the purchasing body and the operator with
    assert [v["set_by"] for v in agreements.read_agreement("ben-lyon", world.uow(), world.clock, accounts=False)[
        "penalty_terms_versions"]["versions"]] == [None, None]
    assert [v.set_by for v in terms.versions] == ["u-canut", "u-canut"]
    # Another beneficiary's agreement has its own versions: none
    other = agreements.read_agreement("ben-other", world.uow(), world.clock)["penalty_terms_versions"]
    assert (other["versions"], other["in_force_version"]) == ([], None)


def test_an_unknown_beneficiary_or_a_manager_s_contract_of_the_same_id_is_not_an_agreement():
    world = registered("ben-lyon")
    world.seed(f"managers/mgr-test/contracts/{AGREEMENT}", {"contract_id": AGREEMENT, "contractor_id": "ctr-x"})
    for unknown in ("ben-nobody", "mgr-test"):
        with pytest.raises(DomainError) as refused:
            agreements.read_agreement(unknown, world.uow(), world.clock)
        assert [(e.field, e.code) for e in refused.value.errors] == [("query.beneficiary_id", "BENEFICIARY_NOT_FOUND")]


@pytest.mark.parametrize(("role", "readable"), [
    ("purchasing_body", {"pool_statistics", "agreement"}),
    ("beneficiary", {"need", "mission", "agreement", "pool_statistics"}),
    ("operator", {"need", "mission", "agreement", "pool_statistics"}),
])
def test_the_purchasing_body_reads_the_agreements_and_the_pool_statistics_only(role, readable):
    views = {"need", "mission", "agreement", "pool_statistics"}
    assert {v for v in views if pool.may_read_view(v, role)} == readable
