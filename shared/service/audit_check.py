"""The scheduled check of the audit trail against its witness (B15 traceability).

Every space's chain in Firestore is compared with the heads the sealer wrote once into the witness
bucket (shared/ports/audit.py). A chain recomputed after an edit verifies on its own, but no longer
carries the witnessed hashes (``witness_errors``); an edited or deleted record breaks the chain
(``verify``). Both come from shared/domain/audit.py, as for ``devtools.audit verify``.

Cost: reading every record of every space every day grows without bound. So a space is read whole
once every ``full_every`` (and when it has no check point yet); on the other days only the links
sealed since its check point — the last witnessed head found intact — are read with their records,
the check point's link must still carry the hash the witness holds, and every head witnessed since
must match (docs/security.md gives the figures). Whole readings due beyond ``full_budget_seconds``
wait for the next run, those of the spaces checked longest ago first.

A whole reading (``read_whole``) holds one page in memory, never the space: a space passes 250,000
records within a month at 10,000 orders, more than the check's memory could hold at once.

1. The chain, in the order of ``seq``: ``page_size`` links and their records (one ``get_all``), checked
   by the same ``verify`` as every other reading, after the ``(seq, hash)`` of the previous page's last
   link, and against the heads witnessed within the page's range (``witness_errors``); a witnessed head
   beyond the last link is "absent de la chaîne". Then the head document (``head_errors``).
2. The records, in the order of their ids, ``page_size`` at a time: which of them no link seals
   ("enregistrement … hors chaîne"). A link is found by its record's id (``record_id`` is indexed
   like any field), so that the links of a page of records are one range query on ``record_id``; a
   record without a link there is out of the chain unless it is still pending. Chosen over counting
   (records = pending + links, then a search only when the counts differ) because counts read at
   different instants while the sealer runs disagree for a moment, and a count names no record;
   over a sealed marker on each record because records are immutable (their digest is sealed). The
   price: the records and links are read a second time, four reads per record for a whole reading
   instead of two (docs/security.md, figures).

The state carried from page to page is ``(seq, hash)`` in the chain, the last record id in the records.
When the run's time budget is spent, the reading stops after its page and keeps, in the space's check
point (``WholeReading``), the latest *witnessed* head it verified, or the last record id: the next run
continues from there, and first checks that this head is one the witness holds with that hash
(``anchor_errors``), so that a position forged in Firestore cannot skip a rewritten part. A space
whose reading is left for the next run is also checked incrementally in the same run, so that what
was sealed since its check point is not left unread for longer than a day.

A broken space logs one ERROR line ``audit chain broken`` with ``audit_check: "broken"`` (an alert,
infra/terraform/monitoring.tf) and keeps its check point, so that it is reported again at every run
until repaired; a run logs ``audit witness check`` with its figures and records them for the operator
(``audit_checks/last-run``, read by get_audit_check: the spaces found intact or left for the next run, and
for each broken one the links and records named and since when it is found broken, carried from the
previous summary — shared/domain/audit_report.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from shared.domain import audit
from shared.domain.audit_report import broken_since, named_links, named_records
from shared.ports import Clock
from shared.ports.audit import AuditChains, AuditWitness

log = logging.getLogger(__name__)

FULL_EVERY = dt.timedelta(days=7)
FULL_BUDGET_SECONDS = 300.0
# A record not yet sealed when the check reads it is left to the next check (FirestoreAuditTrail.unsealed_records).
SETTLING = dt.timedelta(minutes=10)
MAX_PROBLEMS_LOGGED = 20
# Links (with their records) or records read at once by a whole reading: about 3.3 KB each in memory.
PAGE_SIZE = 500
# The problems a whole reading keeps to report (it counts them all): a space whose every record was
# edited must not fill the memory the paging saves.
MAX_PROBLEMS_KEPT = 100

Heads = Callable[[int, int | None], list[tuple[int, str]]]


@dataclass
class WholeOutcome:
    """What a whole reading found: ``problems`` (the first ``MAX_PROBLEMS_KEPT``, of ``problem_count``),
    the latest witnessed head it verified, and ``left`` — where it stopped when the budget ran out, None
    when it read the space to its end."""

    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    heads_compared: int = 0
    latest: tuple[int, str] = (0, audit.GENESIS)
    left: audit.WholeReading | None = None

    def add(self, problems: list[str]) -> None:
        self.problem_count += len(problems)
        self.problems += problems[:max(0, MAX_PROBLEMS_KEPT - len(self.problems))]


def read_whole(chains: AuditChains, space: str, heads: Heads, reading: audit.WholeReading, *,
               stop: Callable[[], bool] = lambda: False, settled_before: dt.datetime | None = None,
               page_size: int = PAGE_SIZE) -> WholeOutcome:
    """Read ``space`` whole from ``reading`` on, one page at a time (module docstring); ``heads(lo, hi)``
    gives the witnessed ``(seq, hash)`` from ``lo`` to ``hi`` (None: to the end). ``stop`` is asked after
    each page: true, the reading stops there and says where (``left``)."""
    out = WholeOutcome(latest=(reading.seq, reading.hash))
    if reading.seq:
        out.add(audit.anchor_errors(reading, heads(reading.seq, reading.seq)))
    if reading.phase == "chain":
        after = (reading.seq, reading.hash)
        while True:
            links, records, more = chains.chain_page(space, after[0], page_size)
            more = more and bool(links)
            witnessed = heads(after[0] + 1, links[-1].seq if more else None)
            out.add(audit.verify(links, records, after=after) + audit.witness_errors(links, witnessed))
            out.heads_compared += len(witnessed)
            if witnessed:
                out.latest = max(out.latest, max(witnessed))
            if links:
                after = (links[-1].seq, links[-1].hash)
            if not more:
                break
            if stop():
                out.left = reading.model_copy(update={"seq": out.latest[0], "hash": out.latest[1]})
                return out
        out.add(audit.head_errors(chains.chain_head(space), after))
        reading = reading.model_copy(update={"phase": "records", "seq": out.latest[0], "hash": out.latest[1],
                                             "record_after": ""})
    record_after = reading.record_after
    while True:
        unsealed, last, more = chains.unsealed_records(space, record_after, page_size, settled_before)
        out.add(audit.out_of_chain(unsealed))
        record_after = last or record_after
        if not more:
            return out
        if stop():
            out.left = reading.model_copy(update={"record_after": record_after})
            return out


def listed_heads(witnessed: Iterable[tuple[int, str]]) -> Heads:
    """``heads`` for ``read_whole`` over heads given at once (the operator's logged heads)."""
    pairs = sorted(set(witnessed))

    def within(lo: int, hi: int | None) -> list[tuple[int, str]]:
        start = bisect.bisect_left(pairs, (lo, ""))
        end = len(pairs) if hi is None else bisect.bisect_left(pairs, (hi + 1, ""))
        return pairs[start:end]

    return within


def witness_heads(witness: AuditWitness, space: str) -> Heads:
    """``heads`` for ``read_whole`` from the witness bucket, one listing per page."""
    return lambda lo, hi: [(h.seq, h.hash) for h in witness.heads(space, from_seq=lo, to_seq=hi)]


def verify_space(chains: AuditChains, space: str, witnessed: Iterable[tuple[int, str]] | Heads = (),
                 settled_before: dt.datetime | None = None, page_size: int = PAGE_SIZE) -> list[str]:
    """Every problem of ``space`` read whole in one go (the operator's command, the tests): the first
    ``MAX_PROBLEMS_KEPT``."""
    heads = witnessed if callable(witnessed) else listed_heads(witnessed)
    start = audit.WholeReading(started_at=dt.datetime.now(dt.UTC))
    return read_whole(chains, space, heads, start, settled_before=settled_before, page_size=page_size).problems


def check_audit_witness(chains: AuditChains, witness: AuditWitness, clock: Clock, *, full: bool = False,
                        full_every: dt.timedelta = FULL_EVERY, full_budget_seconds: float = FULL_BUDGET_SECONDS,
                        timer: Callable[[], float] = time.monotonic, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """Check every space (``full``: each one whole, whatever its check point says); answer the run's figures."""
    now, started = clock.now(), timer()
    previous = chains.last_check_run()
    points = {space: chains.check_point(space) for space in set(chains.spaces()) | set(witness.spaces())}
    # whole readings first where they are due the longest (never read whole: first of all)
    order = sorted(points, key=lambda s: (_full_key(points[s]), s))
    run: dict[str, Any] = {"checked_at": now, "spaces": len(order), "full": 0, "full_unfinished": 0,
                           "incremental": 0, "full_deferred": 0, "heads_compared": 0, "broken": [],
                           "intact_spaces": [], "deferred_spaces": []}

    def spent() -> bool:
        return timer() - started > full_budget_seconds

    for space in order:
        point = points[space] or audit.CheckPoint(space=space)
        whole = full or audit.full_check_due(points[space], now, full_every)
        if whole and not full and spent():
            run["full_deferred"] += 1
            if point.seq == 0:
                run["deferred_spaces"].append(space)
                continue  # no check point: nothing cheaper to do, the next run reads it whole
            whole = False
        problems, count, saved = [], 0, point
        if whole:
            reading = point.reading or audit.WholeReading(started_at=now)
            outcome = read_whole(chains, space, witness_heads(witness, space), reading, stop=spent,
                                 settled_before=now - SETTLING, page_size=page_size)
            run["full"] += 1
            run["heads_compared"] += outcome.heads_compared
            problems, count = outcome.problems, outcome.problem_count
            if outcome.left is None:
                saved = audit.advanced(point, [outcome.latest], reading.started_at, full=True)
            else:
                run["full_unfinished"] += 1
                saved = point.model_copy(update={"reading": outcome.left})
        if not whole or (saved.reading is not None and saved.seq):
            # incremental: on the days between whole readings, and beside a whole reading left for the next
            # run, so that what was sealed since the check point is read every day
            pairs = [(h.seq, h.hash) for h in witness.heads(space, from_seq=point.seq)]
            found = audit.anchor_errors(point, pairs) + chains.verify_since(point, pairs)
            problems, count = problems + found, count + len(found)
            run["incremental"] += 1
            run["heads_compared"] += len(pairs)
            saved = audit.advanced(saved, pairs, now, full=False)
        mode = "full" if whole else "incremental"
        if problems:
            log.error("audit chain broken", extra={"audit_check": "broken", "space": space, "mode": mode,
                                                   "problems": problems[:MAX_PROBLEMS_LOGGED],
                                                   "problem_count": count})
            run["broken"].append({"space": space, "mode": mode, "problems": problems[:MAX_PROBLEMS_LOGGED],
                                  "problem_count": count, "links": named_links(problems),
                                  "records": named_records(problems), "since": broken_since(previous, space, now)})
            continue
        chains.save_check_point(saved)
        run["intact_spaces"].append(space)
    run["status"] = "broken" if run["broken"] else "intact"
    run["seconds"] = round(timer() - started, 3)
    listed = ("broken", "checked_at", "intact_spaces", "deferred_spaces")
    log.info("audit witness check", extra={**{k: v for k, v in run.items() if k not in listed},
                                           "broken_spaces": [b["space"] for b in run["broken"]]})
    chains.save_check_run(run)
    return run


def _full_key(point: audit.CheckPoint | None) -> dt.datetime:
    if point is None or point.full_checked_at is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return point.full_checked_at
