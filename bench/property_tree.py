"""Property tree import benchmark (A7): N nodes imported on the Firestore emulator.

Starts its own Firestore emulator (free port), then measures in the same run:
  * baseline — raw batched Firestore writes of the N node documents (449 per batch, one after
               the other, like the import);
  * import   — ``shared.service.property_tree.import_tree`` on a French CSV of N nodes: parse,
               validate the whole file, then batches of 449 nodes + the job's progress, one unit
               of work each (with the bulk audit record the unit of work adds to each batch);
  * replay   — the same file again: its job is found completed, nothing is written;
  * update   — the same file with one label changed: the stored tree is read back, one node written;
and prints nodes/s for each, as a ratio to the baseline.

    .venv/bin/python -m bench.property_tree                  # 100 000 nodes, the issue's figure (~2 min here)
    .venv/bin/python -m bench.property_tree --nodes 10000    # a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from bench.emulator import own_firestore
from shared.domain import property_tree as pt
from shared.service import property_tree as service

TENANT = "mgr-bench"
BATCH = service.BATCH_NODES


class _Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def make_csv(n: int) -> bytes:
    """Sites of 10 buildings of 4 staircases of 20 dwellings, one boiler per building: ~N nodes."""
    rows = ["node_id;kind;parent_id;label;commune"]
    site = building = 0
    while len(rows) - 1 < n:
        s = f"S{site:04d}"
        rows.append(f"{s};site;;Groupe {site};69123")
        for b in range(10):
            bid = f"{s}-B{b}"
            rows.append(f"{bid};building;{s};Bâtiment {b};")
            rows.append(f"{bid}-CHAUD;equipment;{bid};Chaufferie;")
            for e in range(4):
                eid = f"{bid}-E{e}"
                rows.append(f"{eid};staircase;{bid};Escalier {e};")
                rows += [f"{eid}-L{d:02d};dwelling;{eid};Logement {d};" for d in range(20)]
            building += 1
        site += 1
    return ("\n".join(rows[:n + 1]) + "\n").encode()


def write_baseline(client, nodes: list[pt.PropertyNode]) -> float:
    col = client.collection("managers").document("mgr-baseline").collection("property_nodes")
    start = time.perf_counter()
    for i in range(0, len(nodes), BATCH):
        batch = client.batch()
        for node in nodes[i:i + BATCH]:
            batch.set(col.document(node.node_id), node.model_dump(mode="json"))
        batch.commit()
    return len(nodes) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100_000,
                        help="nodes in the file (default 100000, the issue's figure; ~2 min on 2 cores)")
    args = parser.parse_args()
    raw = make_csv(args.nodes)
    rows, errors = pt.parse_csv(raw)
    assert not errors and rows, errors[:3]
    # the file may end on a dwelling whose parents are all present: it is valid by construction
    with own_firestore("bench-property-") as stack:
        from google.cloud import firestore

        from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

        client = firestore.Client(project=stack.project_id)
        uow = FirestoreUnitOfWork(client)
        warm = [pt.PropertyNode(node_id=f"W{i}", kind="site", label="Échauffement") for i in range(2 * BATCH)]
        write_baseline(client, warm)  # the emulator's JIT warms up before anything is measured
        base_nps = write_baseline(client, [node for _, node in rows])

        reported: list[int] = []
        t = time.perf_counter()
        job = service.import_tree(TENANT, "csv", raw, uow, _Clock(), progress=lambda j: reported.append(j["written"]))
        import_s = time.perf_counter() - t

        t = time.perf_counter()
        replay = service.import_tree(TENANT, "csv", raw, uow, _Clock())
        replay_s = time.perf_counter() - t

        t = time.perf_counter()
        update = service.import_tree(TENANT, "csv", raw.replace(b"Logement 0;", b"Logement 0 bis;", 1), uow, _Clock())
        update_s = time.perf_counter() - t
        stored = client.collection("managers").document(TENANT).collection("property_nodes").count().get()[0][0].value

    n = len(rows)
    print(f"\nProperty tree import benchmark — {n} nodes, batches of {BATCH} nodes + job progress, "
          f"{os.cpu_count()} cores\n")
    print(f"{'step':<52}{'seconds':>9}{'nodes/s':>10}{'× base':>8}")
    print(f"{'raw batched Firestore writes (baseline)':<52}{n / base_nps:>9.1f}{base_nps:>10.0f}{1.0:>8.2f}")
    print(f"{'import_tree (parse + validate + batches + job)':<52}{import_s:>9.1f}{n / import_s:>10.0f}"
          f"{(n / import_s) / base_nps:>8.2f}")
    print(f"{'replay, same file (job found completed)':<52}{replay_s:>9.1f}{n / replay_s:>10.0f}"
          f"{(n / replay_s) / base_nps:>8.2f}")
    print(f"{'update, one label changed (tree read back)':<52}{update_s:>9.1f}{n / update_s:>10.0f}"
          f"{(n / update_s) / base_nps:>8.2f}")
    print(f"\nNodes stored: {stored} (expected {n}); progress reports: {len(reported)} batches, last {reported[-1:]}; "
          f"replay wrote {replay['written_now']}, update wrote {update['written_now']}; job {job['job_id']} "
          f"{job['status']}.")
    return 0 if stored == n and replay["written_now"] == 0 and update["written_now"] == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
