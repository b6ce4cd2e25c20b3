"""Incidents (B9 incident management, D8 first response): report one (opens D8), acknowledge it
(the first response stops D8), resolve it, list them.

  incidents/{incident_id}   top level (docs/penalties.md): four kinds of reporter (manager,
                            contractor, beneficiary, purchasing body) file them and the operator
                            answers all of them; each carries ``reporter_tenant`` and
                            ``reporter_role``, and firestore.rules lets exactly that reporter read it
  managers/{tenant}/deadlines/D8-{incident_id}   its D8 deadline (tenant: the reporter's)

A report commits the incident and D8 together, the due time planned once (``plan_deadline``)
and recorded on both; an acknowledgement commits the incident's move and D8 stopped at it.

Lists are ordered by Firestore, newest first: ``reported_at`` then the document path, both
descending, after the equality filters (reporter tenant and role, state, severity); the
composite indexes are in infra/terraform/firestore.tf (the emulator needs none). ``reported_at``
is stored as fixed-width UTC text (``2026-03-12T07:52:00.000000Z``), so text order is time
order; incidents written before that kept pydantic's form (``…:00Z`` without microseconds),
which sorts the same except within its own second.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from shared.domain.deadlines import Deadline
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.incidents import (
    DEFAULT_LIMIT, AcknowledgeIncident, Incident, IncidentCursor, IncidentList, IncidentState, IncidentView,
    ReportIncident, ResolveIncident,
    severity_variant,
)
from shared.ports import Clock, Query, UnitOfWork, digest
from shared.service import deadlines, territories
from shared.service.transaction import transact

log = logging.getLogger(__name__)

COLLECTION = "incidents"
ORDERED_BY = "reported_at"


# --- storage ------------------------------------------------------------------------------------


def incident_path(incident_id: str) -> str:
    return f"{COLLECTION}/{incident_id}"


def sort_key(at: dt.datetime) -> str:
    """reported_at as stored: fixed-width UTC text, whose text order is time order."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def incident_doc(incident: Incident) -> dict[str, Any]:
    return {**incident.model_dump(mode="json"), ORDERED_BY: sort_key(incident.reported_at)}


def incident_from(data: dict[str, Any]) -> Incident:
    return Incident.model_validate(data, strict=False)


def load_incident(uow: UnitOfWork, incident_id: str) -> Incident | None:
    data = uow.get(incident_path(incident_id))
    return incident_from(data) if data is not None else None


def incident_id_for(role: str, tenant: str, idempotency_key: str) -> str:
    """Deterministic: the same report sent again with its Idempotency-Key is the same incident."""
    return "inc-" + digest(role, tenant, idempotency_key)[:24]


def _plan_d8(incident_id: str, tenant: str, territory: str, reported_at: dt.datetime, severity: int) -> Deadline:
    return deadlines.plan_deadline("D8", "D8-" + incident_id, tenant_id=tenant, territory=territory,
                                   started_at=reported_at, ref=incident_id, variant=severity_variant(severity))


# --- commands -----------------------------------------------------------------------------------


def report_incident(uid: str, role: str, tenant: str, idempotency_key: str, command: ReportIncident,
                    uow: UnitOfWork, clock: Clock) -> tuple[Incident, Deadline]:
    """Store the incident and open its D8 in one commit; the same report again is the same incident."""
    incident_id = incident_id_for(role, tenant, idempotency_key)

    def attempt() -> tuple[Incident, Deadline, bool]:
        now = clock.now()
        existing = load_incident(uow, incident_id)
        if existing is not None:
            d8 = deadlines.load(uow, tenant, existing.deadline_id)
            if d8 is None:  # an incident stored before D8 was committed with it: open D8 as first planned
                d8 = deadlines.open_deadline(uow, _plan_d8(incident_id, tenant, existing.territory,
                                                           existing.reported_at, existing.severity), now)
            return existing, d8, False
        territory = command.territory or _reporter_territory(uow, role, tenant)
        planned = _plan_d8(incident_id, tenant, territory, now, command.severity)
        incident = Incident(incident_id=incident_id, reporter_tenant=tenant, reporter_role=role, reported_by=uid,
                            severity=command.severity, title=command.title, description=command.description,
                            order_id=command.order_id, need_id=command.need_id, territory=territory,
                            reported_at=now, deadline_id=planned.deadline_id, due_at=planned.due_at)
        uow.create(incident_path(incident_id), incident_doc(incident))
        return incident, deadlines.open_deadline(uow, planned, now), True

    incident, d8, created = transact(uow, attempt)
    if created:  # incident_severity: Cloud Logging keeps "severity" for the log level
        log.info("incident reported", extra={"incident_id": incident_id, "incident_severity": incident.severity,
                                             "due_at": incident.due_at.isoformat()})
    return incident, d8


