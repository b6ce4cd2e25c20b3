"""Static checks of the Terraform description in infra/terraform.

The google provider is not needed: the .tf files are parsed with python-hcl2
and the contracts shared with the Python code (entry points, Pub/Sub names,
invokers, data location) are checked on the parsed configuration.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO_ROOT / "infra" / "terraform"
EMULATORS_FILE = REPO_ROOT / "emulators.json"

PARIS = "europe-west9"
SAMPLE_CONTRACTORS = ("ctr-acme", "ctr-bati")
TOPIC_KINDS = ("orders", "execution", "replies")
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}
# Functions only called by Google services -> the account allowed to invoke them.
INTERNAL_FUNCTIONS = {
    "publish_execution": "google_service_account.pubsub_push",
    "relay_outbox": "google_service_account.scheduler_invoker",
    "expire_quotes": "google_service_account.scheduler_invoker",
}
ERP_FACING_FUNCTIONS = {
    "receive_order",
    "change_order_state",
    "get_order",
    "submit_execution",
}


# --- helpers -------------------------------------------------------------------


def _unquote(text: str) -> str:
    """python-hcl2 (v5+) keeps the double quotes of string literals and labels."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def _normalise(node: Any) -> Any:
    """Unquote labels and strings, drop parser metadata (__is_block__, ...)."""
    if isinstance(node, dict):
        return {
            _unquote(key): _normalise(value)
            for key, value in node.items()
            if not key.startswith("__")
        }
    if isinstance(node, list):
        return [_normalise(item) for item in node]
    if isinstance(node, str):
        return _unquote(node)
    return node


def _load_terraform() -> dict[str, dict[str, Any]]:
    """Merge infra/terraform/*.tf into {resource: {type: {name: body}}, ...}."""
    merged: dict[str, dict[str, Any]] = {
        "resource": {},
        "data": {},
        "variable": {},
        "locals": {},
        "output": {},
    }
    for path in sorted(TERRAFORM_DIR.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            document = _normalise(hcl2.load(handle))
        for kind in ("resource", "data"):
            for block in document.get(kind, []):
                for block_type, named in block.items():
                    for name, body in named.items():
                        address = f"{block_type}.{name}"
                        assert name not in merged[kind].setdefault(block_type, {}), (
                            f"{address} declared twice"
                        )
                        merged[kind][block_type][name] = body
        for kind in ("variable", "output"):
            for block in document.get(kind, []):
                for name, body in block.items():
                    assert name not in merged[kind], f"{kind} {name} declared twice"
                    merged[kind][name] = body
        for block in document.get("locals", []):
            for name, value in block.items():
                assert name not in merged["locals"], f"local.{name} declared twice"
                merged["locals"][name] = value
    return merged


def _single_block(body: dict[str, Any], name: str) -> dict[str, Any]:
    blocks = body.get(name) or []
    assert len(blocks) == 1, f"expected exactly one {name} block, found {len(blocks)}"
    return blocks[0]


def _instance_keys(for_each: str) -> list[str]:
    """Keys of a contractor-scoped for_each, rendered for SAMPLE_CONTRACTORS."""
    if for_each == "${local.contractors}":
        return list(SAMPLE_CONTRACTORS)
    if for_each == "${local.source_topic_names}":
        return [
            f"{kind}-{contractor}"
            for kind in TOPIC_KINDS
            for contractor in SAMPLE_CONTRACTORS
        ]
    pytest.fail(f"unexpected for_each on a Pub/Sub resource: {for_each!r}")


def _render(template: str, key: str) -> str:
    return template.replace("${each.key}", key)


def _rendered_names(resources: dict[str, Any]) -> set[str]:
    """Names of the per-contractor resources (platform-wide ones are not keyed by contractor)."""
    return {
        _render(body["name"], key)
        for body in resources.values()
        if _per_contractor(body)
        for key in _instance_keys(body["for_each"])
    }


def _per_contractor(body: dict[str, Any]) -> bool:
    return "for_each" in body and "platform_push_topics" not in str(body["for_each"])


@pytest.fixture(scope="module")
def terraform() -> dict[str, dict[str, Any]]:
    return _load_terraform()


@pytest.fixture(scope="module")
def subscriptions(terraform: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return terraform["resource"]["google_pubsub_subscription"]


# --- functions -------------------------------------------------------------------


def test_terraform_deploys_exactly_the_functions_of_the_emulator_catalogue(terraform):
    # Given the functions run locally by the emulators
    emulated = set(json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))["functions"])
    # When reading the function resource and its catalogue in Terraform
    function = terraform["resource"]["google_cloudfunctions2_function"]["fn"]
    build = _single_block(function, "build_config")
    declared = set(terraform["locals"]["functions"])
    # Then one function is deployed per catalogue entry, its entry point being the key
    assert function["for_each"] == "${local.functions}"
    assert build["entry_point"] == "${each.key}"
    assert build["runtime"] == "python311"
    assert declared == emulated


