"""Onboarding through the API (A10): the registry of managers, contractors and machine identities, and
the contractor's Pub/Sub topology applied through the Topology port (an in-memory recorder here)."""

from __future__ import annotations

import pytest

from shared.domain.errors import DomainError
from shared.domain.parties import DeactivateParty, RegisterContractor, RegisterMachineIdentity, RegisterManager
from shared.service import parties
from shared.service.parties import contractor_serves
from tests.fakes import World

SIRET_ACME = "73282932000074"
SIRET_MANAGER = "21690123100011"
ERP = "erp-acme@acme-erp.iam.gserviceaccount.com"


class RecordingTopology:
    """Remembers each plan applied; fails on demand (the admin API is down)."""

    def __init__(self, fail: bool = False):
        self.applied, self.fail = [], fail

    def apply(self, plan):
        if self.fail:
            raise ConnectionError("Pub/Sub admin API unavailable")
        self.applied.append(plan)
        return {"topics": list(plan.topics), "subscriptions": [s.name for s in plan.subscriptions],
                "dead_letter_topic": plan.dead_letter_topic, "created": [], "iam": "managed"}


def manager(manager_id: str = "mgr-rhone", **fields) -> RegisterManager:
    return RegisterManager.model_validate({"manager_id": manager_id, "name": "Rhône Habitat", "siret": SIRET_MANAGER,
                                           **fields})


def contractor(contractor_id: str = "ctr-acme", managers=("mgr-rhone",), **fields) -> RegisterContractor:
    return RegisterContractor.model_validate({"contractor_id": contractor_id, "name": "ACME", "siret": SIRET_ACME,
                                              "managers": list(managers), **fields})


def deactivation(kind: str, party_id: str) -> DeactivateParty:
    return DeactivateParty.model_validate({"kind": kind, "id": party_id}, strict=False)


def machine(**fields) -> RegisterMachineIdentity:
    return RegisterMachineIdentity.model_validate({"email": ERP, "role": "contractor", "tenant": "ctr-acme", **fields},
                                                  strict=False)


def codes(exc: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in exc.value.errors]


def test_a_manager_registered_twice_with_the_same_content_is_written_once():
    world = World()
    # Given a manager registered by the operator
    first = parties.register_manager(manager(territory="69"), world.uow(), world.clock)
    # When the same registration comes again
    world.clock.advance(minutes=5)
    again = parties.register_manager(manager(territory="69"), world.uow(), world.clock)
    # Then it was created once, and the second call changed nothing
    assert (first.created, first.changed, again.created, again.changed) == (True, True, False, False)
    record = world.db.data("managers/mgr-rhone")
    assert (record["name"], record["siret"], record["territory"], record["status"]) == (
        "Rhône Habitat", SIRET_MANAGER, "69", "active")
    assert record["registered_at"] == record["updated_at"]


def test_a_manager_may_not_take_an_identifier_the_platform_reserves():
    world = World()
    with pytest.raises(DomainError) as refused:
        parties.register_manager(manager("sandbox-ctr-acme"), world.uow(), world.clock)
    assert codes(refused) == [("$.manager_id", "RESERVED_IDENTIFIER")]
    assert world.db.data("managers/sandbox-ctr-acme") is None


def test_tenant_ids_are_one_namespace_a_manager_and_a_contractor_never_share_one():
    world, bus = World(), RecordingTopology()
    parties.register_manager(manager(), world.uow(), world.clock)
    parties.register_contractor(contractor(), world.uow(), bus, world.clock)
    bus.applied.clear()
    # When the operator registers a manager under the contractor's id, or a contractor under the manager's
    with pytest.raises(DomainError) as as_manager:
        parties.register_manager(manager("ctr-acme"), world.uow(), world.clock)
    with pytest.raises(DomainError) as as_contractor:
        parties.register_contractor(contractor("mgr-rhone"), world.uow(), bus, world.clock)
    # Then both are refused on the id, nothing is written and no topic is provisioned
    assert codes(as_manager) == [("$.manager_id", "TENANT_ID_TAKEN")]
    assert codes(as_contractor) == [("$.contractor_id", "TENANT_ID_TAKEN")]
    assert world.db.data("managers/ctr-acme") is None and world.db.data("contractors/mgr-rhone") is None
    assert bus.applied == []


