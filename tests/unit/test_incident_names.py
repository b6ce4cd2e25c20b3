"""B9 incidents, B1 parties, B5 accounts: list_incidents names who reported each incident — the party by its registered
name, the person by its account's name and e-mail — from one batch read per page, tenant-scoped as the list is."""

from __future__ import annotations

import datetime as dt

from shared.domain.incidents import AcknowledgeIncident, ReportIncident
from shared.service import incidents as svc
from tests.fakes import World

FRIDAY = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)


def a_world() -> World:
    world = World(FRIDAY)
    world.seed("managers/mgr-rh", {"name": "Rhône Habitat"})
    world.seed("contractors/ctr-acme", {"name": "ACME Plomberie"})
    world.seed("accounts/u-lea", {"uid": "u-lea", "email": "lea.martin@rhone-habitat.fr", "display_name": "Léa Martin",
                                  "claims": {"role": "manager", "tenant": "mgr-rh"}})
    world.seed("accounts/u-ctr", {"uid": "u-ctr", "email": "support@acme.fr",
                                  "claims": {"role": "contractor", "tenant": "ctr-acme"}})
    world.seed("accounts/op-1", {"uid": "op-1", "email": "astreinte@passerelle.fr", "display_name": "Astreinte",
                                 "claims": {"role": "operator", "tenant": "platform"}})
    return world


def report(world: World, uid: str, role: str, tenant: str, key: str):
    command = ReportIncident(severity=2, title="Plateforme indisponible", description="Erreur 503")
    incident, _ = svc.report_incident(uid, role, tenant, key, command, world.uow(), world.clock)
    world.clock.advance(minutes=1)
    return incident


def counting_reads(world: World):
    """The unit of work's batch reads (get_all) and its single reads, counted."""
    uow = world.uow()
    calls = {"get_all": 0}
    get_all = uow.get_all

    def counted(paths):
        calls["get_all"] += 1
        return get_all(paths)

    uow.get_all = counted
    return uow, calls


def test_the_operator_reads_each_reporter_by_name_and_each_account_by_name_and_email_in_one_read():
    world = a_world()
    mine = report(world, "u-lea", "manager", "mgr-rh", "k1")
    theirs = report(world, "u-ctr", "contractor", "ctr-acme", "k2")
    report(world, "u-gone", "manager", "mgr-sans-nom", "k3")  # an account and a party the registry does not name
    svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=mine.incident_id), world.uow(), world.clock)
    # When the operator lists the incidents
    uow, calls = counting_reads(world)
    page = svc.list_incidents("operator", "platform", {}, uow, world.clock)
    # Then each row names its party, the page its people — reporters and the operator's own steps
    names = {i["incident_id"]: i["reporter_name"] for i in page["incidents"]}
    assert names[mine.incident_id] == "Rhône Habitat" and names[theirs.incident_id] == "ACME Plomberie"
    assert [n for n in names.values() if n is None] == [None]
    assert page["people"] == {"u-lea": "Léa Martin <lea.martin@rhone-habitat.fr>", "u-ctr": "support@acme.fr",
                              "op-1": "Astreinte <astreinte@passerelle.fr>"}
    # And all of it from one batch read for the page, not one per row
    assert calls["get_all"] == 1


def test_a_reporter_reads_its_own_people_only_never_the_operators_accounts():
    world = a_world()
    mine = report(world, "u-lea", "manager", "mgr-rh", "k1")
    svc.acknowledge_incident("op-1", AcknowledgeIncident(incident_id=mine.incident_id), world.uow(), world.clock)
    page = svc.list_incidents("manager", "mgr-rh", {}, world.uow(), world.clock)
    assert [i["reporter_name"] for i in page["incidents"]] == ["Rhône Habitat"]
    assert page["people"] == {"u-lea": "Léa Martin <lea.martin@rhone-habitat.fr>"}
    # and a contractor sees nothing of the manager's
    assert svc.list_incidents("contractor", "ctr-acme", {}, world.uow(), world.clock) == {
        "incidents": [], "count": 0, "next_cursor": None, "people": {}}
