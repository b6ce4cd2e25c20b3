"""checkov on infra/terraform, offline, from its own virtualenv (./scripts/checkov creates
.venv-checkov on first use: its dependencies clash with the app's).

Accepted findings are inline ``#checkov:skip=<check id>:<reason>`` comments on their resource;
none is skipped globally, and none without a reason.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.unit.test_terraform import REPO_ROOT, TERRAFORM_DIR

CHECKOV = REPO_ROOT / "scripts" / "checkov"
SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?$", re.M)


@pytest.fixture(scope="module")
def report() -> dict:
    # The first run installs checkov into .venv-checkov (about a minute); later runs take seconds.
    result = subprocess.run([str(CHECKOV), "-o", "json"], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=900, check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.stdout.strip(), f"checkov printed nothing (exit {result.returncode}):\n{result.stderr[-3000:]}"
    parsed = json.loads(result.stdout)
    [terraform] = [r for r in (parsed if isinstance(parsed, list) else [parsed]) if r["check_type"] == "terraform"]
    return terraform


def test_checkov_reports_no_failed_check_on_the_terraform(report):
    # Given checkov's offline scan of infra/terraform
    failed = [(r["check_id"], r["resource"], r["file_path"]) for r in report["results"]["failed_checks"]]
    # When reading its summary
    summary = report["summary"]
    # Then every file parsed, resources were scanned, and nothing failed
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] > 50
    assert summary["passed"] > 0
    assert failed == []


def test_every_finding_checkov_skips_carries_its_reason(report):
    # Given the checks checkov skipped
    skipped = report["results"].get("skipped_checks", [])
    # When reading the comment that suppressed each
    reasons = {(r["check_id"], r["resource"]): (r["check_result"].get("suppress_comment") or "").strip()
               for r in skipped}
    # Then each has a real reason (checkov records "No comment provided" otherwise)
    assert reasons
    assert {key: reason for key, reason in reasons.items()
            if len(reason) < 40 or reason == "No comment provided"} == {}


def test_skips_are_inline_with_a_reason_never_global():
    # Given the checkov settings and every skip comment in the Terraform files
    settings = (TERRAFORM_DIR / ".checkov.yaml").read_text(encoding="utf-8")
    comments = [(path.name, check, (reason or "").strip())
                for path in sorted(TERRAFORM_DIR.glob("*.tf"))
                for check, reason in SKIP.findall(path.read_text(encoding="utf-8"))]
    # When looking for a global skip, or a skip without reason
    # Then there is none: every accepted finding is explained next to its resource
    assert not re.search(r"^\s*skip-check\s*:", settings, re.M)
    assert re.search(r"^skip-download:\s*true\s*$", settings, re.M)
    assert comments
    assert [c for c in comments if len(c[2]) < 40] == []
