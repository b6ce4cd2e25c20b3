"""Penalty accrual benchmark: N open (missed) deadlines accrued in one pass, on the Firestore emulator.

Starts its own Firestore emulator (free port), then measures in the same run:
  * baseline — raw batched Firestore writes: the N deadline documents themselves (500 per batch);
  * domain   — the pure domain alone: ``check`` + ``entries_due`` for every deadline (no I/O);
  * accrual  — read the deadlines page by page (the sweep's ``next_check_at`` query), compute
               their missing days with the domain, and write ledger entries + the deadline update
               (``last_update_time`` precondition) in batches of ≤ 500 writes, W workers;
  * replay   — the same pass again: nothing is due, nothing is written (idempotence check);
and prints deadlines/s and writes/s, each as a ratio to the baseline writes/s.

    .venv/bin/python -m bench.penalties --deadlines 100000   # the issue's figure (~15 min on 2 cores)
    .venv/bin/python -m bench.penalties --deadlines 10000 --days 2 --workers 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devtools.stack import Stack, _environ, _wait_http, sdk_root
from shared.adapters.deadlines import deadline_doc, deadline_from, entry_doc
from shared.domain import deadlines as dl
from shared.domain.penalties import entries_due

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


def accrue_pass(client, now: dt.datetime, workers: int, page: int = 2000) -> tuple[int, int, float]:
    """One sweep over every deadline due at ``now``; returns (deadlines read, writes, seconds)."""
    from google.cloud import firestore

    col = client.collection("managers").document(TENANT).collection("deadlines")
    query = col.where(filter=firestore.FieldFilter("next_check_at", "<=", now)).order_by("next_check_at")
    totals = {"read": 0, "writes": 0}

    def commit(group: list) -> int:
        batch, writes = client.batch(), 0
        for snap, d, entries in group:
            for entry in entries:
                batch.create(client.collection("managers").document(TENANT).collection("penalties")
                             .document(entry.entry_id), entry_doc(entry))
            batch.update(snap.reference, deadline_doc(d), option=client.write_option(last_update_time=snap.update_time))
            writes += len(entries) + 1
        batch.commit()
        return writes

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        cursor = None
        futures = []
        while True:
            q = query.limit(page)
            if cursor is not None:
                q = q.start_after(cursor)
            snaps = list(q.stream())
            if not snaps:
                break
            cursor = snaps[-1]
            totals["read"] += len(snaps)
            group, size = [], 0
            for snap in snaps:
                d = deadline_from(snap.to_dict()).check(now)
                entries = entries_due(d, now, already=d.accrued_days)
                if not entries:
                    continue
                d = d.model_copy(update={"accrued_days": entries[-1].day})
                if size + len(entries) + 1 > BATCH_WRITES:
                    futures.append(pool.submit(commit, group))
                    group, size = [], 0
                group.append((snap, d, entries))
                size += len(entries) + 1
            if group:
                futures.append(pool.submit(commit, group))
        totals["writes"] = sum(f.result() for f in futures)
    return totals["read"], totals["writes"], time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deadlines", type=int, default=20_000,
                        help="open deadlines (default 20000; --deadlines 100000 is the issue's figure, ~15 min here)")
    parser.add_argument("--days", type=int, default=3, help="days of lateness each (default 3)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent batch commits (default 4)")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)

    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-penalties-")), free_ports=True)
    try:
        sdk = sdk_root()
        port = stack.ports["firestore"]
        proc = stack._spawn("firestore", [
            "java", "-Xmx2g", "-cp", str(sdk / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"),
            "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "--host=127.0.0.1", f"--port={port}"])
        _wait_http(f"http://127.0.0.1:{port}/", 60, proc, stack.log_dir / "firestore.log")
        with _environ({"FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{port}", "GOOGLE_CLOUD_PROJECT": stack.project_id}):
            from google.cloud import firestore

            client = firestore.Client(project=stack.project_id)
            docs = make_deadlines(args.deadlines, now, args.days)
            base_wps = write_baseline(client, docs, args.workers)

            t = time.perf_counter()
            domain_entries = sum(len(entries_due(d, now)) for d in docs)
            domain_dps = len(docs) / (time.perf_counter() - t)

            read, writes, seconds = accrue_pass(client, now, args.workers)
            replay_read, replay_writes, replay_seconds = accrue_pass(client, now, args.workers)
            ledger = client.collection("managers").document(TENANT).collection("penalties").count().get()[0][0].value
    finally:
        stack.stop()

    expected = args.deadlines * args.days
    print(f"\nPenalty accrual benchmark — {args.deadlines} open deadlines, {args.days} days late each, "
          f"{args.workers} workers, {os.cpu_count()} cores\n")
    print(f"{'step':<44}{'deadlines/s':>12}{'writes/s':>11}{'× base':>8}")
    print(f"{'raw batched Firestore writes (baseline)':<44}{base_wps:>12.0f}{base_wps:>11.0f}{1.0:>8.2f}")
    print(f"{'pure domain (check + entries_due)':<44}{domain_dps:>12.0f}{'—':>11}{domain_dps / base_wps:>8.2f}")
    print(f"{'accrual pass (query + domain + batches)':<44}{read / seconds:>12.0f}{writes / seconds:>11.0f}"
          f"{(writes / seconds) / base_wps:>8.2f}")
    print(f"\nLedger entries written: {ledger} (expected {expected}; domain computed {domain_entries}); "
          f"accrual pass {seconds:.1f} s, {writes} writes.")
    print(f"Replay pass: {replay_read} deadlines due, {replay_writes} writes in {replay_seconds:.1f} s "
          f"(idempotent: nothing left to accrue).")
    return 0 if ledger == expected and replay_writes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
