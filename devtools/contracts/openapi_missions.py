"""OpenAPI operations of sourcing (part B): missions, replacements (B12) and the sourcing views (B11, B14)."""

from __future__ import annotations

from typing import Any

from devtools.contracts.openapi_common import (
    CORRELATION_IDS, IDEM_400, IDEM_409, IDEM_422, POST_PARAMS, REPLAYED, as_json, common_problems, errors_of,
    json_response, malformed, post_body, post_errors, problem, problem_response, query, rejected,
)
from devtools.contracts.registry import Build, operation
from devtools.contracts.stories_sourcing import BENEFICIARY_ID, FRAME_MISSION, NEED_ID
from shared.domain.errors import ErrorDetail
from shared.domain.list_limits import MAX_ROWS
from shared.domain.identity import Right
from shared.domain.sourcing.messages import DecideDeliverable, FrameMission, ReplacementRequest


CREATED = {"Location": {"$ref": "#/components/headers/Location"}, **REPLAYED}  # 201 of a need, a mission


@operation("frame_mission", "post", roles=("beneficiary",), right=Right.NEEDS_WRITE,
           schemas=("FrameMission", "Mission"))
def frame_mission(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Frame the mission and issue its order (beneficiary)",
        "description": (
            "After acceptance: the conflict-of-interest declaration when the beneficiary requires one (B13), the "
            "mission's dates, deliverables and milestones, then its order, issued through receive_order (part A): "
            "the beneficiary is the order's manager, the titulaire its contractor, one line per milestone at the "
            "daily rate plus the extra costs per day unless the mission is fully remote. Sending the same framing "
            "again answers the same mission."),
        "tags": ["beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["FrameMission"], {"three_milestones": ("Three milestones, 40 days",
                                                                              FRAME_MISSION)}),
        "responses": {
            "201": json_response("Mission framed and its order issued (Location: /missions/<mission_id>).",
                                  b.refs["Mission"], {"framed": ("Mission and budget", as_json(s.mission))}, CREATED),
            **post_errors("frame_mission", extra={
                "400": {"malformed_json": rejected(malformed(FrameMission), cid0)},
                "404": {"need_not_found": rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND",
                                                                    need_id="BES-2026-999")], cid0)},
                "409": {"mission_already_exists": rejected([ErrorDetail.of("$.need_id", "MISSION_ALREADY_EXISTS")],
                                                            cid0)},
                "422": {
                    "declaration_and_milestone": rejected([
                        ErrorDetail.of("$.conflict_declaration", "CONFLICT_DECLARATION_REQUIRED"),
                        ErrorDetail.of("$.milestones[2].due", "MILESTONE_OUTSIDE_MISSION", due="2026-08-14",
                                       start="2026-04-06", end="2026-07-31")], cid0),
                    "conflict_declared": rejected([ErrorDetail.of("$.conflict_declaration.no_conflict",
                                                                   "CONFLICT_OF_INTEREST_DECLARED")], cid1),
                    "invalid_period": rejected(errors_of(FrameMission, {**FRAME_MISSION, "end_date": "2026-03-31"}),
                                                cid1),
                },
            }, descriptions={
                "400": IDEM_400, "404": "No such need (or beneficiary).",
                "409": "Another framing exists for this need, or " + IDEM_409[0].lower() + IDEM_409[1:],
                "422": "The body breaks the schema, the need is not accepted, the declaration is missing or declares "
                       "a conflict, a milestone falls outside the mission, or " + IDEM_422}),
        },
    }


@operation("replace_professional", "post", roles=("beneficiary", "operator"),
           right={"beneficiary": Right.NEEDS_WRITE,
                   "operator": Right.PROFESSIONALS_WRITE},
           schemas=("Mission", "ReplacementRequest"))
