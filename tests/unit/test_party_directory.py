"""The operator's directory of parties (A1 spaces, B1 parties, A10 onboarding): list_parties lists the
registered managers, contractors or beneficiaries by id, in pages, with how each stands (active or
deactivated, a contractor connected once its conformance run passed) and never a person's data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain.identity import ROLE_RIGHTS, Right, Role
from shared.domain.parties import ListedKind, PartyList, connected_filter, party_list_query
from shared.domain.sourcing.records import Beneficiary
from shared.service import id_pages, onboarding, parties
from shared.service.sourcing import pool
from shared.service.transaction import transact
from tests.fakes import InMemoryUnitOfWork, World
from tests.sourcing_builders import a_beneficiary
from tests.unit.test_parties import ERP, RecordingTopology, contractor, deactivation, manager


def a_world() -> tuple[World, RecordingTopology]:
    world, bus = World("2026-03-03T09:00:00+00:00"), RecordingTopology()
    parties.register_manager(manager("mgr-rhone", territory="69"), world.uow(), world.clock)
    parties.register_manager(manager("mgr-loire", name="Loire Habitat"), world.uow(), world.clock)
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
    assert (titulaire["id"], titulaire["siret"], titulaire["managers"], titulaire["manager_names"]) == (
        "ctr-titulaire", None, ["ben-lyon"], {"ben-lyon": a_beneficiary("ben-lyon")["name"]})
    assert acme == {"id": "ctr-acme", "kind": "contractor", "name": "ACME", "siret": "73282932000074",
                    "territory": None, "status": "active", "registered_at": "2026-03-03T09:00:00Z",
                    "deactivated_at": None, "managers": ["mgr-rhone", "mgr-loire"], "connected": True,
                    "conformance_passed_at": "2026-03-03T09:00:00Z", "erp_service_account": ERP,
                    "conformance_progress": None,
                    "manager_names": {"mgr-rhone": "Rhône Habitat", "mgr-loire": "Loire Habitat"},
                    "d2_due_at": None, "d2_time_zone": None, "region": None, "region_label": None}
    assert (bravo["id"], bravo["status"], bravo["deactivated_at"], bravo["connected"], bravo["conformance_passed_at"],
            bravo["erp_service_account"]) == ("ctr-bravo", "inactive", "2026-03-03T11:00:00Z", False, None, None)
    managers = listed(world, "manager")["parties"]
    assert [(m["id"], m["kind"], m["territory"], m["managers"], m["connected"]) for m in managers] == [
        ("mgr-loire", "manager", None, None, None), ("mgr-rhone", "manager", "69", None, None)]
    [lyon] = listed(world, "beneficiary")["parties"]
    assert (lyon["id"], lyon["kind"], lyon["region"], lyon["region_label"], lyon["territory"], lyon["status"]) == (
        "ben-lyon", "beneficiary", "84", "Auvergne-Rhône-Alpes", "69", "active")


def test_a_contractor_not_connected_shows_its_earliest_open_d2_and_managers_are_named_in_one_read(monkeypatch):
    # Given ctr-bravo (not connected) with two contracts signed on different days, in two territories, and ctr-acme
    # connected with one: D2 opens on each (A10 onboarding, within one month of the signature)
    world, _ = a_world()
    world.db.seed("managers/mgr-rhone", {**world.db.data("managers/mgr-rhone"), "territory": "974"})
    for manager_id, contract_id, contractor_id, signed_on in (
            ("mgr-loire", "AC-B1", "ctr-bravo", dt.date(2026, 2, 20)),
            ("mgr-rhone", "AC-B2", "ctr-bravo", dt.date(2026, 2, 10)),
            ("mgr-rhone", "AC-A1", "ctr-acme", dt.date(2026, 2, 1))):
        uow = world.uow()
        transact(uow, lambda: onboarding.contract_saved(uow, manager_id, contract_id, contractor_id, signed_on,
                                                        world.clock.now()))
    world.db.seed("contractors/ctr-acme", {**world.db.data("contractors/ctr-acme"),
                                           "conformance": {"run_id": "r1", "passed_at": world.clock.now()}})
    reads = []
    real_get_all = InMemoryUnitOfWork.get_all
    monkeypatch.setattr(InMemoryUnitOfWork, "get_all", lambda self, paths: reads.append(list(paths))
                        or real_get_all(self, paths))
    # When the operator lists the contractors
    rows = {r["id"]: r for r in listed(world, "contractor")["parties"]}
    # Then ctr-bravo is due to connect by the earlier of its two D2s, read on its territory's clock (La Réunion's)
    bravo = rows["ctr-bravo"]
    assert bravo["d2_due_at"] == "2026-03-10T20:00:00Z" and bravo["d2_time_zone"] == "Indian/Reunion"
    assert bravo["manager_names"] == {"mgr-loire": "Loire Habitat"}
    # ctr-acme, connected, and the titulaire, without a contract, show none
    assert (rows["ctr-acme"]["d2_due_at"], rows["ctr-titulaire"]["d2_due_at"]) == (None, None)
    # And every manager of the page was read in one batch
    assert [sorted(r) for r in reads if any(p.startswith("managers/") for p in r)] == [
        ["managers/ben-lyon", "managers/mgr-loire", "managers/mgr-rhone"]]
    # Once deactivated, it is asked nothing more: no due date shown
    parties.deactivate(deactivation("contractor", "ctr-bravo"), world.uow(), RecordingTopology(), world.clock)
    assert {r["id"]: r for r in listed(world, "contractor")["parties"]}["ctr-bravo"]["d2_due_at"] is None


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
    ({"kind": "contractor", "connected": "non"}, [("query.connected", "INVALID_VALUE")]),
    ({"kind": "manager", "connected": "false"}, [("query.connected", "INVALID_VALUE")]),
])
def test_a_bad_query_is_refused_field_by_field_in_french(args, errors):
    kind, _, found = party_list_query(args)
    assert [(e.field, e.code) for e in found] == errors
    assert kind is None or errors[0][0] != "query.kind"
    assert all(e.message and not e.message.startswith(e.code) for e in found)  # the catalogue's French message


def test_a_good_query_names_the_kind_and_the_cursor():
    assert party_list_query({"kind": "beneficiary", "after": "ben-lyon"}) == (ListedKind.BENEFICIARY, "ben-lyon", [])
    assert party_list_query({"kind": "contractor", "connected": "false"}) == (ListedKind.CONTRACTOR, None, [])
    assert [connected_filter(a) for a in ({}, {"connected": "false"}, {"connected": "true"})] == [None, False, True]


def test_connected_false_lists_the_active_contractors_not_connected_yet_with_their_d2():
    # Given ctr-acme connected, ctr-bravo deactivated, ctr-titulaire active and not connected
    world, bus = a_world()
    world.db.seed("contractors/ctr-acme", {**world.db.data("contractors/ctr-acme"),
                                           "conformance": {"run_id": "r1", "passed_at": world.clock.now()}})
    parties.deactivate(deactivation("contractor", "ctr-bravo"), world.uow(), bus, world.clock)
    # When the operator lists those waiting (« À faire »), then those connected
    waiting = parties.list_parties(world.uow(), ListedKind.CONTRACTOR, None, connected=False)
    connected = parties.list_parties(world.uow(), ListedKind.CONTRACTOR, None, connected=True)
    # Then only the active one not connected is waiting; only ctr-acme is connected
    assert [(p["id"], p["connected"]) for p in waiting["parties"]] == [("ctr-titulaire", False)]
    assert [p["id"] for p in connected["parties"]] == ["ctr-acme"]
    assert PartyList.model_validate(waiting).model_dump(mode="json") == waiting


def test_only_the_operator_lists_the_parties_with_the_right_it_registers_them_with(monkeypatch):
    from functions import list_parties as function

    seen = {}
    monkeypatch.setattr(function.http, "serve", lambda request, **kwargs: seen.update(kwargs))
    function.list_parties(object())
    assert (seen["roles"], seen["right"], seen["methods"]) == (frozenset({"operator"}), "accounts.manage", ("GET",))
    assert [r for r, rights in ROLE_RIGHTS.items() if Right.ACCOUNTS_MANAGE in rights] == [Role.OPERATOR]


def test_a_beneficiary_deactivated_is_refused_until_registered_again_and_its_record_still_reads():
    from shared.service import registry
    from shared.service.sourcing import paths

    world, bus = a_world()
    done = parties.deactivate(deactivation("beneficiary", "ben-lyon"), world.uow(), bus, world.clock)
    assert (done.kind, done.id, done.changed, done.record["status"]) == ("beneficiary", "ben-lyon", True, "inactive")
    assert [e.code for e in registry.tenant_errors(world.uow(), "beneficiary", "ben-lyon", "$")] == ["TENANT_INACTIVE"]
    # its needs, missions and replacements still read its registration (the registry's fields set apart)
    assert paths.load_beneficiary(world.uow(), "ben-lyon").beneficiary_id == "ben-lyon"
    assert parties.deactivate(deactivation("beneficiary", "ben-lyon"), world.uow(), bus, world.clock).changed is False
    [row] = listed(world, "beneficiary")["parties"]
    assert (row["status"], row["deactivated_at"]) == ("inactive", "2026-03-03T09:00:00Z")
    # registered again: active, and the same registration once more writes nothing
    again = Beneficiary.model_validate(a_beneficiary("ben-lyon"), strict=False)
    assert pool.register_beneficiary(again, world.uow()) is False
    assert registry.tenant_errors(world.uow(), "beneficiary", "ben-lyon", "$") == []
    assert listed(world, "beneficiary")["parties"][0]["status"] == "active"
    before = world.db.data("beneficiaries/ben-lyon")
    pool.register_beneficiary(again, world.uow())
    assert world.db.data("beneficiaries/ben-lyon") == before
