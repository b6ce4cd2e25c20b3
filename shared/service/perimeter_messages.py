"""The ``*.changed`` messages of what a manager shares with its contractors (A2.1 contracts, A2.2 billing
accounts): one per version and contractor, through the unit of work's outbox on ``orders-<contractor>``,
ordered by the item's id. Used by ``shared.service.contracts`` (upsert_contract, upsert_billing_account)
and ``shared.service.penalty_terms`` (a new version of a contract's penalty terms, A9 penalties).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared import topology
from shared.domain.event_types import EventType
from shared.ports import OutboxMessage, UnitOfWork, digest


def publish_changed(uow: UnitOfWork, manager_id: str, contractor: str, kind: str, item_id: str, version: int,
                    event_type: EventType, data: dict[str, Any], now: dt.datetime) -> None:
    """One ``*.changed`` message of version ``version`` to one contractor (its id: one per version and
    contractor, so a retried commit never sends it twice)."""
    uow.publish(OutboxMessage(
        id=f"{kind}-{digest(manager_id, item_id, str(version), contractor)[:32]}",
        topic=topology.orders_topic(contractor), event_type=event_type,
        source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"{kind}/{item_id}",
        data=data, created_at=now, ordering_key=item_id))
