"""A mission already started, for the browser tests that follow one (B11 mission follow-up, A11 real-time view):
framed through the platform's services with an injected clock (tests/functional/test_reporting.py ``History``), its
dates chosen on the beneficiary's territory calendar (tests/dates.py) so that it holds on any day of the year."""

from __future__ import annotations

import datetime as dt

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.domain.sourcing.records import Beneficiary, Professional
from shared.service.sourcing import pool
from tests.dates import StartedMission, a_started_mission, today_on
from tests.functional.test_reporting import History
from tests.sourcing_builders import a_beneficiary, a_professional

NEED = "recette-portail"


def frame_started_mission(firestore, project_id: str, beneficiary_id: str = "ben-lyon", territory: str = "69",
                          worked: int = 3, **beneficiary) -> StartedMission:
    """The hybrid mission of ``beneficiary_id`` (registered here, in ``territory``) on need ``NEED``, with pro-anne,
    whose first ``worked`` working days are over; its one milestone j1 (10 days) runs to the mission's end."""
    mission = a_started_mission(today_on(territory), territory, worked=worked, runs_for=20)
    start = mission.start
    uow = FirestoreUnitOfWork(firestore)
    pool.register_beneficiary(Beneficiary.model_validate(
        a_beneficiary(beneficiary_id, territory=territory, **beneficiary), strict=False), uow)
    pool.upsert_professional(Professional.model_validate(
        a_professional("pro-anne", availability=[{"start": (start - dt.timedelta(days=30)).isoformat(),
                                                  "end": (start + dt.timedelta(days=60)).isoformat()}]),
        strict=False), uow)
    history = History(firestore, project_id)
    history.t0 = dt.datetime.combine(start - dt.timedelta(days=7), dt.time(9, 0), tzinfo=dt.UTC)
    history.search(beneficiary_id, NEED, "pro-anne", submitted=0, proposed=1)  # work mode: mixed
    history.frame(beneficiary_id, NEED, 2, start, [("j1", 10, (mission.end - start).days)])  # to mission.end
    return mission
