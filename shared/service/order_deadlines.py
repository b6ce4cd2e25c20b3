"""How an order's deadlines follow what happens to it, inside the command's own unit of work.

- D1 (A5 timeliness): a message received more than 15 minutes after its event records its
  missed deadline and its P1 days with the message, final at once (the lateness ended when it
  arrived).
- F1 (A9 non-compliant format): a message rejected for its format opens F1, due at once, until
  an accepted message for the same order and sequence corrects it.
- P1 on both is owed per started day of lateness per contract, not per message: each day of a
  D1 or F1 is a cause of its contract's entry for that date (shared/domain/penalties.py).
- The order's life: on hold pauses its running deadlines, resuming resumes them; an order that
  ends (closed, cancelled, declared impossible — held or not) ends them, since what they await
  can no longer come: running or paused ones are cancelled, a missed one stops accruing there
  (the days already owed stay in the ledger).

``on_execution`` and ``on_order_moved`` are what the order services call; each reads what it
needs through the unit of work and buffers its changes in the same commit.
"""

from __future__ import annotations

import datetime as dt

from shared.domain import penalties, workdays
from shared.domain.deadlines import Deadline, DeadlineState
from shared.domain.orders import TERMINAL_STATES, Order, OrderState
from shared.domain.penalties import PenaltyTerms
from shared.ports import UnitOfWork, digest
from shared.service import deadlines, penalty_terms
from shared.service.territories import territory_of


def _terms_and_territory(uow: UnitOfWork, order: Order, at: dt.datetime) -> tuple[PenaltyTerms, str]:
    """The order's territory (B18: kept at issue — its commune, its node's, contract, manager) and its contract's
    penalty terms in force on the local date ``at`` falls on there (versioned: shared/service/penalty_terms.py)."""
    contract = uow.get(f"managers/{order.manager_id}/contracts/{order.contract_id}")
    territory = territory_of(uow, order, contract)
    on = workdays.local_date(at, territory)
    return penalty_terms.terms_on(uow, order.manager_id, order.contract_id, on, contract), territory


def late_message(uow: UnitOfWork, order: Order, message_key: str, occurred_at: dt.datetime,
                 received_at: dt.datetime) -> Deadline:
    """D1 for a message received late: the deadline (missed, stopped at receipt) and its P1 days,
    pooled per contract and day (the message is one more cause of a day its contract already owes)."""
    terms, territory = _terms_and_territory(uow, order, occurred_at)
    d = deadlines.plan_deadline("D1", f"D1-{message_key}", tenant_id=order.manager_id, territory=territory,
                                started_at=occurred_at, ref=message_key, terms=terms,
                                contractor_id=order.contractor_id, contract_id=order.contract_id,
                                order_id=order.order_id)
    # A message weeks late writes its first days here and leaves the rest to its timer (due at once):
    # one commit holds at most 500 writes.
    d, entries = deadlines.advance(d.stop(received_at, message_key), received_at, deadlines.DAYS_IN_A_COMMAND)
    deadlines.save(uow, None, d, entries, received_at)
    return d


def format_deadline_id(contractor_id: str, manager_id: str, order_id: str, sequence: int | None) -> str:
    """F1 is one per (order, sequence): a second bad attempt at the same message extends nothing."""
    return f"F1-{digest(contractor_id, manager_id, order_id, str(sequence))[:32]}"


def message_rejected(uow: UnitOfWork, order: Order, sequence: int | None, message_key: str,
                     received_at: dt.datetime, codes: list[str]) -> Deadline | None:
    """A9/P1: a message rejected for its format opens F1 (due at once) in the reply's commit. Its
    timer writes day 1 at once and one day per started day after, until ``message_accepted`` stops
    it. Only the codes of NON_COMPLIANT_FORMAT_CODES count."""
    if not penalties.non_compliant_format(codes):
        return None
    deadline_id = format_deadline_id(order.contractor_id, order.manager_id, order.order_id, sequence)
    if deadlines.load(uow, order.manager_id, deadline_id) is not None:
        return None  # already open (or already corrected) for this order and sequence
    terms, territory = _terms_and_territory(uow, order, received_at)
    d = deadlines.plan_deadline("F1", deadline_id, tenant_id=order.manager_id, territory=territory,
                                started_at=received_at, ref=message_key, terms=terms,
                                contractor_id=order.contractor_id, contract_id=order.contract_id,
                                order_id=order.order_id)
    d = d.check(received_at)
    deadlines.save(uow, None, d, [], received_at)
    return d


def message_accepted(uow: UnitOfWork, order: Order, sequence: int, message_key: str,
                     received_at: dt.datetime) -> set[str]:
    """An accepted message for the order stops its F1 for the same sequence (or for a rejected
    message whose sequence could not be read); the ledger closes at the accepted message."""
    stopped = set()
    for s in (sequence, None):
        deadline_id = format_deadline_id(order.contractor_id, order.manager_id, order.order_id, s)
        before = deadlines.load(uow, order.manager_id, deadline_id)
        if before is not None and before.open:
            after = before.stop(received_at, message_key)
            deadlines.save(uow, before, after, [], received_at)
            stopped.add(deadline_id)
    return stopped


def on_order_moved(uow: UnitOfWork, before: Order, after: Order, at: dt.datetime, ref: str,
                   skip: set[str] = frozenset()) -> None:
    """Pause, resume or end the order's deadlines as its state changed (``skip``: already changed
    in this commit)."""
    if before.state is after.state:
        return
    if after.state in TERMINAL_STATES:
        how = lambda d: _end_with_order(d, at, ref, after.state)  # noqa: E731
    elif after.state is OrderState.ON_HOLD:
        how = lambda d: d.pause(at, ref) if d.kind_spec.pausable else d  # noqa: E731
    elif before.state is OrderState.ON_HOLD:
        how = lambda d: d.resume(at, ref)  # noqa: E731
    else:
        return
    for d in deadlines.of_order(uow, after.manager_id, after.order_id):
        if d.deadline_id in skip:
            continue
        changed = how(d)
        if changed != d:
            deadlines.save(uow, d, changed, [], at)


def _end_with_order(d: Deadline, at: dt.datetime, ref: str, state: OrderState) -> Deadline:
    current = d.check(at) if d.state is DeadlineState.RUNNING else d
    if current.state is DeadlineState.MISSED:
        return current.stop(at, ref)
    return d.cancel(at, ref, f"commande terminée ({state.value})")
