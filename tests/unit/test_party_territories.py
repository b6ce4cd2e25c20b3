"""B18 territories: a contractor and the purchasing body record their own territory in the operator's registry
(A10 onboarding, B1 parties), and ``tenant_territory`` follows it for what they ask without naming one."""

from __future__ import annotations

import json

import pytest

from shared.domain.errors import DomainError
from shared.domain.parties import RegisterContractor, RegisterManager, RegisterPurchasingBody
from shared.domain.validation import parse_json
from shared.service import parties, registry, territories
from tests.fakes import World
from tests.unit.test_parties import RecordingTopology, codes, contractor, manager


def purchasing_body(purchasing_body_id: str = "centrale-achat", **fields) -> RegisterPurchasingBody:
    return RegisterPurchasingBody.model_validate({"purchasing_body_id": purchasing_body_id,
                                                  "name": "Centrale d'achat du numérique", **fields})


def a_world() -> tuple[World, RecordingTopology]:
    world, bus = World(), RecordingTopology()
    parties.register_manager(manager(), world.uow(), world.clock)
    return world, bus


def test_a_contractor_records_its_territory_keeps_it_when_registered_again_without_and_changes_it_when_named():
    world, bus = a_world()
    # Given a contractor registered in La Réunion
    first = parties.register_contractor(contractor(territory="974"), world.uow(), bus, world.clock)
    assert first.contractor.territory == "974" and world.db.data("contractors/ctr-acme")["territory"] == "974"
    # When the operator registers it again naming no territory
    again = parties.register_contractor(contractor(), world.uow(), bus, world.clock)
    # Then nothing changed: its territory stays, as a manager's does
    assert (again.changed, again.contractor.territory) == (False, "974")
    # And naming another one changes it
    moved = parties.register_contractor(contractor(territory="971"), world.uow(), bus, world.clock)
    assert (moved.changed, world.db.data("contractors/ctr-acme")["territory"]) == (True, "971")
    assert territories.tenant_territory(world.uow(), "contractor", "ctr-acme") == "971"


def test_a_contractor_registered_without_a_territory_has_none_and_its_own_deadlines_count_in_paris():
    world, bus = a_world()
    answer = parties.register_contractor(contractor(), world.uow(), bus, world.clock)
    assert answer.contractor.territory is None and "territory" not in world.db.data("contractors/ctr-acme")
    assert territories.tenant_territory(world.uow(), "contractor", "ctr-acme") is None


@pytest.mark.parametrize("model, body", [
    (RegisterContractor, {"contractor_id": "ctr-acme", "name": "ACME", "siret": "73282932000074",
                          "managers": ["mgr-rhone"]}),
    (RegisterPurchasingBody, {"purchasing_body_id": "centrale-achat", "name": "Centrale"}),
    (RegisterManager, {"manager_id": "mgr-rhone", "name": "Rhône Habitat", "siret": "21690123100011"}),
])
@pytest.mark.parametrize("code", ["99", "976x", "2C", "00", ""])
def test_a_territory_that_names_no_departement_is_refused_on_its_field_in_french(model, body, code):
    # When a registration names a code that is no INSEE département or collectivité
    command, errors = parse_json(model, json.dumps({**body, "territory": code}))
    # Then it is refused on $.territory with a stable code and a French message, as the manager's is
    assert command is None
    assert [(e.field, e.code) for e in errors] == [("$.territory", "INVALID_FORMAT")]
    assert errors[0].message.startswith("Format invalide")


@pytest.mark.parametrize("code", ["974", "2A", "69", "976", "PF"])
def test_every_departement_or_collectivite_is_accepted(code):
    command, errors = parse_json(RegisterPurchasingBody, json.dumps({"purchasing_body_id": "centrale-achat",
                                                                      "name": "Centrale", "territory": code}))
    assert errors == [] and command.territory == code


def test_the_purchasing_body_registered_twice_with_the_same_content_is_written_once_and_its_territory_followed():
    world, _ = a_world()
    assert territories.tenant_territory(world.uow(), "purchasing_body", "centrale-achat") is None  # before: Paris
    first = parties.register_purchasing_body(purchasing_body(territory="974"), world.uow(), world.clock)
    world.clock.advance(minutes=5)
    again = parties.register_purchasing_body(purchasing_body(territory="974"), world.uow(), world.clock)
    assert (first.created, first.changed, again.created, again.changed) == (True, True, False, False)
    record = world.db.data("purchasing_bodies/centrale-achat")
    assert (record["name"], record["territory"], record["status"]) == ("Centrale d'achat du numérique", "974",
                                                                      "active")
    assert territories.tenant_territory(world.uow(), "purchasing_body", "centrale-achat") == "974"
    # A registration naming none keeps it
    parties.register_purchasing_body(purchasing_body(), world.uow(), world.clock)
    assert world.db.data("purchasing_bodies/centrale-achat")["territory"] == "974"


def test_the_purchasing_body_shares_the_one_namespace_of_tenant_ids():
    world, bus = a_world()
    parties.register_purchasing_body(purchasing_body(), world.uow(), world.clock)
    # When the operator registers the purchasing body under the manager's id, or a contractor under the body's
    with pytest.raises(DomainError) as as_body:
        parties.register_purchasing_body(purchasing_body("mgr-rhone"), world.uow(), world.clock)
    with pytest.raises(DomainError) as as_contractor:
        parties.register_contractor(contractor("centrale-achat"), world.uow(), bus, world.clock)
    with pytest.raises(DomainError) as reserved:
        parties.register_purchasing_body(purchasing_body("sandbox-centrale"), world.uow(), world.clock)
    # Then each is refused on its id and nothing is written
    assert codes(as_body) == [("$.purchasing_body_id", "TENANT_ID_TAKEN")]
    assert codes(as_contractor) == [("$.contractor_id", "TENANT_ID_TAKEN")]
    assert codes(reserved) == [("$.purchasing_body_id", "RESERVED_IDENTIFIER")]
    assert world.db.data("purchasing_bodies/mgr-rhone") is None and world.db.data("contractors/centrale-achat") is None
    assert "gestionnaire" in as_body.value.errors[0].message


def test_a_purchasing_body_token_is_valid_whether_its_body_is_registered_or_not_but_never_on_another_kinds_id():
    world, _ = a_world()
    parties.register_purchasing_body(purchasing_body(), world.uow(), world.clock)
    uow = world.uow()
    assert registry.tenant_errors(uow, "purchasing_body", "centrale-achat", "f") == []  # registered
    assert registry.tenant_errors(uow, "purchasing_body", "centrale-demo", "f") == []  # never registered: as before
    assert [e.code for e in registry.tenant_errors(uow, "purchasing_body", "mgr-rhone", "f")] == ["TENANT_ID_TAKEN"]
    # and a manager token may not carry the purchasing body's id
    assert [e.code for e in registry.tenant_errors(uow, "manager", "centrale-achat", "f")] == ["TENANT_NOT_REGISTERED"]


def test_the_operator_has_no_territory_of_its_own():
    world, _ = a_world()
    assert territories.tenant_territory(world.uow(), "operator", "platform") is None
