"""A14 six-month catalogue review on the in-memory unit of work: confirmed without a new version, and the
contractor reminded once, a month before the next review is due."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain import catalogue as cat
from shared.domain.errors import DomainError
from shared.domain.messages import EventType
from shared.service import catalogue
from shared.service.contracts import contract_path
from tests.builders import CONTRACTOR, MANAGER
from tests.fakes import World

CSV = "code;label;unit;unit_price;vat_rate\nPLB-010;Recherche de fuite;U;85,00;10\n"


def a_world(now: str = "2026-03-02T08:00:00+00:00") -> World:
    world = World(now)
    world.seed(contract_path(MANAGER, "AC-1"), {"contract_id": "AC-1", "contractor_id": CONTRACTOR})
    catalogue.import_catalogue(MANAGER, "AC-1", dt.date(2026, 1, 1), dt.date(2026, 1, 1), "csv", CSV.encode(),
                               world.uow(), world.clock)
    return world


def confirm(world: World, reviewed_on: dt.date, note: str | None = None) -> dict:
    return catalogue.confirm_review(MANAGER, cat.ConfirmCatalogueReview(contract_id="AC-1", reviewed_on=reviewed_on,
                                                                        note=note), world.uow(), world.clock)


def told(world: World, event: EventType) -> list[dict]:
    return [m.data for m in world.outbox() if m.event_type is event]


def test_the_next_review_is_due_six_months_after_the_last_and_the_reminder_a_month_before():
    assert cat.review_due_on(dt.date(2026, 1, 1)) == dt.date(2026, 7, 1)
    assert cat.reminder_on(dt.date(2026, 1, 1)) == dt.date(2026, 6, 1)
    assert cat.review_due_on(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)


def test_a_review_confirmed_without_a_new_version_moves_the_due_date_and_tells_the_contractor():
    # Given version 1 reviewed on 1 January, and the review meeting on 25 June keeping it as it is
    world = a_world("2026-06-26T08:00:00+00:00")
    # When the manager confirms the review
    answer = confirm(world, dt.date(2026, 6, 25), note="Revue semestrielle : aucun changement")
    # Then the version in force stays, the next review is due on 25 December, and the contractor is told
    assert (answer["version"], answer["review_due_on"], answer["changed"]) == (1, "2026-12-25", True)
    assert [m["next_review_due_on"] for m in told(world, EventType.CATALOGUE_REVIEWED)] == ["2026-12-25"]
    assert len(world.db.under(f"managers/{MANAGER}/contracts/AC-1/catalogue")) == 1
    view = catalogue.catalogue_view(MANAGER, "AC-1", dt.date(2026, 12, 20), dt.date(2026, 12, 20), world.uow())
    assert (view["needs_review"], view["last_reviewed_on"]) == (False, "2026-06-25")
    # And the same confirmation again changes nothing and tells nobody twice
    assert confirm(world, dt.date(2026, 6, 25), note="Revue semestrielle : aucun changement")["changed"] is False
    assert len(told(world, EventType.CATALOGUE_REVIEWED)) == 1


def test_a_review_in_the_future_or_older_than_the_last_one_or_without_a_catalogue_is_refused():
    world = a_world()
    for reviewed_on in (dt.date(2026, 3, 10), dt.date(2025, 12, 1)):
        with pytest.raises(DomainError) as refused:
            confirm(world, reviewed_on)
        assert [(e.field, e.code) for e in refused.value.errors] == [("$.reviewed_on", "OUT_OF_RANGE")]
    world.seed(contract_path(MANAGER, "AC-2"), {"contract_id": "AC-2", "contractor_id": CONTRACTOR})
    with pytest.raises(DomainError) as none:
        catalogue.confirm_review(MANAGER, cat.ConfirmCatalogueReview(contract_id="AC-2",
                                                                     reviewed_on=dt.date(2026, 3, 1)),
                                 world.uow(), world.clock)
    assert [e.code for e in none.value.errors] == ["CATALOGUE_NOT_FOUND"]


def test_the_contractor_is_reminded_once_a_month_before_the_review_and_again_after_the_next_review():
    world = a_world()
    # When the sweep runs on 31 May, then on 1 June, then on 2 June
    for day in ("2026-05-31", "2026-06-01", "2026-06-02"):
        world.clock.at = dt.datetime.fromisoformat(f"{day}T06:00:00+00:00")
        catalogue.remind_reviews(world.uow(), world.clock)
    # Then the contractor was told once, on 1 June, of the review due on 1 July
    [due] = told(world, EventType.CATALOGUE_REVIEW_DUE)
    assert (due["review_due_on"], due["version"], due["reminded_at"][:10]) == ("2026-07-01", 1, "2026-06-01")
    assert [m.topic for m in world.outbox() if m.event_type is EventType.CATALOGUE_REVIEW_DUE] == [
        f"orders-{CONTRACTOR}"]
    # When the review is confirmed on 20 June, the next reminder comes on 20 November
    world.clock.at = dt.datetime(2026, 6, 20, 9, 0, tzinfo=dt.UTC)
    confirm(world, dt.date(2026, 6, 20))
    world.clock.at = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
    assert catalogue.remind_reviews(world.uow(), world.clock) == {"candidates": 1, "reminded": 1}
    assert [m["review_due_on"] for m in told(world, EventType.CATALOGUE_REVIEW_DUE)] == ["2026-07-01", "2026-12-20"]


def test_a_new_version_records_its_review_too():
    world = a_world()
    catalogue.import_catalogue(MANAGER, "AC-1", dt.date(2026, 4, 1), dt.date(2026, 3, 2), "csv", CSV.encode(),
                               world.uow(), world.clock)
    state = catalogue.load_review(world.uow(), MANAGER, "AC-1")
    assert (state.last_reviewed_on, state.remind_on) == (dt.date(2026, 3, 2), dt.date(2026, 8, 2))
