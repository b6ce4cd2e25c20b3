"""DecideDeliverable: the beneficiary accepts a delivered deliverable, or refuses it with a reason (B11 mission
follow-up, B7 proof of service), and the titulaire is told.

The decision is kept on the document's record (``managers/{b}/orders/{o}/documents/{sha256}``, ``decision``),
so the mission view and get_documents read it from the records they read already. The record under the
version read, its audit record and the message to the titulaire on ``orders-<titulaire>``
(``fr.passerelle.deliverable.decided.v1``) are one commit. The same decision again changes nothing and tells
no one twice; the rule is ``shared.domain.sourcing.deliverables.decision_errors``.

A new delivery of the same milestone's deliverable is serialised with the decision: its commit marks the document
it supersedes (``superseded_by``, ``shared.service.documents``), and the decision's update of that record carries
the version it read. A delivery committed between the decision's reads and its commit fails the decision's
precondition; read again, the document is superseded and the decision is refused (``DELIVERABLE_DOCUMENT_SUPERSEDED``,
409) — never recorded on the document just replaced.
"""

from __future__ import annotations

import logging

from shared import topology
from shared.domain.documents import DeliverableDecision, DocumentKind, record_path
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.domain.sourcing.deliverables import decision_errors, repeats
from shared.domain.sourcing.messages import DecideDeliverable, DeliverableDecided
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service.order_store import load_order, mark_changed, order_path
from shared.service.sourcing.mission_store import load_mission
from shared.service.transaction import transact

log = logging.getLogger(__name__)


def decide_deliverable(beneficiary_id: str, command: DecideDeliverable, uow: UnitOfWork, clock: Clock,
                       decided_by: str, account_uid: str | None = None) -> DeliverableDecided:
    """Record the decision on the document once and tell the titulaire; answer what it was told. ``account_uid``:
    the signed-in account, whose display name the decision keeps (one read, of the beneficiary's own accounts)."""

    def attempt() -> DeliverableDecided:
        mission = load_mission(uow, beneficiary_id, command.mission_id)  # another beneficiary's looks missing
        order = load_order(uow, beneficiary_id, mission.order_id)
        if order is None:
            raise DomainError([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND", mission_id=command.mission_id)])
        path = record_path(beneficiary_id, order.order_id, command.document_id)
        document = uow.get(path)
        rows = uow.query(Query(f"{order_path(beneficiary_id, order.order_id)}/documents",
                               where=(("kind", "==", DocumentKind.DELIVERABLE.value),)))
        errors = decision_errors(command.document_id, document, [row.data for row in rows], command.decision,
                                 command.reason)
        if errors:
            raise DomainError(errors)
        previous = document.get("decision")
        if previous is not None and repeats(previous, command.decision, command.reason):
            return _decided(beneficiary_id, order.order_id, mission.mission_id, document,
                            DeliverableDecision.model_validate(previous))
        decision = DeliverableDecision(decision=command.decision, reason=command.reason.strip() if command.reason else None,
                                       decided_at=clock.now(), decided_by=decided_by,
                                       decided_by_name=_account_name(uow, beneficiary_id, account_uid))
        uow.update(path, {"decision": decision.model_dump(mode="json")})
        mark_changed(uow, beneficiary_id, order.order_id)  # A11 real-time view: the screens following the order
        told = _decided(beneficiary_id, order.order_id, mission.mission_id, document, decision)
        uow.publish(OutboxMessage(
            id=f"deliverable-decided-{digest(beneficiary_id, order.order_id, command.document_id)[:32]}",
            topic=topology.orders_topic(order.contractor_id), event_type=EventType.DELIVERABLE_DECIDED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{beneficiary_id}", subject=f"orders/{order.order_id}",
            data=told.model_dump(mode="json"), created_at=decision.decided_at, ordering_key=order.order_id))
        uow.after_commit(lambda: log.info("deliverable decided", extra={
            "manager_id": beneficiary_id, "order_id": order.order_id, "sha256": command.document_id,
            "decision": command.decision.value}))
        return told

    return transact(uow, attempt)


def _account_name(uow: UnitOfWork, beneficiary_id: str, uid: str | None) -> str | None:
    """The display name of the beneficiary's account that decides (B5 accounts), None for another party's account,
    an account without a name, or a caller without an account record (a machine identity)."""
    if not uid or "/" in uid:
        return None
    record = uow.get(f"accounts/{uid}") or {}
    claims = record.get("claims") or {}
    if claims.get("tenant") != beneficiary_id or claims.get("role") != "beneficiary":
        return None
    name = record.get("display_name")
    return name.strip() or None if isinstance(name, str) else None


def _decided(b: str, order_id: str, mission_id: str, document: dict, decision: DeliverableDecision) -> DeliverableDecided:
    return DeliverableDecided(manager_id=b, order_id=order_id, mission_id=mission_id,
                              milestone_id=document["milestone_id"], deliverable=document["deliverable"],
                              document_id=document["sha256"], filename=document["filename"],
                              decision=decision.decision, reason=decision.reason, decided_at=decision.decided_at)