def replace_professional(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Request or propose the replacement of a mission's professional",
        "description": (
            "`action: request` (beneficiary, or operator naming beneficiary_id): the professional leaves "
            "(`departure`: D5, 14 calendar days from the departure, or from the notification of a planned one, "
            "with the notice of B12's table) or is found insufficient (`insufficiency`: D6, 10 working days). "
            "`action: propose` (operator only): the replacement, checked equivalent by code (same category and "
            "level, same daily rate and extra costs, the mission's service type, active); stops the deadline."),
        "tags": ["beneficiary", "operator"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["ReplacementRequest"], {
            "request_departure": ("Planned departure, notified 25 days before", s.request_replacement),
            "propose": ("The operator proposes Julien Roux", s.propose_replacement)}),
        "responses": {
            "200": json_response("Recorded; the mission as it is now.", b.refs["Mission"], {
                "requested": ("Replacement requested, D5 running", as_json(s.replacement_requested)),
                "replaced": ("Replaced, D5 met", as_json(s.replaced))}, REPLAYED),
            **post_errors("replace_professional", extra={
                "400": {"malformed_json": rejected(malformed(ReplacementRequest), cid0)},
                "403": {"propose_by_beneficiary": problem(403, [ErrorDetail.of("header.Authorization", "FORBIDDEN")],
                                                           cid0, instance="/replace_professional")},
                "404": {"mission_not_found": rejected([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND",
                                                                       mission_id="BES-2026-999-mission")], cid0)},
                "422": {
                    "not_equivalent": rejected(s.not_equivalent, cid0),
                    "departure_date_missing": rejected(errors_of(ReplacementRequest, {
                        "action": "request", "mission_id": s.mission.mission_id, "reason": "departure"},
                        wrap="command"), cid1),
                    "already_requested": rejected(s.already_requested, cid1),
                },
            }, descriptions={
                "400": IDEM_400,
                "403": "The caller's role may not call this operation, the account lacks the right, or a beneficiary "
                       "sent action propose (operator only).",
                "404": "No such mission for this beneficiary.", "409": IDEM_409,
                "422": "The body breaks the schema (fields are reported under $.command, as the handler reads the "
                       "body), an operator request without beneficiary_id, a replacement already requested or none "
                       "requested, the mission ended, the replacement not equivalent, or " + IDEM_422}),
        },
    }


@operation("decide_deliverable", "post", roles=("beneficiary",), right=Right.NEEDS_WRITE,
           schemas=("DecideDeliverable", "DeliverableDecided"))
def decide_deliverable(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    return {
        "summary": "Accept a mission's deliverable, or refuse it with a reason (beneficiary)",
        "description": (
            "B11 mission follow-up, B7 proof of service: the beneficiary decides on one deliverable document the "
            "titulaire delivered on the mission's order (store_report, kind deliverable): `accepted`, or `refused` "
            "with a `reason` (French text). The decision applies to the document named, which must be the latest "
            "delivering its milestone's deliverable (current_document_id in get_sourcing?view=mission); the titulaire "
            "is told in the same commit on orders-<titulaire> (fr.passerelle.deliverable.decided.v1), and delivers a "
            "refused deliverable again as a new document. The same decision again answers it again and changes "
            "nothing; another decision on a decided document is refused. Reception of the milestone is not blocked "
            "by a deliverable not accepted."),
        "tags": ["beneficiary"], "parameters": POST_PARAMS,
        "requestBody": post_body(b.refs["DecideDeliverable"], {
            "refuse": ("Refused with its reason", s.refuse_deliverable),
            "accept": ("The document delivered again, accepted", s.accept_deliverable)}),
        "responses": {
            "200": json_response("Decided (or the same decision again); what the titulaire was told.",
                                 b.refs["DeliverableDecided"], {
                                     "refused": ("Refused", as_json(s.deliverable_refused)),
                                     "accepted": ("Accepted", as_json(s.deliverable_accepted))}, REPLAYED),
            **post_errors("decide_deliverable", extra={
                "400": {"malformed_json": rejected(malformed(DecideDeliverable), cid0)},
                "404": {"mission_not_found": rejected([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND",
                                                                       mission_id="BES-2026-999-mission")], cid0)},
                "409": {"superseded": rejected(s.superseded, cid0),
                        "already_decided": rejected(s.already_decided, cid1)},
                "422": {"reason_missing": rejected(s.reason_missing, cid0),
                        "invalid_decision": rejected(errors_of(DecideDeliverable, {
                            **s.accept_deliverable, "decision": "maybe"}), cid1)},
            }, descriptions={
                "400": IDEM_400,
                "404": "No such mission for this beneficiary (another beneficiary's mission looks missing), or no "
                       "deliverable document of its order with this document_id.",
                "409": "The document was superseded by a later delivery of the same deliverable, or was decided "
                       "otherwise already, or " + IDEM_409[0].lower() + IDEM_409[1:],
                "422": "The body breaks the schema, a refusal without a reason, a reason with an acceptance, or "
                       + IDEM_422}),
        },
    }


@operation("get_sourcing", "get", roles=("beneficiary", "operator", "purchasing_body"),
           right={"beneficiary": Right.NEEDS_READ,
                   "operator": Right.PROFESSIONALS_WRITE,
                   "purchasing_body": Right.REPORTS_READ},
           schemas=("SourcingView",))
