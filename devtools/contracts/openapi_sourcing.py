"""OpenAPI operations of sourcing (part B): beneficiaries, the pool of professionals, needs and proposals; GDPR erasure."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, as_json, errors_of, json_response,
    malformed, post_body, post_errors, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_sourcing import (
    BENEFICIARY, ERASE_PROFESSIONAL, NEED_CONTENT, NEED_ID, PROFESSIONAL, RELAUNCH, REPLACEMENT_PRO, jsonl,
)
from shared.domain.errors import ErrorDetail
from shared.domain.identity import Right
from shared.domain.sourcing.erasure_messages import EraseProfessional
from shared.domain.sourcing.messages import DecideProposal, ProposeProfessionals, SubmitNeed
from shared.domain.sourcing.records import Beneficiary, Professional


# functions/import_professionals.py: JSON_LINES and MAX_BULK_BYTES (not imported: the handler imports Flask).
JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")
IMPORT_MAX_BYTES = 32 * 1024 * 1024
CREATED = {"Location": {"$ref": "#/components/headers/Location"}, **REPLAYED}  # 201 of a need, a mission


@operation("register_beneficiary", "post", roles=("operator",), right=Right.ACCOUNTS_MANAGE,
           schemas=("Beneficiary",))
def register_beneficiary(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Register or update a beneficiary (operator)",
        "description": (
            "The operator registers a public body as a beneficiary (B1): it becomes the tenant of its needs, "
            "missions and orders, served by the framework contract's titulaire. Sending the same record again "
            "changes nothing (200)."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["Beneficiary"], {"metropole": ("A metropolis", BENEFICIARY)}),
        "responses": {
            "201": json_response("Beneficiary created.", b.refs["Beneficiary"],
                                  {"created": ("As stored", as_json(s.beneficiary))}, REPLAYED),
            "200": json_response("Beneficiary updated, or unchanged.", b.refs["Beneficiary"],
                                  {"updated": ("As stored", as_json(s.beneficiary))}, REPLAYED),
            **post_errors("register_beneficiary", extra={
                "400": {"malformed_json": rejected(malformed(Beneficiary), cid0)},
                "422": {"invalid_beneficiary": rejected(errors_of(Beneficiary, {
                    **BENEFICIARY, "siret": "82451673900012", "territory": "99"}), cid0)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema (SIRET, region, territory…), or " + IDEM_422}),
        },
    }


@operation("upsert_professional", "post", roles=("operator",), right=Right.PROFESSIONALS_WRITE,
           schemas=("Professional", "ProfessionalUpserted"))
def upsert_professional(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Create or update one professional of the pool (operator)",
        "description": "The operator keeps the pool (B4). Every change bumps the search index revision; the next "
                       "scoring rebuilds the index first.",
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["Professional"], {"senior_amoa": ("A senior AMOA consultant", PROFESSIONAL)}),
        "responses": {
            "201": json_response("Professional created.", b.refs["ProfessionalUpserted"],
                                  {"created": ("Created", as_json(s.created_answer))},
                                  REPLAYED),
            "200": json_response("Professional updated, or unchanged.", b.refs["ProfessionalUpserted"],
                                  {"unchanged": ("The same record again", as_json(s.unchanged_answer))}, REPLAYED),
            **post_errors("upsert_professional", extra={
                "400": {"malformed_json": rejected(malformed(Professional), cid0)},
                "422": {"invalid_professional": rejected(errors_of(Professional, {
                    **PROFESSIONAL, "level": "expert", "service_types": [], "daily_rate_cents": 0}), cid0)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("import_professionals", "post", roles=("operator",), right=Right.PROFESSIONALS_WRITE,
           schemas=("ImportReport", "Professional"))
def import_professionals(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0 = CORRELATION_IDS[0]
    bulk = jsonl(PROFESSIONAL, {k: v for k, v in REPLACEMENT_PRO.items() if k != "siret"})
    return {
        "summary": "Import professionals in bulk, JSON Lines (operator)",
        "description": (
            "One Professional per line (UTF-8; blank lines skipped), at most "
            f"{IMPORT_MAX_BYTES // (1024 * 1024)} MiB. Valid lines are stored, every invalid line comes back with "
            "its number and errors (fields rooted at `$[<line>]`): nothing is dropped silently. The search index is "
            "rebuilt once at the end. Content-Type: " + ", ".join(JSON_LINES_TYPES) + " (application/json is "
            "also accepted, read as JSON Lines)."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": {"required": True, "content": {JSON_LINES_TYPES[0]: {
            "schema": {"$ref": b.refs["Professional"]},
            "x-json-lines": True,
            "examples": {"two": {"summary": "Two professionals, one per line", "value": bulk}}}}},
        "responses": {
            "200": json_response("At least one line was valid: the report, line by line.", b.refs["ImportReport"],
                                  {"partly_rejected": ("Two lines stored, two rejected", s.import_report)},
                                  REPLAYED),
            **post_errors("import_professionals", extra={
                "400": {"only_malformed_lines": rejected([ErrorDetail.of(
                    "$[1]", "MALFORMED_JSON", detail="Expecting value")], cid0)},
                "422": {"empty": rejected([ErrorDetail.of("$", "REQUIRED")], cid0)},
            }, descriptions={
                "400": "No valid line and at least one line is not JSON (every line's errors are listed), or the "
                       "Idempotency-Key header is missing or invalid.",
                "409": IDEM_409,
                "422": "No valid line (every line's errors are listed; an empty body: REQUIRED on $), or " + IDEM_422,
            }, max_body=IMPORT_MAX_BYTES, media=", ".join(JSON_LINES_TYPES) + " nor application/json"),
        },
    }


@operation("submit_need", "post", roles=("beneficiary",), right=Right.NEEDS_WRITE,
           schemas=("NeedRecord", "SubmitNeed"))
def submit_need(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0 = CORRELATION_IDS[0]
    return {
        "summary": "Submit a search request (beneficiary)",
        "description": (
            "A beneficiary describes what it looks for (B2). The need is acknowledged at once (version 1, status "
            "acknowledged) and D4 starts: 10 working days in the beneficiary's territory to propose professionals. "
            "Scoring runs in the background (needs-submitted, score_candidates); read the ranked result with "
            "get_sourcing?view=need. Submitting the same need again answers 200 with the stored record."),
        "tags": ["beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["SubmitNeed"], {"amoa": ("An AMOA need", {"need_id": NEED_ID,
                                                                                "content": NEED_CONTENT})}),
        "responses": {
            "201": json_response("Need acknowledged (Location: /needs/<need_id>).", b.refs["NeedRecord"],
                                  {"acknowledged": ("Version 1, D4 running", as_json(s.submitted))}, CREATED),
            "200": json_response("The identical need was already submitted.", b.refs["NeedRecord"],
                                  {"already_known": ("As stored", as_json(s.submitted))}, CREATED),
            **post_errors("submit_need", extra={
                "400": {"malformed_json": rejected(malformed(SubmitNeed), cid0)},
                "404": {"beneficiary_not_found": rejected([ErrorDetail.of(
                    "$", "BENEFICIARY_NOT_FOUND", beneficiary_id="ben-inconnu")], cid0)},
                "409": {"need_already_exists": rejected([ErrorDetail.of(
                    "$.need_id", "NEED_ALREADY_EXISTS", need_id=NEED_ID)], cid0)},
                "422": {"invalid_need": rejected(errors_of(SubmitNeed, {"need_id": NEED_ID, "content": {
                    **NEED_CONTENT, "end_date": "2026-03-31", "daily_rate_ceiling_cents": 0}}), cid0)},
            }, descriptions={
                "400": IDEM_400,
                "404": "The caller's tenant is not a registered beneficiary.",
                "409": "Another need exists under this need_id, or " + IDEM_409[0].lower() + IDEM_409[1:],
                "422": "The body breaks the schema, or " + IDEM_422}),
        },
    }


@operation("propose_professionals", "post", roles=("operator",), right=Right.PROFESSIONALS_WRITE,
           schemas=("NeedRecord", "ProposeProfessionals"))
def propose_professionals(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Propose ranked professionals for a need (operator)",
        "description": (
            "The operator proposes professionals taken from the ranked result of the need's current version, each "
            "with the date until which its availability is guaranteed (B10). The first proposal stops D4 (met or "
            "not)."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ProposeProfessionals"], {"one": ("One professional", s.propose)}),
        "responses": {
            "200": json_response("Proposed; the need as it is now.", b.refs["NeedRecord"],
                                  {"proposed": ("Proposed, D4 met", as_json(s.proposed))}, REPLAYED),
            **post_errors("propose_professionals", extra={
                "400": {"malformed_json": rejected(malformed(ProposeProfessionals), cid0)},
                "404": {"need_not_found": rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND",
                                                                    need_id="BES-2026-999")], cid0)},
                "422": {
                    "result_not_ready": rejected([ErrorDetail.of("$.version", "RESULT_NOT_READY", version=1)], cid0),
                    "outdated_version": rejected([ErrorDetail.of("$.version", "NEED_VERSION_OUTDATED", version=1,
                                                                  current=2)], cid1),
                    "not_ranked_and_past": rejected([
                        ErrorDetail.of("$.proposals[0].professional_id", "PROFESSIONAL_NOT_RANKED",
                                       professional_id="pro-0999"),
                        ErrorDetail.of("$.proposals[1].guaranteed_until", "GUARANTEE_IN_PAST", date="2026-03-01")],
                        cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "No such need for this beneficiary.", "409": IDEM_409,
                "422": "The body breaks the schema, the version is not the current one or not scored yet, the need "
                       "is not in a state to receive proposals, a professional is not in the ranked result, a "
                       "guarantee date is past, or " + IDEM_422}),
        },
    }


@operation("decide_proposal", "post", roles=("beneficiary",), right=Right.NEEDS_WRITE,
           schemas=("DecideProposal", "NeedRecord"))
def decide_proposal(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Accept a proposal, abandon, or relaunch with an edited need (beneficiary)",
        "description": (
            "`accept` one proposed professional (professional_id required); `abandon` (refuse every proposal and "
            "stop); or `relaunch` (refuse, edit the need: content required; a new version is acknowledged, D4 "
            "starts again and the new version is scored)."),
        "tags": ["beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["DecideProposal"], {
            "accept": ("Accept Claire Dubois", s.decide),
            "relaunch": ("Relaunch with an edited need", RELAUNCH)}),
        "responses": {
            "200": json_response("Decision recorded; the need as it is now.", b.refs["NeedRecord"],
                                  {"accepted": ("Accepted", as_json(s.accepted))}, REPLAYED),
            **post_errors("decide_proposal", extra={
                "400": {"malformed_json": rejected(malformed(DecideProposal), cid0)},
                "404": {"need_not_found": rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND",
                                                                    need_id="BES-2026-999")], cid0)},
                "422": {
                    "professional_missing": rejected(errors_of(DecideProposal, {
                        "need_id": NEED_ID, "version": 1, "decision": "accept"}), cid0),
                    "not_proposed": rejected(s.not_proposed, cid1),
                    "illegal_transition": rejected(need_move_errors("accepted", "accepted"), cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "No such need for this beneficiary.", "409": IDEM_409,
                "422": "The body breaks the schema (REQUIRED_FOR_DECISION), the version is not the current one, the "
                       "need has no proposals to decide on, the professional was not proposed, or " + IDEM_422}),
        },
    }


@operation("erase_professional", "post", roles=("operator",), right=Right.PROFESSIONALS_WRITE,
           schemas=("EraseProfessional", "ProfessionalErased"))
def erase_professional(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Erase a professional's personal data (GDPR, operator)",
        "description": (
            "The operator anonymises a professional on request (GDPR article 17): name, contact details, free text "
            "and references are replaced, the missions, orders, invoices and proofs of service that point at the "
            "record are kept, and the search index is rebuilt without it. Erasing again answers `already_erased`. "
            "See docs/personal-data.md."),
        "tags": ["operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["EraseProfessional"], {"request": ("An erasure request",
                                                                          ERASE_PROFESSIONAL)}),
        "responses": {
            "200": json_response("Erased (or already erased).", b.refs["ProfessionalErased"], {
                "erased": ("Erased now", s.erased), "already_erased": ("Erased before", s.erased_again)},
                REPLAYED),
            **post_errors("erase_professional", extra={
                "400": {"malformed_json": rejected(malformed(EraseProfessional), cid0)},
                "422": {"professional_not_found": rejected([ErrorDetail.of(
                    "$.professional_id", "PROFESSIONAL_NOT_FOUND", professional_id="pro-9999")], cid0),
                        "no_reason": rejected(errors_of(EraseProfessional, {**ERASE_PROFESSIONAL, "reason": ""}),
                                               cid1)},
            }, descriptions={"400": IDEM_400, "409": IDEM_409,
                             "422": "The body breaks the schema, no such professional, or " + IDEM_422}),
        },
    }


def need_move_errors(current: str, target: str) -> list[ErrorDetail]:
    """What the need's state machine answers a move it refuses."""
    from shared.domain.sourcing.process import NeedStatus, SourcingActor, check_move

    return check_move(NeedStatus(current), NeedStatus(target), SourcingActor.BENEFICIARY)
