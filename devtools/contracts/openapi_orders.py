"""OpenAPI operations of orders and their execution (A2.3 orders, A3b REST channel, A4 replies, A11 live view)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, REPLAYED, as_json, common_problems, json_response, malformed, post_errors, problem,
    problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_orders import (
    CONTRACTOR_ID, DECISIONS, ISSUE_ORDER, MANAGER_ID, ORDER_ID, REPORTS, invalid_order_errors,
)
from shared.domain import order_list as order_list_rules
from shared.domain import order_watch as order_watch_rules
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.messages import ChangeOrderState, IssueOrder
from shared.domain.orders import STATE_LABELS, OrderState


@operation("receive_order", "post", roles=("manager",), right=Right.ORDERS_WRITE,
           schemas=("IssueOrder", "Order"))
def receive_order(b: Build) -> dict[str, Any]:
    story = b.stories.orders
    cid0, cid1, _ = CORRELATION_IDS
    issued = as_json(story.issued)
    return {
        "summary": "Send an order to a contractor",
        "description": (
            "A manager's ERP issues an order (bon de commande, A2.3) to one of its contractors. The order is stored "
            "in the manager's private space and delivered on the contractor's topic `orders-<contractor_id>` as "
            "`fr.passerelle.order.issued.v1` (see asyncapi.json). Sending the same order again answers 200 with the "
            "stored order; another order under an existing `order_id` is refused (409 ORDER_ALREADY_EXISTS)."),
        "tags": ["manager"],
        "parameters": [{"$ref": "#/components/parameters/Idempotency-Key"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": b.refs["IssueOrder"]},
            "examples": {"order": {"summary": "Plumbing order with three lines", "value": ISSUE_ORDER}}}}},
        "responses": {
            "201": json_response("Order created and queued for the contractor.", b.refs["Order"],
                                  {"created": ("New order, state to_acknowledge", issued)},
                                  {"Location": {"$ref": "#/components/headers/Location"}, **REPLAYED}),
            "200": json_response("The identical order already existed: nothing changed.", b.refs["Order"],
                                  {"already_known": ("Same order sent again", issued)},
                                  {"Location": {"$ref": "#/components/headers/Location"}, **REPLAYED}),
            **post_errors("receive_order", extra={
                "400": {"malformed_json": rejected(malformed(IssueOrder), cid0)},
                "409": {"order_already_exists": rejected(
                    [ErrorDetail.of("$.order_id", "ORDER_ALREADY_EXISTS", order_id=ORDER_ID)], cid0)},
                "422": {
                    "invalid_order": rejected(invalid_order_errors(), cid0),
                    "unknown_contractor": rejected([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND",
                                                                    contractor_id="ctr-inconnu")], cid1),
                },
            }, descriptions={
                "400": "Body is not JSON, or the Idempotency-Key header is missing or invalid.",
                "409": "Another order exists under this order_id, or a request with this Idempotency-Key is still running.",
                "422": "The order breaks the schema or references an unknown contractor, or the Idempotency-Key was "
                       "used for a different body.",
            }),
        },
    }


@operation("change_order_state", "post", roles=("manager", "beneficiary"), right=Right.ORDERS_WRITE,
           schemas=("ManagerDecision", "Order"))
def change_order_state(b: Build) -> dict[str, Any]:
    story = b.stories.orders
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Cancel, suspend, resume, receive or close an order",
        "description": (
            "A client — a manager, or a beneficiary for its mission's order — moves one of its orders along the state "
            "machine (see docs/api.md). Receiving a completed order this way rests on the contractor's attestation of "
            "service done (a `service_done` document); record_reception receives lines with reservations "
            "(docs/invoicing.md). The contractor is told on `orders-<contractor_id>` with "
            "`fr.passerelle.order.state_changed.v1`. The answer is the order after the decision."),
        "tags": ["manager", "beneficiary"],
        "parameters": [{"$ref": "#/components/parameters/Idempotency-Key"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": b.refs["ManagerDecision"]},
            "examples": {name: {"summary": f"Decision: {body['state']}", "value": body}
                         for name, body in DECISIONS.items()}}}},
        "responses": {
            "200": json_response("Decision applied; the order as it is now.", b.refs["Order"],
                                  {"received": ("Completed order received by the manager", as_json(story.received))},
                                  REPLAYED),
            **post_errors("change_order_state", extra={
                "400": {"malformed_json": rejected(malformed(ChangeOrderState), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"illegal_transition": rejected(story.cancel_completed, cid0),
                        "no_proof_of_service": rejected(story.received_without_proof, cid0),
                        "not_for_manager": rejected(story.manager_invoices, cid1),
                        "missing_reason": rejected(story.hold_without_reason, cid1)},
            }, descriptions={
                "400": "Body is not JSON, or the Idempotency-Key header is missing or invalid.",
                "404": "No order with this order_id in the caller's space.",
                "409": "A request with this Idempotency-Key is still running.",
                "422": "The decision breaks the schema or the state machine, or the Idempotency-Key was used for a "
                       "different body.",
            }),
        },
    }


@operation("get_order", "get", roles=("manager", "contractor", "beneficiary"), right=Right.ORDERS_READ,
           schemas=("OrderView",))
def get_order(b: Build) -> dict[str, Any]:
    story = b.stories.orders
    cid0 = CORRELATION_IDS[0]
    get_responses = common_problems("get_order", post=False)
    get_responses["400"] = problem_response("A query parameter is missing.", {
        "order_id_missing": problem(400, [ErrorDetail.of("query.order_id", "REQUIRED")], cid0, instance="/get_order")})
    get_responses["404"] = problem_response(
        "No such order for this caller (another manager's or contractor's order looks exactly like a missing one).",
        {"order_not_found": problem(404, [ErrorDetail.of("query.order_id", "ORDER_NOT_FOUND", order_id="BC-2026-9999")],
                                     cid0, instance="/get_order")})
    return {
        "summary": "Read an order and its history",
        "description": "The live view of one order (A11). A manager reads its own space; a contractor reads the orders "
                       "addressed to it and must name the manager. `next_states` lists where the caller's role "
                       "may move the order next (the web application's form offers only these).",
        "tags": ["manager", "contractor"],
        "parameters": [{"$ref": "#/components/parameters/order_id"}, {"$ref": "#/components/parameters/manager_id"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The order, its total and its history, oldest event first.", b.refs["OrderView"],
                                  {"completed": ("Completed order with four accepted reports", story.view)}),
            **get_responses,
        },
    }


@operation("list_orders", "get", roles=("manager", "contractor", "beneficiary"), right=Right.ORDERS_READ,
           schemas=("OrderList",))
def list_orders(b: Build) -> dict[str, Any]:
    story = b.stories.orders
    cid0, cid1, _ = CORRELATION_IDS
    list_responses = common_problems("list_orders", post=False)
    _, bad_query = order_list_rules.parse_query("manager", MANAGER_ID, {"state": "fini", "limit": "500"})
    list_responses["400"] = problem_response("A query parameter is unknown or invalid (every error is listed).", {
        "bad_filters": problem(400, bad_query, cid0, instance="/list_orders"),
        "search_too_short": problem(400, order_list_rules.parse_query("manager", MANAGER_ID, {"q": "x"})[1],
                                     cid0, instance="/list_orders"),
        "foreign_space": problem(400, order_list_rules.parse_query("manager", MANAGER_ID,
                                                                   {"manager_id": "mgr-autre"})[1],
                                  cid1, instance="/list_orders")})
    return {
        "summary": "List orders, most recent activity first (real-time view)",
        "description": (
            "The orders a caller may see, one page at a time, sorted by the platform time of their last change "
            "(A11; the web application's dashboard, A3 c). A manager (or a beneficiary) lists its own space and may "
            "filter by `contractor_id`; a contractor lists the orders addressed to it in every manager's space and "
            "may filter by `manager_id`. The space or contractor always comes from the token; naming the caller's "
            "own scope in the query is refused. Each row carries the state (with its French label), progress, "
            "planned dates or appointment, the last event, a late flag with its reason and the number of documents. "
            "Poll with `updated_since` = the previous `as_of` to get only what changed. With `order_id`, one order's "
            "row (A11 real-time view: the row a watch_orders `order` event named), read by its path: that row if the "
            "order is in the caller's scope and matches the other filters, else an empty list — the row left the "
            "list, or the order is none of the caller's (a contractor names the order's space with `manager_id`)."),
        "tags": ["manager", "contractor"],
        "parameters": [
            query("state", "Only orders in this state.", "in_progress", enum=[s.value for s in OrderState]),
            query("contractor_id", "Managers: only the orders of this contractor. Contractors: refused.",
                   CONTRACTOR_ID),
            query("manager_id", "Contractors: only the orders of this manager's space. Managers: refused.",
                   MANAGER_ID),
            query("node_id", "Only the orders under this node of the manager's property tree (A7): a site, a "
                             "building… — every order whose node is it or lies below it, by the path from its site "
                             "the order keeps from its issue or its last attach_order_node. Within the caller's "
                             "scope only: another manager's node finds none of its orders.", "LYON-TILLEULS"),
            query("late", "true: only the orders behind their own schedule (late_reason).", "true",
                   enum=["true", "false"]),
            query("updated_since", "ISO 8601 date-time with offset: only the orders changed since then.",
                   "2026-03-04T08:00:00Z"),
            query("limit", f"Rows per page, 1 to {order_list_rules.MAX_LIMIT} "
                            f"(default {order_list_rules.DEFAULT_LIMIT}).", "25"),
            query("cursor", "next_cursor of the previous page (opaque). Refused with order_id.", "eyJ0Ijo..."),
            query("order_id", "Search by reference, as people type it: spaces around it trimmed, regardless of case "
                              "(bc-2026-0101 finds BC-2026-0101; two orders differing only by case are both rows). "
                              "Only the rows of that reference in the caller's scope that match the other filters "
                              "(else an empty list); a contractor without manager_id gets it in every space.",
                   ORDER_ID),
            query("q", "Search (A11 lists, A2.4): the start of a reference or a word of the title, as typed — "
                       "trimmed, 2 to 64 characters (else INVALID_LENGTH). A reference's start (letters, digits, "
                       "._-) is matched regardless of case (BC-2026-01 finds BC-2026-011 and bc-2026-012); a word "
                       "regardless of case and accents (chaudiere finds « Remplacement chaudière »), whole words of "
                       "2 characters or more, every word typed in the title. One word that could be either (fuite) "
                       "searches both, each order once. In the caller's scope, combined with the other filters; one "
                       "list of at most `limit` rows, newest activity first, next_cursor null (a cursor is refused): "
                       "type more to narrow it. With order_id, that order's row if the search finds it. Orders stored "
                       "before their title words are found by their reference only until the backfill has run.",
                   "fuite"),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("One page of orders; next_cursor is null at the end of the list.",
                                  b.refs["OrderList"], {"dashboard": ("A manager's dashboard: in progress, on hold, one order late",
                                                                    story.dashboard)}),
            **list_responses,
        },
    }


@operation("watch_orders", "get", roles=("manager", "contractor", "beneficiary"), right=Right.ORDERS_READ)
def watch_orders(b: Build) -> dict[str, Any]:
    responses = common_problems("watch_orders", post=False)
    responses["400"] = problem_response("The stream takes no query parameter (its scope comes from the token).", {
        "unknown_parameter": problem(400, order_watch_rules.query_errors({"manager_id": "mgr-autre"}),
                                     CORRELATION_IDS[0], instance="/watch_orders")})
    changed = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "state": "in_progress",
               "state_label": STATE_LABELS[OrderState.IN_PROGRESS], "updated_at": "2026-03-04T09:15:02.114000+00:00"}
    example = b"".join((order_watch_rules.sse_retry(), order_watch_rules.sse_comment("flux des commandes ouvert"),
                        order_watch_rules.sse("ready", {"as_of": "2026-03-04T09:15:00.020000+00:00"}),
                        order_watch_rules.sse("order", changed), order_watch_rules.sse_comment("battement"),
                        order_watch_rules.sse("end", {"reason": "lifetime"}))).decode()
    return {
        "summary": "Follow the caller's orders as they change (Server-Sent Events)",
        "description": (
            "The push channel of the real-time view (A11): a `text/event-stream` held open. A manager (or a "
            "beneficiary) follows its own space, a contractor the orders addressed to it in every space. Events: "
            "`ready` once the server listens (re-read the list after it, not before: no change is then missed), "
            "`order` for each change of an order in scope (its `manager_id`, `order_id`, `state`, `state_label` and "
            "`updated_at`: re-read its row with list_orders `order_id=` or the order with get_order), a comment every 20 s, and "
            "`end` (`reason`: `lifetime`, `token_expired` or `listener_closed`) before the server closes the stream, "
            "after 5 minutes at most and never past the token's expiry. Reconnect then with a fresh token; after a "
            "failure, back off (1 s, 2 s, 4 s… up to 30 s) and poll list_orders meanwhile (docs/api.md)."),
        "tags": ["manager", "contractor"],
        "parameters": [{"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": {"description": "The event stream; each `data` line is one JSON object.",
                    "headers": {"X-Correlation-Id": {"$ref": "#/components/headers/X-Correlation-Id"}},
                    "content": {"text/event-stream": {"schema": {"type": "string"},
                                                      "examples": {"one_change": {
                                                          "summary": "Opened, one order changed, closed at its lifetime",
                                                          "value": example}}}}},
            **responses,
        },
    }


@operation("submit_execution", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("ExecutionReport", "Reply"))
def submit_execution(b: Build) -> dict[str, Any]:
    rest = b.stories.orders_rest
    cid0, cid1, _ = CORRELATION_IDS
    refused, malformed_reply, not_found_reply = (rest.replies[n] for n in ("in_progress_rejected", "malformed",
                                                                           "not_found"))
    return {
        "summary": "Report on an order's execution (REST channel)",
        "description": (
            "The REST alternative to publishing on `execution-<contractor_id>` (A3b): same body, same rules, same "
            "reply, also published on `replies-<contractor_id>`. The Idempotency-Key plays the CloudEvents id: it is "
            "the message id used for deduplication. A rejected message is answered 400, 404 or 422 with every error "
            "and the recorded reply in `reply`; fix it and send it again under a new Idempotency-Key with the same "
            "sequence."),
        "tags": ["contractor"],
        "parameters": [{"$ref": "#/components/parameters/Idempotency-Key"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"},
                       query("validate_only", "true: every check, and the reply the report would get "
                             "(validate_only: true); nothing changes and the Idempotency-Key stays free (A10 "
                             "onboarding, docs/onboarding.md).", "true", enum=["true", "false"])],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": b.refs["ExecutionReport"]},
            "examples": {name: {"summary": f"Sequence {body['sequence']}: {body['event']['label']}", "value": body}
                         for name, _, _, body in REPORTS if name != "in_progress_rejected"}}}},
        "responses": {
            "200": json_response("Accepted: the order moved (or was updated).", b.refs["Reply"], {
                "accepted": ("Accepted, on time", as_json(rest.replies["in_progress"])),
                "accepted_late": ("Accepted, but sent more than 15 minutes after the event", as_json(
                    rest.replies["completed"])),
                "validate_only": ("validate_only=true: it would be accepted, nothing changed",
                                  as_json(b.stories.onboarding.validated))}, REPLAYED),
            **post_errors("submit_execution", extra={
                "400": {"malformed_json": rejected(malformed_reply.errors, cid0, reply=malformed_reply),
                        "validate_only_invalid": problem(400, [ErrorDetail.of("query.validate_only",
                                                                               "VALIDATE_ONLY_INVALID")], cid0,
                                                         instance="/submit_execution")},
                "404": {"order_not_found": rejected(not_found_reply.errors, cid0, reply=not_found_reply)},
                "422": {"rejected": rejected(refused.errors, cid1, reply=refused)},
            }, descriptions={
                "400": "Body is not JSON (rejected: see reply), the Idempotency-Key header is missing or invalid, or "
                       "validate_only is neither true nor false.",
                "404": "Rejected: no such order for this contractor (see reply).",
                "409": "A request with this Idempotency-Key is still running.",
                "422": "Rejected (see errors and reply), or the Idempotency-Key was used for a different body.",
            }),
        },
    }
