"""Deadlines, their timers and the penalty ledger (docs/penalties.md).

A flow starts, stops or changes a deadline inside its own unit of work, so the deadline is
committed with the state that changed it (``open_deadline``, ``stop_deadline``, ``reschedule_deadline``). Its timer is a
named Cloud Task ``<deadline id>-v<version>[-d<day>][-h<hop>]`` armed once that commit has
succeeded; it POSTs ``{"tenant_id", "deadline_id", "version", "fire_at"}`` to accrue_penalties.
Whatever fires — the due-time timer, a daily accrual timer, a duplicate, a stale version, the
hourly sweep — runs the same step (``advance``): check the deadline against the clock, write
the missing ledger days (their ids make them unique), arm the next timer. A deadline met,
paused or cancelled needs no timer, so a late firing for it changes nothing.

  managers/{tenant}/deadlines/{deadline}   one deadline: state, due time, evidence, version
  managers/{tenant}/penalties/{entry}      one day of lateness of one deadline, or of one contract
                                           for the pooled kinds D1/F1 (never deleted)
  managers/{tenant}/penalty_causes/{cause} one day of one pooled deadline behind its contract's day
                                           (created once; the day's entry is created by its first
                                           cause, so concurrent messages never update one document)

``next_check_at`` is stored beside the deadline: the instant it next needs attention (its due
time while running, the start of its next day of lateness while missed); the sweep reads it
with one collection-group range query (index in infra/terraform/firestore.tf).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shared.domain import deadlines as dl
from shared.domain.deadlines import Deadline, DeadlineState, Length
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.penalties import (
    Cause, DecisionAction, PenaltyEntry, PenaltyTerms, Statement, entries_due, statement,
)
from shared.ports import Clock, ConcurrencyConflict, Document, Query, Timer, UnitOfWork
from shared.service.transaction import transact

log = logging.getLogger(__name__)

# Cloud Tasks refuses a schedule_time more than 30 days ahead: farther timers are chained.
HORIZON = dt.timedelta(days=29)
# Ledger days written by one timer commit (each with its audit record); a deadline found very late
# is accrued in several commits. A command that opens a deadline long overdue writes fewer, and
# leaves the rest to the timer it arms (due at once).
MAX_DAYS_PER_COMMIT = 400
DAYS_IN_A_COMMAND = 100
# Last resort only: flows pass the order's territory (shared/service/territories.py, B18).
DEFAULT_TERRITORY = "75"
# A commit holds 500 writes; each document written also writes its audit record and the record's
# sealing marker (shared/ports/unit_of_work.py).
BATCH_WRITES = 500
WRITES_PER_DOCUMENT = 3
_TIMES = ("started_at", "due_at", "stopped_at", "paused_at")


# --- storage ------------------------------------------------------------------------------------


def deadline_path(tenant_id: str, deadline_id: str) -> str:
    return f"managers/{tenant_id}/deadlines/{deadline_id}"


def entry_path(tenant_id: str, entry_id: str) -> str:
    return f"managers/{tenant_id}/penalties/{entry_id}"


def cause_path(tenant_id: str, cause_id: str) -> str:
    return f"managers/{tenant_id}/penalty_causes/{cause_id}"


def deadline_doc(d: Deadline) -> dict[str, Any]:
    """Times stay timestamps (range queries); ``next_check_at`` is the sweep's index."""
    data = d.model_dump(mode="json")
    for name in _TIMES:
        data[name] = getattr(d, name)
    data["next_check_at"] = d.next_check_at
    return data


def deadline_from(data: dict[str, Any]) -> Deadline:
    return Deadline.model_validate({k: v for k, v in data.items() if k != "next_check_at"}, strict=False)


def entry_doc(e: PenaltyEntry) -> dict[str, Any]:
    data = e.model_dump(mode="json")
    data["day_start"], data["created_at"] = e.day_start, e.created_at
    return data


def entry_from(data: dict[str, Any]) -> PenaltyEntry:
    return PenaltyEntry.model_validate(data, strict=False)


