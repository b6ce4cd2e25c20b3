"""Incidents (B9 incident management, D8 first response): report one (opens D8; the operator enters
a report made by phone with the time of the call), acknowledge it (the first response stops D8),
follow it up (follow-ups and workarounds, which stop no clock), resolve it, list them. A new
severity-1 or -2 incident alerts the operator on ``incident-alerts`` in the report's commit.

  incidents/{incident_id}   top level (docs/penalties.md): four kinds of reporter (manager,
                            contractor, beneficiary, purchasing body) file them and the operator
                            answers all of them; each carries ``reporter_tenant`` and
                            ``reporter_role``, and firestore.rules lets exactly that reporter read it
  managers/{tenant}/deadlines/D8-{incident_id}   its D8 deadline (tenant: the reporter's)

A report commits the incident, D8 and (severities 1–2) the alert together, the due time planned
once (``plan_deadline``) and recorded on both; an acknowledgement commits the incident's move and
D8 stopped at it. D8 of a beneficiary's incident takes the rule and amount of its agreement's terms
in force on the report's date (shared/service/penalty_terms.py); no penalty by default.

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

from shared import topology
from shared.domain import workdays
from shared.domain.deadlines import Deadline
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.incidents import (
    ALERTED_SEVERITIES, DEFAULT_LIMIT, AcknowledgeIncident, FollowUpIncident, Incident, IncidentAlert, IncidentCursor,
    PARTY_RECORDS, IncidentList, IncidentState, IncidentView, ReportIncident, ResolveIncident, page_uids, person_label,
    severity_variant,
)
from shared.domain.event_types import EventType
from shared.domain.orders import Order
from shared.domain.penalties import PenaltyTerms
from shared.ports import Clock, OutboxMessage, Query, UnitOfWork, digest
from shared.service import deadlines, order_store, penalty_terms, territories
from shared.service.transaction import transact

log = logging.getLogger(__name__)

COLLECTION = "incidents"
ORDERED_BY = "reported_at"
ALERTS_TOPIC = "incident-alerts"  # platform → the operator's on-call tooling (pull: incident-alerts-ops)
# A report made by phone is entered within this long of the call (the first report, D8's start).
PHONE_REPORT_WINDOW = dt.timedelta(days=7)


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


def _plan_d8(incident_id: str, tenant: str, territory: str, reported_at: dt.datetime, severity: int,
             terms: PenaltyTerms | None = None, agreement_id: str | None = None) -> Deadline:
    return deadlines.plan_deadline("D8", "D8-" + incident_id, tenant_id=tenant, territory=territory,
                                   started_at=reported_at, ref=incident_id, variant=severity_variant(severity),
                                   terms=terms, contract_id=agreement_id)


# --- commands -----------------------------------------------------------------------------------


def report_incident(uid: str, role: str, tenant: str, idempotency_key: str, command: ReportIncident,
                    uow: UnitOfWork, clock: Clock, agreement_id: str | None = None) -> tuple[Incident, Deadline]:
    """Store the incident and open its D8 in one commit; the same report again is the same incident.

    The operator enters a report made by phone for its reporter (``reported_for``), with the time of
    the call (``first_reported_at``): the clocks run from the call. A beneficiary's D8 is priced by
    its agreement (``agreement_id``, the framework contract in its space) when its terms say so."""
    incident_id = incident_id_for(role, tenant, idempotency_key)
    reporter_role, reporter_tenant = _reporter(role, tenant, command, clock.now())

    def attempt() -> tuple[Incident, Deadline, bool]:
        now = clock.now()
        existing = load_incident(uow, incident_id)
        if existing is not None:
            d8 = deadlines.load(uow, existing.reporter_tenant, existing.deadline_id)
            if d8 is None:  # an incident stored before D8 was committed with it: open D8 as first planned
                d8 = deadlines.open_deadline(uow, _plan_d8(incident_id, existing.reporter_tenant, existing.territory,
                                                           existing.reported_at, existing.severity), now)
            return existing, d8, False
        territory = command.territory or _incident_territory(uow, reporter_role, reporter_tenant, command.order_id)
        first_report = command.first_reported_at or now
        agreement = agreement_id if reporter_role == "beneficiary" else None
        terms = (penalty_terms.terms_on(uow, reporter_tenant, agreement, workdays.local_date(first_report, territory))
                 if agreement else None)
        planned = _plan_d8(incident_id, reporter_tenant, territory, first_report, command.severity, terms, agreement)
        phone = command.reported_for is not None
        incident = Incident(incident_id=incident_id, reporter_tenant=reporter_tenant, reporter_role=reporter_role,
                            reported_by=uid, severity=command.severity, title=command.title,
                            description=command.description, order_id=command.order_id, need_id=command.need_id,
                            territory=territory, reported_at=first_report, deadline_id=planned.deadline_id,
                            due_at=planned.due_at, channel="phone" if phone else "platform",
                            recorded_at=now if phone else None, recorded_by=uid if phone else None)
        uow.create(incident_path(incident_id), incident_doc(incident))
        if incident.severity in ALERTED_SEVERITIES:
            uow.publish(alert_message(incident, now))
        return incident, deadlines.open_deadline(uow, planned, now), True

    incident, d8, created = transact(uow, attempt)
    if created:  # incident_severity: Cloud Logging keeps "severity" for the log level
        log.info("incident reported", extra={"incident_id": incident_id, "incident_severity": incident.severity,
                                             "due_at": incident.due_at.isoformat(), "channel": incident.channel})
    return incident, d8


def _reporter(role: str, tenant: str, command: ReportIncident, now: dt.datetime) -> tuple[str, str]:
    """Who reported: the caller, or — the operator entering a phone report — the reporter it names,
    with the call's time within the last week and not in the future."""
    if role != "operator":
        errors = [ErrorDetail.of(f"$.{name}", "PHONE_REPORT_ONLY")
                  for name in ("reported_for", "first_reported_at") if getattr(command, name) is not None]
        if errors:
            raise DomainError(errors)
        return role, tenant
    errors = [ErrorDetail.of(f"$.{name}", "REQUIRED")
              for name in ("reported_for", "first_reported_at") if getattr(command, name) is None]
    at = command.first_reported_at
    if at is not None and not now - PHONE_REPORT_WINDOW <= at <= now:
        errors.append(ErrorDetail.of("$.first_reported_at", "OUT_OF_RANGE",
                                     detail="l'appel date de la dernière semaine au plus, et pas du futur"))
    if errors:
        raise DomainError(errors)
    assert command.reported_for is not None
    return command.reported_for.role, command.reported_for.tenant


