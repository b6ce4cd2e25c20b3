"""Cold-start benchmark: what loading each entry point costs, against ``import functions_framework`` alone.

Each figure is taken in a fresh interpreter (``python -c``), timed inside it around the imports only
(the interpreter's own start-up is the same for every row and left out), several runs, median:

  * baseline — ``import functions_framework``: what every deployed function pays anyway;
  * import   — ``import functions_framework, main`` then ``main.<entry point>``: what the entry point's
               module graph adds (the brief's ratio, ≤ 1.5× the baseline is the goal);
  * load     — ``functions_framework.create_app(<entry point>, "main.py")``: what a deployed instance
               really runs before its first request (functions-framework loads main.py as a source file,
               asks it for the target and builds its Flask app).

Runs are interleaved (one run of every row, then the next round), and every entry point's import is
paired with a baseline run just before it: its ratio is the median, over the rounds, of import ÷ the
baseline of its own pair. On this shared virtual machine the baseline's CPU time alone drifts from
about 130 to 230 ms within minutes; a ratio to a baseline taken a minute earlier carried that drift. Prints each entry point's median and ratio, the worst, and the
heaviest modules of the worst entry point (``-X importtime``).

    .venv/bin/python -m bench.cold_start                   # every entry point, 5 runs
    .venv/bin/python -m bench.cold_start --runs 3 submit_execution score_candidates
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5

_TIMED = """
import time
t, c = time.perf_counter(), time.process_time()
{body}
print(time.perf_counter() - t, time.process_time() - c)
"""
BASELINE = "import functions_framework"
IMPORT = "import functions_framework, main\nmain.{name}"
LOAD = "import functions_framework\nfunctions_framework.create_app({name!r}, 'main.py')"


def entry_points() -> list[str]:
    sys.path.insert(0, str(ROOT))
    import main

    return list(main.ENTRY_POINTS)


def timed(body: str) -> tuple[float, float]:
    """(wall, CPU) seconds the snippet took inside a fresh interpreter, bytecode compiled first as the
    buildpack does. Imports are CPU-bound (files in the page cache): on a shared machine the CPU time
    is the steadier figure, the wall time the one a user waits."""
    out = subprocess.run([sys.executable, "-c", _TIMED.format(body=body)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    wall, cpu = out.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def compile_bytecode() -> None:
    """What Google's functions-framework buildpack runs on the source (``compileall -f -q .``); this
    machine sets PYTHONDONTWRITEBYTECODE, so without it every run would compile shared/ again."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "main.py", "shared", "functions"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)


def heaviest(name: str, top: int = 12) -> list[tuple[float, str]]:
    """Modules of the shared/functions graph (and the libraries they pull in) with the largest
    cumulative import time once functions_framework is loaded."""
    code = f"import functions_framework\nimport sys\nprint('--MARK--', file=sys.stderr)\nimport main\nmain.{name}"
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stderr
    after = err.split("--MARK--", 1)[1]
    rows = []
    for line in after.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) <= 5:
            rows.append((int(m.group(2)) / 1000, m.group(4)))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="entry points (default: every one of main.py)")
    parser.add_argument("--runs", type=int, default=5, help="runs per row (default 5)")
    parser.add_argument("--no-load", action="store_true", help="skip the create_app rows")
    args = parser.parse_args()
    names = args.names or entry_points()
    compile_bytecode()
    base: list[tuple[float, float]] = []
    imports: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    loads: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for name in names:  # warm-up: compile the bytecode, fill the page cache
        timed(IMPORT.format(name=name))
    paired: dict[str, list[tuple[float, float]]] = {n: [] for n in names}  # (baseline, import) CPU of a pair
    for r in range(args.runs):
        for name in names:
            base.append(timed(BASELINE))
            imports[name].append(timed(IMPORT.format(name=name)))
            paired[name].append((base[-1][1], imports[name][-1][1]))
            if not args.no_load:
                loads[name].append(timed(LOAD.format(name=name)))
        print(f"round {r + 1}/{args.runs} done", file=sys.stderr, flush=True)
    def med(samples: list[tuple[float, float]], i: int) -> float:
        return statistics.median(x[i] for x in samples)

    bw, bc = med(base, 0), med(base, 1)
    print(f"\nCold-start benchmark — {len(names)} entry points, {args.runs} runs each (median), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    print(f"baseline: import functions_framework {bw * 1000:.0f} ms wall, {bc * 1000:.0f} ms CPU "
          f"(wall runs {min(b[0] for b in base) * 1000:.0f}–{max(b[0] for b in base) * 1000:.0f})\n")
    header = f"{'entry point':<28}{'wall ms':>9}{'× base':>8}{'CPU ms':>9}{'× base':>8}{'× paired':>10}"
    if not args.no_load:
        header += f"{'create_app CPU ms':>19}{'× base':>8}"
    print(header)
    ratios, walls = {}, {}
    for name in names:
        mw, mc = med(imports[name], 0), med(imports[name], 1)
        ratios[name], walls[name] = statistics.median(i / b for b, i in paired[name]), mw / bw
        line = f"{name:<28}{mw * 1000:>9.0f}{mw / bw:>8.2f}{mc * 1000:>9.0f}{mc / bc:>8.2f}{ratios[name]:>10.2f}"
        if not args.no_load:
            ml = med(loads[name], 1)
            line += f"{ml * 1000:>19.0f}{ml / bc:>8.2f}"
        print(line)
    worst = max(ratios, key=ratios.get)
    met = sum(r <= GOAL for r in ratios.values())
    print(f"\nCPU, paired with its baseline: worst {worst} × {ratios[worst]:.2f}, median × {statistics.median(ratios.values()):.2f}; "
          f"{met}/{len(names)} entry points within × {GOAL}. Wall: median × {statistics.median(walls.values()):.2f}.")
    print(f"heaviest modules {worst} adds after functions_framework (cumulative ms, -X importtime):")
    for ms, module in heaviest(worst):
        print(f"  {ms:>7.1f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
