"""B1 parties, A10 onboarding: the purchasing body is a full party of the operator's directory — listed by
list_parties (``kind=purchasing_body``) with its name, B18 territory and status, and deactivated by
deactivate_party, after which its people's tokens (and any account the operator would give them) are refused
``TENANT_INACTIVE``, as a deactivated manager's or contractor's are; registering it again restores it."""

from __future__ import annotations

import pytest

from shared.domain.errors import DomainError
from shared.domain.parties import ListedKind, PartyList, party_list_query
from shared.edge import tenancy
from shared.edge.tenancy import TtlCache
from shared.service import parties, registry
from tests.fakes import World
from tests.unit.test_parties import RecordingTopology, codes, contractor, deactivation, manager
from tests.unit.test_party_territories import purchasing_body


def a_world() -> tuple[World, RecordingTopology]:
    world, bus = World("2026-03-03T09:00:00+00:00"), RecordingTopology()
    parties.register_manager(manager("mgr-rhone"), world.uow(), world.clock)
    parties.register_purchasing_body(purchasing_body("centrale-achat", territory="974"), world.uow(), world.clock)
    parties.register_purchasing_body(purchasing_body("centrale-b", name="Centrale B"), world.uow(), world.clock)
    return world, bus


def listed(world: World, after: str | None = None) -> dict:
    page = parties.list_parties(world.uow(), ListedKind.PURCHASING_BODY, after)
    assert PartyList.model_validate(page).model_dump(mode="json") == page  # the published answer model
    return page


def test_the_registered_purchasing_bodies_are_listed_with_their_territory_and_status():
    world, _ = a_world()

    page = listed(world)

    assert (page["kind"], page["count"], page["next_cursor"]) == ("purchasing_body", 2, None)
    achat, b = page["parties"]
    assert achat == {"id": "centrale-achat", "kind": "purchasing_body", "name": "Centrale d'achat du numérique",
                     "siret": None, "territory": "974", "status": "active", "registered_at": "2026-03-03T09:00:00Z",
                     "deactivated_at": None, "managers": None, "connected": None, "conformance_passed_at": None,
                     "erp_service_account": None, "conformance_progress": None, "manager_names": None,
                     "d2_due_at": None, "d2_time_zone": None, "region": None, "region_label": None}
    assert (b["id"], b["name"], b["territory"]) == ("centrale-b", "Centrale B", None)
    # …and nowhere else: the manager's list has no purchasing body, and the next page starts after the cursor
    assert [m["id"] for m in parties.list_parties(world.uow(), ListedKind.MANAGER)["parties"]] == ["mgr-rhone"]
    assert [r["id"] for r in listed(world, after="centrale-achat")["parties"]] == ["centrale-b"]


def test_the_query_accepts_the_kind_and_names_it_among_those_expected():
    assert party_list_query({"kind": "purchasing_body"}) == (ListedKind.PURCHASING_BODY, None, [])
    _, _, errors = party_list_query({"kind": "centrale"})
    assert [(e.field, e.code) for e in errors] == [("query.kind", "INVALID_VALUE")]
    assert "purchasing_body" in errors[0].message


def test_a_deactivated_purchasing_body_is_listed_inactive_its_tokens_refused_and_a_retry_changes_nothing():
    world, bus = a_world()
    assert registry.tenant_errors(world.uow(), "purchasing_body", "centrale-achat", "header.Authorization") == []
    world.clock.advance(hours=2)
    # When the operator deactivates it, then again
    first = parties.deactivate(deactivation("purchasing_body", "centrale-achat"), world.uow(), bus, world.clock)
    record = world.db.data("purchasing_bodies/centrale-achat")
    world.clock.advance(hours=1)
    again = parties.deactivate(deactivation("purchasing_body", "centrale-achat"), world.uow(), bus, world.clock)
    # Then it is marked inactive once (the retry writes nothing), with no Pub/Sub topology touched
    assert (first.changed, first.kind.value, first.id, first.record["status"], first.topology) == (
        True, "purchasing_body", "centrale-achat", "inactive", None)
    assert (again.changed, again.record["deactivated_at"]) == (False, first.record["deactivated_at"])
    assert world.db.data("purchasing_bodies/centrale-achat") == record and bus.applied == []
    [row, _] = listed(world)["parties"]
    assert (row["status"], row["deactivated_at"], row["territory"]) == ("inactive", "2026-03-03T11:00:00Z", "974")
    # …its people's tokens and a new account for it are refused, in French; the other body is untouched
    [refused] = registry.tenant_errors(world.uow(), "purchasing_body", "centrale-achat", "header.Authorization")
    assert (refused.field, refused.code) == ("header.Authorization", "TENANT_INACTIVE")
    assert "centrale-achat" in refused.message and "centrale d'achat" in refused.message
    with pytest.raises(DomainError) as account:
        registry.require_tenant(world.uow(), "purchasing_body", "centrale-achat")
    assert codes(account) == [("$.tenant", "TENANT_INACTIVE")]
    assert registry.tenant_errors(world.uow(), "purchasing_body", "centrale-b", "f") == []
    assert registry.tenant_errors(world.uow(), "purchasing_body", "centrale-jamais-inscrite", "f") == []
    # When it is registered again, it acts again (its territory kept)
    parties.register_purchasing_body(purchasing_body("centrale-achat"), world.uow(), world.clock)
    assert registry.tenant_errors(world.uow(), "purchasing_body", "centrale-achat", "f") == []
    assert listed(world)["parties"][0]["status"] == "active"


def test_an_unregistered_purchasing_body_is_a_party_not_found_and_nothing_is_written():
    world, bus = a_world()
    with pytest.raises(DomainError) as unknown:
        parties.deactivate(deactivation("purchasing_body", "centrale-demo"), world.uow(), bus, world.clock)
    assert codes(unknown) == [("$.id", "PARTY_NOT_FOUND")]
    assert "centrale d'achat" in unknown.value.errors[0].message
    assert world.db.data("purchasing_bodies/centrale-demo") is None


@pytest.mark.parametrize(("kind", "role", "tenant"), [("manager", "manager", "mgr-rhone"),
                                                      ("contractor", "contractor", "ctr-acme")])
def test_the_same_refusal_for_a_deactivated_manager_or_contractor(kind, role, tenant):
    world, bus = a_world()
    parties.register_contractor(contractor("ctr-acme", managers=("mgr-rhone",)), world.uow(), bus, world.clock)
    assert registry.tenant_errors(world.uow(), role, tenant, "f") == []
    parties.deactivate(deactivation(kind, tenant), world.uow(), bus, world.clock)
    assert [e.code for e in registry.tenant_errors(world.uow(), role, tenant, "f")] == ["TENANT_INACTIVE"]


def test_the_instance_that_deactivates_a_tenant_forgets_its_cached_acceptance(monkeypatch):
    world, bus = a_world()
    monkeypatch.setattr(tenancy, "registered", TtlCache(60))
    assert tenancy.principal_errors("purchasing_body", "centrale-achat", world.uow) == []  # cached from now on
    parties.deactivate(deactivation("purchasing_body", "centrale-achat"), world.uow(), bus, world.clock)
    assert tenancy.principal_errors("purchasing_body", "centrale-achat", world.uow) == []  # still cached
    tenancy.forget_tenant("centrale-achat")  # what deactivate_party does in its own instance
    assert [e.code for e in tenancy.principal_errors("purchasing_body", "centrale-achat", world.uow)] == [
        "TENANT_INACTIVE"]
