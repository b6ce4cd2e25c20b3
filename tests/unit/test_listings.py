"""The web application's lists (shared/service/listings.py) on the in-memory unit of work: scoping by
role and tenant, filters, order, the cap — and the filters' errors (shared/domain/listings.py). The quotes' list,
in pages: tests/unit/test_quote_list.py."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import listings as rules
from shared.service import listings
from tests.fakes import World

T0 = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def world_with(docs: dict[str, dict]):
    """The lists read through a unit of work: here the in-memory one of tests/fakes.py."""
    world = World(T0)
    for path, data in docs.items():
        world.seed(path, data)
    return world.uow()


def test_contracts_are_a_managers_own_or_those_a_contractor_holds_with_their_catalogue_versions():
    rows = world_with({
        "managers/mgr-a/contracts/AC-1": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-01-01"},
        "managers/mgr-a/contracts/AC-1/catalogue/v0002": {"version": 2},
        "managers/mgr-a/contracts/AC-1/catalogue/v0001": {"version": 1},
        "managers/mgr-b/contracts/AC-1": {"contractor_id": "ctr-y", "status": "active", "starts_on": "2026-02-01"},
    })
    mine = listings.list_contracts("manager", "mgr-a", rows)["contracts"]
    assert [(c["manager_id"], c["contract_id"], c["catalogue_versions"]) for c in mine] == [("mgr-a", "AC-1", [1, 2])]
    assert [c["manager_id"] for c in listings.list_contracts("contractor", "ctr-y", rows)["contracts"]] == ["mgr-b"]


def test_contracts_name_their_parties_and_only_the_callers_own():
    """A2/A9 web app, parties by name: each row names its contractor and the space it is in, from the registry,
    one read for the list; a manager learns the names of its own contracts' contractors, never another manager's."""
    rows = world_with({
        "managers/mgr-a": {"name": "Rhône Habitat"}, "managers/mgr-b": {"name": "Grand Lyon Habitat"},
        "managers/ben-c": {"name": "Métropole de Lyon", "kind": "beneficiary"},
        "contractors/ctr-x": {"name": "ACME Plomberie"}, "contractors/ctr-y": {"name": "Bativert"},
        "contractors/ctr-z": {"name": "  "},
        "managers/mgr-a/contracts/AC-1": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-01-01"},
        "managers/mgr-a/contracts/AC-3": {"contractor_id": "ctr-z", "status": "active", "starts_on": "2026-01-03"},
        "managers/mgr-b/contracts/AC-2": {"contractor_id": "ctr-y", "status": "active", "starts_on": "2026-02-01"},
        "managers/ben-c/contracts/AF-1": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-03-01"},
    })
    named = lambda role, tenant: {(c["manager_id"], c["client_name"], c["contractor_id"], c["contractor_name"],  # noqa: E731
                                   c["client_kind"]) for c in listings.list_contracts(role, tenant, rows)["contracts"]}
    assert named("manager", "mgr-a") == {("mgr-a", "Rhône Habitat", "ctr-x", "ACME Plomberie", "manager"),
                                         ("mgr-a", "Rhône Habitat", "ctr-z", None, "manager")}  # a blank name: none
    assert named("contractor", "ctr-x") == {("mgr-a", "Rhône Habitat", "ctr-x", "ACME Plomberie", "manager"),
                                            ("ben-c", "Métropole de Lyon", "ctr-x", "ACME Plomberie", "beneficiary")}
    assert named("beneficiary", "ben-c") == {("ben-c", "Métropole de Lyon", "ctr-x", "ACME Plomberie", "beneficiary")}
    assert "Bativert" not in str(listings.list_contracts("manager", "mgr-a", rows))
    assert "Grand Lyon Habitat" not in str(listings.list_contracts("contractor", "ctr-x", rows))


def test_a_managers_contracts_say_when_their_catalogue_review_is_due_and_no_one_elses():
    """A14 service-code catalogue, for « À faire »: each of the manager's contracts carries the day its six-monthly
    review is due, as the review state says (one query of the space's catalogue_reviews); none before a first
    catalogue; a contractor's list (the manager reviews) carries none."""
    from shared.domain.catalogue import ReviewState
    from shared.service.catalogue import review_path

    state = ReviewState.after_review(None, "mgr-a", "AC-1", "ctr-x", dt.date(2026, 1, 15))
    rows = world_with({
        "managers/mgr-a/contracts/AC-1": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-01-01"},
        "managers/mgr-a/contracts/AC-2": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-02-01"},
        review_path("mgr-a", "AC-1"): state.model_dump(mode="json"),
        "managers/mgr-b/contracts/AC-1": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-01-01"},
    })
    due = {c["contract_id"]: c["review_due_on"] for c in listings.list_contracts("manager", "mgr-a", rows)["contracts"]}
    assert due == {"AC-1": "2026-07-15", "AC-2": None}
    assert {(c["manager_id"], c["review_due_on"])
            for c in listings.list_contracts("contractor", "ctr-x", rows)["contracts"]} == {("mgr-a", None),
                                                                                            ("mgr-b", None)}
    assert listings.list_contracts("manager", "mgr-b", rows)["contracts"][0]["review_due_on"] is None


def test_the_purchasing_body_reads_its_own_name_and_no_contract():
    """B1 parties: the purchasing body's header names it « Centrale d'achat — Nom (id) » from list_contracts'
    caller_name, read from its own record; it holds no contract and learns no one else's."""
    rows = world_with({
        "purchasing_bodies/centrale-a": {"name": "Centrale d'achat du numérique"},
        "purchasing_bodies/centrale-b": {"name": "Autre centrale"},
        "managers/centrale-a": {"name": "Homonyme gestionnaire"},
        "managers/centrale-a/contracts/AC-1": {"contractor_id": "ctr-x", "status": "active", "starts_on": "2026-01-01"},
    })
    mine = listings.list_contracts("purchasing_body", "centrale-a", rows)
    assert (mine["caller_name"], mine["contracts"], mine["count"]) == ("Centrale d'achat du numérique", [], 0)
    assert "Autre centrale" not in str(mine) and "Homonyme" not in str(mine)
    assert listings.list_contracts("purchasing_body", "centrale-z", rows)["caller_name"] is None


def test_filters_refuse_unknown_parameters_and_values_each_with_its_field():
    assert rules.account_request_filters({})[0] == {"status": "pending"}
    assert [e.field for e in rules.need_filters({"beneficiary_id": "ben-b"}, "beneficiary")[1]] == ["query.beneficiary_id"]
    assert rules.need_filters({}, "operator")[0] == {"status": None, "beneficiary_id": None, "deliverables": None,
                                                     "waiting": True}
    # B11 « À faire »: the beneficiary's needs whose mission has deliverables to decide; any other value, or the
    # operator asking, is refused with its field and a French message
    assert rules.need_filters({"deliverables": "delivered"}, "beneficiary") == (
        {"status": None, "beneficiary_id": None, "deliverables": "delivered", "waiting": False}, [])
    [bad] = rules.need_filters({"deliverables": "all"}, "beneficiary")[1]
    assert (bad.field, bad.code, bad.message) == ("query.deliverables", "INVALID_VALUE",
                                                  "Valeur invalide : delivered attendu.")
    assert [(e.field, e.code) for e in rules.need_filters({"deliverables": "delivered"}, "operator")[1]] == [
        ("query.deliverables", "UNKNOWN_FIELD")]
    assert rules.need_filters({"beneficiary_id": "ben-b"}, "operator")[0]["waiting"] is False


@pytest.mark.parametrize(("due_in", "expected"), [(3600, 3600), (-60, -60)])
def test_seconds_left_until_a_deadline(due_in, expected):
    assert rules.seconds_left(T0 + dt.timedelta(seconds=due_in), T0) == expected
