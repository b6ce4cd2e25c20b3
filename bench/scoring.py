"""Scoring benchmark (B3 ranked results): quality on the judged set, latency and memory,
each against its baseline measured in the same run — bare BM25.

    .venv/bin/python -m bench.scoring [--sizes 1000 10000 100000] [--reps 5] [--quality-only]

For each pool size (the 99 hand-written judged professionals of ``bench/data/judgements``
among generated distractors, ``bench/judging.py``) it prints:
  quality  nDCG@10 of the full scoring (``rank``) vs text-only BM25 top 10, over the 16
           judged needs, and separately over the dev and the held-out test needs; two
           ablations: the soft criteria without hard filters, text and hard filters only;
  latency  p50 / p95 of ``rank`` (every criterion, filters, rotation, French explanations of
           the top 10) and of bare BM25 (the same query's scores + top 10), interleaved need by
           need, and their ratios — in wall-clock time and in this thread's CPU time;
  memory   a child process that imports what ``score_candidates`` imports, reads the index
           blob as the function downloads it, loads it and ranks every need: its RSS after the
           imports, after loading, its peak, and the peak minus the imports (the scoring work).
Pool generation and index building happen in this process and are reported apart.
See docs/sourcing.md, "How ranking quality is measured".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import judging
from shared.domain.sourcing.scoring import SearchIndex, rank
from shared.domain.sourcing.text import analyse


def text_only(index: SearchIndex, need, k: int = 10) -> list[int]:
    """Bare BM25: the need's text scored against the pool, best ``k`` (ties by document order)."""
    scores = index.bm25_scores(index.term_ids(analyse(need.search_text())))
    if len(scores) > k:
        top = np.argpartition(-scores, k)[:k]
        return [int(i) for i in top[np.lexsort((top, -scores[top]))]]
    return [int(i) for i in np.lexsort((np.arange(len(scores)), -scores))]


def _mib(kib: int) -> float:
    return kib / 1024


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


ABLATIONS = {  # what each part brings (all needs): the soft criteria without hard filters; text and filters only
    "soft criteria, no hard filter": {"filters": ()},
    "text + hard filters only": {"weights": {"text": 1.0}},
}


def quality(index: SearchIndex, pool: judging.Pool, needs: list[judging.JudgedNeed]) -> dict[str, dict[str, float]]:
    per = {"all": ([], []), "dev": ([], []), "test": ([], [])}
    ablated: dict[str, list[float]] = {name: [] for name in ABLATIONS}
    for need in needs:
        gains = judging.grades(need, pool)
        full = [c.professional_id for c in rank(index, need.content, need.need_id, 1).candidates]
        text = [index.ids[i] for i in text_only(index, need.content)]
        for key in ("all", need.split):
            per[key][0].append(judging.ndcg_at(full, gains))
            per[key][1].append(judging.ndcg_at(text, gains))
        for name, options in ABLATIONS.items():
            ranked = rank(index, need.content, need.need_id, 1, **options).candidates
            ablated[name].append(judging.ndcg_at([c.professional_id for c in ranked], gains))
    out = {k: {"full": statistics.mean(f), "text": statistics.mean(t), "n": len(f)} for k, (f, t) in per.items()}
    out["ablations"] = {name: statistics.mean(values) for name, values in ablated.items()}
    return out


def latency(index: SearchIndex, needs: list[judging.JudgedNeed], reps: int) -> dict[str, dict[str, float]]:
    """p50/p95 in ms of wall-clock time and of this thread's CPU time (which time spent waiting for
    a core held by another process does not inflate), full rank vs bare BM25, interleaved."""
    samples: dict[str, list[float]] = {"full wall": [], "bare wall": [], "full cpu": [], "bare cpu": []}
    for need in needs:  # warm-up
        rank(index, need.content, need.need_id, 1)
        text_only(index, need.content)
    for _ in range(reps):
        for need in needs:
            for name, call in (("full", lambda: rank(index, need.content, need.need_id, 1)),
                               ("bare", lambda: text_only(index, need.content))):
                wall, cpu = time.perf_counter(), time.thread_time()
                call()
                samples[f"{name} cpu"].append(time.thread_time() - cpu)
                samples[f"{name} wall"].append(time.perf_counter() - wall)
    return {name: {"p50": float(np.percentile(v, 50)) * 1000, "p95": float(np.percentile(v, 95)) * 1000,
                   "n": len(v)} for name, v in samples.items()}