def test_registering_a_contractor_provisions_its_topology_then_records_it():
    world, bus = World(), RecordingTopology()
    parties.register_manager(manager(), world.uow(), world.clock)
    # When the operator registers a contractor for that manager, with its ERP's service account
    answer = parties.register_contractor(contractor(erp_service_account=ERP), world.uow(), bus, world.clock)
    # Then its topology was applied with its ERP as the only member, and the record says what it owns
    [plan] = bus.applied
    assert (plan.contractor_id, plan.erp_members) == ("ctr-acme", (f"serviceAccount:{ERP}",))
    record = world.db.data("contractors/ctr-acme")
    assert (record["managers"], record["erp_service_account"], record["status"]) == (["mgr-rhone"], ERP, "active")
    assert record["topology"]["topics"] == ["orders-ctr-acme", "execution-ctr-acme", "replies-ctr-acme"]
    assert record["topology"]["dead_letter_topic"] == "contractors-dead-letter"
    assert answer.created and answer.contractor.topology.dead_letter_topic == "contractors-dead-letter"
    assert contractor_serves(world.uow(), "ctr-acme", "mgr-rhone")


def test_a_contractor_naming_unknown_or_inactive_managers_is_refused_before_anything_is_provisioned():
    world, bus = World(), RecordingTopology()
    parties.register_manager(manager("mgr-gone"), world.uow(), world.clock)
    parties.deactivate(deactivation("manager", "mgr-gone"), world.uow(), bus, world.clock)
    # When a contractor names a manager never registered and a deactivated one
    with pytest.raises(DomainError) as refused:
        parties.register_contractor(contractor(managers=("mgr-nobody", "mgr-gone")), world.uow(), bus, world.clock)
    # Then both are reported at once, and no topic was created nor record written
    assert codes(refused) == [("$.managers[0]", "MANAGER_NOT_FOUND"), ("$.managers[1]", "MANAGER_INACTIVE")]
    assert bus.applied == [] and world.db.data("contractors/ctr-acme") is None


def test_a_provisioning_failure_leaves_no_record_and_the_retry_completes_it():
    world = World()
    parties.register_manager(manager(), world.uow(), world.clock)
    # Given the Pub/Sub admin API failing
    with pytest.raises(ConnectionError):
        parties.register_contractor(contractor(), world.uow(), RecordingTopology(fail=True), world.clock)
    assert world.db.data("contractors/ctr-acme") is None
    # When the operator retries
    bus = RecordingTopology()
    parties.register_contractor(contractor(), world.uow(), bus, world.clock)
    # Then the topology is applied and the contractor recorded
    assert len(bus.applied) == 1 and world.db.data("contractors/ctr-acme")["status"] == "active"


def test_registering_a_contractor_again_keeps_what_other_flows_recorded_and_replaces_its_managers():
    world, bus = World(), RecordingTopology()
    for m in ("mgr-rhone", "mgr-loire"):
        parties.register_manager(manager(m), world.uow(), world.clock)
    parties.register_contractor(contractor(), world.uow(), bus, world.clock)
    world.db.seed("contractors/ctr-acme", {**world.db.data("contractors/ctr-acme"),
                                           "conformance": {"run_id": "r1", "passed_at": world.clock.now()}})
    # When it is registered again for another manager, its ERP identity added
    answer = parties.register_contractor(contractor(managers=("mgr-loire",), erp_service_account=ERP), world.uow(),
                                         bus, world.clock)
    # Then its managers are the new list, its conformance stays, and the topology was applied again
    record = world.db.data("contractors/ctr-acme")
    assert (answer.created, answer.changed, record["managers"]) == (False, True, ["mgr-loire"])
    assert answer.contractor.conformance.run_id == "r1"
    assert record["conformance"]["run_id"] == "r1"
    assert [p.erp_members for p in bus.applied] == [(), (f"serviceAccount:{ERP}",)]
    assert not contractor_serves(world.uow(), "ctr-acme", "mgr-rhone")


