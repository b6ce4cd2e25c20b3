"""OpenAPI operations of what connectors do beyond answering (docs/exchange-perimeter.md): quotes raised by
contractors and requested by beneficiaries (A2.4, A2.5, B16), replay (list_messages, redeliver_messages),
the perimeter read back (get_contract, list_billing_accounts, list_property_nodes), the catalogue's
six-month review confirmed without a new version (A14), and the message log a person reads (list_message_log: what
the contractor sent and each answer, A3 channels, A4 errors back to the sender)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, common_problems, json_response, malformed,
    post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_connector import CONFIRM_REVIEW, MISSION_QUOTE, RAISE_QUOTE, SUPPLEMENTARY_RAISE
from devtools.contracts.stories_orders import CONTRACT_ID, MANAGER_ID
from shared.domain.catalogue import ConfirmCatalogueReview
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.message_log import LogCursor, stored_instant
from shared.domain.quotes import RaiseQuote, RequestMissionQuote
from shared.domain.replay import RedeliverMessages
from shared.ports import REPLAY_RETENTION


def _get(b: Build, name: str, parameters: list[dict[str, Any]], bad: dict[str, list[ErrorDetail]],
         not_found: tuple[str, list[ErrorDetail]] | None = None) -> dict[str, Any]:
    """The parameters and error answers of a GET: the edge's, its 400s and its 404."""
    cid0 = CORRELATION_IDS[0]
    errors = common_problems(name, post=False)
    if bad:
        errors["400"] = problem_response("A query parameter is unknown, missing or malformed.", {
            key: problem(400, found, cid0, instance=f"/{name}") for key, found in bad.items()})
    if not_found is not None:
        description, found = not_found
        errors["404"] = problem_response(description, {"not_found": problem(404, found, cid0, instance=f"/{name}")})
    return {"parameters": [*parameters, {"$ref": "#/components/parameters/X-Correlation-Id"}], "errors": errors}


@operation("raise_quote", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("QuoteView", "RaiseQuote"))
def raise_quote(b: Build) -> dict[str, Any]:
    c = b.stories.connector
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Raise a quote nobody asked for (spontaneous or supplementary works)",
        "description": (
            "The contractor offers a quote (A2.4) — or, with `order_id`, supplementary works on one of its orders "
            "still open (A2.5) — under a contract of that manager it holds. It is stored submitted in version 1 "
            "(no D3: nobody asked), checked as a request (contract in force, site within its perimeter, node in "
            "the property tree) and as a submission (catalogue prices, validity date). The manager then accepts or "
            "refuses it as any quote. The same body on execution-<contractor> with ce-type "
            "fr.passerelle.quote.raised.v1 goes to the same service."),
        "tags": ["contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RaiseQuote"], {
            "spontaneous": ("A spontaneous quote found on site", RAISE_QUOTE),
            "supplementary": ("Supplementary works on an order", SUPPLEMENTARY_RAISE)}),
        "responses": {
            "201": json_response("Quote raised, submitted in version 1.", b.refs["QuoteView"],
                                  {"raised": ("Raised", c.raised)}, REPLAYED),
            "200": json_response("The same quote was already raised: nothing changed.", b.refs["QuoteView"],
                                  {"already_raised": ("Same quote again", c.raised)}, REPLAYED),
            **post_errors("raise_quote", extra={
                "400": {"malformed_json": rejected(malformed(RaiseQuote), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {
                    "not_its_contract": rejected(c.not_its_contract, cid0),
                    "quote_already_exists": rejected([ErrorDetail.of("$.quote_id", "QUOTE_ALREADY_EXISTS",
                                                                      quote_id=RAISE_QUOTE["quote_id"])], cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "With order_id: not an order of this contractor (ORDER_NOT_FOUND, alone).",
                "409": IDEM_409,
                "422": "The body breaks the schema; the contract is not one this contractor holds with that manager "
                       "(CONTRACT_NOT_FOUND), not in force or does not cover the site (A13); the node is not in "
                       "the tree (A7); the order is closed; a line is off the catalogue; the validity date is "
                       "past; the quote id is taken; or " + IDEM_422}),
        },
    }


@operation("request_mission_quote", "post", roles=("beneficiary",), right=Right.ORDERS_WRITE,
           schemas=("QuoteView", "RequestMissionQuote"))
def request_mission_quote(b: Build) -> dict[str, Any]:
    c = b.stories.connector
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Ask the titulaire of a mission for a quote (B16)",
        "description": (
            "A beneficiary asks the titulaire of one of its missions for a quote: a supplementary quote on the "
            "mission's order, under its contract and at its site. D3 (5 working days) starts and the titulaire "
            "receives fr.passerelle.quote.requested.v1 with requested_by beneficiary. The beneficiary then reads "
            "(get_quote, list_quotes) and decides (decide_quote) it; accepting adds its lines to the order."),
        "tags": ["beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RequestMissionQuote"], {"workshop": ("One more workshop", MISSION_QUOTE)}),
        "responses": {
            "201": json_response("Quote requested; D3 running.", b.refs["QuoteView"],
                                  {"requested": ("Requested from the titulaire", c.mission_quote)}, REPLAYED),
            "200": json_response("The same request was already recorded.", b.refs["QuoteView"],
                                  {"already_known": ("Same request again", c.mission_quote)}, REPLAYED),
            **post_errors("request_mission_quote", extra={
                "400": {"malformed_json": rejected(malformed(RequestMissionQuote), cid0)},
                "404": {"mission_not_found": rejected([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND",
                                                                       mission_id="BES-2026-999-mission")], cid0)},
            }, descriptions={"400": IDEM_400, "404": "No such mission for this beneficiary (MISSION_NOT_FOUND).",
                             "409": IDEM_409,
                             "422": "The body breaks the schema, the quote id is taken, or " + IDEM_422}),
        },
    }


