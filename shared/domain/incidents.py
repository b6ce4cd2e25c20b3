"""Incidents (B9, D8): anyone working on the platform reports one; the operator answers it.

An incident moves reported → acknowledged → resolved (``TRANSITIONS``, data). Reporting it
starts D8 — the first response — whose length depends on the severity (the catalogue's
variants in shared/domain/deadlines.py: 1 → 1, 2 → 1, 3 → 8, 4 → 24 elapsed hours);
acknowledging it is that first response and stops D8. The clocks run from the first report
(``reported_at``): for a report made by phone, the time of the call, which the operator enters
when confirming it in writing (``channel`` "phone", ``recorded_at``).

After the first response the operator follows the incident until it is resolved: follow-ups
and workarounds are recorded (``follow_ups``); a workaround does not stop the resolution clock
("cette solution provisoire n'interrompt pas les délais d'intervention et de résolution").
The follow-up runs 24/7 for severities 1–2 and in working hours (09:00–18:00 of working days)
for 3–4 (``FOLLOW_UP``); the time to resolution is measured on that clock from the first report.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.domain import workdays
from shared.domain.deadlines import DeadlineState
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import Identifier
from shared.domain.base import Command, Model

Territory = Annotated[str, Field(pattern=r"^(\d{2,3}|2A|2B|BL|MF|PM|PF|NC|WF)$")]


class IncidentState(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


STATE_LABELS = {IncidentState.REPORTED: "signalé", IncidentState.ACKNOWLEDGED: "pris en compte",
                IncidentState.RESOLVED: "résolu"}

# Where an incident may go from each state (only the operator moves it).
TRANSITIONS: dict[IncidentState, tuple[IncidentState, ...]] = {
    IncidentState.REPORTED: (IncidentState.ACKNOWLEDGED,),
    IncidentState.ACKNOWLEDGED: (IncidentState.RESOLVED,),
    IncidentState.RESOLVED: (),
}


class ReportedFor(Command):
    """Whose incident the operator enters (a report made by phone): that reporter reads it."""

    tenant: Identifier
    role: Literal["manager", "contractor", "beneficiary", "purchasing_body"]


class ReportIncident(Command):
    """What a manager, contractor, beneficiary or purchasing body reports (B9)."""

    severity: Annotated[int, Field(ge=1, le=4)]  # 1 most severe
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(min_length=1, max_length=10_000)]
    order_id: Identifier | None = None
    need_id: Identifier | None = None
    # where working hours are counted (the follow-up of severities 3 and 4); none given: the order's
    # when its manager or contractor reports about it, else the reporter's own (a manager's
    # territory, shared/service/incidents.py), else Paris
    territory: Territory | None = None
    # The operator only, confirming in writing a report made by phone: whose incident, and when the
    # call came (the first report, from which D8 and the resolution run).
    reported_for: ReportedFor | None = None
    first_reported_at: AwareDatetime | None = None


class ResolveIncident(Command):
    """The operator records how an acknowledged incident was resolved."""

    incident_id: Identifier
    resolution: Annotated[str, Field(min_length=1, max_length=5000)]


class AcknowledgeIncident(Command):
    """The operator's first response to an incident."""

    incident_id: Identifier
    note: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class Incident(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    incident_id: str
    reporter_tenant: str
    reporter_role: str
    reported_by: str
    severity: int
    title: str
    description: str
    order_id: str | None = None
    need_id: str | None = None
    territory: str
    reported_at: AwareDatetime
    deadline_id: str
    due_at: AwareDatetime
    state: IncidentState = IncidentState.REPORTED
    acknowledged_at: AwareDatetime | None = None
    acknowledged_by: str | None = None
    note: str | None = None
    resolved_at: AwareDatetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None
    first_response_met: bool | None = None
    channel: Literal["platform", "phone"] = "platform"
    recorded_at: AwareDatetime | None = None  # a phone report: when the operator confirmed it in writing
    recorded_by: str | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    workaround_at: AwareDatetime | None = None  # the first workaround (the resolution clock does not stop)
    resolution_hours: float | None = None  # first report → resolution, on the severity's follow-up clock

    @property
    def clock(self):
        """B18: the clock of the territory its D8 and working hours count in (``territory``, chosen at the report):
        a ``territories.Clock``."""
        from shared.domain.territories import clock_of

        return clock_of(self.territory)

    def time_to_resolution(self, now: dt.datetime) -> dt.timedelta:
        """From the first report until resolved (or now), on the severity's follow-up clock: elapsed
        for 1–2, working hours of the incident's territory for 3–4. Workarounds change nothing."""
        end = self.resolved_at or now
        if FOLLOW_UP[self.severity] == "24/7":
            return max(end - self.reported_at, dt.timedelta(0))
        return workdays.working_hours_between(self.reported_at, end, self.territory)

    def follow_up(self, kind: FollowUpKind, at: dt.datetime, by: str, note: str) -> Incident:
        """A follow-up or a workaround on an acknowledged incident (refused before the first response,
        and once resolved); the first workaround is kept apart, the clocks run on."""
        if self.state is IncidentState.REPORTED:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_ACKNOWLEDGED",
                                              incident_id=self.incident_id)])
        if self.state is IncidentState.RESOLVED:
            raise DomainError([ErrorDetail.of("$.incident_id", "INCIDENT_ALREADY_RESOLVED",
                                              incident_id=self.incident_id)])
        update: dict = {"follow_ups": (*self.follow_ups, FollowUp(kind=kind, at=at, by=by, note=note))}
        if kind is FollowUpKind.WORKAROUND and self.workaround_at is None:
            update["workaround_at"] = at
        return self.model_copy(update=update)

    def d8_status(self, now: dt.datetime) -> str:
        """Where D8 (the first response) stands: met or missed once answered, else running or missed.

        D8 is never paused (an incident is not linked to an order's holds), so this is the
        deadline's own state, read from the incident without reading the deadline.
        """
        if self.acknowledged_at is not None:
            return "met" if self.first_response_met else "missed"
        return "running" if now <= self.due_at else "missed"

    def move(self, target: IncidentState, at: dt.datetime, by: str, note: str | None = None) -> Incident:
        """The next incident, or DomainError ILLEGAL_TRANSITION; moving to the current state is a no-op."""
        if target is self.state:
            return self
        if target not in TRANSITIONS[self.state]:
            allowed = ", ".join(f"« {STATE_LABELS[s]} » ({s.value})" for s in TRANSITIONS[self.state]) or "aucun"
            raise DomainError([ErrorDetail.of("$.state", "ILLEGAL_TRANSITION", from_label=STATE_LABELS[self.state],
                                              to_label=STATE_LABELS[target], allowed=allowed)])
        if target is IncidentState.ACKNOWLEDGED:
            return self.model_copy(update={"state": target, "acknowledged_at": at, "acknowledged_by": by,
                                           "note": note, "first_response_met": at <= self.due_at})
        resolved = self.model_copy(update={"state": target, "resolved_at": at, "resolved_by": by, "resolution": note})
        return resolved.model_copy(update={
            "resolution_hours": round(resolved.time_to_resolution(at).total_seconds() / 3600, 2)})


