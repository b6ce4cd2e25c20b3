"""Contractual deadlines D1–D8 as data, and the life of one deadline (SPEC catalogue, B12).

``KINDS`` says, for each kind, what starts the clock, its length and unit, where the
territory comes from, what stops it, whether it can pause and which penalty rule applies.
No code branches on a kind id: the service starts, stops, pauses and checks every kind the
same way. ``NOTICE_TABLE`` is B12's notice table, data too.

A ``Deadline`` is immutable: each operation returns the next value with ``version`` bumped
whenever the due time changes, so that a timer scheduled for an older version is ignored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shared.domain.base import Model
from shared.domain import workdays
from shared.domain.errors import DomainError, ErrorDetail


class Unit(StrEnum):
    ELAPSED_MINUTES = "elapsed_minutes"
    ELAPSED_HOURS = "elapsed_hours"
    CALENDAR_DAYS = "calendar_days"
    CALENDAR_MONTHS = "calendar_months"
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"  # inside opening hours (09:00–18:00) of working days
    WORKING_DAY_HOURS = "working_day_hours"  # every hour of working days only, midnight to midnight (D7)


UNIT_LABELS = {
    Unit.ELAPSED_MINUTES: "minutes", Unit.ELAPSED_HOURS: "heures", Unit.CALENDAR_DAYS: "jours calendaires",
    Unit.CALENDAR_MONTHS: "mois", Unit.WORKING_DAYS: "jours ouvrés", Unit.WORKING_HOURS: "heures ouvrables (9 h – 18 h)",
    Unit.WORKING_DAY_HOURS: "heures ouvrées",
}


@dataclass(frozen=True)
class Length:
    amount: int
    unit: Unit

    def label(self) -> str:
        return f"{self.amount} {UNIT_LABELS[self.unit]}"


@dataclass(frozen=True)
class DeadlineKind:
    kind_id: str
    label: str  # French, shown on statements
    source: str  # requirement id in SPEC.md
    starts_on: str  # the event that starts the clock
    stops_on: tuple[str, ...]  # the events that stop it
    length: Length | None  # None: the variant decides (D8)
    territory_from: str  # where the territory is read from when the deadline starts
    pausable: bool
    penalty_rule: str | None  # default rule; a contract may attach one to other kinds
    variants: dict[str, Length] = field(default_factory=dict)
    shorter_allowed: bool = False  # the offer or agreement may state a shorter length (D4, D7)
    # P1 on the messages (A9) is owed per started day of lateness per contract, not per message:
    # the days of these kinds are pooled into one ledger entry per contract and local day.
    pooled: bool = False


KINDS: dict[str, DeadlineKind] = {k.kind_id: k for k in (
    DeadlineKind("D1", "Partage d'un événement d'exécution (15 min)", "A5",
                 starts_on="execution.event_occurred", stops_on=("execution.message_received",),
                 length=Length(15, Unit.ELAPSED_MINUTES), territory_from="order.site", pausable=False,
                 penalty_rule="P1", pooled=True),
    DeadlineKind("D2", "Raccordement à la plateforme après signature du marché", "A10",
                 starts_on="contract.signed", stops_on=("contractor.connected",),
                 length=Length(1, Unit.CALENDAR_MONTHS), territory_from="contract", pausable=True,
                 penalty_rule="P1"),
    DeadlineKind("D3", "Réponse à une demande de devis", "B16",
                 starts_on="quote.requested", stops_on=("quote.submitted", "quote.withdrawn"),
                 length=Length(5, Unit.WORKING_DAYS), territory_from="order.site", pausable=True,
                 penalty_rule=None),
    DeadlineKind("D4", "Proposition de profils pour une recherche", "B10",
                 starts_on="search.submitted", stops_on=("search.proposals_sent", "search.abandoned"),
                 length=Length(10, Unit.WORKING_DAYS), territory_from="beneficiary", pausable=True,
                 penalty_rule=None, shorter_allowed=True),
    DeadlineKind("D5", "Remplacement d'un professionnel parti", "B12",
                 starts_on="professional.departed_or_notified", stops_on=("replacement.started",),
                 length=Length(14, Unit.CALENDAR_DAYS), territory_from="beneficiary", pausable=True,
                 penalty_rule=None),
    DeadlineKind("D6", "Remplacement pour insuffisance", "B12",
                 starts_on="replacement.requested", stops_on=("replacement.started",),
                 length=Length(10, Unit.WORKING_DAYS), territory_from="beneficiary", pausable=True,
                 penalty_rule=None),
    DeadlineKind("D7", "Création d'un compte", "B5",
                 starts_on="account.requested", stops_on=("account.created",),
                 length=Length(72, Unit.WORKING_DAY_HOURS), territory_from="request", pausable=True,
                 penalty_rule=None, shorter_allowed=True),
    DeadlineKind("D8", "Première réponse à un incident", "B9",
                 starts_on="incident.reported", stops_on=("incident.acknowledged",),
                 length=None, territory_from="beneficiary", pausable=True, penalty_rule=None,
                 # B9: "1ère réponse dans un délai de 1 / 1 / 8 / 24 heures" — elapsed hours whatever the
                 # severity; "heures ouvrées" qualifies the follow-up of severities 3–4, not the first response.
                 variants={"1": Length(1, Unit.ELAPSED_HOURS), "2": Length(1, Unit.ELAPSED_HOURS),
                           "3": Length(8, Unit.ELAPSED_HOURS), "4": Length(24, Unit.ELAPSED_HOURS)}),
    # A9: a message rejected for its format or content is late from its rejection until an
    # accepted message for the same order and sequence corrects it (no grace: length 0).
    DeadlineKind("F1", "Correction d'un message au format non conforme", "A9",
                 starts_on="execution.message_rejected_for_format", stops_on=("execution.message_accepted",),
                 length=Length(0, Unit.ELAPSED_MINUTES), territory_from="order.site", pausable=False,
                 penalty_rule="P1", pooled=True),
)}


# --- B12 notice table ---------------------------------------------------------------------
# THE notice rule of B12 (one implementation: the departure path, the replacement's record and
# the API examples all read ``notice_for``). A mission runs from its first to its last day, both
# included; its length in months is counted on [start, last day + 1).


@dataclass(frozen=True)
class NoticeRule:
    """Notice due for a mission shorter than ``below_months`` (None: any longer mission)."""

    below_months: int | None
    inclusive: bool  # a mission of exactly ``below_months`` months falls in this row
    notice: Length
    per_started_month: bool  # notice.amount is multiplied by the mission's started months
    label: str  # French, shown with the replacement


NOTICE_TABLE: tuple[NoticeRule, ...] = (
    NoticeRule(1, False, Length(3, Unit.CALENDAR_DAYS), False,
               "3 jours (mission de moins d'un mois)"),                        # < 1 month → 3 days
    NoticeRule(3, True, Length(7, Unit.CALENDAR_DAYS), True,
               "1 semaine par mois de mission commencé"),                     # 1–3 months → 1 week per month
    NoticeRule(None, False, Length(1, Unit.CALENDAR_MONTHS), False,
               "1 mois (mission de plus de 3 mois)"),                        # > 3 months → 1 month
)


@dataclass(frozen=True)
class Notice:
    """The notice a planned departure needs: its length, in days from a notification, and its label."""

    length: Length
    days: int
    label: str


def started_months(start: dt.date, end: dt.date) -> int:
    """The number of months of [start, end), each started month counting as one."""
    months = 0
    while add_months(start, months) < end:
        months += 1
    return months


def notice_for(mission_start: dt.date, mission_last_day: dt.date, notified_on: dt.date | None = None) -> Notice:
    """B12: the notice a professional's planned departure needs, read from NOTICE_TABLE.

    A 1 January – 14 February mission has started two months: 2 weeks. A month of notice is
    counted in calendar days from the notification (from the mission's start when none is given).
    """
    end = mission_last_day + dt.timedelta(days=1)
    for rule in NOTICE_TABLE:
        if rule.below_months is not None:
            limit = add_months(mission_start, rule.below_months)
            if not (end < limit or (rule.inclusive and end == limit)):
                continue
        length = rule.notice
        if rule.per_started_month:
            length = Length(rule.notice.amount * started_months(mission_start, end), rule.notice.unit)
        base = notified_on or mission_start
        days = (add_months(base, length.amount) - base).days if length.unit is Unit.CALENDAR_MONTHS else length.amount
        label = rule.label if not rule.per_started_month else f"{length.amount // 7} semaine" \
            f"{'s' if length.amount > 7 else ''} ({rule.label})"
        return Notice(length, days, label)
    raise AssertionError("NOTICE_TABLE ends with an unbounded rule")


# --- due times --------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# The hours each hour-based working unit counts: opening hours, or whole working days (D7).
_HOURS_ON_WORKING_DAYS = {Unit.WORKING_HOURS: workdays.DEFAULT_HOURS,
                          Unit.WORKING_DAY_HOURS: workdays.WHOLE_WORKING_DAYS}


def due_at(start: dt.datetime, length: Length, territory: str) -> dt.datetime:
    """When a deadline of ``length`` started at ``start`` expires (UTC).

    Elapsed units add time; day and month units expire at the end (local midnight) of the
    last day, counted from the day the clock started; working hours count inside opening hours,
    working-day hours every hour of a working day (72 of them: three working days, midnight to
    midnight, a request made on a Saturday counting from Monday 00:00).
    """
    u, n = length.unit, length.amount
    if u is Unit.ELAPSED_MINUTES:
        return (start + dt.timedelta(minutes=n)).astimezone(dt.UTC)
    if u is Unit.ELAPSED_HOURS:
        return (start + dt.timedelta(hours=n)).astimezone(dt.UTC)
    if u in _HOURS_ON_WORKING_DAYS:
        return workdays.add_working_hours(start, dt.timedelta(hours=n), territory, _HOURS_ON_WORKING_DAYS[u])
    day = workdays.local_date(start, territory)
    if u is Unit.CALENDAR_DAYS:
        last = day + dt.timedelta(days=n)
    elif u is Unit.CALENDAR_MONTHS:
        last = add_months(day, n)
    else:
        last = workdays.add_working_days(day, n, territory)
    return workdays.end_of_day(last, territory)


# --- one deadline ---------------------------------------------------------------------------


class DeadlineState(StrEnum):
    RUNNING = "running"
    MET = "met"
    MISSED = "missed"
    PAUSED = "paused"
    CANCELLED = "cancelled"


STATE_LABELS = {DeadlineState.RUNNING: "en cours", DeadlineState.MET: "respecté", DeadlineState.MISSED: "dépassé",
                DeadlineState.PAUSED: "suspendu", DeadlineState.CANCELLED: "annulé"}


class Evidence(Model):
    """What happened to a deadline, and which message or event says so."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: str  # started | stopped | paused | resumed | missed | rescheduled | cancelled
    at: AwareDatetime
    ref: str | None = None  # message key, event id, decision id …
    note: str | None = None


Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,199}$")]