def alert_message(incident: Incident, now: dt.datetime) -> OutboxMessage:
    """The operator is alerted at once of a new severity-1 or -2 incident (B9: "Suivi 24/7")."""
    return OutboxMessage(
        id=f"incident-alert-{incident.incident_id}", topic=ALERTS_TOPIC, event_type=EventType.INCIDENT_ALERT,
        source=f"{topology.PLATFORM_SOURCE}/incidents", subject=f"incidents/{incident.incident_id}",
        data=IncidentAlert(incident_id=incident.incident_id, severity=incident.severity, title=incident.title,
                           reporter_tenant=incident.reporter_tenant, reporter_role=incident.reporter_role,
                           channel=incident.channel, reported_at=incident.reported_at,
                           first_response_due_at=incident.due_at).model_dump(mode="json"),
        created_at=now)


def _incident_territory(uow: UnitOfWork, role: str, tenant: str, order_id: str | None) -> str:
    """B18: an incident about an order, reported by the order's manager or by its contractor, is counted
    in the order's territory (its commune, its node's, its contract, then its manager's own, as the order's
    deadlines are); any other report in its reporter's."""
    order = _reported_order(uow, role, tenant, order_id) if order_id else None
    if order is not None:
        return territories.territory_of(uow, order)
    return _reporter_territory(uow, role, tenant)


