"""Runtime identities and sizing of the functions (infra/terraform/iam.tf, functions.tf).

The roles of each function's service account are written twice: in `local.runtime_identities`
(the HCL) and in the "Runtime identities" table of infra/terraform/README.md. These tests hold the
two equal, check the grants against what each function's Python code calls, and check that every
resource of a first apply waits for the APIs it needs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_terraform import REPO_ROOT, TERRAFORM_DIR, _load_terraform, _single_block

README = TERRAFORM_DIR / "README.md"
FUNCTIONS_DIR = REPO_ROOT / "functions"

FIRESTORE = "project:roles/datastore.user"
PUBLISH = "project:roles/pubsub.publisher"
ENQUEUE = "deadlines-queue:roles/cloudtasks.enqueuer"
ACT_AS_TASKS_INVOKER = "tasks-invoker:roles/iam.serviceAccountUser"
AUTH_ADMIN = "project:roles/firebaseauth.admin"
SIGN_BLOB = "self:roles/iam.serviceAccountTokenCreator"
# The audit witness bucket (B15): heads created once and read, never deleted nor replaced.
WITNESS_CREATE = "witness-bucket:roles/storage.objectCreator"
WITNESS_READ = "witness-bucket:roles/storage.objectViewer"
# A contractor's Pub/Sub topology at run time (register_contractor, deactivate_party): the custom role
# of pubsub.tf, and acting as pubsub-push for the OIDC token of the push subscriptions it creates.
TOPOLOGY_ROLE = "project:custom/passerelleTopologyProvisioner"
ACT_AS_PUSH = "pubsub-push:roles/iam.serviceAccountUser"
PROVISIONERS = {"register_contractor", "deactivate_party"}

# Functions that hand out V4 signed URLs (IAM Credentials signBlob as their own account):
# request_report_upload (shared/service/documents.py request_upload → upload_url), get_documents
# (list_documents → download_url), get_report (half-year reports → download_url), export_space
# (export_status → signed_url). store_report, publish_execution and run_export store objects but
# sign nothing.
SIGNERS = {"request_report_upload", "get_documents", "get_report", "export_space"}

# What a bootstrap adapter (shared/bootstrap.py) needs from Google Cloud.
ADAPTER_NEEDS = {
    "store": {"firestore"}, "idempotency": {"firestore"}, "documents": {"firestore"},
    "deadline_store": {"firestore"}, "incidents": {"firestore"}, "quote_index": {"firestore"},
    "order_index": {"firestore"}, "account_requests": {"firestore"},
    # B15: the sealer witnesses each head in the witness bucket; the scheduled check reads them
    "audit_trail": {"firestore", "witness"}, "audit_witness": {"witness"},
    "audit_check_runs": {"firestore"},  # the operator reads the check's summary, never the bucket
    "publisher": {"publish"},
    "timers": {"timers"},
    "account_deadlines": {"firestore", "timers"}, "sourcing_deadlines": {"firestore", "timers"},
    "onboarding": {"firestore", "timers"},
    "blobs": {"storage"}, "document_files": {"storage"}, "report_files": {"storage"},
    "export_source": {"firestore", "storage"}, "export_archive": {"firestore", "storage"},
    "identity_admin": {"firestore", "auth_admin"},
    "topology": {"pubsub_admin"},  # a contractor's topics, subscriptions and their IAM policies
    # The unit of work publishes its outbox and arms its timers after the commit (shared/bootstrap.py).
    "uow": {"firestore", "publish", "timers"},
    "reader": {"firestore"},  # a read-only unit of work (GET functions)
    "change_feed": {"firestore"},  # Firestore listeners (watch_orders)
    "watch_limits": set(),  # a stream's lifetime and heartbeat, from the environment
    "authenticator": {"firestore"},
    "clock": set(),
    "chorus_pro": set(),  # Chorus Pro's own API credentials, no Google role (docs/invoicing.md)
}

# Resource type prefix → the API it calls (main.tf, local.apis).
RESOURCE_APIS = {
    "google_apikeys_": {"apikeys"},
    "google_artifact_registry_": {"artifactregistry"},
    "google_cloud_run_": {"run"},
    "google_cloud_scheduler_": {"cloudscheduler"},
    "google_cloud_tasks_": {"cloudtasks"},
    "google_cloudfunctions2_": {"cloudfunctions", "cloudbuild", "artifactregistry", "run", "eventarc"},
    "google_firebaserules_": {"firebaserules"},
    "google_firestore_": {"firestore"},
    "google_iam_workload_identity_": {"iam", "sts"},
    "google_identity_platform_": {"identitytoolkit"},
    "google_kms_": {"cloudkms"},
    "google_logging_": {"logging"},
    "google_monitoring_": {"monitoring"},
    "google_project_iam_": {"cloudresourcemanager"},
    "google_project_service": {"serviceusage"},
    "google_pubsub_": {"pubsub"},
    "google_service_account": {"iam"},
    "google_storage_": {"storage"},
    "terraform_data": {"identitytoolkit"},  # Identity Platform's password policy (identity.tf)
    "time_sleep": set(),
}


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def terraform() -> dict[str, dict[str, Any]]:
    return _load_terraform()


def _readme_identities() -> dict[str, tuple[set[str], list[str]]]:
    """The README table: service account → (roles, functions)."""
    text = README.read_text(encoding="utf-8")
    assert "\n## Runtime identities\n" in text, "infra/terraform/README.md lost its Runtime identities section"
    section = text.split("\n## Runtime identities\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[set[str], list[str]]] = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        account, roles, functions = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[account.strip("`")] = (set(re.findall(r"`([^`]+)`", roles)), re.findall(r"`([^`]+)`", functions))
    return rows


def _grants(terraform) -> dict[str, set[str]]:
    return {name: set(spec["grants"]) for name, spec in terraform["locals"]["runtime_identities"].items()}


def _identity_of(terraform) -> dict[str, str]:
    return {name: spec.get("identity") for name, spec in terraform["locals"]["functions"].items()}


def _capabilities(grants: set[str]) -> set[str]:
    """What a set of grants lets a function do, in the vocabulary of ADAPTER_NEEDS."""
    found = set()
    if FIRESTORE in grants:
        found.add("firestore")
    if PUBLISH in grants:
        found.add("publish")
    if {ENQUEUE, ACT_AS_TASKS_INVOKER} <= grants:
        found.add("timers")
    if any(g.startswith("documents-bucket:") for g in grants):
        found.add("storage")
    if {WITNESS_CREATE, WITNESS_READ} <= grants:
        found.add("witness")
    if AUTH_ADMIN in grants:
        found.add("auth_admin")
    if {TOPOLOGY_ROLE, ACT_AS_PUSH} <= grants:
        found.add("pubsub_admin")
    return found


def _adapters_used(module: Path, seen: set[Path] | None = None) -> set[str]:
    """bootstrap adapters a function module reaches, following its functions._helpers."""
    seen = seen if seen is not None else set()
    if module in seen:
        return set()
    seen.add(module)
    source = module.read_text(encoding="utf-8")
    used = set(re.findall(r"bootstrap\.get\(\"(\w+)\"\)", source))
    used |= {name for name in re.findall(r"bootstrap\.(\w+)\(", source) if name != "get"}
    if "http.serve(" in source:
        used |= {"idempotency", "authenticator"}
    for helper in re.findall(r"from functions\.(_\w+) import", source):
        used |= _adapters_used(FUNCTIONS_DIR / f"{helper}.py", seen)
    return used


def _needs_of(function: str) -> set[str]:
    used = _adapters_used(FUNCTIONS_DIR / f"{function}.py")
    unknown = used - set(ADAPTER_NEEDS)
    assert not unknown, f"{function} uses bootstrap adapters this test does not know: {sorted(unknown)}"
    return set().union(*(ADAPTER_NEEDS[name] for name in used))


def _memory_mib(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi|M|G)", value).groups()
    return int(number) * (1024 if unit.startswith("G") else 1)


# --- the README table and the HCL ----------------------------------------------------------------


def test_the_readme_table_lists_exactly_the_identities_and_roles_of_iam_tf(terraform):
    # Given the runtime identities of iam.tf and the table of the README
    declared = _grants(terraform)
    documented = _readme_identities()
    # When comparing, identity by identity, the roles each one holds
    documented_roles = {account: roles for account, (roles, _) in documented.items()}
    # Then the table is exactly the HCL
    assert documented_roles == declared


def test_each_function_runs_as_the_identity_the_readme_gives_it(terraform):
    # Given each function's identity in functions.tf, and the functions of each README row
    identity_of = _identity_of(terraform)
    listed = [(function, account) for account, (_, functions) in _readme_identities().items()
              for function in functions]
    # When reading, for each function, the row that names it
    documented = dict(listed)
    # Then every function is in exactly one row, the row of the service account it runs as
    assert len(listed) == len(documented), "a function is listed in two rows"
    assert documented == identity_of


def test_every_grant_is_bound_by_the_resource_of_its_scope(terraform):
    # Given the grants of every identity and the resources binding them
    scopes = set(terraform["locals"]["runtime_grant_scopes"])
    resources = {
        "project": terraform["resource"]["google_project_iam_member"]["runtime"],
        "documents-bucket": terraform["resource"]["google_storage_bucket_iam_member"]["runtime_documents"],
        "deadlines-queue": terraform["resource"]["google_cloud_tasks_queue_iam_member"]["runtime_deadlines"],
        "tasks-invoker": terraform["resource"]["google_service_account_iam_member"]["runtime_tasks_invoker"],
        "self": terraform["resource"]["google_service_account_iam_member"]["runtime_self"],
        "pubsub-push": terraform["resource"]["google_service_account_iam_member"]["runtime_pubsub_push"],
        "witness-bucket": terraform["resource"]["google_storage_bucket_iam_member"]["runtime_witness"],
    }
    used = {grant.split(":", 1)[0] for grants in _grants(terraform).values() for grant in grants}
    # When reading which grants each resource takes and where it binds them
    # Then every scope has its resource, taking exactly the grants of that scope
    assert used <= scopes == set(resources)
    for scope, body in resources.items():
        assert f'g.scope == "{scope}"' in body["for_each"], scope
        assert body["member"] == "${google_service_account.runtime[each.value.identity].member}", scope
    assert resources["documents-bucket"]["bucket"] == "${google_storage_bucket.documents.name}"
    assert resources["deadlines-queue"]["name"] == "${google_cloud_tasks_queue.deadlines.name}"
    assert resources["tasks-invoker"]["service_account_id"] == "${google_service_account.tasks_invoker.name}"
    assert resources["self"]["service_account_id"] == "${google_service_account.runtime[each.value.identity].name}"
    assert resources["pubsub-push"]["service_account_id"] == "${google_service_account.pubsub_push.name}"
    assert resources["witness-bucket"]["bucket"] == "${google_storage_bucket.audit_witness.name}"


def test_only_the_audit_functions_reach_the_witness_bucket_and_none_may_delete_there(terraform):
    # Given the grants and each function's identity
    grants, identity_of = _grants(terraform), _identity_of(terraform)
    # When collecting the functions whose identity holds a role on the witness bucket
    holders = {function for function, identity in identity_of.items()
               if any(g.startswith("witness-bucket:") for g in grants[identity])}
    roles = {g for identity in set(identity_of.values()) for g in grants[identity] if g.startswith("witness-bucket:")}
    # Then the sealer and the scheduled check alone, creating and reading only: with no
    # storage.objects.delete a head can be neither deleted nor replaced (B15)
    assert holders == {"seal_audit", "check_audit_witness"}
    assert roles == {WITNESS_CREATE, WITNESS_READ}


def test_only_the_account_functions_may_administer_firebase_auth(terraform):
    # Given the grants and each function's identity
    grants, identity_of = _grants(terraform), _identity_of(terraform)
    # When collecting the functions whose identity holds the Firebase Auth admin role
    admins = {function for function, identity in identity_of.items() if AUTH_ADMIN in grants[identity]}
    # Then it is manage_account (the operator's accounts) and change_password (a person's own password,
    # B15 protection of identities) alone
    assert admins == {"manage_account", "change_password"}


def test_only_the_onboarding_functions_may_provision_pubsub_and_their_role_cannot_delete(terraform):
    # Given the grants, each function's identity and the custom role of pubsub.tf
    grants, identity_of = _grants(terraform), _identity_of(terraform)
    role = terraform["resource"]["google_project_iam_custom_role"]["topology_provisioner"]
    binding = terraform["resource"]["google_project_iam_member"]["runtime"]
    # When collecting the functions that hold the topology role or may act as pubsub-push
    holders = {function for function, identity in identity_of.items()
               if {TOPOLOGY_ROLE, ACT_AS_PUSH} & grants[identity]}
    # Then only register_contractor and deactivate_party do; the role creates, reads and re-configures
    # but never deletes, publishes nor pulls; and "custom/<id>" binds this project's role <id>
    assert holders == PROVISIONERS
    assert f"custom/{role['role_id']}" == TOPOLOGY_ROLE.split(":", 1)[1]
    permissions = set(role["permissions"])
    assert {"pubsub.topics.create", "pubsub.subscriptions.create", "pubsub.subscriptions.update",
            "pubsub.topics.setIamPolicy", "pubsub.subscriptions.setIamPolicy"} <= permissions
    assert not {p for p in permissions if p.endswith((".delete", ".publish", ".consume", ".detach"))}
    assert 'projects/${var.project_id}/roles/${trimprefix(each.value.role, "custom/")}' in binding["role"]


def test_only_the_functions_that_sign_urls_may_sign_blobs(terraform):
    # Given the grants and each function's identity
    grants, identity_of = _grants(terraform), _identity_of(terraform)
    # When collecting the functions allowed to sign as their own service account
    signing = {function for function, identity in identity_of.items() if SIGN_BLOB in grants[identity]}
    # Then exactly the signers of URLs may, with the IAM Credentials API on and read access to what they sign
    assert signing == SIGNERS
    assert "iamcredentials" in terraform["locals"]["apis"]
    for function in SIGNERS:
        assert any(g.startswith("documents-bucket:") for g in grants[identity_of[function]]), function


def test_each_function_holds_exactly_what_its_code_calls(terraform):
    # Given, for each function, the adapters its module reaches through shared/bootstrap.py
    grants, identity_of = _grants(terraform), _identity_of(terraform)
    needs = {function: _needs_of(function) for function in identity_of}
    # When comparing them with what the function's identity may do
    mismatches = {
        function: {"code needs": sorted(needs[function]),
                   "identity allows": sorted(_capabilities(grants[identity_of[function]]))}
        for function in identity_of
        if needs[function] != _capabilities(grants[identity_of[function]])
    }
    # Then no function lacks a permission its code needs, nor holds one it never uses
    # (fix: the function's identity in functions.tf, and the README table)
    assert needs["receive_order"] >= {"firestore", "publish"}, "the code scan went blind"
    assert mismatches == {}


# --- sizing ------------------------------------------------------------------------------------


def test_every_function_has_a_line_of_the_sizing_table_used_by_its_service(terraform):
    # Given the function catalogue, the sizing table and the function resource
    sizing = terraform["locals"]["function_sizing"]
    service = _single_block(terraform["resource"]["google_cloudfunctions2_function"]["fn"], "service_config")
    # When reading where the service takes its settings from
    # Then every function has one line, and the service reads each setting from it
    assert set(sizing) == set(terraform["locals"]["functions"])
    assert service["available_memory"] == "${local.function_sizing[each.key].memory}"
    assert service["available_cpu"] == "${local.function_sizing[each.key].cpu}"
    assert service["timeout_seconds"] == "${local.function_sizing[each.key].timeout}"
    assert service["max_instance_request_concurrency"] == "${local.function_sizing[each.key].concurrency}"
    assert service["max_instance_count"] == "${local.function_sizing[each.key].max_instances}"
    assert "var.min_instances_enabled" in service["min_instance_count"]


def test_sizing_follows_the_platform_rules_and_the_benchmarks(terraform):
    # Given the sizing table
    sizing = terraform["locals"]["function_sizing"]
    memory = {name: _memory_mib(line["memory"]) for name, line in sizing.items()}
    # When checking each line
    # Then concurrency above 1 has a whole vCPU (a Cloud Run rule), timeouts fit the HTTP limit
    for name, line in sizing.items():
        assert line["concurrency"] == 1 or float(line["cpu"]) >= 1, name
        assert 1 <= line["timeout"] <= 3600, name
        assert 0 <= line["min_instances"] <= line["max_instances"], name
    # ~145 MB per idle process (bench.ingest): nothing below 256Mi, nothing concurrent below 512Mi
    assert min(memory.values()) >= 256
    assert all(memory[n] >= 512 for n, line in sizing.items() if line["concurrency"] > 1)
    # rebuilding the search index of 100k professionals peaked at ~441 MiB (bench.scoring)
    assert all(memory[n] >= 1024 for n in ("score_candidates", "import_professionals", "get_sourcing"))
    # 50 MiB signed uploads checked by pypdf; 32 MiB imports
    assert all(memory[n] >= 1024 for n in ("store_report", "publish_execution", "import_property_tree"))
    # the export streams: a 600 MiB space peaked at ~129 MiB (bench.export_memory), with room for its chunks
    assert memory["run_export"] >= 512
    # the ERP hot path stays warm (the web app is static files on Firebase Hosting)
    assert all(sizing[n]["min_instances"] >= 1 for n in ("receive_order", "submit_execution"))


def test_push_functions_finish_within_the_ack_deadline_of_their_subscription(terraform):
    # Given the push subscriptions and the timeouts of the functions they call
    sizing = terraform["locals"]["function_sizing"]
    platform = terraform["locals"]["platform_push_topics"]
    from shared import topology  # a contractor's push subscription is made at run time, from this plan

    [execution_push] = [s for s in topology.contractor_topology("ctr-x").subscriptions if s.push]
    execution_ack = execution_push.ack_deadline_seconds
    # When comparing each function's timeout with its subscription's ack deadline
    pairs = {spec["function"]: spec["ack_deadline_seconds"] for spec in platform.values()}
    pairs["publish_execution"] = execution_ack
    # Then a message is never redelivered while its first delivery is still running
    assert {name: (sizing[name]["timeout"], ack) for name, ack in pairs.items()
            if sizing[name]["timeout"] > ack} == {}


# --- APIs on a first apply -------------------------------------------------------------------------


def _references(text: str, locals_: dict[str, Any], seen: set[str]) -> set[str]:
    found = set(re.findall(r"\b((?:google|time)_[a-z0-9_]+\.[a-z0-9_]+)\b", text))
    for name in re.findall(r"\blocal\.(\w+)", text):
        if name not in seen and name in locals_:
            seen.add(name)
            found |= _references(str(locals_[name]), locals_, seen)
    return found


def test_every_resource_waits_for_the_apis_directly_or_through_what_it_references(terraform):
    # Given every resource and the resources (or locals) it references or depends on
    resources = {f"{kind}.{name}": body for kind, named in terraform["resource"].items() for name, body in named.items()}
    references = {address: _references(str(body), terraform["locals"], set()) & set(resources)
                  for address, body in resources.items()}
    # When propagating "ready" from the wait after the APIs are enabled
    ready = {"time_sleep.apis_ready"}
    changed = True
    while changed:
        changed = False
        for address, refs in references.items():
            if address not in ready and refs & ready:
                ready.add(address)
                changed = True
    # Then nothing but the API enablement itself may start before the APIs answer
    assert references["time_sleep.apis_ready"] == {"google_project_service.enabled"}
    assert set(resources) - ready == {"google_project_service.enabled"}


def test_every_api_a_resource_calls_is_enabled(terraform):
    # Given the enabled APIs and the resource types in use
    enabled = set(re.findall(r"\w+", terraform["locals"]["apis"].removeprefix("${toset(")))
    kinds = set(terraform["resource"])
    # When mapping each resource type to the API it calls
    unknown = {kind for kind in kinds if not any(kind.startswith(prefix) for prefix in RESOURCE_APIS)}
    needed = set().union(*(apis for prefix, apis in RESOURCE_APIS.items()
                           if any(kind.startswith(prefix) for kind in kinds)))
    # Then each is enabled, as are the ones called at run time (signBlob, token refresh)
    assert unknown == set(), "add the API of these resource types to RESOURCE_APIS"
    assert needed | {"iamcredentials", "securetoken", "identitytoolkit"} <= enabled
    assert terraform["resource"]["google_project_service"]["enabled"]["for_each"] == "${local.apis}"
