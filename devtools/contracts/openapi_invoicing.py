"""OpenAPI operations of reception and invoicing (B7 proof of service, B10 invoicing after it, B11 mission
follow-up; docs/invoicing.md): the client's reception with reservations and their lifting, the contractor's
invoices and credit notes, the invoices with their Chorus Pro status, the titulaire's timesheets."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, as_json, common_problems, json_response,
    malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_invoicing import INVOICE
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.invoices import SubmitInvoice
from shared.domain.reception import LiftReservation, ReceiveOrder
from shared.domain.sourcing.messages import SubmitTimesheet


@operation("record_reception", "post", roles=("manager", "beneficiary"), right=Right.ORDERS_WRITE,
           schemas=("ReceiveOrder", "Order"))
def record_reception(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Receive an order's lines: service done, with reservations (client)",
        "description": (
            "The client — the manager, or the beneficiary for its mission's order — certifies service done (B7, B10): "
            "the lines named (partial reception), or every line delivered when `lines` is absent, each with its "
            "reservations. A completed order becomes `received`; before that only lines the contractor reported done "
            "may be received (a mission's milestones). Only what was received may be invoiced. The contractor is "
            "told on `orders-<contractor_id>` (`fr.passerelle.order.received.v1`); the reception is in the order's "
            "history. See docs/invoicing.md."),
        "tags": ["manager", "beneficiary"],
        "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ReceiveOrder"], {
            "milestone_with_reservation": ("A mission's milestone received with one reservation", s.receive_milestone)}),
        "responses": {
            "200": json_response("Received; the order as it is now.", b.refs["Order"], {
                "milestone_received": ("The milestone received, the mission going on", as_json(s.milestone_received))},
                REPLAYED),
            **post_errors("record_reception", extra={
                "400": {"malformed_json": rejected(malformed(ReceiveOrder), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"already_received": rejected([ErrorDetail.of("$.lines[0].line_id", "LINE_ALREADY_RECEIVED",
                                                                      line_id="J1")], cid1),
                        "not_delivered": rejected([ErrorDetail.of("$.lines[0].line_id", "LINE_NOT_DELIVERED",
                                                                   line_id="J2", state_label="en cours")], cid1)},
            }, descriptions={
                "400": IDEM_400, "404": "No order with this order_id in the caller's space.", "409": IDEM_409,
                "422": "A line is unknown, received already, reported not done or not delivered yet, or " + IDEM_422,
            }),
        },
    }


@operation("lift_reservation", "post", roles=("manager", "beneficiary"), right=Right.ORDERS_WRITE,
           schemas=("LiftReservation", "Order"))
def lift_reservation(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Lift a reservation made at reception (client)",
        "description": (
            "Once the contractor has put it right, the client lifts one reservation; the order's history says when "
            "and why, and the contractor is told (`fr.passerelle.order.reservation_lifted.v1`). An order is closed "
            "only when every reservation is lifted."),
        "tags": ["manager", "beneficiary"],
        "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["LiftReservation"], {"lift": ("The milestone's reservation lifted",
                                                                       s.lift_reservation)}),
        "responses": {
            "200": json_response("Lifted; the order as it is now.", b.refs["Order"], {
                "lifted": ("No reservation open any more", as_json(s.reservation_lifted))}, REPLAYED),
            **post_errors("lift_reservation", extra={
                "400": {"malformed_json": rejected(malformed(LiftReservation), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"already_lifted": rejected([ErrorDetail.of("$.reservation_id", "RESERVATION_ALREADY_LIFTED",
                                                                    reservation_id="J1-R1")], cid1)},
            }, descriptions={
                "400": IDEM_400, "404": "No order with this order_id in the caller's space.", "409": IDEM_409,
                "422": "No such reservation, or lifted already, or " + IDEM_422,
            }),
        },
    }


@operation("submit_invoice", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("SubmitInvoice", "Reply"))
def submit_invoice(b: Build) -> dict[str, Any]:
    story = b.stories.invoicing
    cid0, cid1, _ = CORRELATION_IDS
    over = story.replies["over"]
    return {
        "summary": "Send an invoice or a credit note on an order (REST channel)",
        "description": (
            "The REST alternative to publishing `fr.passerelle.invoice.submitted.v1` on `execution-<contractor_id>`: "
            "same body, same checks, same Reply (also published on `replies-<contractor_id>`); the Idempotency-Key "
            "plays the CloudEvents id. The invoice is checked against the order: every line received by the client, "
            "quantities within what was ordered and not invoiced yet, unit prices at most the order's, the net "
            "amount at most what was received and not invoiced yet (refused with the difference), declared totals "
            "equal to the lines'. An accepted invoice moves a received order to `invoiced` and, for a public buyer, "
            "goes to Chorus Pro (docs/invoicing.md). A credit note (`kind` credit_note) names the invoice it "
            "corrects."),
        "tags": ["contractor"],
        "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["SubmitInvoice"], {"invoice": ("Invoice of the three received lines", INVOICE)}),
        "responses": {
            "200": json_response("Accepted: the invoice is recorded.", b.refs["Reply"], {
                "accepted": ("Accepted; the order is invoiced", as_json(story.replies["invoice"]))}, REPLAYED),
            **post_errors("submit_invoice", extra={
                "400": {"malformed_json": rejected(malformed(SubmitInvoice), cid0)},
                "404": {"order_not_found": rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"over_invoiced": rejected(over.errors, cid1, reply=over)},
            }, descriptions={
                "400": IDEM_400, "404": "Rejected: no such order for this contractor.", "409": IDEM_409,
                "422": "Rejected (every error with the difference in euros, and the recorded reply), or " + IDEM_422,
            }),
        },
    }


@operation("get_invoices", "get", roles=("manager", "contractor", "beneficiary"), right=Right.ORDERS_READ,
           schemas=("InvoiceList",))
def get_invoices(b: Build) -> dict[str, Any]:
    story = b.stories.invoicing
    cid0 = CORRELATION_IDS[0]
    responses = common_problems("get_invoices", post=False)
    responses["400"] = problem_response("A query parameter is missing or invalid.", {
        "order_id_missing": problem(400, [ErrorDetail.of("query.order_id", "REQUIRED")], cid0, instance="/get_invoices")})
    responses["404"] = problem_response("No such order, or no such invoice on it, for this caller.", {
        "invoice_not_found": problem(404, [ErrorDetail.of("query.invoice_number", "INVOICE_NOT_FOUND",
                                                          invoice_number="FA-2026-9999")], cid0,
                                     instance="/get_invoices")})
    ok = json_response("The order's invoices, oldest first, with their Chorus Pro and lifecycle status.",
                       b.refs["InvoiceList"], {"paid": ("Paid through Chorus Pro", story.invoices.model_dump(mode="json"))})
    ok["content"]["application/xml"] = {"schema": {"type": "string"},
                                        "example": story.deposit.cii_xml.decode("utf-8")}
    return {
        "summary": "Read an order's invoices, or one as Factur-X / EN 16931 XML",
        "description": (
            "Managers and beneficiaries read their own space (`order_id`); contractors the orders addressed to them "
            "(`manager_id` and `order_id`). With `invoice_number` and `format=cii`, the answer is that invoice's "
            "Factur-X EN 16931 CII XML (application/xml, built by the factur-x library; docs/invoicing.md)."),
        "tags": ["manager", "contractor", "beneficiary"],
        "parameters": [{"$ref": "#/components/parameters/order_id"}, {"$ref": "#/components/parameters/manager_id"},
                       query("invoice_number", "One invoice only.", "FA-2026-0312"),
                       query("format", "json (default) or cii (Factur-X XML of invoice_number).", "cii",
                             enum=["json", "cii"]),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": ok, **responses},
    }


@operation("submit_timesheet", "post", roles=("contractor",), right=Right.EXECUTION_WRITE,
           schemas=("SubmitTimesheet", "TimesheetRecorded"))
def submit_timesheet(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Report the days worked on a mission's milestone (titulaire)",
        "description": (
            "B11 mission follow-up: the days worked on one milestone over a period. A milestone's days are its budget: "
            "a timesheet that would take it over them (TIMESHEET_DAYS_EXCEEDED, with what is left) or the mission "
            "over its budget (MISSION_BUDGET_EXCEEDED, with the difference) is refused. The same timesheet again "
            "changes nothing."),
        "tags": ["contractor"],
        "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["SubmitTimesheet"], {"april": ("April on the first milestone", s.timesheet)}),
        "responses": {
            "200": json_response("Recorded: the mission's days so far, per milestone.", b.refs["TimesheetRecorded"],
                                 {"recorded": ("14.5 days on J1", as_json(s.timesheet_recorded))}, REPLAYED),
            **post_errors("submit_timesheet", extra={
                "400": {"malformed_json": rejected(malformed(SubmitTimesheet), cid0)},
                "404": {"mission_not_found": rejected([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND",
                                                                       mission_id="BES-2026-999-mission")], cid0)},
                "422": {"over_the_milestone": rejected(s.timesheet_over, cid1)},
            }, descriptions={
                "400": IDEM_400, "404": "No such mission for this titulaire.", "409": IDEM_409,
                "422": "The milestone's days or the mission's budget would be exceeded, or " + IDEM_422,
            }),
        },
    }

