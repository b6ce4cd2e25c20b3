"""Penalties (A9, P1): the ledger of amounts accrued while a deadline stays missed.

The counting rule lives in ONE place, ``days_late``: each started period of 24 hours after
the due time counts as one day of lateness (docs/penalties.md). Day k of a deadline covers
[due + (k-1)·24 h, due + k·24 h); its entry id is ``<deadline id>-d<k>``, so running the
accrual again — a duplicate timer, a retry, the daily sweep — never writes it twice.

Pooled kinds (D1 late sharing, F1 non-compliant format: ``DeadlineKind.pooled``) owe P1 per
started day of lateness *per contract*, not per message ("150 euros par jour"): day k of such a
deadline is a ``Cause`` (id ``<deadline id>-d<k>``) of its contract's entry for the local date
the day starts on (id ``<rule>-<contract digest>-<YYYYMMDD>``). Forty messages late on one day
are forty causes of one entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from enum import StrEnum
from zoneinfo import ZoneInfo

from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shared.domain.base import Model
from shared.domain import french_csv, workdays
from shared.domain.french_csv import euros
from shared.domain.deadlines import KINDS, Deadline, DeadlineState, Length, day_start, days_late
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.territories import clock_fields, territory_name


# Rule id → default amount per day of lateness, in cents. P1: 150 EUR per day, uncapped.
RULES: dict[str, int] = {"P1": 15_000}

# A9 "non-compliant format": the rejection codes that open an F1 deadline (docs/penalties.md).
# The message does not follow the published format (envelope, JSON, schema, values). Not
# counted: ORDER_NOT_FOUND (no order, hence no manager's ledger, can be named), SEQUENCE_GAP /
# SEQUENCE_OUTDATED (ordering of well-formed messages: a redelivery or one still in transit),
# ILLEGAL_TRANSITION / TRANSITION_NOT_ALLOWED_FOR_ACTOR / ORDER_TERMINATED (a well-formed message
# at odds with the order's state, which the manager may have changed) and MESSAGE_ID_REUSED. Counted like
# OCCURRED_IN_FUTURE: OCCURRED_BEFORE_ORDER / DATE_BEFORE_ORDER, a date the contractor got wrong against the
# issue date the order itself carried to it, which never changes.
NON_COMPLIANT_FORMAT_CODES: frozenset[str] = frozenset({
    "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "INVALID_ENVELOPE", "UNKNOWN_EVENT_TYPE", "PAYLOAD_TOO_LARGE",
    "REQUIRED", "UNKNOWN_FIELD", "INVALID_TYPE", "INVALID_FORMAT", "INVALID_LENGTH", "OUT_OF_RANGE",
    "INVALID_VALUE", "INVALID_PHONE", "INVALID_PERIOD", "DUPLICATE_VALUE", "UNKNOWN_LINE",
    "MISSING_FIELD_FOR_TRANSITION", "OCCURRED_IN_FUTURE", "OCCURRED_BEFORE_ORDER", "DATE_BEFORE_ORDER",
})


def non_compliant_format(codes: list[str]) -> bool:
    """Does a rejection count as a non-compliant format (A9)? Any one counted code is enough."""
    return any(code in NON_COMPLIANT_FORMAT_CODES for code in codes)


class PenaltyTerms(Model):
    """A contract's (or a beneficiary agreement's) terms per deadline: amounts per rule, rules attached
    to kinds the catalogue leaves unpriced (or ``"none"`` to waive a default one), and the shorter
    lengths an offer may state (D4 in working days, D7 in hours counted on working days)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    daily_amount_cents: dict[str, Annotated[int, Field(ge=0, le=100_000_000)]] = Field(default_factory=dict)
    rules_by_kind: dict[str, str] = Field(default_factory=dict)  # e.g. {"D3": "P1"} when B16 is priced
    lengths: dict[str, Annotated[int, Field(gt=0)]] = Field(default_factory=dict)  # e.g. {"D7": 48}

    @model_validator(mode="after")
    def _known(self) -> PenaltyTerms:
        for rule in self.daily_amount_cents:
            if rule not in RULES:
                raise PydanticCustomError("INVALID_VALUE", "règle inconnue « {rule} » (règles : {rules})",
                                          {"rule": rule, "rules": ", ".join(RULES)})
        for kind, rule in self.rules_by_kind.items():
            if kind not in KINDS:
                raise PydanticCustomError("UNKNOWN_DEADLINE_KIND", "type de délai inconnu « {value} »", {"value": kind})
            if rule != NO_RULE and rule not in RULES:
                raise PydanticCustomError("INVALID_VALUE", "règle inconnue « {rule} » (règles : {rules}, ou none)",
                                          {"rule": rule, "rules": ", ".join(RULES)})
        for kind, amount in self.lengths.items():
            spec = KINDS.get(kind)
            if spec is None or not spec.shorter_allowed or spec.length is None or amount > spec.length.amount:
                raise PydanticCustomError(
                    "DEADLINE_LENGTH_EXCEEDED", "délai de {kind} : un délai plus court que le contractuel seulement "
                    "(D4 ≤ 10 jours ouvrés, D7 ≤ 72 heures ouvrées)", {"kind": kind})
        return self

    def rule_for(self, kind: str) -> str | None:
        rule = self.rules_by_kind.get(kind, KINDS[kind].penalty_rule)
        return None if rule == NO_RULE else rule

    def amount_for(self, rule: str) -> int:
        return self.daily_amount_cents.get(rule, RULES[rule])

    def length_for(self, kind: str) -> Length | None:
        """The shorter length the terms state for ``kind`` (in its contractual unit), if any."""
        spec = KINDS[kind]
        if kind not in self.lengths or spec.length is None:
            return None
        return Length(self.lengths[kind], spec.length.unit)


