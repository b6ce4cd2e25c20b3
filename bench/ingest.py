"""Ingest benchmark: execution events through the real path, over HTTP and over Pub/Sub.

Starts its own emulators and functions (free ports), then measures in one run:
  * baseline — raw Firestore emulator writes from this process (one document set per event);
  * HTTP     — submit_execution, C concurrent ERPs, each reporting on its own orders;
  * Pub/Sub  — publish_execution via push, latency = publish → reply received on replies-<id>;
and prints throughput, p50/p95/p99 latency, each as a ratio to the baseline, plus the
resident memory of the function processes and the cold import time of ``main``.

    .venv/bin/python -m bench.ingest --events 300 --concurrency 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from devtools.stack import ROOT, Stack, _environ
from devtools.tokens import emulator_token

CONTRACTOR, MANAGER = "ctr-bench", "mgr-bench"
FUNCTIONS = ["receive_order", "submit_execution", "publish_execution"]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99)}


def order_body(order_id: str) -> dict:
    return {"order_id": order_id, "contract_id": "AC-BENCH", "contractor_id": CONTRACTOR, "title": "Bench",
            "site": {"node_id": "BENCH-SITE"}, "issued_at": dt.datetime.now(dt.UTC).isoformat(),
            "lines": [{"line_id": "L1", "service_code": "X-1", "label": "Ligne", "quantity": 1, "unit_price_cents": 100}]}


def report(order_id: str, sequence: int) -> dict:
    return {"manager_id": MANAGER, "order_id": order_id, "sequence": sequence,
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "event": {"label": f"Avancement {sequence}"},
            "progress": min(sequence, 100)}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (functions-framework may fork)."""
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        kids = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []
    return kids + [g for k in kids for g in _children(k)]


def bench_baseline(client, n: int) -> tuple[float, list[float]]:
    collection = client.collection("bench_baseline")
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        collection.document(f"d{i}").set({"i": i, "at": dt.datetime.now(dt.UTC), "payload": "x" * 200})
        latencies.append(time.perf_counter() - t)
    return n / (time.perf_counter() - start), latencies


def create_orders(stack: Stack, token: str, ids: list[str]) -> None:
    def send(order_id: str) -> None:
        r = requests.post(stack.url("receive_order") + "/", json=order_body(order_id), timeout=30,
                          headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"bench-{order_id}"})
        r.raise_for_status()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, ids))


def bench_http(stack: Stack, token: str, orders: list[str], per_order: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    session_local = threading.local()

    def run(order_id: str) -> None:
        session = getattr(session_local, "s", None) or requests.Session()
        session_local.s = session
        for sequence in range(1, per_order + 1):
            t = time.perf_counter()
            r = session.post(stack.url("submit_execution") + "/", json=report(order_id, sequence), timeout=30,
                             headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex})
            elapsed = time.perf_counter() - t
            if r.status_code != 200:
                raise RuntimeError(r.text)
            with lock:
                latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(run, orders))
    return len(latencies) / (time.perf_counter() - start), latencies


def bench_pubsub(stack: Stack, orders: list[str], per_order: int) -> tuple[float, list[float]]:
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient(publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True))
    subscriber = pubsub_v1.SubscriberClient()
    topic = publisher.topic_path(stack.project_id, f"execution-{CONTRACTOR}")
    replies = subscriber.subscription_path(stack.project_id, f"replies-{CONTRACTOR}-erp")
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    total = len(orders) * per_order
    done = threading.Event()
    lock = threading.Lock()
    rejected: list[dict] = []

    def on_reply(message) -> None:
        body = json.loads(message.data)
        message.ack()
        with lock:
            key = body["in_reply_to"]["id"]
            if key in sent_at:
                latencies.append(time.perf_counter() - sent_at.pop(key))
                if body["status"] != "accepted":
                    rejected.append(body)
            if len(latencies) >= total:
                done.set()

    future = subscriber.subscribe(replies, on_reply)
    start = time.perf_counter()
    for sequence in range(1, per_order + 1):  # ordering keys keep each order's events in sequence
        for order_id in orders:
            ce_id = uuid.uuid4().hex
            with lock:
                sent_at[ce_id] = time.perf_counter()
            publisher.publish(topic, json.dumps(report(order_id, sequence)).encode(), ordering_key=order_id,
                              **{"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "//bench/",
                                 "ce-type": "fr.passerelle.execution.reported.v1"})
    done.wait(timeout=600)
    elapsed = time.perf_counter() - start
    future.cancel()
    subscriber.close()
    if rejected:
        raise RuntimeError(f"{len(rejected)} rejected, e.g. {rejected[0]['errors']}")
    return len(latencies) / elapsed, latencies


