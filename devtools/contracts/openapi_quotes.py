"""OpenAPI operations of quotes (A2.4, A2.5, B16 D3)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, common_problems, json_response, malformed,
    post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_orders import CONTRACT_ID, MANAGER_ID, ORDER_ID
from devtools.contracts.stories_quotes import DECIDE, QUOTE_ID, REFUSE, REQUEST_QUOTE, SUBMIT_QUOTE, WITHDRAW
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.quotes import DecideQuote, RequestQuote, SubmitQuote


@operation("request_quote", "post", roles=("manager",), right=Right.ORDERS_WRITE,
           schemas=("QuoteView", "RequestQuote"))
def request_quote(b: Build) -> dict[str, Any]:
    q = b.stories.quotes
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Ask a contractor for a quote (devis)",
        "description": (
            "A manager asks one of its contractors for a quote (A2.4) under a contract in force, for a node of its "
            "property tree; with `order_id`, a supplementary quote on an existing order (A2.5). D3 starts (the "
            "contractor's time to submit, B16). Asking again with the same content answers 200 with the stored "
            "quote; another quote under the same quote_id is refused."),
        "tags": ["manager"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["RequestQuote"], {
            "quote": ("A quote for works on a building", REQUEST_QUOTE),
            "supplementary": ("A supplementary quote on an order", {**REQUEST_QUOTE, "quote_id": "DEV-2026-0043",
                                                                     "order_id": ORDER_ID})}),
        "responses": {
            "201": json_response("Quote requested; D3 running.", b.refs["QuoteView"],
                                  {"requested": ("Requested", q.requested)}, REPLAYED),
            "200": json_response("The same request was already recorded: nothing changed.", b.refs["QuoteView"],
                                  {"already_known": ("Same request again", q.requested_again)}, REPLAYED),
            **post_errors("request_quote", extra={
                "400": {"malformed_json": rejected(malformed(RequestQuote), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {
                    "contract_refused": rejected([
                        ErrorDetail.of("$.contract_id", "CONTRACT_NOT_IN_FORCE", contract_id=CONTRACT_ID,
                                       on="2026-03-09", status="suspended", starts_on="2026-03-01",
                                       ends_on="2029-02-28"),
                        ErrorDetail.of("$.site.commune", "OUTSIDE_CONTRACT_PERIMETER", commune="38185",
                                       contract_id=CONTRACT_ID)], cid0),
                    "unknown_node": rejected([ErrorDetail.of("$.site.node_id", "PROPERTY_NODE_NOT_FOUND",
                                                              node_id="LYON-BAT-Z")], cid1),
                    "quote_already_exists": rejected([ErrorDetail.of("$.quote_id", "QUOTE_ALREADY_EXISTS",
                                                                      quote_id=QUOTE_ID)], cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "The supplementary quote's order is not one of the manager's orders with "
                                         "this contractor (ORDER_NOT_FOUND, alone).",
                "409": IDEM_409,
                "422": "The body breaks the schema; the contract is unknown, not in force, another contractor's or "
                       "does not cover the site's commune (A13); the node is not in the property tree (A7); another "
                       "quote exists under this quote_id; or " + IDEM_422}),
        },
    }


@operation("submit_quote", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("QuoteView", "SubmitQuote"))
def submit_quote(b: Build) -> dict[str, Any]:
    q = b.stories.quotes
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Submit (or revise) a quote",
        "description": (
            "The contractor answers a quote request with priced lines, a validity date and, optionally, the "
            "SHA-256 of the quote's PDF stored with store_report. Each submission is a new version; the first "
            "stops D3. When the contract has a catalogue in force, every line must use one of its service codes, "
            "at its unit and price (A14)."),
        "tags": ["contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["SubmitQuote"], {"two_lines": ("Two lines and the PDF's digest",
                                                                      SUBMIT_QUOTE)}),
        "responses": {
            "200": json_response("Version recorded.", b.refs["QuoteView"],
                                  {"submitted": ("Version 1 submitted", q.submitted)}, REPLAYED),
            **post_errors("submit_quote", extra={
                "400": {"malformed_json": rejected(malformed(SubmitQuote), cid0)},
                "404": {"quote_not_found": rejected([ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND",
                                                                     quote_id="DEV-2026-9999")], cid0)},
                "422": {
                    "off_catalogue": rejected(q.off_catalogue, cid0),
                    "validity_past": rejected([ErrorDetail.of("$.valid_until", "OUT_OF_RANGE",
                                                               detail="la date de validité est passée")], cid1),
                    "already_decided": rejected(q.illegal, cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "No such quote for this manager and contractor.", "409": IDEM_409,
                "422": "The body breaks the schema, a line is off the catalogue in force, the validity date is past, "
                       "the quote is no longer open, or " + IDEM_422}),
        },
    }


@operation("decide_quote", "post", roles=("manager", "beneficiary", "contractor"),
           right={"manager": Right.ORDERS_WRITE, "beneficiary": Right.ORDERS_WRITE,
                   "contractor": Right.EXECUTION_WRITE},
           schemas=("DecideQuote", "QuoteView"))
def decide_quote(b: Build) -> dict[str, Any]:
    q = b.stories.quotes
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Accept, refuse or withdraw a quote",
        "description": (
            "The buyer — the manager, or a beneficiary for the quotes of its missions — accepts a submitted quote "
            "(it becomes an order through receive_order, or — a "
            "supplementary quote — its lines are added to the order and the contractor is told with "
            "`fr.passerelle.order.lines_added.v1`) or refuses it with a reason; the contractor withdraws it "
            "(naming the manager, with a reason). Accepting a quote past its validity date expires it "
            "(QUOTE_EXPIRED)."),
        "tags": ["manager", "beneficiary", "contractor"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["DecideQuote"], {
            "accept": ("Manager accepts", DECIDE), "refuse": ("Manager refuses, with a reason", REFUSE),
            "withdraw": ("Contractor withdraws", WITHDRAW)}),
        "responses": {
            "200": json_response("Decision applied; the quote as it is now.", b.refs["QuoteView"],
                                  {"accepted": ("Accepted: order DEV-2026-0042 issued", q.accepted)},
                                  REPLAYED),
            **post_errors("decide_quote", extra={
                "400": {"malformed_json": rejected(malformed(DecideQuote), cid0)},
                "404": {"quote_not_found": rejected([ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND",
                                                                     quote_id="DEV-2026-9999")], cid0)},
                "422": {
                    "illegal_transition": rejected(q.illegal, cid0),
                    "not_for_contractor": rejected(q.not_for_actor, cid1),
                    "reason_required": rejected([ErrorDetail.of("$.reason", "REQUIRED")], cid1),
                    "expired": rejected([ErrorDetail.of("$.quote_id", "QUOTE_EXPIRED", quote_id=QUOTE_ID,
                                                         valid_until="2026-04-30")], cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "No such quote for the caller (or the supplementary quote's order is gone).",
                "409": IDEM_409,
                "422": "The body breaks the schema, the action does not apply to the quote's state or is the other "
                       "party's, a refusal or withdrawal without reason, the quote expired, or " + IDEM_422}),
        },
    }


@operation("get_quote", "get", roles=("manager", "beneficiary", "contractor"), right=Right.ORDERS_READ,
           schemas=("QuoteView",))
def get_quote(b: Build) -> dict[str, Any]:
    q = b.stories.quotes
    cid0 = CORRELATION_IDS[0]
    get_errors = common_problems("get_quote", post=False)
    get_errors["400"] = problem_response("A query parameter is missing.", {
        "quote_id_missing": problem(400, [ErrorDetail.of("query.quote_id", "REQUIRED")], cid0,
                                     instance="/get_quote")})
    get_errors["404"] = problem_response(
        "No such quote for the caller: another manager's quote, or a quote asked of another contractor, looks "
        "exactly like a missing one.",
        {"quote_not_found": problem(404, [ErrorDetail.of("query.quote_id", "QUOTE_NOT_FOUND",
                                                          quote_id="DEV-2026-9999")], cid0, instance="/get_quote")})
    return {
        "summary": "Read a quote, its versions and its state",
        "description": (
            "One quote (A2.4, A2.5) with every version submitted, its state (requested, submitted, accepted, "
            "refused, expired, withdrawn), the territory its D3 and validity date are counted in, and the order it "
            "became. A manager (or a beneficiary) reads its own space; the contractor the quote was asked of names "
            "the manager."),
        "tags": ["manager", "beneficiary", "contractor"],
        "parameters": [query("quote_id", "The quote.", QUOTE_ID, required=True),
                       query("manager_id", "Contractors: required, the manager. Managers and beneficiaries: "
                             "ignored.", MANAGER_ID),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The quote as it is now.", b.refs["QuoteView"],
                                  {"submitted": ("Version 1 submitted", q.submitted)}),
            **get_errors,
        },
    }
