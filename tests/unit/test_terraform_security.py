"""What infra/terraform does for the security controls of docs/security.md: internal functions learn the
audience and the caller they must check, and the documents bucket forgets what it must not keep."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.unit.test_terraform import REPO_ROOT, _load_terraform, _single_block

FUNCTIONS_DIR = REPO_ROOT / "functions"
INVOKERS = {"${google_service_account.scheduler_invoker.email}": "scheduler_invoker",
            "${google_service_account.tasks_invoker.email}": "tasks_invoker"}


@pytest.fixture(scope="module")
def terraform() -> dict[str, dict[str, Any]]:
    return _load_terraform()


def internal_functions() -> set[str]:
    """The functions whose code checks its caller's OIDC token (shared/edge/internal.py)."""
    return {path.stem for path in FUNCTIONS_DIR.glob("*.py")
            if re.search(r"\b(serve_internal|caller_refusal)\(", path.read_text(encoding="utf-8"))}


def test_every_internal_function_is_told_its_audience_and_its_invoker(terraform):
    # Given the functions that verify their caller, and what Terraform gives them
    locals_ = terraform["locals"]
    callers, functions = locals_["internal_callers"], locals_["functions"]
    environment = _single_block(terraform["resource"]["google_cloudfunctions2_function"]["fn"],
                                "service_config")["environment_variables"]
    # Then each of them, and only they, gets the two variables: its own URL and its invoker's e-mail
    assert set(callers) == internal_functions() and internal_functions()
    assert "local.internal_environment[each.key]" in environment
    rendered = locals_["internal_environment"]
    assert "PASSERELLE_INTERNAL_AUDIENCE" in rendered and "PASSERELLE_INTERNAL_CALLERS" in rendered
    assert '${local.functions_base_url}/${replace(name, "_", "-")}' in rendered
    for name, caller in callers.items():
        # the caller allowed is the service account Cloud Run lets in
        assert functions[name]["invoker"] == f"serviceAccount:{caller}", name
        assert caller in INVOKERS, name
        assert functions[name]["ingress"] == "ALLOW_INTERNAL_ONLY", name


def test_jobs_and_timers_carry_the_audience_their_function_checks(terraform):
    jobs = terraform["resource"]["google_cloud_scheduler_job"]
    scheduled = _single_block(_single_block(jobs["scheduled"], "http_target"), "oidc_token")
    sweep = _single_block(_single_block(jobs["deadline_sweep"], "http_target"), "oidc_token")
    assert scheduled["audience"] == '${local.functions_base_url}/${replace(each.key, "_", "-")}'
    assert sweep["audience"] == "${local.functions_base_url}/accrue-penalties"
    assert set(terraform["locals"]["scheduled_functions"]) <= set(terraform["locals"]["internal_callers"])
    # the timers' tasks: audience = PASSERELLE_ACCRUE_URL (shared/adapters/cloud_tasks.py)
    assert terraform["locals"]["function_environment"]["PASSERELLE_ACCRUE_URL"] == \
        "${local.functions_base_url}/accrue-penalties"


def test_the_documents_bucket_expires_uploads_exports_and_what_versioning_keeps(terraform):
    bucket = terraform["resource"]["google_storage_bucket"]["documents"]
    assert _single_block(bucket, "versioning")["enabled"] is True
    rules = [(_single_block(rule, "condition"), _single_block(rule, "action")) for rule in bucket["lifecycle_rule"]]
    assert all(action["type"] == "Delete" for _, action in rules)
    by_prefix = {tuple(c.get("matches_prefix", ())): c for c, _ in rules}
    # staged uploads a client left behind, and export archives
    assert by_prefix[("incoming/",)]["age"] == 1
    assert by_prefix[("exports/",)]["age"] == "${var.export_retention_days}"
    # noncurrent versions: rejected uploads, purged archives and superseded indexes within a day, the rest later
    quick = by_prefix[("incoming/", "exports/", "search-index/")]
    assert (quick["days_since_noncurrent_time"], quick["with_state"]) == (1, "ARCHIVED")
    assert by_prefix[()]["days_since_noncurrent_time"] == "${var.noncurrent_retention_days}"
    assert terraform["variable"]["export_retention_days"]["default"] == 7
