"""Manager → contractor, one way: contracts and billing accounts (A2.1, A2.2).

Each change is written with its CloudEvent in one atomic batch (transactional outbox) and
published on the contractor's ``orders-<id>`` topic, ordered by the contract id. Sending the
same content again changes nothing and sends nothing. Contractors have no function that
writes here: only managers (right ``contracts.write``) call these services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared import topology
from shared.domain import contracts as c
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType
from shared.ports import Clock, DocumentStore, DocWrite, OutboxMessage, Publisher, Store, digest
from shared.service import outbox
from shared.service.retry import with_optimistic_retry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saved:
    data: dict[str, Any]
    version: int
    changed: bool  # False when the same content was sent again


def upsert_contract(manager_id: str, command: c.UpsertContract, docs: DocumentStore, store: Store, clock: Clock,
                    publisher: Publisher | None = None, on_saved: ContractHook | None = None) -> Saved:
    contractor = store.get_contractor(command.contractor_id)
    if contractor is None or manager_id not in contractor.managers:
        raise DomainError([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND", contractor_id=command.contractor_id)])
    path = c.contract_path(manager_id, command.contract_id)
    content = command.model_dump(mode="json")

    def attempt() -> tuple[Saved, list[OutboxMessage]]:
        current = docs.get(path)
        if current is not None and current.value.get("contractor_id") != command.contractor_id:
            raise DomainError([ErrorDetail.of("$.contractor_id", "CONTRACTOR_CHANGED")])
        return _save(path, current, content, manager_id, [command.contractor_id], "contracts", command.contract_id,
                     EventType.CONTRACT_CHANGED, docs, clock)

    saved, messages = with_optimistic_retry(attempt)
    _dispatch(store, publisher, clock, messages)
    if on_saved is not None:  # D2 starts at signature (idempotent: a resend finds it started)
        on_saved(manager_id, command.contract_id, command.contractor_id, command.signed_on, command.penalty_terms,
                 contract=content)  # its perimeter: D2's territory (B18)
    return saved


ContractHook = Callable[..., None]  # (manager, contract, contractor, signed_on, terms, *, contract=content)


def upsert_billing_account(manager_id: str, command: c.UpsertBillingAccount, docs: DocumentStore, store: Store,
                           clock: Clock, publisher: Publisher | None = None) -> Saved:
    found = docs.get_many([c.contract_path(manager_id, cid) for cid in command.contract_ids])
    errors = [ErrorDetail.of(f"$.contract_ids[{i}]", "CONTRACT_NOT_FOUND", contract_id=cid)
              for i, cid in enumerate(command.contract_ids) if c.contract_path(manager_id, cid) not in found]
    if errors:
        raise DomainError(errors)
    contractors = sorted({data["contractor_id"] for data in found.values()})
    path = c.billing_account_path(manager_id, command.billing_account_id)
    content = command.model_dump(mode="json")

    def attempt() -> tuple[Saved, list[OutboxMessage]]:
        return _save(path, docs.get(path), content, manager_id, contractors, "billing_accounts",
                     command.billing_account_id, EventType.BILLING_ACCOUNT_CHANGED, docs, clock)

    saved, messages = with_optimistic_retry(attempt)
    _dispatch(store, publisher, clock, messages)
    return saved


def _save(path: str, current, content: dict[str, Any], manager_id: str, contractors: list[str], kind: str,
          item_id: str, event_type: EventType, docs: DocumentStore, clock: Clock) -> tuple[Saved, list[OutboxMessage]]:
    if current is not None and {k: current.value.get(k) for k in content} == content:
        return Saved(current.value, current.value.get("version", 1), changed=False), []
    now = clock.now()
    version = (current.value.get("version", 0) if current else 0) + 1
    data = {**content, "manager_id": manager_id, "version": version, "updated_at": now.isoformat()}
    messages = [OutboxMessage(
        id=f"{kind}-{digest(manager_id, item_id, str(version), contractor)[:32]}",
        topic=topology.orders_topic(contractor), event_type=event_type,
        source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"{kind}/{item_id}",
        data={**data, "change": "created" if current is None else "updated"}, created_at=now, ordering_key=item_id,
    ) for contractor in contractors]
    write = DocWrite(path, data) if current is None else DocWrite(path, data, mode="update", version=current.version)
    docs.commit([write], messages)  # ConcurrencyConflict: re-read and decide again
    log.info("%s saved", kind, extra={"manager_id": manager_id, "id": item_id, "version": version})
    return Saved(data, version, changed=True), messages


def _dispatch(store: Store, publisher: Publisher | None, clock: Clock, messages: list[OutboxMessage]) -> None:
    if publisher is not None and messages:
        outbox.dispatch(store, publisher, clock, messages)
