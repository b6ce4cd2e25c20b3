"""Static checks of the Terraform description in infra/terraform.

The google provider is not needed: the .tf files are parsed with python-hcl2
and the contracts shared with the Python code (entry points, Pub/Sub names,
invokers, data location) are checked on the parsed configuration.
"""

from __future__ import annotations

import json
import os
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


# local.uptime_functions (monitoring.tf): every public function, with the method its uptime check calls.
UPTIME_DERIVATION = ('{for name, function in local.functions : name => try(function.method, "POST") '
                     'if function.ingress == "ALLOW_ALL" && function.invoker == "allUsers"}')


def _public_functions(terraform: dict[str, dict[str, Any]]) -> set[str]:
    """The functions anybody may call from outside (each checks its caller's token itself)."""
    return {name for name, spec in terraform["locals"]["functions"].items()
            if (spec["ingress"], spec["invoker"]) == ("ALLOW_ALL", "allUsers")}


def _uptime_functions(terraform: dict[str, dict[str, Any]]) -> dict[str, str]:
    """``local.uptime_functions`` — function → the method its uptime check calls it with — as Terraform
    derives it from ``local.functions``. The expression read from monitoring.tf must be UPTIME_DERIVATION,
    evaluated here as Terraform does (tests/unit/test_terraform_monitoring.py has terraform itself evaluate
    it on the same functions and compares)."""
    expression = " ".join(str(terraform["locals"]["uptime_functions"]).split()).replace(" ,", ",")
    assert expression == "${" + UPTIME_DERIVATION + "}", expression
    return {name: spec.get("method", "POST") for name, spec in terraform["locals"]["functions"].items()
            if name in _public_functions(terraform)}


def _single_block(body: dict[str, Any], name: str) -> dict[str, Any]:
    blocks = body.get(name) or []
    assert len(blocks) == 1, f"expected exactly one {name} block, found {len(blocks)}"
    return blocks[0]