@operation("list_messages", "get", roles=("contractor",), right=Right.ORDERS_READ, schemas=("MessagePage",))
def list_messages(b: Build) -> dict[str, Any]:
    c = b.stories.connector
    days = REPLAY_RETENTION.days
    get = _get(b, "list_messages", [
        query("after", "The cursor to read on from (a message's `position`, or the last `next_cursor`).",
              c.messages["next_cursor"]),
        query("since", "Or a date-time with its offset: the messages committed since then.", "2026-07-20T00:00:00Z"),
        query("limit", "1 to 500 (default 100).", "100")],
        {"bad_query": [ErrorDetail.of("query.after", "INVALID_CURSOR"),
                       ErrorDetail.of("query.limit", "OUT_OF_RANGE", detail="de 1 à 500")]})
    get["errors"]["422"] = problem_response(
        f"The cursor (or since) is older than the {days} days messages are kept: resynchronise from the reads, then "
        "read on without a cursor.",
        {"cursor_expired": rejected([ErrorDetail.of("query.after", "CURSOR_EXPIRED", at="2026-05-02T08:00:00+00:00",
                                                    days=days)], CORRELATION_IDS[0])})
    return {
        "summary": "Read back every message sent to you, from a cursor (replay)",
        "description": (
            f"Every message the platform sent the calling contractor in the last {days} days — orders, decisions, "
            "quote requests and decisions, contracts, billing accounts, catalogue versions and reviews, property "
            "nodes, replies — oldest first, in the order of the commits that produced them, with the same ce-id, "
            "type, source, subject, time, ordering key and body as published. Store each message's `position` with "
            "it and read on from the last one after an outage: nothing committed later is missed, nothing is "
            "repeated. Only your own messages are ever listed."),
        "tags": ["contractor"], "parameters": get["parameters"],
        "responses": {"200": json_response("A page of messages.", b.refs["MessagePage"],
                                           {"page": ("Three messages, more to come", c.messages)}),
                      **get["errors"]},
    }


@operation("redeliver_messages", "post", roles=("contractor",), right=Right.ORDERS_READ,
           schemas=("Redelivered", "RedeliverMessages"))
def redeliver_messages(b: Build) -> dict[str, Any]:
    c = b.stories.connector
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Have messages published again on your topics",
        "description": (
            "The messages after a cursor, since a time, or named by ce-id, published again on the contractor's "
            "topics (orders-<contractor> or replies-<contractor>, as named today), in their order, byte for byte: "
            "same ce-id and attributes, same body, same ordering key. At most `limit` (500) a call; `more` and "
            "`last_position` say where to go on. Your subscriber drops duplicates on ce-id as usual."),
        "tags": ["contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RedeliverMessages"], {
            "after_cursor": ("From the last position stored", c.redeliver),
            "by_id": ("One message, by its ce-id", {"ids": [c.messages["messages"][0]["id"]]})}),
        "responses": {
            "200": json_response("What was published again.", b.refs["Redelivered"],
                                  {"redelivered": ("The one message after the cursor", c.redelivered)}, REPLAYED),
            **post_errors("redeliver_messages", extra={
                "400": {"malformed_json": rejected(malformed(RedeliverMessages), cid0)},
                "404": {"not_yours": rejected([ErrorDetail.of("$.ids[0]", "MESSAGE_NOT_FOUND",
                                                              id="order-3b1f…")], cid0)},
                "422": {"cursor_expired": rejected([ErrorDetail.of(
                    "$.after", "CURSOR_EXPIRED", at="2026-05-02T08:00:00+00:00", days=REPLAY_RETENTION.days)], cid0)},
            }, descriptions={"400": IDEM_400,
                             "404": "An id that is not one of your messages (or no longer kept): MESSAGE_NOT_FOUND "
                                    "for each; nothing is published.",
                             "409": IDEM_409,
                             "422": "The body breaks the schema, the cursor is malformed or older than the "
                                    "retention, or " + IDEM_422}),
        },
    }


