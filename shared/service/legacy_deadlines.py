"""Deadlines, their timers and the penalty ledger: one service function per command.

Timers are Cloud Tasks named ``<deadline id>-v<version>[-d<day>][-h<hop>]`` that POST
``{"tenant_id", "deadline_id", "version", "fire_at"}`` to accrue_penalties. Whatever fires —
the due-time timer, a daily accrual timer, a duplicate, a stale version, the hourly sweep —
runs the same ``process``: check the deadline against the clock, write the missing ledger
days (ids make them unique), then ``arm`` the next timer. A deadline met, paused or cancelled
needs no timer, so a late firing for it changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from shared.domain import deadlines as dl
from shared.domain import penalties
from shared.domain.deadlines import Deadline, DeadlineState, Length
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.orders import TERMINAL_STATES, Order, OrderState
from shared.domain.penalties import (
    DecisionAction, PenaltyEntry, PenaltyTerms, Statement, entries_due, statement,
)
from shared.ports import Changes, Clock, ConcurrencyConflict, DeadlineWrite, Timers, Versioned, digest
from shared.service.retry import with_optimistic_retry

log = logging.getLogger(__name__)

# Cloud Tasks refuses a schedule_time more than 30 days ahead: farther timers are chained.
HORIZON = dt.timedelta(days=29)
# A Firestore batch holds 500 writes; a deadline found very late is accrued in several commits.
MAX_DAYS_PER_COMMIT = 400
# Last resort only: flows pass the order's territory (shared/service/territories.py, B18).
DEFAULT_TERRITORY = "75"


class DeadlineStore(Protocol):
    def commit(self, changes: Changes) -> None: ...
    def get_deadline(self, tenant_id: str, deadline_id: str) -> Versioned[Deadline] | None: ...
    def due_deadlines(self, now: dt.datetime, limit: int) -> list[Versioned[Deadline]]: ...
    def commit_many(self, changes: list[Changes]) -> list[Changes]: ...  # answers those refused by a conflict
    def get_entry(self, tenant_id: str, entry_id: str) -> Versioned[PenaltyEntry] | None: ...
    def update_entry(self, entry: PenaltyEntry, version: Any) -> None: ...
    def entries(self, tenant_id: str, contractor_id: str, month: str) -> list[PenaltyEntry]: ...
    def manager_territory(self, manager_id: str) -> str | None: ...  # B18: a manager's own territory


# --- timers -----------------------------------------------------------------------------------


def timer_name(d: Deadline, hop: int = 0) -> str:
    name = f"{d.deadline_id}-v{d.version}"
    if d.state is DeadlineState.MISSED:
        name += f"-d{d.accrued_days + 1}"
    return name + (f"-h{hop}" if hop else "")


def arm(d: Deadline, timers: Timers | None, now: dt.datetime) -> str | None:
    """Schedule the timer of the deadline's next check (chained beyond the horizon); its name if any."""
    at = d.next_check_at
    if at is None or timers is None:
        return None
    hop = 0
    schedule_time = at
    if at - now > HORIZON:
        hop = int((at - now) / HORIZON)
        schedule_time = now + HORIZON
    name = timer_name(d, hop)
    payload = {"tenant_id": d.tenant_id, "deadline_id": d.deadline_id, "version": d.version,
               "fire_at": at.isoformat()}
    created = timers.queue.schedule(name, timers.url, payload, max(schedule_time, now))
    log.info("deadline timer armed", extra={"deadline_id": d.deadline_id, "task": name, "task_created": created,
                                            "schedule_time": schedule_time.isoformat()})
    return name


# --- the one processing step --------------------------------------------------------------------


def _advance(d: Deadline, now: dt.datetime) -> tuple[Deadline, list[PenaltyEntry]]:
    """The deadline checked against ``now`` and the ledger days it still owes (at most one commit's worth)."""
    d = d.check(now)
    entries = entries_due(d, now, already=d.accrued_days)[:MAX_DAYS_PER_COMMIT]
    if entries:
        d = d.model_copy(update={"accrued_days": entries[-1].day})
    return d, entries


def process(tenant_id: str, deadline_id: str, store: DeadlineStore, clock: Clock) -> Deadline | None:
    """Bring one deadline up to date with the clock: missed when due, ledger days written."""

    def attempt() -> tuple[Deadline | None, bool]:
        current = store.get_deadline(tenant_id, deadline_id)
        if current is None:
            return None, False
        d, entries = _advance(current.value, clock.now())
        if d != current.value:
            store.commit(Changes(deadlines=[DeadlineWrite(d, current.version)], penalties=entries))
            log.info("deadline processed", extra={"deadline_id": deadline_id, "state": d.state.value,
                                                  "new_days": len(entries), "accrued_days": d.accrued_days})
        return d, len(entries) == MAX_DAYS_PER_COMMIT

    while True:
        d, more = with_optimistic_retry(attempt)
        if not more:
            return d


