"""Penalties (A9, P1): the ledger of amounts accrued while a deadline stays missed.

The counting rule lives in ONE place, ``days_late``: each started period of 24 hours after
the due time counts as one day of lateness (docs/penalties.md). Day k of a deadline covers
[due + (k-1)·24 h, due + k·24 h); its entry id is ``<deadline id>-d<k>``, so running the
accrual again — a duplicate timer, a retry, the daily sweep — never writes it twice.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain import french_csv, workdays
from shared.domain.french_csv import euros
from shared.domain.deadlines import KINDS, Deadline, DeadlineState, day_start, days_late
from shared.domain.errors import DomainError, ErrorDetail


# Rule id → default amount per day of lateness, in cents. P1: 150 EUR per day, uncapped.
RULES: dict[str, int] = {"P1": 15_000}

# A9 "non-compliant format": the rejection codes that open an F1 deadline (docs/penalties.md).
# The message does not follow the published format (envelope, JSON, schema, values). Not
# counted: ORDER_NOT_FOUND (no order, hence no manager's ledger, can be named), SEQUENCE_GAP /
# SEQUENCE_OUTDATED (ordering of well-formed messages: a redelivery or one still in transit),
# ILLEGAL_TRANSITION / TRANSITION_NOT_ALLOWED_FOR_ACTOR / ORDER_TERMINATED (a well-formed message
# at odds with the order's state, which the manager may have changed) and MESSAGE_ID_REUSED.
NON_COMPLIANT_FORMAT_CODES: frozenset[str] = frozenset({
    "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "INVALID_ENVELOPE", "UNKNOWN_EVENT_TYPE", "PAYLOAD_TOO_LARGE",
    "REQUIRED", "UNKNOWN_FIELD", "INVALID_TYPE", "INVALID_FORMAT", "INVALID_LENGTH", "OUT_OF_RANGE",
    "INVALID_VALUE", "INVALID_PHONE", "INVALID_PERIOD", "DUPLICATE_VALUE", "UNKNOWN_LINE",
    "MISSING_FIELD_FOR_TRANSITION", "OCCURRED_IN_FUTURE",
})


def non_compliant_format(codes: list[str]) -> bool:
    """Does a rejection count as a non-compliant format (A9)? Any one counted code is enough."""
    return any(code in NON_COMPLIANT_FORMAT_CODES for code in codes)


class PenaltyTerms(BaseModel):
    """A contract's penalty terms: amounts per rule and rules attached to other kinds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    daily_amount_cents: dict[str, int] = Field(default_factory=dict)  # overrides RULES per rule
    rules_by_kind: dict[str, str] = Field(default_factory=dict)  # e.g. {"D3": "P1"} when B16 is priced

    def rule_for(self, kind: str) -> str | None:
        return self.rules_by_kind.get(kind, KINDS[kind].penalty_rule)

    def amount_for(self, rule: str) -> int:
        return self.daily_amount_cents.get(rule, RULES[rule])


def terms_of(contract: dict | None) -> PenaltyTerms:
    """The penalty terms a stored contract document carries (defaults when it has none)."""
    return PenaltyTerms.model_validate((contract or {}).get("penalty_terms") or {})


def accrual_end(deadline: Deadline, now: dt.datetime) -> dt.datetime:
    """Lateness runs until the awaited event finally happens (stopped_at), else until now."""
    return min(now, deadline.stopped_at) if deadline.stopped_at is not None else now


def entry_id(deadline_id: str, day: int) -> str:
    return f"{deadline_id}-d{day:05d}"


class EntryStatus(StrEnum):
    ACCRUED = "accrued"
    DISPUTED = "disputed"
    WAIVED = "waived"


STATUS_LABELS = {EntryStatus.ACCRUED: "due", EntryStatus.DISPUTED: "contestée", EntryStatus.WAIVED: "remise"}


class DecisionAction(StrEnum):
    WAIVE = "waive"        # the manager forgoes the amount
    DISPUTE = "dispute"    # put aside while the contractor's objection is examined
    UPHOLD = "uphold"      # the dispute is rejected: the amount is due again


# action → (statuses it applies to, resulting status)
DECISIONS: dict[DecisionAction, tuple[frozenset[EntryStatus], EntryStatus]] = {
    DecisionAction.WAIVE: (frozenset({EntryStatus.ACCRUED, EntryStatus.DISPUTED}), EntryStatus.WAIVED),
    DecisionAction.DISPUTE: (frozenset({EntryStatus.ACCRUED}), EntryStatus.DISPUTED),
    DecisionAction.UPHOLD: (frozenset({EntryStatus.DISPUTED}), EntryStatus.ACCRUED),
}


class PenaltyDecision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: DecisionAction
    reason: str
    by: str
    at: AwareDatetime


