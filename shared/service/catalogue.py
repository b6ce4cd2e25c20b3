"""Import and read a contract's versioned service-code catalogue (A14 service-code catalogue).

  managers/{manager}/contracts/{contract}/catalogue/v{NNNN}   one version, never rewritten

A new version is created (never an update), with its CloudEvent to the contractor on
``orders-<contractor>``, in one commit (transactional outbox).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared import topology
from shared.domain import catalogue as cat
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.messages import EventType
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service.contracts import contract_path, load_contract
from shared.service.transaction import transact


def versions_path(manager_id: str, contract_id: str) -> str:
    return f"{contract_path(manager_id, contract_id)}/catalogue"


def version_path(manager_id: str, contract_id: str, version: int) -> str:
    return f"{versions_path(manager_id, contract_id)}/v{version:04d}"


def load_versions(uow: UnitOfWork, manager_id: str, contract_id: str) -> list[cat.CatalogueVersion]:
    """Every version of the contract's catalogue, oldest first."""
    docs = uow.query(Query(versions_path(manager_id, contract_id), order_by=(("__name__", "asc"),)))
    return [cat.CatalogueVersion.model_validate(d.data) for d in docs]


def import_catalogue(manager_id: str, contract_id: str, valid_from: dt.date, reviewed_on: dt.date, fmt: str,
                     raw: bytes, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """A14: publish the contract's next catalogue version and tell its contractor, in one commit.
    All or nothing: every bad row is reported and nothing is written."""
    items, errors = cat.parse_csv(raw) if fmt == "csv" else cat.parse_json_items(raw)

    def attempt() -> cat.CatalogueVersion:
        contract = load_contract(uow, manager_id, contract_id)
        if contract is None:
            raise DomainError([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND", contract_id=contract_id)])
        if errors:
            raise DomainError(errors)
        version, refused = cat.next_version(load_versions(uow, manager_id, contract_id), contract_id, valid_from,
                                            reviewed_on, items)
        if refused:
            raise DomainError(refused)
        now = clock.now()
        data = version.model_dump(mode="json")
        uow.create(version_path(manager_id, contract_id, version.version),  # a concurrent import: start again
                   {**data, "imported_at": now.isoformat()})
        uow.publish(OutboxMessage(
            id=f"catalogue-{digest(manager_id, contract_id, str(version.version))[:32]}",
            topic=topology.orders_topic(contract["contractor_id"]), event_type=EventType.CATALOGUE_PUBLISHED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}", subject=f"contracts/{contract_id}/catalogue",
            data=cat.CataloguePublished(manager_id=manager_id, **version.model_dump()).model_dump(mode="json"),
            created_at=now, ordering_key=contract_id))
        return version

    version = transact(uow, attempt)
    return cat.CatalogueImported(contract_id=contract_id, version=version.version, valid_from=version.valid_from,
                                 items=len(version.items)).model_dump(mode="json")


def catalogue_view(manager_id: str, contract_id: str, on: dt.date, today: dt.date, uow: UnitOfWork) -> dict[str, Any]:
    """A14: the contract's versions, the one in force on ``on``, and whether it is due for its six-month review."""
    versions = load_versions(uow, manager_id, contract_id)
    current = cat.in_force(versions, on)
    return cat.CatalogueView(
        contract_id=contract_id, on=on, in_force=current, needs_review=cat.needs_review(current, today),
        versions=[cat.CatalogueVersionSummary(version=v.version, valid_from=v.valid_from, reviewed_on=v.reviewed_on)
                  for v in versions]).model_dump(mode="json")
