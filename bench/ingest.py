"""Ingest benchmark: execution events through the real path, over HTTP and over Pub/Sub.

Starts its own emulators and functions (free ports), then measures in one run:
  * baseline — raw Firestore emulator writes from this process (one document set per event);
  * HTTP     — submit_execution, C concurrent ERPs, each reporting on its own orders;
  * Pub/Sub  — publish_execution via push, latency = publish → reply received on replies-<id>;
and prints throughput, p50/p95/p99 latency, each as a ratio to the baseline, the calls to the
outside per event on each path (bench/round_trips.py: Firestore reads and commits, Pub/Sub publishes,
Cloud Tasks calls, counted through the entry points in this process), and the resident memory of the
function processes.

Both JVM emulators compile their hot paths as they serve (HotSpot JIT): measured in-process, the Firestore
emulator spent 23 ms of CPU per event over the first 200 events and 8 ms once 1,000 had gone through, the
Pub/Sub emulator 4 ms then 2 ms. Production Firestore and Pub/Sub are not freshly started JVMs, so every
path — the raw writes of the baseline included — first runs ``--warmup`` events (default 1,000) that are
not measured; the warm-up's own throughput is printed too, so nothing is hidden.

The functions run one per process under functions-framework's own command (gunicorn, one worker,
8 threads): what production runs, one instance per function with ``THREADS`` = its concurrency
(infra/terraform/functions.tf), and what lets each process's memory be read. ``--profile DIR``
samples each function process with py-spy during its phase (``pip install py-spy``) and prints
where its CPU time goes.

    .venv/bin/python -m bench.ingest --events 300 --concurrency 4
    .venv/bin/python -m bench.ingest --events 200 --profile /tmp/ingest-profile
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process tree so far (/proc; children still running)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (FileNotFoundError, IndexError):
            pass
    return total


class CpuMeter:
    """CPU seconds each process of the stack (and this one) spent during a phase."""

    def __init__(self, stack: Stack, names: list[str]):
        self.pids = {n: stack.processes[n].pid for n in names if n in stack.processes}
        self.start = {}

    def __enter__(self) -> CpuMeter:
        self.start = {n: cpu_seconds(p) for n, p in self.pids.items()}
        self.start["bench (this process)"] = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.spent = {n: cpu_seconds(p) - self.start[n] for n, p in self.pids.items()}
        self.spent["bench (this process)"] = time.process_time() - self.start["bench (this process)"]


def bench_baseline(client, n: int, name: str = "bench_baseline") -> tuple[float, list[float]]:
    collection = client.collection(name)
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


def bench_floor(stack: Stack, client, events: int, concurrency: int) -> tuple[float, list[float]]:
    """The calls one execution event makes, issued straight from this process with no function at all:
    one ``get_all`` of 4 documents (the order, the message record, two F1 deadlines), one commit of the
    10 documents the path writes (copies of documents the HTTP phase wrote: order, history event,
    message record, outbox, three audit records and their sealing markers), one publish on a topic
    with one subscription, as the contractor's replies topic has. ``concurrency`` threads, each sequential. The outbox's background
    "sent" marks are left out, so this floor is a little faster than the path could ever be: what the
    emulators allow for this path on this machine. The documents are encoded as the unit of work encodes
    them (``shared.adapters.firestore.encoding``): through the library's proto-plus encoding, this process's
    own CPU bounded the floor at about half of what the emulators allow."""
    from shared.adapters.firestore import encoding
    from shared.adapters.pubsub import PubSubAdmin, PubSubPublisher

    admin = PubSubAdmin(stack.project_id)  # a topic with one subscription, as replies-<contractor> has
    admin.ensure_topic("bench-floor")
    admin.ensure_subscription("bench-floor-erp", "bench-floor")
    admin.close()

    def sample(group: str) -> tuple[str, dict]:
        snap = next(iter(client.collection_group(group).limit(1).stream()))
        return snap.reference.path, snap.to_dict()

    order_path, order = sample("orders")
    (_, event), (_, message), (_, record) = sample("events"), sample("messages"), sample("audit")
    outbox = next(iter(client.collection("outbox").limit(1).stream())).to_dict()
    pending = next(iter(client.collection("audit_pending").limit(1).stream())).to_dict()
    publisher = PubSubPublisher(stack.project_id)
    payload = json.dumps({"status": "accepted", "order_id": "BC-FLOOR"}).encode()
    latencies: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t = time.perf_counter()
        key = f"floor-{i}"
        list(client.get_all([client.document(order_path), client.document(f"floor_messages/{key}"),
                             client.document(f"floor_deadlines/{key}-a"), client.document(f"floor_deadlines/{key}-b")]))
        batch = client.batch()
        writes = [(order_path, "put", order), (f"floor_events/{key}", "create", event),
                  (f"floor_messages/{key}", "create", message), (f"floor_outbox/{key}", "create", outbox)]
        writes += [(f"floor_audit/{key}-{n}", "create", record) for n in range(3)]
        writes += [(f"floor_audit_pending/{key}-{n}", "create", pending) for n in range(3)]
        for path, kind, data in writes:  # encoded as the unit of work encodes them, not through proto-plus
            ref = client.document(path)
            encoding.add(batch, ref, encoding.write_pb(ref._document_path, kind, data))
        batch.commit()
        publisher.publish("bench-floor", payload, {"ce-id": key}, "BC-FLOOR-" + str(i % 20))
        with lock:
            latencies.append(time.perf_counter() - t)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(events)))
    return events / (time.perf_counter() - start), latencies


class Bus:
    """A contractor's ERP on Pub/Sub: publishes execution reports on ``execution-<id>`` and receives the
    replies on ``replies-<id>-erp`` through one streaming pull kept open for every phase (the emulator
    mishandles a streaming pull cancelled and opened again on the same subscription: its next stream
    received nothing and it spun at 95 ms of CPU per message)."""

    def __init__(self, stack: Stack):
        from google.cloud import pubsub_v1

        self.publisher = pubsub_v1.PublisherClient(
            publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True))
        self.subscriber = pubsub_v1.SubscriberClient()
        self.topic = self.publisher.topic_path(stack.project_id, f"execution-{CONTRACTOR}")
        replies = self.subscriber.subscription_path(stack.project_id, f"replies-{CONTRACTOR}-erp")
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.rejected: list[dict] = []
        self.expected = 0
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.future = self.subscriber.subscribe(replies, self._on_reply)

    def _on_reply(self, message) -> None:
        body = json.loads(message.data)
        message.ack()
        with self.lock:
            key = body["in_reply_to"]["id"]
            if key in self.sent_at:
                self.latencies.append(time.perf_counter() - self.sent_at.pop(key))
                if body["status"] != "accepted":
                    self.rejected.append(body)
            if len(self.latencies) >= self.expected:
                self.done.set()

    def run(self, orders: list[str], per_order: int) -> tuple[float, list[float]]:
        """Publish ``per_order`` reports for each order (ordering keys keep each order's events in
        sequence); throughput and publish → reply latencies."""
        with self.lock:
            self.latencies, self.expected = [], len(orders) * per_order
            self.done.clear()
        start = time.perf_counter()
        for sequence in range(1, per_order + 1):
            for order_id in orders:
                ce_id = uuid.uuid4().hex
                with self.lock:
                    self.sent_at[ce_id] = time.perf_counter()
                self.publisher.publish(self.topic, json.dumps(report(order_id, sequence)).encode(), ordering_key=order_id,
                                       **{"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "//bench/",
                                          "ce-type": "fr.passerelle.execution.reported.v1"})
        self.done.wait(timeout=600)
        elapsed = time.perf_counter() - start
        if self.rejected:
            raise RuntimeError(f"{len(self.rejected)} rejected, e.g. {self.rejected[0]['errors']}")
        if len(self.latencies) < self.expected:
            raise RuntimeError(f"only {len(self.latencies)} of {self.expected} replies received")
        return len(self.latencies) / elapsed, list(self.latencies)

    def close(self) -> None:
        self.future.cancel()
        try:
            self.future.result(timeout=30)  # the stream and its callback workers stopped, then the channel
        except Exception:  # a cancelled stream may end with its cancellation
            pass
        self.subscriber.close()


class Profiler:
    """py-spy sampling one function process (and its gunicorn worker) while a phase runs."""

    def __init__(self, directory: str | None):
        self.directory = Path(directory) if directory else None
        self.proc: subprocess.Popen | None = None
        self.out: Path | None = None

    def start(self, name: str, pid: int) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self.out = self.directory / f"{name}.txt"
        spy = Path(sys.executable).with_name("py-spy")
        self.proc = subprocess.Popen([str(spy), "record", "--pid", str(pid), "--subprocesses", "--rate", "250",
                                      "--format", "raw", "--output", str(self.out), "--nonblocking"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # py-spy attaches

    def stop(self) -> dict[str, list[tuple[float, str]]]:
        if self.proc is None:
            return {}
        self.proc.send_signal(2)  # SIGINT: py-spy writes its file
        self.proc.wait(timeout=60)
        self.proc = None
        return top_frames(self.out)


def top_frames(path: Path | None, n: int = 12) -> dict[str, list[tuple[float, str]]]:
    """The hottest frames of py-spy's collapsed stacks (line numbers folded): the project's own
    functions by inclusive share of the samples, and every function by self share."""
    if path is None or not path.exists():
        return {}
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        total += int(count)
        for frame in dict.fromkeys(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
    if not total:
        return {}
    ours = sorted((f for f in inclusive if re.search(r"\((shared|functions)/", f)), key=lambda f: -inclusive[f])
    return {"project functions, inclusive": [(100 * inclusive[f] / total, f) for f in ours[:n]],
            "every function, self": [(100 * own[f] / total, f) for f in sorted(own, key=lambda f: -own[f])[:n]]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300, help="events per channel (default 300)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent HTTP clients (default 4)")
    parser.add_argument("--profile", metavar="DIR", help="sample each function with py-spy into DIR")
    parser.add_argument("--warmup", type=int, default=1000,
                        help="unmeasured events run first on each path, raw writes included (default 1000)")
    args = parser.parse_args()
    profiler = Profiler(args.profile)
    profiles: dict[str, list] = {}
    per_order = 10
    n_orders = max(1, args.events // per_order)
    n_warm = max(0, args.warmup // per_order)

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
            probe_orders = ["BC-PROBE-HTTP", "BC-PROBE-BUS"]
            warm_http = [f"BC-WARM-HTTP-{i:04d}" for i in range(n_warm)]
            warm_bus = [f"BC-WARM-BUS-{i:04d}" for i in range(n_warm)]
            create_orders(stack, manager_token, http_orders + bus_orders + warm_http + warm_bus)
            from bench import round_trips

            issued = round_trips.per_event(round_trips.http_calls("receive_order", manager_token,
                                                                  [order_body(o) for o in probe_orders]), 2)
            warm: dict[str, float] = {}
            if n_warm:
                warm["raw Firestore write"] = bench_baseline(client, n_warm * per_order, "bench_warmup")[0]
            base_tput, base_lat = bench_baseline(client, n_orders * per_order)
            floor_tput = floor_lat = None
            watched = ["submit_execution", "publish_execution", "firestore", "pubsub", "tasks"]
            if n_warm:
                warm["HTTP submit_execution"] = bench_http(stack, contractor_token, warm_http, per_order, args.concurrency)[0]
            profiler.start("submit_execution", stack.processes["submit_execution"].pid)
            with CpuMeter(stack, watched) as http_cpu:
                http_tput, http_lat = bench_http(stack, contractor_token, http_orders, per_order, args.concurrency)
            profiles["submit_execution"] = profiler.stop()
            with CpuMeter(stack, watched) as floor_cpu:
                floor_tput, floor_lat = bench_floor(stack, client, n_orders * per_order, args.concurrency)
            bus = Bus(stack)
            if n_warm:
                warm["Pub/Sub publish_execution"] = bus.run(warm_bus, per_order)[0]
            profiler.start("publish_execution", stack.processes["publish_execution"].pid)
            with CpuMeter(stack, watched) as bus_cpu:
                bus_tput, bus_lat = bus.run(bus_orders, per_order)
            bus.close()
            profiles["publish_execution"] = profiler.stop()
            memory = {name: rss_mb(stack.processes[name].pid) for name in FUNCTIONS}
            probe = range(1, per_order + 1)
            trips = {"HTTP receive_order (issue)": issued, "HTTP submit_execution": round_trips.per_event(round_trips.http_events(
                contractor_token, report, probe_orders[0], probe), len(probe)),
                "Pub/Sub publish_execution": round_trips.per_event(round_trips.pubsub_events(
                    stack.project_id, CONTRACTOR, report, probe_orders[1], probe), len(probe))}
    finally:
        stack.stop()

    base_p = percentiles(base_lat)
    rows = [("raw Firestore write (baseline)", base_tput, base_p),
            ("the event's calls, no function", floor_tput, percentiles(floor_lat)),
            ("HTTP submit_execution", http_tput, percentiles(http_lat)),
            ("Pub/Sub publish_execution", bus_tput, percentiles(bus_lat))]
    print(f"\nIngest benchmark — {n_orders * per_order} events per channel, {per_order} per order, "
          f"HTTP concurrency {args.concurrency}, {os.cpu_count()} cores, "
          f"after {n_warm * per_order} unmeasured warm-up events per path\n")
    if warm:
        print("warm-up (emulators' JIT still compiling; not measured): "
              + ", ".join(f"{k} {v:.1f}/s" for k, v in warm.items()) + "\n")
    print(f"{'path':<32}{'events/s':>10}{'× base':>8}{'p50 ms':>9}{'× base':>8}{'p95 ms':>9}{'× base':>8}{'p99 ms':>9}{'× base':>8}")
    for name, tput, p in rows:
        print(f"{name:<32}{tput:>10.1f}{tput / base_tput:>8.2f}"
              + "".join(f"{p[q] * 1000:>9.1f}{p[q] / base_p[q]:>8.2f}" for q in ("p50", "p95", "p99")))
    print(f"\nRatios: HTTP throughput × {http_tput / base_tput:.2f} of raw sequential writes (goal ≥ 0.5), "
          f"p99/p50 {percentiles(http_lat)['p99'] / percentiles(http_lat)['p50']:.1f} (goal ≤ 3); "
          f"Pub/Sub × {bus_tput / base_tput:.2f} (goal ≥ 0.3). Load average {os.getloadavg()[0]:.1f}.")
    print(f"Against the event's own calls made with no function ({floor_tput:.1f}/s, {args.concurrency} threads): "
          f"HTTP × {http_tput / floor_tput:.2f}, Pub/Sub × {bus_tput / floor_tput:.2f}; that floor is "
          f"× {floor_tput / base_tput:.2f} of raw sequential writes on this machine.")
    n_events = n_orders * per_order
    print(f"\nCPU milliseconds per event, by process (/proc; the 2 cores are shared by all of them):")
    print(f"{'process':<30}{'HTTP phase':>14}{'floor':>10}{'Pub/Sub phase':>16}")
    for name in http_cpu.spent:
        print(f"{name:<30}{1000 * http_cpu.spent[name] / n_events:>14.1f}{1000 * floor_cpu.spent[name] / n_events:>10.1f}"
              f"{1000 * bus_cpu.spent[name] / n_events:>16.1f}")
    print(f"\nCalls to the outside per event ({per_order} events each, through the entry points in this process):")
    names = list(dict.fromkeys(k for t in trips.values() for k in t))
    print(f"{'':<46}" + "".join(f"{path:>28}" for path in trips))
    for name in names:
        print(f"{name:<46}" + "".join(f"{t.get(name, 0):>28.2f}" for t in trips.values()))
    print("\nResident memory per function process (MB): "
          + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()))
    for name, tables in profiles.items():
        for title, rows in tables.items():
            print(f"\n{name} — py-spy on-CPU samples of its process, {title} (% of samples):")
            for share, frame in rows:
                print(f"  {share:5.1f}  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
