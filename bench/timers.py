"""Timer dispatch benchmark: how late the local Cloud Tasks dispatcher fires a task after its schedule_time.

Starts devtools/tasks_dispatcher.py (free port) and a receiver in this process that answers 200 at
once and records when each task arrived; tasks are created through the platform's own adapter
(``shared.adapters.cloud_tasks.CloudTasksQueue`` on the REST client, as the functions arm their
deadline timers). The delay of a task is its arrival minus its ``schedule_time`` (carried by the
``X-CloudTasks-TaskETA`` header). Measured in one run:

  * baseline — a direct POST from this process to the receiver (the HTTP floor the dispatcher adds to);
  * steady   — tasks due at a steady rate (``--rate`` per second for ``--seconds``), as timers of
               deadlines opened through the day fall due;
  * burst    — then ``--burst`` tasks all due at the same instant (a pessimistic morning: every D1
               timer of hundreds of orders at 09:00): how late is the last one?

and prints p50/p95/p99/max delay of each, against the baseline. The goal is p99 under 1 s. Production
Cloud Tasks dispatches at the queue's rate limits (infra/terraform/tasks.tf: 50/s, 20 concurrent), so
these figures are the local stand-in's, not Google's.

    .venv/bin/python -m bench.timers
    .venv/bin/python -m bench.timers --rate 100 --seconds 20 --burst 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.ingest import cpu_seconds
from devtools.stack import Stack, _wait_http

QUEUE = "projects/demo-bench/locations/europe-west9/queues/deadlines"


class Receiver:
    """Answers 200 to every POST and records (task name, delay after its ETA)."""

    def __init__(self):
        self.delays: dict[str, float] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                now = time.time()
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                eta = float(self.headers.get("X-CloudTasks-TaskETA") or self.headers.get("X-Sent-At") or now)
                with receiver.lock:
                    receiver.delays[self.headers.get("X-CloudTasks-TaskName") or f"direct-{now}"] = now - eta
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/accrue"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, names: list[str], timeout: float) -> list[float]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if all(n in self.delays for n in names):
                    return [self.delays[n] for n in names]
            time.sleep(0.05)
        with self.lock:
            missing = [n for n in names if n not in self.delays]
        raise RuntimeError(f"{len(missing)} tasks never arrived, e.g. {missing[:3]}")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


def direct_posts(url: str, n: int) -> list[float]:
    samples = []
    for i in range(n):
        t = time.time()
        request = urllib.request.Request(url, data=b"{}", method="POST", headers={
            "X-Sent-At": repr(t), "X-CloudTasks-TaskName": f"direct-{i}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
        samples.append(time.time() - t)
    return samples


def schedule_all(queue, url: str, tasks: list[tuple[str, dt.datetime]], workers: int = 8) -> None:
    def one(task: tuple[str, dt.datetime]) -> None:
        queue.schedule(task[0], url, {"deadline": task[0]}, task[1])

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, tasks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=50, help="steady tasks due per second (default 50)")
    parser.add_argument("--seconds", type=int, default=20, help="length of the steady stream (default 20)")
    parser.add_argument("--burst", type=int, default=1000, help="tasks due at one instant (default 1000)")
    args = parser.parse_args()

    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-timers-")), free_ports=True)
    receiver = Receiver()
    try:
        proc = stack._spawn_tasks()
        host = f"127.0.0.1:{stack.ports['tasks']}"
        _wait_http(f"http://{host}/v2/{QUEUE}/tasks", 30, proc, stack.log_dir / "tasks.log")
        from shared.adapters.cloud_tasks import CloudTasksQueue, emulator_client

        queue = CloudTasksQueue(emulator_client(host), QUEUE)
        base = percentiles(direct_posts(receiver.url, 200))
        # Everything is scheduled ahead (creating tasks is not what is measured), then falls due.
        start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=max(15.0, (args.rate * args.seconds + args.burst) / 80))
        steady = [(f"steady-{i:06d}", start + dt.timedelta(seconds=i / args.rate))
                  for i in range(args.rate * args.seconds)]
        burst_at = start + dt.timedelta(seconds=args.seconds + 2)
        burst = [(f"burst-{i:06d}", burst_at) for i in range(args.burst)]
        t = time.perf_counter()
        schedule_all(queue, receiver.url, steady + burst)
        created = time.perf_counter() - t
        if dt.datetime.now(dt.UTC) >= start:
            raise RuntimeError("creating the tasks took longer than the lead time: lower --rate or --burst")
        cpu_before = cpu_seconds(proc.pid)
        steady_delays = receiver.wait_for([n for n, _ in steady], args.seconds + 120)
        burst_delays = receiver.wait_for([n for n, _ in burst], 120)
        dispatch_cpu_ms = 1000 * (cpu_seconds(proc.pid) - cpu_before) / (len(steady) + len(burst))
    finally:
        receiver.server.shutdown()
        stack.stop()

    rows = [("direct POST to the receiver (baseline)", base),
            (f"steady: {args.rate} tasks/s for {args.seconds} s", percentiles(steady_delays)),  # alone
            (f"burst: {args.burst} tasks due at one instant", percentiles(burst_delays))]
    print(f"\nTimer dispatch benchmark — local Cloud Tasks dispatcher, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}; {len(steady) + len(burst)} tasks created in {created:.1f} s "
          f"through CloudTasksQueue\n")
    print(f"{'delay after schedule_time':<44}" + "".join(f"{q + ' ms':>10}" for q in ("p50", "p95", "p99", "max"))
          + f"{'p99 × base':>12}")
    for name, p in rows:
        print(f"{name:<44}" + "".join(f"{p[q] * 1000:>10.1f}" for q in ("p50", "p95", "p99", "max"))
              + f"{p['p99'] / base['p99']:>12.1f}")
    print(f"\nDispatcher CPU per delivered task: {dispatch_cpu_ms:.2f} ms (/proc, steady and burst phases).")
    worst = max(rows[1][1]["p99"], rows[2][1]["p99"])
    print(f"\nGoal: p99 under 1 s — {'met' if worst < 1.0 else 'NOT met'} (worst p99 {worst * 1000:.0f} ms).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