def _reported_order(uow: UnitOfWork, role: str, tenant: str, order_id: str) -> Order | None:
    """The order an incident is about, when its reporter holds it: a manager's own order; for a contractor,
    whose report names no manager, the one order of that id addressed to it among the spaces of the
    managers it serves (``contractors/<c>.managers``: one read, then one ``get_all`` of an order path per
    manager). None otherwise — no such order, another contractor's, or the same id held at two managers —
    and the reporter's own territory applies, so the answer says nothing of other contractors' orders."""
    if role == "manager":
        return order_store.load_order(uow, tenant, order_id)
    if role != "contractor":
        return None
    managers = (uow.get(f"contractors/{tenant}") or {}).get("managers") or []
    found = uow.get_all(order_store.order_path(manager_id, order_id) for manager_id in managers)
    held = [order_store.order_from(data) for data in found.values() if data.get("contractor_id") == tenant]
    return held[0] if len(held) == 1 else None


def _reporter_territory(uow: UnitOfWork, role: str, tenant: str) -> str:
    """B18: a reporter's working hours are those of its own registered territory
    (``territories.tenant_territory``: a manager's, a beneficiary's, a contractor's, the purchasing
    body's); a reporter that recorded none names its own in the report, else Paris."""
    return territories.tenant_territory(uow, role, tenant) or deadlines.DEFAULT_TERRITORY


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


def follow_up_incident(uid: str, command: FollowUpIncident, uow: UnitOfWork, clock: Clock) -> Incident:
    """The operator's follow-up of an acknowledged incident, or a workaround: recorded with its time;
    no clock stops (the resolution keeps running until ``resolve_incident``)."""

    def attempt() -> Incident:
        current = load_incident(uow, command.incident_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND", incident_id=command.incident_id)])
        after = current.follow_up(command.kind, clock.now(), uid, command.note)
        uow.update(incident_path(after.incident_id), incident_doc(after))
        return after

    incident = transact(uow, attempt)
    log.info("incident followed up", extra={"incident_id": incident.incident_id, "kind": command.kind.value})
    return incident


def resolve_incident(uid: str, command: ResolveIncident, uow: UnitOfWork, clock: Clock) -> Incident:
    """The operator records the resolution of an acknowledged incident.

    D8 measured the first response, so it was stopped by the acknowledgement: resolving stops
    nothing. The time to resolution is recorded, from the first report, on the severity's
    follow-up clock (24/7, or working hours for severities 3–4), workarounds or not. Resolving again changes nothing (the first resolution stands); resolving an incident
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
    parties, people = _page_names(uow, role, tenant, page)
    return IncidentList(incidents=[IncidentView.of(i, i.d8_status(now), now).model_copy(
                            update={"reporter_name": parties.get((i.reporter_role, i.reporter_tenant))}) for i in page],
                        count=len(page), people=people,
                        next_cursor=IncidentCursor.after(page[-1]).encode() if more and page else None
                        ).model_dump(mode="json")


def _page_names(uow: UnitOfWork, role: str, tenant: str,
                page: list[Incident]) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Who reported each incident of a page, by name (B1 parties, B5 accounts): the parties' registry records and
    the accounts' records, in ONE batch read for the page, whatever its size. A caller other than the operator
    reads its own incidents only, and learns its own party's accounts only."""
    party_paths = {f"{PARTY_RECORDS[i.reporter_role]}/{i.reporter_tenant}": (i.reporter_role, i.reporter_tenant)
                   for i in page if i.reporter_role in PARTY_RECORDS and "/" not in i.reporter_tenant}
    account_paths = {f"accounts/{uid}": uid for uid in page_uids(page, role == "operator")}
    if not (party_paths or account_paths):
        return {}, {}
    found = uow.get_all([*party_paths, *account_paths])
    parties = {key: name.strip() for path, key in party_paths.items()
               if isinstance(name := (found.get(path) or {}).get("name"), str) and name.strip()}
    people = {}
    for path, uid in account_paths.items():
        record = found.get(path)
        claims = (record or {}).get("claims") or {}
        if role != "operator" and (claims.get("tenant"), claims.get("role")) != (tenant, role):
            continue  # another party's account: not this caller's to know
        if (label := person_label(record)) is not None:
            people[uid] = label
    return parties, people


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