def on_timer(payload: dict[str, Any], store: DeadlineStore, timers: Timers | None, clock: Clock) -> dict[str, Any]:
    """A timer fired (accrue_penalties): process the deadline, then arm its next timer."""
    tenant_id, deadline_id = payload.get("tenant_id"), payload.get("deadline_id")
    errors = [ErrorDetail.of(f"$.{name}", "REQUIRED") for name, value
              in (("tenant_id", tenant_id), ("deadline_id", deadline_id)) if not isinstance(value, str) or not value]
    if errors:
        raise DomainError(errors)
    d = process(tenant_id, deadline_id, store, clock)
    if d is None:
        log.warning("timer for an unknown deadline ignored", extra={"deadline_id": deadline_id})
        return {"deadline_id": deadline_id, "state": None, "next_timer": None}
    return {"deadline_id": deadline_id, "state": d.state.value, "accrued_days": d.accrued_days,
            "version": d.version, "next_timer": arm(d, timers, clock.now())}


def sweep(store: DeadlineStore, timers: Timers | None, clock: Clock, page: int = 500,
          max_deadlines: int = 20_000) -> dict[str, Any]:
    """Process every deadline whose check is overdue: the daily accrual in bulk, and the safety net
    for a lost timer (Cloud Scheduler, hourly).

    Page by page (oldest check first), each deadline is advanced by the same ``_advance`` as a
    timer, and the page's changes are committed together (the store packs them into batches,
    each deadline still under its own ``last_update_time`` precondition). A deadline changed
    meanwhile by a command or a timer is processed again on its own. A processed deadline's
    next check moves past ``now``, so the next page is the next work; a page that changes
    nothing ends the sweep. ``changed`` and ``days_accrued`` count what the sweep's own batches
    wrote; ``more`` says the cap was reached with work left, and then (with a task queue) a named
    task posts ``{"sweep": true}`` again at once, so a large backlog is worked through in several
    calls that each fit the function's time limit."""
    now = clock.now()
    processed = changed = days = 0
    while processed < max_deadlines:
        due = store.due_deadlines(now, min(page, max_deadlines - processed))
        if not due:
            break
        processed += len(due)
        advanced = [(current, *_advance(current.value, now)) for current in due]
        writes = [Changes(deadlines=[DeadlineWrite(d, current.version)], penalties=entries)
                  for current, d, entries in advanced if d != current.value]
        refused = store.commit_many(writes)
        for change in refused:  # changed since read (a timer, a command): read again, one by one
            d = change.deadlines[0].deadline
            process(d.tenant_id, d.deadline_id, store, clock)
        _arm_many([d for _, d, _ in advanced], timers, now)
        changed += len(writes) - len(refused)
        days += sum(len(w.penalties) for w in writes) - sum(len(c.penalties) for c in refused)
        if not writes:
            break
    more = processed >= max_deadlines and bool(store.due_deadlines(now, 1))
    if more and timers is not None:  # carry on at once in a fresh call rather than wait an hour
        timers.queue.schedule(f"sweep-{now:%Y%m%dT%H%M%S}-{processed}", timers.url, {"sweep": True}, now)
    log.info("sweep done", extra={"processed": processed, "changed": changed, "days": days, "more": more})
    return {"processed": processed, "changed": changed, "days_accrued": days, "more": more}


def _arm_many(ds: list[Deadline], timers: Timers | None, now: dt.datetime, workers: int = 8) -> None:
    """Re-arm the timers of a sweep's page: one Cloud Tasks call each, made concurrently (an existing
    name is refused at once, so a timer still alive is not doubled)."""
    if timers is None or not ds:
        return
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(workers, len(ds))) as pool:
        for future in [pool.submit(contextvars.copy_context().run, arm, d, timers, now) for d in ds]:
            future.result()


# --- commands on deadlines -------------------------------------------------------------------


def start_deadline(kind: str, deadline_id: str, *, tenant_id: str, territory: str, started_at: dt.datetime,
                   ref: str | None, store: DeadlineStore, timers: Timers | None, clock: Clock,
                   terms: PenaltyTerms | None = None, **fields: Any) -> Deadline:
    """Start (once) a deadline of ``kind``; starting it again returns the existing one."""
    existing = store.get_deadline(tenant_id, deadline_id)
    if existing is not None:
        return existing.value
    return open_deadline(plan_deadline(kind, deadline_id, tenant_id=tenant_id, territory=territory,
                                       started_at=started_at, ref=ref, terms=terms, **fields), store, timers, clock)


