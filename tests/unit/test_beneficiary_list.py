"""B1 parties: the purchasing body and the operator list the registered beneficiaries
(get_sourcing?view=beneficiaries) to choose one, e.g. on "Conventions" (A9 penalties); a beneficiary never
lists the others, and no other role reads any get_sourcing view."""

from __future__ import annotations

import json

import pytest

from shared.domain.sourcing.views import SourcingView
from shared.domain.sourcing.records import Beneficiary
from shared.service import id_pages
from shared.service.sourcing import pool
from tests.fakes import World
from tests.sourcing_builders import a_beneficiary

ALL_VIEWS = {"need", "mission", "agreement", "pool_statistics", "beneficiaries"}


@pytest.mark.parametrize(("role", "readable"), [
    ("purchasing_body", {"pool_statistics", "agreement", "beneficiaries"}),
    ("operator", ALL_VIEWS),
    ("beneficiary", ALL_VIEWS - {"beneficiaries"}),
    ("manager", set()),
    ("contractor", set()),
    ("", set()),
])
def test_the_beneficiaries_are_listed_to_the_purchasing_body_and_the_operator_only(role, readable):
    assert {v for v in ALL_VIEWS if pool.may_read_view(v, role)} == readable


def register(world: World, beneficiary_id: str, **overrides) -> None:
    pool.register_beneficiary(Beneficiary.model_validate(a_beneficiary(beneficiary_id, **overrides), strict=False),
                              world.uow())


def test_the_list_names_each_body_by_id_with_its_region_and_territory_and_never_its_contacts():
    world = World("2026-03-03T09:00:00+00:00")
    register(world, "ben-lyon")
    register(world, "ben-ajaccio", name="Communauté d'agglomération du Pays Ajaccien", region="94", territory="2A")
    register(world, "ben-lyon")  # registered again as it is: still one row

    listed = pool.list_beneficiaries(world.uow())

    assert listed == {"beneficiaries": [
        {"beneficiary_id": "ben-ajaccio", "name": "Communauté d'agglomération du Pays Ajaccien",
         "siret": a_beneficiary()["siret"], "region": "94", "region_label": "Corse", "territory": "2A",
         "territory_label": "Corse-du-Sud"},
        {"beneficiary_id": "ben-lyon", "name": "Métropole de Lyon", "siret": a_beneficiary()["siret"],
         "region": "84", "region_label": "Auvergne-Rhône-Alpes", "territory": "69",
         "territory_label": "Rhône"}],
        "count": 2, "next_cursor": None}
    assert "claire.martin" not in json.dumps(listed) and "Martin" not in json.dumps(listed)
    assert SourcingView.model_validate(listed).model_dump(mode="json") == listed


def test_the_list_comes_in_pages_of_at_most_max_rows_each_naming_the_next(monkeypatch):
    monkeypatch.setattr(id_pages, "MAX_ROWS", 2)  # the pages of every party directory
    world = World("2026-03-03T09:00:00+00:00")
    for b in ("ben-e", "ben-a", "ben-d", "ben-c", "ben-b"):
        register(world, b)

    pages, after = [], None
    while True:
        page = pool.list_beneficiaries(world.uow(), after)
        pages.append([row["beneficiary_id"] for row in page["beneficiaries"]])
        assert page["count"] == len(page["beneficiaries"]) <= 2
        after = page["next_cursor"]
        if after is None:
            break

    assert pages == [["ben-a", "ben-b"], ["ben-c", "ben-d"], ["ben-e"]]
    assert pool.list_beneficiaries(World("2026-03-03T09:00:00+00:00").uow()) == {
        "beneficiaries": [], "count": 0, "next_cursor": None}


def test_a_deactivated_beneficiary_is_not_offered_until_it_is_registered_again(monkeypatch):
    """A10 onboarding: the operator deactivated it (deactivate_party), its people's tokens are refused; the pickers
    (get_sourcing?view=beneficiaries) no longer offer it, while the operator's directory still lists it, inactive."""
    from shared.domain.parties import ListedKind
    from shared.service import parties
    from tests.unit.test_parties import RecordingTopology, deactivation

    monkeypatch.setattr(id_pages, "MAX_ROWS", 2)  # a page filled by reading on past the deactivated ones
    world = World("2026-03-03T09:00:00+00:00")
    for b in ("ben-a", "ben-b", "ben-c", "ben-d"):
        register(world, b)
    for b in ("ben-a", "ben-c"):
        parties.deactivate(deactivation("beneficiary", b), world.uow(), RecordingTopology(), world.clock)

    listed = pool.list_beneficiaries(world.uow())

    assert ([row["beneficiary_id"] for row in listed["beneficiaries"]], listed["next_cursor"]) == (
        ["ben-b", "ben-d"], None)
    directory = parties.list_parties(world.uow(), ListedKind.BENEFICIARY)["parties"]
    assert [(row["id"], row["status"]) for row in directory] == [("ben-a", "inactive"), ("ben-b", "active")]
    # Registered again, it is active and offered again
    register(world, "ben-c")
    again = pool.list_beneficiaries(world.uow())
    assert ([row["beneficiary_id"] for row in again["beneficiaries"]], again["next_cursor"]) == (
        ["ben-b", "ben-c"], "ben-c")


def test_a_record_with_only_a_name_is_listed_what_it_does_not_name_null():
    # Given a beneficiary whose record was written with its name alone (no SIRET, region nor territory)
    world = World("2026-03-03T09:00:00+00:00")
    world.seed("beneficiaries/ben-nom-seul", {"name": "Commune sans SIRET"})
    world.seed("beneficiaries/ben-sans-nom", {})
    # When the beneficiaries are listed, then it is, by its name (its id when it has none), the rest null
    assert pool.list_beneficiaries(world.uow())["beneficiaries"] == [
        {"beneficiary_id": "ben-nom-seul", "name": "Commune sans SIRET", "siret": None, "region": None,
         "region_label": None, "territory": None, "territory_label": None},
        {"beneficiary_id": "ben-sans-nom", "name": "ben-sans-nom", "siret": None, "region": None,
         "region_label": None, "territory": None, "territory_label": None}]