NO_RULE = "none"  # rules_by_kind value: this kind carries no penalty under these terms


def terms_of(contract: dict | None) -> PenaltyTerms:
    """The penalty terms a stored contract document carries (defaults when it has none)."""
    return PenaltyTerms.model_validate((contract or {}).get("penalty_terms") or {})


def accrual_end(deadline: Deadline, now: dt.datetime) -> dt.datetime:
    """Lateness runs until the awaited event finally happens (stopped_at), else until now."""
    return min(now, deadline.stopped_at) if deadline.stopped_at is not None else now


def entry_id(deadline_id: str, day: int) -> str:
    return f"{deadline_id}-d{day:05d}"


# The ledger label of a pooled entry, by rule (its ``kind`` is the rule id).
POOL_LABELS = {"P1": "Partage des données d'exécution (retard ou format non conforme), par jour et par marché"}


def pool_id(rule_id: str, tenant_id: str, contractor_id: str | None, contract_id: str | None) -> str:
    """The ledger pool of one contract (manager, contractor, contract) under one rule."""
    key = "\x1f".join((tenant_id, contractor_id or "", contract_id or ""))
    return f"{rule_id}-{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def pooled_entry_id(pool: str, local: dt.date) -> str:
    return f"{pool}-{local:%Y%m%d}"


class EntryStatus(StrEnum):
    ACCRUED = "accrued"
    DISPUTED = "disputed"
    WAIVED = "waived"


STATUS_LABELS = {EntryStatus.ACCRUED: "due", EntryStatus.DISPUTED: "contestée", EntryStatus.WAIVED: "remise"}


class DecisionAction(StrEnum):
    WAIVE = "waive"        # the manager forgoes the amount
    DISPUTE = "dispute"    # put aside while the contractor's objection is examined
    UPHOLD = "uphold"      # the dispute is rejected: the amount is due again


# What a manager reads of each decision (its refusal names it so, never by its API value).
ACTION_LABELS = {DecisionAction.WAIVE: "remettre", DecisionAction.DISPUTE: "contester",
                 DecisionAction.UPHOLD: "maintenir"}

# action → (statuses it applies to, resulting status)
DECISIONS: dict[DecisionAction, tuple[frozenset[EntryStatus], EntryStatus]] = {
    DecisionAction.WAIVE: (frozenset({EntryStatus.ACCRUED, EntryStatus.DISPUTED}), EntryStatus.WAIVED),
    DecisionAction.DISPUTE: (frozenset({EntryStatus.ACCRUED}), EntryStatus.DISPUTED),
    DecisionAction.UPHOLD: (frozenset({EntryStatus.DISPUTED}), EntryStatus.ACCRUED),
}


