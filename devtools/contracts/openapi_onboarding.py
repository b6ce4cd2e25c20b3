"""OpenAPI operations of onboarding (A10): the operator's registry of managers, contractors and machine
identities, and the contractor's conformance runs."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, common_problems, errors_of, json_response,
    malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_onboarding import (
    DEACTIVATE, REGISTER_CONTRACTOR, REGISTER_MACHINE_IDENTITY, REGISTER_MANAGER, REGISTER_PURCHASING_BODY, RUN_ID,
)
from shared.domain.conformance import CheckConformance, StartConformance
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.parties import (
    DeactivateParty, RegisterContractor, RegisterMachineIdentity, RegisterManager, RegisterPurchasingBody,
)

SAVED = ("Created (201), or updated / the same content again (200, `changed` says which)")


@operation("register_manager", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("RegisterManager", "ManagerRegistered"))
def register_manager(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Register or update a property manager (operator)",
        "description": (
            "Onboarding (A10): the manager and its private space (A1). `territory` is where its working days are "
            "counted when a contract does not say (B18). The same content again writes nothing (`changed: false`). "
            "Identifiers starting with `sandbox-` are the platform's (conformance sandboxes)."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RegisterManager"], {"manager": ("Rhône Habitat, in the Rhône",
                                                                        REGISTER_MANAGER)}),
        "responses": {
            "201": json_response("Registered.", b.refs["ManagerRegistered"],
                                  {"created": ("A new manager", onb.manager.model_dump(mode="json"))}, REPLAYED),
            **post_errors("register_manager", extra={
                "400": {"malformed_json": rejected(malformed(RegisterManager), cid0)},
                "422": {"invalid": rejected(errors_of(RegisterManager, {**REGISTER_MANAGER, "siret": "27690001200011",
                                                                         "territory": "99"}), cid0),
                        "reserved": rejected(onb.reserved, cid1)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema (SIRET key, territory), the identifier is reserved, or "
                                    + IDEM_422}),
        },
    }


@operation("register_contractor", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("RegisterContractor", "ContractorRegistered"))
def register_contractor(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Register or update a contractor and provision its Pub/Sub topology (operator)",
        "description": (
            "Onboarding (A10): the contractor, the managers it works for (the full list), and the service account "
            "its ERP uses on Pub/Sub. Its topics orders-, execution- and replies-<contractor_id> and their "
            "subscriptions are created now — no Terraform change — dead-lettering into contractors-dead-letter, "
            "and only `erp_service_account` may publish and pull there (docs/topology.md). Applying the topology "
            "is idempotent: registering again repairs drift and creates nothing new. Nothing is provisioned for a "
            "registration with errors. `territory` (INSEE département code, optional, B18) is where the "
            "contractor's own deadlines are counted when nothing else says — an incident it reports naming no "
            "order and no territory (D8); absent, Paris; a later registration naming none keeps it."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RegisterContractor"], {"contractor": (
            "Acme, working for Rhône Habitat, with its ERP's own service account", REGISTER_CONTRACTOR)}),
        "responses": {
            "201": json_response("Registered, its topics and subscriptions created.", b.refs["ContractorRegistered"],
                                  {"created": ("A new contractor", onb.contractor.model_dump(mode="json"))}, REPLAYED),
            "200": json_response("The same content again: nothing written, the topology applied (nothing created).",
                                  b.refs["ContractorRegistered"],
                                  {"unchanged": ("Registered again", onb.contractor_again.model_dump(mode="json"))},
                                  REPLAYED),
            **post_errors("register_contractor", extra={
                "400": {"malformed_json": rejected(malformed(RegisterContractor), cid0)},
                "422": {"invalid": rejected(errors_of(RegisterContractor, {
                            **REGISTER_CONTRACTOR, "contractor_id": "CTR_Acme", "siret": "73282932000075",
                            "erp_service_account": "erp@acme.fr", "territory": "99"}), cid0),
                        "unknown_manager": rejected(onb.unknown_manager, cid1)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema (id format, SIRET key, a service-account e-mail, "
                                    "territory), a "
                                    "manager is unknown or inactive, or " + IDEM_422}),
        },
    }


@operation("register_purchasing_body", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("RegisterPurchasingBody", "PurchasingBodyRegistered"))
def register_purchasing_body(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Register or update the central purchasing body (operator)",
        "description": (
            "B1 parties, B18 territories: the purchasing body under the tenant id its accounts carry, and "
            "`territory` (INSEE département code, optional), where its own deadlines are counted when nothing else "
            "says — an incident it reports naming no territory (D8); absent, Paris. Its accounts work without this "
            "registration, as before it existed; once registered, no manager, contractor or beneficiary may take "
            "its id, nor it theirs. The same content again writes nothing (`changed: false`); a later registration "
            "naming no territory keeps the recorded one."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RegisterPurchasingBody"], {"purchasing_body": (
            "The central purchasing body, in Seine-Saint-Denis", REGISTER_PURCHASING_BODY)}),
        "responses": {
            "201": json_response("Registered.", b.refs["PurchasingBodyRegistered"],
                                  {"created": ("The purchasing body", onb.purchasing_body.model_dump(mode="json"))},
                                  REPLAYED),
            **post_errors("register_purchasing_body", extra={
                "400": {"malformed_json": rejected(malformed(RegisterPurchasingBody), cid0)},
                "422": {"invalid": rejected(errors_of(RegisterPurchasingBody, {**REGISTER_PURCHASING_BODY,
                                                                                "territory": "99"}), cid0),
                        "taken": rejected(onb.purchasing_body_taken, cid1)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema (id format, territory), the id is held by another "
                                    "kind of party or reserved, or " + IDEM_422}),
        },
    }


@operation("register_machine_identity", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("RegisterMachineIdentity", "MachineIdentityRegistered"))
def register_machine_identity(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Let an ERP's service account call the REST API (operator)",
        "description": (
            "The service account's Google-signed ID tokens are accepted with this role, tenant and rights (all of "
            "its role's when `rights` is absent). The tenant must be a registered manager, contractor or "
            "beneficiary for those roles."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RegisterMachineIdentity"], {"erp": ("Acme's ERP, three rights",
                                                                            REGISTER_MACHINE_IDENTITY)}),
        "responses": {
            "201": json_response(SAVED + ".", b.refs["MachineIdentityRegistered"],
                                  {"created": ("Registered", onb.machine.model_dump(mode="json"))}, REPLAYED),
            **post_errors("register_machine_identity", extra={
                "400": {"malformed_json": rejected(malformed(RegisterMachineIdentity), cid0)},
                "422": {"refused": rejected(onb.machine_refused, cid1)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, a right the role cannot hold, an unregistered tenant, "
                                    "or " + IDEM_422}),
        },
    }


@operation("deactivate_party", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("DeactivateParty", "PartyDeactivated"))
def deactivate_party(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Deactivate a manager, a contractor or a machine identity (operator)",
        "description": (
            "The party stops acting; its record and history stay. A contractor's ERP loses its Pub/Sub permissions "
            "at once (its topics stay) and no contract or order can name it; a machine identity's tokens are "
            "refused. Registering again restores it."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["DeactivateParty"], {"identity": ("An ERP's old service account",
                                                                          DEACTIVATE)}),
        "responses": {
            "200": json_response("Deactivated (or inactive already: `changed: false`).", b.refs["PartyDeactivated"],
                                  {"deactivated": ("Deactivated", onb.deactivated.model_dump(mode="json"))}, REPLAYED),
            **post_errors("deactivate_party", extra={
                "400": {"malformed_json": rejected(malformed(DeactivateParty), cid0)},
                "404": {"not_found": rejected(onb.party_not_found, cid1)},
                "422": {"invalid": rejected(errors_of(DeactivateParty, {"kind": "professional", "id": "x"}), cid0)},
            }, descriptions={"400": IDEM_400, "404": "No such party.", "409": IDEM_409,
                             "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("list_parties", "get", roles=("operator",), right=Right.ACCOUNTS_MANAGE, schemas=("PartyList",))
def list_parties(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    problems = common_problems("list_parties", post=False)
    problems["422"] = problem_response("`kind` is missing or not one of its values, `after` is not an identifier, "
                                       "`connected` is not `true` or `false` or given with another kind, or "
                                       "another query parameter was given.", {
        "bad_query": problem(422, onb.bad_query, CORRELATION_IDS[0], instance="/list_parties")})
    return {
        "summary": "List the registered managers, contractors or beneficiaries (operator)",
        "description": (
            "The operator's directory (A1 spaces, B1 parties, A10 onboarding): the parties of one `kind`, by id, a "
            "page of at most 200; `next_cursor` is passed back as `?after=` for the next page. Each row names the "
            "organisation (id, name, SIRET, territory when recorded) and how it stands: active or deactivated (and "
            "when); a contractor's managers, whether its conformance run passed (`connected`, and when) and its "
            "ERP's service account; a beneficiary's region and territory. A beneficiary's manager-like space is "
            "listed as the beneficiary, never as a manager, and a contractor's conformance sandbox not at all. "
            "No contact (names, e-mails, phones) is ever listed."),
        "tags": ["operator"],
        "parameters": [query("kind", "Required: manager, contractor or beneficiary.", "contractor", required=True,
                             enum=["manager", "contractor", "beneficiary"]),
                       query("after", "Optional: the previous page's `next_cursor`.", "ctr-acme"),
                       query("connected", "Optional, contractors only: `false` lists the active contractors whose "
                             "conformance run has not passed yet (their D2 running: the operator's « À faire »), "
                             "`true` those it passed.", "false", enum=["true", "false"]),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": json_response("One page of parties.", b.refs["PartyList"], {
            "contractors": ("Acme, connected since its conformance run passed", onb.contractor_list),
            "managers": ("Rhône Habitat", onb.manager_list)}), **problems},
    }


@operation("start_conformance", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("StartConformance", "ConformanceRun"))
def start_conformance(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    return {
        "summary": "Start a conformance run on your sandbox",
        "description": (
            "A10 onboarding: a sandbox order and a quote request are sent on your orders-<contractor_id> topic, in "
            "your sandbox space (`sandbox-<contractor_id>`: no real manager sees it, nothing is billed nor "
            "penalised). Play the steps with your connector, then ask check_conformance for the verdict. The body "
            "is an empty object."),
        "tags": ["contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["StartConformance"], {"start": ("Start a run", {})}),
        "responses": {
            "201": json_response("The run, its order and quote, and the steps to play.", b.refs["ConformanceRun"],
                                  {"started": ("A new run", onb.run.model_dump(mode="json"))}, REPLAYED),
            **post_errors("start_conformance", extra={
                "400": {"malformed_json": rejected(malformed(StartConformance), CORRELATION_IDS[0])},
                "422": {"not_empty": rejected(errors_of(StartConformance, {"order_id": "BC-1"}), CORRELATION_IDS[0])},
            }, descriptions={
                "400": IDEM_400, "409": IDEM_409,
                "422": "The body is not an empty object, the contractor is not registered (CONTRACTOR_NOT_FOUND), "
                       "or " + IDEM_422}),
        },
    }


@operation("check_conformance", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("CheckConformance", "ConformanceReport"))
def check_conformance(b: Build) -> dict[str, Any]:
    onb = b.stories.onboarding
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "The verdict of a conformance run, step by step",
        "description": (
            "Each step is judged from what the platform recorded: `passed`, `failed` (the last attempt was "
            "rejected: its errors are listed) or `pending`. The first time a run passes, the contractor is "
            "connected: every D2 deadline of its contracts, with any manager, stops (A10). Use a new "
            "Idempotency-Key for each check."),
        "tags": ["contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["CheckConformance"], {"run": ("The run started", {"run_id": RUN_ID})}),
        "responses": {
            "200": json_response("The report.", b.refs["ConformanceReport"], {
                "in_progress": ("Half-way: a rejected report awaits its correction",
                                onb.middle_check.model_dump(mode="json")),
                "passed": ("Every step passed: D2 stopped", onb.passed.model_dump(mode="json"))}, REPLAYED),
            **post_errors("check_conformance", extra={
                "400": {"malformed_json": rejected(malformed(CheckConformance), cid0)},
                "404": {"run_not_found": rejected(onb.run_not_found, cid1)},
            }, descriptions={"400": IDEM_400, "404": "No such run for this contractor.", "409": IDEM_409,
                             "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("get_audit_check", "get", roles=("operator",), right=Right.INCIDENTS_MANAGE, schemas=("AuditCheckView",))
def get_audit_check(b: Build) -> dict[str, Any]:
    audit = b.stories.audit
    problems = common_problems("get_audit_check", post=False)
    problems["422"] = problem_response("A query parameter was given (there is none).", {
        "unknown_parameter": problem(422, [ErrorDetail.of("query.space", "UNKNOWN_FIELD")], CORRELATION_IDS[0],
                                     instance="/get_audit_check")})
    return {
        "summary": "Read the audit trail's last scheduled check (operator)",
        "description": (
            "B15 audit trail: the scheduled check (check_audit_witness, twice a day) compares every space's hash "
            "chain with the heads witnessed in the retention-locked bucket and keeps a summary of its last run. "
            "This read answers it: when the check ran, what it read (chains read whole or from their check point, "
            "witnessed heads compared), and every chain `intact`, `altered` or `not_checked` (its whole reading "
            "left for the next run). An altered chain names the links and audit records the check found edited, "
            "deleted, out of the chain or different from the witness, its problems in French, and `altered_since`: "
            "the first check that found it altered, every check since having found it so. `status` is `never_run` "
            "before the first check. Right `incidents.manage`: an altered chain is a security incident. Nothing of the "
            "records' content is answered."),
        "tags": ["operator"],
        "parameters": [{"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": json_response("The last check.", b.refs["AuditCheckView"], {
            "intact": ("Every chain intact", audit.intact.model_dump(mode="json")),
            "altered": ("A record of Rhône Habitat's chain edited", audit.altered.model_dump(mode="json")),
            "never_run": ("Before the first check", audit.never_run.model_dump(mode="json"))}), **problems},
    }
