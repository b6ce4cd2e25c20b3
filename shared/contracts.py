"""Machine-readable contracts for connectors (A12), generated from the pydantic models.

    python -m shared.contracts           # (re)write docs/contracts
    python -m shared.contracts --check   # exit 1, listing the files that differ

Writes, under ``docs/contracts``:

- ``schemas/<Model>.schema.json``: JSON Schema 2020-12 of every message and HTTP body
  (validation mode for what the platform receives, serialization mode for what it sends),
  each with a ``$id`` and realistic ``examples``;
- ``openapi.json``: OpenAPI 3.1 of the HTTPS functions;
- ``asyncapi.json``: AsyncAPI 3.0 of the per-contractor Pub/Sub topics, with the error-code
  catalogue as ``x-error-codes``.

The examples are computed with the domain code itself (state machine, validation,
timeliness, problem+json formatting), so that a change of rule or wording shows up here and
the contract test (tests/unit/test_contracts.py) asks for the files to be regenerated.
Nothing here imports a Google library: only the models, the topology and a few edge constants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import string
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel
from pydantic.json_schema import models_json_schema

from shared import topology
from shared.domain.errors import CATALOGUE, ErrorDetail
from shared.domain.identity import AccountRequest, CreateAccount, RequestAccount, Right, Role
from shared.domain.messages import (
    EventType, ExecutionReport, IssueOrder, ManagerDecision, MessageRef, Reply, ReplyStatus,
)
from shared.domain.orders import CLOCK_SKEW_TOLERANCE, Actor, Order, OrderState
from shared.domain.penalties import PenaltyDecisionRequest, PenaltyEntry, Statement
from shared.domain.sourcing.messages import (
    DecideProposal, FrameMission, NeedSubmitted, ProposeProfessionals, ProposeReplacement, RequestReplacement,
    SubmitNeed,
)
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.domain.sourcing.records import Beneficiary, NeedContent, Professional
from shared.domain.timeliness import SHARING_DEADLINE, measure
from shared.domain.validation import parse_json
from shared.edge import http as edge_http
from shared.edge.cloudevents import MAX_MESSAGE_BYTES, REQUIRED_ATTRIBUTES
from shared.ports import digest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = ROOT / "docs" / "contracts"
EMULATORS_FILE = ROOT / "emulators.json"

BASE_URI = "https://passerelle.fr/contracts/"
API_VERSION = "1.0.0"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PUBSUB_BINDING_VERSION = "0.2.0"
# Functions that no client calls: Cloud Scheduler invokes relay_outbox with its own identity. More
# generally, an HTTP function without a "role" in emulators.json is internal (scheduler, Cloud Tasks).
INTERNAL_FUNCTIONS = frozenset({"relay_outbox"})
# The HTTPS functions openapi.json describes (the order path of part A): role(s) and right required,
# as passed to http.serve(roles=…, right=…) by each function.
DESCRIBED_HTTP_FUNCTIONS: dict[str, tuple[tuple[str, ...], Right]] = {
    "receive_order": (("manager",), Right.ORDERS_WRITE),
    "change_order_state": (("manager",), Right.ORDERS_WRITE),
    "get_order": (("manager", "contractor"), Right.ORDERS_READ),
    "submit_execution": (("contractor",), Right.EXECUTION_WRITE),
}
# Public HTTPS functions of emulators.json that openapi.json does not describe yet. Listed by name so
# that adding a function is a conscious choice: tests/unit/test_contracts.py fails on any function
# that is neither described nor listed here, and on a listed name that no longer exists.
NOT_YET_DESCRIBED = frozenset({
    "erase_professional",  # GDPR erasure, operator only (docs/personal-data.md)
    "decide_penalty", "get_penalty_statement",  # penalties (docs/penalties.md)
    "request_account", "manage_account", "export_space",  # identity, reversibility (docs/security.md)
    "store_report", "request_report_upload", "get_documents",  # PDF documents
    "upsert_contract", "upsert_billing_account",  # contracts and billing accounts (docs/exchange-perimeter.md)
    "register_beneficiary", "upsert_professional", "import_professionals", "submit_need",  # sourcing
    "propose_professionals", "decide_proposal", "get_sourcing", "frame_mission", "replace_professional",
})
# Kept in step with IDEMPOTENCY_RETENTION in shared/adapters/firestore.py (not imported: Google).
IDEMPOTENCY_RETENTION_HOURS = 24


# --- bodies that have no model elsewhere ------------------------------------------------------
# TODO(owner of shared/domain/messages.py): OrderStateChanged belongs next to the other wire
# messages, and shared/service/orders.py should build its outbox data from it.


class OrderStateChanged(BaseModel):
    """A manager's decision applied to an order, as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.order.state_changed.v1)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderStateChanged")

    manager_id: str = Field(description="The manager (private space) that owns the order.")
    order_id: str
    state: OrderState = Field(description="The state the order is in now.")
    previous_state: OrderState = Field(description="The state the order was in before the decision.")
    reason: str | None = Field(default=None, description="The manager's reason (always sent, null when none).")
    occurred_at: AwareDatetime = Field(description="When the manager took the decision.")


class OrderEvent(BaseModel):
    """One entry of an order's history, as stored in the manager's space (oldest first)."""

    model_config = ConfigDict(extra="allow", frozen=True, title="OrderEvent")

    event_id: str = Field(description="s<sequence on 7 digits> for a contractor report, m<hash> for a manager decision.")
    actor: Actor
    channel: Literal["pubsub", "rest"]
    label: str
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    state_before: OrderState
    state_after: OrderState
    reason: str | None = Field(default=None, description="Manager decisions only.")
    sequence: int | None = Field(default=None, description="Contractor reports only.")
    code: str | None = Field(default=None, description="Contractor reports only: event.code.")
    message_key: str | None = Field(default=None, description="Contractor reports only: the deduplication key.")
    delay_seconds: float | None = Field(default=None, description="Contractor reports only (A5).")
    late: bool | None = Field(default=None, description="Contractor reports only: delay over 15 minutes (A5).")
    report: dict[str, Any] | None = Field(default=None, description="Contractor reports only: the report as accepted.")


class OrderView(BaseModel):
    """What get_order answers: the live order, its total and its history (A11)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderView")

    order: Order
    total_cents: int = Field(description="Sum of the lines, quantity × unit price, rounded half up, in euro cents.")
    events: list[OrderEvent]


class Problem(BaseModel):
    """An HTTP error (RFC 9457, application/problem+json) with every error found."""

    model_config = ConfigDict(frozen=True, title="Problem")

    type: str = Field(description="https://passerelle.fr/problems/<first error code in kebab case>, or about:blank.")
    title: str = Field(description="Short French title of the HTTP status.")
    status: int = Field(ge=400, le=599, description="The HTTP status, repeated.")
    detail: str = Field(description="The French messages of every error, joined with « ; ».")
    errors: list[ErrorDetail] = Field(
        description="Every error found: field (JSONPath or header.X / query.X), stable code, French message.")
    correlation_id: str = Field(description="Also in the X-Correlation-Id header; quote it when contacting support.")
    instance: str | None = Field(
        default=None, description="The request path, when the problem was found before the operation ran.")
    reply: Reply | None = Field(
        default=None,
        description="submit_execution only: the reply recorded for the rejected message, also published on "
                    "replies-<contractor>.")


# --- answers built as plain dicts: described here, checked against their builders -------------
# Each model below names the function that builds the dict it describes. The services keep
# building dicts; tests/unit/test_contracts.py runs those builders (or the pure part of them)
# and validates what they return against these models, so the two cannot drift apart silently.


class ProfessionalUpserted(Professional):
    """What upsert_professional answers: the professional as stored, and what happened.
    Built by functions/upsert_professional.py from shared.service.sourcing.services.upsert_professional."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ProfessionalUpserted")

    outcome: Literal["created", "updated", "unchanged"] = Field(
        description="created (201), updated or unchanged (200): an identical record changes nothing.")


class ImportLine(BaseModel):
    """The outcome of one line of a JSON Lines import (blank lines are skipped, not reported)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportLine")

    line: int = Field(ge=1, description="Line number in the body, from 1.")
    status: Literal["accepted", "rejected"]
    professional_id: str | None = Field(default=None, description="Accepted lines only.")
    errors: list[ErrorDetail] | None = Field(
        default=None, description="Rejected lines only: every error, fields as JSONPath rooted at $[<line>].")


class ImportReport(BaseModel):
    """What import_professionals answers. Built by shared.service.sourcing.services.import_professionals."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ImportReport")

    accepted: int = Field(ge=0, description="Valid lines (a professional_id seen twice: the second is rejected).")
    rejected: int = Field(ge=0, description="Invalid lines, each listed in lines with its errors.")
    changed: int = Field(ge=0, description="Accepted professionals whose stored record actually changed.")
    index_revision: int | None = Field(description="The search index rebuilt once at the end; null when nothing changed.")
    lines: list[ImportLine]


