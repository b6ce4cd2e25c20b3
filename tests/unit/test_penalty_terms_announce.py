"""A9 penalties: a contract's penalty terms versions are read by its manager and by the contractor holding it
(get_contract: every version and the one in force today, Paris date), and a new version is announced to that
contractor in the version's own commit, as fr.passerelle.contract.changed.v1 carrying every version."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.contract_terms import SetPenaltyTerms, TermsVersion, terms_versions
from shared.domain.contracts import ContractChanged
from shared.domain.messages import EventType
from shared.domain.penalties import PenaltyTerms
from shared.domain.perimeter_reads import ContractRecord
from shared.service import contracts, penalty_terms, perimeter_reads
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World
from tests.unit.test_contract_service import OTHER, a_world, contract, record_commits

AGREEMENT = "AC-2024-AOO-PFI"
SIGNED = {"daily_amount_cents": {"P1": 10_000}}


def amend(world: World, effective_from: dt.date, terms: PenaltyTerms, contract_id: str = "AC-1",
          role: str = "manager", tenant: str = MANAGER, **fields) -> dict:
    command = SetPenaltyTerms(effective_from=effective_from, terms=terms, reason="Avenant n° 2", **(
        {"contract_id": contract_id} if role == "manager" else {}), **fields)
    return penalty_terms.set_penalty_terms(role, tenant, "u-1", command, AGREEMENT, world.uow(), world.clock)


def signed_world() -> World:
    """AC-1 held by CONTRACTOR, signed at 100 EUR a day, already sent to it (version 1); Tuesday 3 March 2026."""
    world = a_world()
    contracts.upsert_contract(MANAGER, contract(penalty_terms=SIGNED), world.uow(), world.clock)
    return world


def version(n: int, effective_from: str, p1: int) -> TermsVersion:
    return TermsVersion(contract_id="AC-1", version=n, effective_from=dt.date.fromisoformat(effective_from),
                        terms=PenaltyTerms(daily_amount_cents={"P1": p1}), reason="r", set_by="u",
                        set_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))


def test_the_version_in_force_is_the_latest_effective_by_the_day_else_the_terms_at_signature():
    signed = PenaltyTerms(daily_amount_cents={"P1": 10_000})
    versions = [version(2, "2026-05-01", 30_000), version(1, "2026-04-01", 20_000)]
    before = terms_versions(versions, signed, dt.date(2026, 3, 31))
    assert (before.in_force_version, before.in_force_terms) == (None, signed)
    assert [v.version for v in before.versions] == [1, 2]  # oldest first, those to come included
    on_the_day = terms_versions(versions, signed, dt.date(2026, 4, 1))
    assert (on_the_day.in_force_version, on_the_day.in_force_terms.amount_for("P1")) == (1, 20_000)
    assert terms_versions(versions, signed, dt.date(2026, 6, 1)).in_force_version == 2


def test_a_new_version_is_announced_to_the_contractor_in_the_version_s_commit_with_every_version():
    world = signed_world()
    world.clock.advance(hours=1)
    commits = record_commits(world)
    # When the manager sets a version effective on 1 April (in the future)
    answer = amend(world, dt.date(2026, 4, 1), PenaltyTerms(daily_amount_cents={"P1": 30_000}))
    # Then the version, the contract (version 2) and its message are one commit
    [_, announced] = world.outbox()
    commit, *after = commits  # then the message is marked published
    assert after == [[f"outbox/{announced.id}"]]
    assert {p for p in commit if not p.startswith("audit_pending/") and "/audit/" not in p} == {
        penalty_terms.version_path(MANAGER, "AC-1", 1), contracts.contract_path(MANAGER, "AC-1"),
        f"outbox/{announced.id}"}
    assert world.db.data(contracts.contract_path(MANAGER, "AC-1"))["version"] == 2
    # And the contractor is told on its orders topic, ordered with the contract's other messages
    assert (announced.topic, announced.event_type, announced.ordering_key, announced.subject) == (
        f"orders-{CONTRACTOR}", EventType.CONTRACT_CHANGED, "AC-1", "contracts/AC-1")
    message = ContractChanged.model_validate_json(json.dumps(announced.data))
    assert (message.change, message.version, message.penalty_terms) == ("updated", 2, PenaltyTerms(**SIGNED))
    terms = message.penalty_terms_versions
    assert (terms.on, terms.in_force_version, terms.in_force_terms.amount_for("P1")) == (dt.date(2026, 3, 3), None,
                                                                                         10_000)
    # (without the manager's account ids: which of its accounts set the version is the manager's own business)
    assert [(v.version, v.effective_from, v.terms.amount_for("P1"), v.reason, v.set_by) for v in terms.versions] == [
        (1, dt.date(2026, 4, 1), 30_000, "Avenant n° 2", None)]
    [stored] = penalty_terms.load_versions(world.uow(), MANAGER, "AC-1")
    assert stored.set_by == "u-1" and terms.versions == [stored.model_copy(update={"set_by": None})]
    assert answer["versions"][0]["version"] == 1
    # And the same contract sent again by upsert_contract changes nothing and sends nothing
    again = contracts.upsert_contract(MANAGER, contract(penalty_terms=SIGNED), world.uow(), world.clock)
    assert (again.changed, again.version, len(world.outbox())) == (False, 2, 2)


def test_a_version_whose_commit_fails_is_neither_stored_nor_announced_and_its_retry_announces_it_once():
    world = signed_world()
    world.db.crash_after = world.db.commits
    with pytest.raises(ConnectionError):
        amend(world, dt.date(2026, 4, 1), PenaltyTerms())
    assert (penalty_terms.load_versions(world.uow(), MANAGER, "AC-1"), len(world.outbox())) == ([], 1)
    world.db.crash_after = None
    world.clock.advance(minutes=1)
    amend(world, dt.date(2026, 4, 1), PenaltyTerms())
    assert [m.data["version"] for m in world.outbox()] == [1, 2]


def test_a_terms_change_through_upsert_contract_reaches_the_contractor_with_its_new_version_in_force():
    world = signed_world()
    world.clock.advance(days=1)
    contracts.upsert_contract(MANAGER, contract(penalty_terms={"daily_amount_cents": {"P1": 20_000}}), world.uow(),
                              world.clock)
    [_, changed] = world.outbox()
    message = ContractChanged.model_validate_json(json.dumps(changed.data))
    terms = message.penalty_terms_versions
    assert (message.version, terms.on, terms.in_force_version) == (2, dt.date(2026, 3, 4), 1)
    assert [(v.version, v.effective_from) for v in terms.versions] == [(1, dt.date(2026, 3, 4))]
    # A change of something else carries the versions too, the in-force one unchanged
    world.clock.advance(days=1)
    contracts.upsert_contract(MANAGER, contract(title="Entretien — lot 2 bis",
                                                penalty_terms={"daily_amount_cents": {"P1": 20_000}}),
                              world.uow(), world.clock)
    latest = world.outbox()[-1].data["penalty_terms_versions"]
    assert (latest["in_force_version"], [v["version"] for v in latest["versions"]]) == (1, [1])
    assert len(penalty_terms.load_versions(world.uow(), MANAGER, "AC-1")) == 1


def test_the_manager_and_the_holder_read_every_version_and_the_one_in_force_today_nobody_else_does():
    world = signed_world()
    amend(world, dt.date(2026, 3, 3), PenaltyTerms(daily_amount_cents={"P1": 20_000}))
    amend(world, dt.date(2026, 4, 1), PenaltyTerms(daily_amount_cents={"P1": 30_000}))
    read = lambda role, tenant, manager="": perimeter_reads.get_contract(  # noqa: E731
        role, tenant, manager, "AC-1", world.uow(), world.clock)
    # The manager and its contractor read the same: versions 1 and 2, version 1 in force today — the contractor
    # without the manager's account ids
    mine, held = read("manager", MANAGER), read("contractor", CONTRACTOR, MANAGER)
    assert [v["set_by"] for v in mine["penalty_terms_versions"]["versions"]] == ["u-1", "u-1"]
    assert [v["set_by"] for v in held["penalty_terms_versions"]["versions"]] == [None, None]
    unaccounted = [{**v, "set_by": None} for v in mine["penalty_terms_versions"]["versions"]]
    assert held == {**mine, "penalty_terms_versions": {**mine["penalty_terms_versions"], "versions": unaccounted}}
    record = ContractRecord.model_validate_json(json.dumps(mine))
    terms = record.penalty_terms_versions
    assert (record.version, terms.on, terms.in_force_version, [v.version for v in terms.versions]) == (
        3, dt.date(2026, 3, 3), 1, [1, 2])
    # On 1 April (Paris: 31 March 22:00 UTC), version 2 is
    world.clock.at = dt.datetime(2026, 3, 31, 22, 0, tzinfo=dt.UTC)
    later = read("manager", MANAGER)["penalty_terms_versions"]
    assert (later["on"], later["in_force_version"], later["in_force_terms"]) == (
        "2026-04-01", 2, {"daily_amount_cents": {"P1": 30_000}, "rules_by_kind": {}, "lengths": {}})
    # Another contractor serving the manager, another manager, or the holder naming another manager: not found
    for role, tenant, manager in (("contractor", OTHER, MANAGER), ("manager", "mgr-other", ""),
                                  ("contractor", CONTRACTOR, "mgr-other")):
        with pytest.raises(perimeter_reads.NotVisible):
            read(role, tenant, manager)


def test_a_beneficiary_s_agreement_gets_versions_but_no_contract_message():
    world = World("2026-03-03T09:00:00+00:00")
    world.seed(f"managers/ben-lyon/contracts/{AGREEMENT}", {"contract_id": AGREEMENT, "contractor_id": "ctr-titulaire"})
    amend(world, dt.date(2026, 3, 3), PenaltyTerms(rules_by_kind={"D7": "P1"}), role="purchasing_body",
          tenant="canut", beneficiary_id="ben-lyon")
    # The agreement was never sent as a contract: a new version is not either (its own message is,
    # tests/unit/test_agreement_terms.py), and the agreement is not rewritten
    assert [m.event_type for m in world.outbox()] == [EventType.AGREEMENT_TERMS_CHANGED]
    assert "version" not in world.db.data(f"managers/ben-lyon/contracts/{AGREEMENT}")
    # The titulaire reading it (get_contract, as the contractor holding it) sees the version in force
    read = perimeter_reads.get_contract("contractor", "ctr-titulaire", "ben-lyon", AGREEMENT, world.uow(), world.clock)
    assert read["penalty_terms_versions"]["in_force_version"] == 1
