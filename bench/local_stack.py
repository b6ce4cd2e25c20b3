"""Local stack benchmark: how long ./scripts/dev's stack takes to be ready, and how much memory it holds.

Starts the stack as ./scripts/dev does (``devtools.dev.start_stack``: the five emulators and every
function of emulators.json), on free ports and in a temporary log directory, then measures:

- **ready**: seconds from the start to every emulator and every function port answering, and the
  CPU seconds all those processes spent to get there (a fairer figure on a shared machine);
- **resident memory**: the sum of VmRSS (and of Pss, which counts a page shared by several
  processes once) over every process the stack started and their children — emulators, the
  functions host or the function processes, the Cloud Tasks dispatcher — read from /proc, once
  at ready and once more after every function has answered one request (``GET /``);

then stops everything. Modes: ``hosted`` (one host process, devtools/functions_host.py, the
default of ./scripts/dev) and ``process-per-function`` (one functions-framework process per
function, as before). Run from a checkout whose devtools/stack.py has no host, the script starts
the stack as that checkout's ./scripts/dev did (emulators, then functions) and says so.

    .venv/bin/python -m bench.local_stack                  # both modes, and the ratio
    .venv/bin/python -m bench.local_stack --mode hosted --runs 3

docs/performance.md ("Local stack") records the figures.
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools.stack import Stack, load_config


def descendants(pids: list[int]) -> set[int]:
    """The given processes and all their children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid not in found and Path(f"/proc/{pid}").exists():
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, with reaped children) a process used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, Pss) of one process in kB; (0, 0) if it is gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def stack_memory(stack: Stack) -> dict[str, tuple[int, int, int, float]]:
    """Per started process (with its children): (processes, RSS MB, PSS MB, CPU seconds so far)."""
    out = {}
    for name, proc in stack.processes.items():
        pids = descendants([proc.pid])
        rss, pss = map(sum, zip(*(memory_kb(p) for p in pids))) if pids else (0, 0)
        out[name] = (len(pids), rss // 1024, pss // 1024, sum(cpu_seconds(p) for p in pids))
    return out


def touch_functions(stack: Stack, names: list[str]) -> None:
    """One request to every function (GET /: most answer 401 or 405), as a developer's first clicks."""
    for name in names:
        try:
            urllib.request.urlopen(stack.url(name) + "/", timeout=30).read()
        except urllib.error.HTTPError:
            pass


def has_host() -> bool:
    return "process_per_function" in inspect.signature(Stack.start_functions).parameters


def run_once(mode: str, names: list[str]) -> dict:
    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-stack-")), free_ports=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    try:
        if has_host():
            from devtools.dev import start_stack

            start_stack(stack, names, process_per_function=(mode == "process-per-function"))
        else:  # a checkout from before the host: what its ./scripts/dev did
            stack.start_emulators()
            stack.start_functions(names)
        ready = time.perf_counter() - started
        at_ready = stack_memory(stack)
        touch_functions(stack, names)
        time.sleep(1)
        touched = stack_memory(stack)
    finally:
        stack.stop()
    host_log = stack.log_dir / "functions_host.log"
    host_line = next((line for line in host_log.read_text().splitlines() if line.startswith("ready:")), "") \
        if host_log.exists() else ""
    return {"ready": ready, "at_ready": at_ready, "touched": touched, "load": load, "host": host_line}


def summary(memory: dict[str, tuple]) -> tuple:
    return tuple(sum(values[i] for values in memory.values()) for i in range(4))


def report(mode: str, runs: list[dict]) -> dict:
    ready = statistics.median(r["ready"] for r in runs)
    best = min(runs, key=lambda r: r["ready"])
    procs, rss, pss, cpu = summary(best["at_ready"])
    _, rss_t, pss_t, _ = summary(best["touched"])
    emulators = {k: v for k, v in best["at_ready"].items() if k in ("firestore", "pubsub", "auth", "storage", "tasks")}
    _, rss_e, pss_e, cpu_e = summary(emulators)
    print(f"\n{mode}: ready in {ready:.1f} s (median of {len(runs)}: "
          + ", ".join(f"{r['ready']:.1f} s at load {r['load']:.1f}" for r in runs) + ")")
    print(f"  CPU spent to start (fastest run): {cpu:.1f} s (emulators and dispatcher {cpu_e:.1f} s, "
          f"of which Auth {best['at_ready'].get('auth', (0, 0, 0, 0))[3]:.1f} s; functions {cpu - cpu_e:.1f} s)")
    if best["host"]:
        print(f"  functions host: {best['host']}")
    print(f"  {procs} processes; resident at ready {rss} MB RSS / {pss} MB PSS "
          f"(emulators and dispatcher {rss_e} MB RSS / {pss_e} MB PSS, functions {rss - rss_e} MB RSS / "
          f"{pss - pss_e} MB PSS); after one request to every function {rss_t} MB RSS / {pss_t} MB PSS")
    largest = sorted(best["touched"].items(), key=lambda kv: -kv[1][1])[:8]
    print("  largest after the requests (RSS MB): " + ", ".join(f"{k} {v[1]}" for k, v in largest))
    return {"ready": ready, "rss": rss, "pss": pss, "rss_touched": rss_t, "processes": procs, "cpu": cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("both", "hosted", "process-per-function"), default="both")
    parser.add_argument("--runs", type=int, default=1, help="starts per mode (the median ready time is shown)")
    args = parser.parse_args(argv)
    names = list(load_config()["functions"])
    modes = ["hosted", "process-per-function"] if args.mode == "both" else [args.mode]
    if not has_host():
        print("this checkout's devtools/stack.py has no functions host: measuring its process per function")
        modes = ["process-per-function (before the host)"]
    print(f"Local stack: {len(names)} functions, 5 emulators, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for _ in range(args.runs):  # modes alternate, so that a busy spell of a shared machine hits both
        for mode in modes:
            runs[mode].append(run_once(mode, names))
    results = {mode: report(mode, runs[mode]) for mode in modes}
    if len(results) == 2:
        hosted, per = results["hosted"], results["process-per-function"]
        print(f"\nprocess per function / hosted: ready × {per['ready'] / hosted['ready']:.2f}, "
              f"CPU to start × {per['cpu'] / hosted['cpu']:.2f}, "
              f"RSS × {per['rss'] / hosted['rss']:.2f} at ready, × {per['rss_touched'] / hosted['rss_touched']:.2f} "
              f"after one request each, PSS × {per['pss'] / hosted['pss']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