class NeedVersionView(BaseModel):
    """One version of a need: what the beneficiary asked, and the ranked result once scored."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="NeedVersionView")

    version: int = Field(ge=1)
    content: NeedContent | None
    result: dict[str, Any] | None = Field(description=(
        "null until score_candidates ran. Otherwise: need_id, version, scored_at, index_revision, candidates "
        "(ranked: professional_id, name, rank, total, partial, criteria, filters, missed, matched_terms, "
        "daily_rate_cents, explanation in French), partial, pool_size, full_matches, weights, filters, query_terms."))


class NeedView(NeedRecord):
    """What get_sourcing?view=need answers. Built by shared.service.sourcing.services.read_need."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="NeedView")

    versions: list[NeedVersionView] = Field(description="Every version, oldest first.")


class MissionOrderSummary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionOrderSummary")

    order_id: str
    state: OrderState
    total_cents: int
    progress: int | None
    invoice_date: dt.date | None


class MissionBudget(BaseModel):
    """B11: consumed = the amount of the order lines (milestones) reported done."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionBudget")

    planned_cents: int
    ordered_cents: int
    consumed_cents: int
    remaining_cents: int


class MissionView(Mission):
    """What get_sourcing?view=mission answers. Built by shared.service.sourcing.services.read_mission."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionView")

    order: MissionOrderSummary | None = Field(default=None, description="Absent until the mission's order is stored.")
    budget: MissionBudget | None = Field(default=None, description="Absent until the mission's order is stored.")


class RegionCount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, title="RegionCount")

    label: str
    count: int = Field(ge=0)


class PoolStatistics(BaseModel):
    """What get_sourcing?view=pool_statistics answers (B14).
    Built by shared.service.sourcing.services.pool_statistics."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PoolStatistics")

    total: int = Field(ge=0, description="Active professionals in the search index.")
    per_service_type: dict[str, int] = Field(description="AMOA / AMOE → count.")
    per_region: dict[str, RegionCount] = Field(description="INSEE region code → French label and count.")
    index_revision: int
    built_at: str = Field(description="When the index was built (ISO 8601).")


class SourcingView(RootModel[NeedView | MissionView | PoolStatistics]):
    """What get_sourcing answers: one of three views, chosen by ?view=."""

    model_config = ConfigDict(title="SourcingView")


class ReplacementRequest(RootModel[Annotated[RequestReplacement | ProposeReplacement, Field(discriminator="action")]]):
    """Body of POST replace_professional: action request (beneficiary or operator) or propose (operator)."""

    model_config = ConfigDict(title="ReplacementRequest")


class AccountClaims(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="AccountClaims")

    role: Role
    tenant: str
    rights: list[Right] | None = Field(default=None, description="Absent: the role's default rights.")


class AccountCreated(BaseModel):
    """What manage_account answers. Built by shared.service.accounts.create_account."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="AccountCreated")

    uid: str = Field(description="The Firebase Authentication user id.")
    email: str = Field(description="Lower-cased.")
    claims: AccountClaims = Field(description="The custom claims now carried by the account's ID tokens.")
    request: AccountRequest | None = Field(
        default=None, description="Present when request_id was given: the request, fulfilled, with D7 met or not.")


class ExportProgress(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExportProgress")

    records: int = Field(ge=0, description="Documents written so far.")
    files: int = Field(ge=0, description="Entries of the archive written so far (JSON Lines files and stored files).")


class ExportJob(BaseModel):
    """An export of a tenant's data (A8). Built by shared.service.exports (request_export, run_export,
    export_status)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="ExportJob")

    job_id: str
    tenant: str
    role: Literal["manager", "beneficiary"]
    spaces: list[str] = Field(description="The spaces exported (managers/<id>, beneficiaries/<id>).")
    status: Literal["pending", "running", "completed"]
    requested_by: str = Field(description="The uid of the requester.")
    requested_at: AwareDatetime
    progress: ExportProgress
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    archive: str | None = Field(default=None, description="Completed: the archive's object name.")
    archive_sha256: str | None = Field(default=None, description="Completed: SHA-256 of the ZIP archive.")
    archive_bytes: int | None = Field(default=None, description="Completed: size of the archive.")
    download_url: str | None = Field(
        default=None, description="Completed, GET only: a signed URL to download the ZIP (fresh on every GET).")
    download_expires_in_seconds: int | None = Field(default=None, description="Completed, GET only: 900.")


class ExportRequested(BaseModel):
    """Data of fr.passerelle.export.requested.v1 on exports-requested.
    Built by shared.service.exports.request_export; read by functions/run_export.py."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ExportRequested")

    job_id: str


# name → (model, JSON Schema mode). Validation: the platform receives it; serialization: it sends it.
SCHEMAS: dict[str, tuple[type[BaseModel], Literal["validation", "serialization"]]] = {
    "IssueOrder": (IssueOrder, "validation"),
    "ExecutionReport": (ExecutionReport, "validation"),
    "ManagerDecision": (ManagerDecision, "validation"),
    "Order": (Order, "serialization"),
    "OrderStateChanged": (OrderStateChanged, "serialization"),
    "OrderView": (OrderView, "serialization"),
    "Reply": (Reply, "serialization"),
    "ErrorDetail": (ErrorDetail, "serialization"),
    "Problem": (Problem, "serialization"),
    # sourcing (part B)
    "Beneficiary": (Beneficiary, "validation"),
    "Professional": (Professional, "validation"),
    "ProfessionalUpserted": (ProfessionalUpserted, "serialization"),
    "ImportReport": (ImportReport, "serialization"),
    "SubmitNeed": (SubmitNeed, "validation"),
    "ProposeProfessionals": (ProposeProfessionals, "validation"),
    "DecideProposal": (DecideProposal, "validation"),
    "NeedRecord": (NeedRecord, "serialization"),
    "NeedSubmitted": (NeedSubmitted, "serialization"),
    "FrameMission": (FrameMission, "validation"),
    "Mission": (Mission, "serialization"),
    "ReplacementRequest": (ReplacementRequest, "validation"),
    "SourcingView": (SourcingView, "serialization"),
    # penalties
    "PenaltyDecisionRequest": (PenaltyDecisionRequest, "validation"),
    "PenaltyEntry": (PenaltyEntry, "serialization"),
    "Statement": (Statement, "serialization"),
    # accounts and reversibility
    "RequestAccount": (RequestAccount, "validation"),
    "AccountRequest": (AccountRequest, "serialization"),
    "CreateAccount": (CreateAccount, "validation"),
    "AccountCreated": (AccountCreated, "serialization"),
    "ExportJob": (ExportJob, "serialization"),
    "ExportRequested": (ExportRequested, "serialization"),
}

_DIRECTION = {
    "IssueOrder": "Inbound: body of POST receive_order (manager ERP).",
    "ExecutionReport": "Inbound: data of a message on execution-<contractor>, or body of POST submit_execution.",
    "ManagerDecision": "Inbound: body of POST change_order_state (manager ERP).",
    "Order": "Outbound: data of fr.passerelle.order.issued.v1 on orders-<contractor>; body of receive_order and "
             "change_order_state answers. Every property is always present (null when empty).",
    "OrderStateChanged": "Outbound: data of fr.passerelle.order.state_changed.v1 on orders-<contractor>. "
                         "Every property is always present (null when empty).",
    "OrderView": "Outbound: body of the GET get_order answer.",
    "Reply": "Outbound: data of fr.passerelle.reply.accepted.v1 / fr.passerelle.reply.rejected.v1 on "
             "replies-<contractor>; body of submit_execution answers. Every property is always present (null when empty).",
    "ErrorDetail": "Outbound: one error, inside Reply.errors and Problem.errors.",
    "Problem": "Outbound: body of every HTTP error (application/problem+json).",
    "Beneficiary": "Inbound: body of POST register_beneficiary (operator); the answer echoes it as stored.",
    "Professional": "Inbound: body of POST upsert_professional, and each line of the JSON Lines body of POST "
                    "import_professionals (operator).",
    "ProfessionalUpserted": "Outbound: body of the upsert_professional answer.",
    "ImportReport": "Outbound: body of the import_professionals answer, one entry per non-blank line.",
    "SubmitNeed": "Inbound: body of POST submit_need (beneficiary).",
    "ProposeProfessionals": "Inbound: body of POST propose_professionals (operator).",
    "DecideProposal": "Inbound: body of POST decide_proposal (beneficiary).",
    "NeedRecord": "Outbound: body of the submit_need, propose_professionals and decide_proposal answers.",
    "NeedSubmitted": "Internal: data of fr.passerelle.need.submitted.v1 on needs-submitted (read by "
                     "score_candidates).",
    "FrameMission": "Inbound: body of POST frame_mission (beneficiary).",
    "Mission": "Outbound: body of the frame_mission and replace_professional answers.",
    "ReplacementRequest": "Inbound: body of POST replace_professional (beneficiary or operator).",
    "SourcingView": "Outbound: body of the GET get_sourcing answer (need, mission or pool_statistics view).",
    "PenaltyDecisionRequest": "Inbound: body of POST decide_penalty (manager).",
    "PenaltyEntry": "Outbound: body of the decide_penalty answer.",
    "Statement": "Outbound: body of the GET get_penalty_statement answer (JSON; format=csv gives the same in CSV).",
    "RequestAccount": "Inbound: body of POST request_account (manager or beneficiary).",
    "AccountRequest": "Outbound: body of the request_account answer (202).",
    "CreateAccount": "Inbound: body of POST manage_account (operator).",
    "AccountCreated": "Outbound: body of the manage_account answer.",
    "ExportJob": "Outbound: body of the export_space answers (POST: 202, GET ?job_id=: 200).",
    "ExportRequested": "Internal: data of fr.passerelle.export.requested.v1 on exports-requested (read by "
                       "run_export).",
}