def plan_deadline(kind: str, deadline_id: str, *, tenant_id: str, territory: str, started_at: dt.datetime,
                  ref: str | None, terms: PenaltyTerms | None = None, **fields: Any) -> Deadline:
    """The deadline a flow is about to start, with its rule and amount from the contract's terms.

    A flow that also records the due date on its own document derives it from this value and
    passes the same value to ``open_deadline``: the due time is computed once.
    """
    terms = terms or PenaltyTerms()
    rule = terms.rule_for(kind) if kind in dl.KINDS else None
    return dl.start(kind, deadline_id, tenant_id=tenant_id, territory=territory, started_at=started_at, ref=ref,
                    penalty_rule=rule, daily_amount_cents=terms.amount_for(rule) if rule else None, **fields)


def open_deadline(d: Deadline, store: DeadlineStore, timers: Timers | None, clock: Clock) -> Deadline:
    """Store (once) a planned deadline, bring it up to date with the clock and arm its timer.

    Idempotent: opening it again (a retried request, a redelivered event) returns the stored one.
    """
    tenant_id, deadline_id = d.tenant_id, d.deadline_id
    try:
        store.commit(Changes(deadlines=[DeadlineWrite(d, None)]))
    except ConcurrencyConflict:  # started meanwhile by the same event delivered twice
        current = store.get_deadline(tenant_id, deadline_id)
        assert current is not None
        return current.value
    d = process(tenant_id, deadline_id, store, clock) or d  # a clock started long ago may be missed already
    arm(d, timers, clock.now())
    return d


