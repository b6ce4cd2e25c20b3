"""What a first apply in an empty project needs besides the functions (infra/terraform): state
backend and quota project, Identity Platform and the web app's key, Pub/Sub storage policy and
dead-letter IAM on every topic, logs kept in the region, ERP workload identity federation."""

from __future__ import annotations

import ast
import fnmatch
import re
import subprocess
from typing import Any

import hcl2
import pytest

from tests.unit.test_terraform import TERRAFORM_DIR, _load_terraform, _normalise, _single_block


@pytest.fixture(scope="module")
def terraform() -> dict[str, dict[str, Any]]:
    return _load_terraform()


@pytest.fixture(scope="module")
def versions() -> dict[str, Any]:
    with (TERRAFORM_DIR / "versions.tf").open(encoding="utf-8") as handle:
        return _normalise(hcl2.load(handle))


# --- state and providers ------------------------------------------------------------------------


def test_state_lives_in_a_gcs_bucket_given_at_init(versions):
    # Given the terraform block
    block = _single_block(versions, "terraform")
    # When reading its backend
    backend = _single_block(block, "backend")
    # Then it is GCS, its bucket left to `terraform init -backend-config` (a partial configuration)
    assert list(backend) == ["gcs"]
    assert "bucket" not in backend["gcs"]
    example = (TERRAFORM_DIR / "backend.hcl.example").read_text(encoding="utf-8")
    assert re.search(r'^bucket\s*=\s*"', example, re.M) and re.search(r'^prefix\s*=\s*"', example, re.M)


def test_api_calls_with_user_credentials_bill_a_quota_project(versions, terraform):
    # Given the provider configurations
    providers = {name: body for block in versions["provider"] for name, body in block.items()}
    # When reading their billing settings
    # Then both bill the quota project (the platform project unless told otherwise)
    assert set(providers) == {"google", "google-beta"}
    for name, body in providers.items():
        assert body["user_project_override"] is True, name
        assert body["billing_project"] == "${local.quota_project}", name
    assert "var.quota_project" in terraform["locals"]["quota_project"]
    assert "var.project_id" in terraform["locals"]["quota_project"]


# --- Identity Platform and the web app's key ----------------------------------------------------


def test_identity_platform_signs_in_with_e_mail_and_password_and_nobody_signs_up(terraform):
    # Given the Identity Platform configuration
    config = terraform["resource"]["google_identity_platform_config"]["default"]
    # When reading its sign-in methods and client permissions
    email = _single_block(_single_block(config, "sign_in"), "email")
    permissions = _single_block(_single_block(config, "client"), "permissions")
    # Then e-mail/password is on, and accounts only come from manage_account
    assert email == {"enabled": True, "password_required": True}
    assert permissions["disabled_user_signup"] is True
    assert "local.web_origins" in config["authorized_domains"]


def test_the_web_app_key_only_signs_in_from_the_web_app_origins(terraform):
    # Given the browser API key and the functions' environment
    key = terraform["resource"]["google_apikeys_key"]["web"]
    restrictions = _single_block(key, "restrictions")
    browser = _single_block(restrictions, "browser_key_restrictions")
    environment = terraform["locals"]["function_environment"]
    build = terraform["output"]["web_app_build_command"]
    # When reading what it may call, and from where
    targets = {target["service"] for target in restrictions["api_targets"]}
    # Then only sign-in and token refresh, only from the web app's origins, and the app gets it
    assert targets == {"identitytoolkit.googleapis.com", "securetoken.googleapis.com"}
    assert browser["allowed_referrers"] == '${[for origin in local.web_origins : "${origin}/*"]}'
    # (the Firebase Hosting site, docs/web-app.md) and the app gets it in its config.json, built by the
    # command the output prints; no function needs it
    assert "local.web_host" in terraform["locals"]["web_origins"]
    assert "var.web_allowed_origins" in terraform["locals"]["web_origins"]
    assert "--api-key ${google_apikeys_key.web.key_string}" in build["value"] and build["sensitive"] is True
    assert "PASSERELLE_WEB_API_KEY" not in environment
    assert environment["ALLOWED_ORIGINS"] == '${join(",", local.web_origins)}'
    assert "firebase_web_api_key" not in terraform["variable"]
    # and the accessibility statement's contact (« Accessibilité »: retour d'information) when the operator names one
    assert '--support-email ${var.support_email}' in build["value"]
    assert terraform["variable"]["support_email"]["default"] == ""


