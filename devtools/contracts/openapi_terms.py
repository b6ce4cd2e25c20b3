"""OpenAPI operations of contract data that prices and measures: penalty terms per deadline as dated
versions (A9), the price schedule's versions (B17), and the follow-up of incidents (B9)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, json_response, malformed, post_body,
    post_errors, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_terms import (
    IMPORT_PRICE_SCHEDULE, PRICE_SCHEDULE_CSV, SET_AGREEMENT_TERMS, SET_TERMS,
)
from shared.domain.contract_terms import SetPenaltyTerms
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.incidents import FollowUpIncident
from shared.domain.sourcing.price_schedule import ImportPriceSchedule

# functions/import_price_schedule.py: MAX_BODY (not imported: the handlers import Flask).
PRICE_SCHEDULE_MAX_BYTES = 1024 * 1024


@operation("set_penalty_terms", "post", roles=("manager", "purchasing_body"),
           right={"manager": Right.CONTRACTS_WRITE, "purchasing_body": Right.AGREEMENTS_WRITE},
           schemas=("PenaltyTermsSet", "SetPenaltyTerms"))
def set_penalty_terms(b: Build) -> dict[str, Any]:
    t = b.stories.terms
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Set a dated version of a contract's penalty terms per deadline",
        "description": (
            "Penalty terms per deadline are contract data (A9): which rule prices which deadline kind "
            "(`rules_by_kind`, e.g. {\"D3\": \"P1\"}, or \"none\"), the daily amount per rule "
            "(`daily_amount_cents`) and the shorter delays an offer states (`lengths`, in the kind's unit: D4 "
            "working days, D7 hours counted on working days). A manager amends one of its contracts "
            "(`contract_id`); the purchasing body a beneficiary's agreement (`beneficiary_id`). Each change is a "
            "new version, stored once and never rewritten, in force from `effective_from` (today at the "
            "earliest, not before the latest version's): a deadline takes the terms in force on the day its "
            "clock starts and keeps them. See docs/penalties.md, \"Terms per deadline as contract data\"."),
        "tags": ["manager", "purchasing_body"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["SetPenaltyTerms"], {
            "contract": ("A manager's amendment: P1 at 250 EUR a day, D3 priced", SET_TERMS),
            "agreement": ("The purchasing body prices D4, D5, D7 and D8 of a beneficiary's agreement",
                          SET_AGREEMENT_TERMS)}),
        "responses": {
            "201": json_response("Version stored; every version of the contract's terms.", b.refs["PenaltyTermsSet"],
                                  {"contract": ("Version 1 of AC-2026-017's terms", t.manager_terms),
                                   "agreement": ("Version 1 of the Métropole's agreement", t.agreement_terms)},
                                  REPLAYED),
            **post_errors("set_penalty_terms", extra={
                "400": {"malformed_json": rejected(malformed(SetPenaltyTerms), cid0)},
                "404": {"beneficiary_not_found": rejected([ErrorDetail.of(
                    "$.beneficiary_id", "BENEFICIARY_NOT_FOUND", beneficiary_id="ben-inconnu")], cid1)},
                "422": {"in_the_past": rejected(t.past, cid0),
                        "longer_than_the_clause": rejected(t.longer, cid1),
                        "unknown_contract": rejected([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND",
                                                                      contract_id="AC-2025-999")], cid1)},
            }, descriptions={"400": IDEM_400, "404": "The purchasing body names no registered beneficiary.",
                             "409": IDEM_409,
                             "422": "The body breaks the schema (unknown kind or rule, a delay longer than the "
                                    "clause's), the date is past or before the latest version's, the contract is "
                                    "not the manager's, or " + IDEM_422}),
        },
    }


@operation("import_price_schedule", "post", roles=("purchasing_body",), right=Right.AGREEMENTS_WRITE,
           schemas=("ImportPriceSchedule", "PriceScheduleImported"))
def import_price_schedule(b: Build) -> dict[str, Any]:
    t = b.stories.terms
    cid0, cid1, _ = CORRELATION_IDS
    body = post_body(b.refs["ImportPriceSchedule"], {"json": ("Version 2026-07: two reference rates, 2.5 % fee",
                                                              IMPORT_PRICE_SCHEDULE)})
    body["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "French CSV: header category;label;reference_daily_rate, `;` separator, decimal comma (euros), UTF-8 "
            "with or without BOM. The date, fee and label come in the query: "
            "?valid_from=&fee_rate_bps=[&version=].")},
        "examples": {"csv": {"summary": "The same two lines as CSV", "value": PRICE_SCHEDULE_CSV}}}
    return {
        "summary": "Import the next version of the price schedule (reference rates and fee rate)",
        "description": (
            "The purchasing body imports the price schedule of the sourcing framework (B17): a reference daily "
            "rate per profile category and its fee rate in basis points, as JSON or as a French CSV. Every bad row "
            "is reported with its line number and nothing is written. A version takes effect on `valid_from` "
            "(today at the earliest, after the latest version's) and is never rewritten: get_report measures each "
            "order against the version in force on the day it was issued."),
        "tags": ["purchasing_body"],
        "parameters": [*POST_PARAMS,
                       query("valid_from", "text/csv only: first day in force, YYYY-MM-DD.", "2026-07-01"),
                       query("fee_rate_bps", "text/csv only: the fee rate in basis points (250 = 2.5 %).", "250"),
                       query("version", "text/csv only, optional: the version's label (default: valid_from).",
                              "2026-07")],
        "requestBody": body,
        "responses": {
            "201": json_response("Version stored.", b.refs["PriceScheduleImported"],
                                  {"created": ("Version 2026-07, two lines", t.price_schedule)}, REPLAYED),
            **post_errors("import_price_schedule", extra={
                "400": {"malformed_json": rejected(malformed(ImportPriceSchedule), cid0)},
                "422": {"bad_rows": rejected(t.bad_rows, cid0),
                        "not_after_latest": rejected([ErrorDetail.of(
                            "$.valid_from", "OUT_OF_RANGE",
                            detail="une nouvelle version doit commencer après le 2026-07-01")], cid1)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "A row or the body breaks the rules (every row reported: field "
                                    "`line <n>.<column>`), a CSV query parameter is missing or invalid, the date is "
                                    "past or not after the latest version's, the label is taken, or " + IDEM_422},
                max_body=PRICE_SCHEDULE_MAX_BYTES, media="application/json, a +json type nor text/csv"),
        },
    }


@operation("follow_up_incident", "post", roles=("operator",), right=Right.INCIDENTS_MANAGE,
           schemas=("FollowUpIncident", "IncidentView"))
def follow_up_incident(b: Build) -> dict[str, Any]:
    t = b.stories.terms
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Record a follow-up or a workaround of an incident (operator)",
        "description": (
            "The operator follows an acknowledged incident until it is resolved (B9: 24/7 for severities 1–2, in "
            "working hours for 3–4): a `follow_up`, or a `workaround` — which \"n'interrompt pas les délais "
            "d'intervention et de résolution\": nothing stops, the time to resolution keeps running from the first "
            "report until resolve_incident."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["FollowUpIncident"], {"workaround": ("A workaround", t.follow_up)}),
        "responses": {
            "200": json_response("Recorded; the incident stays open.", b.refs["IncidentView"],
                                  {"workaround": ("Workaround 53 minutes after the call", t.followed)}, REPLAYED),
            **post_errors("follow_up_incident", extra={
                "400": {"malformed_json": rejected(malformed(FollowUpIncident), cid0)},
                "404": {"incident_not_found": rejected([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND",
                                                                        incident_id="inc-000000000000000000000000")],
                                                        cid0)},
                "422": {"not_acknowledged": rejected(t.not_acknowledged, cid1)},
            }, descriptions={"400": IDEM_400, "404": "No such incident.", "409": IDEM_409,
                             "422": "The body breaks the schema, the incident has had no first response yet, it is "
                                    "resolved, or " + IDEM_422}),
        },
    }
