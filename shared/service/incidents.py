"""Incidents (B9, D8): report one (starts D8), acknowledge it (the first response stops D8).

The incident is created first (``create()``: a retried report finds it), then D8 is opened
through the deadline service with the due time planned once (``plan_deadline``) and recorded
on the incident too. Acknowledging moves the incident with a version precondition, then
stops D8 at the acknowledgement — met or missed is the deadline's (and the incident's) answer.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from shared.domain.deadlines import Deadline
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.incidents import (
    DEFAULT_LIMIT, AcknowledgeIncident, Incident, IncidentCursor, IncidentState, ReportIncident, ResolveIncident,
    severity_variant,
)
from shared.ports import Clock, Versioned, digest
from shared.service import legacy_deadlines as dls
from shared.service.retry import with_optimistic_retry

log = logging.getLogger(__name__)


class Incidents(Protocol):
    def get(self, incident_id: str) -> Versioned[Incident] | None: ...
    def create(self, incident: Incident) -> bool: ...  # False when it already exists
    def update(self, incident: Incident, version: Any) -> None: ...  # ConcurrencyConflict if it changed
    def page(self, reporter: tuple[str, str] | None, state: str | None, severity: int | None,
             after: IncidentCursor | None, size: int) -> list[Incident]:
        """Up to ``size`` incidents, newest first by (reported_at, incident_id), strictly after
        ``after``; reporter = (tenant, role), None: every reporter."""
        ...


def incident_id_for(role: str, tenant: str, idempotency_key: str) -> str:
    """Deterministic: the same report sent again with its Idempotency-Key is the same incident."""
    return "inc-" + digest(role, tenant, idempotency_key)[:24]


def report_incident(uid: str, role: str, tenant: str, idempotency_key: str, command: ReportIncident,
                    incidents: Incidents, store: dls.DeadlineStore, timers: dls.Timers | None,
                    clock: Clock) -> tuple[Incident, Deadline]:
    now = clock.now()
    incident_id = incident_id_for(role, tenant, idempotency_key)
    territory = command.territory or _reporter_territory(role, tenant, store)
    planned = dls.plan_deadline("D8", "D8-" + incident_id, tenant_id=tenant, territory=territory,
                                started_at=now, ref=incident_id, variant=severity_variant(command.severity))
    incident = Incident(incident_id=incident_id, reporter_tenant=tenant, reporter_role=role, reported_by=uid,
                        severity=command.severity, title=command.title, description=command.description,
                        order_id=command.order_id, need_id=command.need_id, territory=territory,
                        reported_at=now, deadline_id=planned.deadline_id, due_at=planned.due_at)
    if not incidents.create(incident):
        existing = incidents.get(incident_id)
        assert existing is not None
        incident = existing.value
        current = store.get_deadline(tenant, incident.deadline_id)
        if current is not None:
            return incident, current.value
        # the first attempt failed between the two writes: open D8 as it was planned then
        planned = dls.plan_deadline("D8", incident.deadline_id, tenant_id=tenant, territory=incident.territory,
                                    started_at=incident.reported_at, ref=incident_id,
                                    variant=severity_variant(incident.severity))
    deadline = dls.open_deadline(planned, store, timers, clock)
    log.info("incident reported", extra={"incident_id": incident_id, "severity": command.severity,
                                         "due_at": planned.due_at.isoformat()})
    return incident, deadline


def _reporter_territory(role: str, tenant: str, store) -> str:
    """B18: a manager's working hours are those of its own territory (its space, else its account
    requests); other reporters name theirs, else Paris."""
    found = store.manager_territory(tenant) if role == "manager" else None
    return found or dls.DEFAULT_TERRITORY


def acknowledge_incident(uid: str, command: AcknowledgeIncident, incidents: Incidents, store: dls.DeadlineStore,
                         timers: dls.Timers | None, clock: Clock) -> tuple[Incident, Deadline]:
    def attempt() -> Incident:
        current = incidents.get(command.incident_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND", incident_id=command.incident_id)])
        if current.value.state is not IncidentState.REPORTED:
            return current.value  # acknowledged already: the first response stands
        after = current.value.move(IncidentState.ACKNOWLEDGED, clock.now(), uid, command.note)
        incidents.update(after, current.version)
        return after

    incident = with_optimistic_retry(attempt)
    assert incident.acknowledged_at is not None
    deadline = dls.stop_deadline(incident.reporter_tenant, incident.deadline_id, incident.acknowledged_at,
                                 incident.incident_id, store, timers, clock)
    log.info("incident acknowledged", extra={"incident_id": incident.incident_id, "d8": deadline.state.value})
    return incident, deadline


def resolve_incident(uid: str, command: ResolveIncident, incidents: Incidents, clock: Clock) -> Incident:
    """The operator records the resolution of an acknowledged incident.

    D8 measured the first response, so it was stopped by the acknowledgement: resolving stops
    nothing. Resolving again changes nothing (the first resolution stands); resolving an incident
    not yet acknowledged is refused (ILLEGAL_TRANSITION): acknowledge it first.
    """

    def attempt() -> Incident:
        current = incidents.get(command.incident_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND", incident_id=command.incident_id)])
        if current.value.state is IncidentState.RESOLVED:
            return current.value
        after = current.value.move(IncidentState.RESOLVED, clock.now(), uid, command.resolution)
        incidents.update(after, current.version)
        return after

    incident = with_optimistic_retry(attempt)
    log.info("incident resolved", extra={"incident_id": incident.incident_id})
    return incident


def list_incidents(role: str, tenant: str, filters: dict[str, Any], incidents: Incidents,
                   clock: Clock) -> dict[str, Any]:
    """One page of incidents: the operator sees every incident; any other caller only those it
    reported (same tenant and role). Newest first by reported time then id, ``limit`` per page
    (``filters`` from ``list_filters``); ``next_cursor`` is null on the last page.

    Each comes with where its D8 stands now (``d8_state``).
    """
    reporter = None if role == "operator" else (tenant, role)
    state = filters.get("state")
    limit = int(filters.get("limit", DEFAULT_LIMIT))
    found = incidents.page(reporter, state.value if state else None, filters.get("severity"),
                           filters.get("cursor"), limit + 1)
    page, more = found[:limit], len(found) > limit
    now = clock.now()
    return {"incidents": [{**i.model_dump(mode="json"), "d8_state": i.d8_status(now)} for i in page],
            "count": len(page),
            "next_cursor": IncidentCursor.after(page[-1]).encode() if more and page else None}