def test_every_function_scheduled_locally_has_a_cloud_scheduler_job(terraform):
    # Given the functions ./scripts/dev calls on a period (schedule_seconds in emulators.json)
    functions = json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))["functions"]
    scheduled = {name for name, spec in functions.items() if "schedule_seconds" in spec}
    # When reading the Cloud Scheduler jobs (the generic map, and the deadline sweep of deadlines.tf)
    jobs = set(terraform["locals"]["scheduled_functions"])
    sweep = terraform["resource"]["google_cloud_scheduler_job"]["deadline_sweep"]
    # Then each has its job in production
    assert "accrue_penalties" in str(sweep)
    assert scheduled - {"accrue_penalties"} <= jobs, sorted(scheduled - {"accrue_penalties"} - jobs)


def test_every_function_runs_as_one_of_the_runtime_identities(terraform):
    # Given the function resource and the runtime identities of iam.tf
    function = terraform["resource"]["google_cloudfunctions2_function"]["fn"]
    identities = terraform["locals"]["runtime_identities"]
    accounts = terraform["resource"]["google_service_account"]["runtime"]
    # When reading its service configuration and each function's identity
    service = _single_block(function, "service_config")
    chosen = {name: spec.get("identity") for name, spec in terraform["locals"]["functions"].items()}
    # Then each function runs as the service account of its identity (tests/unit/test_terraform_iam.py
    # checks the roles), and receives the documented environment
    assert (
        service["service_account_email"]
        == "${google_service_account.runtime[each.value.identity].email}"
    )
    assert accounts["for_each"] == "${local.runtime_identities}"
    assert accounts["account_id"] == "${each.key}"
    assert {name: identity for name, identity in chosen.items() if identity not in identities} == {}
    environment = terraform["locals"]["function_environment"]
    assert {
        "GOOGLE_CLOUD_PROJECT",
        "PASSERELLE_DOCUMENTS_BUCKET",
        "PASSERELLE_REGION",
    } <= set(environment)


def test_erp_facing_functions_are_public_and_check_tokens_themselves(terraform):
    # Given the function catalogue
    functions = terraform["locals"]["functions"]
    # When looking at the functions called by ERPs
    erp_facing = {name: functions[name] for name in ERP_FACING_FUNCTIONS}
    # Then anybody may reach them (ID tokens are verified in Python)
    for name, spec in erp_facing.items():
        assert spec["invoker"] == "allUsers", name
        assert spec["ingress"] == "ALLOW_ALL", name


def test_internal_functions_are_only_invokable_by_their_dedicated_service_account(
    terraform,
):
    # Given the function catalogue and the Cloud Run invoker bindings
    functions = terraform["locals"]["functions"]
    invoker = terraform["resource"]["google_cloud_run_service_iam_member"]["invoker"]
    # When looking at the functions triggered by Pub/Sub push and Cloud Scheduler
    internal = {name: functions[name] for name in INTERNAL_FUNCTIONS}
    # Then their only invoker is their service account, never a public member
    assert invoker["for_each"] == "${local.functions}"
    assert invoker["member"] == "${each.value.invoker}"
    assert invoker["role"] == "roles/run.invoker"
    assert (
        invoker["service"]
        == "${google_cloudfunctions2_function.fn[each.key].service_config[0].service}"
    )
    for name, spec in internal.items():
        assert spec["invoker"] not in PUBLIC_MEMBERS, name
        assert (
            spec["invoker"] == f"serviceAccount:${{{INTERNAL_FUNCTIONS[name]}.email}}"
        ), name
        assert spec["ingress"] != "ALLOW_ALL", name