def test_a_deactivated_contractor_loses_its_erp_permissions_and_is_sent_nothing_new():
    world, bus = World(), RecordingTopology()
    parties.register_manager(manager(), world.uow(), world.clock)
    parties.register_contractor(contractor(erp_service_account=ERP), world.uow(), bus, world.clock)
    # When the operator deactivates it, twice
    first = parties.deactivate(deactivation("contractor", "ctr-acme"), world.uow(), bus, world.clock)
    again = parties.deactivate(deactivation("contractor", "ctr-acme"), world.uow(), bus, world.clock)
    # Then its topology was applied with no ERP member, its record is inactive (once), and orders are refused
    assert bus.applied[-1].erp_members == () and bus.applied[-1].contractor_id == "ctr-acme"
    assert (first.changed, again.changed, first.record["status"]) == (True, False, "inactive")
    assert world.db.data("contractors/ctr-acme")["status"] == "inactive"
    assert not contractor_serves(world.uow(), "ctr-acme", "mgr-rhone")
    # And registering it again brings it back
    parties.register_contractor(contractor(erp_service_account=ERP), world.uow(), bus, world.clock)
    assert contractor_serves(world.uow(), "ctr-acme", "mgr-rhone")
    assert world.db.data("contractors/ctr-acme")["deactivated_at"] is None


def test_deactivating_a_party_that_does_not_exist_is_a_404_kind_of_error():
    world = World()
    with pytest.raises(DomainError) as refused:
        parties.deactivate(deactivation("machine_identity", "nobody@x.iam.gserviceaccount.com"),
                           world.uow(), RecordingTopology(), world.clock)
    assert codes(refused) == [("$.id", "PARTY_NOT_FOUND")]


def test_a_machine_identity_needs_a_registered_tenant_and_rights_its_role_may_hold():
    world = World()
    command = machine(rights=["execution.write", "contracts.write"])
    # When the tenant is not registered and a right is a manager's
    with pytest.raises(DomainError) as refused:
        parties.register_machine_identity(command, world.uow(), world.clock)
    # Then both problems are reported
    assert codes(refused) == [("$.rights[1]", "INVALID_VALUE"), ("$.tenant", "TENANT_NOT_FOUND")]


def test_a_machine_identity_is_recorded_with_the_claims_the_authenticator_reads():
    world, bus = World(), RecordingTopology()
    parties.register_manager(manager(), world.uow(), world.clock)
    parties.register_contractor(contractor(), world.uow(), bus, world.clock)
    answer = parties.register_machine_identity(machine(), world.uow(), world.clock)
    record = world.db.data(f"machine_identities/{ERP}")
    assert answer.created and answer.machine_identity.rights is None
    assert (record["role"], record["tenant"], record["rights"], record["status"]) == ("contractor", "ctr-acme", None,
                                                                                       "active")


@pytest.mark.parametrize("field, value, code", [
    ("contractor_id", "CTR_Acme", "INVALID_FORMAT"),
    ("siret", "73282932000075", "INVALID_SIRET"),
    ("erp_service_account", "someone@gmail.com", "INVALID_FORMAT"),
])
def test_a_contractor_registration_with_a_bad_field_is_refused_with_its_code(field, value, code):
    from shared.domain.validation import parse_object

    body = {"contractor_id": "ctr-acme", "name": "ACME", "siret": SIRET_ACME, "managers": [], field: value}
    command, errors = parse_object(RegisterContractor, body)
    assert command is None and [(e.field, e.code) for e in errors] == [(f"$.{field}", code)]