@operation("get_contract", "get", roles=("manager", "contractor"), right=Right.ORDERS_READ,
           schemas=("ContractRecord",))
def get_contract(b: Build) -> dict[str, Any]:
    get = _get(b, "get_contract", [
        query("contract_id", "The contract.", CONTRACT_ID, required=True),
        query("manager_id", "Contractors: required, the manager. Managers: not accepted.", MANAGER_ID)],
        {"missing": [ErrorDetail.of("query.manager_id", "REQUIRED")]},
        ("No such contract for the manager, or not one the contractor holds.",
         [ErrorDetail.of("query.contract_id", "CONTRACT_NOT_FOUND", contract_id="AC-2025-999")]))
    return {
        "summary": "Read a contract whole",
        "description": "The contract as stored and as fr.passerelle.contract.changed.v1 carried it (A2.1): its "
                       "content, `version` and `updated_at`, and every version of its penalty terms with the one in "
                       "force today in the contract's territory (`penalty_terms_versions`, A9), and that territory's "
                       "clock (`territory`, `time_zone`, `time_zone_label`, B18: its perimeter's when it names exactly one "
                       "territory, else its manager's). list_contracts lists them with their versions.",
        "tags": ["manager", "contractor"], "parameters": get["parameters"],
        "responses": {"200": json_response("The contract.", b.refs["ContractRecord"],
                                           {"contract": ("AC-2026-017, version 3", b.stories.connector.contract)}),
                      **get["errors"]},
    }


@operation("list_billing_accounts", "get", roles=("manager", "contractor"), right=Right.ORDERS_READ,
           schemas=("BillingAccountList",))
def list_billing_accounts(b: Build) -> dict[str, Any]:
    get = _get(b, "list_billing_accounts", [], {"unknown": [ErrorDetail.of("query.manager_id", "UNKNOWN_FIELD")]})
    return {
        "summary": "List billing accounts",
        "description": "A manager's billing accounts (A2.2); for a contractor, across the managers it serves, those "
                       "naming one of its contracts, each listing only its own contracts (as its "
                       "billing_account.changed did).",
        "tags": ["manager", "contractor"], "parameters": get["parameters"],
        "responses": {"200": json_response("The billing accounts.", b.refs["BillingAccountList"],
                                           {"one": ("Acme's one account", b.stories.connector.billing_accounts)}),
                      **get["errors"]},
    }


@operation("list_property_nodes", "get", roles=("manager", "contractor"), right=Right.ORDERS_READ,
           schemas=("PropertyNodePage",))
def list_property_nodes(b: Build) -> dict[str, Any]:
    c = b.stories.connector
    get = _get(b, "list_property_nodes", [
        query("manager_id", "Contractors: required, the manager. Managers: not accepted.", MANAGER_ID),
        query("after", "The node id to read on from (`next_cursor`).", c.nodes["next_cursor"]),
        query("limit", "1 to 2000 (default 500).", "500"),
        query("kind", "Only the nodes of this kind (`site`, `building`, `staircase`, `dwelling`, `equipment`): "
                      "`site` for a « Site » filter, without reading the whole tree.", "site")],
        {"missing": [ErrorDetail.of("query.manager_id", "REQUIRED")],
         "unknown_kind": [ErrorDetail.of("query.kind", "INVALID_VALUE",
                                         detail="types possibles : site, building, staircase, dwelling, equipment")]},
        ("The contractor holds no contract with that manager.",
         [ErrorDetail.of("query.manager_id", "MANAGER_NOT_FOUND", manager_id="mgr-autre")]))
    return {
        "summary": "Read the nodes of a property tree",
        "description": "The nodes of a manager's property tree (A7) by node id, retired ones included (`status`), "
                       "each with the commune it lies in. A contractor reads those that concern it: within the "
                       "perimeter of one of its contracts with the manager, or placed in no commune.",
        "tags": ["manager", "contractor"], "parameters": get["parameters"],
        "responses": {"200": json_response("A page of nodes.", b.refs["PropertyNodePage"],
                                           {"page": ("Four nodes, more to come", c.nodes)}),
                      **get["errors"]},
    }


@operation("confirm_catalogue_review", "post", roles=("manager",), right=Right.CONTRACTS_WRITE,
           schemas=("CatalogueReviewConfirmed", "ConfirmCatalogueReview"))