# --- Pub/Sub ----------------------------------------------------------------------------------


def test_every_topic_stores_its_messages_in_the_region(terraform):
    # Given every topic resource (the contractors' shared dead letters, platform topics and theirs)
    topics = terraform["resource"]["google_pubsub_topic"]
    # When reading their message storage policy
    policies = {name: _single_block(body, "message_storage_policy") if body.get("message_storage_policy") else None
                for name, body in topics.items()}
    # Then messages never persist outside the region (contractors' own topics get the same policy at run
    # time: tests/unit/test_topology_adapter.py)
    assert {"contractor_dead_letter", "platform", "platform_dead_letter"} <= set(topics)
    assert {name: p for name, p in policies.items()
            if p is None or p["allowed_persistence_regions"] != ["${var.region}"]} == {}


def test_the_pubsub_agent_publishes_on_every_dead_letter_topic(terraform):
    # Given the dead-letter topics (the contractors' shared one, one per platform topic) and the publisher grant
    expression = terraform["locals"]["dead_letter_topics"]
    grant = terraform["resource"]["google_pubsub_topic_iam_member"]["agent_publishes_dead_letters"]
    dead_letter_resources = {
        name for name, body in terraform["resource"]["google_pubsub_topic"].items()
        if "-dead-letter" in body["name"]
    }
    # When reading which topics the grant covers
    covered = set(re.findall(r"google_pubsub_topic\.(\w+)", expression))
    # Then every dead-letter topic resource is covered, for the Pub/Sub service agent
    assert dead_letter_resources == {"contractor_dead_letter", "platform_dead_letter"}
    assert covered == dead_letter_resources
    assert grant["for_each"] == "${local.dead_letter_topics}"
    assert grant["role"] == "roles/pubsub.publisher"
    assert grant["member"] == "${local.pubsub_service_agent}"
    assert "google_project_service_identity.pubsub" in terraform["locals"]["pubsub_service_agent"]


def test_the_pubsub_agent_acknowledges_on_every_subscription_that_dead_letters(terraform):
    # Given the subscriptions Terraform declares with a dead-letter policy, and the subscriber grant
    subscriptions = terraform["resource"]["google_pubsub_subscription"]
    dead_lettering = {name for name, body in subscriptions.items() if body.get("dead_letter_policy")}
    grant = terraform["resource"]["google_pubsub_subscription_iam_member"]["agent_acknowledges_dead_letters"]
    # When reading which subscriptions the grant covers
    # Then all of them (the platform pushes; a contractor's get it in their policy at run time:
    # tests/unit/test_topology.py), and each waits for the publisher grant before it dead-letters
    assert dead_lettering == {"platform_push"}
    assert grant["for_each"] == "${google_pubsub_subscription.platform_push}"
    assert grant["role"] == "roles/pubsub.subscriber" and grant["member"] == "${local.pubsub_service_agent}"
    for name in dead_lettering:
        assert "${google_pubsub_topic_iam_member.agent_publishes_dead_letters}" in subscriptions[name]["depends_on"], \
            name


def test_dead_letter_subscriptions_of_ops_never_expire(terraform):
    # Given the ops subscriptions of the dead-letter topics (idle by design)
    subscriptions = terraform["resource"]["google_pubsub_subscription"]
    ops = {name: body for name, body in subscriptions.items() if body["name"].endswith("-dead-letter-ops")}
    # When reading their expiration policy
    # Then none expires after 31 idle days, and each dead-letter topic resource has one
    assert set(ops) == {"contractor_dead_letter_ops", "platform_dead_letter_ops"}
    for name, body in ops.items():
        assert _single_block(body, "expiration_policy") == {"ttl": ""}, name
    assert ops["contractor_dead_letter_ops"]["topic"] == "${google_pubsub_topic.contractor_dead_letter.id}"
    assert ops["platform_dead_letter_ops"]["topic"] == "${google_pubsub_topic.platform_dead_letter[each.key].id}"


# --- logs ---------------------------------------------------------------------------------------