DAY = dt.timedelta(days=1)


def days_late(due_at: dt.datetime, until: dt.datetime) -> int:
    """THE counting rule: days of lateness due at ``until`` — each started 24 h after ``due_at``."""
    if until <= due_at:
        return 0
    return math.ceil((until - due_at) / DAY)


def day_start(due_at: dt.datetime, day: int) -> dt.datetime:
    """When day ``day`` (from 1) of lateness starts."""
    return due_at + (day - 1) * DAY


class Deadline(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline_id: Id  # letters, digits, - and _ only: it is part of Cloud Tasks task names
    kind: str
    tenant_id: str  # the manager whose space holds it
    territory: str
    started_at: AwareDatetime
    due_at: AwareDatetime
    length_amount: int
    length_unit: Unit
    variant: str | None = None
    contractor_id: str | None = None
    contract_id: str | None = None
    order_id: str | None = None
    state: DeadlineState = DeadlineState.RUNNING
    stopped_at: AwareDatetime | None = None
    paused_at: AwareDatetime | None = None
    remaining: float | None = None  # while paused: seconds, or working days for WORKING_DAYS
    penalty_rule: str | None = None
    daily_amount_cents: int | None = None
    version: int = 1
    accrued_days: int = 0  # days of lateness already in the ledger (the entries' ids make it safe)
    evidence: tuple[Evidence, ...] = ()

    @property
    def length(self) -> Length:
        return Length(self.length_amount, self.length_unit)

    @property
    def kind_spec(self) -> DeadlineKind:
        return KINDS[self.kind]

    @property
    def open(self) -> bool:
        """Still able to change on its own: running, paused, or missed and not yet stopped."""
        return self.state in (DeadlineState.RUNNING, DeadlineState.PAUSED) or (
            self.state is DeadlineState.MISSED and self.stopped_at is None)

    @property
    def next_check_at(self) -> dt.datetime | None:
        """When this deadline next needs attention: its due time while running, the start of its
        next day of lateness not yet in the ledger while missed with a penalty rule, else never."""
        if self.state is DeadlineState.RUNNING:
            return self.due_at
        if self.state is DeadlineState.MISSED and self.penalty_rule is not None:
            if self.stopped_at is None or self.accrued_days < days_late(self.due_at, self.stopped_at):
                return day_start(self.due_at, self.accrued_days + 1)
        return None

    def _with(self, event: str, at: dt.datetime, ref: str | None, note: str | None = None, **updates) -> Deadline:
        return self.model_copy(update={**updates, "evidence": (*self.evidence, Evidence(event=event, at=at, ref=ref,
                                                                                      note=note))})

    def check(self, now: dt.datetime) -> Deadline:
        """A running deadline whose due time has passed becomes missed (nothing else changes)."""
        if self.state is DeadlineState.RUNNING and now >= self.due_at:
            return self._with("missed", self.due_at, None, state=DeadlineState.MISSED)
        return self

    def stop(self, at: dt.datetime, ref: str | None) -> Deadline:
        """The awaited event happened at ``at``: met if in time, else missed and stopped (accrual ends).

        Stopping a stopped, met or cancelled deadline changes nothing (redeliveries are harmless).
        """
        if not self.open:
            return self
        current = self if self.state is not DeadlineState.RUNNING else self.check(at)
        if current.state is DeadlineState.PAUSED:
            # Stopped while the clock was suspended: the remaining time was never exhausted.
            return current._with("stopped", at, ref, state=DeadlineState.MET, stopped_at=at, paused_at=None,
                                 remaining=None)
        state = DeadlineState.MET if current.state is DeadlineState.RUNNING else DeadlineState.MISSED
        return current._with("stopped", at, ref, state=state, stopped_at=at)

    def pause(self, at: dt.datetime, ref: str | None) -> Deadline:
        """Suspend the clock (e.g. the order is on hold); only a running, pausable deadline pauses."""
        if self.state is not DeadlineState.RUNNING:
            return self
        if not self.kind_spec.pausable:
            raise DomainError([ErrorDetail.of("$.kind", "DEADLINE_NOT_PAUSABLE", kind=self.kind)])
        current = self.check(at)
        if current.state is not DeadlineState.RUNNING:
            return current
        if self.length_unit is Unit.WORKING_DAYS:
            remaining = float(workdays.working_days_between(
                workdays.local_date(at, self.territory),
                workdays.local_date(self.due_at - dt.timedelta(microseconds=1), self.territory), self.territory))
        elif self.length_unit in _HOURS_ON_WORKING_DAYS:
            remaining = workdays.working_hours_between(at, self.due_at, self.territory,
                                                       _HOURS_ON_WORKING_DAYS[self.length_unit]).total_seconds()
        else:
            remaining = (self.due_at - at).total_seconds()
        return self._with("paused", at, ref, state=DeadlineState.PAUSED, paused_at=at, remaining=remaining,
                          version=self.version + 1)

    def resume(self, at: dt.datetime, ref: str | None) -> Deadline:
        """Restart the clock with the time that was left when it paused: the due time moves."""
        if self.state is not DeadlineState.PAUSED:
            return self
        assert self.remaining is not None
        if self.length_unit is Unit.WORKING_DAYS:
            last = workdays.add_working_days(workdays.local_date(at, self.territory), int(self.remaining),
                                             self.territory)
            due = workdays.end_of_day(last, self.territory)
        elif self.length_unit in _HOURS_ON_WORKING_DAYS:
            due = workdays.add_working_hours(at, dt.timedelta(seconds=self.remaining), self.territory,
                                             _HOURS_ON_WORKING_DAYS[self.length_unit])
        else:
            due = (at + dt.timedelta(seconds=self.remaining)).astimezone(dt.UTC)
        return self._with("resumed", at, ref, state=DeadlineState.RUNNING, due_at=due, paused_at=None,
                          remaining=None, version=self.version + 1)

    def reschedule(self, at: dt.datetime, ref: str | None, *, started_at: dt.datetime | None = None,
                   length: Length | None = None) -> Deadline:
        """Its inputs changed (a corrected start, an offer stating a shorter length): a new due time."""
        if self.state is not DeadlineState.RUNNING:
            return self
        start = started_at or self.started_at
        new_length = length or self.length
        if length is not None:
            _check_length(self.kind_spec, new_length, self.variant)
        due = due_at(start, new_length, self.territory)
        if due == self.due_at and start == self.started_at:
            return self
        return self._with("rescheduled", at, ref, started_at=start, due_at=due, length_amount=new_length.amount,
                          length_unit=new_length.unit, version=self.version + 1).check(at)

    def cancel(self, at: dt.datetime, ref: str | None, note: str | None = None) -> Deadline:
        if self.state not in (DeadlineState.RUNNING, DeadlineState.PAUSED):
            return self
        return self._with("cancelled", at, ref, note, state=DeadlineState.CANCELLED, version=self.version + 1)


def _check_length(kind: DeadlineKind, length: Length, variant: str | None) -> None:
    contractual = kind.variants.get(variant) if kind.length is None else kind.length
    assert contractual is not None
    if length == contractual:
        return
    if not kind.shorter_allowed or length.unit is not contractual.unit or not 0 < length.amount <= contractual.amount:
        raise DomainError([ErrorDetail.of("$.length", "DEADLINE_LENGTH_EXCEEDED", length=length.label(),
                                          maximum=contractual.label(), kind=kind.kind_id)])


def start(kind_id: str, deadline_id: str, *, tenant_id: str, territory: str, started_at: dt.datetime,
          ref: str | None, contractor_id: str | None = None, contract_id: str | None = None,
          order_id: str | None = None, variant: str | None = None, length: Length | None = None,
          penalty_rule: str | None = None, daily_amount_cents: int | None = None) -> Deadline:
    """A new running deadline of ``kind_id``; raises DomainError for an unknown kind, variant or length."""
    kind = KINDS.get(kind_id)
    if kind is None:
        raise DomainError([ErrorDetail.of("$.kind", "UNKNOWN_DEADLINE_KIND", value=kind_id)])
    workdays.territory(territory)  # validates the code
    if kind.length is None and variant not in kind.variants:
        raise DomainError([ErrorDetail.of("$.variant", "DEADLINE_VARIANT_REQUIRED", kind=kind_id,
                                          allowed=", ".join(kind.variants))])
    contractual = kind.length or kind.variants[variant]  # type: ignore[index]
    effective = length or contractual
    _check_length(kind, effective, variant)
    return Deadline(
        deadline_id=deadline_id, kind=kind_id, tenant_id=tenant_id, territory=territory,
        started_at=started_at, due_at=due_at(started_at, effective, territory),
        length_amount=effective.amount, length_unit=effective.unit, variant=variant,
        contractor_id=contractor_id, contract_id=contract_id, order_id=order_id,
        penalty_rule=penalty_rule if penalty_rule is not None else kind.penalty_rule,
        daily_amount_cents=daily_amount_cents,
        evidence=(Evidence(event="started", at=started_at, ref=ref),),
    )


class AccruePenalties(Model):
    """What accrue_penalties is sent: a deadline's timer (Cloud Tasks), or ``{"sweep": true}`` (Cloud
    Scheduler, hourly, and a sweep carrying on at once)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="AccruePenalties")

    tenant_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")] | None = None
    deadline_id: Annotated[str, Field(min_length=1, max_length=240, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")] | None = None
    version: int | None = None
    fire_at: str | None = None
    sweep: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> AccruePenalties:
        if not self.sweep and (self.tenant_id is None or self.deadline_id is None):
            raise PydanticCustomError("REQUIRED", "Un minuteur nomme tenant_id et deadline_id (ou sweep vaut true).")
        return self
