"""B15 encryption and secret strength in infra/terraform: customer-managed Cloud KMS keys (kms.tf, behind
var.cmek) reach every resource that holds data, and Identity Platform's password policy (identity.tf) says
what password_is_strong says, as far as Identity Platform can say it."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest

from shared.domain import identity
from tests.unit.test_terraform import REPO_ROOT, _load_terraform, _single_block

NINETY_DAYS = f"{90 * 86_400}s"
ENCRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
# Identity Platform's bounds on a custom password policy (console and Admin API).
IDENTITY_PLATFORM_MIN_LENGTH_RANGE = range(6, 31)
IDENTITY_PLATFORM_MAX_LENGTH = 4096
# password_is_strong's four classes, in the words of Identity Platform's customStrengthOptions, each with a
# character of that class.
CLASSES = {"containsLowercaseCharacter": "a", "containsUppercaseCharacter": "B",
           "containsNumericCharacter": "3", "containsNonAlphanumericCharacter": "!"}


@pytest.fixture(scope="module")
def terraform() -> dict[str, dict[str, Any]]:
    return _load_terraform()


def _dynamic(body: dict[str, Any], name: str) -> dict[str, Any]:
    [block] = [d[name] for d in body.get("dynamic", []) if name in d]
    return block


def _key_names(terraform) -> set[str]:
    expression = terraform["locals"]["cmek_key_names"]
    assert expression.startswith("${toset([") and expression.endswith("])}"), expression
    return set(re.findall(r"\w+", expression.removeprefix("${toset([")))


# --- customer-managed keys -----------------------------------------------------------------------------


def test_customer_managed_keys_are_opt_in_and_live_where_the_data_lives(terraform):
    # Given the cmek variable and the key ring
    variable = terraform["variable"]["cmek"]
    ring = terraform["resource"]["google_kms_key_ring"]["platform"]
    lifecycle = _single_block(ring, "lifecycle")
    # Then CMEK is off unless asked for (Firestore takes a key only at creation: README, "Customer-managed keys")
    assert (variable["type"], variable["default"]) == ("bool", False)
    assert ring["count"] == "${var.cmek ? 1 : 0}"
    # And the ring is in the platform's region, which Firestore's database must share
    assert ring["location"] == "${var.region}"
    assert _single_block(lifecycle, "precondition")["condition"] == "${var.firestore_location == var.region}"
    assert lifecycle["prevent_destroy"] is True


def test_keys_rotate_every_ninety_days_and_cannot_be_destroyed_by_terraform(terraform):
    # Given the keys
    key = terraform["resource"]["google_kms_crypto_key"]["platform"]
    # Then one per service, only with CMEK, rotated every 90 days and protected from destroy
    assert _key_names(terraform) == {"firestore", "storage", "pubsub", "logging", "functions"}
    assert key["for_each"] == "${var.cmek ? local.cmek_key_names : toset([])}"
    assert terraform["locals"]["cmek_rotation_period"] == NINETY_DAYS
    assert key["rotation_period"] == "${local.cmek_rotation_period}"
    assert key["purpose"] == "ENCRYPT_DECRYPT"
    assert _single_block(key, "lifecycle")["prevent_destroy"] is True
    assert terraform["locals"]["cmek_key"] == (
        "${{for name in local.cmek_key_names : name => var.cmek ? google_kms_crypto_key.platform[name].id : null}}")


def test_each_service_agent_may_use_its_own_key_and_every_key_has_its_agents(terraform):
    # Given the grants of the keys to the service agents
    grants = dict(re.findall(r"'(\w+)': \{'key': '(\w+)'", terraform["locals"]["cmek_grants"]))
    binding = terraform["resource"]["google_kms_crypto_key_iam_member"]["service_agents"]
    # Then each service agent encrypts and decrypts with its own service's key only, functions with theirs
    assert grants == {"firestore": "firestore", "storage": "storage", "pubsub": "pubsub", "logging": "logging",
                      "cloudfunctions": "functions", "run": "functions", "artifactregistry": "functions",
                      "functions_storage": "functions"}
    assert set(grants.values()) == _key_names(terraform)
    assert terraform["locals"]["cmek_grants"].startswith("${var.cmek ? {") and \
        terraform["locals"]["cmek_grants"].endswith(": {}}")
    assert (binding["for_each"], binding["role"]) == ("${local.cmek_grants}", ENCRYPTER)
    assert binding["crypto_key_id"] == "${google_kms_crypto_key.platform[each.value.key].id}"
    # the Pub/Sub agent is the one the dead-letter grants already name
    assert "'member': '${local.pubsub_service_agent}'" in terraform["locals"]["cmek_grants"]


def test_with_cmek_every_database_bucket_topic_log_bucket_and_function_names_its_key(terraform):
    resources = terraform["resource"]
    # Given every resource that holds the platform's data
    # Then the database, each bucket and the log bucket take their key through a block present only with CMEK
    for kind, block, attribute, key in (("google_firestore_database", "cmek_config", "kms_key_name", "firestore"),
                                        ("google_storage_bucket", "encryption", "default_kms_key_name", "storage"),
                                        ("google_logging_project_bucket_config", "cmek_settings", "kms_key_name",
                                         "logging")):
        assert resources[kind]
        for name, body in resources[kind].items():
            dynamic = _dynamic(body, block)
            assert dynamic["for_each"] == f"${{var.cmek ? ['${{local.cmek_key.{key}}}'] : []}}", (kind, name)
            assert dynamic["content"] == [{attribute: f"${{{block}.value}}"}], (kind, name)
            # and is created only once the agent may use the key
            assert "${google_kms_crypto_key_iam_member.service_agents}" in body["depends_on"], (kind, name)
    # And every topic Terraform declares names the Pub/Sub key (null without CMEK)
    assert resources["google_pubsub_topic"]
    for name, topic in resources["google_pubsub_topic"].items():
        assert topic["kms_key_name"] == "${local.cmek_key.pubsub}", name
        assert "${google_kms_crypto_key_iam_member.service_agents}" in topic["depends_on"], name
    # And contractors' topics, created at run time, are told the same key (shared/bootstrap.py)
    assert terraform["locals"]["cmek_environment"] == \
        "${var.cmek ? {'PASSERELLE_PUBSUB_KMS_KEY': '${local.cmek_key.pubsub}'} : {}}"
    # And the functions, their services and their images use the functions' key
    function = resources["google_cloudfunctions2_function"]["fn"]
    assert function["kms_key_name"] == "${local.cmek_key.functions}"
    assert _single_block(function, "build_config")["docker_repository"] == \
        "${var.cmek ? google_artifact_registry_repository.functions[0].id : null}"
    assert "local.cmek_environment" in _single_block(function, "service_config")["environment_variables"]
    repository = resources["google_artifact_registry_repository"]["functions"]
    assert (repository["count"], repository["kms_key_name"]) == ("${var.cmek ? 1 : 0}", "${local.cmek_key.functions}")


def test_the_contractor_topics_key_is_read_by_the_topology_adapter():
    # Given the bootstrap of register_contractor's Pub/Sub adapter
    source = (REPO_ROOT / "shared" / "bootstrap.py").read_text(encoding="utf-8")
    # Then the variable Terraform sets is the one it reads
    assert 'kms_key_name=os.environ.get("PASSERELLE_PUBSUB_KMS_KEY") or None' in source


# --- Identity Platform's password policy ---------------------------------------------------------------


def _strength(terraform) -> dict[str, Any]:
    policy = terraform["locals"]["password_policy"]
    [version] = policy["passwordPolicyVersions"]
    return version["customStrengthOptions"]


def test_identity_platform_enforces_the_platform_password_length_at_every_sign_in(terraform):
    # Given the password policy Terraform sends to Identity Platform
    policy = terraform["locals"]["password_policy"]
    strength = _strength(terraform)
    # Then it is enforced, and a password that no longer meets it must be changed at sign-in
    assert policy["passwordPolicyEnforcementState"] == "ENFORCE"
    assert policy["forceUpgradeOnSignin"] is True
    # And its lengths are password_is_strong's, within what Identity Platform accepts
    assert (strength["minPasswordLength"], strength["maxPasswordLength"]) == (
        identity.PASSWORD_MIN_LENGTH, identity.PASSWORD_MAX_LENGTH)
    assert strength["minPasswordLength"] in IDENTITY_PLATFORM_MIN_LENGTH_RANGE
    assert strength["maxPasswordLength"] <= IDENTITY_PLATFORM_MAX_LENGTH
    assert set(strength) == {"minPasswordLength", "maxPasswordLength", *CLASSES}


def test_identity_platform_requires_no_class_the_platform_would_do_without(terraform):
    # Given the classes Identity Platform requires, and password_is_strong's rule
    strength = _strength(terraform)
    for flag, character in CLASSES.items():
        # When a password of the minimum length uses every class but this one
        others = [c for f, c in CLASSES.items() if f != flag]
        password = "".join(others * identity.PASSWORD_MIN_LENGTH)[:identity.PASSWORD_MIN_LENGTH]
        assert character not in password and len(password) == identity.PASSWORD_MIN_LENGTH
        # Then Identity Platform requires the class exactly when the platform would refuse that password
        assert strength[flag] is (not identity.password_is_strong(password)), flag
    # and the platform's rule still asks for classes Identity Platform cannot count (three of four)
    assert 1 < identity.PASSWORD_MIN_CLASSES < len(CLASSES)
    assert not identity.password_is_strong(string.ascii_lowercase[:identity.PASSWORD_MIN_LENGTH])


def test_the_policy_is_sent_to_identity_platform_whenever_it_changes(terraform):
    # Given the step that applies it (the provider has no argument for it)
    step = terraform["resource"]["terraform_data"]["password_policy"]
    [provisioner] = step["provisioner"]
    local_exec = provisioner["local-exec"]
    # Then it sends exactly the policy, only that part of the configuration, after Identity Platform exists
    assert step["triggers_replace"] == ["${var.project_id}", "${jsonencode(local.password_policy)}"]
    assert local_exec["environment"]["BODY"] == '${jsonencode({"passwordPolicyConfig": "${local.password_policy}"})}'
    assert "/admin/v2/projects/$PROJECT/config?updateMask=passwordPolicyConfig" in local_exec["command"]
    assert "-X PATCH" in local_exec["command"]
    assert step["depends_on"] == ["${google_identity_platform_config.default}"]
    # And it fails the apply on any answer but 200
    assert '[ "$status" = 200 ] ||' in local_exec["command"] and "exit 1" in local_exec["command"]
