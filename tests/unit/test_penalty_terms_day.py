"""B18 territories, A9 penalties: a penalty terms version's effective date is a day of the territory whose deadlines
read it — an agreement's beneficiary's, a contract's own (its D2's) — since every deadline looks its terms up on the
day it starts there. "Today at the earliest", the version in force a reader is answered and the day of a change made
through upsert_contract are that territory's today, not Paris's (docs/penalties.md, Whose today)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.contract_terms import SetPenaltyTerms
from shared.domain.errors import DomainError
from shared.domain.penalties import PenaltyTerms
from shared.domain.sourcing.records import Beneficiary
from shared.service import contracts, penalty_terms, perimeter_reads
from shared.service.sourcing import agreements, paths, pool
from tests.builders import MANAGER
from tests.fakes import World
from tests.sourcing_builders import a_beneficiary
from tests.unit.test_contract_service import a_world as a_contract_world
from tests.unit.test_contract_service import contract

AGREEMENT = paths.Settings().contract_id
TERMS = PenaltyTerms(daily_amount_cents={"P1": 20_000}, rules_by_kind={"D4": "P1"})


def with_beneficiary(territory: str, now: str) -> World:
    world = World("2026-03-03T09:00:00+00:00")
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary("ben-test", territory=territory),
                                                         strict=False), world.uow())
    world.clock.at = dt.datetime.fromisoformat(now)
    return world


def amend_agreement(world: World, effective_from: dt.date) -> dict:
    command = SetPenaltyTerms(beneficiary_id="ben-test", effective_from=effective_from, reason="Annexe", terms=TERMS)
    return penalty_terms.set_penalty_terms("purchasing_body", "canut", "u-canut", command, AGREEMENT, world.uow(),
                                           world.clock)


def refusal(call) -> tuple[str, str, str]:
    with pytest.raises(DomainError) as refused:
        call()
    [error] = refused.value.errors
    return error.field, error.code, error.message


def test_an_agreement_in_martinique_takes_a_version_effective_today_there_while_paris_is_on_the_next_day():
    # Given a beneficiary in Martinique, on 30 June 2026 at 19:30 there (1 July, 01:30 in Paris)
    world = with_beneficiary("972", "2026-06-30T23:30:00+00:00")
    # When the purchasing body sets a version effective 30 June: it is today there, and accepted
    assert amend_agreement(world, dt.date(2026, 6, 30))["effective_from"] == "2026-06-30"
    # And the agreement reads it in force today, on Martinique's day
    read = agreements.read_agreement("ben-test", world.uow(), world.clock)["penalty_terms_versions"]
    assert (read["on"], read["in_force_version"]) == ("2026-06-30", 1)
    # But 29 June is past there
    field, code, message = refusal(lambda: amend_agreement(world, dt.date(2026, 6, 29)))
    assert (field, code) == ("$.effective_from", "OUT_OF_RANGE")
    assert "2026-06-30" in message


def test_an_agreement_in_noumea_refuses_a_version_effective_a_day_already_gone_there():
    # Given a beneficiary in Nouvelle-Calédonie, on 1 July 2026 at 08:30 there (30 June, 23:30 in Paris)
    world = with_beneficiary("NC", "2026-06-30T21:30:00+00:00")
    # When the purchasing body sets a version effective 30 June (Paris's today): refused, it would reach back a day
    field, code, message = refusal(lambda: amend_agreement(world, dt.date(2026, 6, 30)))
    assert (field, code) == ("$.effective_from", "OUT_OF_RANGE")
    assert "aujourd'hui (2026-07-01)" in message
    # And a version effective 1 July is in force at once there
    amend_agreement(world, dt.date(2026, 7, 1))
    read = agreements.read_agreement("ben-test", world.uow(), world.clock)["penalty_terms_versions"]
    assert (read["on"], read["in_force_version"]) == ("2026-07-01", 1)
    # A beneficiary in Lyon at the same instant is on 30 June, Paris's day
    lyon = with_beneficiary("69", "2026-06-30T21:30:00+00:00")
    assert amend_agreement(lyon, dt.date(2026, 6, 30))["effective_from"] == "2026-06-30"


def a_contract_over(departement: str, now: str) -> World:
    world = a_contract_world()
    contracts.upsert_contract(MANAGER, contract(perimeter={"departements": [departement], "communes": []}),
                              world.uow(), world.clock)
    world.clock.at = dt.datetime.fromisoformat(now)
    return world


def amend_contract(world: World, effective_from: dt.date) -> dict:
    command = SetPenaltyTerms(contract_id="AC-1", effective_from=effective_from, reason="Avenant", terms=TERMS)
    return penalty_terms.set_penalty_terms("manager", MANAGER, "u-1", command, AGREEMENT, world.uow(), world.clock)


def test_a_contract_over_la_reunion_dates_its_versions_on_its_own_day():
    # Given a contract over La Réunion, on 1 July 2026 at 01:30 there (30 June, 23:30 in Paris)
    world = a_contract_over("974", "2026-06-30T21:30:00+00:00")
    # Then 30 June is past there; 1 July is today, in force at once in what get_contract answers
    assert refusal(lambda: amend_contract(world, dt.date(2026, 6, 30)))[1] == "OUT_OF_RANGE"
    amend_contract(world, dt.date(2026, 7, 1))
    read = perimeter_reads.get_contract("manager", MANAGER, "", "AC-1", world.uow(), world.clock)
    assert (read["penalty_terms_versions"]["on"], read["penalty_terms_versions"]["in_force_version"]) == (
        "2026-07-01", 1)
    # And a change of its terms through upsert_contract is a version effective 1 July, its day
    contracts.upsert_contract(MANAGER, contract(perimeter={"departements": ["974"], "communes": []},
                                                penalty_terms={"daily_amount_cents": {"P1": 30_000}}),
                              world.uow(), world.clock)
    latest = penalty_terms.load_versions(world.uow(), MANAGER, "AC-1")[-1]
    assert (latest.version, latest.effective_from, latest.terms.amount_for("P1")) == (2, dt.date(2026, 7, 1), 30_000)


def test_a_contract_over_lyon_dates_its_versions_on_paris_day_at_the_same_instant():
    world = a_contract_over("69", "2026-06-30T21:30:00+00:00")
    assert amend_contract(world, dt.date(2026, 6, 30))["effective_from"] == "2026-06-30"
    read = perimeter_reads.get_contract("manager", MANAGER, "", "AC-1", world.uow(), world.clock)
    assert read["penalty_terms_versions"]["on"] == "2026-06-30"