def _reporter_territory(uow: UnitOfWork, role: str, tenant: str) -> str:
    """B18: a manager's working hours are those of its own territory (its space, else its account
    requests); other reporters name theirs, else Paris."""
    found = territories.manager_territory(uow, tenant) if role == "manager" else None
    return found or deadlines.DEFAULT_TERRITORY


def acknowledge_incident(uid: str, command: AcknowledgeIncident, uow: UnitOfWork,
                         clock: Clock) -> tuple[Incident, Deadline | None]:
    """The operator's first response: the incident moves to acknowledged and D8 stops there, in one
    commit. Acknowledging again changes nothing (the first response stands)."""

    def attempt() -> tuple[Incident, Deadline | None]:
        current = load_incident(uow, command.incident_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND", incident_id=command.incident_id)])
        d8 = deadlines.load(uow, current.reporter_tenant, current.deadline_id)
        if current.state is not IncidentState.REPORTED:
            return current, d8
        now = clock.now()
        after = current.move(IncidentState.ACKNOWLEDGED, now, uid, command.note)
        uow.update(incident_path(after.incident_id), incident_doc(after))
        if d8 is not None:
            assert after.acknowledged_at is not None
            d8 = deadlines.stop_deadline(uow, after.reporter_tenant, after.deadline_id, after.acknowledged_at,
                                         after.incident_id, now)
        return after, d8

    incident, d8 = transact(uow, attempt)
    log.info("incident acknowledged", extra={"incident_id": incident.incident_id,
                                             "d8": d8.state.value if d8 else None})
    return incident, d8


def resolve_incident(uid: str, command: ResolveIncident, uow: UnitOfWork, clock: Clock) -> Incident:
    """The operator records the resolution of an acknowledged incident.

    D8 measured the first response, so it was stopped by the acknowledgement: resolving stops
    nothing. Resolving again changes nothing (the first resolution stands); resolving an incident
    not yet acknowledged is refused (ILLEGAL_TRANSITION): acknowledge it first.
    """

    def attempt() -> Incident:
        current = load_incident(uow, command.incident_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND", incident_id=command.incident_id)])
        if current.state is IncidentState.RESOLVED:
            return current
        after = current.move(IncidentState.RESOLVED, clock.now(), uid, command.resolution)
        uow.update(incident_path(after.incident_id), incident_doc(after))
        return after

    incident = transact(uow, attempt)
    log.info("incident resolved", extra={"incident_id": incident.incident_id})
    return incident


# --- reads --------------------------------------------------------------------------------------


def list_incidents(role: str, tenant: str, filters: dict[str, Any], uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """One page of incidents: the operator sees every incident; any other caller only those it
    reported (same tenant and role, as firestore.rules demands). Newest first by reported time
    then id, ``limit`` per page (``filters`` from ``list_filters``); ``next_cursor`` is null on the
    last page.

    Each comes with where its D8 stands now (``d8_state``).
    """
    limit = int(filters.get("limit", DEFAULT_LIMIT))
    found = [incident_from(d.data) for d in uow.query(page_query(role, tenant, filters, limit + 1))]
    page, more = found[:limit], len(found) > limit
    now = clock.now()
    return IncidentList(incidents=[IncidentView.of(i, i.d8_status(now)) for i in page], count=len(page),
                        next_cursor=IncidentCursor.after(page[-1]).encode() if more and page else None
                        ).model_dump(mode="json")


def page_query(role: str, tenant: str, filters: dict[str, Any], size: int) -> Query:
    """Up to ``size`` incidents, newest first by (reported_at, id), strictly after the cursor."""
    query = Query(COLLECTION, order_by=((ORDERED_BY, "desc"), ("__name__", "desc")), limit=size)
    if role != "operator":
        query = query.filter("reporter_tenant", "==", tenant).filter("reporter_role", "==", role)
    if (state := filters.get("state")) is not None:
        query = query.filter("state", "==", state.value)
    if (severity := filters.get("severity")) is not None:
        query = query.filter("severity", "==", severity)
    after: IncidentCursor | None = filters.get("cursor")
    if after is not None:
        query = replace(query, start_after=(sort_key(after.reported_at), incident_path(after.incident_id)))
    return query
