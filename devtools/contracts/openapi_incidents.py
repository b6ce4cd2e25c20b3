"""OpenAPI operations of incidents (B9) and their D8 first response."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, common_problems, errors_of, json_response,
    malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_quotes import REPORT_INCIDENT
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.incidents import AcknowledgeIncident, ReportIncident, ResolveIncident
from shared.domain.incidents import DEFAULT_LIMIT as INCIDENT_DEFAULT_LIMIT
from shared.domain.incidents import MAX_LIMIT as INCIDENT_MAX_LIMIT
from shared.domain.incidents import list_filters as incident_list_filters


@operation("report_incident", "post", roles=("manager", "contractor", "beneficiary", "purchasing_body"),
           right=Right.INCIDENTS_REPORT,
           schemas=("IncidentView", "ReportIncident"))
def report_incident(b: Build) -> dict[str, Any]:
    i = b.stories.incidents
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Report an incident to the operator",
        "description": (
            "Any party reports an incident (B9) with a severity from 1 (most severe) to 4. D8 starts: the operator "
            "must give a first response within 1 hour (severities 1 and 2), 8 or 24 working hours in the "
            "territory (severities 3 and 4). The incident id derives from the caller and the Idempotency-Key: the "
            "same key gives the same incident. See docs/penalties.md, \"Incidents\"."),
        "tags": ["manager", "contractor", "beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ReportIncident"], {"connector_down": ("Severity 2, about an order",
                                                                              REPORT_INCIDENT)}),
        "responses": {
            "201": json_response("Incident recorded; D8 running.", b.refs["IncidentView"],
                                  {"reported": ("Reported, due within the hour", i.reported)}, REPLAYED),
            **post_errors("report_incident", extra={
                "400": {"malformed_json": rejected(malformed(ReportIncident), cid0)},
                "422": {"invalid_incident": rejected(i.invalid, cid0)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("acknowledge_incident", "post", roles=("operator",), right=Right.INCIDENTS_MANAGE,
           schemas=("AcknowledgeIncident", "IncidentView"))
def acknowledge_incident(b: Build) -> dict[str, Any]:
    i = b.stories.incidents
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Acknowledge an incident (operator's first response)",
        "description": (
            "The operator acknowledges an incident, optionally with a note: D8 stops, met or missed. "
            "Acknowledging again changes nothing."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["AcknowledgeIncident"], {"with_note": ("With a note", i.acknowledge)}),
        "responses": {
            "200": json_response("Acknowledged (or already acknowledged).", b.refs["IncidentView"],
                                  {"acknowledged": ("Acknowledged in 29 minutes: D8 met", i.acknowledged)},
                                  REPLAYED),
            **post_errors("acknowledge_incident", extra={
                "400": {"malformed_json": rejected(malformed(AcknowledgeIncident), cid0)},
                "404": {"incident_not_found": rejected([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND",
                                                                        incident_id="inc-000000000000000000000000")],
                                                        cid0)},
                "422": {"invalid_note": rejected(errors_of(AcknowledgeIncident, {**i.acknowledge, "note": ""}),
                                                  cid0)},
            }, descriptions={"400": IDEM_400, "404": "No such incident.", "409": IDEM_409,
                             "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("resolve_incident", "post", roles=("operator",), right=Right.INCIDENTS_MANAGE,
           schemas=("IncidentView", "ResolveIncident"))
def resolve_incident(b: Build) -> dict[str, Any]:
    i = b.stories.incidents
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Record an incident's resolution (operator)",
        "description": (
            "The operator records how an acknowledged incident was resolved (B9). D8 measured the first response "
            "and was stopped by the acknowledgement: resolving stops nothing. Resolving again changes nothing (the "
            "first resolution stands); an incident not yet acknowledged must be acknowledged first."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ResolveIncident"], {"resolved": ("With its resolution", i.resolve)}),
        "responses": {
            "200": json_response("Resolved (or already resolved).", b.refs["IncidentView"],
                                  {"resolved": ("Resolved; D8 was met", i.resolved)}, REPLAYED),
            **post_errors("resolve_incident", extra={
                "400": {"malformed_json": rejected(malformed(ResolveIncident), cid0)},
                "404": {"incident_not_found": rejected([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND",
                                                                        incident_id="inc-000000000000000000000000")],
                                                        cid0)},
                "422": {"not_acknowledged": rejected(i.not_acknowledged, cid1),
                        "no_resolution": rejected(errors_of(ResolveIncident, {**i.resolve, "resolution": ""}),
                                                   cid0)},
            }, descriptions={"400": IDEM_400, "404": "No such incident.", "409": IDEM_409,
                             "422": "The body breaks the schema, the incident is not acknowledged yet, or "
                                    + IDEM_422}),
        },
    }


@operation("list_incidents", "get", roles=("manager", "contractor", "beneficiary", "purchasing_body", "operator"),
           right={"manager": Right.INCIDENTS_REPORT,
                   "contractor": Right.INCIDENTS_REPORT,
                   "beneficiary": Right.INCIDENTS_REPORT,
                   "purchasing_body": Right.INCIDENTS_REPORT,
                   "operator": Right.INCIDENTS_MANAGE},
           schemas=("IncidentList",))
def list_incidents(b: Build) -> dict[str, Any]:
    i = b.stories.incidents
    cid0, cid1, _ = CORRELATION_IDS
    list_errors = common_problems("list_incidents", post=False)
    list_errors["400"] = problem_response("A filter is not one of its values, or the cursor is not one we gave.", {
        "bad_filters": problem(400, [
            ErrorDetail.of("query.state", "INVALID_VALUE", detail="reported, acknowledged ou resolved attendu"),
            ErrorDetail.of("query.severity", "INVALID_VALUE", detail="1, 2, 3 ou 4 attendu")], cid0,
            instance="/list_incidents"),
        "bad_cursor": problem(400, incident_list_filters({"cursor": "pas-un-curseur"})[1], cid1,
                               instance="/list_incidents")})
    return {
        "summary": "List incidents with their state and where D8 stands",
        "description": (
            "A reporter (manager, contractor, beneficiary, purchasing body) lists the incidents its tenant reported "
            "in that role; the operator lists every incident. Each comes with `d8_state`: running until the first "
            "response is due, missed after it, met or missed once acknowledged. Newest first (reported time, then "
            "id), one page at a time: `limit` per page, `next_cursor` for the next (null on the last page)."),
        "tags": ["manager", "contractor", "beneficiary", "operator"],
        "parameters": [query("state", "Optional: reported, acknowledged or resolved.", "acknowledged"),
                       query("severity", "Optional: 1 to 4.", "2"),
                       query("limit", f"Incidents per page, 1 to {INCIDENT_MAX_LIMIT} "
                                       f"(default {INCIDENT_DEFAULT_LIMIT}).", "50"),
                       query("cursor", "next_cursor of the previous page, with the same filters (opaque).",
                              "eyJ0Ijo..."),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("One page of incidents, newest first.", b.refs["IncidentList"],
                                  {"one": ("One resolved incident", i.listed)}),
            **list_errors,
        },
    }
