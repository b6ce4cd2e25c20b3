"""Peak memory of a reversibility export (A8) of a space larger than run_export's memory.

Starts its own emulators (free ports), builds a manager's space on them — ``--files`` stored
PDF-like objects of ``--file-mib`` MiB each (random bytes: the archive cannot compress them) and
``--orders`` orders with one event each — then runs ``shared.service.exports.run_export`` with the
production adapters (Firestore, Cloud Storage through fake-gcs-server) in a child process, and
reads that process's peak resident set (``ru_maxrss``). The figure is compared with run_export's
memory in infra/terraform/functions.tf (``local.function_sizing``): the export must fit in it
however large the space, because nothing is held whole (docs/performance.md, "Exports").

    .venv/bin/python -m bench.export_memory                  # 600 MiB of files + 4,000 documents
    .venv/bin/python -m bench.export_memory --files 40 --file-mib 32
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools.stack import ROOT, Stack, _environ

TENANT = "mgr-bench-export"
BUCKET_SUFFIX = "-passerelle-documents"


def function_memory_mib(name: str = "run_export") -> int:
    """The memory Terraform gives the function (infra/terraform/functions.tf, local.function_sizing)."""
    text = (ROOT / "infra" / "terraform" / "functions.tf").read_text(encoding="utf-8")
    match = re.search(rf'^\s*{name}\s*=\s*{{\s*memory\s*=\s*"(\d+)(Mi|Gi)"', text, re.MULTILINE)
    assert match, f"no sizing line for {name}"
    return int(match.group(1)) * (1024 if match.group(2) == "Gi" else 1)


def build_space(stack: Stack, files: int, file_mib: int, orders: int) -> int:
    """The space's documents and stored files; the bytes stored."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore, storage

    db = firestore.Client(project=stack.project_id)
    db.document(f"managers/{TENANT}").set({"name": "Bench export"})
    batch, pending = db.batch(), 0
    for n in range(orders):
        order = f"managers/{TENANT}/orders/BC-{n:06d}"
        batch.set(db.document(order), {"order_id": f"BC-{n:06d}", "title": "Entretien " * 20, "state": "completed",
                                       "lines": [{"line_id": "L1", "label": "Prestation", "quantity": 1}]})
        batch.set(db.document(f"{order}/events/s0000001"), {"state_after": "completed", "note": "x" * 300})
        pending += 2
        if pending >= 400:
            batch.commit()
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()
    client = storage.Client(project=stack.project_id, credentials=AnonymousCredentials())
    bucket = client.bucket(stack.project_id + BUCKET_SUFFIX)
    if not bucket.exists():
        client.create_bucket(bucket)
    chunk = os.urandom(1024 * 1024)
    for n in range(files):
        blob = bucket.blob(f"managers/{TENANT}/orders/BC-{n:06d}/documents/{n:064x}.pdf", chunk_size=8 * 1024 * 1024)
        with blob.open("wb", content_type="application/pdf") as out:
            for i in range(file_mib):
                out.write(chunk[i:] + chunk[:i])  # a different MiB each time
    return files * file_mib * 1024 * 1024


def child(job_id: str) -> None:
    """Runs in its own process: the export, as run_export's function does, then its peak memory."""
    from shared.adapters.exports import CloudExportArchive
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
    from shared.ports import SystemClock
    from shared.service import exports

    from google.cloud import firestore

    project = os.environ["GOOGLE_CLOUD_PROJECT"]
    db = firestore.Client(project=project)
    started = time.perf_counter()
    job = exports.run_export(job_id, FirestoreUnitOfWork(db), CloudExportArchive(db, project, project + BUCKET_SUFFIX),
                             SystemClock())
    print(json.dumps({"peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "seconds": round(time.perf_counter() - started, 1), "archive_bytes": job["archive_bytes"],
                      "records": job["progress"]["records"], "files": job["progress"]["files"]}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=25)
    parser.add_argument("--file-mib", type=int, default=24)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    limit = function_memory_mib()
    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-export-")), free_ports=True)
    try:
        stack.start_emulators()
        with _environ({**stack.env(), "GOOGLE_CLOUD_PROJECT": stack.project_id}):
            from google.cloud import firestore

            from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
            from shared.ports import SystemClock
            from shared.service import exports

            started = time.perf_counter()
            stored = build_space(stack, args.files, args.file_mib, args.orders)
            built = time.perf_counter() - started
            job = exports.request_export("manager", TENANT, "bench", FirestoreUnitOfWork(
                firestore.Client(project=stack.project_id)), SystemClock())
            run = subprocess.run([sys.executable, "-m", "bench.export_memory", "--child", job["job_id"]], cwd=ROOT,
                                 capture_output=True, text=True, env=dict(os.environ), timeout=3600)
        if run.returncode != 0:
            print(run.stderr[-4000:], file=sys.stderr)
            return 1
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        space_mib = stored / 2**20
        print(f"space: {args.files} files × {args.file_mib} MiB = {space_mib:.0f} MiB stored + "
              f"{figures['records']} documents (built in {built:.0f} s)")
        print(f"export: {figures['archive_bytes'] / 2**20:.0f} MiB archive in {figures['seconds']} s, "
              f"peak RSS {figures['peak_rss_mib']} MiB; run_export is given {limit} MiB (functions.tf)")
        ok = figures["peak_rss_mib"] < limit < space_mib
        print("OK: the export of a space larger than the function's memory stays within it" if ok else
              "FAILED: the peak exceeds the function's memory, or the space is not larger than it")
        return 0 if ok else 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
