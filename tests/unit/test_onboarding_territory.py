"""D2 (A10 onboarding) is counted in the contract's territory (B18 territories), by the rule of the other deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shared.domain.contracts import UpsertContract
from shared.service import contracts, onboarding
from shared.service.transaction import transact
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World

REUNION = ZoneInfo("Indian/Reunion")


def contract(contract_id: str, departements: list[str]) -> UpsertContract:
    return UpsertContract.model_validate({
        "contract_id": contract_id, "title": "Entretien — lot 2", "contractor_id": CONTRACTOR,
        "contractor_siret": "73282932000074", "lots": [{"code": "LOT2", "label": "Plomberie"}],
        "perimeter": {"departements": departements, "communes": []}, "signed_on": "2026-02-20",
        "starts_on": "2026-02-01", "ends_on": "2027-12-31", "status": "active"}, strict=False)


def a_world() -> World:
    world = World("2026-02-23T09:00:00+00:00")
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    return world


def start_d2(world: World, manager_id: str, contract_id: str, **kw) -> None:
    uow = world.uow()
    transact(uow, lambda: onboarding.contract_saved(uow, manager_id, contract_id, CONTRACTOR, dt.date(2026, 2, 20),
                                                    world.clock.now(), **kw))


def test_a_contract_over_la_reunion_alone_counts_its_onboarding_month_in_la_reunion():
    world = a_world()
    # When the manager saves a contract signed on 20 February whose perimeter is La Réunion (974) only
    contracts.upsert_contract(MANAGER, contract("AC-974", ["974"]), world.uow(), world.clock)
    # Then D2 runs from midnight on 20 February to midnight ending 20 March, both in La Réunion (UTC+4)
    d2 = world.deadlines(MANAGER)["d2-AC-974"]
    assert (d2.kind, d2.territory, d2.contract_id, d2.contractor_id) == ("D2", "974", "AC-974", CONTRACTOR)
    assert d2.started_at == dt.datetime(2026, 2, 20, tzinfo=REUNION)
    assert d2.due_at == dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC)  # 21 March 00:00 in La Réunion
    # And the deadline says which datum chose the territory
    assert d2.evidence[0].note == "territoire 974 (périmètre du marché)"


def test_a_contract_over_several_territories_takes_the_managers_then_paris():
    world = a_world()
    # Given a contract over the Rhône and Guadeloupe, for a manager in Martinique, and one for a manager without one
    world.seed(f"managers/{MANAGER}", {"name": MANAGER, "territory": "972"})
    start_d2(world, MANAGER, "AC-MIX", contract={"perimeter": {"departements": ["69", "971"], "communes": []}})
    start_d2(world, "mgr-none", "AC-ALL", contract={"perimeter": {}})
    # Then the first is counted in Martinique, the second in Paris, as the other deadlines are
    mixed, whole = world.deadlines(MANAGER)["d2-AC-MIX"], world.deadlines("mgr-none")["d2-AC-ALL"]
    assert (mixed.territory, mixed.evidence[0].note) == ("972", "territoire 972 (territoire du gestionnaire)")
    assert (whole.territory, whole.evidence[0].note) == ("75", "territoire 75 (par défaut)")


def test_a_managers_territory_may_come_from_its_latest_account_request():
    world = a_world()
    # Given a manager whose space says nothing, and two account requests (the latest in Guyane)
    for request_id, at, territory in (("r-1", "2026-01-05T09:00:00+00:00", "69"),
                                      ("r-2", "2026-02-05T09:00:00+00:00", "973")):
        world.seed(f"account_requests/{request_id}", {"request_id": request_id, "tenant": MANAGER, "role": "manager",
                                                      "territory": territory, "requested_at": at})
    # When D2 starts for a contract over the whole territory
    start_d2(world, MANAGER, "AC-ALL", contract={"perimeter": {}})
    # Then it is counted in Guyane
    assert world.deadlines(MANAGER)["d2-AC-ALL"].territory == "973"


def test_without_the_saved_content_the_contract_is_read():
    world = a_world()
    world.seed(f"managers/{MANAGER}/contracts/AC-976", {"contract_id": "AC-976", "perimeter": {"departements": ["976"]}})
    # When D2 starts for a contract the caller did not pass
    start_d2(world, MANAGER, "AC-976")
    # Then the stored contract's perimeter (Mayotte) decides
    assert world.deadlines(MANAGER)["d2-AC-976"].territory == "976"
