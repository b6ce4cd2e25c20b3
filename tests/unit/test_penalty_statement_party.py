"""The monthly penalty statement (A9 penalties) of a contractor the platform does not know is refused naming
``contractor_id``: an empty statement would read « no penalty this month » when the manager mistyped the id."""

from __future__ import annotations

import pytest

from shared.domain.errors import DomainError
from shared.service import deadlines as svc
from tests.builders import CONTRACTOR, MANAGER, NOW
from tests.fakes import World


def test_a_statement_of_an_unknown_contractor_is_refused_naming_it_and_a_known_ones_empty_month_is_read():
    world = World(NOW)
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    # When the manager asks for the month of a contractor id nobody registered
    with pytest.raises(DomainError) as refused:
        svc.monthly_statement(world.uow(), MANAGER, "ctr-inconnu", None, "2026-03")
    # Then it is told which field and why, in French
    [error] = refused.value.errors
    assert (error.field, error.code) == ("query.contractor_id", "CONTRACTOR_NOT_FOUND")
    assert "ctr-inconnu" in error.message and "inconnu" in error.message
    # And a registered contractor's month without penalties is an empty statement
    statement = svc.monthly_statement(world.uow(), MANAGER, CONTRACTOR, None, "2026-03")
    assert statement.lines == [] and statement.total_cents == 0
