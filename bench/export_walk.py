"""The walk of a space by a reversibility export (A8): how fast every document of a manager's space is read.

Starts a Firestore emulator of its own (free port), builds a manager's space — ``--orders`` orders, each with
``--events`` history events and ``--documents`` document records, plus deadlines and penalty entries — and the same
space for another manager beside it, then reads the first space three ways, ``--runs`` times each, interleaved:

- **baseline**: every document of the space by its known path, ``get_all`` 300 at a time (what reading those
  documents costs when nothing has to be discovered);
- **before**: the walk as it was — each collection's documents listed 300 at a time, then one request per document
  listing its subcollections (8 side by side);
- **now**: ``CloudExportArchive.walk`` — one query over all of a collection's descendants per 300 documents.

It prints documents per second and each walk's time as a ratio to the baseline's, and checks that both walks read
exactly the space's documents (none of the other manager's) with the same data.

    .venv/bin/python -m bench.export_walk                      # 500 orders × (1 + 6 events + 2 documents) …
    .venv/bin/python -m bench.export_walk --orders 2000 --runs 3
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench.emulator import own_firestore

MANAGER, OTHER = "mgr-bench-walk", "mgr-bench-other"
PAGE = 300


def seed(client, orders: int, events: int, documents: int) -> list[str]:
    """Both spaces written; the paths of MANAGER's documents (its own record included), in no particular order."""
    writes: list[tuple[str, dict]] = []
    for manager in (MANAGER, OTHER):
        writes.append((f"managers/{manager}", {"name": f"Bench {manager}"}))
        for n in range(orders):
            order = f"managers/{manager}/orders/BC-{n:05d}"
            writes.append((order, {"order_id": f"BC-{n:05d}", "manager_id": manager, "state": "in_progress",
                                   "title": "Remplacement de la chaudière", "lines": [{"label": "Main d'œuvre",
                                                                                       "quantity": 2}] * 4}))
            writes += [(f"{order}/history/{e:06d}", {"sequence": e, "state": "in_progress", "by": "erp",
                                                     "comment": "Intervention en cours " * 3}) for e in range(events)]
            writes += [(f"{order}/documents/{n:05d}{d:02d}".ljust(64, "a"), {"kind": "service_done", "pages": 2,
                                                                             "manager_id": manager})
                       for d in range(documents)]
            writes.append((f"managers/{manager}/deadlines/D1-{n:05d}", {"kind": "D1", "order_id": f"BC-{n:05d}"}))
            if n % 5 == 0:
                writes.append((f"managers/{manager}/penalties/P1-{n:05d}", {"kind": "P1", "amount_cents": 15000}))
    for i in range(0, len(writes), 450):
        batch = client.batch()
        for path, data in writes[i:i + 450]:
            batch.set(client.document(path), data)
        batch.commit()
    return [path for path, _ in writes if path == f"managers/{MANAGER}" or path.startswith(f"managers/{MANAGER}/")]


def baseline(client, paths: list[str]) -> dict[str, dict]:
    found = {}
    for i in range(0, len(paths), PAGE):
        for snap in client.get_all([client.document(p) for p in paths[i:i + PAGE]]):
            found[snap.reference.path] = snap.to_dict()
    return found


def before(client, space: str) -> dict[str, dict]:
    """The walk as it was until 2026-12-07 (shared/adapters/exports.py then): one request per document to list its
    subcollections, 8 at a time."""
    found = {}
    root = client.document(space)
    snap = root.get()
    if snap.exists:
        found[space] = snap.to_dict()

    def walk(collections, pool):
        for collection in collections:
            refs = collection.list_documents(page_size=PAGE)
            while page := list(itertools.islice(refs, PAGE)):
                below = pool.map(lambda ref: list(ref.collections()), page)
                snaps = {s.reference.path: s for s in client.get_all(page)}
                for ref, subcollections in zip(page, below):
                    s = snaps.get(ref.path)
                    if s is not None and s.exists:
                        found[ref.path] = s.to_dict()
                    walk(subcollections, pool)

    with ThreadPoolExecutor(max_workers=8) as pool:
        walk(root.collections(), pool)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--events", type=int, default=6, help="history events per order")
    parser.add_argument("--documents", type=int, default=2, help="document records per order")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with own_firestore("bench-export-walk-") as stack:
        from google.cloud import firestore

        from shared.adapters.exports import CloudExportArchive

        client = firestore.Client(project=stack.project_id)
        paths = seed(client, args.orders, args.events, args.documents)
        archive = CloudExportArchive(client, stack.project_id, "unused-bucket")  # the walk reads Firestore only
        space = f"managers/{MANAGER}"
        ways = {"baseline": lambda: baseline(client, paths), "before": lambda: before(client, space),
                "now": lambda: dict(archive.walk(space))}
        baseline(client, paths)  # the emulator's JIT warms up before anything is measured
        seconds: dict[str, list[float]] = {name: [] for name in ways}
        answers: dict[str, dict[str, dict]] = {}
        for _ in range(args.runs):
            for name, way in ways.items():
                t = time.perf_counter()
                answers[name] = way()
                seconds[name].append(time.perf_counter() - t)
    n = len(paths)
    base = statistics.median(seconds["baseline"])
    print(f"\nExport walk — one manager's space of {n} documents ({args.orders} orders × (1 + {args.events} events + "
          f"{args.documents} documents) + deadlines and penalties), another space beside it; median of {args.runs}")
    print(f"{'way':<62}{'seconds':>9}{'docs/s':>9}{'× base':>8}")
    labels = {"baseline": "get_all of the known paths, 300 a request (baseline)",
              "before": "before: subcollections listed per document, 8 at a time",
              "now": "now: one query over a collection's descendants per 300"}
    for name, label in labels.items():
        s = statistics.median(seconds[name])
        print(f"{label:<62}{s:>9.2f}{n / s:>9.0f}{s / base:>8.2f}")
    same = answers["before"] == answers["now"] == answers["baseline"]
    print(f"\nDocuments read: before {len(answers['before'])}, now {len(answers['now'])}, baseline "
          f"{len(answers['baseline'])} of {n}; same documents and data: {same}; the other space's read: "
          f"{sum(p.startswith(f'managers/{OTHER}') for p in answers['now'])}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