class PenaltyDecision(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: DecisionAction
    reason: str
    by: str
    at: AwareDatetime


class Cause(Model):
    """One day of lateness of one pooled deadline (a late or malformed message) behind its contract's
    entry of that day. Its id is the deadline's day, so a day is never a cause twice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cause_id: str  # <deadline id>-d<k>
    entry_id: str
    tenant_id: str
    contractor_id: str | None
    contract_id: str | None
    month: str
    local_date: str
    deadline_id: str
    kind: str
    day: int
    day_start: AwareDatetime
    order_id: str | None = None
    ref: str | None = None  # the message that started the deadline (late message, rejected message)
    stopped_by: str | None = None  # the message that ended its lateness, when known
    created_at: AwareDatetime


class PenaltyEntry(Model):
    """One day of lateness of one deadline — or, pooled, of one contract (its causes are kept apart,
    ``Cause``). Never deleted: decisions are appended."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entry_id: str
    tenant_id: str
    contractor_id: str | None
    contract_id: str | None
    deadline_id: str
    kind: str
    day: int
    day_start: AwareDatetime
    local_date: str  # ISO date of day_start in the deadline's territory (statements group by its month)
    month: str  # YYYY-MM of local_date
    territory: str | None = None  # the deadline's territory (B18), shown on statements; None on older entries
    amount_cents: int
    rule_id: str
    evidence: list[dict]
    status: EntryStatus = EntryStatus.ACCRUED
    decisions: tuple[PenaltyDecision, ...] = ()
    created_at: AwareDatetime
    pooled: bool = False  # one day of a contract: deadline_id is the pool, kind the rule, causes apart
    # The cause this entry was computed for (pooled only); stored as its own document, never with the entry.
    causes: tuple[Cause, ...] = Field(default=(), exclude=True)

    def decide(self, action: DecisionAction, reason: str, by: str, at: dt.datetime) -> PenaltyEntry:
        allowed, result = DECISIONS[action]
        if self.status not in allowed:
            raise DomainError([ErrorDetail.of("$.action", "PENALTY_DECISION_NOT_ALLOWED",
                                              action=ACTION_LABELS[action],
                                              status_label=STATUS_LABELS[self.status])])
        return self.model_copy(update={"status": result,
                                       "decisions": (*self.decisions, PenaltyDecision(action=action, reason=reason,
                                                                               by=by, at=at))})


def entries_due(deadline: Deadline, now: dt.datetime, already: int = 0) -> list[PenaltyEntry]:
    """Ledger entries for days ``already``+1 … ``days_late`` of a missed deadline carrying a rule."""
    if deadline.state is not DeadlineState.MISSED or deadline.penalty_rule is None:
        return []
    amount = deadline.daily_amount_cents if deadline.daily_amount_cents is not None else RULES[deadline.penalty_rule]
    pooled = deadline.kind_spec.pooled
    evidence = [] if pooled else [e.model_dump(mode="json") for e in deadline.evidence]
    pool = pool_id(deadline.penalty_rule, deadline.tenant_id, deadline.contractor_id, deadline.contract_id)
    entries = []
    for day in range(already + 1, days_late(deadline.due_at, accrual_end(deadline, now)) + 1):
        start = day_start(deadline.due_at, day)
        local = workdays.local_date(start, deadline.territory)
        where = {"tenant_id": deadline.tenant_id, "contractor_id": deadline.contractor_id,
                 "contract_id": deadline.contract_id, "local_date": local.isoformat(), "month": local.strftime("%Y-%m")}
        causes: tuple[Cause, ...] = ()
        if pooled:
            causes = (Cause(cause_id=entry_id(deadline.deadline_id, day), entry_id=pooled_entry_id(pool, local),
                            deadline_id=deadline.deadline_id, kind=deadline.kind, day=day, day_start=start,
                            order_id=deadline.order_id, ref=deadline.evidence[0].ref if deadline.evidence else None,
                            stopped_by=_stopped_by(deadline), created_at=now, **where),)
        entries.append(PenaltyEntry(
            entry_id=causes[0].entry_id if pooled else entry_id(deadline.deadline_id, day),
            deadline_id=pool if pooled else deadline.deadline_id, kind=deadline.penalty_rule if pooled else deadline.kind,
            day=day, day_start=start, territory=deadline.territory, amount_cents=amount,
            rule_id=deadline.penalty_rule, evidence=evidence, created_at=now, pooled=pooled, causes=causes, **where,
        ))
    return entries


def _stopped_by(deadline: Deadline) -> str | None:
    stops = [e.ref for e in deadline.evidence if e.event == "stopped"]
    return stops[-1] if stops else None


def kind_label(kind: str) -> str:
    """A ledger entry's label: its deadline kind's, or its pool's (a pooled entry's kind is its rule)."""
    return KINDS[kind].label if kind in KINDS else POOL_LABELS.get(kind, kind)


# --- statements -------------------------------------------------------------------------------


class StatementCause(Model):
    """A message behind a pooled day: the deadline (D1 late sharing, F1 format) and its day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline_id: str
    kind: str
    day: int
    order_id: str | None
    ref: str | None
    stopped_by: str | None = None
    message_id: str | None = Field(default=None, description=(
        "A9: the id the contractor gave the message behind the day (its CloudEvents id, or the REST call's), from "
        "its message log; null when the log no longer has it (kept 35 days). `ref` is the platform's key of it."))


class StatementLine(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entry_id: str
    local_date: str
    territory: str | None = None  # where the day was counted (B18)
    deadline_id: str
    kind: str
    kind_label: str
    day: int
    rule_id: str
    amount_cents: int
    status: EntryStatus
    reason: str | None
    causes: list[StatementCause] = Field(default_factory=list)  # pooled: every message that caused the day
    order_id: str | None = Field(default=None, description=(
        "A9: the order whose deadline this day belongs to (a deadline of one order); null for a pooled day (its "
        "causes name their orders) and for a deadline of no order (D2 connection after signature)."))
    contract_title: str | None = Field(default=None, description=(
        "A9: the title of the contract the day is owed under, from the manager's contract record; null when it "
        "names none or the record is gone (`contract_id` of the statement's lines then only)."))
    contract_id: str | None = Field(default=None, description="A9: the contract the day is owed under.")
    territory_label: str | None = Field(default=None, description=(
        "B18: the French name of the territory the day was counted in (« Rhône » for 69); null without one."))
    decided_at: AwareDatetime | None = Field(default=None, description="When the last decision (waived, disputed, "
                                                                      "upheld) was recorded; null before any.")
    last_decision: DecisionAction | None = Field(default=None, description=(
        "A9: the last decision recorded on the line (waive, dispute, uphold); null before any. An upheld line is "
        "due again (`status` accrued): this tells it from a line never decided, « maintenue le … » on screen."))
    time_zone: str = Field(default="Europe/Paris", description=(
        "B18: the IANA time zone of the territory the day was counted in (its deadline's: the order's, a "
        "mission's beneficiary's; an older entry naming none: Europe/Paris): its date is that territory's day and "
        "the web app shows its decision's time on that clock."))
    time_zone_label: str = Field(default="Heures de Paris", description="B18: that clock's French name.")
    decisions_allowed: list[DecisionAction] = Field(default_factory=list, description=(
        "A9: the decisions decide_penalty accepts on this line now, from its status (due: waive or dispute; "
        "disputed: waive or uphold; waived: none, it is final). The web app offers only these."))


def decisions_allowed(status: EntryStatus) -> list[DecisionAction]:
    """A9: the decisions a line of this status accepts (DECISIONS), in the order of DecisionAction."""
    return [action for action in DecisionAction if status in DECISIONS[action][0]]


class Statement(Model):
    """A month of penalties for one contractor and contract (or every contract when None)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant_id: str
    contractor_id: str
    contract_id: str | None
    month: str
    lines: list[StatementLine]
    accrued_cents: int  # due
    disputed_cents: int
    waived_cents: int
    total_cents: int  # everything recorded, whatever its status
    time_zone: str | None = Field(default=None, description=(
        "B18: the clock every line shares (America/Martinique when all were counted in Martinique; Europe/Paris "
        "for an empty month); null when the lines were counted in territories of different clocks, each line "
        "then naming its own."))
    time_zone_label: str | None = Field(default=None, description="B18: that clock's French name, null with it.")
    order_titles: dict[str, str] = Field(default_factory=dict, description=(
        "A9: the title of each order the lines name (their `order_id` and their causes'), order id → title, read from "
        "the manager's orders; an order not found or without a title is left out (its id alone is shown)."))


def statement(tenant_id: str, contractor_id: str, contract_id: str | None, month: str,
              entries: list[PenaltyEntry], causes: list[Cause] = (), *, orders: Mapping[str, str] | None = None,
              contract_titles: Mapping[str, str] | None = None,
              message_ids: Mapping[str, str] | None = None, order_titles: Mapping[str, str] | None = None) -> Statement:
    """The month's statement; what names its lines comes read already (A9): ``orders`` the order of each
    non-pooled deadline (deadline id → order id), ``contract_titles`` by contract id, ``message_ids`` the
    contractor's own id of each message behind a pooled day (its ref → id), ``order_titles`` by order id."""
    orders, contract_titles, message_ids = orders or {}, contract_titles or {}, message_ids or {}
    chosen = sorted((e for e in entries if e.contractor_id == contractor_id and e.month == month
                     and (contract_id is None or e.contract_id == contract_id)),
                    key=lambda e: (e.local_date, e.deadline_id, e.day))
    by_entry: dict[str, list[StatementCause]] = {}
    for c in sorted(causes, key=lambda c: (c.day_start, c.cause_id)):
        by_entry.setdefault(c.entry_id, []).append(StatementCause(
            deadline_id=c.deadline_id, kind=c.kind, day=c.day, order_id=c.order_id, ref=c.ref, stopped_by=c.stopped_by,
            message_id=message_ids.get(c.ref or "")))
    lines = [StatementLine(entry_id=e.entry_id, local_date=e.local_date, territory=e.territory,
                           deadline_id=e.deadline_id, kind=e.kind,
                           kind_label=kind_label(e.kind), day=e.day, rule_id=e.rule_id,
                           amount_cents=e.amount_cents, status=e.status,
                           reason=e.decisions[-1].reason if e.decisions else None,
                           decided_at=e.decisions[-1].at if e.decisions else None,
                           last_decision=e.decisions[-1].action if e.decisions else None,
                           causes=by_entry.get(e.entry_id, []), decisions_allowed=decisions_allowed(e.status),
                           order_id=None if e.pooled else orders.get(e.deadline_id), contract_id=e.contract_id,
                           contract_title=contract_titles.get(e.contract_id or ""),
                           territory_label=territory_name(e.territory), **_clock(e.territory)) for e in chosen]
    clocks = {(line.time_zone, line.time_zone_label) for line in lines} or {tuple(_clock(None).values())}
    shared_zone, shared_label = clocks.pop() if len(clocks) == 1 else (None, None)

    def total(status: EntryStatus) -> int:
        return sum(line.amount_cents for line in lines if line.status is status)

    return Statement(tenant_id=tenant_id, contractor_id=contractor_id, contract_id=contract_id, month=month,
                     lines=lines, accrued_cents=total(EntryStatus.ACCRUED), disputed_cents=total(EntryStatus.DISPUTED),
                     waived_cents=total(EntryStatus.WAIVED), total_cents=sum(line.amount_cents for line in lines),
                     time_zone=shared_zone, time_zone_label=shared_label, order_titles=dict(order_titles or {}))


def _clock(territory: str | None) -> dict[str, str]:
    """B18: the clock a statement line's day was counted on (territories.clock_fields, without the territory)."""
    fields = clock_fields(territory)
    return {"time_zone": fields["time_zone"], "time_zone_label": fields["time_zone_label"]}


CSV_COLUMNS = ("Date", "Délai", "Jour de retard", "Commande", "Messages en cause", "Marché", "Territoire",
               "Montant (EUR)", "Statut", "Motif", "Décision du")


def statement_rows(s: Statement) -> list[tuple]:
    """A9: the statement as a person reads it, one row per day (CSV_COLUMNS), then a blank row and the totals:
    the deadline by its kind and French label, never its id; the order by its reference (a pooled day: each of
    its messages, « Réfection (BC-1) : message m-17 — événement transmis en retard (plus de 15 min), 2e jour »), by
    its title and reference when the title is known; the contract by its title and
    id; the territory by its name and code; the status, the last decision's reason and its local date."""
    rows: list[tuple] = [CSV_COLUMNS]
    for line in s.lines:
        d = dt.date.fromisoformat(line.local_date)
        rows.append((d.strftime("%d/%m/%Y"), _deadline_text(line), line.day, _orders_text(line, s.order_titles),
                     " ; ".join(_cause_text(c, s.order_titles) for c in line.causes),
                     _named(line.contract_title, line.contract_id),
                     _named(line.territory_label, line.territory), euros(line.amount_cents),
                     _status_text(line), line.reason or "", _decided_on(line)))
    rows.append(())
    blank = ("",) * (len(CSV_COLUMNS) - 8)
    rows += [(label, *("",) * 6, euros(cents), *blank) for label, cents in (
        ("Total dû", s.accrued_cents), ("Total contesté", s.disputed_cents), ("Total remis", s.waived_cents),
        ("Total enregistré", s.total_cents))]
    return rows


def statement_csv(s: Statement) -> bytes:
    """French CSV (shared.domain.french_csv: ``;``, UTF-8 with BOM, formulas neutralised): decimal comma, dates
    JJ/MM/AAAA, the rows of ``statement_rows``."""
    return french_csv.write(statement_rows(s))


# What each pooled cause's kind means to a person (web/penalties_logic.mjs CAUSE_KIND_TEXTS says the same on screen).
CAUSE_TEXTS = {"D1": "événement transmis en retard (plus de 15 min)",
               "F1": "message refusé pour son format, pas encore corrigé ce jour-là"}


def _deadline_text(line: StatementLine) -> str:
    """« D8 — Première réponse à un incident »; a pooled day: the kinds of its causes (« D1 — … »), else its pool."""
    kinds = sorted({c.kind for c in line.causes}) if line.causes else [line.kind]
    return " ; ".join(f"{k} — {kind_label(k)}" if k in KINDS else kind_label(k) for k in kinds)


def _orders_text(line: StatementLine, titles: Mapping[str, str]) -> str:
    ids = dict.fromkeys(c.order_id for c in line.causes if c.order_id) if line.causes else [line.order_id or ""]
    return ", ".join(_named(titles.get(i), i) for i in ids)


def _cause_text(c: StatementCause, titles: Mapping[str, str]) -> str:
    """« Réfection (BC-1) : message m-17 — événement transmis en retard (plus de 15 min), 2e jour »."""
    message = f"message {c.message_id}" if c.message_id else "message"
    where = f"{_named(titles.get(c.order_id), c.order_id)} : " if c.order_id else ""
    day = "1er jour" if c.day == 1 else f"{c.day}e jour"
    return f"{where}{message} — {CAUSE_TEXTS.get(c.kind, kind_label(c.kind))}, {day}"


def _named(name: str | None, code: str | None) -> str:
    """« Rhône (69) », « Marché d'entretien (AC-1) »; the code alone without a name."""
    if name and code:
        return f"{name} ({code})"
    return name or code or ""


def _status_text(line: StatementLine) -> str:
    """« due », « contestée », « remise »; an upheld line is due again and says so: « due (maintenue) »."""
    label = STATUS_LABELS[line.status]
    return f"{label} (maintenue)" if line.last_decision is DecisionAction.UPHOLD else label


def _decided_on(line: StatementLine) -> str:
    """The last decision's date on the clock of the line's territory, JJ/MM/AAAA ('' before any)."""
    if line.decided_at is None:
        return ""
    return line.decided_at.astimezone(ZoneInfo(line.time_zone)).strftime("%d/%m/%Y")


class DecidePenalty(Model):
    """What a manager sends to waive, dispute or uphold a penalty entry (decide_penalty)."""

    # The wire name stays PenaltyDecisionRequest (the JSON Schema clients know).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="PenaltyDecisionRequest")

    entry_id: str = Field(min_length=1, max_length=240, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    action: DecisionAction
    reason: str = Field(min_length=1, max_length=1000)