def test_the_platform_logs_are_kept_in_the_region_and_not_in_the_global_bucket(terraform):
    # Given the log bucket, its sink and the exclusion on the _Default sink
    bucket = terraform["resource"]["google_logging_project_bucket_config"]["passerelle"]
    sink = terraform["resource"]["google_logging_project_sink"]["passerelle"]
    exclusion = terraform["resource"]["google_logging_project_exclusion"]["regional"]
    # When reading where the sink writes and what the exclusion drops
    # Then the sink fills the regional bucket, and _Default skips exactly what it keeps
    assert bucket["location"] == "${var.region}"
    assert bucket["retention_days"] == "${var.log_retention_days}"
    assert sink["destination"] == "logging.googleapis.com/${google_logging_project_bucket_config.passerelle.id}"
    assert sink["filter"] == exclusion["filter"] == "${local.regional_logs_filter}"
    assert 'NOT LOG_ID("cloudaudit.googleapis.com/activity")' in terraform["locals"]["regional_logs_filter"]


def test_the_log_bucket_keeping_the_sealed_heads_is_locked_unless_a_throw_away_project_says_otherwise(terraform):
    # Given the regional log bucket, where the audit sealer's logged heads are kept (B15)
    bucket = terraform["resource"]["google_logging_project_bucket_config"]["passerelle"]
    lock = terraform["variable"]["lock_log_bucket"]
    # When reading its lock and the variable's default
    # Then it is locked by default: its retention cannot be shortened nor the bucket deleted while it holds logs
    assert bucket["locked"] == "${var.lock_log_bucket}"
    assert lock["type"] == "bool" and lock["default"] is True


def test_the_audit_witness_bucket_keeps_each_head_under_a_retention_policy_locked_by_default(terraform):
    # Given the bucket the audit sealer witnesses each chain head in (B15)
    bucket = terraform["resource"]["google_storage_bucket"]["audit_witness"]
    policy = _single_block(bucket, "retention_policy")
    lock, days = terraform["variable"]["lock_audit_witness_bucket"], terraform["variable"]["audit_witness_retention_days"]
    # When reading its retention, its lock, versioning and the variables' defaults
    # Then no head can be deleted or replaced before its retention, the policy is locked unless a
    # throw-away project says otherwise, and the bucket is private, versioned and in the region
    assert policy["is_locked"] == "${var.lock_audit_witness_bucket}"
    assert lock["type"] == "bool" and lock["default"] is True
    assert policy["retention_period"] == "${var.audit_witness_retention_days * 86400}"
    assert days["default"] >= 365
    assert _single_block(bucket, "versioning")["enabled"] is True
    assert bucket["location"] == "${var.region}" and bucket["force_destroy"] is False
    assert bucket["public_access_prevention"] == "enforced" and bucket["uniform_bucket_level_access"] is True
    environment = terraform["locals"]["function_environment"]
    assert environment["PASSERELLE_AUDIT_WITNESS_BUCKET"] == "${google_storage_bucket.audit_witness.name}"


def test_the_audit_chains_are_checked_against_their_witness_twice_a_day_by_the_scheduler(terraform):
    # Given the scheduled functions and the check's function
    job = terraform["locals"]["scheduled_functions"]["check_audit_witness"]
    function = terraform["locals"]["functions"]["check_audit_witness"]
    # When reading its job, who may call it and the caller it checks itself
    # Then a job calls it twice a day, and only the scheduler's invoker may (Cloud Run IAM and the OIDC token)
    assert job["schedule"] == "30 3,15 * * *" and job["name"] == "check-audit-witness"
    assert function["ingress"] == "ALLOW_INTERNAL_ONLY"
    assert function["invoker"] == "serviceAccount:${google_service_account.scheduler_invoker.email}"
    assert terraform["locals"]["internal_callers"]["check_audit_witness"] == \
        "${google_service_account.scheduler_invoker.email}"


def test_document_access_is_audited(terraform):
    # Given the audit configuration of Cloud Storage
    audit = terraform["resource"]["google_project_iam_audit_config"]["storage"]
    # When reading the logged access types
    # Then reads and writes of objects are logged (the buckets' access log)
    assert audit["service"] == "storage.googleapis.com"
    assert {c["log_type"] for c in audit["audit_log_config"]} == {"DATA_READ", "DATA_WRITE"}


# --- ERP workload identity federation -------------------------------------------------------------


