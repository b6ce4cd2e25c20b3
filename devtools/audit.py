"""Verify the audit trail's hash chains (B15): ``python -m devtools.audit verify [space …]``.

Works against the emulators (FIRESTORE_EMULATOR_HOST set, as ./scripts/dev prints) or a real
project with Application Default Credentials and GOOGLE_CLOUD_PROJECT. Seals pending records
first with ``--seal``. Exit status 1 when any chain is broken.
"""

from __future__ import annotations

import argparse
import sys

from shared import bootstrap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["verify"])
    parser.add_argument("spaces", nargs="*", help="managers/<id> or contractors/<id>; default: all")
    parser.add_argument("--seal", action="store_true", help="seal pending records before verifying")
    args = parser.parse_args(argv)
    trail = bootstrap.get("audit_trail")
    if args.seal:
        print("sealed:", trail.seal_pending())
    broken = 0
    for space in args.spaces or trail.spaces():
        problems = trail.verify_space(space)
        print(f"{space}: {'intacte' if not problems else 'ROMPUE'}")
        for problem in problems:
            print(f"  - {problem}")
        broken += bool(problems)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