def test_no_iam_resource_grants_a_public_member_directly(terraform):
    # Given every IAM binding declared in Terraform
    iam_resources = {
        f"{resource_type}.{name}": body
        for resource_type, named in terraform["resource"].items()
        if "_iam_" in resource_type
        for name, body in named.items()
    }
    # When collecting their literal members
    members = {
        address: [body.get("member")] + list(body.get("members") or [])
        for address, body in iam_resources.items()
    }
    # Then public access only comes from the invoker field of the function catalogue
    offenders = {
        address: found
        for address, found in members.items()
        if PUBLIC_MEMBERS & set(found)
    }
    assert iam_resources
    assert offenders == {}


# --- Pub/Sub ---------------------------------------------------------------------


def test_dead_lettered_topics_cover_the_three_contractor_flows(terraform):
    # Given the local listing the topics that get a dead-letter topic
    expression = terraform["locals"]["source_topic_names"]
    # When looking for each contractor-scoped topic pattern
    missing = [kind for kind in TOPIC_KINDS if f"{kind}-${{c}}" not in expression]
    # Then orders-, execution- and replies- topics are all dead-lettered
    assert "var.contractors" in expression
    assert missing == []


def test_topic_names_follow_the_contract_with_the_python_code(terraform):
    # Given two contractors
    contractors = SAMPLE_CONTRACTORS
    # When rendering the topic names declared in Terraform
    names = _rendered_names(terraform["resource"]["google_pubsub_topic"])
    # Then each contractor has its three topics and their dead-letter topics
    expected = {f"{kind}-{c}" for kind in TOPIC_KINDS for c in contractors}
    expected |= {f"{kind}-{c}-dead-letter" for kind in TOPIC_KINDS for c in contractors}
    assert names == expected


def test_subscription_names_follow_the_contract_with_the_python_code(subscriptions):
    # Given two contractors
    contractors = SAMPLE_CONTRACTORS
    # When rendering the subscription names declared in Terraform
    names = _rendered_names(subscriptions)
    # Then executions are pushed, orders/replies pulled by ERPs, dead letters by ops
    expected = {f"execution-{c}-push" for c in contractors}
    expected |= {f"orders-{c}-erp" for c in contractors} | {
        f"replies-{c}-erp" for c in contractors
    }
    expected |= {
        f"{kind}-{c}-dead-letter-ops" for kind in TOPIC_KINDS for c in contractors
    }
    assert names == expected


def test_every_push_subscription_has_an_oidc_token_and_a_dead_letter_policy(
    subscriptions,
):
    # Given the push subscriptions
    push = {
        name: body for name, body in subscriptions.items() if body.get("push_config")
    }
    # When reading their delivery settings
    settings = {
        name: (
            _single_block(_single_block(body, "push_config"), "oidc_token"),
            _single_block(body, "dead_letter_policy"),
        )
        for name, body in push.items()
    }
    # Then each one authenticates as pubsub-push and dead-letters after 5 attempts
    assert push
    for name, (oidc_token, dead_letter_policy) in settings.items():
        assert (
            oidc_token["service_account_email"]
            == "${google_service_account.pubsub_push.email}"
        ), name
        assert dead_letter_policy["dead_letter_topic"], name
        assert dead_letter_policy["max_delivery_attempts"] == 5, name


def test_execution_push_targets_publish_execution_with_the_topic_in_the_path(
    subscriptions,
):
    # Given the execution push subscription
    push_config = _single_block(subscriptions["execution_push"], "push_config")
    # When reading its endpoint
    endpoint = push_config["push_endpoint"]
    # Then functions-framework can derive the contractor from the topic in the path
    assert endpoint.startswith(
        '${google_cloudfunctions2_function.fn["publish_execution"].service_config[0].uri}'
    )
    assert endpoint.endswith("/projects/${var.project_id}/topics/execution-${each.key}")
    assert subscriptions["execution_push"]["enable_message_ordering"] is True