def child(index_path: str) -> None:
    """Measure the scoring work as ``score_candidates`` does it (prints one JSON line)."""
    start = _status("VmRSS")
    import functions.score_candidates  # noqa: F401  (functions-framework, services, scoring, bm25s)
    import shared.adapters.firestore.unit_of_work  # noqa: F401  (google-cloud-firestore, imported by the first call)
    import shared.adapters.storage  # noqa: F401  (google-cloud-storage)
    imports = _status("VmRSS")
    hwm_imports = _status("VmHWM")
    blob = Path(index_path).read_bytes()  # what GcsBlobStore.get returns
    index = SearchIndex.from_bytes(blob)
    del blob
    loaded = _status("VmRSS")
    needs = judging.load_needs()
    for need in needs:
        rank(index, need.content, need.need_id, 1)
    print(json.dumps({"start": start, "imports": imports, "hwm_imports": hwm_imports, "loaded": loaded,
                      "after_ranking": _status("VmRSS"), "peak": _status("VmHWM")}))


def memory(blob: bytes) -> dict[str, int]:
    with tempfile.NamedTemporaryFile(suffix=".npz", delete=False) as f:
        f.write(blob)
        path = f.name
    try:
        out = subprocess.run([sys.executable, "-m", "bench.scoring", "--child", path], check=True,
                             capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
                             env={**os.environ, "PYTHONHASHSEED": "0"})
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(path)


def run(size: int, reps: int, quality_only: bool, with_memory: bool) -> None:
    t0 = time.perf_counter()
    pool = judging.build_pool(size)
    generated = time.perf_counter() - t0
    needs = judging.load_needs()
    t0 = time.perf_counter()
    index = SearchIndex.build(pool.professionals)
    build = time.perf_counter() - t0
    blob = index.to_bytes()
    q = quality(index, pool, needs)
    print(f"\n{size:>7} professionals ({len(pool.hand_written)} judged + {size - len(pool.hand_written)} generated) | "
          f"generated {generated:5.1f} s | index built {build:5.1f} s, {len(blob) / 2**20:5.1f} MiB", flush=True)
    for key in ("all", "dev", "test"):
        r = q[key]
        print(f"  nDCG@10 {key:>4} ({r['n']:>2} needs): full {r['full']:.3f} vs text-only BM25 {r['text']:.3f} "
              f"({r['full'] - r['text']:+.3f})", flush=True)
    print("  ablations (all needs): " + ", ".join(f"{name} {value:.3f}" for name, value in q["ablations"].items()),
          flush=True)
    if quality_only:
        return
    lat = latency(index, needs, reps)
    for clock in ("wall", "cpu"):
        full, bare = lat[f"full {clock}"], lat[f"bare {clock}"]
        print(f"  latency {clock:>4} ({full['n']} samples): rank p50 {full['p50']:.2f} ms, p95 {full['p95']:.2f} ms | "
              f"bare BM25 p50 {bare['p50']:.2f} ms, p95 {bare['p95']:.2f} ms | "
              f"ratio p50 {full['p50'] / bare['p50']:.2f}×, p95 {full['p95'] / bare['p95']:.2f}×", flush=True)
    if with_memory:
        del index, pool
        m = memory(blob)
        print(f"  memory of score_candidates' work (child process): RSS after imports {_mib(m['imports']):.0f} MiB, "
              f"after loading the index {_mib(m['loaded']):.0f} MiB, peak {_mib(m['peak']):.0f} MiB; "
              f"scoring work = peak − imports {_mib(m['peak'] - m['imports']):.0f} MiB "
              f"(bench process peak incl. pool generation {_mib(_status('VmHWM')):.0f} MiB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--reps", type=int, default=5, help="latency repetitions of the 16 needs")
    parser.add_argument("--quality-only", action="store_true", help="nDCG only (deterministic, fast)")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print("Scoring benchmark — baseline in the same run: bare BM25 (text-only, top 10). "
          f"{os.cpu_count()} CPU(s); latency is noisy on a shared machine.")
    for size in args.sizes:
        run(size, args.reps, args.quality_only, not args.no_memory)


if __name__ == "__main__":
    main()