def confirm_catalogue_review(b: Build) -> dict[str, Any]:
    c = b.stories.connector
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Confirm a catalogue's six-month review without a new version",
        "description": (
            "The six-month review of a contract's catalogue (A14) kept it as it is: the version in force stays, the "
            "next review is due six months after `reviewed_on`, and the contractor is told "
            "fr.passerelle.catalogue.reviewed.v1. A review that changes prices is a new version (import_catalogue). "
            "One month before each review is due, the contractor receives fr.passerelle.catalogue.review_due.v1."),
        "tags": ["manager"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ConfirmCatalogueReview"], {"kept": ("Catalogue kept", CONFIRM_REVIEW)}),
        "responses": {
            "201": json_response("Review recorded.", b.refs["CatalogueReviewConfirmed"],
                                  {"confirmed": ("Next review due in January", c.review_confirmed)}, REPLAYED),
            "200": json_response("The same confirmation again: nothing changed.", b.refs["CatalogueReviewConfirmed"],
                                  {"again": ("Same confirmation", c.review_confirmed_again)}, REPLAYED),
            **post_errors("confirm_catalogue_review", extra={
                "400": {"malformed_json": rejected(malformed(ConfirmCatalogueReview), cid0)},
                "422": {
                    "no_catalogue": rejected([ErrorDetail.of("$.contract_id", "CATALOGUE_NOT_FOUND",
                                                              contract_id="AC-2026-031")], cid0),
                    "older_review": rejected([ErrorDetail.of("$.reviewed_on", "OUT_OF_RANGE", detail=(
                        "une revue plus récente ou du même jour est déjà enregistrée (le 2026-07-21)"))], cid0),
                },
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema; the contract is unknown or has no catalogue in "
                                    "force; the review is in the future or not after the last one; or " + IDEM_422}),
        },
    }


def _cursor_after(row: dict[str, Any]) -> str:
    """The cursor a page ending on ``row`` would give (received_at as the log stores it)."""
    at = dt.datetime.fromisoformat(row["received_at"].replace("Z", "+00:00"))
    return LogCursor(stored_instant(at), row["key"]).encode()


@operation("list_message_log", "get", roles=("contractor", "operator"),
           right={"contractor": Right.ORDERS_READ, "operator": Right.ACCOUNTS_MANAGE}, schemas=("MessageLog",))
def list_message_log(b: Build) -> dict[str, Any]:
    example = b.stories.orders_rest.message_log
    cid1 = CORRELATION_IDS[1]
    get = _get(b, "list_message_log", [
        query("contractor_id", "The contractor (the operator: required; a contractor: its own, or left out).",
              "ctr-acme"),
        query("status", "Only the accepted, or only the refused, messages.", "rejected",
              enum=["accepted", "rejected"]),
        query("manager_id", "Only the messages that named this client.", MANAGER_ID),
        query("order_id", "With manager_id: only the messages about this order.", "BC-2026-0101"),
        query("since", "A date-time with its offset: the messages received since then.", "2026-03-01T00:00:00Z"),
        query("limit", "1 to 200 (default 50).", "50"),
        query("cursor", "The previous page's `next_cursor`.", _cursor_after(example["messages"][-1]))],
        {"bad_query": [ErrorDetail.of("query.status", "INVALID_VALUE", detail="accepted ou rejected attendu"),
                       ErrorDetail.of("query.manager_id", "REQUIRED")]},
        ("The contractor the operator named is not registered (PARTY_NOT_FOUND).",
         [ErrorDetail.of("query.contractor_id", "PARTY_NOT_FOUND", party_id="ctr-inconnu", kind="prestataire")]))
    get["errors"]["403"]["description"] += " A contractor naming another contractor is refused on `query.contractor_id`."
    get["errors"]["403"]["content"]["application/problem+json"]["examples"]["another_contractor"] = {
        "value": problem(403, [ErrorDetail.of("query.contractor_id", "FORBIDDEN")], cid1, instance="/list_message_log")}
    return {
        "summary": "Read what a contractor sent the platform, each message with its answer (message log)",
        "description": (
            "Every message the contractor sent the platform — execution reports, quotes, documents, invoices, over "
            "Pub/Sub or REST (the web application included) — newest first, each with its answer: accepted, or "
            "refused with every error (field, stable code, French message). A refused message about an order says "
            "when the order's last accepted message came, if after it (`corrected_at`: corrected since). The client's "
            "name is given for the managers the contractor works for only. A contractor reads its own log; the "
            "operator names the contractor. Managers, beneficiaries and purchasing bodies may not read it: a refused "
            "message names whatever order its body said. Not `list_messages`, which replays what the platform sent "
            "the contractor. Validate-only messages and a reused id's refusal (MESSAGE_ID_REUSED) are not logged: "
            "their answer is on the reply topic or in the HTTP answer only."),
        "tags": ["contractor", "operator"], "parameters": get["parameters"],
        "responses": {"200": json_response("A page of the log.", b.refs["MessageLog"],
                                           {"refused": ("Three refused messages, one corrected since", example)}),
                      **get["errors"]},
    }
