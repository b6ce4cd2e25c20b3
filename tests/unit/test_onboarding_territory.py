"""D2 (A10) is counted in the contract's territory (B18), by the rule of the other deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from shared.domain.contracts import UpsertContract
from shared.ports import Contractor
from shared.service import contracts, onboarding
from tests.builders import CONTRACTOR, MANAGER
from tests.deadline_fakes import InMemoryDeadlineStore
from tests.fakes import FixedClock
from tests.fakes import InMemoryDocuments as Documents

REUNION = ZoneInfo("Indian/Reunion")


def contract(contract_id: str, departements: list[str]) -> UpsertContract:
    return UpsertContract.model_validate({
        "contract_id": contract_id, "title": "Entretien — lot 2", "contractor_id": CONTRACTOR,
        "contractor_siret": "73282932000074", "lots": [{"code": "LOT2", "label": "Plomberie"}],
        "perimeter": {"departements": departements, "communes": []}, "signed_on": "2026-02-20",
        "starts_on": "2026-02-01", "ends_on": "2027-12-31", "status": "active"}, strict=False)


def a_world() -> tuple[InMemoryDeadlineStore, FixedClock]:
    store = InMemoryDeadlineStore(contractors=[Contractor(CONTRACTOR, "T", (MANAGER,))])
    return store, FixedClock("2026-02-23T09:00:00+00:00")


def test_a_contract_over_la_reunion_alone_counts_its_onboarding_month_in_la_reunion():
    store, clock = a_world()
    hooks = onboarding.Onboarding(store, None, clock)
    # When the manager saves a contract signed on 20 February whose perimeter is La Réunion (974) only
    contracts.upsert_contract(MANAGER, contract("AC-974", ["974"]), Documents(), store, clock,
                              on_saved=hooks.contract_saved)
    # Then D2 runs from midnight on 20 February to midnight ending 20 March, both in La Réunion (UTC+4)
    d2 = store.get_deadline(MANAGER, "d2-AC-974").value
    assert (d2.kind, d2.territory, d2.contract_id, d2.contractor_id) == ("D2", "974", "AC-974", CONTRACTOR)
    assert d2.started_at == dt.datetime(2026, 2, 20, tzinfo=REUNION)
    assert d2.due_at == dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC)  # 21 March 00:00 in La Réunion
    # And the deadline says which datum chose the territory
    assert d2.evidence[0].note == "territoire 974 (périmètre du marché)"


def test_a_contract_over_several_territories_takes_the_managers_then_paris():
    store, clock = a_world()
    hooks = onboarding.Onboarding(store, None, clock)
    # Given a contract over the Rhône and Guadeloupe, for a manager in Martinique, and one for a manager without one
    store.manager_territories[MANAGER] = "972"
    hooks.contract_saved(MANAGER, "AC-MIX", CONTRACTOR, dt.date(2026, 2, 20),
                         contract={"perimeter": {"departements": ["69", "971"], "communes": []}})
    hooks.contract_saved("mgr-none", "AC-ALL", CONTRACTOR, dt.date(2026, 2, 20), contract={"perimeter": {}})
    # Then the first is counted in Martinique, the second in Paris, as the other deadlines are
    mixed, whole = store.get_deadline(MANAGER, "d2-AC-MIX").value, store.get_deadline("mgr-none", "d2-AC-ALL").value
    assert (mixed.territory, mixed.evidence[0].note) == ("972", "territoire 972 (territoire du gestionnaire)")
    assert (whole.territory, whole.evidence[0].note) == ("75", "territoire 75 (par défaut)")


def test_without_the_saved_content_the_contract_is_read():
    store, clock = a_world()
    store.contracts[(MANAGER, "AC-976")] = {"contract_id": "AC-976", "perimeter": {"departements": ["976"]}}
    # When D2 starts for a contract the caller did not pass
    onboarding.Onboarding(store, None, clock).contract_saved(MANAGER, "AC-976", CONTRACTOR, dt.date(2026, 2, 20))
    # Then the stored contract's perimeter (Mayotte) decides
    assert store.get_deadline(MANAGER, "d2-AC-976").value.territory == "976"
