"""Verify the audit trail's hash chains (B15): ``python -m devtools.audit verify [space …]``, and
``python -m devtools.audit last-check`` for the summary of the last scheduled check (check_audit_witness).

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real
project with Application Default Credentials and GOOGLE_CLOUD_PROJECT. Seals pending records
first with ``--seal``. ``--witness FILE`` also compares each chain with the heads the sealer logged
(``audit chain sealed`` lines: the output of ``gcloud logging read … --format=json``, or the
functions' JSON log lines, one per line), which shows a wholesale rewrite of a chain;
``--witness-bucket`` compares them with the heads the sealer wrote into the witness bucket
(PASSERELLE_AUDIT_WITNESS_BUCKET, what the scheduled check reads), every space read whole, a page at a
time (shared/service/audit_check.py, ``read_whole``).
Exit status 1 when any chain is broken.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from shared import bootstrap
from shared.service.audit_check import Heads, listed_heads, verify_space, witness_heads

SEALED = "audit chain sealed"  # shared/adapters/audit.py logs it with space, seq and head_hash


def _entries(text: str) -> Iterator[dict[str, Any]]:
    stripped = text.strip()
    if stripped.startswith("["):  # gcloud logging read --format=json: one array of entries
        yield from json.loads(stripped)
        return
    for line in stripped.splitlines():
        if line.strip().startswith("{"):
            yield json.loads(line)


def witnessed_heads(text: str) -> dict[str, list[tuple[int, str]]]:
    """The heads logged at sealing time, by space: Cloud Logging entries carry them in ``jsonPayload``,
    the functions' own lines at their top level; every other line is ignored."""
    heads: dict[str, list[tuple[int, str]]] = {}
    for entry in _entries(text):
        payload = entry.get("jsonPayload", entry)
        if payload.get("message") == SEALED:
            heads.setdefault(payload["space"], []).append((int(payload["seq"]), payload["head_hash"]))
    return heads


def _either(sources: list[Heads]) -> Heads:
    """The heads logged and those of the bucket, page by page."""
    return lambda lo, hi: [pair for heads in sources for pair in heads(lo, hi)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["verify", "last-check"])
    parser.add_argument("spaces", nargs="*", help="managers/<id> or contractors/<id>; default: all")
    parser.add_argument("--seal", action="store_true", help="seal pending records before verifying")
    parser.add_argument("--witness", metavar="FILE", help="the sealer's logged heads to compare each chain with")
    parser.add_argument("--witness-bucket", action="store_true",
                        help="also compare each chain with the heads in the witness bucket")
    args = parser.parse_args(argv)
    trail = bootstrap.get("audit_trail")
    if args.command == "last-check":
        run = trail.last_check_run()
        print(json.dumps(run, ensure_ascii=False, default=str, indent=2) if run else "aucune vérification planifiée")
        return 1 if run and run.get("status") == "broken" else 0
    if args.seal:
        print("sealed:", trail.seal_pending())
    heads: dict[str, list[tuple[int, str]]] = {}
    if args.witness:
        with open(args.witness, encoding="utf-8") as file:
            heads = witnessed_heads(file.read())
        print(f"témoin : {sum(map(len, heads.values()))} têtes consignées, {len(heads)} espaces")
    witness = bootstrap.get("audit_witness") if args.witness_bucket else None
    known = set(witness.spaces()) if witness is not None else set()
    spaces = args.spaces or sorted(set(trail.spaces()) | set(heads) | known)
    broken = 0
    for space in spaces:
        sources = [listed_heads(heads.get(space, ()))] + ([witness_heads(witness, space)] if witness else [])
        problems = verify_space(trail, space, _either(sources))
        print(f"{space}: {'intacte' if not problems else 'ROMPUE'}")
        for problem in problems:
            print(f"  - {problem}")
        broken += bool(problems)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