def test_every_dead_lettering_subscription_uses_the_dead_letter_topic_of_its_own_topic(
    subscriptions,
):
    # Given the subscriptions that have a dead-letter policy
    dead_lettering = {
        name: body
        for name, body in subscriptions.items()
        if body.get("dead_letter_policy") and _per_contractor(body)
    }
    # When rendering, for two contractors, the source and dead-letter topic of each
    pairs = []
    for body in dead_lettering.values():
        kind = re.fullmatch(
            r"\$\{google_pubsub_topic\.(\w+)\[each\.key\]\.id\}", body["topic"]
        ).group(1)
        dead_letter_ref = _single_block(body, "dead_letter_policy")["dead_letter_topic"]
        dead_letter_key = re.search(r'dead_letter\["([^"]+)"\]', dead_letter_ref).group(
            1
        )
        for contractor in _instance_keys(body["for_each"]):
            pairs.append((f"{kind}-{contractor}", _render(dead_letter_key, contractor)))
    # Then every message flow dead-letters into "<its topic>-dead-letter"
    assert {source for source, _ in pairs} == {
        f"{k}-{c}" for k in TOPIC_KINDS for c in SAMPLE_CONTRACTORS
    }
    assert all(dead_letter_key == source for source, dead_letter_key in pairs)


# --- data location -----------------------------------------------------------------


def test_data_is_hosted_in_france_by_default(terraform):
    # Given the declared variables
    variables = terraform["variable"]
    # When reading the default locations
    defaults = (
        variables["region"]["default"],
        variables["firestore_location"]["default"],
    )
    # Then everything defaults to Paris
    assert defaults == (PARIS, PARIS)


def test_no_resource_hardcodes_a_location(terraform):
    # Given every resource
    resources = {
        f"{resource_type}.{name}": body
        for resource_type, named in terraform["resource"].items()
        for name, body in named.items()
    }
    # When collecting their location attributes
    locations = {
        f"{address}.{key}": body[key]
        for address, body in resources.items()
        for key in ("location", "location_id", "region")
        if key in body
    }
    # Then they all come from the region variables
    assert locations
    assert {value for value in locations.values()} <= {
        "${var.region}",
        "${var.firestore_location}",
    }


# --- formatting ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("terraform") is None,
                    reason="terraform CLI not on PATH (it is on the CI image): `terraform fmt -check` cannot run")
def test_terraform_files_are_canonically_formatted():
    # Given the terraform CLI
    terraform_bin = shutil.which("terraform")
    environment = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": "/dev/null",
        "CHECKPOINT_DISABLE": "1",
    }
    # When checking the formatting of infra/terraform
    result = subprocess.run(
        [
            terraform_bin,
            "fmt",
            "-check",
            "-recursive",
            "-diff",
            "-no-color",
            str(TERRAFORM_DIR),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    # Then terraform reports no difference
    assert result.returncode == 0, (
        f"terraform fmt reports differences:\n{result.stdout}{result.stderr}"
    )


def test_platform_topics_are_pushed_to_their_function_with_their_own_dead_letter_topic(
    subscriptions,
):
    # Given the platform push subscriptions (one resource for every platform topic)
    body = subscriptions["platform_push"]
    topics = body["for_each"]
    # When reading their endpoint and dead-letter policy
    endpoint = _single_block(body, "push_config")["push_endpoint"]
    dead_letter = _single_block(body, "dead_letter_policy")["dead_letter_topic"]
    # Then each topic is pushed to its function, and poison goes to its own dead-letter topic
    assert topics == "${local.platform_push_topics}"
    assert endpoint.startswith('${google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri}')
    assert endpoint.endswith("/topics/${each.key}")
    assert dead_letter == "${google_pubsub_topic.platform_dead_letter[each.key].id}"
    locals_text = (TERRAFORM_DIR / "pubsub.tf").read_text()
    assert '"needs-submitted"   = { function = "score_candidates"' in locals_text
    assert '"exports-requested" = { function = "run_export"' in locals_text
