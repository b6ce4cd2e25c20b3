"""OpenAPI operations of the A2 exchange perimeter a manager declares: contracts and billing accounts
(A2.1, A2.2), catalogues (A14), the property tree (A7)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, common_problems, json_response, malformed,
    post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_orders import CONTRACT_ID, MANAGER_ID, UPSERT_CONTRACT
from devtools.contracts.stories_perimeter import (
    CATALOGUE_CSV, IMPORT_CATALOGUE, TREE_BODY, TREE_CSV, UPSERT_BILLING_ACCOUNT,
)
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.catalogue import ImportCatalogue
from shared.domain.contracts import UpsertBillingAccount, UpsertContract
from shared.domain.property_tree import AttachOrderNode, ImportPropertyTree


# functions/import_catalogue.py and import_property_tree.py: MAX_BODY (not imported: the handlers import Flask).
CATALOGUE_MAX_BYTES = 4 * 1024 * 1024
PROPERTY_TREE_MAX_BYTES = 32 * 1024 * 1024


@operation("upsert_contract", "post", roles=("manager",), right=Right.CONTRACTS_WRITE,
           schemas=("ContractSaved", "UpsertContract"))
def upsert_contract(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Create or update a contract (marché) with a contractor",
        "description": (
            "A manager declares one of its contracts (A2.1): contractor, lots, geographic perimeter (départements "
            "and/or INSEE communes), dates, status and, optionally, its penalty terms (A9: daily amount per rule, "
            "extra deadlines priced). Orders and quotes must then name a contract in force, held by their "
            "contractor, within its lots and perimeter (A13). Each change is published on the contractor's "
            "`orders-<contractor_id>` as `fr.passerelle.contract.changed.v1`; the same content again changes "
            "nothing (`changed: false`). A contract's contractor never changes. Signing starts D2 (connection "
            "within a month)."),
        "tags": ["manager"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["UpsertContract"], {
            "with_penalty_terms": ("Two lots, Rhône plus one commune of the Ain, P1 at 200 EUR a day",
                                   UPSERT_CONTRACT),
            "default_terms": ("The same contract with the catalogue's default penalty terms",
                              {k: v for k, v in UPSERT_CONTRACT.items() if k != "penalty_terms"})}),
        "responses": {
            "201": json_response("Contract created (version 1) and published to the contractor.",
                                  b.refs["ContractSaved"], {"created": ("Created", xp.contract_saved)}, REPLAYED),
            "200": json_response("Contract updated (a new version, published), or unchanged (`changed: false`).",
                                  b.refs["ContractSaved"], {"updated": ("A third lot: version 2", xp.contract_updated),
                                                          "unchanged": ("Same content again", xp.contract_unchanged)}, REPLAYED),
            **post_errors("upsert_contract", extra={
                "400": {"malformed_json": rejected(malformed(UpsertContract), cid0)},
                "422": {
                    "invalid_contract": rejected(xp.contract_invalid, cid0),
                    "unknown_contractor": rejected([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND",
                                                                    contractor_id="ctr-inconnu")], cid1),
                    "contractor_changed": rejected([ErrorDetail.of("$.contractor_id", "CONTRACTOR_CHANGED")], cid1),
                },
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema (dates in order, distinct lot codes, INSEE codes), "
                                    "the contractor is unknown, another contractor than the stored one is named, "
                                    "or " + IDEM_422}),
        },
    }


@operation("upsert_billing_account", "post", roles=("manager",), right=Right.CONTRACTS_WRITE,
           schemas=("BillingAccountSaved", "UpsertBillingAccount"))
def upsert_billing_account(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Create or update a billing account",
        "description": (
            "Where and to whom contractors invoice (A2.2): the invoicing address and legal entity, for one or more "
            "of the manager's contracts. Each change is published as `fr.passerelle.billing_account.changed.v1` on "
            "the `orders-<contractor_id>` of every contractor holding one of those contracts."),
        "tags": ["manager"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["UpsertBillingAccount"], {"lyon": ("Invoicing address of Rhône Habitat",
                                                                          UPSERT_BILLING_ACCOUNT)}),
        "responses": {
            "201": json_response("Billing account created and published.", b.refs["BillingAccountSaved"],
                                  {"created": ("Created", xp.billing_saved)}, REPLAYED),
            "200": json_response("Updated (new version) or unchanged (`changed: false`).", b.refs["BillingAccountSaved"],
                                  {"unchanged": ("Same content again", xp.billing_unchanged)},
                                  REPLAYED),
            **post_errors("upsert_billing_account", extra={
                "400": {"malformed_json": rejected(malformed(UpsertBillingAccount), cid0)},
                "422": {
                    "invalid_address": rejected(xp.billing_invalid, cid0),
                    "unknown_contract": rejected([ErrorDetail.of("$.contract_ids[0]", "CONTRACT_NOT_FOUND",
                                                                  contract_id="AC-2025-999")], cid1),
                },
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, a contract is unknown to the manager, or "
                                    + IDEM_422}),
        },
    }


@operation("import_catalogue", "post", roles=("manager",), right=Right.CONTRACTS_WRITE,
           schemas=("CatalogueImported", "ImportCatalogue"))
def import_catalogue(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0, cid1, _ = CORRELATION_IDS
    body = post_body(b.refs["ImportCatalogue"], {"json": ("Version 3: five items", IMPORT_CATALOGUE)})
    body["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "French CSV: header code;label;unit;unit_price;vat_rate, `;` separator, decimal comma (unit_price in "
            "euros, VAT rate 0, 2,1, 5,5, 10 or 20), UTF-8 with or without BOM. The contract and dates come in the "
            "query: ?contract_id=&valid_from=&reviewed_on=.")},
        "examples": {"csv": {"summary": "The same five items as CSV", "value": CATALOGUE_CSV}}}
    return {
        "summary": "Import a new version of a contract's catalogue",
        "description": (
            "A manager imports the price catalogue (bordereau de prix unitaires) of one of its contracts, as JSON "
            "or as a French CSV. Every bad row is reported with its line number (the CSV header is line 1; a JSON "
            "item's position counts from 1) and nothing is written. A valid import creates the next version, "
            "valid from a date after every existing one (old versions are never rewritten), and is published to "
            "the contractor as `fr.passerelle.catalogue.published.v1` on `orders-<contractor_id>`."),
        "tags": ["manager"],
        "parameters": [*POST_PARAMS,
                       query("contract_id", "text/csv only: the contract.", CONTRACT_ID),
                       query("valid_from", "text/csv only: first day of validity, YYYY-MM-DD.", "2026-03-01"),
                       query("reviewed_on", "text/csv only: date of the last review, YYYY-MM-DD.", "2026-02-15")],
        "requestBody": body,
        "responses": {
            "201": json_response("Version created and published.", b.refs["CatalogueImported"],
                                  {"created": ("Version 3, five items", xp.catalogue_imported)}, REPLAYED),
            **post_errors("import_catalogue", extra={
                "400": {"malformed_json": rejected(malformed(ImportCatalogue), cid0)},
                "422": {
                    "bad_rows": rejected(xp.catalogue_csv_errors, cid0),
                    "query_missing": rejected([ErrorDetail.of("query.contract_id", "REQUIRED"), ErrorDetail.of(
                        "query.valid_from", "REQUIRED", detail="date AAAA-MM-JJ attendue")], cid1),
                    "not_after_latest": rejected([ErrorDetail.of(
                        "$.valid_from", "OUT_OF_RANGE", detail="une nouvelle version doit commencer après le "
                                                               "2026-03-01")], cid1),
                    "unknown_contract": rejected([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND",
                                                                  contract_id="AC-2025-999")], cid1),
                },
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "A row or the body breaks the rules (every row reported: field `line <n>.<column>`), "
                                    "a CSV query parameter is missing or not a date, the version does not start after "
                                    "the latest one, the contract is unknown, or " + IDEM_422},
                max_body=CATALOGUE_MAX_BYTES, media="application/json, a +json type nor text/csv"),
        },
    }


@operation("get_catalogue", "get", roles=("manager", "contractor"), right=Right.ORDERS_READ,
           schemas=("CatalogueView",))
def get_catalogue(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0 = CORRELATION_IDS[0]
    get_errors = common_problems("get_catalogue", post=False)
    get_errors["400"] = problem_response("A query parameter is missing or not a date.", {
        "contract_id_missing": problem(400, [ErrorDetail.of("query.contract_id", "REQUIRED")], cid0,
                                        instance="/get_catalogue"),
        "on_invalid": problem(400, [ErrorDetail.of("query.on", "INVALID_FORMAT", detail="date AAAA-MM-JJ")], cid0,
                               instance="/get_catalogue")})
    get_errors["404"] = problem_response(
        "No such contract for the manager (or, for a contractor, not one of its contracts).",
        {"contract_not_found": problem(404, [ErrorDetail.of("query.contract_id", "CONTRACT_NOT_FOUND",
                                                             contract_id="AC-2025-999")], cid0,
                                        instance="/get_catalogue")})
    return {
        "summary": "Read a contract's catalogue",
        "description": (
            "Every version of a contract's catalogue and the one in force on a date (default: today), with "
            "where its six-month review stands (last review, a version's or confirmed; the next one's due date; "
            "`needs_review` once it is past). A contractor reads the catalogues of its own contracts and names the "
            "manager."),
        "tags": ["manager", "contractor"],
        "parameters": [query("contract_id", "The contract.", CONTRACT_ID, required=True),
                       query("manager_id", "Contractors: required, the manager. Managers: ignored.", MANAGER_ID),
                       query("on", "Optional: the date, YYYY-MM-DD (default today).", "2026-03-16"),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The catalogue's versions and the one in force.", b.refs["CatalogueView"],
                                  {"in_force": ("Version 3 in force", xp.catalogue_view)}),
            **get_errors,
        },
    }


@operation("import_property_tree", "post", roles=("manager",), right=Right.PROPERTY_WRITE,
           schemas=("ImportPropertyTree", "PropertyTreeImported"))
def import_property_tree(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0 = CORRELATION_IDS[0]
    body = post_body(b.refs["ImportPropertyTree"], {"json": ("A site, a building, a staircase, a dwelling and the "
                                                            "boiler room", TREE_BODY)})
    body["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "French CSV: header node_id;kind;parent_id;label[;commune], `;` separator, UTF-8 with or without BOM; "
            "an empty parent_id is a root. kind: site, building, staircase, dwelling or equipment, or its French "
            "name (site, bâtiment, cage d'escalier, logement, équipement; groupe, entrée), without case nor accents: "
            "the code is stored; another is 422 INVALID_VALUE on line <n>.kind, the allowed kinds listed in French.")},
        "examples": {"csv": {"summary": "The same five nodes as CSV", "value": TREE_CSV}}}
    return {
        "summary": "Import (add to or update) the property tree",
        "description": (
            "A manager imports its property tree (A7): sites, buildings, staircases, dwellings and equipment, each "
            "under an allowed parent. `mode` replace (default): the file is the whole tree, and the stored nodes it "
            "omits are retired (orders keep them; new orders may not name them); merge: it adds and updates nodes, "
            "whose parents may be stored ones. The file is checked as a whole: every bad row is reported with its "
            "line number and nothing is written. A valid file is written in batches by a resumable job (the same "
            "file again resumes an interrupted import, or answers 200 when already done); each batch tells the "
            "contractors whose contract perimeter it concerns (fr.passerelle.property_nodes.changed.v1 / "
            ".retired.v1). Once a tree exists, orders and quotes must name one of its nodes in force."),
        "tags": ["manager"], "parameters": POST_PARAMS, "requestBody": body,
        "responses": {
            "201": json_response("Nodes written.", b.refs["PropertyTreeImported"],
                                  {"imported": ("Five new nodes", xp.tree_imported)}, REPLAYED),
            "200": json_response("Nothing new to write: the file was already imported.", b.refs["PropertyTreeImported"],
                                  {"unchanged": ("The same file again", xp.tree_unchanged)}, REPLAYED),
            **post_errors("import_property_tree", extra={
                "400": {"malformed_json": rejected(malformed(ImportPropertyTree), cid0)},
                "422": {"bad_rows": rejected(xp.tree_errors, cid0)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "A row breaks the rules (every row reported: field `line <n>.<column>`: unknown "
                                    "kind or column, parent not found or of a kind not allowed, a stored node "
                                    "changing kind), or " + IDEM_422},
                max_body=PROPERTY_TREE_MAX_BYTES, media="application/json, a +json type nor text/csv"),
        },
    }


@operation("get_property_coverage", "get", roles=("manager",), right=Right.ORDERS_READ,
           schemas=("PropertyCoverage",))
def get_property_coverage(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    return {
        "summary": "Measure how much of the activity is attached to the property tree",
        "description": (
            "The share of the manager's orders and documents attached to an existing node of its tree (the "
            "contract demands 100 %), the orphans, and any import job left unfinished (send the same file again "
            "to resume it)."),
        "tags": ["manager"],
        "parameters": [{"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The coverage.", b.refs["PropertyCoverage"],
                                  {"partial": ("Two orphan orders out of five items", xp.coverage)}),
            **common_problems("get_property_coverage", post=False),
        },
    }


def _one_or_many(response: dict[str, Any], many: str) -> dict[str, Any]:
    """The answer to one order's attachment or to many's: either schema."""
    content = response["content"]["application/json"]
    content["schema"] = {"oneOf": [content["schema"], {"$ref": many}]}
    return response


@operation("attach_order_node", "post", roles=("manager",), right=Right.ORDERS_WRITE,
           schemas=("AttachOrderNode", "OrderNodeAttached", "OrdersNodeAttached", "OrderRefused"))
def attach_order_node(b: Build) -> dict[str, Any]:
    xp = b.stories.perimeter
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Attach an order to a node of the property tree",
        "description": (
            "A manager attaches one of its orders to a node of its property tree in force (A7): an order received "
            "before the tree was imported, or whose node an import retired, which get_property_coverage lists. "
            "The order's site node_id (and the commune its node lies in) change, in one commit with a history "
            "event, its audit records and fr.passerelle.order.node_changed.v1 to the contractor holding the order; "
            "its label, address, commune, state, territory and deadlines do not (B18). Any state: a closed or "
            "cancelled order still counts in the coverage. Its documents are attached with it. The same "
            "attachment again changes nothing (`changed: false`, no message). An order whose site names a "
            "commune goes only to a node in that commune; one naming none, to a node within its contract's "
            "perimeter (A13). Many orders at once: `order_ids` (up to 500) instead of `order_id` — each order "
            "attached as one would be, 71 per commit (each change with its audit record, within Firestore's 500 "
            "writes); the answer (`OrdersNodeAttached`) lists the orders attached or already there and those "
            "refused with their reasons (`$.order_ids[i]` names the order), the others attached all the same. "
            "Refused whole when nothing was attached nor already there (another manager's orders: 404), or when "
            "the node is unknown or retired (422)."),
        "tags": ["manager"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["AttachOrderNode"], {"attach": (
            "The radiator order of building C, to its residence",
            {"order_id": xp.node_attached["order_id"], "node_id": xp.node_attached["node_id"]}), "attach_many": (
            "Three orders to the residence: one attached, one already there, one not the manager's",
            xp.nodes_attach_body)}),
        "responses": {
            "200": _one_or_many(json_response(
                "One order (`order_id`): attached (`changed: true`), or already on that node (`changed: false`). "
                "Many (`order_ids`): each order's outcome.", b.refs["OrderNodeAttached"],
                {"attached": ("Attached", xp.node_attached), "unchanged": ("The same again", xp.node_unchanged),
                 "many": ("Many orders: one attached, one already there, one refused", xp.nodes_attached)},
                REPLAYED), b.refs["OrdersNodeAttached"]),
            **post_errors("attach_order_node", extra={
                "400": {"malformed_json": rejected(malformed(AttachOrderNode), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                    order_id="BC-2025-0999")], cid0)},
                "422": {"unknown_node": rejected(xp.node_refused, cid0),
                        "retired_node": rejected([ErrorDetail.of("$.node_id", "PROPERTY_NODE_RETIRED",
                                                                 node_id="LYON-BAT-B")], cid0)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "404": "The order is not in the manager's space, another manager's included "
                                    "(ORDER_NOT_FOUND, alone).",
                             "422": "The node is not in the manager's tree (PROPERTY_NODE_NOT_FOUND) or retired (PROPERTY_NODE_RETIRED); it lies "
                                    "in another commune than the order names (ORDER_COMMUNE_NOT_AT_NODE) or outside "
                                    "the order's contract perimeter (OUTSIDE_CONTRACT_PERIMETER); or " + IDEM_422}),
        },
    }