def cause_doc(c: Cause) -> dict[str, Any]:
    data = c.model_dump(mode="json")
    data["day_start"], data["created_at"] = c.day_start, c.created_at
    return data


def cause_from(data: dict[str, Any]) -> Cause:
    return Cause.model_validate(data, strict=False)


def load(uow: UnitOfWork, tenant_id: str, deadline_id: str) -> Deadline | None:
    data = uow.get(deadline_path(tenant_id, deadline_id))
    return deadline_from(data) if data is not None else None


def of_order(uow: UnitOfWork, manager_id: str, order_id: str) -> list[Deadline]:
    docs = uow.query(Query(f"managers/{manager_id}/deadlines", where=(("order_id", "==", order_id),)))
    return [deadline_from(d.data) for d in docs]


# --- timers -------------------------------------------------------------------------------------


def timer_name(d: Deadline, hop: int = 0) -> str:
    name = f"{d.deadline_id}-v{d.version}"
    if d.state is DeadlineState.MISSED:
        name += f"-d{d.accrued_days + 1}"
    return name + (f"-h{hop}" if hop else "")


def timer_for(d: Deadline, now: dt.datetime) -> Timer | None:
    """The timer of the deadline's next check, chained beyond Cloud Tasks' horizon; None if none is needed."""
    at = d.next_check_at
    if at is None:
        return None
    hop, fire_at = 0, at
    if at - now > HORIZON:
        hop, fire_at = int((at - now) / HORIZON), now + HORIZON
    return Timer(timer_name(d, hop), max(fire_at, now), {"tenant_id": d.tenant_id, "deadline_id": d.deadline_id,
                                                           "version": d.version, "fire_at": at.isoformat()})


def arm(uow: UnitOfWork, d: Deadline, now: dt.datetime) -> str | None:
    """Arm the deadline's next timer once ``uow`` commits; its name if any."""
    timer = timer_for(d, now)
    if timer is not None:
        uow.schedule(timer)
    return timer.name if timer else None


# --- the one processing step --------------------------------------------------------------------