def _change(tenant_id: str, deadline_id: str, change: Callable[[Deadline, dt.datetime], Deadline],
            store: DeadlineStore, timers: Timers | None, clock: Clock) -> Deadline:
    def attempt() -> Deadline:
        current = store.get_deadline(tenant_id, deadline_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.deadline_id", "DEADLINE_NOT_FOUND", deadline_id=deadline_id)])
        after = change(current.value, clock.now())
        if after != current.value:
            store.commit(Changes(deadlines=[DeadlineWrite(after, current.version)]))
        return after

    with_optimistic_retry(attempt)
    d = process(tenant_id, deadline_id, store, clock)
    assert d is not None
    arm(d, timers, clock.now())
    return d


def stop_deadline(tenant_id: str, deadline_id: str, at: dt.datetime, ref: str | None, store: DeadlineStore,
                  timers: Timers | None, clock: Clock) -> Deadline:
    """The awaited event happened at ``at``: met, or missed and its accrual closed at ``at``."""
    return _change(tenant_id, deadline_id, lambda d, now: d.check(now).stop(at, ref), store, timers, clock)


def reschedule_deadline(tenant_id: str, deadline_id: str, ref: str | None, store: DeadlineStore,
                        timers: Timers | None, clock: Clock, *, started_at: dt.datetime | None = None,
                        length: Length | None = None) -> Deadline:
    """The deadline's inputs changed: new due time, new version, new timer (the old one is ignored)."""
    before = store.get_deadline(tenant_id, deadline_id)
    d = _change(tenant_id, deadline_id,
                lambda d, now: d.reschedule(now, ref, started_at=started_at, length=length), store, timers, clock)
    if before is not None and before.value.version != d.version and timers is not None:
        timers.queue.cancel(timer_name(before.value))  # best effort: a stale timer is harmless anyway
    return d


# --- hooks on the order path -------------------------------------------------------------------


def _priced(kind: str, terms: PenaltyTerms | None) -> dict[str, Any]:
    """The rule and daily amount a contract's terms give ``kind`` (the catalogue's by default)."""
    if terms is None:
        return {}
    rule = terms.rule_for(kind)
    return {"penalty_rule": rule, "daily_amount_cents": terms.amount_for(rule) if rule else None}


def late_sharing(manager_id: str, order: Order, message_key: str, occurred_at: dt.datetime,
                 received_at: dt.datetime, terms: PenaltyTerms | None = None,
                 territory: str = DEFAULT_TERRITORY) -> tuple[DeadlineWrite, list[PenaltyEntry]]:
    """D1 for a message received late: the deadline (missed, stopped at receipt) and its P1 days.

    Written in the same atomic commit as the message it measures, so neither exists without
    the other; the days are final at once since the lateness ended when the message arrived.
    """
    d = dl.start("D1", f"D1-{digest(order.contractor_id, message_key)[:32]}", tenant_id=manager_id,
                 territory=territory, started_at=occurred_at, ref=message_key,
                 contractor_id=order.contractor_id, contract_id=order.contract_id, order_id=order.order_id,
                 **_priced("D1", terms))
    d = d.stop(received_at, message_key)
    entries = entries_due(d, received_at)
    if entries:
        d = d.model_copy(update={"accrued_days": entries[-1].day})
    return DeadlineWrite(d, None), entries


def format_deadline_id(contractor_id: str, manager_id: str, order_id: str, sequence: int | None) -> str:
    """F1 is one per (order, sequence): a second bad attempt at the same message extends nothing."""
    return f"F1-{digest(contractor_id, manager_id, order_id, str(sequence))[:32]}"


def non_compliant_format(store, manager_id: str, order: Order, sequence: int | None, message_key: str,
                         received_at: dt.datetime, codes: list[str],
                         terms: PenaltyTerms | None = None, territory: str = DEFAULT_TERRITORY
                         ) -> list[DeadlineWrite]:
    """A9/P1: a message rejected for its format opens F1 (due at once) in the reply's commit.

    Its timer, armed after the commit, writes day 1 at once and one day per started day after,
    until ``format_corrected`` stops it. Only the codes of NON_COMPLIANT_FORMAT_CODES count.
    """
    if not penalties.non_compliant_format(codes):
        return []
    deadline_id = format_deadline_id(order.contractor_id, manager_id, order.order_id, sequence)
    if any(d.value.deadline_id == deadline_id for d in store.deadlines_of_order(manager_id, order.order_id)):
        return []  # already open (or already corrected) for this order and sequence
    d = dl.start("F1", deadline_id, tenant_id=manager_id, territory=territory, started_at=received_at,
                 ref=message_key, contractor_id=order.contractor_id, contract_id=order.contract_id,
                 order_id=order.order_id, **_priced("F1", terms))
    return [DeadlineWrite(d.check(received_at), None)]


def format_corrected(store, manager_id: str, order: Order, sequence: int, message_key: str,
                     received_at: dt.datetime) -> list[DeadlineWrite]:
    """An accepted message for the order stops its F1 for the same sequence (or for a rejected
    message whose sequence could not be read); the ledger closes at the accepted message."""
    ids = {format_deadline_id(order.contractor_id, manager_id, order.order_id, s) for s in (sequence, None)}
    writes = []
    for current in store.deadlines_of_order(manager_id, order.order_id):
        if current.value.deadline_id in ids and current.value.open:
            writes.append(DeadlineWrite(current.value.stop(received_at, message_key), current.version))
    return writes


def follow_order(store, before: Order, after: Order, at: dt.datetime, ref: str) -> list[DeadlineWrite]:
    """An order going on hold pauses its running deadlines; resuming it resumes them. An order that
    ends (closed, cancelled, declared impossible — held or not) ends its open deadlines: what awaited
    it can no longer come (e.g. F1's corrected message), so a running or paused one is cancelled and
    a missed one stops accruing there (the days already owed stay in the ledger)."""
    if before.state is after.state:
        return []
    if after.state in TERMINAL_STATES:
        change = lambda d: _end_with_order(d, at, ref, after.state)  # noqa: E731
    elif after.state is OrderState.ON_HOLD:
        change = lambda d: d.pause(at, ref) if d.kind_spec.pausable else d  # noqa: E731
    elif before.state is OrderState.ON_HOLD:
        change = lambda d: d.resume(at, ref)  # noqa: E731
    else:
        return []
    writes = []
    for current in store.deadlines_of_order(after.manager_id, after.order_id):
        changed = change(current.value)
        if changed != current.value:
            writes.append(DeadlineWrite(changed, current.version))
    return writes


def _end_with_order(d: Deadline, at: dt.datetime, ref: str, state: OrderState) -> Deadline:
    current = d.check(at) if d.state is DeadlineState.RUNNING else d
    if current.state is DeadlineState.MISSED:
        return current.stop(at, ref)
    return d.cancel(at, ref, f"commande terminée ({state.value})")


def arm_all(writes: list[DeadlineWrite], timers: Timers | None, now: dt.datetime) -> None:
    for write in writes:
        arm(write.deadline, timers, now)


# --- the ledger -------------------------------------------------------------------------------


def decide_penalty(tenant_id: str, entry_id: str, action: DecisionAction, reason: str, by: str,
                   store: DeadlineStore, clock: Clock) -> PenaltyEntry:
    """A manager waives, disputes or upholds one ledger entry; the reason is kept with it."""

    def attempt() -> PenaltyEntry:
        current = store.get_entry(tenant_id, entry_id)
        if current is None:
            raise DomainError([ErrorDetail.of("$.entry_id", "PENALTY_NOT_FOUND", entry_id=entry_id)])
        after = current.value.decide(action, reason, by, clock.now())
        store.update_entry(after, current.version)
        return after

    entry = with_optimistic_retry(attempt)
    log.info("penalty decision", extra={"entry_id": entry_id, "action": action.value, "status": entry.status.value})
    return entry


def monthly_statement(tenant_id: str, contractor_id: str, contract_id: str | None, month: str,
                      store: DeadlineStore) -> Statement:
    return statement(tenant_id, contractor_id, contract_id, month, store.entries(tenant_id, contractor_id, month))