class FollowUpKind(StrEnum):
    FOLLOW_UP = "follow_up"    # news given to the reporter while the incident is open
    WORKAROUND = "workaround"  # a provisional solution: the resolution clock keeps running


FOLLOW_UP_LABELS = {FollowUpKind.FOLLOW_UP: "suivi", FollowUpKind.WORKAROUND: "solution de contournement"}


class FollowUp(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FollowUpKind
    at: AwareDatetime
    by: str
    note: str


# B9: how each severity is followed until resolution — "Suivi 24/7" (1–2), "Suivi pendant les heures
# ouvrées" (3–4). The time to resolution is counted on that clock from the first report.
FOLLOW_UP: dict[int, str] = {1: "24/7", 2: "24/7", 3: "working_hours", 4: "working_hours"}
FOLLOW_UP_CLOCK_LABELS = {"24/7": "24 h/24, 7 j/7", "working_hours": "heures ouvrées (9 h – 18 h, jours ouvrés)"}
# Severities whose report alerts the operator at once (incident-alerts topic).
ALERTED_SEVERITIES = frozenset({1, 2})


class IncidentAlert(Model):
    """Data of fr.passerelle.incident.alert.v1 on incident-alerts: a new severity-1 or -2 incident, for the
    operator's on-call tooling (B9: followed 24/7, first response within the hour)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="IncidentAlert")

    incident_id: str
    severity: int
    title: str
    reporter_tenant: str
    reporter_role: str
    channel: Literal["platform", "phone"]
    reported_at: AwareDatetime = Field(description="The first report (the call, for a phone report).")
    first_response_due_at: AwareDatetime = Field(description="When D8 (the first response) is due.")


class FollowUpIncident(Command):
    """The operator's follow-up of an acknowledged incident, or a workaround (which stops no clock)."""

    incident_id: Identifier
    kind: FollowUpKind
    note: Annotated[str, Field(min_length=1, max_length=5000)]


def severity_variant(severity: int) -> str:
    """The D8 variant of a severity (the catalogue keys its lengths by severity)."""
    return str(severity)


DEFAULT_LIMIT = 50  # incidents per page of list_incidents
MAX_LIMIT = 200
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")


@dataclass(frozen=True)
class IncidentCursor:
    """Where the previous page of a list stopped: its last incident's reported time and id.

    Lists are newest first by (reported_at, incident_id); the next page starts strictly after.
    Opaque to clients (base64url JSON); a cursor that does not decode is INVALID_CURSOR.
    """

    reported_at: dt.datetime
    incident_id: str

    @classmethod
    def after(cls, incident: Incident) -> IncidentCursor:
        return cls(incident.reported_at, incident.incident_id)

    def encode(self) -> str:
        raw = json.dumps({"t": self.reported_at.isoformat(), "i": self.incident_id}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, token: str) -> IncidentCursor | None:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            at = dt.datetime.fromisoformat(data["t"])
            incident_id = data["i"]
        except (binascii.Error, ValueError, KeyError, TypeError):
            return None
        if at.tzinfo is None or not isinstance(incident_id, str) or not _ID.match(incident_id):
            return None
        return cls(at, incident_id)


def list_filters(args: dict[str, str]) -> tuple[dict[str, object], list[ErrorDetail]]:
    """The query of a list request — ``state``, ``severity``, ``limit`` (1–200, 50 by default) and
    ``cursor`` (the previous page's ``next_cursor``) — or every error in it."""
    filters: dict[str, object] = {"limit": DEFAULT_LIMIT}
    errors: list[ErrorDetail] = []
    state = args.get("state")
    if state:
        try:
            filters["state"] = IncidentState(state)
        except ValueError:
            errors.append(ErrorDetail.of("query.state", "INVALID_VALUE",
                                         detail="reported, acknowledged ou resolved attendu"))
    severity = args.get("severity")
    if severity:
        if severity in ("1", "2", "3", "4"):
            filters["severity"] = int(severity)
        else:
            errors.append(ErrorDetail.of("query.severity", "INVALID_VALUE", detail="1, 2, 3 ou 4 attendu"))
    limit = args.get("limit")
    if limit:
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            errors.append(ErrorDetail.of("query.limit", "OUT_OF_RANGE", detail=f"entre 1 et {MAX_LIMIT}"))
        else:
            filters["limit"] = int(limit)
    cursor = args.get("cursor")
    if cursor:
        decoded = IncidentCursor.decode(cursor)
        if decoded is None:
            errors.append(ErrorDetail.of("query.cursor", "INVALID_CURSOR"))
        else:
            filters["cursor"] = decoded
    return filters, errors


# --- What the incident functions answer (B9 incidents, D8 first response).


class IncidentView(Incident):
    """What every incident function answers (report, acknowledge, follow up, resolve, list): the incident,
    the state of its D8 deadline, and — given the time of the answer — its follow-up clock and the time
    to resolution so far."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="IncidentView")

    d8_state: DeadlineState = Field(description="D8 (first response): running until acknowledged, then met or missed.")
    follow_up_clock: Literal["24/7", "working_hours"] = Field(
        description="How the incident is followed until resolved (B9): 24/7 for severities 1–2, "
                    "working hours (09:00–18:00 of working days) for 3–4.")
    time_to_resolution_hours: float = Field(
        description="From the first report until resolved, or until now, on the follow-up clock; "
                    "workarounds stop nothing.")
    time_zone: str = Field(description=(
        "B18: the IANA time zone of the incident's territory, where its D8 and working hours count (America/Martinique, "
        "Europe/Paris…): the web app shows its times on it."))
    time_zone_label: str = Field(description=(
        "B18: that clock's French name (« Heures de la Martinique », « Heures de Paris »)."))
    reporter_name: str | None = Field(default=None, description=(
        "list_incidents (B1 parties): the reporting party's registered name (its manager's, beneficiary's, "
        "contractor's or purchasing body's record); null when the registry names none, and in the other answers."))

    @classmethod
    def of(cls, incident: Incident, d8_state: DeadlineState | str, now: dt.datetime) -> IncidentView:
        clock = incident.clock  # from the incident's own record: no read
        return cls.model_validate({**incident.model_dump(), "d8_state": d8_state,
                                   "follow_up_clock": FOLLOW_UP[incident.severity],
                                   "time_to_resolution_hours": round(incident.time_to_resolution(now).total_seconds() / 3600, 2),
                                   "time_zone": clock.time_zone, "time_zone_label": clock.label})


class IncidentList(Model):
    """What list_incidents answers: one page of the caller's incidents (the operator: all), newest first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="IncidentList")

    incidents: list[IncidentView]
    count: int = Field(description="How many incidents this page holds (at most `limit`).")
    next_cursor: str | None = Field(description="Pass it as ?cursor= (same filters) for the next page; null on the "
                                                "last page. Opaque.")
    people: dict[str, str] = Field(default_factory=dict, description=(
        "B5 accounts: who each account uid of the page is, « Léa Martin <lea.martin@rhone-habitat.fr> » (its display "
        "name and e-mail as the account registry keeps them, the e-mail alone without a name): the reporter's, and for "
        "the operator also the operator accounts that recorded, acknowledged, followed up or resolved. A caller other "
        "than the operator learns its own party's accounts only. A uid the registry does not know is left out."))


# The registry record that names a reporting party, by its role (B1 parties).
PARTY_RECORDS = {"manager": "managers", "beneficiary": "managers", "contractor": "contractors",
                 "purchasing_body": "purchasing_bodies"}


def person_label(record: dict | None) -> str | None:
    """« Léa Martin <lea.martin@x.fr> », the e-mail alone, or None: what an account is called where people read it."""
    record = record or {}
    name = (record.get("display_name") or "").strip()
    email = (record.get("email") or "").strip()
    if name and email:
        return f"{name} <{email}>"
    return name or email or None


def page_uids(incidents: list[Incident], operator: bool) -> set[str]:
    """The account uids a page of incidents names: reporters, and for the operator its own staff's steps too."""
    uids = {i.reported_by for i in incidents}
    if operator:
        for i in incidents:
            uids |= {i.recorded_by, i.acknowledged_by, i.resolved_by, *(f.by for f in i.follow_ups)}
    return {u for u in uids if u and "/" not in u}