def days_per_commit(d: Deadline, limit: int) -> int:
    """How many ledger days of ``d`` one commit may write: ``limit``, halved for a pooled kind, whose day
    may cost two documents (its cause and its contract's entry)."""
    return max(1, limit // 2) if d.kind_spec.pooled else limit


def advance(d: Deadline, now: dt.datetime, limit: int = MAX_DAYS_PER_COMMIT) -> tuple[Deadline, list[PenaltyEntry]]:
    """The deadline checked against ``now`` and the ledger days it still owes (at most ``limit`` days' worth
    of documents); the rest is left to its next timer, due at once."""
    d = d.check(now)
    entries = entries_due(d, now, already=d.accrued_days)[:days_per_commit(d, limit)]
    if entries:
        d = d.model_copy(update={"accrued_days": entries[-1].day})
    return d, entries


def save(uow: UnitOfWork, before: Deadline | None, after: Deadline, entries: list[PenaltyEntry],
         now: dt.datetime) -> None:
    """Buffer a deadline's change (``before`` None: it is new), its new ledger days, and its next timer."""
    path = deadline_path(after.tenant_id, after.deadline_id)
    if before is None:
        uow.create(path, deadline_doc(after))
    elif after != before:
        uow.update(path, deadline_doc(after))
    write_entries(uow, entries)
    if before is None or after.version != before.version or after.next_check_at != before.next_check_at:
        arm(uow, after, now)


def write_entries(uow: UnitOfWork, entries: list[PenaltyEntry]) -> None:
    """Buffer ledger days. A deadline's own day is created (its id makes it unique); a pooled day
    creates its cause, and its contract's entry for that date only if no cause created it before
    (read here, or already read by the caller with ``entry_paths``)."""
    for entry in entries:
        path = entry_path(entry.tenant_id, entry.entry_id)
        if not entry.pooled:
            uow.create(path, entry_doc(entry))
            continue
        for cause in entry.causes:
            uow.create(cause_path(cause.tenant_id, cause.cause_id), cause_doc(cause))
        if uow.get(path) is None:  # a concurrent first cause makes one of the two commits start again
            uow.create(path, entry_doc(entry))


def entry_paths(entries: list[PenaltyEntry]) -> list[str]:
    """The pooled entries ``write_entries`` will read, to fetch them in one round trip."""
    return [entry_path(e.tenant_id, e.entry_id) for e in entries if e.pooled]


# --- what flows do, in their own unit of work ---------------------------------------------------


def plan_deadline(kind: str, deadline_id: str, *, tenant_id: str, territory: str, started_at: dt.datetime,
         ref: str | None, terms: PenaltyTerms | None = None, **fields: Any) -> Deadline:
    """The deadline a flow is about to start, with its rule and amount from the contract's terms.

    A flow that also records the due date on its own document derives it from this value and
    passes the same value to ``open_deadline``: the due time is computed once.
    """
    terms = terms or PenaltyTerms()
    rule = terms.rule_for(kind) if kind in dl.KINDS else None
    if fields.get("length") is None and kind in dl.KINDS and (shorter := terms.length_for(kind)) is not None:
        fields["length"] = shorter  # the shorter delay the offer or agreement states (D4, D7)
    return dl.start(kind, deadline_id, tenant_id=tenant_id, territory=territory, started_at=started_at, ref=ref,
                    penalty_rule=rule, daily_amount_cents=terms.amount_for(rule) if rule else None, **fields)


def open_deadline(uow: UnitOfWork, d: Deadline, now: dt.datetime) -> Deadline:
    """Store a planned deadline once, brought up to date with ``now`` (a clock started long ago may be
    missed already) and its timer armed. Opening it again (a retried request, a redelivered event)
    returns the stored one and changes nothing."""
    existing = load(uow, d.tenant_id, d.deadline_id)
    if existing is not None:
        return existing
    after, entries = advance(d, now, DAYS_IN_A_COMMAND)
    save(uow, None, after, entries, now)
    return after


def change_deadline(uow: UnitOfWork, tenant_id: str, deadline_id: str, now: dt.datetime,
           how: Callable[[Deadline], Deadline]) -> Deadline:
    """Apply ``how`` to the stored deadline, bring it up to date and re-arm it, in ``uow``."""
    before = load(uow, tenant_id, deadline_id)
    if before is None:
        raise DomainError([ErrorDetail.of("$.deadline_id", "DEADLINE_NOT_FOUND", deadline_id=deadline_id)])
    after, entries = advance(how(before), now, DAYS_IN_A_COMMAND)
    save(uow, before, after, entries, now)
    if after.version != before.version and timer_for(before, now) is not None:
        uow.unschedule(timer_name(before))  # best effort: a stale timer is harmless anyway
    return after


def stop_deadline(uow: UnitOfWork, tenant_id: str, deadline_id: str, at: dt.datetime, ref: str | None,
         now: dt.datetime) -> Deadline:
    """The awaited event happened at ``at``: met, or missed and its accrual closed at ``at``."""
    return change_deadline(uow, tenant_id, deadline_id, now, lambda d: d.check(now).stop(at, ref))


def reschedule_deadline(uow: UnitOfWork, tenant_id: str, deadline_id: str, ref: str | None, now: dt.datetime, *,
               started_at: dt.datetime | None = None, length: Length | None = None) -> Deadline:
    """The deadline's inputs changed: new due time, new version, new timer (the old one is ignored)."""
    return change_deadline(uow, tenant_id, deadline_id, now,
                  lambda d: d.reschedule(now, ref, started_at=started_at, length=length))


# --- what the timers and the sweep do (accrue_penalties) ----------------------------------------


def process(uow: UnitOfWork, tenant_id: str, deadline_id: str, clock: Clock) -> Deadline | None:
    """Bring one deadline up to date with the clock: missed when due, ledger days written."""

    def attempt() -> tuple[Deadline | None, bool]:
        before = load(uow, tenant_id, deadline_id)
        if before is None:
            return None, False
        after, entries = advance(before, clock.now())
        if after != before:
            save(uow, before, after, entries, clock.now())
            log.info("deadline processed", extra={"deadline_id": deadline_id, "state": after.state.value,
                                                  "new_days": len(entries), "accrued_days": after.accrued_days})
        return after, len(entries) == days_per_commit(before, MAX_DAYS_PER_COMMIT)

    while True:
        d, more = transact(uow, attempt)
        if not more:
            return d


def on_timer(payload: dict[str, Any], uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """A timer fired (accrue_penalties): process the deadline, then arm its next timer."""
    tenant_id, deadline_id = payload.get("tenant_id"), payload.get("deadline_id")
    errors = [ErrorDetail.of(f"$.{name}", "REQUIRED") for name, value
              in (("tenant_id", tenant_id), ("deadline_id", deadline_id)) if not isinstance(value, str) or not value]
    if errors:
        raise DomainError(errors)
    d = process(uow, tenant_id, deadline_id, clock)
    if d is None:
        log.warning("timer for an unknown deadline ignored", extra={"deadline_id": deadline_id})
        return {"deadline_id": deadline_id, "state": None, "next_timer": None}
    name = transact(uow, lambda: arm(uow, d, clock.now()))  # a commit of no write: arms the timer
    return {"deadline_id": deadline_id, "state": d.state.value, "accrued_days": d.accrued_days,
            "version": d.version, "next_timer": name}


def sweep(uow: UnitOfWork, clock: Clock, page: int = 500, max_deadlines: int = 20_000,
          workers: int = 4) -> dict[str, Any]:
    """Process every deadline whose check is overdue: the daily accrual in bulk, and the safety net
    for a lost timer (Cloud Scheduler, hourly).

    Page by page (oldest check first), each deadline is advanced by the same ``advance`` as a
    timer. The page's changes are packed into commits of at most 500 writes, committed by
    ``workers`` threads, each deadline still under its own precondition; a pack a precondition
    refuses is committed again change by change, and a deadline changed meanwhile by a command or
    a timer is processed again on its own. A processed deadline's next check moves past ``now``,
    so the next page is the next work; a page that changes nothing ends the sweep. ``more`` says
    the cap was reached with work left: a named task then posts ``{"sweep": true}`` again at once,
    so a large backlog is worked through in calls that each fit the function's time limit."""
    now = clock.now()
    due_query = Query("deadlines", group=True, where=(("next_check_at", "<=", now),),
                      order_by=(("next_check_at", "asc"),))
    processed = changed = days = 0
    while processed < max_deadlines:
        uow.begin()
        due = uow.query(replace(due_query, limit=min(page, max_deadlines - processed)))
        if not due:
            break
        processed += len(due)
        advanced = [(doc, deadline_from(doc.data), *advance(deadline_from(doc.data), now)) for doc in due]
        changes = [(doc, before, after, entries) for doc, before, after, entries in advanced if after != before]
        refused = _commit_packed(uow, changes, now, workers)
        for doc, before, _, _ in refused:  # changed since read (a timer, a command): again, one by one
            process(uow.fork(), before.tenant_id, before.deadline_id, clock)
        unchanged = [after for _, before, after, _ in advanced if after == before]
        if unchanged:  # a lost timer is re-armed
            transact(uow, lambda: [arm(uow, d, now) for d in unchanged])
        changed += len(changes) - len(refused)
        days += sum(len(c[3]) for c in changes) - sum(len(c[3]) for c in refused)
        if not changes:
            break
    uow.begin()
    more = processed >= max_deadlines and bool(uow.query(replace(due_query, limit=1)))
    if more:  # carry on at once in a fresh call rather than wait an hour
        uow.schedule(Timer(f"sweep-{now:%Y%m%dT%H%M%S}-{processed}", now, {"sweep": True}))
        uow.commit()
    log.info("sweep done", extra={"processed": processed, "changed": changed, "days": days, "more": more})
    return {"processed": processed, "changed": changed, "days_accrued": days, "more": more}


_Change = tuple[Document, Deadline, Deadline, list[PenaltyEntry]]


def _commit_packed(uow: UnitOfWork, changes: list[_Change], now: dt.datetime, workers: int) -> list[_Change]:
    """Commit the changes in packs of at most 500 writes on ``workers`` threads; answer those refused."""
    packs: list[list[_Change]] = []
    size = BATCH_WRITES
    for change_ in changes:
        writes = (1 + sum(2 if e.pooled else 1 for e in change_[3])) * WRITES_PER_DOCUMENT
        if size + writes > BATCH_WRITES:
            packs.append([])
            size = 0
        packs[-1].append(change_)
        size += writes

    def commit(group: list[_Change]) -> None:
        pack = uow.fork()
        pack.get_all([path for *_, entries in group for path in entry_paths(entries)])
        for doc, before, after, entries in group:
            pack.remember(doc)
            save(pack, before, after, entries, now)
        pack.commit()

    def commit_pack(group: list[_Change]) -> list[_Change]:
        if len(group) > 1:
            try:
                commit(group)
                return []
            except ConcurrencyConflict:
                pass
        refused = []
        for one in group:
            try:
                commit([one])
            except ConcurrencyConflict:
                refused.append(one)
        return refused

    if not packs:
        return []
    # only the sweep commits in parallel: the many functions that open or stop a deadline do not load threads
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(1, min(workers, len(packs)))) as pool:
        # each task runs in a copy of this context: the audit actor and the correlation id follow
        futures = [pool.submit(contextvars.copy_context().run, commit_pack, p) for p in packs]
        return [c for f in futures for c in f.result()]


# --- the ledger ---------------------------------------------------------------------------------


def decide_penalty(uow: UnitOfWork, tenant_id: str, entry_id: str, action: DecisionAction, reason: str, by: str,
                   clock: Clock) -> PenaltyEntry:
    """A manager waives, disputes or upholds one ledger entry; the reason is kept with it."""

    def attempt() -> PenaltyEntry:
        data = uow.get(entry_path(tenant_id, entry_id))
        if data is None:
            raise DomainError([ErrorDetail.of("$.entry_id", "PENALTY_NOT_FOUND", entry_id=entry_id)])
        after = entry_from(data).decide(action, reason, by, clock.now())
        uow.update(entry_path(tenant_id, entry_id), entry_doc(after))
        return after

    entry = transact(uow, attempt)
    log.info("penalty decision", extra={"entry_id": entry_id, "action": action.value, "status": entry.status.value})
    return entry


def entries_of_month(uow: UnitOfWork, tenant_id: str, contractor_id: str, month: str) -> list[PenaltyEntry]:
    docs = uow.query(Query(f"managers/{tenant_id}/penalties", where=(("contractor_id", "==", contractor_id),
                                                                      ("month", "==", month))))
    return [entry_from(d.data) for d in docs]


def entries_of_deadline(uow: UnitOfWork, tenant_id: str, deadline_id: str) -> list[PenaltyEntry]:
    """A deadline's own ledger days; for a pooled deadline (D1, F1), the contract days it caused."""
    docs = uow.query(Query(f"managers/{tenant_id}/penalties", where=(("deadline_id", "==", deadline_id),)))
    if docs:
        return sorted((entry_from(d.data) for d in docs), key=lambda e: e.day)
    ids = sorted({c.entry_id for c in causes_of_deadline(uow, tenant_id, deadline_id)})
    found = uow.get_all([entry_path(tenant_id, i) for i in ids])
    return sorted((entry_from(d) for d in found.values()), key=lambda e: e.local_date)


def causes_of_deadline(uow: UnitOfWork, tenant_id: str, deadline_id: str) -> list[Cause]:
    docs = uow.query(Query(f"managers/{tenant_id}/penalty_causes", where=(("deadline_id", "==", deadline_id),)))
    return sorted((cause_from(d.data) for d in docs), key=lambda c: c.day)


def causes_of_entry(uow: UnitOfWork, tenant_id: str, entry_id: str) -> list[Cause]:
    docs = uow.query(Query(f"managers/{tenant_id}/penalty_causes", where=(("entry_id", "==", entry_id),)))
    return sorted((cause_from(d.data) for d in docs), key=lambda c: (c.day_start, c.cause_id))


def causes_of_month(uow: UnitOfWork, tenant_id: str, contractor_id: str, month: str) -> list[Cause]:
    docs = uow.query(Query(f"managers/{tenant_id}/penalty_causes", where=(("contractor_id", "==", contractor_id),
                                                                           ("month", "==", month))))
    return [cause_from(d.data) for d in docs]


def monthly_statement(uow: UnitOfWork, tenant_id: str, contractor_id: str, contract_id: str | None,
                      month: str) -> Statement:
    """A month of a contractor's penalties, each pooled day with every message that caused it.

    An empty month of a contractor the platform does not know is a typing error, not « no penalty » (A9): it is
    refused naming ``contractor_id``; a contractor with entries that month reads them whatever its record became."""
    entries = entries_of_month(uow, tenant_id, contractor_id, month)
    causes = causes_of_month(uow, tenant_id, contractor_id, month)
    if not entries and not causes and uow.get(f"contractors/{contractor_id}") is None:
        raise DomainError([ErrorDetail.of("query.contractor_id", "CONTRACTOR_NOT_FOUND", contractor_id=contractor_id)])
    return statement(tenant_id, contractor_id, contract_id, month, entries, causes,
                     **statement_names(uow, tenant_id, contractor_id, entries, causes))


def statement_names(uow: UnitOfWork, tenant_id: str, contractor_id: str, entries: list[PenaltyEntry],
                    causes: list[Cause]) -> dict[str, dict[str, str]]:
    """What names a statement's lines (A9), in at most TWO batch reads whatever the month's size: the deadline of
    each day of one deadline (its order), each contract's record (its title), the contractor's message log entry of
    each message behind a pooled day (the id the contractor gave it) and the orders those messages were about (their
    titles); then the orders of the days of one deadline, known from their deadlines (their titles)."""
    deadline_paths = {deadline_path(tenant_id, e.deadline_id): e.deadline_id for e in entries if not e.pooled}
    contract_paths = {f"managers/{tenant_id}/contracts/{c}": c for c in {e.contract_id for e in entries} if c}
    message_paths = {f"contractors/{contractor_id}/messages/{c.ref}": c.ref for c in causes if c.ref and "/" not in c.ref}
    order_paths = _order_paths(tenant_id, {c.order_id for c in causes})
    if not (deadline_paths or contract_paths or message_paths or order_paths):
        return {}
    found = uow.get_all([*deadline_paths, *contract_paths, *message_paths, *order_paths])
    orders = {d: found[p]["order_id"] for p, d in deadline_paths.items() if (found.get(p) or {}).get("order_id")}
    titles = {c: found[p]["title"] for p, c in contract_paths.items() if (found.get(p) or {}).get("title")}
    ids = {r: found[p]["ref"]["id"] for p, r in message_paths.items()
           if isinstance((found.get(p) or {}).get("ref"), dict) and found[p]["ref"].get("id")}
    more = {p: o for p, o in _order_paths(tenant_id, set(orders.values())).items() if p not in order_paths}
    if more:
        found |= uow.get_all(list(more))
    order_titles = {o: title.strip() for p, o in (order_paths | more).items()
                    if isinstance(title := (found.get(p) or {}).get("title"), str) and title.strip()}
    return {"orders": orders, "contract_titles": titles, "message_ids": ids, "order_titles": order_titles}


def _order_paths(tenant_id: str, order_ids: set[str | None]) -> dict[str, str]:
    return {f"managers/{tenant_id}/orders/{o}": o for o in sorted(o for o in order_ids if o and "/" not in o)}