# --- the example story: one order, from issue to completion ---------------------------------

MANAGER_ID = "mgr-rhone-habitat"
CONTRACTOR_ID = "ctr-acme"
ORDER_ID = "BC-2026-0101"
ERP_SOURCE = "//erp.acme-maintenance.fr/passerelle"
REST_SOURCE = f"{topology.PLATFORM_SOURCE}/rest/contractors/{CONTRACTOR_ID}"
CORRELATION_IDS = ("6f0c2d9e8b7a4c1d9e3f5a7b2c4d6e8f", "b41e07c39d2a4f5e8c6b1a3d5f7e9c20", "2c9a7e5b3d1f4a6c8e0b2d4f6a8c0e1b")


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _key(source: str, message_id: str, contractor_id: str = CONTRACTOR_ID) -> str:
    """The deduplication key of an inbound message (InboundMessage.key)."""
    return digest(contractor_id, source, message_id)[:40]


ISSUE_ORDER: dict[str, Any] = {
    "order_id": ORDER_ID,
    "contract_id": "AC-2026-017",
    "contractor_id": CONTRACTOR_ID,
    "title": "Fuite sous évier — logement 12",
    "description": "Fuite signalée par la locataire sous l'évier de la cuisine. "
                   "Prévenir la gardienne (loge du bâtiment A) avant l'intervention.",
    "site": {"node_id": "LYON-BAT-A-LOG-12", "label": "Résidence Les Tilleuls — bâtiment A, logement 12",
             "address": "12 rue Garibaldi, 69006 Lyon"},
    "lines": [
        {"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
         "unit": "U", "unit_price_cents": 8500},
        {"line_id": "L2", "service_code": "PLB-024", "label": "Remplacement siphon PVC Ø 40", "quantity": 1,
         "unit": "U", "unit_price_cents": 4200},
        {"line_id": "L3", "service_code": "PLB-090", "label": "Main-d'œuvre plombier", "quantity": "1.5",
         "unit": "h", "unit_price_cents": 5200},
    ],
    "issued_at": "2026-03-02T08:00:00+01:00",
    "requested_start": "2026-03-03",
    "requested_end": "2026-03-06",
}
ORDER_RECEIVED_AT = "2026-03-02T07:00:03.120000Z"

# Contractor reports: (name, ce-id, Pub/Sub publishTime, body).
REPORTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("acknowledged", "0b7d2c3e-5f41-4c8a-9e6d-1a2b3c4d5e01", "2026-03-02T07:20:04.218Z", {
        "manager_id": MANAGER_ID, "order_id": ORDER_ID, "sequence": 1,
        "occurred_at": "2026-03-02T08:20:00+01:00", "state": "acknowledged",
        "event": {"label": "Commande prise en compte", "code": "ACK"},
    }),
    ("scheduled", "5e2f9a41-7c3b-4d8e-a1f0-2b3c4d5e6f02", "2026-03-02T09:05:02.731Z", {
        "manager_id": MANAGER_ID, "order_id": ORDER_ID, "sequence": 2,
        "occurred_at": "2026-03-02T10:05:00+01:00", "state": "scheduled",
        "site_lead": {"last_name": "Martin", "first_name": "Léa", "mobile": "06 12 34 56 78"},
        "planned_start": "2026-03-04T08:00:00+01:00", "planned_end": "2026-03-04T12:00:00+01:00",
        "event": {"label": "Intervention planifiée le 4 mars de 8 h à 12 h", "code": "PLAN"},
    }),
    # Rejected: moving to "en cours" needs actual_start. Corrected below with a new ce-id, same sequence.
    ("in_progress_rejected", "9c4b1e27-3a5d-4f6b-8c7d-3c4d5e6f7a03", "2026-03-04T07:10:05.402Z", {
        "manager_id": MANAGER_ID, "order_id": ORDER_ID, "sequence": 3,
        "occurred_at": "2026-03-04T08:10:00+01:00", "state": "in_progress", "progress": 10,
        "event": {"label": "Arrivée sur site, début de l'intervention", "code": "START"},
    }),
    ("in_progress", "d2a6f3b8-1e4c-4a7d-9b5e-4d5e6f7a8b04", "2026-03-04T07:14:12.090Z", {
        "manager_id": MANAGER_ID, "order_id": ORDER_ID, "sequence": 3,
        "occurred_at": "2026-03-04T08:10:00+01:00", "state": "in_progress", "progress": 10,
        "actual_start": "2026-03-04T08:10:00+01:00",
        "event": {"label": "Arrivée sur site, début de l'intervention", "code": "START"},
    }),
    # Accepted but late (A5): sent 18 min 31 s after the event.
    ("completed", "f8e1c5a2-6b9d-4e3f-8a1c-5e6f7a8b9c05", "2026-03-04T10:58:31.015Z", {
        "manager_id": MANAGER_ID, "order_id": ORDER_ID, "sequence": 4,
        "occurred_at": "2026-03-04T11:40:00+01:00", "state": "completed", "progress": 100,
        "actual_end": "2026-03-04T11:40:00+01:00",
        "line_statuses": [{"line_id": "L1", "done": True}, {"line_id": "L2", "done": True},
                          {"line_id": "L3", "done": True, "comment": "1 h 30 sur place"}],
        "event": {"label": "Intervention terminée : fuite réparée, siphon remplacé", "code": "END"},
    }),
]

DECISIONS: dict[str, dict[str, Any]] = {
    "received": {"order_id": ORDER_ID, "occurred_at": "2026-03-05T14:30:00+01:00", "state": "received"},
    "on_hold": {"order_id": "BC-2026-0102", "occurred_at": "2026-03-03T09:15:00+01:00", "state": "on_hold",
                "reason": "Accès impossible : la locataire est absente jusqu'au 9 mars."},
    "cancelled": {"order_id": "BC-2026-0103", "occurred_at": "2026-03-03T11:00:00+01:00", "state": "cancelled",
                  "reason": "Doublon de la commande BC-2026-0101."},
}


