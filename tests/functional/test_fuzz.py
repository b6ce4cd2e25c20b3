"""Schemathesis over docs/contracts/openapi.json, once per role with a valid token of a registered
tenant, against the functional stack's gateway (every function under /<function>, the OpenAPI paths):
whatever it sends — valid or not — no answer is a server error.

Bounded in time: a fixed seed, at most ``MAX_EXAMPLES`` generated cases per operation and phase
(examples, coverage, fuzzing), one worker; about a minute per role on 2 cores (docs/security.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.stack import ROOT
from devtools.tokens import emulator_token
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

OPENAPI = ROOT / "docs" / "contracts" / "openapi.json"
MAX_EXAMPLES = int(os.environ.get("PASSERELLE_FUZZ_EXAMPLES", "8"))
SEED = 20260303
TENANTS = {"manager": "mgr-test", "contractor": "ctr-test", "beneficiary": "ben-fuzz", "operator": "platform",
           "purchasing_body": "centrale-fuzz"}
BENEFICIARY = {"beneficiary_id": "ben-fuzz", "name": "Ville de Fuzz", "siret": "92443595100018", "region": "84",
               "territory": "69", "contacts": [{"last_name": "Martin", "first_name": "Claire",
                                                "email": "claire.martin@fuzz.test", "role": "DSI"}]}


def tagged(role: str) -> int:
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return sum(role in op.get("tags", ()) for ops in spec["paths"].values() for op in ops.values()
               if isinstance(op, dict))


@pytest.fixture
def short_streams(platform):
    """watch_orders holds its answer open for its lifetime (A11, 5 minutes by default): each of the generated
    requests that reaches it would wait out schemathesis's request timeout. For the run, its streams live 1 s."""
    platform.restart_function("watch_orders", {"PASSERELLE_WATCH_SECONDS": "1",
                                               "PASSERELLE_WATCH_HEARTBEAT_SECONDS": "1"})
    try:
        yield
    finally:
        platform.restart_function("watch_orders")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", sorted(TENANTS))
def test_no_input_of_any_role_gets_a_server_error(platform, clean_firestore, short_streams, tmp_path: Path,
                                                  role: str):
    # Given a registered tenant of the role, and a valid token for it
    assert tagged(role) > 0, f"no operation of docs/contracts/openapi.json is tagged {role}"
    if role == "beneficiary":
        created = Erp(platform, "operator", "platform").post("register_beneficiary", BENEFICIARY)
        assert created.status_code in (200, 201), created.text
    token = emulator_token(platform.project_id, f"fuzz-{role}", role=role, tenant=TENANTS[role], ttl_seconds=7200)
    # When schemathesis sends generated requests (valid and invalid) to every operation the role may call
    har = tmp_path / "fuzz.har"
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", str(OPENAPI), "--url", platform.gateway_url(),
         "--header", f"Authorization: Bearer {token}", "--include-tag", role, "--checks", "not_a_server_error",
         "--phases", "examples,coverage,fuzzing", "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
         "--workers", "1", "--request-timeout", "60", "--no-shrink", "--suppress-health-check", "all",
         "--warnings", "off", "--report", "har", "--report-har-path", str(har)],
        cwd=ROOT, capture_output=True, text=True, timeout=840, env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": "tests.functional.fuzz_hooks"})
    # Then no answer is a 5xx (the exit status is 0 only when every check passed)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    # And the run reached past the edge's checks: every operation answered something else than 401/403
    # (a token refused everywhere would make the whole run pointless)
    statuses: dict[str, set[int]] = {}
    for entry in json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]:
        operation = entry["request"]["method"] + " " + entry["request"]["url"].split("?")[0].split("/", 3)[3]
        statuses.setdefault(operation, set()).add(entry["response"]["status"])
    assert len(statuses) >= tagged(role), sorted(statuses)
    assert not [op for op, seen in statuses.items() if seen <= {401, 403}], statuses
    assert not [op for op, seen in statuses.items() if any(s >= 500 for s in seen)], statuses
