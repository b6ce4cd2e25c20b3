"""B18 territories on the contracts and accounts screens: get_contract names the clock of the contract's territory
(its perimeter's when it names exactly one territory, else its manager's: the rule of its D2), the catalogue review
may be dated today in that territory, and a party's accounts and the account requests name the clock of the
party's territory and of D7's — ``territory``, ``time_zone`` and ``time_zone_label``, the fields the order, quote
and sourcing views use — so that the web app shows their times on it (docs/web-app.md, Times and zones)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.domain import catalogue as cat
from shared.domain import workdays
from shared.domain.errors import DomainError
from shared.domain.event_types import EventType
from shared.domain.identity import AccountList, CreateAccount, RequestAccount
from shared.domain.listings import AccountRequestList
from shared.domain.perimeter_reads import ContractRecord
from shared.service import accounts, catalogue, contracts, listings, onboarding, perimeter_reads
from tests.builders import CONTRACTOR, MANAGER
from tests.unit.test_accounts import Admin, registered
from tests.unit.test_catalogue_review import CSV
from tests.unit.test_contract_service import a_world, contract
from tests.unit.test_order_clock import recording

MARTINIQUE = ("America/Martinique", "Heures de la Martinique")
REUNION = ("Indian/Reunion", "Heures de La Réunion")
PARIS = ("Europe/Paris", "Heures de Paris")


def clock(view: dict) -> tuple:
    return view["territory"], view["time_zone"], view["time_zone_label"]


def test_get_contract_names_the_clock_its_d2_counts_in_its_perimeters_else_its_managers():
    # Given a contract over La Réunion alone, and one over Lyon and Martinique of a manager registered in Martinique
    world = a_world()
    world.seed(f"managers/{MANAGER}", {"name": "Test", "territory": "972"})
    contracts.upsert_contract(MANAGER, contract("AC-974", perimeter={"departements": ["974"], "communes": []}),
                              world.uow(), world.clock)
    contracts.upsert_contract(MANAGER, contract("AC-2", perimeter={"departements": ["69"], "communes": ["97209"]}),
                              world.uow(), world.clock)
    # When its manager and its contractor read them
    read = lambda role, tenant, contract_id: perimeter_reads.get_contract(  # noqa: E731
        role, tenant, MANAGER if role == "contractor" else "", contract_id, world.uow(), world.clock)
    # Then the first names La Réunion's clock, the second its manager's, Martinique's — where each one's D2 counts
    for role, tenant in (("manager", MANAGER), ("contractor", CONTRACTOR)):
        assert clock(read(role, tenant, "AC-974")) == ("974", *REUNION)
        assert clock(read(role, tenant, "AC-2")) == ("972", *MARTINIQUE)
    assert world.deadlines(MANAGER)[onboarding.deadline_id("AC-974")].territory == "974"
    assert world.deadlines(MANAGER)[onboarding.deadline_id("AC-2")].territory == "972"
    # And the answer is the one its contract describes (ContractRecord)
    record = ContractRecord.model_validate_json(json.dumps(read("manager", MANAGER, "AC-974")))
    assert (record.territory, record.time_zone) == ("974", REUNION[0])


def test_a_contract_over_lyon_of_a_manager_naming_no_territory_reads_on_paris_clock():
    world = a_world()
    contracts.upsert_contract(MANAGER, contract(), world.uow(), world.clock)
    view = perimeter_reads.get_contract("manager", MANAGER, "", "AC-1", world.uow(), world.clock)
    assert clock(view) == ("69", *PARIS)


def a_reviewed_world(perimeter: list[str], now: str) -> object:
    world = a_world()
    contracts.upsert_contract(MANAGER, contract(perimeter={"departements": perimeter, "communes": []}),
                              world.uow(), world.clock)
    catalogue.import_catalogue(MANAGER, "AC-1", dt.date(2026, 1, 1), dt.date(2026, 1, 1), "csv", CSV.encode(),
                               world.uow(), world.clock)
    world.clock.at = dt.datetime.fromisoformat(now)
    return world


def confirm(world, reviewed_on: dt.date) -> dict:
    return catalogue.confirm_review(MANAGER, cat.ConfirmCatalogueReview(contract_id="AC-1", reviewed_on=reviewed_on),
                                    world.uow(), world.clock)


def test_a_review_dated_today_in_la_reunion_is_accepted_while_paris_is_still_on_the_day_before():
    # Given a contract over La Réunion, on 26 June 2026 at 01:30 there (25 June, 23:30 in Paris, 21:30 UTC)
    world = a_reviewed_world(["974"], "2026-06-25T21:30:00+00:00")
    # Then its day is 26 June: the form offers it, and the review dated that day is recorded
    assert catalogue.today_of(world.uow(), MANAGER, "AC-1", world.clock) == dt.date(2026, 6, 26)
    answer = confirm(world, dt.date(2026, 6, 26))
    assert (answer["changed"], answer["last_reviewed_on"], answer["review_due_on"]) == (True, "2026-06-26",
                                                                                         "2026-12-26")
    # But 27 June is still in the future there
    with pytest.raises(DomainError) as refused:
        confirm(world, dt.date(2026, 6, 27))
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.reviewed_on", "OUT_OF_RANGE")]
    assert "futur" in refused.value.errors[0].message


def test_a_review_dated_a_day_paris_has_not_reached_is_refused_on_a_contract_in_lyon():
    # At the same instant (23:30 in Paris on 25 June), a contract over Lyon: 26 June is the future, 25 June is today
    world = a_reviewed_world(["69"], "2026-06-25T21:30:00+00:00")
    assert catalogue.today_of(world.uow(), MANAGER, "AC-1", world.clock) == dt.date(2026, 6, 25)
    with pytest.raises(DomainError):
        confirm(world, dt.date(2026, 6, 26))
    assert confirm(world, dt.date(2026, 6, 25))["last_reviewed_on"] == "2026-06-25"
    # And at 00:30 in Paris (22:30 UTC, the UTC date still the 25th) its 26 June is accepted, as the form offers it
    world.clock.at = dt.datetime(2026, 6, 25, 22, 30, tzinfo=dt.UTC)
    assert confirm(world, dt.date(2026, 6, 26))["last_reviewed_on"] == "2026-06-26"


def reminded(world) -> list[str]:
    return [m.data["contract_id"] for m in world.outbox() if m.event_type is EventType.CATALOGUE_REVIEW_DUE]


def test_the_review_reminder_comes_on_each_contracts_own_day_not_on_utcs():
    # Given three contracts reviewed on 1 January 2026, reminded from 1 June: over La Réunion, Lyon and Martinique
    world = a_world()
    for contract_id, departement in (("AC-974", "974"), ("AC-69", "69"), ("AC-972", "972")):
        contracts.upsert_contract(MANAGER, contract(contract_id, perimeter={"departements": [departement],
                                                                             "communes": []}), world.uow(), world.clock)
        catalogue.import_catalogue(MANAGER, contract_id, dt.date(2026, 1, 1), dt.date(2026, 1, 1), "csv",
                                   CSV.encode(), world.uow(), world.clock)

    def sweep(utc: str) -> list[str]:
        world.clock.at = dt.datetime.fromisoformat(f"{utc}+00:00")
        catalogue.remind_reviews(world.uow(), world.clock)
        return reminded(world)

    # When the sweep runs at 21:30 UTC on 31 May (1 June, 01:30 in La Réunion; 23:30 in Paris): La Réunion's alone
    assert sweep("2026-05-31T21:30:00") == ["AC-974"]
    # At 22:30 UTC, the UTC date still 31 May, it is 1 June in Lyon: Lyon's
    assert sweep("2026-05-31T22:30:00") == ["AC-974", "AC-69"]
    # At 03:30 UTC on 1 June it is still 31 May, 23:30, in Martinique: not yet; at 04:30 UTC its day has come
    assert sweep("2026-06-01T03:30:00") == ["AC-974", "AC-69"]
    assert sweep("2026-06-01T04:30:00") == ["AC-974", "AC-69", "AC-972"]
    # And nobody is told twice
    assert sweep("2026-06-02T12:00:00") == ["AC-974", "AC-69", "AC-972"]


def test_no_territory_is_on_a_later_day_than_wallis_et_futuna():
    at = dt.datetime(2026, 5, 31, 12, 30, tzinfo=dt.UTC)  # 1 June, 00:30 in Wallis; 31 May everywhere else
    assert workdays.latest_local_date(at) == dt.date(2026, 6, 1)
    assert workdays.local_date(at, "NC") == dt.date(2026, 5, 31)
    assert workdays.latest_local_date(at - dt.timedelta(hours=1)) == dt.date(2026, 5, 31)


def create(world, email: str, tenant: str, role: str = "manager", **more) -> None:
    accounts.create_account(CreateAccount.model_validate({"email": email, "display_name": email.split("@")[0],
                                                          "role": role, "tenant": tenant, **more}, strict=False),
                            Admin(), world.uow(), world.clock)


def test_a_partys_accounts_name_its_territorys_clock_read_once_for_the_page():
    from tests.fakes import World

    world = registered(World("2026-03-10T09:05:00+00:00"))
    world.seed("managers/mgr-test", {"name": "Test", "territory": "972"})
    world.seed("beneficiaries/ben-test", {"name": "Ben", "territory": "974"})
    for name in ("alice", "bruno"):
        create(world, f"{name}@habitat.mq", "mgr-test")
    create(world, "chloe@habitat.mq", "mgr-test", disabled=True)
    create(world, "dora@ben.re", "ben-test", role="beneficiary")
    # When the manager reads its accounts (on a unit of work that records its reads)
    uow, read, queried = recording(world)
    listed = accounts.list_accounts(uow, "mgr-test")
    # Then the page names Martinique's clock, on which its creation and deactivation times are shown
    assert clock(listed) == ("972", *MARTINIQUE)
    assert [a["email"] for a in listed["accounts"]] == ["alice@habitat.mq", "bruno@habitat.mq", "chloe@habitat.mq"]
    assert listed["accounts"][2]["disabled_at"] is not None
    AccountList.model_validate(listed, strict=False)
    # And it read the manager's record once for the page, not once per row
    assert read == ["managers/mgr-test"] and queried == ["accounts"]
    # A beneficiary's page names the territory it is registered with; a party with no account reads nothing more
    assert clock(accounts.list_accounts(world.uow(), "ben-test")) == ("974", *REUNION)
    uow, read, queried = recording(world)
    assert clock(accounts.list_accounts(uow, "mgr-unknown")) == (None, *PARIS)
    assert (read, queried) == ([], ["accounts"])


def test_each_account_request_row_names_the_clock_its_d7_counts_in_from_its_own_record():
    from tests.fakes import World

    world = registered(World("2026-03-10T09:05:00+00:00"))
    world.seed("managers/mgr-test", {"name": "Test", "territory": "972"})
    ask = lambda email, **territory: accounts.request_account(  # noqa: E731
        "uid-sophie", "manager", "mgr-test", RequestAccount.model_validate(
            {"email": email, "display_name": "Léa", **territory}, strict=False), world.uow(), world.clock)
    martinique, lyon = ask("lea@habitat.mq"), ask("paul@habitat.fr", territory="69")
    assert (martinique.territory, lyon.territory) == ("972", "69")
    # When the operator lists the pending requests
    uow, read, queried = recording(world)
    listed = listings.list_account_requests({"status": "pending"}, uow, world.clock)
    # Then each row names the clock of its D7's territory, from the request's record alone
    zones = {r["email"]: (r["territory"], r["time_zone"], r["time_zone_label"]) for r in listed["requests"]}
    assert zones == {"lea@habitat.mq": ("972", *MARTINIQUE), "paul@habitat.fr": ("69", *PARIS)}
    assert (read, queried) == ([], ["account_requests"])
    AccountRequestList.model_validate(listed, strict=False)