class PenaltyEntry(BaseModel):
    """One day of lateness of one deadline. Never deleted: decisions are appended."""

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

    def decide(self, action: DecisionAction, reason: str, by: str, at: dt.datetime) -> PenaltyEntry:
        allowed, result = DECISIONS[action]
        if self.status not in allowed:
            raise DomainError([ErrorDetail.of("$.action", "PENALTY_DECISION_NOT_ALLOWED", action=action.value,
                                              status_label=STATUS_LABELS[self.status])])
        return self.model_copy(update={"status": result,
                                       "decisions": (*self.decisions, PenaltyDecision(action=action, reason=reason,
                                                                               by=by, at=at))})


def entries_due(deadline: Deadline, now: dt.datetime, already: int = 0) -> list[PenaltyEntry]:
    """Ledger entries for days ``already``+1 … ``days_late`` of a missed deadline carrying a rule."""
    if deadline.state is not DeadlineState.MISSED or deadline.penalty_rule is None:
        return []
    amount = deadline.daily_amount_cents if deadline.daily_amount_cents is not None else RULES[deadline.penalty_rule]
    evidence = [e.model_dump(mode="json") for e in deadline.evidence]
    entries = []
    for day in range(already + 1, days_late(deadline.due_at, accrual_end(deadline, now)) + 1):
        start = day_start(deadline.due_at, day)
        local = workdays.local_date(start, deadline.territory)
        entries.append(PenaltyEntry(
            entry_id=entry_id(deadline.deadline_id, day), tenant_id=deadline.tenant_id,
            contractor_id=deadline.contractor_id, contract_id=deadline.contract_id,
            deadline_id=deadline.deadline_id, kind=deadline.kind, day=day, day_start=start,
            local_date=local.isoformat(), month=local.strftime("%Y-%m"), territory=deadline.territory,
            amount_cents=amount,
            rule_id=deadline.penalty_rule, evidence=evidence, created_at=now,
        ))
    return entries


# --- statements -------------------------------------------------------------------------------


class StatementLine(BaseModel):
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


class Statement(BaseModel):
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


def statement(tenant_id: str, contractor_id: str, contract_id: str | None, month: str,
              entries: list[PenaltyEntry]) -> Statement:
    chosen = sorted((e for e in entries if e.contractor_id == contractor_id and e.month == month
                     and (contract_id is None or e.contract_id == contract_id)),
                    key=lambda e: (e.local_date, e.deadline_id, e.day))
    lines = [StatementLine(entry_id=e.entry_id, local_date=e.local_date, territory=e.territory,
                           deadline_id=e.deadline_id, kind=e.kind,
                           kind_label=KINDS[e.kind].label, day=e.day, rule_id=e.rule_id,
                           amount_cents=e.amount_cents, status=e.status,
                           reason=e.decisions[-1].reason if e.decisions else None) for e in chosen]

    def total(status: EntryStatus) -> int:
        return sum(line.amount_cents for line in lines if line.status is status)

    return Statement(tenant_id=tenant_id, contractor_id=contractor_id, contract_id=contract_id, month=month,
                     lines=lines, accrued_cents=total(EntryStatus.ACCRUED), disputed_cents=total(EntryStatus.DISPUTED),
                     waived_cents=total(EntryStatus.WAIVED), total_cents=sum(line.amount_cents for line in lines))


CSV_COLUMNS = ("Date", "Délai", "Type de délai", "Jour de retard", "Règle", "Montant (EUR)", "Statut", "Motif",
               "Territoire")


def statement_csv(s: Statement) -> bytes:
    """French CSV (shared.domain.french_csv): decimal comma, dates JJ/MM/AAAA."""
    rows: list[tuple] = [CSV_COLUMNS]
    for line in s.lines:
        d = dt.date.fromisoformat(line.local_date)
        rows.append((d.strftime("%d/%m/%Y"), line.deadline_id, f"{line.kind} — {line.kind_label}", line.day,
                     line.rule_id, euros(line.amount_cents), STATUS_LABELS[line.status], line.reason or "",
                     line.territory or ""))
    rows.append(())
    rows += [(label, "", "", "", "", euros(cents), "", "", "") for label, cents in (
        ("Total dû", s.accrued_cents), ("Total contesté", s.disputed_cents), ("Total remis", s.waived_cents),
        ("Total enregistré", s.total_cents))]
    return french_csv.write(rows)


class DecidePenalty(BaseModel):
    """What a manager sends to waive, dispute or uphold a penalty entry (decide_penalty)."""

    # The wire name stays PenaltyDecisionRequest (the JSON Schema clients know).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="PenaltyDecisionRequest")

    entry_id: str = Field(min_length=1, max_length=240, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    action: DecisionAction
    reason: str = Field(min_length=1, max_length=1000)