def get_sourcing(b: Build) -> dict[str, Any]:
    s = b.stories.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    errors = common_problems("get_sourcing", post=False)
    forbidden = errors["403"]
    forbidden["description"] += (" Or the purchasing body asked for a view other than pool_statistics, agreement "
                                 "and beneficiaries, or a beneficiary for view beneficiaries (FORBIDDEN on "
                                 "query.view).")
    forbidden["content"]["application/problem+json"]["examples"]["view_forbidden"] = {
        "summary": "403 the purchasing body asked for view=need",
        "value": problem(403, [ErrorDetail.of("query.view", "FORBIDDEN")], cid0, instance="/get_sourcing")}
    errors["404"] = problem_response("No such need or mission for this beneficiary, or no such beneficiary (view "
                                     "agreement).", {
        "need_not_found": rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND", need_id="BES-2026-999")], cid0),
        "beneficiary_not_found": rejected([ErrorDetail.of("query.beneficiary_id", "BENEFICIARY_NOT_FOUND",
                                                           beneficiary_id="ben-inconnu")], cid1)})
    errors["422"] = problem_response("A query parameter is missing or invalid.", {
        "invalid_view": rejected([ErrorDetail.of("query.view", "INVALID_VALUE",
                                                  detail="valeurs acceptées : need, mission, agreement, "
                                                         "pool_statistics, beneficiaries")], cid0),
        "need_id_missing": rejected([ErrorDetail.of("query.need_id", "REQUIRED")], cid1)})
    return {
        "summary": ("Read a need, a mission, the beneficiary's agreement, the pool statistics, the beneficiaries, the "
                    "missions awaiting a replacement or the pool searched for one"),
        "description": (
            "`view=need&need_id=`: the need with every version's content and ranked result. `view=mission&"
            "mission_id=`: the mission with its order's live state and the budget planned, ordered, consumed and "
            "remaining (B11). `view=agreement`: the beneficiary's agreement under the framework contract and every "
            "version of its penalty terms, with the one in force today in the beneficiary's territory (A9 penalties, "
            "B18; "
            "`penalty_terms_versions`); a new version is also announced to the titulaire "
            "(fr.passerelle.agreement.terms_changed.v1). `view=pool_statistics`: active professionals per "
            "service type and region (B14). `view=beneficiaries`: the registered beneficiaries to choose one from "
            "(B1 parties; id, name, SIRET, region and territory, never their contacts; not those the operator "
            "deactivated, until registered again), by id, in pages of at most "
            f"{MAX_ROWS}: `next_cursor`, when more follow, is passed back as `after`. A beneficiary reads its own "
            "needs, missions and agreement (beneficiary_id is ignored) and never lists the others (view "
            "beneficiaries: 403 FORBIDDEN on query.view); the operator names beneficiary_id. The purchasing body "
            "reads the pool statistics (steering data, B1), the beneficiaries and, naming beneficiary_id, the "
            "agreements whose terms it sets: any other view is refused 403 FORBIDDEN on query.view. An unknown "
            "beneficiary is 404 BENEFICIARY_NOT_FOUND. Operator only (B12 replacement; others 403 FORBIDDEN on "
            "query.view): `view=replacements`, every beneficiary's missions awaiting a replacement, D5/D6 due "
            "soonest first (AwaitingReplacementList); `view=replacement_candidates&beneficiary_id=&mission_id=`, the "
            "whole pool searched for that mission's replacement by name, skill, availability over the mission's "
            "remaining period and daily rate, the mission's profile and rates first, each professional found with "
            "`eligible` and the `refusals` replace_professional would give today (ReplacementCandidateList)."),
        "tags": ["beneficiary", "operator", "purchasing_body"],
        "parameters": [
            query("view", "Which view.", "mission", required=True,
                  enum=["need", "mission", "agreement", "pool_statistics", "beneficiaries", "replacements",
                        "replacement_candidates"]),
            query("need_id", "view=need: required.", NEED_ID),
            query("mission_id", "view=mission and view=replacement_candidates: required.", s.mission.mission_id),
            query("name", "view=replacement_candidates: part of the professional's name, without case or accents "
                          "(at most 100 characters).", "emilie"),
            query("skill", "view=replacement_candidates: a word of the profile's text (skills, summary, references, "
                           "certifications), as the ranking reads it (at most 100 characters).", "recette"),
            query("available", "view=replacement_candidates: true keeps those available every day from the "
                               "replacement's first day to the mission's end.", "true", enum=["true", "false"]),
            query("max_daily_rate_cents", "view=replacement_candidates: the highest daily rate, in cents (1 to 10⁷).",
                  "70000"),
            query("limit", f"view=replacement_candidates: professionals answered, 1 to {MAX_ROWS} (default 50).", "50"),
            query("beneficiary_id", "Operator (views need, mission, agreement) and purchasing body (view agreement): "
                                    "required. Beneficiaries: ignored (their own).", BENEFICIARY_ID),
            query("after", "view=beneficiaries: the next_cursor of the previous page (a beneficiary_id); absent: "
                           "the first page.", BENEFICIARY_ID),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": json_response("The view asked for.", b.refs["SourcingView"], {
                "need": ("view=need", s.need_view), "mission": ("view=mission", s.mission_view),
                "agreement": ("view=agreement: a version from 1 July, none in force yet",
                              b.stories.terms.agreement_view),
                "pool_statistics": ("view=pool_statistics", s.pool),
                "beneficiaries": ("view=beneficiaries: one page, the last", s.beneficiaries)}),
            **errors,
        },
    }
