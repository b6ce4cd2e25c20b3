"""Import and read a contract's versioned service-code catalogue (A14).

A new version is created (never an update) at
``managers/<m>/contracts/<c>/catalogue/v<NNNN>``, with its CloudEvent to the contractor on
``orders-<contractor>`` in the same batch (transactional outbox).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared import topology
from shared.domain import catalogue as cat
from shared.domain.contracts import contract_path
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType
from shared.ports import Clock, DocumentStore, DocWrite, OutboxMessage, Publisher, Store, digest
from shared.service import outbox
from shared.service.retry import with_optimistic_retry


def versions_path(manager_id: str, contract_id: str) -> str:
    return f"{contract_path(manager_id, contract_id)}/catalogue"


def load_versions(docs_or_rows) -> list[cat.CatalogueVersion]:
    return [cat.CatalogueVersion.model_validate(data) for _, data in docs_or_rows]


def import_catalogue(manager_id: str, contract_id: str, valid_from: dt.date, reviewed_on: dt.date, fmt: str,
                     raw: bytes, docs: DocumentStore, store: Store, clock: Clock,
                     publisher: Publisher | None = None) -> dict[str, Any]:
    contract = docs.get(contract_path(manager_id, contract_id))
    if contract is None:
        raise DomainError([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND", contract_id=contract_id)])
    items, errors = cat.parse_csv(raw) if fmt == "csv" else cat.parse_json_items(raw)
    if errors:
        raise DomainError(errors)  # all or nothing: every bad row is reported, nothing is written

    def attempt() -> tuple[cat.CatalogueVersion, OutboxMessage]:
        existing = load_versions(docs.list(versions_path(manager_id, contract_id)))
        version, refused = cat.next_version(existing, contract_id, valid_from, reviewed_on, items)
        if refused:
            raise DomainError(refused)
        now = clock.now()
        data = version.model_dump(mode="json")
        contractor = contract.value["contractor_id"]
        message = OutboxMessage(
            id=f"catalogue-{digest(manager_id, contract_id, str(version.version))[:32]}",
            topic=topology.orders_topic(contractor), event_type=EventType.CATALOGUE_PUBLISHED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"contracts/{contract_id}/catalogue",
            data={"manager_id": manager_id, **data}, created_at=now, ordering_key=contract_id)
        docs.commit([DocWrite(f"{versions_path(manager_id, contract_id)}/v{version.version:04d}",
                              {**data, "imported_at": now.isoformat()})], [message])  # create: never rewrites
        return version, message

    version, message = with_optimistic_retry(attempt)
    if publisher is not None:
        outbox.dispatch(store, publisher, clock, [message])
    return {"contract_id": contract_id, "version": version.version, "valid_from": version.valid_from.isoformat(),
            "items": len(version.items)}


def catalogue_view(manager_id: str, contract_id: str, on: dt.date, today: dt.date,
                   docs: DocumentStore) -> dict[str, Any]:
    versions = load_versions(docs.list(versions_path(manager_id, contract_id)))
    current = cat.in_force(versions, on)
    return {"contract_id": contract_id, "on": on.isoformat(),
            "versions": [{"version": v.version, "valid_from": v.valid_from.isoformat(),
                          "reviewed_on": v.reviewed_on.isoformat()} for v in versions],
            "in_force": current.model_dump(mode="json") if current else None,
            "needs_review": cat.needs_review(current, today)}