class _Story:
    """Runs the example order through the real domain code and keeps every intermediate result."""

    def __init__(self) -> None:
        command = IssueOrder.model_validate_json(json.dumps(ISSUE_ORDER))
        self.issued = Order(manager_id=MANAGER_ID, **command.model_dump())
        self.replies: dict[str, Reply] = {}
        self.rest_replies: dict[str, Reply] = {}
        self.events: list[dict[str, Any]] = []
        self.orders: dict[str, Order] = {"issued": self.issued}
        order = self.issued
        for name, ce_id, publish_time, body in REPORTS:
            report = ExecutionReport.model_validate_json(json.dumps(body))
            received = _utc(publish_time)
            now = received + dt.timedelta(milliseconds=180)
            errors = order.check(report, Actor.CONTRACTOR, now)
            before = order
            if not errors:
                order = order.apply(report, Actor.CONTRACTOR, now)
                self.orders[name] = order
            self.replies[name] = self._reply(report, MessageRef(
                source=ERP_SOURCE, id=ce_id, type=EventType.EXECUTION_REPORTED.value, channel="pubsub"),
                received, order if not errors else before, errors)
            # The same report over REST: the Idempotency-Key (here the same UUID) is the message id.
            self.rest_replies[name] = self._reply(report, MessageRef(
                source=REST_SOURCE, id=ce_id, type=EventType.EXECUTION_REPORTED.value, channel="rest"),
                received, order if not errors else before, errors)
            if not errors:
                timeliness = measure(report.occurred_at, received)
                self.events.append({
                    "event_id": f"s{report.sequence:07d}", "actor": Actor.CONTRACTOR.value, "channel": "pubsub",
                    "message_key": _key(ERP_SOURCE, ce_id), "sequence": report.sequence,
                    "label": report.event.label, "code": report.event.code,
                    "occurred_at": report.occurred_at.isoformat(), "received_at": received.isoformat(),
                    "delay_seconds": timeliness.delay_seconds, "late": timeliness.late,
                    "state_before": before.state.value, "state_after": order.state.value,
                    "report": report.model_dump(mode="json", exclude_none=True),
                })
        self.completed = order
        decision = ManagerDecision.model_validate_json(json.dumps(DECISIONS["received"]))
        self.decided_at = _utc("2026-03-05T13:30:01.447000Z")
        self.received = order.apply(decision.as_change(), Actor.MANAGER, self.decided_at)
        self.decision = decision

    @staticmethod
    def _reply(report: ExecutionReport, ref: MessageRef, received: dt.datetime, order: Order,
               errors: list[ErrorDetail]) -> Reply:
        timeliness = measure(report.occurred_at, received)
        return Reply(status=ReplyStatus.REJECTED if errors else ReplyStatus.ACCEPTED, in_reply_to=ref,
                     received_at=received, manager_id=report.manager_id, order_id=report.order_id,
                     sequence=report.sequence, order_state=order.state, delay_seconds=timeliness.delay_seconds,
                     late=timeliness.late, errors=errors)

    # --- CloudEvents attributes, as OutboxMessage.attributes() writes them ---------------------
    def order_issued_headers(self) -> dict[str, str]:
        return _ce(EventType.ORDER_ISSUED, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}",
                   f"order-{digest(MANAGER_ID, ORDER_ID)[:32]}", ORDER_RECEIVED_AT, f"orders/{ORDER_ID}")

    def state_changed(self) -> dict[str, Any]:
        return {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "state": self.received.state.value,
                "previous_state": self.completed.state.value, "reason": self.decision.reason,
                "occurred_at": self.decision.occurred_at.isoformat()}

    def state_changed_headers(self) -> dict[str, str]:
        event_id = f"m{digest(self.decision.model_dump_json())[:20]}"
        return _ce(EventType.ORDER_STATE_CHANGED, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}",
                   f"decision-{digest(MANAGER_ID, ORDER_ID, event_id)[:32]}",
                   _json_time(self.decided_at), f"orders/{ORDER_ID}")

    def execution_headers(self, name: str) -> dict[str, str]:
        _, ce_id, publish_time, body = next(r for r in REPORTS if r[0] == name)
        sent = _utc(publish_time) - dt.timedelta(milliseconds=350)
        return {"ce-specversion": "1.0", "ce-type": EventType.EXECUTION_REPORTED.value, "ce-source": ERP_SOURCE,
                "ce-id": ce_id, "ce-time": _json_time(sent), "ce-subject": f"orders/{body['order_id']}",
                "content-type": "application/json"}

    def reply_headers(self, name: str) -> dict[str, str]:
        reply = self.replies[name]
        event_type = reply.event_type
        return _ce(event_type, topology.PLATFORM_SOURCE, f"reply-{_key(ERP_SOURCE, reply.in_reply_to.id)}",
                   _json_time(reply.received_at + dt.timedelta(milliseconds=180)), f"orders/{reply.order_id}")

    def view(self) -> dict[str, Any]:
        return {"order": _json(self.completed), "total_cents": self.completed.total_cents, "events": self.events}