def test_an_erp_acts_as_its_own_service_account_only_through_its_own_provider(terraform):
    # Given the workload identity provider of each ERP and its binding on the ERP's account
    provider = terraform["resource"]["google_iam_workload_identity_pool_provider"]["erp"]
    binding = terraform["resource"]["google_service_account_iam_member"]["erp_workload_identity"]
    # When reading what the provider accepts and whom the binding lets in
    # Then the provider accepts only the declared subject and stamps its contractor, and only that
    # contractor's principals may act as that contractor's account
    assert provider["for_each"] == binding["for_each"] == "${var.erp_workload_identity}"
    assert provider["attribute_condition"] == 'assertion.sub == "${each.value.subject}"'
    # (a CEL string literal: the contractor id itself, whatever the token says)
    assert '"attribute.contractor" = "\\"${each.key}\\""' in (TERRAFORM_DIR / "erp_identity.tf").read_text()
    assert binding["service_account_id"] == "${google_service_account.erp[each.key].name}"
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"].startswith("principalSet://iam.googleapis.com/")
    assert binding["member"].endswith("/attribute.contractor/${each.key}")
    assert "contains(var.contractors, each.key)" in str(provider["lifecycle"])


# --- source archive and scheduled runs ------------------------------------------------------------


def test_the_function_source_never_ships_a_virtualenv_or_local_tooling(terraform):
    # Given the archive of the repository root deployed to every function
    excludes = set(terraform["data"]["archive_file"]["source"]["excludes"])
    # When listing what it leaves out
    # Then both virtualenvs (the app's and checkov's), node_modules and the infra never ship
    assert {".venv", ".venv-checkov", "node_modules", "infra", "tests", ".git", ".env"} <= excludes


# What the functions need at run time: the entry points, the code and the dependencies to install (the
# web application is the Firebase Hosting site; emulators.json only configures the local stack).
DEPLOYED = {"main.py", "functions", "shared", "requirements.txt"}


def _excluded(name: str, patterns: list[str]) -> bool:
    """As the archive provider matches a top-level path: exactly, or by glob (``**/`` also at the top)."""
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(name, p.removeprefix("**/")) for p in patterns)


def _top_level_entries(root) -> set[str]:
    """What a checkout has at its top: the tracked entries, and what .gitignore keeps local (.venv,
    node_modules, .run…), which is there on a developer's machine when Terraform zips the tree."""
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    names = {line.split("/", 1)[0] for line in tracked.splitlines() if line}
    local = {line.strip().rstrip("/") for line in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#") and "/" not in line.strip().rstrip("/")}
    return names | local | {".git"}


def test_every_top_level_entry_is_deployed_on_purpose_or_left_out_of_the_function_source(terraform):
    # Given the archive of the repository root deployed to every function, and what the repository holds
    excludes = terraform["data"]["archive_file"]["source"]["excludes"]
    root = TERRAFORM_DIR.parents[1]
    entries = _top_level_entries(root)
    # When each top-level entry is compared with the archive's excludes
    shipped = {name for name in entries if not _excluded(name, excludes)}
    # Then exactly the run-time entries ship: tooling (devtools, the contract generator among it), tests,
    # benchmarks, docs, infra, scripts, virtualenvs, node_modules and caches never do
    assert shipped == DEPLOYED, f"ships {sorted(shipped - DEPLOYED)}; leaves out {sorted(DEPLOYED - shipped)}"
    assert {"devtools", "tests", "bench", "docs", "scripts", "web", "node_modules", ".run"} <= {
        name for name in entries | {"node_modules", ".run"} if _excluded(name, excludes)}
    assert all((root / name).exists() for name in DEPLOYED)


def test_the_deployed_code_imports_nothing_that_is_left_out():
    # Given the Python files that ship (main.py, functions/, shared/)
    root = TERRAFORM_DIR.parents[1]
    files = [root / "main.py", *(root / "functions").rglob("*.py"), *(root / "shared").rglob("*.py")]
    # When their imports are read (lazy ones included)
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{path.relative_to(root)} → {n}" for n in names
                      if n.split(".")[0] in ("devtools", "tests", "bench", "scripts")]
    # Then none reaches into what the archive leaves out (the contract generator is a build tool)
    assert found == []


def test_a_scheduled_run_may_last_as_long_as_its_function(terraform):
    # Given the scheduler jobs of scheduler.tf
    job = terraform["resource"]["google_cloud_scheduler_job"]["scheduled"]
    # When reading how long a run may take before Cloud Scheduler calls it failed
    # Then it is the function's own timeout (a shorter deadline would page ops for a long, healthy run)
    assert job["attempt_deadline"] == "${local.function_sizing[each.key].timeout}s"
    assert max(terraform["locals"]["function_sizing"][name]["timeout"]
               for name in terraform["locals"]["scheduled_functions"]) <= 1800
