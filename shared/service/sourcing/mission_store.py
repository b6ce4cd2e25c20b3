"""How a mission is read back (B11 missions): the one read the timesheet and replacement services
share with the framing, apart from ``missions.py``, which frames a mission and issues its order on
part A's machinery, so that recording a timesheet or a replacement does not load the order commands."""

from __future__ import annotations

from shared.domain.sourcing.process import Mission
from shared.ports import Query, UnitOfWork
from shared.service.sourcing import paths
from shared.service.sourcing.paths import load


def load_mission(uow: UnitOfWork, b: str, m: str) -> Mission:
    return load(uow, paths.mission(b, m), Mission, "MISSION_NOT_FOUND", "$.mission_id", mission_id=m)


def mission_for_order(uow: UnitOfWork, b: str, order_id: str) -> Mission | None:
    """The mission whose order ``order_id`` is in ``b``'s space, or None (a part A order: no mission there).
    One query on the space's missions by their ``order_id`` (B11 deliverables, B7 proof of service)."""
    rows = uow.query(Query(f"beneficiaries/{b}/missions", where=(("order_id", "==", order_id),), limit=1))
    return Mission.model_validate(rows[0].data, strict=False) if rows else None
