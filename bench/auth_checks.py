"""Cost per HTTPS call of the checks every caller goes through (docs/security.md): the registry of tenants
(shared/edge/tenancy.py) and the revocation of sessions (shared/edge/auth.py), with their per-instance
caches and without them.

Starts its own Firestore and Auth emulators (free ports), registers a manager and one order, then calls
get_order ``--calls`` times in this process through functions-framework's Flask app (the HTTPS edge,
the authenticator, the read of the order: what a warm instance does), once with the caches as deployed
and once with both TTLs at 0 (every call reads the three registry documents and the account record).

    .venv/bin/python -m bench.auth_checks --calls 500
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from devtools.stack import Stack, _environ
from devtools.tokens import emulator_token


def timed_calls(client, token: str, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get("/", query_string={"order_id": "BC-BENCH-1"}, headers={"Authorization": f"Bearer {token}"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args(argv)
    stack = Stack.from_config(Path(tempfile.mkdtemp(prefix="bench-auth-")), free_ports=True)
    try:
        stack.start_emulators()
        with _environ({**stack.env(), "GOOGLE_CLOUD_PROJECT": stack.project_id}):
            from functions_framework import create_app
            from google.cloud import firestore

            from shared.edge import tenancy
            from shared.edge.tenancy import TtlCache
            from shared.service.orders import receive_order
            from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
            from shared.domain.messages import IssueOrder
            from shared.ports import SystemClock
            from shared import bootstrap
            from tests.builders import issue_order_body
            from tests.conftest import register_parties

            db = firestore.Client(project=stack.project_id)
            register_parties(db)
            receive_order("mgr-test", IssueOrder.model_validate(issue_order_body("BC-BENCH-1"), strict=False),
                          FirestoreUnitOfWork(db), SystemClock())
            db.document("accounts/u-bench").set({"uid": "u-bench", "sessions_valid_after": 0})
            token = emulator_token(stack.project_id, "u-bench", role="manager", tenant="mgr-test", ttl_seconds=7200)
            client = create_app("get_order", str(Path(__file__).resolve().parents[1] / "main.py")).test_client()
            timed_calls(client, token, 20)  # warm up: clients built, caches filled
            results = {}
            for label, ttl in (("cached (as deployed)", None), ("no cache (TTL 0)", 0.0)):
                if ttl is not None:
                    tenancy.registered = TtlCache(ttl)
                    bootstrap.authenticator().sessions = TtlCache(ttl)
                results[label] = timed_calls(client, token, args.calls)
        for label, times in results.items():
            ms = sorted(t * 1000 for t in times)
            print(f"{label:<22} median {statistics.median(ms):6.2f} ms   p90 {ms[int(len(ms) * 0.9)]:6.2f} ms"
                  f"   over {len(ms)} get_order calls")
        cached, uncached = (statistics.median(t) * 1000 for t in results.values())
        print(f"the two checks' reads cost {uncached - cached:.2f} ms per call without the caches; "
              "with them, one read per tenant per minute and per user per 30 s")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
