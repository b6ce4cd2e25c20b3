"""Penalty terms per deadline as contract data: versions with an effective date, never rewritten, audited;
each deadline takes the terms in force when its clock starts, so a change applies from its date only."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.contract_terms import SetPenaltyTerms
from shared.domain.errors import DomainError
from shared.domain.identity import RequestAccount
from shared.domain.penalties import PenaltyTerms
from shared.domain.validation import parse_json
from shared.service import accounts, contracts, penalty_terms, quotes
from shared.service.executions import record_execution
from tests.builders import MANAGER, NOW, an_order, inbound, report
from tests.fakes import World
from tests.quote_builders import CONTRACT_ID, request
from tests.unit.test_contract_service import a_world as a_contract_world
from tests.unit.test_contract_service import contract

AGREEMENT = "AC-2024-AOO-PFI"


def amend(world: World, effective_from: dt.date, terms: PenaltyTerms, contract_id: str = CONTRACT_ID,
          role: str = "manager", tenant: str = MANAGER, **fields) -> dict:
    command = SetPenaltyTerms(effective_from=effective_from, terms=terms, reason="Avenant", **(
        {"contract_id": contract_id} if role == "manager" else {}), **fields)
    return penalty_terms.set_penalty_terms(role, tenant, "u-1", command, AGREEMENT, world.uow(), world.clock)


def a_world() -> World:
    world = World(NOW)  # Tuesday 3 March 2026
    world.seed_contractor("ctr-test", (MANAGER,))
    world.seed(f"managers/{MANAGER}/contracts/{CONTRACT_ID}", {
        "contract_id": CONTRACT_ID, "contractor_id": "ctr-test", "status": "active", "starts_on": "2020-01-01",
        "ends_on": "2035-12-31", "lots": [], "perimeter": {}, "penalty_terms": {"daily_amount_cents": {"P1": 10_000}}})
    return world


def test_a_version_is_stored_once_with_its_date_and_audited_in_the_contract_s_space():
    world = a_world()
    answer = amend(world, dt.date(2026, 4, 1), PenaltyTerms(daily_amount_cents={"P1": 30_000}))
    assert (answer["version"], answer["effective_from"]) == (1, "2026-04-01")
    path = penalty_terms.version_path(MANAGER, CONTRACT_ID, 1)
    assert world.db.data(path)["terms"]["daily_amount_cents"] == {"P1": 30_000}
    [audit] = [a for a in world.db.under(f"managers/{MANAGER}/audit").values() if a["target"] == path]
    assert audit["action"] == "penalty_term.created" and world.db.data(path)["set_by"] == "u-1"
    # A later version comes after it; the past and the days before the latest version are refused
    assert amend(world, dt.date(2026, 5, 1), PenaltyTerms())["version"] == 2
    for day, detail in ((dt.date(2026, 3, 2), "aujourd'hui"), (dt.date(2026, 4, 15), "version 2")):
        with pytest.raises(DomainError) as refused:
            amend(world, day, PenaltyTerms())
        assert refused.value.errors[0].code == "OUT_OF_RANGE" and detail in refused.value.errors[0].message


def test_terms_name_known_kinds_rules_and_only_shorter_lengths():
    body = (b'{"contract_id": "AC-1", "effective_from": "2026-04-01", "reason": "r", "terms": {'
            b'"rules_by_kind": {"D9": "P1"}}}')
    _, errors = parse_json(SetPenaltyTerms, body)
    assert [(e.field, e.code) for e in errors] == [("$.terms", "UNKNOWN_DEADLINE_KIND")]
    _, errors = parse_json(SetPenaltyTerms, body.replace(b'"D9": "P1"', b'"D3": "P7"'))
    assert [(e.field, e.code) for e in errors] == [("$.terms", "INVALID_VALUE")]
    _, errors = parse_json(SetPenaltyTerms, body.replace(b'"rules_by_kind": {"D9": "P1"}', b'"lengths": {"D7": 96}'))
    assert [(e.field, e.code) for e in errors] == [("$.terms", "DEADLINE_LENGTH_EXCEEDED")]
    command, errors = parse_json(SetPenaltyTerms, body.replace(b'"D9": "P1"', b'"D1": "none"'))
    assert errors == [] and command.terms.rule_for("D1") is None


def test_the_contract_must_be_the_manager_s_and_an_agreement_needs_its_beneficiary():
    world = a_world()
    with pytest.raises(DomainError) as unknown:
        amend(world, dt.date(2026, 4, 1), PenaltyTerms(), contract_id="AC-NOPE")
    assert unknown.value.errors[0].code == "CONTRACT_NOT_FOUND"
    with pytest.raises(DomainError) as nobody:
        amend(world, dt.date(2026, 4, 1), PenaltyTerms(), role="purchasing_body", tenant="canut")
    assert [(e.field, e.code) for e in nobody.value.errors] == [("$.beneficiary_id", "REQUIRED")]
    with pytest.raises(DomainError) as unregistered:
        amend(world, dt.date(2026, 4, 1), PenaltyTerms(), role="purchasing_body", tenant="canut", beneficiary_id="b-x")
    assert unregistered.value.errors[0].code == "BENEFICIARY_NOT_FOUND"


def test_a_late_message_is_priced_by_the_terms_in_force_on_the_day_its_event_happened():
    world = a_world()
    world.seed_order(an_order())
    # Given the contract's terms at signature (100 EUR a day), amended to 300 EUR from tomorrow
    amend(world, dt.date(2026, 3, 4), PenaltyTerms(daily_amount_cents={"P1": 30_000}))
    # When a message about an event of this morning arrives 2 hours late
    record_execution(inbound(report(1, "acknowledged", occurred_at=NOW - dt.timedelta(hours=2))), world.uow(),
                     world.clock)
    # Then its day is priced at the signature's 100 EUR
    assert [e.amount_cents for e in world.ledger(MANAGER)] == [10_000]
    # And tomorrow, a message 2 hours late is priced at the amendment's 300 EUR
    world.clock.at = NOW + dt.timedelta(days=1)
    record_execution(inbound(report(2, "scheduled", occurred_at=world.clock.at - dt.timedelta(hours=2),
                                    planned_start="2026-03-05T08:00:00+01:00", planned_end="2026-03-05T12:00:00+01:00",
                                    site_lead={"last_name": "Martin", "first_name": "Léa", "mobile": "0612345678"}),
                             "m-2", received_at=world.clock.at), world.uow(), world.clock)
    assert sorted(e.amount_cents for e in world.ledger(MANAGER)) == [10_000, 30_000]


def test_a_quote_request_is_priced_when_the_contract_prices_d3():
    world = a_world()
    amend(world, NOW.date(), PenaltyTerms(rules_by_kind={"D3": "P1"}))
    quotes.request_quote(MANAGER, request(), world.uow(), world.clock)
    d3 = world.deadlines(MANAGER)["D3-DV-1"]
    assert (d3.penalty_rule, d3.daily_amount_cents) == ("P1", 15_000)


def test_an_agreement_stating_a_shorter_account_delay_shortens_d7():
    world = World(NOW)
    world.seed(f"managers/ben-lyon/contracts/{AGREEMENT}", {"contract_id": AGREEMENT})
    amend(world, NOW.date(), PenaltyTerms(lengths={"D7": 24}, rules_by_kind={"D7": "P1"}), role="purchasing_body",
          tenant="canut", beneficiary_id="ben-lyon")
    command = RequestAccount.model_validate({"email": "a@b.fr", "display_name": "A B", "territory": "69"})
    request_ = accounts.request_account("u", "beneficiary", "ben-lyon", command, world.uow(), world.clock,
                                        agreement_id=AGREEMENT)
    # Tuesday 10:00 Paris + 24 hours counted on working days: Wednesday 10:00, priced by the agreement
    assert request_.due_at == NOW + dt.timedelta(days=1)
    d7 = world.deadlines("ben-lyon")[request_.request_id]
    assert (d7.length_amount, d7.penalty_rule) == (24, "P1")


def test_changing_a_contract_s_terms_through_upsert_contract_records_a_version_effective_that_day():
    world = a_contract_world()
    contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    assert penalty_terms.load_versions(world.uow(), MANAGER, "AC-1") == []  # its terms at signature: the defaults
    contracts.upsert_contract(MANAGER, contract(penalty_terms={"daily_amount_cents": {"P1": 20_000}}), world.uow(),
                              world.clock)
    [version] = penalty_terms.load_versions(world.uow(), MANAGER, "AC-1")
    assert (version.version, version.effective_from, version.terms.amount_for("P1")) == (1, dt.date(2026, 3, 3),
                                                                                       20_000)
    # Sending the same contract again records nothing more
    contracts.upsert_contract(MANAGER, contract(penalty_terms={"daily_amount_cents": {"P1": 20_000}}), world.uow(),
                              world.clock)
    assert len(penalty_terms.load_versions(world.uow(), MANAGER, "AC-1")) == 1
