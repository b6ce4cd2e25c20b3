"""A2.1 contracts and A2.2 billing accounts on the unit of work: each save and its messages in one commit,
the contract's D2 onboarding deadline (A10) in that same commit, a resend changing nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shared.domain.contracts import UpsertBillingAccount, UpsertContract
from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.service import contracts
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World

OTHER = "ctr-other"


def contract(contract_id: str = "AC-1", contractor_id: str = CONTRACTOR, **changes: Any) -> UpsertContract:
    return UpsertContract.model_validate({
        "contract_id": contract_id, "title": "Entretien — lot 2", "contractor_id": contractor_id,
        "contractor_siret": "73282932000074", "lots": [{"code": "LOT2", "label": "Plomberie"}],
        "perimeter": {"departements": ["69"], "communes": []}, "signed_on": "2026-02-20",
        "starts_on": "2026-02-01", "ends_on": "2027-12-31", "status": "active", **changes}, strict=False)


def billing_account(contract_ids: list[str]) -> UpsertBillingAccount:
    return UpsertBillingAccount.model_validate({
        "billing_account_id": "FAC-1", "contract_ids": contract_ids,
        "invoicing_address": {"lines": ["12 rue de la République"], "postal_code": "69002", "city": "Lyon"},
        "legal_entity": {"name": "Rhône Habitat", "siret": "21690123100011"}}, strict=False)


def a_world() -> World:
    world = World("2026-03-03T09:00:00+00:00")
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed_contractor(OTHER, (MANAGER,))
    return world


def record_commits(world: World) -> list[list[str]]:
    """The paths written by every commit the database receives, in order."""
    commits: list[list[str]] = []
    apply = world.db.apply

    def recording(writes):
        apply(writes)
        commits.append([w.path for w in writes])

    world.db.apply = recording
    return commits


def test_a_contract_its_message_and_its_d2_are_one_commit():
    world = a_world()
    commits = record_commits(world)
    # When the manager saves a new contract
    saved = contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    # Then the contract, its contract.changed message and its D2 deadline were written by one commit
    assert (saved.changed, saved.version, saved.data["manager_id"]) == (True, 1, MANAGER)
    first = commits[0]
    assert contracts.contract_path(MANAGER, "AC-1") in first and f"managers/{MANAGER}/deadlines/d2-AC-1" in first
    [message] = world.outbox()
    assert f"outbox/{message.id}" in first
    assert (message.topic, message.event_type, message.ordering_key) == (
        f"orders-{CONTRACTOR}", EventType.CONTRACT_CHANGED, "AC-1")
    assert (message.data["change"], message.data["version"]) == ("created", 1)
    # And the message went out after the commit, D2's timer was armed
    assert [t for t, *_ in world.publisher.published] == [f"orders-{CONTRACTOR}"]
    assert world.deadlines(MANAGER)["d2-AC-1"].state.value == "running" and len(world.queue.tasks) == 1


def test_the_same_contract_again_writes_and_sends_nothing_and_an_update_is_version_2():
    world = a_world()
    contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    commits = world.db.commits
    # When the same content is sent again
    again = contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    # Then nothing is written, nothing sent, D2 is not opened twice
    assert (again.changed, again.version, world.db.commits, len(world.outbox())) == (False, 1, commits, 1)
    # When the title changes
    world.clock.advance(days=1)
    updated = contracts.upsert_contract(MANAGER, contract(title="Entretien — lot 2 bis"), world.uow(), world.clock)
    # Then version 2 is stored and announced as an update; D2 is still the first one
    assert (updated.changed, updated.version) == (True, 2)
    assert [m.data["change"] for m in world.outbox()] == ["created", "updated"]
    assert world.deadlines(MANAGER)["d2-AC-1"].started_at.date() == dt.date(2026, 2, 20)


def test_a_contract_with_a_contractor_not_serving_the_manager_or_another_contractor_is_refused():
    world = a_world()
    with pytest.raises(DomainError) as stranger:
        contracts.upsert_contract(MANAGER, contract(contractor_id="ctr-unknown"), world.uow(), world.clock)
    assert [(e.field, e.code) for e in stranger.value.errors] == [("$.contractor_id", "CONTRACTOR_NOT_FOUND")]
    contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    with pytest.raises(DomainError) as changed:
        contracts.upsert_contract(MANAGER, contract(contractor_id=OTHER), world.uow(), world.clock)
    assert [(e.field, e.code) for e in changed.value.errors] == [("$.contractor_id", "CONTRACTOR_CHANGED")]
    assert len(world.outbox()) == 1 and list(world.deadlines(MANAGER)) == ["d2-AC-1"]


def test_a_billing_account_goes_to_every_contractor_of_its_contracts_in_one_commit():
    world = a_world()
    contracts.upsert_contract(MANAGER, contract("AC-1"), world.uow(), world.clock)
    contracts.upsert_contract(MANAGER, contract("AC-2", OTHER), world.uow(), world.clock)
    commits = record_commits(world)
    # When a billing account names both contracts
    saved = contracts.upsert_billing_account(MANAGER, billing_account(["AC-1", "AC-2"]), world.uow(), world.clock)
    # Then it is stored with one billing_account.changed message per contractor, all in one commit
    messages = [m for m in world.outbox() if m.event_type is EventType.BILLING_ACCOUNT_CHANGED]
    assert (saved.changed, sorted(m.topic for m in messages)) == (True, sorted([f"orders-{CONTRACTOR}", f"orders-{OTHER}"]))
    assert {contracts.billing_account_path(MANAGER, "FAC-1"), *(f"outbox/{m.id}" for m in messages)} <= set(commits[0])
    # And sent again, it changes nothing
    again = contracts.upsert_billing_account(MANAGER, billing_account(["AC-1", "AC-2"]), world.uow(), world.clock)
    assert (again.changed, len(world.outbox())) == (False, 4)


def test_a_billing_account_naming_unknown_contracts_reports_each_and_writes_nothing():
    world = a_world()
    contracts.upsert_contract(MANAGER, contract("AC-1"), world.uow(), world.clock)
    commits = world.db.commits
    with pytest.raises(DomainError) as refused:
        contracts.upsert_billing_account(MANAGER, billing_account(["AC-9", "AC-1", "AC-8"]), world.uow(), world.clock)
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.contract_ids[0]", "CONTRACT_NOT_FOUND"),
                                                                 ("$.contract_ids[2]", "CONTRACT_NOT_FOUND")]
    assert world.db.commits == commits


def test_a_concurrent_save_makes_the_contract_start_again_from_fresh_reads():
    world = a_world()
    contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    # Given another save of the same contract landing between this one's read and its commit
    world.db.before_commit = lambda: contracts.upsert_contract(MANAGER, contract(title="Concurrent"), world.uow(),
                                                               world.clock)
    # When this save commits
    saved = contracts.upsert_contract(MANAGER, contract(title="Mine"), world.uow(), world.clock)
    # Then it started again on version 2 and became version 3; every version was announced once
    assert saved.version == 3 and world.db.data(contracts.contract_path(MANAGER, "AC-1"))["title"] == "Mine"
    assert [m.data["version"] for m in world.outbox()] == [1, 2, 3]
