"""The operator's directory of parties (A1 spaces, B1 parties, A10 onboarding): list_parties lists the
registered managers, contractors or beneficiaries by id, in pages, with how each stands (active or
deactivated, a contractor connected once its conformance run passed) and never a person's data."""

from __future__ import annotations

import json

import pytest

from shared.domain.identity import ROLE_RIGHTS, Right, Role
from shared.domain.parties import ListedKind, PartyList, party_list_query
from shared.domain.sourcing.records import Beneficiary
from shared.service import id_pages, parties
from shared.service.sourcing import pool
from tests.fakes import World
from tests.sourcing_builders import a_beneficiary
from tests.unit.test_parties import ERP, RecordingTopology, contractor, deactivation, manager


def a_world() -> tuple[World, RecordingTopology]:
    world, bus = World("2026-03-03T09:00:00+00:00"), RecordingTopology()
    parties.register_manager(manager("mgr-rhone", territory="69"), world.uow(), world.clock)
    parties.register_manager(manager("mgr-loire"), world.uow(), world.clock)
    parties.register_contractor(contractor("ctr-acme", managers=("mgr-rhone", "mgr-loire"), erp_service_account=ERP),
                                world.uow(), bus, world.clock)
    parties.register_contractor(contractor("ctr-bravo", managers=("mgr-loire",)), world.uow(), bus, world.clock)
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary("ben-lyon"), strict=False), world.uow())
    return world, bus


def listed(world: World, kind: str, after: str | None = None) -> dict:
    page = parties.list_parties(world.uow(), ListedKind(kind), after)
    assert PartyList.model_validate(page).model_dump(mode="json") == page  # the published answer model
    return page


def test_each_kind_is_listed_by_id_with_how_it_stands():
    world, bus = a_world()
    world.db.seed("contractors/ctr-acme", {**world.db.data("contractors/ctr-acme"),
                                           "conformance": {"run_id": "r1", "passed_at": world.clock.now()}})
    world.clock.advance(hours=2)
    parties.deactivate(deactivation("contractor", "ctr-bravo"), world.uow(), bus, world.clock)

    contractors = listed(world, "contractor")

    assert (contractors["kind"], contractors["count"], contractors["next_cursor"]) == ("contractor", 3, None)
    acme, bravo, titulaire = contractors["parties"]  # the framework agreement's titulaire, recorded with ben-lyon
    assert (titulaire["id"], titulaire["siret"], titulaire["managers"]) == ("ctr-titulaire", None, ["ben-lyon"])
    assert acme == {"id": "ctr-acme", "kind": "contractor", "name": "ACME", "siret": "73282932000074",
                    "territory": None, "status": "active", "registered_at": "2026-03-03T09:00:00Z",
                    "deactivated_at": None, "managers": ["mgr-rhone", "mgr-loire"], "connected": True,
                    "conformance_passed_at": "2026-03-03T09:00:00Z", "erp_service_account": ERP,
                    "conformance_progress": None, "region": None, "region_label": None}
    assert (bravo["id"], bravo["status"], bravo["deactivated_at"], bravo["connected"], bravo["conformance_passed_at"],
            bravo["erp_service_account"]) == ("ctr-bravo", "inactive", "2026-03-03T11:00:00Z", False, None, None)
    managers = listed(world, "manager")["parties"]
    assert [(m["id"], m["kind"], m["territory"], m["managers"], m["connected"]) for m in managers] == [
        ("mgr-loire", "manager", None, None, None), ("mgr-rhone", "manager", "69", None, None)]
    [lyon] = listed(world, "beneficiary")["parties"]
    assert (lyon["id"], lyon["kind"], lyon["region"], lyon["region_label"], lyon["territory"], lyon["status"]) == (
        "ben-lyon", "beneficiary", "84", "Auvergne-Rhône-Alpes", "69", "active")


def test_a_beneficiarys_space_and_a_conformance_sandbox_are_not_listed_as_managers():
    world, _ = a_world()
    # ben-lyon's manager-like space managers/ben-lyon exists (kind beneficiary); a sandbox space too
    assert world.db.data("managers/ben-lyon")["kind"] == "beneficiary"
    world.seed("managers/sandbox-ctr-acme", {"manager_id": "sandbox-ctr-acme", "name": "Bac à sable — ctr-acme",
                                             "siret": "73282932000074", "sandbox": True})
    ids = [m["id"] for m in listed(world, "manager")["parties"]]
    assert ids == ["mgr-loire", "mgr-rhone"]
    assert [b["id"] for b in listed(world, "beneficiary")["parties"]] == ["ben-lyon"]


def test_nothing_personal_is_listed():
    world, _ = a_world()
    text = json.dumps([listed(world, k) for k in ("manager", "contractor", "beneficiary")])
    contact = a_beneficiary()["contacts"][0]
    for value in (contact["last_name"], contact["first_name"], contact["email"], "contacts", "@example"):
        assert value not in text


def test_the_parties_come_in_pages_of_at_most_max_rows_skipping_the_spaces_that_are_not_managers(monkeypatch):
    monkeypatch.setattr(id_pages, "MAX_ROWS", 2)  # the pages of every party directory
    world = World("2026-03-03T09:00:00+00:00")
    for m in ("mgr-e", "mgr-a", "mgr-d"):
        parties.register_manager(manager(m), world.uow(), world.clock)
    for b in ("mgr-b", "mgr-c", "mgr-c2"):  # beneficiaries whose spaces sit between the managers' ids
        pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(b), strict=False), world.uow())

    pages, after = [], None
    while True:
        page = listed(world, "manager", after)
        pages.append([row["id"] for row in page["parties"]])
        assert page["count"] == len(page["parties"]) <= 2
        after = page["next_cursor"]
        if after is None:
            break

    assert pages == [["mgr-a", "mgr-d"], ["mgr-e"]]
    assert listed(World(), "contractor") == {"kind": "contractor", "parties": [], "count": 0, "next_cursor": None}


@pytest.mark.parametrize(("args", "errors"), [
    ({}, [("query.kind", "REQUIRED")]),
    ({"kind": "gestionnaire"}, [("query.kind", "INVALID_VALUE")]),
    ({"kind": "machine_identity"}, [("query.kind", "INVALID_VALUE")]),
    ({"kind": "manager", "after": "mgr rhône"}, [("query.after", "INVALID_FORMAT")]),
    ({"kind": "manager", "tenant": "x"}, [("query.tenant", "UNKNOWN_FIELD")]),
])
def test_a_bad_query_is_refused_field_by_field_in_french(args, errors):
    kind, _, found = party_list_query(args)
    assert [(e.field, e.code) for e in found] == errors
    assert kind is None or errors[0][0] != "query.kind"
    assert all(e.message and not e.message.startswith(e.code) for e in found)  # the catalogue's French message


def test_a_good_query_names_the_kind_and_the_cursor():
    assert party_list_query({"kind": "beneficiary", "after": "ben-lyon"}) == (ListedKind.BENEFICIARY, "ben-lyon", [])


def test_only_the_operator_lists_the_parties_with_the_right_it_registers_them_with(monkeypatch):
    from functions import list_parties as function

    seen = {}
    monkeypatch.setattr(function.http, "serve", lambda request, **kwargs: seen.update(kwargs))
    function.list_parties(object())
    assert (seen["roles"], seen["right"], seen["methods"]) == (frozenset({"operator"}), "accounts.manage", ("GET",))
    assert [r for r, rights in ROLE_RIGHTS.items() if Right.ACCOUNTS_MANAGE in rights] == [Role.OPERATOR]
