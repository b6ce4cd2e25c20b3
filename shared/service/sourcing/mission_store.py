"""How a mission is read back (B11 missions): the one read the timesheet and replacement services
share with the framing, apart from ``missions.py``, which frames a mission and issues its order on
part A's machinery, so that recording a timesheet or a replacement does not load the order commands."""

from __future__ import annotations

from shared.domain.orders import Order
from shared.domain.sourcing.process import Mission
from shared.ports import UnitOfWork
from shared.service.sourcing import paths
from shared.service.sourcing.paths import load


def load_mission(uow: UnitOfWork, b: str, m: str) -> Mission:
    return load(uow, paths.mission(b, m), Mission, "MISSION_NOT_FOUND", "$.mission_id", mission_id=m)


def mission_of_order(uow: UnitOfWork, order: Order) -> Mission | None:
    """The mission ``order`` was issued for (its stored ``mission_id``: one point read), or None — a part A
    order, read nothing for (B11 deliverables, B7 proof of service)."""
    if order.mission_id is None:
        return None
    found = uow.get(paths.mission(order.manager_id, order.mission_id))
    return Mission.model_validate(found, strict=False) if found is not None else None