def _json_time(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _ce(event_type: EventType, source: str, ce_id: str, time: str, subject: str | None) -> dict[str, str]:
    attrs = {"ce-specversion": "1.0", "ce-type": event_type.value, "ce-source": source, "ce-id": ce_id,
             "ce-time": time, "content-type": "application/json"}
    if subject:
        attrs["ce-subject"] = subject
    return attrs


def _problem(status: int, errors: list[ErrorDetail], cid: str, *, instance: str | None = None,
             reply: Reply | None = None) -> dict[str, Any]:
    """A problem+json body exactly as shared/edge/http.py writes it."""
    extra = {"reply": _json(reply)} if reply is not None else None
    return edge_http._problem_answer(edge_http.Problem(status, errors, extra=extra), cid, instance).body


def _rejected(errors: list[ErrorDetail], cid: str, reply: Reply | None = None) -> dict[str, Any]:
    """A problem for domain or validation errors, with the status the edge would choose."""
    extra = {"reply": _json(reply)} if reply is not None else None
    problem = edge_http.rejected(errors, extra=extra)
    return edge_http._problem_answer(problem, cid, None).body


def _internal_error(cid: str) -> dict[str, Any]:
    return {"type": "about:blank", "title": edge_http._TITLES[500], "status": 500,
            "detail": "Erreur interne : réessayez avec la même clé d'idempotence.", "errors": [], "correlation_id": cid}


def schema_examples(story: _Story) -> dict[str, list[dict[str, Any]]]:
    """Every schema's examples; the contract test validates each against its model."""
    cid = CORRELATION_IDS
    bad_order = {**ISSUE_ORDER, "lines": [{**ISSUE_ORDER["lines"][0], "quantity": 0}], "priority": "urgent"}
    _, validation_errors = parse_json(IssueOrder, json.dumps(bad_order))
    return {
        "IssueOrder": [ISSUE_ORDER],
        "ExecutionReport": [body for name, _, _, body in REPORTS if name != "in_progress_rejected"],
        "ManagerDecision": list(DECISIONS.values()),
        "Order": [_json(story.issued), _json(story.completed)],
        "OrderStateChanged": [story.state_changed(), {
            "manager_id": MANAGER_ID, "order_id": "BC-2026-0102", "state": "on_hold", "previous_state": "scheduled",
            "reason": DECISIONS["on_hold"]["reason"], "occurred_at": DECISIONS["on_hold"]["occurred_at"]}],
        "OrderView": [story.view()],
        "Reply": [_json(story.replies["acknowledged"]), _json(story.replies["in_progress_rejected"]),
                  _json(story.replies["completed"])],
        "ErrorDetail": [_json(e) for e in story.replies["in_progress_rejected"].errors] + [_json(validation_errors[0])],
        "Problem": [
            _rejected(validation_errors, cid[0]),
            _rejected(story.rest_replies["in_progress_rejected"].errors, cid[1],
                      reply=story.rest_replies["in_progress_rejected"]),
            _problem(401, [ErrorDetail.of("header.Authorization", "UNAUTHENTICATED")], cid[2],
                     instance="/submit_execution"),
        ],
    }


# --- JSON Schemas -----------------------------------------------------------------------------


def schema_files(examples: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    files = {}
    for name, (model, mode) in SCHEMAS.items():
        schema = model.model_json_schema(mode=mode)
        schema = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": f"{BASE_URI}schemas/{name}.schema.json",
            "$comment": f"Generated by `python -m shared.contracts` from {model.__module__}.{model.__qualname__} "
                        f"({mode} mode). Do not edit.",
            **schema,
            "description": f"{schema.get('description', '').strip()}\n\n{_DIRECTION[name]}".strip(),
            "examples": examples[name],
        }
        files[f"schemas/{name}.schema.json"] = schema
    return files


def components_schemas(names: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The named models and everything they use, flattened into one ``components/schemas`` map.

    pydantic names a sub-model ``X-Input`` / ``X-Output`` when it differs between the
    validation and serialization modes, and writes every $ref as ``#/components/schemas/X``.
    Returns the schemas and, per model name, the $ref that points at it.
    """
    wanted = [(SCHEMAS[name][0], SCHEMAS[name][1]) for name in names]
    key_map, top = models_json_schema(wanted, ref_template="#/components/schemas/{model}")
    refs = {name: key_map[(SCHEMAS[name][0], SCHEMAS[name][1])]["$ref"] for name in names}
    schemas = top.get("$defs", {})
    for name, ref in refs.items():
        target = schemas[ref.rsplit("/", 1)[1]]
        target["description"] = f"{target.get('description', '').strip()}\n\n{_DIRECTION[name]}".strip()
    return schemas, refs


# --- OpenAPI ----------------------------------------------------------------------------------


def _load_functions() -> dict[str, dict[str, Any]]:
    return json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))["functions"]


def http_functions(functions: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """The HTTPS functions clients call: trigger http and a role, minus the internal ones."""
    functions = functions if functions is not None else _load_functions()
    return sorted(n for n, spec in functions.items()
                  if spec.get("trigger") == "http" and spec.get("role") and n not in INTERNAL_FUNCTIONS)


def _problem_response(description: str, examples: dict[str, dict[str, Any]], *,
                      headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Correlation-Id": {"$ref": "#/components/headers/X-Correlation-Id"}, **(headers or {})},
        "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "examples": {name: {"summary": _summary(body), "value": body} for name, body in examples.items()},
        }},
    }


def _summary(problem: dict[str, Any]) -> str:
    codes = ", ".join(e["code"] for e in problem["errors"]) or "no error code"
    return f"{problem['status']} {problem['title']} ({codes})"


def _json_response(description: str, ref: str, examples: dict[str, tuple[str, Any]],
                   headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Correlation-Id": {"$ref": "#/components/headers/X-Correlation-Id"}, **(headers or {})},
        "content": {"application/json": {
            "schema": {"$ref": ref},
            "examples": {name: {"summary": summary, "value": value} for name, (summary, value) in examples.items()},
        }},
    }


_REPLAYED = {"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}


def _common_problems(operation: str, *, post: bool) -> dict[str, dict[str, Any]]:
    """The answers the shared edge gives before (or around) any operation."""
    path = f"/{operation}"
    allowed = "POST" if post else "GET"
    cid = CORRELATION_IDS[2]
    right = DESCRIBED_HTTP_FUNCTIONS[operation][1].value
    responses = {
        "401": _problem_response(
            "No bearer token, or an invalid, expired or unregistered one.",
            {"unauthenticated": _problem(401, [ErrorDetail.of("header.Authorization", "UNAUTHENTICATED")], cid,
                                         instance=path)},
            headers={"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}),
        "403": _problem_response(
            f"The caller's role may not call this operation (FORBIDDEN), or the account lacks the right "
            f"`{right}` (MISSING_RIGHT).",
            {"forbidden": _problem(403, [ErrorDetail.of("header.Authorization", "FORBIDDEN")], cid, instance=path),
             "missing_right": _problem(403, [ErrorDetail.of("header.Authorization", "MISSING_RIGHT", right=right)],
                                       cid, instance=path)}),
        "405": _problem_response(
            f"Any method other than {allowed}.",
            {"method_not_allowed": _problem(405, [ErrorDetail.of("$", "METHOD_NOT_ALLOWED", allowed=allowed)], cid,
                                            instance=path)}),
        "500": _problem_response(
            "An infrastructure failure: retry" + (" with the same Idempotency-Key." if post else "."),
            {"internal_error": _internal_error(cid)}),
    }
    if post:
        responses["413"] = _problem_response(
            f"The body is over {edge_http.MAX_BODY_BYTES} bytes.",
            {"payload_too_large": _problem(413, [ErrorDetail.of("$", "PAYLOAD_TOO_LARGE",
                                                                limit=edge_http.MAX_BODY_BYTES)], cid, instance=path)})
        responses["415"] = _problem_response(
            "The Content-Type is neither application/json nor a +json type.",
            {"unsupported_media_type": _problem(415, [ErrorDetail.of("header.Content-Type", "UNSUPPORTED_MEDIA_TYPE")],
                                                cid, instance=path)})
    return responses


def _idempotency_problems(operation: str) -> dict[str, dict[str, dict[str, Any]]]:
    path, cid = f"/{operation}", CORRELATION_IDS[2]
    return {
        "400": {
            "idempotency_key_missing": _problem(400, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_MISSING")],
                                                cid, instance=path),
            "idempotency_key_invalid": _problem(400, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_INVALID")],
                                                cid, instance=path),
        },
        "409": {"request_in_progress": _problem(409, [ErrorDetail.of("header.Idempotency-Key", "REQUEST_IN_PROGRESS")],
                                                cid, instance=path)},
        "422": {"idempotency_key_reused": _problem(422, [ErrorDetail.of("header.Idempotency-Key", "IDEMPOTENCY_KEY_REUSED")],
                                                   cid, instance=path)},
    }


def _malformed(model: type[BaseModel]) -> list[ErrorDetail]:
    _, errors = parse_json(model, b'{"order_id": "BC-2026-0101", ')
    return errors


def _openapi(story: _Story) -> dict[str, Any]:
    functions = _load_functions()
    names = ["IssueOrder", "ManagerDecision", "ExecutionReport", "Order", "OrderView", "Reply", "ErrorDetail", "Problem"]
    schemas, refs = components_schemas(names)
    cid0, cid1 = CORRELATION_IDS[0], CORRELATION_IDS[1]
    paths: dict[str, Any] = {}

    def path_item(name: str, operation: dict[str, Any], method: str) -> None:
        port = functions[name]["port"]
        roles, right = DESCRIBED_HTTP_FUNCTIONS[name]
        operation = {**operation, "x-roles": list(roles), "x-right": right.value}
        paths[f"/{name}"] = {
            "servers": [
                {"url": "https://{region}-{project}.cloudfunctions.net", "description": "Production (Cloud Functions 2nd gen)",
                 "variables": _server_variables()},
                {"url": f"http://127.0.0.1:{port}", "description": f"Local: ./scripts/dev (emulators.json, port {port})"},
            ],
            method: {"operationId": name, **operation},
        }

    def post_errors(name: str, *, extra: dict[str, dict[str, dict[str, Any]]], descriptions: dict[str, str]) -> dict[str, Any]:
        idem = _idempotency_problems(name)
        merged: dict[str, dict[str, dict[str, Any]]] = {}
        for status in sorted(set(idem) | set(extra)):
            merged[status] = {**extra.get(status, {}), **idem.get(status, {})}
        out = _common_problems(name, post=True)
        for status, bodies in merged.items():
            headers = _REPLAYED if any("instance" not in b for b in bodies.values()) else None
            out[status] = _problem_response(descriptions[status], bodies, headers=headers)
        return out

    # receive_order -----------------------------------------------------------------------
    issued = _json(story.issued)
    _, bad_order_errors = parse_json(IssueOrder, json.dumps(
        {**ISSUE_ORDER, "lines": [{**ISSUE_ORDER["lines"][0], "quantity": 0}], "priority": "urgent"}))
    path_item("receive_order", {
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
            "schema": {"$ref": refs["IssueOrder"]},
            "examples": {"order": {"summary": "Plumbing order with three lines", "value": ISSUE_ORDER}}}}},
        "responses": {
            "201": _json_response("Order created and queued for the contractor.", refs["Order"],
                                  {"created": ("New order, state to_acknowledge", issued)},
                                  {"Location": {"$ref": "#/components/headers/Location"}, **_REPLAYED}),
            "200": _json_response("The identical order already existed: nothing changed.", refs["Order"],
                                  {"already_known": ("Same order sent again", issued)},
                                  {"Location": {"$ref": "#/components/headers/Location"}, **_REPLAYED}),
            **post_errors("receive_order", extra={
                "400": {"malformed_json": _rejected(_malformed(IssueOrder), cid0)},
                "409": {"order_already_exists": _rejected(
                    [ErrorDetail.of("$.order_id", "ORDER_ALREADY_EXISTS", order_id=ORDER_ID)], cid0)},
                "422": {
                    "invalid_order": _rejected(bad_order_errors, cid0),
                    "unknown_contractor": _rejected([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND",
                                                                    contractor_id="ctr-inconnu")], cid1),
                },
            }, descriptions={
                "400": "Body is not JSON, or the Idempotency-Key header is missing or invalid.",
                "409": "Another order exists under this order_id, or a request with this Idempotency-Key is still running.",
                "422": "The order breaks the schema or references an unknown contractor, or the Idempotency-Key was "
                       "used for a different body.",
            }),
        },
    }, "post")

    # change_order_state --------------------------------------------------------------------
    completed = story.completed
    now = story.decided_at
    cancel_completed = completed.check(ManagerDecision.model_validate_json(json.dumps(
        {"order_id": ORDER_ID, "occurred_at": "2026-03-05T14:30:00+01:00", "state": "cancelled",
         "reason": "Intervention jugée inutile."})).as_change(), Actor.MANAGER, now)
    manager_invoices = completed.check(ManagerDecision.model_validate_json(json.dumps(
        {"order_id": ORDER_ID, "occurred_at": "2026-03-05T14:30:00+01:00", "state": "invoiced"})).as_change(),
        Actor.MANAGER, now)
    hold_without_reason = story.orders["scheduled"].check(ManagerDecision.model_validate_json(json.dumps(
        {"order_id": ORDER_ID, "occurred_at": "2026-03-03T09:15:00+01:00", "state": "on_hold"})).as_change(),
        Actor.MANAGER, now)
    path_item("change_order_state", {
        "summary": "Cancel, suspend, resume, receive or close an order",
        "description": (
            "A manager moves one of its orders along the state machine (see docs/api.md). The contractor is told on "
            "`orders-<contractor_id>` with `fr.passerelle.order.state_changed.v1`. The answer is the order after the "
            "decision."),
        "tags": ["manager"],
        "parameters": [{"$ref": "#/components/parameters/Idempotency-Key"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": refs["ManagerDecision"]},
            "examples": {name: {"summary": f"Decision: {body['state']}", "value": body}
                         for name, body in DECISIONS.items()}}}},
        "responses": {
            "200": _json_response("Decision applied; the order as it is now.", refs["Order"],
                                  {"received": ("Completed order received by the manager", _json(story.received))},
                                  _REPLAYED),
            **post_errors("change_order_state", extra={
                "400": {"malformed_json": _rejected(_malformed(ManagerDecision), cid0)},
                "404": {"order_not_found": _rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"illegal_transition": _rejected(cancel_completed, cid0),
                        "not_for_manager": _rejected(manager_invoices, cid1),
                        "missing_reason": _rejected(hold_without_reason, cid1)},
            }, descriptions={
                "400": "Body is not JSON, or the Idempotency-Key header is missing or invalid.",
                "404": "No order with this order_id in the caller's space.",
                "409": "A request with this Idempotency-Key is still running.",
                "422": "The decision breaks the schema or the state machine, or the Idempotency-Key was used for a "
                       "different body.",
            }),
        },
    }, "post")

    # get_order -----------------------------------------------------------------------------
    get_responses = _common_problems("get_order", post=False)
    get_responses["400"] = _problem_response("A query parameter is missing.", {
        "order_id_missing": _problem(400, [ErrorDetail.of("query.order_id", "REQUIRED")], cid0, instance="/get_order")})
    get_responses["404"] = _problem_response(
        "No such order for this caller (another manager's or contractor's order looks exactly like a missing one).",
        {"order_not_found": _problem(404, [ErrorDetail.of("query.order_id", "ORDER_NOT_FOUND", order_id="BC-2026-9999")],
                                     cid0, instance="/get_order")})
    path_item("get_order", {
        "summary": "Read an order and its history",
        "description": "The live view of one order (A11). A manager reads its own space; a contractor reads the orders "
                       "addressed to it and must name the manager.",
        "tags": ["manager", "contractor"],
        "parameters": [{"$ref": "#/components/parameters/order_id"}, {"$ref": "#/components/parameters/manager_id"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The order, its total and its history, oldest event first.", refs["OrderView"],
                                  {"completed": ("Completed order with four accepted reports", story.view())}),
            **get_responses,
        },
    }, "get")

    # submit_execution ----------------------------------------------------------------------
    rejected = story.rest_replies["in_progress_rejected"]
    malformed_reply = Reply(status=ReplyStatus.REJECTED, in_reply_to=rejected.in_reply_to,
                            received_at=rejected.received_at, errors=_malformed(ExecutionReport))
    not_found_reply = story.rest_replies["acknowledged"].model_copy(update={
        "status": ReplyStatus.REJECTED, "order_id": "BC-2026-9999", "order_state": None,
        "errors": [ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id="BC-2026-9999")]})
    path_item("submit_execution", {
        "summary": "Report on an order's execution (REST channel)",
        "description": (
            "The REST alternative to publishing on `execution-<contractor_id>` (A3b): same body, same rules, same "
            "reply, also published on `replies-<contractor_id>`. The Idempotency-Key plays the CloudEvents id: it is "
            "the message id used for deduplication. A rejected message is answered 400, 404 or 422 with every error "
            "and the recorded reply in `reply`; fix it and send it again under a new Idempotency-Key with the same "
            "sequence."),
        "tags": ["contractor"],
        "parameters": [{"$ref": "#/components/parameters/Idempotency-Key"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": refs["ExecutionReport"]},
            "examples": {name: {"summary": f"Sequence {body['sequence']}: {body['event']['label']}", "value": body}
                         for name, _, _, body in REPORTS if name != "in_progress_rejected"}}}},
        "responses": {
            "200": _json_response("Accepted: the order moved (or was updated).", refs["Reply"], {
                "accepted": ("Accepted, on time", _json(story.rest_replies["in_progress"])),
                "accepted_late": ("Accepted, but sent more than 15 minutes after the event", _json(
                    story.rest_replies["completed"]))}, _REPLAYED),
            **post_errors("submit_execution", extra={
                "400": {"malformed_json": _rejected(malformed_reply.errors, cid0, reply=malformed_reply)},
                "404": {"order_not_found": _rejected(not_found_reply.errors, cid0, reply=not_found_reply)},
                "422": {"rejected": _rejected(rejected.errors, cid1, reply=rejected)},
            }, descriptions={
                "400": "Body is not JSON (rejected: see reply), or the Idempotency-Key header is missing or invalid.",
                "404": "Rejected: no such order for this contractor (see reply).",
                "409": "A request with this Idempotency-Key is still running.",
                "422": "Rejected (see errors and reply), or the Idempotency-Key was used for a different body.",
            }),
        },
    }, "post")

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelle — HTTPS API",
            "version": API_VERSION,
            "summary": "Orders and their execution between property managers and contractors (A2.3, A3b, A4, A12).",
            "description": _openapi_description(functions),
        },
        "servers": [{"url": "https://{region}-{project}.cloudfunctions.net",
                     "description": "Production: every function at https://<region>-<project>.cloudfunctions.net/<name>",
                     "variables": _server_variables()}],
        "security": [{"firebaseIdToken": []}],
        "tags": [{"name": "manager", "description": "Called by a property manager's ERP (role manager)."},
                 {"name": "contractor", "description": "Called by a contractor's ERP (role contractor)."}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"firebaseIdToken": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": (
                    "Either a Firebase Authentication ID token (people, and ERPs signed in as Firebase users) whose "
                    "custom claims carry `role` (manager, contractor, …), `tenant` (the manager or contractor id) "
                    "and optionally `rights`; or a Google-signed ID token of an ERP's service account (audience: "
                    "the function's URL), registered by the operator with its role, tenant and rights. Each "
                    "operation names the roles (`x-roles`) and the right (`x-right`) it requires. The tenant of "
                    "every request comes from the token, never from the body. See docs/security.md."),
            }},
            "parameters": {
                "Idempotency-Key": {
                    "name": "Idempotency-Key", "in": "header", "required": True,
                    "description": (
                        "Required on every POST. 8 to 128 characters among letters, digits and `._:-`. Same key and "
                        "same body: the first answer is replayed with `Idempotent-Replayed: true`. Same key, different "
                        "body: 422 IDEMPOTENCY_KEY_REUSED. First request still running: 409 REQUEST_IN_PROGRESS. "
                        f"Keys are kept {IDEMPOTENCY_RETENTION_HOURS} h, per operation and per caller (role, tenant). "
                        "For submit_execution the key is also the message id (deduplication, Reply.in_reply_to.id)."),
                    "schema": {"type": "string", "pattern": edge_http._IDEMPOTENCY_KEY.pattern,
                               "minLength": 8, "maxLength": 128},
                    "example": REPORTS[3][1],
                },
                "X-Correlation-Id": {
                    "name": "X-Correlation-Id", "in": "header", "required": False,
                    "description": "Optional: your own id for this request, echoed back and written in every log line "
                                   "(at most 128 printable characters; otherwise the platform makes one).",
                    "schema": {"type": "string", "maxLength": 128},
                },
                "order_id": {"name": "order_id", "in": "query", "required": True, "description": "The order to read.",
                             "schema": {"type": "string"}, "example": ORDER_ID},
                "manager_id": {"name": "manager_id", "in": "query", "required": False,
                               "description": "Contractors: required, the manager that issued the order. Managers: "
                                              "ignored (their own space is read).",
                               "schema": {"type": "string"}, "example": MANAGER_ID},
            },
            "headers": {
                "X-Correlation-Id": {"description": "The id written in every log line of this request.",
                                     "schema": {"type": "string"}},
                "Idempotent-Replayed": {"description": "`true` when this is the stored answer to an earlier request "
                                                       "with the same Idempotency-Key and body.",
                                        "schema": {"type": "string", "enum": ["true"]}},
                "Location": {"description": "Where the order lives: /orders/<order_id>.",
                             "schema": {"type": "string"}, "example": f"/orders/{ORDER_ID}"},
                "WWW-Authenticate": {"description": "The expected authentication scheme.",
                                     "schema": {"type": "string"}, "example": 'Bearer realm="passerelle"'},
            },
        },
    }


def _server_variables() -> dict[str, Any]:
    return {"region": {"default": "europe-west9", "description": "Google Cloud region (Paris: data hosted in France)."},
            "project": {"default": "your-project-id", "description": "Google Cloud project id."}}


def _openapi_description(functions: dict[str, dict[str, Any]]) -> str:
    local = ", ".join(f"`{n}` → http://127.0.0.1:{functions[n]['port']}/" for n in http_functions(functions))
    return (
        "Every operation is its own Cloud Function, hence its own base URL: the paths below are the function names.\n\n"
        "- **Production**: `https://<region>-<project>.cloudfunctions.net/<name>` (region `europe-west9`), or the "
        "function's Cloud Run URL (Terraform output `function_uris`), where it answers on any path.\n"
        f"- **Local** (`./scripts/dev`, ports from `emulators.json`): {local}. A function answers on any path of its "
        "own port, so `http://127.0.0.1:<port>/<name>` works too.\n\n"
        "**Authentication**: `Authorization: Bearer <token>`: a Firebase ID token with custom claims `role`, "
        "`tenant` (and optionally `rights`), or a Google-signed ID token of a registered service account. Each "
        "operation requires a role (`x-roles`) and a right (`x-right`).\n\n"
        "**POST bodies**: `Content-Type: application/json`, at most "
        f"{edge_http.MAX_BODY_BYTES} bytes, and an `Idempotency-Key` header.\n\n"
        "**Errors**: every 4xx/5xx is `application/problem+json` (RFC 9457) with an `errors` array "
        "`[{field, code, message}]`: `field` is a JSONPath (`$.lines[0].quantity`) or `header.<Name>` / "
        "`query.<name>`, `code` is stable (catalogue: `x-error-codes` in asyncapi.json), `message` is French.\n\n"
        "Prose: docs/api.md. Pub/Sub channel: asyncapi.json and docs/connector-guide.en.md.\n\n"
        "Not described here yet: " + ", ".join(f"`{n}`" for n in sorted(NOT_YET_DESCRIBED)) + ".")


# --- AsyncAPI ---------------------------------------------------------------------------------


def _headers_schema(event_type: EventType, *, inbound: bool, subject: Literal["always", "when_known", "optional"],
                    source: str, ce_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "ce-specversion": {"type": "string", "const": "1.0", "description": "CloudEvents version."},
        "ce-type": {"type": "string", "const": event_type.value, "description": "What the message is."},
        "ce-source": {"type": "string", "minLength": 1, "format": "uri-reference", "description": source},
        "ce-id": {"type": "string", "minLength": 1, "description": ce_id},
        "ce-time": {"type": "string", "format": "date-time", "description": "When the message was produced (RFC 3339)."},
        "ce-subject": {"type": "string", "pattern": "^orders/", "description": "orders/<order_id>."},
        "content-type": {"type": "string", "const": "application/json",
                         "description": "Media type of the data (JSON, UTF-8)."},
    }
    if inbound:
        properties["content-type"] = {
            "type": "string", "pattern": "^application/json(\\s*;.*)?$",
            "description": "Optional; when present (or ce-datacontenttype instead) it must be application/json, "
                           "otherwise the message is rejected with UNSUPPORTED_MEDIA_TYPE."}
        properties["ce-datacontenttype"] = {"type": "string", "pattern": "^application/json(\\s*;.*)?$",
                                            "description": "Accepted instead of content-type."}
        properties["ce-time"]["description"] += " Optional; informative only: the delay is measured from occurred_at."
        properties["ce-subject"]["description"] += " Optional; informative only."
        required = list(REQUIRED_ATTRIBUTES)
    else:
        required = ["ce-specversion", "ce-type", "ce-source", "ce-id", "ce-time", "content-type"]
        if subject == "always":
            required.append("ce-subject")
        elif subject == "when_known":
            properties["ce-subject"]["description"] += " Present whenever the answered message named its order."
    return {
        "type": "object",
        "description": "CloudEvents 1.0 in binary content mode: the context attributes travel as Pub/Sub message "
                       "attributes (prefix ce-), the data is the message body (JSON).",
        "properties": properties,
        "required": sorted(required),
    }


def _asyncapi(story: _Story) -> dict[str, Any]:
    functions = _load_functions()
    config = json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))
    region = config.get("region", "europe-west9")
    names = ["Order", "OrderStateChanged", "ExecutionReport", "Reply", "ErrorDetail"]
    schemas, refs = components_schemas(names)
    platform_source = f"{topology.PLATFORM_SOURCE}/managers/<manager_id>"
    schemas["OrderIssuedHeaders"] = _headers_schema(
        EventType.ORDER_ISSUED, inbound=False, subject="always", source=f"{platform_source}: the issuing manager.",
        ce_id="Stable per order (order-<hash>): a redelivery carries the same id; drop duplicates on it.")
    schemas["OrderStateChangedHeaders"] = _headers_schema(
        EventType.ORDER_STATE_CHANGED, inbound=False, subject="always",
        source=f"{platform_source}: the deciding manager.",
        ce_id="Stable per decision (decision-<hash>): drop duplicates on it.")
    schemas["ExecutionReportedHeaders"] = _headers_schema(
        EventType.EXECUTION_REPORTED, inbound=True, subject="optional",
        source="Your ERP, as a URI reference you choose once and keep (e.g. //erp.example.fr/passerelle).",
        ce_id="Unique per message from this source (a UUID). (contractor, ce-source, ce-id) is the deduplication "
              "key: a redelivery with the same id gets the first reply and changes nothing; a corrected message "
              "needs a new id.")
    for reply_type, key in ((EventType.REPLY_ACCEPTED, "ReplyAcceptedHeaders"),
                            (EventType.REPLY_REJECTED, "ReplyRejectedHeaders")):
        schemas[key] = _headers_schema(
            reply_type, inbound=False, subject="when_known", source=f"{topology.PLATFORM_SOURCE}: the platform.",
            ce_id="reply-<hash of the answered message's key>: one reply per distinct message; drop duplicates on it.")

    ordering = {"googlepubsub": {"bindingVersion": PUBSUB_BINDING_VERSION, "orderingKey": "$message.payload#/order_id"}}

    def message(name: str, title: str, summary: str, description: str, headers: str, payload: str,
                examples: list[tuple[str, str, dict[str, str], dict[str, Any]]],
                correlation: dict[str, str] | None = None) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "name": name, "title": title, "summary": summary, "description": description,
            "contentType": "application/json",
            "headers": {"$ref": f"#/components/schemas/{headers}"},
            "payload": {"$ref": payload},
            "bindings": ordering,
            "examples": [{"name": n, "summary": s, "headers": h, "payload": p} for n, s, h, p in examples],
        }
        if correlation:
            msg["correlationId"] = correlation
        return msg

    rejected = story.replies["in_progress_rejected"]
    messages = {
        "orderIssued": message(
            "orderIssued", "Order issued", "A manager sent a new order to the contractor.",
            "Published once per order after POST receive_order. Pub/Sub ordering key: the order id, so that an "
            "order's messages arrive in order on orders-<contractorId>-erp.",
            "OrderIssuedHeaders", refs["Order"],
            [("order_issued", "New plumbing order", story.order_issued_headers(), _json(story.issued))]),
        "orderStateChanged": message(
            "orderStateChanged", "Order state changed by the manager",
            "The manager cancelled, suspended, resumed, received or closed an order.",
            "Published after POST change_order_state. Contractor reports never produce this message: their "
            "outcome comes on replies-<contractorId>.",
            "OrderStateChangedHeaders", refs["OrderStateChanged"],
            [("order_received", "The manager received the completed work", story.state_changed_headers(),
              story.state_changed())]),
        "executionReported": message(
            "executionReported", "Execution reported",
            "The contractor reports on an order: state, dates, site lead, progress, lines (A6).",
            "Publish with ordering key = order_id. `sequence` counts the contractor's accepted messages for the order "
            "from 1 without gaps (SEQUENCE_OUTDATED / SEQUENCE_GAP otherwise); a rejected message does not use up "
            "its number. Every message gets exactly one reply on replies-<contractorId>.",
            "ExecutionReportedHeaders", refs["ExecutionReport"],
            [(name, f"Sequence {body['sequence']}: {body['event']['label']}"
              + (" — rejected: no actual_start (see replyRejected)" if name == "in_progress_rejected" else ""),
              story.execution_headers(name), body)
             for name, _, _, body in REPORTS],
            correlation={"location": "$message.header#/ce-id",
                         "description": "Echoed in the reply as in_reply_to.id (with in_reply_to.source)."}),
        "replyAccepted": message(
            "replyAccepted", "Message accepted", "The execution message was applied to the order.",
            "delay_seconds is Pub/Sub publishTime (or HTTP receipt) minus occurred_at; late is true over "
            f"{int(SHARING_DEADLINE.total_seconds() // 60)} minutes (A5).",
            "ReplyAcceptedHeaders", refs["Reply"],
            [("accepted", "Accepted on time", story.reply_headers("acknowledged"), _json(story.replies["acknowledged"])),
             ("accepted_late", "Accepted, but late", story.reply_headers("completed"), _json(story.replies["completed"]))],
            correlation={"location": "$message.payload#/in_reply_to/id",
                         "description": "The ce-id of the execution message answered."}),
        "replyRejected": message(
            "replyRejected", "Message rejected",
            "The execution message was refused; nothing changed. Every error is listed (A4).",
            "Fix the message and publish it again with a new ce-id and the same sequence. Error codes: x-error-codes.",
            "ReplyRejectedHeaders", refs["Reply"],
            [("rejected", "Missing actual_start to start the work", story.reply_headers("in_progress_rejected"),
              _json(rejected))],
            correlation={"location": "$message.payload#/in_reply_to/id",
                         "description": "The ce-id of the execution message answered."}),
    }

    def channel(kind: str, title: str, description: str, names: list[str], subscription: dict[str, Any]) -> dict[str, Any]:
        topic = f"{kind}-{{contractorId}}"
        return {
            "address": topic, "title": title, "description": description,
            "parameters": {"contractorId": {"$ref": "#/components/parameters/contractorId"}},
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
            # No googlepubsub channel binding: version 0.2.0 requires schemaSettings (a Pub/Sub schema
            # resource), which the platform does not use; the topic settings go in an extension instead.
            "x-google-pubsub": {
                "messageStoragePolicy": {"allowedPersistenceRegions": [region]},
                "deadLetterTopic": topology.dead_letter_topic(topic),
                "subscription": subscription,
            },
        }

    orders_topic = topology.orders_topic("{contractorId}")
    replies_topic = topology.replies_topic("{contractorId}")
    channels = {
        "orders": channel("orders", "Orders for a contractor",
                          "Platform → contractor: new orders and the manager's decisions. Pull them from "
                          f"{topology.erp_subscription(orders_topic)} and acknowledge each once stored.",
                          ["orderIssued", "orderStateChanged"],
                          {"name": topology.erp_subscription(orders_topic), "type": "pull", "messageOrdering": True,
                           "ackDeadlineSeconds": 60, "maxDeliveryAttempts": 10}),
        "execution": channel("execution", "Execution reports from a contractor",
                             "Contractor → platform: execution reports. Only the contractor's ERP service account may "
                             "publish here; the contractor is known from the topic, never from the payload.",
                             ["executionReported"],
                             {"name": topology.push_subscription("{contractorId}"), "type": "push",
                              "endpoint": "publish_execution", "messageOrdering": True, "ackDeadlineSeconds": 60,
                              "maxDeliveryAttempts": 5}),
        "replies": channel("replies", "Replies to a contractor",
                           "Platform → contractor: exactly one reply per distinct execution message (REST ones "
                           f"included). Pull them from {topology.erp_subscription(replies_topic)}; correlate on "
                           "in_reply_to.id.",
                           ["replyAccepted", "replyRejected"],
                           {"name": topology.erp_subscription(replies_topic), "type": "pull", "messageOrdering": True,
                            "ackDeadlineSeconds": 60, "maxDeliveryAttempts": 10}),
    }

    def refs_to(channel_name: str, names: list[str]) -> list[dict[str, str]]:
        return [{"$ref": f"#/channels/{channel_name}/messages/{n}"} for n in names]

    operations = {
        "sendOrders": {
            "action": "send", "channel": {"$ref": "#/channels/orders"},
            "title": "Deliver orders and decisions",
            "summary": "The platform publishes a manager's orders and decisions for the contractor.",
            "messages": refs_to("orders", ["orderIssued", "orderStateChanged"]),
        },
        "receiveExecutionReports": {
            "action": "receive", "channel": {"$ref": "#/channels/execution"},
            "title": "Record execution reports",
            "summary": "The platform checks and applies each report, then answers it.",
            "description": f"Served by the {'publish_execution'} function ({functions['publish_execution']['trigger']} "
                           "trigger through the push subscription). Rejections are answers, not failures: the message "
                           "is acknowledged; only infrastructure failures make Pub/Sub redeliver (then dead-letter).",
            "messages": refs_to("execution", ["executionReported"]),
            "reply": {"channel": {"$ref": "#/channels/replies"},
                      "messages": refs_to("replies", ["replyAccepted", "replyRejected"])},
        },
        "sendReplies": {
            "action": "send", "channel": {"$ref": "#/channels/replies"},
            "title": "Answer every execution message",
            "summary": "One reply per distinct message, accepted or rejected with every error (A4).",
            "messages": refs_to("replies", ["replyAccepted", "replyRejected"]),
        },
    }

    emulator = config["emulators"]["pubsub"]
    return {
        "asyncapi": "3.0.0",
        "id": "urn:fr:passerelle:bus",
        "info": {
            "title": "Passerelle — Pub/Sub message bus",
            "version": API_VERSION,
            "description": _asyncapi_description(),
        },
        "defaultContentType": "application/json",
        "servers": {
            "production": {
                "host": "pubsub.googleapis.com", "protocol": "googlepubsub",
                "description": f"Google Cloud Pub/Sub; topics under projects/<project>/topics/, messages stored in {region}.",
                "security": [{"$ref": "#/components/securitySchemes/serviceAccount"}],
            },
            "emulator": {
                "host": f"{emulator['host']}:{emulator['port']}", "protocol": "googlepubsub",
                "description": f"The gcloud Pub/Sub emulator started by ./scripts/dev (project {config['project_id']}); "
                               f"point the client at it with {emulator['env']}={emulator['host']}:{emulator['port']}. "
                               "No authentication.",
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": {"contractorId": {
                "description": "The contractor's id on the platform (also the `tenant` claim of its tokens).",
                "examples": ["ctr-acme"]}},
            "securitySchemes": {"serviceAccount": {
                "type": "oauth2",
                "description": "The contractor's Google service account (one per contractor, created by Terraform): "
                               "roles/pubsub.publisher on execution-<contractorId>, roles/pubsub.subscriber on "
                               "orders-<contractorId>-erp and replies-<contractorId>-erp. The client libraries obtain "
                               "the OAuth 2.0 access tokens (Application Default Credentials).",
                "flows": {"clientCredentials": {
                    "tokenUrl": "https://oauth2.googleapis.com/token",
                    "availableScopes": {"https://www.googleapis.com/auth/pubsub": "Publish and consume Pub/Sub messages."},
                }},
                "scopes": ["https://www.googleapis.com/auth/pubsub"],
            }},
        },
        "x-error-codes": error_codes(),
    }


def _asyncapi_description() -> str:
    return (
        "Per-contractor topics between the platform and a contractor's ERP (A3a). Every message is a CloudEvents 1.0 "
        "event in binary content mode: `ce-*` Pub/Sub attributes (message headers here) and a JSON body (payload).\n\n"
        "Operations are described from the platform's point of view: it *sends* on orders-{contractorId} and "
        "replies-{contractorId} and *receives* on execution-{contractorId}.\n\n"
        "- Ordering: publish with ordering key = order id; subscriptions deliver in order per key.\n"
        "- Deduplication: (contractor, ce-source, ce-id). Delivery is at least once both ways: drop duplicates on "
        "ce-id.\n"
        f"- Timeliness (A5): each event must reach the platform within {int(SHARING_DEADLINE.total_seconds() // 60)} "
        "minutes of occurred_at (measured from Pub/Sub publishTime); later messages are accepted but flagged late. "
        f"An occurred_at more than {int(CLOCK_SKEW_TOLERANCE.total_seconds() // 60)} minutes in the future is "
        "rejected (OCCURRED_IN_FUTURE).\n"
        f"- Size: message data at most {MAX_MESSAGE_BYTES} bytes.\n"
        "- Errors (A4): every rejected message gets a reply listing each error as {field, code, message}; the codes "
        "and their French message templates are in `x-error-codes`.\n\n"
        "Guide: docs/connector-guide.en.md (français : docs/connector-guide.fr.md).")


def error_codes() -> dict[str, dict[str, Any]]:
    """CATALOGUE as published: each stable code, its French template and the template's placeholders."""
    out = {}
    for code, template in CATALOGUE.items():
        placeholders = sorted({field for _, field, _, _ in string.Formatter().parse(template) if field})
        out[code] = {"message": template, "placeholders": placeholders}
    return out


# --- README and entry points ------------------------------------------------------------------


def _readme(names: list[str]) -> str:
    rows = "\n".join(f"| `schemas/{n}.schema.json` | {_DIRECTION[n]} |" for n in names)
    return (
        "# Passerelle — machine-readable contracts\n\n"
        "Generated by `python -m shared.contracts` from the pydantic models: **do not edit by hand**.\n"
        "`python -m shared.contracts --check` (and `tests/unit/test_contracts.py`) fails when they are stale.\n\n"
        "| File | What it describes |\n|---|---|\n"
        "| `openapi.json` | OpenAPI 3.1: the HTTPS functions (receive_order, change_order_state, get_order, "
        "submit_execution). |\n"
        "| `asyncapi.json` | AsyncAPI 3.0: the Pub/Sub topics orders-, execution-, replies-<contractorId>, "
        "CloudEvents headers, error codes (`x-error-codes`). |\n"
        f"{rows}\n\n"
        "Prose: `docs/api.md`, `docs/connector-guide.en.md`, `docs/connector-guide.fr.md`.\n")


def dumps(document: Any) -> str:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """Every contract file: {path relative to docs/contracts: text}."""
    story = _Story()
    examples = schema_examples(story)
    files = {path: dumps(doc) for path, doc in schema_files(examples).items()}
    files["openapi.json"] = dumps(_openapi(story))
    files["asyncapi.json"] = dumps(_asyncapi(story))
    files["README.md"] = _readme(list(SCHEMAS))
    return dict(sorted(files.items()))


def _existing(directory: Path) -> set[str]:
    if not directory.exists():
        return set()
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}


def differences(directory: Path = CONTRACTS_DIR, files: dict[str, str] | None = None) -> list[str]:
    """Files that are missing, different or no longer generated."""
    files = files if files is not None else generate()
    stale = []
    for path, text in files.items():
        target = directory / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(path)
    stale += sorted(_existing(directory) - set(files))
    return stale


def write(directory: Path = CONTRACTS_DIR) -> list[str]:
    files = generate()
    changed = differences(directory, files)
    for path in changed:
        target = directory / path
        if path in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[path], encoding="utf-8")
        else:
            target.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.contracts", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file differs")
    args = parser.parse_args(argv)
    if args.check:
        stale = differences()
        for path in stale:
            print(f"docs/contracts/{path} is out of date", file=sys.stderr)
        if stale:
            print("run: python -m shared.contracts", file=sys.stderr)
        return 1 if stale else 0
    changed = write()
    for path in changed:
        print(f"wrote docs/contracts/{path}")
    if not changed:
        print("docs/contracts is up to date")
    return 0


if __name__ == "__main__":
    # Run from the importable module, so that generated text never says "__main__".
    from shared.contracts import main as _main

    sys.exit(_main())
