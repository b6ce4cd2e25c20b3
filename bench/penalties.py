"""Penalty accrual benchmark: N open (missed) deadlines accrued by the production sweep, on the Firestore emulator.

Starts its own Firestore emulator (free port), then measures in the same run:
  * baseline — raw batched Firestore writes: the deadline documents themselves (500 per batch, W workers);
  * domain   — the pure domain alone: ``check`` + ``entries_due`` for every deadline (no I/O);
  * timers   — ``shared.service.deadlines.process`` one deadline at a time (what each Cloud Tasks
               timer does: read, advance, one atomic commit), W threads, on a sample;
  * sweep    — ``shared.service.deadlines.sweep`` (what accrue_penalties runs on ``{"sweep": true}``):
               pages of due deadlines, advanced by the same domain, committed in packed batches of
               ≤ 500 writes (each ledger entry and deadline update with its audit record and sealing
               marker, so 3 Firestore writes per document), W threads;
  * replay   — the sweep again: nothing is due, nothing is written (idempotence check);
and prints deadlines/s and documents/s, each as a ratio to the baseline writes/s.

The emulator keeps every document in memory (~15 KB each here): 100k deadlines with their 300k
ledger entries and 800k audit documents do not fit in a laptop's heap, so ``--rounds R`` splits the
N deadlines into R rounds of N/R, clearing the emulator between rounds (the query then scans
N/R deadlines, not N; production Firestore has neither limit).

    .venv/bin/python -m bench.penalties --deadlines 100000 --rounds 4   # the issue's figure (~25 min on 2 cores)
    .venv/bin/python -m bench.penalties --deadlines 10000 --days 2 --workers 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.emulator import own_firestore
from shared.service.deadlines import deadline_doc
from shared.domain import deadlines as dl
from shared.domain.penalties import entries_due


class FixedClock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

TENANT = "mgr-bench"
BATCH_WRITES = 500


def make_deadlines(n: int, now: dt.datetime, days: int) -> list[dl.Deadline]:
    """N onboarding deadlines (D2, P1) already due ``days`` days ago minus one hour, marked missed."""
    started = now - dt.timedelta(days=days) + dt.timedelta(hours=1)
    template = dl.start("D2", "D2-bench-0", tenant_id=TENANT, territory="974", started_at=started, ref="signed",
                        contractor_id="ctr-bench", contract_id="AC-BENCH")
    due = now - dt.timedelta(days=days) + dt.timedelta(hours=1)
    template = template.model_copy(update={"due_at": due}).check(now)
    return [template.model_copy(update={"deadline_id": f"D2-bench-{i:06d}"}) for i in range(n)]


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def write_baseline(client, docs: list[dl.Deadline], workers: int) -> float:
    col = client.collection("managers").document(TENANT).collection("deadlines")

    def write(chunk: list[dl.Deadline]) -> None:
        batch = client.batch()
        for d in chunk:
            batch.set(col.document(d.deadline_id), deadline_doc(d))
        batch.commit()

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(write, chunks(docs, BATCH_WRITES)))
    return len(docs) / (time.perf_counter() - start)


@dataclass
class Totals:
    baseline: list[float] = field(default_factory=list)    # (writes, seconds) per round, flattened
    timers: list[float] = field(default_factory=list)      # deadlines, documents, seconds
    sweep: list[float] = field(default_factory=list)       # deadlines, documents, seconds
    replay_writes: int = 0
    replay_seconds: float = 0.0
    ledger: int = 0

    @staticmethod
    def add(into: list[float], *values: float) -> None:
        if not into:
            into.extend([0.0] * len(values))
        for i, v in enumerate(values):
            into[i] += v


def timers_pass(uow, clock, sample: list[dl.Deadline], workers: int) -> tuple[int, float]:
    """Each deadline processed alone, as its Cloud Tasks timer would; answers (documents written, seconds)."""
    from shared.service import deadlines as svc

    def one(d: dl.Deadline) -> int:
        before = d.accrued_days
        after = svc.process(uow.fork(), d.tenant_id, d.deadline_id, clock)
        return (after.accrued_days - before) + 1

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        documents = sum(pool.map(one, sample))
    return documents, time.perf_counter() - start


def one_round(client, uow, now: dt.datetime, docs: list[dl.Deadline], sample: int, workers: int, totals: Totals) -> None:
    from shared.service import deadlines as svc

    clock = FixedClock(now)
    base_wps = write_baseline(client, docs, workers)
    Totals.add(totals.baseline, len(docs), len(docs) / base_wps)
    if sample:
        documents, seconds = timers_pass(uow, clock, docs[:sample], workers)
        Totals.add(totals.timers, sample, documents, seconds)
    start = time.perf_counter()
    result = svc.sweep(uow.fork(), clock, page=500, max_deadlines=len(docs), workers=workers)
    seconds = time.perf_counter() - start
    Totals.add(totals.sweep, result["processed"], result["changed"] + result["days_accrued"], seconds)
    start = time.perf_counter()
    replay = svc.sweep(uow.fork(), clock, page=500, max_deadlines=len(docs), workers=workers)
    totals.replay_seconds += time.perf_counter() - start
    totals.replay_writes += replay["changed"] + replay["days_accrued"]
    totals.ledger += client.collection("managers").document(TENANT).collection("penalties").count().get()[0][0].value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deadlines", type=int, default=20_000,
                        help="open deadlines (default 20000; --deadlines 100000 --rounds 4 is the issue's figure)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of deadlines/rounds each, emulator cleared between")
    parser.add_argument("--days", type=int, default=3, help="days of lateness each (default 3)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent commits (default 4)")
    parser.add_argument("--timer-sample", type=int, default=1000, help="deadlines processed one by one in round 1")
    parser.add_argument("--heap", default="8g", help="Firestore emulator heap (default 8g)")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    per_round = args.deadlines // args.rounds
    totals = Totals()

    with own_firestore("bench-penalties-", args.heap) as stack:
        from google.cloud import firestore

        from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

        client = firestore.Client(project=stack.project_id)
        uow = FirestoreUnitOfWork(client)  # no task queue: the sweep is measured, not the timers it re-arms
        docs = make_deadlines(per_round, now, args.days)

        t = time.perf_counter()
        domain_entries = sum(len(entries_due(d, now)) for d in docs) * args.rounds
        domain_dps = per_round / (time.perf_counter() - t)

        for r in range(args.rounds):
            if r:
                stack.clear_firestore(timeout=600)  # hundreds of thousands of documents
            one_round(client, uow, now, docs, args.timer_sample if r == 0 else 0, args.workers, totals)
            print(f"round {r + 1}/{args.rounds}: {per_round} deadlines accrued", file=sys.stderr, flush=True)

    n = per_round * args.rounds
    expected = n * args.days
    base_wps = totals.baseline[0] / totals.baseline[1]
    sweep_dps, sweep_docs = totals.sweep[0] / totals.sweep[2], totals.sweep[1] / totals.sweep[2]
    print(f"\nPenalty accrual benchmark — {n} open deadlines ({args.rounds} round(s) of {per_round}), "
          f"{args.days} days late each, {args.workers} workers, {os.cpu_count()} cores\n")
    print(f"{'step':<52}{'deadlines/s':>12}{'docs/s':>9}{'× base':>8}")
    print(f"{'raw batched Firestore writes (baseline)':<52}{base_wps:>12.0f}{base_wps:>9.0f}{1.0:>8.2f}")
    print(f"{'pure domain (check + entries_due)':<52}{domain_dps:>12.0f}{'—':>9}{domain_dps / base_wps:>8.2f}")
    if totals.timers:
        t_dps, t_docs = totals.timers[0] / totals.timers[2], totals.timers[1] / totals.timers[2]
        label = f"timers: process() one by one ({int(totals.timers[0])} sample)"
        print(f"{label:<52}{t_dps:>12.0f}{t_docs:>9.0f}{t_docs / base_wps:>8.2f}")
    print(f"{'sweep(): pages + domain + packed batches':<52}{sweep_dps:>12.0f}{sweep_docs:>9.0f}{sweep_docs / base_wps:>8.2f}")
    print(f"\nDocuments = ledger entries + deadline updates; each is 3 Firestore writes with its audit record "
          f"and sealing marker, so the sweep committed {3 * sweep_docs:.0f} writes/s.")
    print(f"Ledger entries written: {totals.ledger} (expected {expected}; domain computed {domain_entries}); "
          f"sweep {totals.sweep[2]:.1f} s for {int(totals.sweep[0])} deadlines.")
    print(f"Replay: {totals.replay_writes} documents written in {totals.replay_seconds:.1f} s "
          f"(idempotent: nothing left to accrue). Peak RSS of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.")
    return 0 if totals.ledger == expected and totals.replay_writes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