def cold_import_ms() -> tuple[float, float]:
    def run(code: str) -> float:
        samples = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
            samples.append((time.perf_counter() - t) * 1000)
        return statistics.median(samples)

    return run("pass"), run("import main; main.submit_execution")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300, help="events per channel (default 300)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent HTTP clients (default 4)")
    args = parser.parse_args()
    per_order = 10
    n_orders = max(1, args.events // per_order)

    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-")), free_ports=True)
    try:
        stack.start_emulators()
        stack.start_functions(FUNCTIONS, process_per_function=True)  # one function per process, as deployed
        stack.provision_contractor(CONTRACTOR)
        with _environ(stack.env()):
            from google.cloud import firestore

            client = firestore.Client(project=stack.project_id)
            client.document(f"managers/{MANAGER}").set({"name": "Bench"})  # registered tenants only (A1)
            client.document(f"contractors/{CONTRACTOR}").set({"name": "Bench", "managers": [MANAGER]})
            client.document(f"managers/{MANAGER}/contracts/AC-BENCH").set({  # A13: orders name a contract in force
                "contract_id": "AC-BENCH", "contractor_id": CONTRACTOR, "status": "active",
                "starts_on": "2020-01-01", "ends_on": "2035-12-31", "lots": [], "perimeter": {}})
            manager_token = emulator_token(stack.project_id, "bench-m", role="manager", tenant=MANAGER)
            contractor_token = emulator_token(stack.project_id, "bench-c", role="contractor", tenant=CONTRACTOR)
            http_orders = [f"BC-HTTP-{i:04d}" for i in range(n_orders)]
            bus_orders = [f"BC-BUS-{i:04d}" for i in range(n_orders)]
            create_orders(stack, manager_token, http_orders + bus_orders)
            base_tput, base_lat = bench_baseline(client, n_orders * per_order)
            http_tput, http_lat = bench_http(stack, contractor_token, http_orders, per_order, args.concurrency)
            bus_tput, bus_lat = bench_pubsub(stack, bus_orders, per_order)
            memory = {name: rss_mb(stack.processes[name].pid) for name in FUNCTIONS}
        base_cold, main_cold = cold_import_ms()
    finally:
        stack.stop()

    base_p = percentiles(base_lat)
    rows = [("raw Firestore write (baseline)", base_tput, base_p), ("HTTP submit_execution", http_tput, percentiles(http_lat)),
            ("Pub/Sub publish_execution", bus_tput, percentiles(bus_lat))]
    print(f"\nIngest benchmark — {n_orders * per_order} events per channel, {per_order} per order, "
          f"HTTP concurrency {args.concurrency}, {os.cpu_count()} cores\n")
    print(f"{'path':<32}{'events/s':>10}{'× base':>8}{'p50 ms':>9}{'× base':>8}{'p95 ms':>9}{'× base':>8}{'p99 ms':>9}{'× base':>8}")
    for name, tput, p in rows:
        print(f"{name:<32}{tput:>10.1f}{tput / base_tput:>8.2f}"
              + "".join(f"{p[q] * 1000:>9.1f}{p[q] / base_p[q]:>8.2f}" for q in ("p50", "p95", "p99")))
    print("\nResident memory per function process (MB): "
          + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()))
    print(f"Cold start: loading the submit_execution entry point {main_cold:.0f} ms vs bare interpreter "
          f"{base_cold:.0f} ms (× {main_cold / base_cold:.2f}; entry points and Google clients load lazily)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
