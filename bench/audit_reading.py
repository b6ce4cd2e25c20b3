"""Peak memory of a whole reading of an audit chain (B15 traceability), paged, against the space's size.

Starts its own emulators (free ports), writes spaces of ``--sizes`` sealed records (the head of every
400 links witnessed in a fake-gcs-server bucket, as the sealer witnesses them), then reads each whole
with ``shared.service.audit_check.read_whole`` (``--page`` links or records a page) under tracemalloc,
and, for comparison, holds the whole space at once as the reading before paging did (every link, every
record). Prints, per size, the seconds and the peak of each, and the ratio of the largest paged peak to
the smallest: about 1 when memory no longer grows with the space (docs/security.md, the audit check);
then the peak resident set of a fresh process reading the largest space in pages (``ru_maxrss``),
against check_audit_witness's memory in infra/terraform/functions.tf.

    .venv/bin/python -m bench.audit_reading                         # 2,000 and 8,000 records, pages of 500
    .venv/bin/python -m bench.audit_reading --sizes 2000 8000 32000 --page 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from bench.export_memory import function_memory_mib
from devtools.stack import ROOT, Stack, _environ

CHILD = """
import datetime as dt, resource, sys
from google.cloud import firestore
from shared.adapters.audit import FirestoreAuditTrail
from shared.adapters.audit_witness import GcsAuditWitness
from shared.domain.audit import WholeReading
from shared.service.audit_check import read_whole, witness_heads
project, bucket, space = sys.argv[1:4]
witness = GcsAuditWitness(project, bucket)
outcome = read_whole(FirestoreAuditTrail(firestore.Client(project=project), witness=witness), space,
                     witness_heads(witness, space), WholeReading(started_at=dt.datetime.now(dt.UTC)))
assert outcome.problems == [], outcome.problems
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def measure(call) -> tuple[float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call()
        return time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument("--page", type=int, default=500)
    args = parser.parse_args(argv)
    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-audit-")), free_ports=True)
    try:
        stack.start_emulators()
        with _environ({**stack.env(), "GOOGLE_CLOUD_PROJECT": stack.project_id}):
            from google.cloud import firestore

            from shared.adapters.audit import FirestoreAuditTrail
            from shared.adapters.audit_witness import GcsAuditWitness
            from shared.domain.audit import AuditLink, AuditRecord, WholeReading, verify
            from shared.service.audit_check import read_whole, witness_heads
            from tests.integration.test_audit_paged_reading import build_space

            db = firestore.Client(project=stack.project_id)
            witness = GcsAuditWitness(stack.project_id, f"bench-witness-{uuid.uuid4().hex[:8]}")
            trail = FirestoreAuditTrail(db, witness=witness)
            start = WholeReading(started_at=dt.datetime.now(dt.UTC))

            def paged(space: str) -> None:
                outcome = read_whole(trail, space, witness_heads(witness, space), start, page_size=args.page)
                assert outcome.problems == [], outcome.problems

            def at_once(space: str) -> None:
                links = [AuditLink.model_validate(s.to_dict()) for s in db.collection(f"{space}/audit_chain").stream()
                         if s.id != "head"]
                records = {s.id: AuditRecord.model_validate(s.to_dict()) for s in db.collection(f"{space}/audit").stream()}
                assert verify(links, records) == []

            spaces = {}
            for size in args.sizes:
                space, began = f"managers/bench-{size}", time.perf_counter()
                build_space(db, witness, size, space)
                spaces[size] = space
                print(f"{size:>7} records written in {time.perf_counter() - began:.1f} s")
            paged(spaces[args.sizes[0]])  # once before measuring: validators built, channels open
            peaks = {}
            for size, space in spaces.items():
                seconds, peaks[size] = measure(lambda space=space: paged(space))
                once_seconds, once = measure(lambda space=space: at_once(space))
                print(f"{size:>7} records: paged {seconds:6.1f} s, peak {peaks[size] / 2**20:6.1f} MiB | "
                      f"at once {once_seconds:6.1f} s, peak {once / 2**20:6.1f} MiB ({once / size / 1024:.1f} KiB/record)")
            smallest, largest = min(peaks), max(peaks)
            print(f"paged peak ratio {largest:,} vs {smallest:,} records: {peaks[largest] / peaks[smallest]:.2f}")
            child = subprocess.run([sys.executable, "-c", CHILD, stack.project_id, witness.bucket.name, spaces[largest]],
                                   capture_output=True, text=True, check=True, cwd=ROOT, env=os.environ.copy())
            print(f"a process reading {largest:,} records in pages (500 a page): peak resident "
                  f"{int(child.stdout.split()[-1])} MiB, check_audit_witness has {function_memory_mib('check_audit_witness')} MiB")
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