def _removed() -> dict[str, bool]:
    """The ``removed`` blocks of infra/terraform: address → whether Terraform destroys what it forgets."""
    found = {}
    for path in sorted(TERRAFORM_DIR.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            for block in _normalise(hcl2.load(handle)).get("removed", []):
                found[block["from"].strip("${}")] = _single_block(block, "lifecycle")["destroy"]
    return found


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


# Per-contractor resources of earlier versions, forgotten without being destroyed (pubsub.tf).
FORMER_CONTRACTOR_RESOURCES = {
    "google_pubsub_topic.orders", "google_pubsub_topic.execution", "google_pubsub_topic.replies",
    "google_pubsub_topic.dead_letter", "google_pubsub_subscription.dead_letter_ops",
    "google_pubsub_subscription.execution_push", "google_pubsub_subscription.orders_erp",
    "google_pubsub_subscription.replies_erp", "google_pubsub_topic_iam_member.erp_execution_publisher",
    "google_pubsub_subscription_iam_member.erp", "google_pubsub_topic_iam_member.dead_letter_agent_publisher",
    "google_pubsub_subscription_iam_member.dead_letter_agent_subscriber",
}


def test_no_pubsub_resource_is_per_contractor_any_more(terraform):
    # Given every Pub/Sub resource Terraform declares
    pubsub = {f"{kind}.{name}": body for kind, named in terraform["resource"].items()
              if kind.startswith("google_pubsub") for name, body in named.items()}
    # When looking for one repeated per contractor
    per_contractor = {address for address, body in pubsub.items() if "contractors" in str(body.get("for_each", ""))}
    # Then there is none: register_contractor creates a contractor's topics at run time (docs/topology.md)
    assert pubsub and per_contractor == set()


def test_the_former_per_contractor_resources_are_forgotten_never_destroyed(terraform):
    # Given the removed blocks of the migration
    removed = _removed()
    # When comparing them with the resources earlier versions created per contractor
    declared = {f"{kind}.{name}" for kind, named in terraform["resource"].items() for name in named}
    # Then each is forgotten without destroy (its topics keep their messages), and none is declared again
    assert removed == {address: False for address in FORMER_CONTRACTOR_RESOURCES}
    assert not declared & set(removed)
    assert ">= 1.7" in (TERRAFORM_DIR / "versions.tf").read_text()  # removed blocks need Terraform 1.7


def test_the_shared_dead_letter_topic_is_the_one_contractor_subscriptions_name(terraform, subscriptions):
    from shared import topology

    # Given the shared dead-letter topic and its ops subscription in Terraform, and a contractor's plan
    topic = terraform["resource"]["google_pubsub_topic"]["contractor_dead_letter"]
    ops = subscriptions["contractor_dead_letter_ops"]
    plan = topology.contractor_topology("ctr-acme")
    # Then the names agree with the Python code, and ops drain it
    assert topic["name"] == plan.dead_letter_topic == topology.CONTRACTOR_DEAD_LETTER
    assert ops["name"] == topology.CONTRACTOR_DEAD_LETTER_OPS
    assert ops["topic"] == "${google_pubsub_topic.contractor_dead_letter.id}"


def test_platform_subscriptions_are_the_only_ones_terraform_declares(subscriptions):
    # When rendering the subscription names declared in Terraform
    names = {body["name"] for body in subscriptions.values()}
    # Then they are the platform's: the pushes of its own topics, the ops subscriptions of dead letters and
    # the operator's pull of incident alerts (B9)
    assert names == {"${each.key}-push", "${each.key}-dead-letter-ops", "contractors-dead-letter-ops",
                     "incident-alerts-ops"}


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


def test_contractors_push_subscriptions_made_at_run_time_target_publish_execution_as_pubsub_push(terraform):
    # Given what register_contractor is told (the functions' environment)
    environment = terraform["locals"]["function_environment"]
    # Then its push subscriptions go to publish_execution (the topic in the path names the contractor),
    # with the OIDC token of pubsub-push, and let the Pub/Sub service agent acknowledge dead letters
    assert environment["PASSERELLE_EXECUTION_PUSH_URL"] == "${local.functions_base_url}/publish-execution"
    assert environment["PASSERELLE_PUSH_SERVICE_ACCOUNT"] == "${google_service_account.pubsub_push.email}"
    assert environment["PASSERELLE_PUBSUB_SERVICE_AGENT"] == "${google_project_service_identity.pubsub.email}"


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


# --- Firestore indexes -------------------------------------------------------------


def _queries_of(call) -> list:
    """The queries ``call(uow)`` runs on an in-memory store (what its index must serve)."""
    from tests.fakes import World

    uow = World("2026-03-02T09:00:00+00:00").uow()
    asked = []
    query = uow.query
    uow.query = lambda q: asked.append(q) or query(q)
    call(uow)
    return asked


def test_the_coverage_collection_group_query_of_documents_has_its_collection_group_index(terraform):
    # Given the query get_property_coverage runs over every manager's documents (A7 property tree)
    from shared.service import property_tree

    [group] = [q for q in _queries_of(lambda uow: property_tree.coverage("mgr-test", uow)) if q.group]
    # Then it filters on the caller's tenant, and the collection-group index on that field is declared
    assert (group.collection, [(name, op) for name, op, _ in group.where]) == ("documents", [("manager_id", "==")])
    fields = terraform["resource"]["google_firestore_field"]
    scopes = [(f["collection"], f["field"], i["query_scope"]) for f in fields.values()
              for config in f.get("index_config", []) for i in config.get("indexes", [])]
    assert ("documents", "manager_id", "COLLECTION_GROUP") in scopes
    assert ("documents", "manager_id", "COLLECTION") in scopes  # the collection's own single-field index kept


def test_the_deliverables_to_decide_query_has_its_composite_collection_group_index(terraform):
    # Given the query list_needs?deliverables=delivered runs over the beneficiary's documents (B11, « À faire »)
    from shared.service import listings

    asked = _queries_of(lambda uow: listings.list_needs("beneficiary", "ben-a", {"deliverables": "delivered"}, uow))
    [group] = [q for q in asked if q.group]
    # Then it filters on the caller's tenant and the deliverable kind, served by the index declared for them
    assert (group.collection, [(name, op) for name, op, _ in group.where]) == (
        "documents", [("manager_id", "=="), ("kind", "==")])
    index = terraform["resource"]["google_firestore_index"]["documents_deliverables_group"]
    assert (index["collection"], index["query_scope"]) == ("documents", "COLLECTION_GROUP")
    assert [(f["field_path"], f["order"]) for f in index["fields"]] == [("manager_id", "ASCENDING"),
                                                                        ("kind", "ASCENDING")]


def test_every_query_of_the_search_of_orders_has_its_declared_index(terraform):
    # Given the queries list_orders?q= runs (A11 lists): a manager's space with and without a contractor filter, a
    # contractor's collection group and one of its clients' spaces, by reference start and by title word
    from shared.domain.order_list import parse_query
    from shared.service.order_list import list_orders
    from tests.fakes import World

    world = World("2026-03-02T09:00:00+00:00")
    asked = []
    query = world.db.query
    world.db.query = lambda q: asked.append(q) or query(q)
    for role, tenant, args in (("manager", "mgr-a", {}), ("manager", "mgr-a", {"contractor_id": "ctr-b"}),
                               ("contractor", "ctr-b", {}), ("contractor", "ctr-b", {"manager_id": "mgr-a"})):
        parsed, errors = parse_query(role, tenant, {**args, "q": "fuite"})
        assert errors == []
        list_orders(parsed, world.uow(), world.clock)
    searched = [q for q in asked if q.collection.endswith("orders")]
    assert len(searched) == 8
    # Then each is served by a composite index of infra/terraform/firestore.tf, or by a single-field one
    declared = {(spec["scope"], tuple((f, "CONTAINS" if f in ("site_path", "title_words") else "ASCENDING")
                                      for f in spec["fields"]) + (("updated_at", "DESCENDING"),))
                for spec in terraform["locals"]["order_list_indexes"].values()}
    declared |= {(scope, (("contractor_id", "ASCENDING"), ("order_id_folded", "ASCENDING")))
                 for scope in terraform["locals"]["order_search_prefix_indexes"].values()}
    single = {(f["field"], i["query_scope"]) for f in terraform["resource"]["google_firestore_field"].values()
              for config in f.get("index_config", []) for i in config.get("indexes", [])}
    for q in searched:
        scope = "COLLECTION_GROUP" if q.group else "COLLECTION"
        equalities = tuple((name, "ASCENDING") for name, op, _ in q.where if op == "==")
        contains = tuple((name, "CONTAINS") for name, op, _ in q.where if op == "array_contains")
        ranges = {name for name, op, _ in q.where if op in ("<", ">=")}
        sorts = tuple((name, "DESCENDING" if way == "desc" else "ASCENDING") for name, way in q.order_by
                      if name != "__name__")
        if not equalities and ranges == {sorts[0][0]} and len(sorts) == 1:
            assert (sorts[0][0], scope) in single, q  # one field's range and order: its single-field index
        else:
            assert (scope, equalities + contains + sorts) in declared, q
