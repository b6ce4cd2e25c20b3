"""Import and read a contract's versioned service-code catalogue, and its six-month review (A14
service-code catalogue).

  managers/{manager}/contracts/{contract}/catalogue/v{NNNN}   one version, never rewritten
  managers/{manager}/catalogue_reviews/{contract}             where the review stands (``cat.ReviewState``)

A new version is created (never an update), with its CloudEvent to the contractor on
``orders-<contractor>`` and the review it records, in one commit (transactional outbox). A review
that keeps the catalogue as it is is confirmed without a version (``confirm_review``:
``catalogue.reviewed``). ``remind_reviews``, run daily by Cloud Scheduler, tells the contractor one
month before the next review is due (``catalogue.review_due``), once per due date: the state's
``remind_on`` is cleared in the reminder's commit, and set again by the next review.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from shared import topology
from shared.domain import catalogue as cat
from shared.domain import workdays
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.event_types import EventType
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service import territories
from shared.service.contracts import contract_path, load_contract
from shared.service.transaction import transact

log = logging.getLogger(__name__)
REMINDER_LIMIT = 200  # one sweep's share; the next run takes the rest


def versions_path(manager_id: str, contract_id: str) -> str:
    return f"{contract_path(manager_id, contract_id)}/catalogue"


def version_path(manager_id: str, contract_id: str, version: int) -> str:
    return f"{versions_path(manager_id, contract_id)}/v{version:04d}"


def review_path(manager_id: str, contract_id: str) -> str:
    return f"managers/{manager_id}/catalogue_reviews/{contract_id}"


def load_review(uow: UnitOfWork, manager_id: str, contract_id: str) -> cat.ReviewState | None:
    data = uow.get(review_path(manager_id, contract_id))
    return cat.ReviewState.model_validate(data) if data is not None else None


def _record_review(uow: UnitOfWork, manager_id: str, contract_id: str, contractor_id: str,
                   reviewed_on: dt.date, confirmation: dict[str, Any] | None = None) -> cat.ReviewState:
    """Buffer the review state after a review on ``reviewed_on`` (a version's or a confirmation)."""
    previous = load_review(uow, manager_id, contract_id)
    state = cat.ReviewState.after_review(previous, manager_id, contract_id, contractor_id, reviewed_on)
    if confirmation is not None:
        state = state.model_copy(update={"confirmations": [*state.confirmations, confirmation]})
    if state != previous:
        uow.save(review_path(manager_id, contract_id), state.model_dump(mode="json"))
    return state


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
        _record_review(uow, manager_id, contract_id, contract["contractor_id"], reviewed_on)
        return version

    version = transact(uow, attempt)
    return cat.CatalogueImported(contract_id=contract_id, version=version.version, valid_from=version.valid_from,
                                 items=len(version.items)).model_dump(mode="json")


def catalogue_view(manager_id: str, contract_id: str, on: dt.date, today: dt.date, uow: UnitOfWork) -> dict[str, Any]:
    """A14: the contract's versions, the one in force on ``on``, and where its six-month review stands."""
    versions = load_versions(uow, manager_id, contract_id)
    current = cat.in_force(versions, on)
    review = load_review(uow, manager_id, contract_id)
    return cat.CatalogueView(
        contract_id=contract_id, on=on, in_force=current,
        needs_review=cat.needs_review(current, today, review.last_reviewed_on if review else None),
        versions=[cat.CatalogueVersionSummary(version=v.version, valid_from=v.valid_from, reviewed_on=v.reviewed_on)
                  for v in versions],
        last_reviewed_on=review.last_reviewed_on if review else None,
        review_due_on=review.review_due_on if review else None,
        reminded_at=review.reminded_at if review else None,
        confirmations=review.confirmations if review else []).model_dump(mode="json")


def today_of(uow: UnitOfWork, manager_id: str, contract_id: str, clock: Clock,
             contract: dict[str, Any] | None = territories.UNREAD) -> dt.date:
    """B18: today in the contract's territory (``contract_territory``: its perimeter's when it names one territory,
    else its manager's): the day a review may be dated at the latest, the one the catalogue in force and the review
    flag are read on, and the one the web app offers as the review's date (« Revu le »). ``contract``: the stored
    contract, when the caller read it."""
    return workdays.local_date(clock.now(), territories.contract_territory(uow, manager_id, contract_id, contract))


# --- the six-month review (A14) -----------------------------------------------------------------


def confirm_review(manager_id: str, cmd: cat.ConfirmCatalogueReview, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """The review kept the catalogue: the version in force stays, the review is recorded and the
    contractor told (``catalogue.reviewed``), in one commit. The same confirmation again changes nothing;
    a review older than the last one recorded, or in the future — after today in the contract's territory
    (B18, ``today_of``) — is refused."""

    def attempt() -> tuple[dict[str, Any], bool]:
        now = clock.now()
        contract = load_contract(uow, manager_id, cmd.contract_id)
        if contract is None:
            raise DomainError([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND", contract_id=cmd.contract_id)])
        today = today_of(uow, manager_id, cmd.contract_id, clock, contract)
        current = cat.in_force(load_versions(uow, manager_id, cmd.contract_id), today)
        if current is None:
            raise DomainError([ErrorDetail.of("$.contract_id", "CATALOGUE_NOT_FOUND", contract_id=cmd.contract_id)])
        previous = load_review(uow, manager_id, cmd.contract_id)
        if previous is not None and any(c["reviewed_on"] == cmd.reviewed_on.isoformat() and c.get("note") == cmd.note
                                        for c in previous.confirmations):
            return _confirmed(previous, current.version), False
        last = previous.last_reviewed_on if previous else current.reviewed_on
        if cmd.reviewed_on > today or cmd.reviewed_on <= last:
            raise DomainError([ErrorDetail.of("$.reviewed_on", "OUT_OF_RANGE", detail=(
                "la revue ne peut pas être datée dans le futur" if cmd.reviewed_on > today
                else f"une revue plus récente ou du même jour est déjà enregistrée (le {last.isoformat()})"))])
        state = _record_review(uow, manager_id, cmd.contract_id, contract["contractor_id"], cmd.reviewed_on, {
            "reviewed_on": cmd.reviewed_on.isoformat(), "version": current.version, "note": cmd.note,
            "confirmed_at": now.isoformat()})
        told = cat.CatalogueReviewed(manager_id=manager_id, contract_id=cmd.contract_id, version=current.version,
                                     reviewed_on=cmd.reviewed_on, next_review_due_on=state.review_due_on,
                                     note=cmd.note)
        uow.publish(OutboxMessage(
            id=f"catalogue-reviewed-{digest(manager_id, cmd.contract_id, cmd.reviewed_on.isoformat())[:32]}",
            topic=topology.orders_topic(contract["contractor_id"]), event_type=EventType.CATALOGUE_REVIEWED,
            source=f"{topology.PLATFORM_SOURCE}/managers/{manager_id}",
            subject=f"contracts/{cmd.contract_id}/catalogue", data=told.model_dump(mode="json"), created_at=now,
            ordering_key=cmd.contract_id))
        return _confirmed(state, current.version), True

    answer, created = transact(uow, attempt)
    return {**answer, "changed": created}


def _confirmed(state: cat.ReviewState, version: int) -> dict[str, Any]:
    return {"contract_id": state.contract_id, "version": version,
            "last_reviewed_on": state.last_reviewed_on.isoformat(), "review_due_on": state.review_due_on.isoformat(),
            "remind_on": state.remind_on.isoformat() if state.remind_on else None}


def remind_reviews(uow: UnitOfWork, clock: Clock, limit: int = REMINDER_LIMIT) -> dict[str, int]:
    """Cloud Scheduler's daily sweep: every contract whose review is due within a month (``remind_on``
    passed, across every manager's space: a collection-group query on ``catalogue_reviews``) — its
    contractor told ``catalogue.review_due`` and the reminder cleared, one commit per contract.

    B18: "passed" on the contract's territory day (``today_of``, the day ``confirm_review`` dates a review by):
    the query takes every state due by the day of the territory furthest ahead, and each is reminded only once
    its own day has come (a contract in Martinique waits for its day; the next run takes it)."""
    uow.begin()
    horizon = workdays.latest_local_date(clock.now())
    due = uow.query(Query("catalogue_reviews", group=True, where=(("remind_on", "<=", horizon.isoformat()),),
                          limit=limit))

    def attempt(path: str) -> bool:
        data = uow.get(path)
        if data is None:
            return False
        state = cat.ReviewState.model_validate(data)
        if state.remind_on is None or state.remind_on > horizon:
            return False  # reminded meanwhile, or reviewed again
        today = today_of(uow, state.manager_id, state.contract_id, clock)
        if state.remind_on > today:
            return False  # not yet its day in the contract's territory
        now = clock.now()
        current = cat.in_force(load_versions(uow, state.manager_id, state.contract_id), today)
        told = cat.CatalogueReviewDue(manager_id=state.manager_id, contract_id=state.contract_id,
                                      version=current.version if current else None,
                                      last_reviewed_on=state.last_reviewed_on, review_due_on=state.review_due_on,
                                      reminded_at=now)
        key = digest(state.manager_id, state.contract_id, state.review_due_on.isoformat())[:32]
        uow.publish(OutboxMessage(
            id=f"catalogue-review-due-{key}",
            topic=topology.orders_topic(state.contractor_id), event_type=EventType.CATALOGUE_REVIEW_DUE,
            source=f"{topology.PLATFORM_SOURCE}/managers/{state.manager_id}",
            subject=f"contracts/{state.contract_id}/catalogue", data=told.model_dump(mode="json"), created_at=now,
            ordering_key=state.contract_id))
        uow.update(path, {"remind_on": None, "reminded_at": now.isoformat()})
        return True

    reminded = 0
    for doc in due:
        if transact(uow, lambda: attempt(doc.path)):
            reminded += 1
            log.info("catalogue review reminded", extra={"path": doc.path})
    return {"candidates": len(due), "reminded": reminded}
