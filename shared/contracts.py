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

from shared import contracts_web, topology
from shared.domain.errors import CATALOGUE, ErrorDetail
from shared.domain.catalogue import CatalogueVersion, ImportCatalogue
from shared.domain.contracts import UpsertBillingAccount, UpsertContract
from shared.domain.deadlines import DeadlineState
from shared.domain.documents import AttachFields, DocumentRecord, RegisterUpload, RequestUpload
from shared.domain.identity import AccountRequest, CreateAccount, RequestAccount, Right, Role
from shared.domain.messages import (
    EventType, ReportExecution, IssueOrder, ChangeOrderState, MessageRef, Reply, ReplyStatus,
)
from shared.domain.incidents import DEFAULT_LIMIT as INCIDENT_DEFAULT_LIMIT
from shared.domain.incidents import MAX_LIMIT as INCIDENT_MAX_LIMIT
from shared.domain.incidents import AcknowledgeIncident, Incident, IncidentState, ReportIncident, ResolveIncident
from shared.domain.incidents import list_filters as incident_list_filters
from shared.domain.property_tree import ImportPropertyTree
from shared.domain import order_list as order_list_rules
from shared.domain.order_list import Cursor, OrderList
from shared.domain.order_list import summary as order_summary
from shared.domain.order_moves import NextMove, next_moves
from shared.domain.orders import CLOCK_SKEW_TOLERANCE, Actor, Order, OrderLine, OrderState, next_states
from shared.domain.penalties import DecidePenalty, PenaltyEntry, Statement
from shared.domain.quotes import (
    DecideQuote, Quote, QuoteDecided, QuoteExpired, QuoteRequested, RequestQuote, SubmitQuote,
)
from shared.domain.sourcing.erasure_messages import EraseProfessional, ProfessionalErased
from shared.domain.sourcing.messages import (
    DecideProposal, FrameMission, NeedSubmitted, ProposeProfessionals, ProposeReplacement, RequestReplacement,
    SubmitNeed,
)
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.domain.sourcing.reporting import (
    BeneficiaryReport, HalfYearReportLink, HalfYearReportList, HalfYearReportPublished, PublishHalfYearReport,
    PurchasingBodyReport,
)
from shared.domain.sourcing.records import Beneficiary, NeedContent, Professional
from shared.domain.exports import ExportRequested
from shared.domain.timeliness import SHARING_DEADLINE, measure
from shared.domain.validation import parse_json
from shared.edge import http as edge_http
from shared.edge.cloudevents import MAX_MESSAGE_BYTES, REQUIRED_ATTRIBUTES
from shared.ports import digest
from shared.service import exports as exports_service
from shared.service.sourcing import paths as sourcing_paths

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
# The HTTPS functions openapi.json describes: role(s) and right required, as passed to
# http.serve(roles=…, right=…) by each function (a right per role when the roles differ);
# tests/unit/test_contracts.py reads the serve() calls and checks both.
DESCRIBED_HTTP_FUNCTIONS: dict[str, tuple[tuple[str, ...], Right | dict[str, Right]]] = {
    # orders (part A)
    "receive_order": (("manager",), Right.ORDERS_WRITE),
    "change_order_state": (("manager",), Right.ORDERS_WRITE),
    "get_order": (("manager", "contractor", "beneficiary"), Right.ORDERS_READ),
    "list_orders": (("manager", "contractor", "beneficiary"), Right.ORDERS_READ),
    "submit_execution": (("contractor",), Right.EXECUTION_WRITE),
    # penalties (docs/penalties.md)
    "decide_penalty": (("manager",), Right.PENALTIES_MANAGE),
    "get_penalty_statement": (("manager", "contractor"), Right.PENALTIES_READ),
    # accounts and reversibility (docs/security.md, docs/personal-data.md)
    "request_account": (("manager", "beneficiary"), Right.ACCOUNTS_REQUEST),
    "manage_account": (("operator",), Right.ACCOUNTS_MANAGE),
    "export_space": (("manager", "beneficiary"), Right.EXPORT),
    # sourcing (part B, docs/sourcing.md)
    "register_beneficiary": (("operator",), Right.ACCOUNTS_MANAGE),
    "upsert_professional": (("operator",), Right.PROFESSIONALS_WRITE),
    "import_professionals": (("operator",), Right.PROFESSIONALS_WRITE),
    "submit_need": (("beneficiary",), Right.NEEDS_WRITE),
    "propose_professionals": (("operator",), Right.PROFESSIONALS_WRITE),
    "decide_proposal": (("beneficiary",), Right.NEEDS_WRITE),
    "get_sourcing": (("beneficiary", "operator"),
                     {"beneficiary": Right.NEEDS_READ, "operator": Right.PROFESSIONALS_WRITE}),
    "frame_mission": (("beneficiary",), Right.NEEDS_WRITE),
    "replace_professional": (("beneficiary", "operator"),
                             {"beneficiary": Right.NEEDS_WRITE, "operator": Right.PROFESSIONALS_WRITE}),
    # contracts, billing accounts and quotes (A2 exchange perimeter, docs/exchange-perimeter.md)
    "upsert_contract": (("manager",), Right.CONTRACTS_WRITE),
    "upsert_billing_account": (("manager",), Right.CONTRACTS_WRITE),
    "import_catalogue": (("manager",), Right.CONTRACTS_WRITE),
    "get_catalogue": (("manager", "contractor"), Right.ORDERS_READ),
    "import_property_tree": (("manager",), Right.PROPERTY_WRITE),
    "get_property_coverage": (("manager",), Right.ORDERS_READ),
    "store_report": (("contractor",), Right.DOCUMENTS_WRITE),
    "request_report_upload": (("contractor",), Right.DOCUMENTS_WRITE),
    "get_documents": (("manager", "contractor", "beneficiary"), Right.ORDERS_READ),
    "request_quote": (("manager",), Right.ORDERS_WRITE),
    "submit_quote": (("contractor",), Right.EXECUTION_WRITE),
    "decide_quote": (("manager", "contractor"), {"manager": Right.ORDERS_WRITE, "contractor": Right.EXECUTION_WRITE}),
    # incidents (B9, D8: docs/penalties.md)
    "report_incident": (("manager", "contractor", "beneficiary", "purchasing_body"), Right.INCIDENTS_REPORT),
    "acknowledge_incident": (("operator",), Right.INCIDENTS_MANAGE),
    "resolve_incident": (("operator",), Right.INCIDENTS_MANAGE),
    "list_incidents": (("manager", "contractor", "beneficiary", "purchasing_body", "operator"),
                       {"manager": Right.INCIDENTS_REPORT, "contractor": Right.INCIDENTS_REPORT,
                        "beneficiary": Right.INCIDENTS_REPORT, "purchasing_body": Right.INCIDENTS_REPORT,
                        "operator": Right.INCIDENTS_MANAGE}),
    # quotes, read (docs/exchange-perimeter.md); GDPR erasure (docs/personal-data.md)
    "get_quote": (("manager", "contractor"), Right.ORDERS_READ),
    "erase_professional": (("operator",), Right.PROFESSIONALS_WRITE),
    # reporting (B6, B17: docs/sourcing.md, "Reporting")
    "get_report": (("beneficiary", "purchasing_body", "operator"), Right.REPORTS_READ),
}
# Public HTTPS functions of emulators.json that openapi.json does not describe yet, each with the
# reason. Listed by name so that adding a function is a conscious choice: tests/unit/test_contracts.py
# fails on any function that is neither described nor listed here, and on a listed name that no
# longer exists.
DESCRIBED_HTTP_FUNCTIONS.update(contracts_web.DESCRIBED)  # the web application's reads (shared/contracts_web.py)
NOT_YET_DESCRIBED: frozenset[str] = frozenset({
    # every public HTTPS function is described (erase_professional was the last one listed here)
})


def x_right(name: str) -> str | dict[str, str]:
    """The x-right of an operation: one right, or a right per role."""
    right = DESCRIBED_HTTP_FUNCTIONS[name][1]
    return right.value if isinstance(right, Right) else {role: r.value for role, r in right.items()}


# Platform-internal topics and their CloudEvents sources. EXPORTS_SOURCE is written inline by
# shared.service.exports.request_export; tests/unit/test_contracts.py checks they agree.
NEEDS_TOPIC = sourcing_paths.NEEDS_TOPIC
SOURCING_SOURCE = sourcing_paths.SOURCE
EXPORTS_TOPIC = exports_service.EXPORTS_TOPIC
EXPORTS_SOURCE = "//passerelle.fr/exports"
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
    next_states: list[OrderState] = Field(
        description="The states the caller's role may move the order to next, read from the state machine's "
                    "transition table (an order on hold: back to the state it left, or a stop). The contractor's "
                    "form offers these; each move's requirements (dates, reason) are still checked when the report "
                    "arrives. Empty for a beneficiary and for a closed, cancelled or impossible order.")
    next_moves: list[NextMove] = Field(
        description="The same moves, each with what it requires (dates, reason) and the report fields that "
                    "satisfy it, read from the same transition table: the web form asks only for those.")
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
    Built by functions/upsert_professional.py from shared.service.sourcing.pool.upsert_professional."""

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
    """What import_professionals answers. Built by shared.service.sourcing.pool.import_professionals."""

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
    """What get_sourcing?view=need answers. Built by shared.service.sourcing.needs.read_need."""

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
    """What get_sourcing?view=mission answers. Built by shared.service.sourcing.missions.read_mission."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="MissionView")

    order: MissionOrderSummary | None = Field(default=None, description="Absent until the mission's order is stored.")
    budget: MissionBudget | None = Field(default=None, description="Absent until the mission's order is stored.")


class RegionCount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, title="RegionCount")

    label: str
    count: int = Field(ge=0)


class PoolStatistics(BaseModel):
    """What get_sourcing?view=pool_statistics answers (B14).
    Built by shared.service.sourcing.pool.pool_statistics."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PoolStatistics")

    total: int = Field(ge=0, description="Active professionals in the search index.")
    per_service_type: dict[str, int] = Field(description="AMOA / AMOE → count.")
    per_region: dict[str, RegionCount] = Field(description="INSEE region code → French label and count.")
    index_revision: int
    built_at: str = Field(description="When the index was built (ISO 8601).")


class SourcingView(RootModel[NeedView | MissionView | PoolStatistics]):
    """What get_sourcing answers: one of three views, chosen by ?view=."""

    model_config = ConfigDict(title="SourcingView")


class ReportView(RootModel[BeneficiaryReport | PurchasingBodyReport | HalfYearReportList | HalfYearReportLink]):
    """What get_report answers: one of its views, chosen by ?view= (and ?report_id=)."""

    model_config = ConfigDict(title="ReportView")


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




# --- A2 exchange perimeter: contracts, billing accounts, quotes; incidents (B9) -------------------------------


class ContractSaved(UpsertContract):
    """What upsert_contract answers: the contract as stored, its version and whether this call changed it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ContractSaved")

    changed: bool = Field(description="False when the same content was already stored (nothing published).")
    version: int = Field(ge=1, description="1 on creation, +1 on each change.")
    manager_id: str
    updated_at: AwareDatetime


class BillingAccountSaved(UpsertBillingAccount):
    """What upsert_billing_account answers: the billing account as stored, with its version."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="BillingAccountSaved")

    changed: bool = Field(description="False when the same content was already stored (nothing published).")
    version: int = Field(ge=1, description="1 on creation, +1 on each change.")
    manager_id: str
    updated_at: AwareDatetime


class ContractChanged(UpsertContract):
    """A contract created or updated by its manager, as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.contract.changed.v1, subject contracts/<contract_id>)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="ContractChanged")

    version: int = Field(ge=1)
    manager_id: str
    updated_at: AwareDatetime
    change: Literal["created", "updated"]


class BillingAccountChanged(UpsertBillingAccount):
    """A billing account created or updated, as delivered on orders-<contractor> to every contractor holding one
    of its contracts (CloudEvents type fr.passerelle.billing_account.changed.v1)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="BillingAccountChanged")

    version: int = Field(ge=1)
    manager_id: str
    updated_at: AwareDatetime
    change: Literal["created", "updated"]


class CataloguePublished(CatalogueVersion):
    """A new version of a contract's catalogue (bordereau de prix), as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.catalogue.published.v1, subject contracts/<contract_id>/catalogue)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CataloguePublished")

    manager_id: str


class OrderLinesAdded(BaseModel):
    """The lines of an accepted supplementary quote added to an order (A2.5), as delivered on orders-<contractor>
    (CloudEvents type fr.passerelle.order.lines_added.v1, subject orders/<order_id>)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="OrderLinesAdded")

    manager_id: str
    order_id: str
    quote_id: str
    lines: list[OrderLine] = Field(description="The added lines; each line_id is prefixed with <quote_id>-.")
    total_cents: int = Field(description="The order's new total, in euro cents.")


class CatalogueImported(BaseModel):
    """What import_catalogue answers: the version created."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueImported")

    contract_id: str
    version: int = Field(ge=1)
    valid_from: dt.date
    items: int = Field(ge=1, description="How many items (service codes) the version holds.")


class CatalogueVersionSummary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueVersionSummary")

    version: int
    valid_from: dt.date
    reviewed_on: dt.date


class CatalogueView(BaseModel):
    """What get_catalogue answers: every version of a contract's catalogue and the one in force on a date."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="CatalogueView")

    contract_id: str
    on: dt.date = Field(description="The date asked for (?on=, default today).")
    versions: list[CatalogueVersionSummary]
    in_force: CatalogueVersion | None = Field(description="The version in force on that date, null when none.")
    needs_review: bool = Field(description="True when the version in force was reviewed more than six months ago, "
                                           "or there is none.")


class PropertyImportJob(BaseModel):
    """A property-tree import job: written in batches, resumable (the same file again resumes or answers it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyImportJob")

    job_id: str = Field(description="imp-<hash of the manager and the file's nodes>: the same file is the same job.")
    manager_id: str
    format: Literal["json", "csv"]
    status: Literal["running", "completed"]
    nodes_in_file: int
    to_write: int = Field(description="Nodes new or changed in the file.")
    written: int
    batches: int
    batch_size: int
    started_at: AwareDatetime
    updated_at: AwareDatetime
    resumes: int = Field(description="How many times an interrupted import of this file was resumed.")
    already_written_before_resume: int
    completed_at: AwareDatetime | None = None
    tree_nodes: int | None = Field(default=None, description="Completed jobs: nodes in the tree afterwards.")


class PropertyTreeImported(PropertyImportJob):
    """What import_property_tree answers: the job, and what this call wrote."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyTreeImported")

    changed: bool = Field(description="False when nothing was new (answered 200).")
    written_now: int
    resumed: bool | None = Field(default=None, description="True when this call resumed an interrupted import; "
                                                           "absent when the file was already imported.")


class CoverageOrphan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, title="CoverageOrphan")

    kind: Literal["order", "document"]
    id: str = Field(description="order_id, or <order_id>/<sha256> for a document.")
    node_id: str | None = Field(description="The node it names (unknown to the tree), or null when none.")


class PropertyCoverage(BaseModel):
    """What get_property_coverage answers (A7: the contract demands 100 %)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="PropertyCoverage")

    manager_id: str
    tree_nodes: int
    tree_in_force: bool = Field(description="True once a tree was imported: orders and quotes must then name one "
                                            "of its nodes.")
    items: int = Field(description="Orders and documents counted.")
    attached: int
    orphans: list[CoverageOrphan]
    coverage_percent: float
    unfinished_imports: list[PropertyImportJob]


class DocumentStored(BaseModel):
    """What store_report answers: the document's metadata (its id is the PDF's SHA-256)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DocumentStored")

    created: bool = Field(description="False when this very file was already stored for the order (answered 200).")
    document: DocumentRecord


class UploadTicket(BaseModel):
    """What request_report_upload answers: where to PUT the PDF, then the upload_id to register with store_report."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="UploadTicket")

    upload_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    upload_url: str = Field(description="Signed URL, valid 15 minutes.")
    method: Literal["PUT"]
    headers: dict[str, str] = Field(description="Headers the PUT must carry: Content-Type: application/pdf.")
    expires_at: AwareDatetime
    max_bytes: int
    manager_id: str
    order_id: str


class ListedDocument(DocumentRecord):
    model_config = ConfigDict(extra="forbid", frozen=True, title="ListedDocument")

    download_url: str = Field(description="Signed URL, valid 5 minutes (a fresh one on every GET).")
    download_expires_in_seconds: int


class DocumentList(BaseModel):
    """What get_documents answers: the order's documents, each with a signed download URL."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="DocumentList")

    manager_id: str
    order_id: str
    documents: list[ListedDocument]


class QuoteView(Quote):
    """What request_quote, submit_quote and decide_quote answer: the quote and its current version number."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="QuoteView")

    current_version: int | None = Field(description="The last submitted version, null before the first submission.")


class IncidentView(Incident):
    """What report_incident and acknowledge_incident answer: the incident and the state of its D8 deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="IncidentView")

    d8_state: DeadlineState = Field(description="D8 (first response): running until acknowledged, then met or missed.")


class IncidentList(BaseModel):
    """What list_incidents answers: one page of the caller's incidents (the operator: all), newest first."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="IncidentList")

    incidents: list[IncidentView]
    count: int = Field(description="How many incidents this page holds (at most `limit`).")
    next_cursor: str | None = Field(description="Pass it as ?cursor= (same filters) for the next page; null on the "
                                                "last page. Opaque.")


# name → (model, JSON Schema mode). Validation: the platform receives it; serialization: it sends it.
SCHEMAS: dict[str, tuple[type[BaseModel], Literal["validation", "serialization"]]] = {
    "IssueOrder": (IssueOrder, "validation"),
    "ExecutionReport": (ReportExecution, "validation"),
    "ManagerDecision": (ChangeOrderState, "validation"),
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
    "BeneficiaryReport": (BeneficiaryReport, "serialization"),
    "PurchasingBodyReport": (PurchasingBodyReport, "serialization"),
    "HalfYearReportList": (HalfYearReportList, "serialization"),
    "HalfYearReportLink": (HalfYearReportLink, "serialization"),
    "ReportView": (ReportView, "serialization"),
    "PublishHalfYearReport": (PublishHalfYearReport, "validation"),
    "HalfYearReportPublished": (HalfYearReportPublished, "serialization"),
    # penalties
    "PenaltyDecisionRequest": (DecidePenalty, "validation"),
    "PenaltyEntry": (PenaltyEntry, "serialization"),
    "Statement": (Statement, "serialization"),
    # accounts and reversibility
    "RequestAccount": (RequestAccount, "validation"),
    "AccountRequest": (AccountRequest, "serialization"),
    "CreateAccount": (CreateAccount, "validation"),
    "AccountCreated": (AccountCreated, "serialization"),
    "ExportJob": (ExportJob, "serialization"),
    "ExportRequested": (ExportRequested, "serialization"),
    # contracts, billing accounts, quotes (A2 exchange perimeter); incidents (B9)
    "UpsertContract": (UpsertContract, "validation"),
    "ContractSaved": (ContractSaved, "serialization"),
    "ContractChanged": (ContractChanged, "serialization"),
    "UpsertBillingAccount": (UpsertBillingAccount, "validation"),
    "BillingAccountSaved": (BillingAccountSaved, "serialization"),
    "BillingAccountChanged": (BillingAccountChanged, "serialization"),
    "RequestQuote": (RequestQuote, "validation"),
    "SubmitQuote": (SubmitQuote, "validation"),
    "DecideQuote": (DecideQuote, "validation"),
    "QuoteView": (QuoteView, "serialization"),
    "ReportIncident": (ReportIncident, "validation"),
    "AcknowledgeIncident": (AcknowledgeIncident, "validation"),
    "IncidentView": (IncidentView, "serialization"),
    "ResolveIncident": (ResolveIncident, "validation"),
    "IncidentList": (IncidentList, "serialization"),
    "QuoteExpired": (QuoteExpired, "serialization"),
    "QuoteRequested": (QuoteRequested, "serialization"),
    "QuoteDecided": (QuoteDecided, "serialization"),
    "EraseProfessional": (EraseProfessional, "validation"),
    "ProfessionalErased": (ProfessionalErased, "serialization"),
    "CataloguePublished": (CataloguePublished, "serialization"),
    "OrderLinesAdded": (OrderLinesAdded, "serialization"),
    "ImportCatalogue": (ImportCatalogue, "validation"),
    "CatalogueImported": (CatalogueImported, "serialization"),
    "CatalogueView": (CatalogueView, "serialization"),
    "ImportPropertyTree": (ImportPropertyTree, "validation"),
    "PropertyTreeImported": (PropertyTreeImported, "serialization"),
    "PropertyCoverage": (PropertyCoverage, "serialization"),
    "AttachFields": (AttachFields, "validation"),
    "RegisterUpload": (RegisterUpload, "validation"),
    "RequestUpload": (RequestUpload, "validation"),
    "DocumentStored": (DocumentStored, "serialization"),
    "UploadTicket": (UploadTicket, "serialization"),
    "DocumentList": (DocumentList, "serialization"),
    "OrderList": (OrderList, "serialization"),
    **contracts_web.SCHEMAS,
}

_DIRECTION = {
    **contracts_web.DIRECTION,
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
    "BeneficiaryReport": "Outbound: body of the GET get_report?view=beneficiary answer (JSON; format=csv gives the "
                         "same in French CSV).",
    "PurchasingBodyReport": "Outbound: body of the GET get_report?view=purchasing_body answer (JSON; format=csv gives "
                            "the same in French CSV), and the JSON file of each stored half-year report.",
    "HalfYearReportList": "Outbound: body of the GET get_report?view=half_year_reports answer.",
    "HalfYearReportLink": "Outbound: body of the GET get_report?view=half_year_reports&report_id= answer.",
    "ReportView": "Outbound: body of the GET get_report answer (one of its views).",
    "PublishHalfYearReport": "Internal: body of POST publish_half_year_report (Cloud Scheduler sends {}).",
    "HalfYearReportPublished": "Internal: body of the publish_half_year_report answer (201 created, 200 already "
                               "stored).",
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
    "UpsertContract": "Inbound: body of POST upsert_contract (manager).",
    "ContractSaved": "Outbound: body of the upsert_contract answer (201 created, 200 updated or unchanged).",
    "ContractChanged": "Outbound: data of fr.passerelle.contract.changed.v1 on orders-<contractor>.",
    "UpsertBillingAccount": "Inbound: body of POST upsert_billing_account (manager).",
    "BillingAccountSaved": "Outbound: body of the upsert_billing_account answer.",
    "BillingAccountChanged": "Outbound: data of fr.passerelle.billing_account.changed.v1 on orders-<contractor>.",
    "RequestQuote": "Inbound: body of POST request_quote (manager).",
    "SubmitQuote": "Inbound: body of POST submit_quote (contractor).",
    "DecideQuote": "Inbound: body of POST decide_quote (manager: accept or refuse; contractor: withdraw).",
    "QuoteView": "Outbound: body of the request_quote, submit_quote, decide_quote and GET get_quote answers.",
    "ReportIncident": "Inbound: body of POST report_incident.",
    "AcknowledgeIncident": "Inbound: body of POST acknowledge_incident (operator).",
    "IncidentView": "Outbound: body of the report_incident, acknowledge_incident and resolve_incident answers.",
    "ResolveIncident": "Inbound: body of POST resolve_incident (operator).",
    "IncidentList": "Outbound: body of the GET list_incidents answer.",
    "QuoteExpired": "Outbound: data of fr.passerelle.quote.expired.v1 on replies-<contractor>.",
    "QuoteRequested": "Outbound: data of fr.passerelle.quote.requested.v1 on orders-<contractor>.",
    "QuoteDecided": "Outbound: data of fr.passerelle.quote.decided.v1 on orders-<contractor> (accepted, refused, "
                    "withdrawn).",
    "EraseProfessional": "Inbound: body of POST erase_professional (operator).",
    "ProfessionalErased": "Outbound: body of the erase_professional answer.",
    "CataloguePublished": "Outbound: data of fr.passerelle.catalogue.published.v1 on orders-<contractor>.",
    "OrderLinesAdded": "Outbound: data of fr.passerelle.order.lines_added.v1 on orders-<contractor>.",
    "ImportCatalogue": "Inbound: JSON body of POST import_catalogue (manager); the same items can be sent as a "
                       "French CSV (text/csv).",
    "CatalogueImported": "Outbound: body of the import_catalogue answer (201).",
    "CatalogueView": "Outbound: body of the GET get_catalogue answer.",
    "ImportPropertyTree": "Inbound: JSON body of POST import_property_tree (manager); the same nodes can be sent as a "
                          "French CSV (text/csv).",
    "PropertyTreeImported": "Outbound: body of the import_property_tree answer (201 when nodes were written, 200 "
                            "otherwise).",
    "PropertyCoverage": "Outbound: body of the GET get_property_coverage answer.",
    "AttachFields": "Inbound: the text fields of the multipart/form-data body of POST store_report (contractor); the "
                    "PDF is the `file` part.",
    "RegisterUpload": "Inbound: JSON body of POST store_report (contractor): a file PUT on the signed URL of "
                      "request_report_upload.",
    "RequestUpload": "Inbound: body of POST request_report_upload (contractor).",
    "DocumentStored": "Outbound: body of the store_report answer (201 stored, 200 already there).",
    "UploadTicket": "Outbound: body of the request_report_upload answer (201).",
    "DocumentList": "Outbound: body of the GET get_documents answer.",
    "OrderList": "Outbound: body of the GET list_orders answer (the web application's lists, A11).",
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
            report = ReportExecution.model_validate_json(json.dumps(body))
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
        decision = ChangeOrderState.model_validate_json(json.dumps(DECISIONS["received"]))
        self.decided_at = _utc("2026-03-05T13:30:01.447000Z")
        self.received = order.apply(decision.as_change(), Actor.MANAGER, self.decided_at)
        self.decision = decision

    @staticmethod
    def _reply(report: ReportExecution, ref: MessageRef, received: dt.datetime, order: Order,
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
        """The contractor's view of the completed order: it may declare it received or invoiced."""
        return {"order": _json(self.completed), "total_cents": self.completed.total_cents,
                "next_states": [s.value for s in next_states(self.completed, Actor.CONTRACTOR)],
                "next_moves": [m.model_dump(mode="json") for m in next_moves(self.completed, Actor.CONTRACTOR)],
                "events": self.events}

    def order_list(self) -> dict[str, Any]:
        """A manager's dashboard on 2026-03-04 at 09:00 UTC: the example order in progress, and a
        second one whose requested end has passed without a start (late), through the real rules."""
        now, in_progress = _utc("2026-03-04T09:00:00Z"), self.orders["in_progress"]
        late = self.issued.model_copy(update={"order_id": "BC-2026-0097", "title": "Robinet à remplacer",
                                              "requested_end": dt.date(2026, 3, 3)})
        last = next(e for e in self.events if e["state_after"] == "in_progress")
        rows = [order_summary(in_progress, now, updated_at=_utc("2026-03-04T07:14:12.270Z"), last_event=last,
                              document_count=1, actor=Actor.MANAGER),
                order_summary(late, now, updated_at=_utc(ORDER_RECEIVED_AT), last_event=None, document_count=0,
                              actor=Actor.MANAGER)]
        cursor = Cursor(rows[-1].updated_at, f"managers/{MANAGER_ID}/orders/{late.order_id}")
        return OrderList(orders=rows, next_cursor=cursor.encode(), as_of=now).model_dump(mode="json")


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
    return edge_http._problem_answer(edge_http.HttpProblem(status, errors, extra=extra), cid, instance).body


def _rejected(errors: list[ErrorDetail], cid: str, reply: Reply | None = None) -> dict[str, Any]:
    """A problem for domain or validation errors, with the status the edge would choose."""
    extra = {"reply": _json(reply)} if reply is not None else None
    problem = edge_http.rejected(errors, extra=extra)
    return edge_http._problem_answer(problem, cid, None).body


def _internal_error(cid: str) -> dict[str, Any]:
    return {"type": "about:blank", "title": edge_http._TITLES[500], "status": 500,
            "detail": "Erreur interne : réessayez avec la même clé d'idempotence.", "errors": [], "correlation_id": cid}


def schema_examples(story: _Story, platform: _Platform | None = None) -> dict[str, list[dict[str, Any]]]:
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
        **platform_examples(platform or _Platform()),
        **_web_examples(platform or _Platform()),
    }


# --- the example story of part B and the platform services ------------------------------------
# A beneficiary (a public body) looks for a professional, frames a mission, then replaces the
# professional; a manager decides on a penalty; accounts are requested and created; a space is
# exported. Computed with the domain code wherever it is pure (state machine, deadlines, budgets,
# the mission's order, the notice table, penalties and statements, account requests).

BENEFICIARY_ID = "ben-metropole-lyon"
NEED_ID = "BES-2026-014"
PRO_ID, PRO2_ID = "pro-0042", "pro-0117"
OPERATOR_UID = "op-ines-moreau"

BENEFICIARY: dict[str, Any] = {
    "beneficiary_id": BENEFICIARY_ID, "name": "Métropole de Lyon", "siret": "82451673900011", "region": "84",
    "territory": "69",
    "contacts": [{"last_name": "Garnier", "first_name": "Sophie", "email": "sophie.garnier@grandlyon.example.fr",
                  "role": "Cheffe de projet numérique"}],
    "requires_conflict_declaration": True,
}
PROFESSIONAL: dict[str, Any] = {
    "professional_id": PRO_ID, "name": "Claire Dubois", "siret": "43819027600016",
    "education": ["Master MIAGE — Université Lyon 1"], "level": "senior", "years_of_experience": 14,
    "public_sector_knowledge": True, "certifications": ["PMP", "ITIL 4 Foundation"],
    "references": ["Refonte du portail usagers d'une région (2023)", "Schéma directeur SI d'un département (2021)"],
    "skills": ["AMOA", "conduite du changement", "rédaction de cahier des charges", "marchés publics"],
    "summary": "Consultante AMOA depuis 14 ans, spécialiste des projets de dématérialisation des collectivités.",
    "availability": [{"start": "2026-04-01", "end": "2026-12-31"}], "daily_rate_cents": 72000,
    "extra_costs": {"travel_cents": 4500, "lodging_cents": 0, "meals_cents": 2000},
    "reviews": [{"mission_ref": "MIS-2025-031", "rating": 5, "comment": "Très bonne animation des ateliers.",
                 "on": "2025-11-28"}],
    "profile_category": "CHEF-PROJET-AMOA", "service_types": ["AMOA"], "region": "84", "active": True,
}
# The replacement: same category, level, rates and extra costs (B12).
REPLACEMENT_PRO: dict[str, Any] = {
    **PROFESSIONAL, "professional_id": PRO2_ID, "name": "Julien Roux", "siret": None,
    "education": ["Ingénieur INSA Lyon"], "years_of_experience": 11, "certifications": ["PMP"],
    "references": ["Dématérialisation des aides sociales d'un département (2024)"],
    "summary": "Chef de projet AMOA, collectivités territoriales et établissements publics.", "reviews": [],
}
NEED_CONTENT: dict[str, Any] = {
    "title": "AMOA pour la dématérialisation des demandes de subvention",
    "nature": "AMOA",
    "summary": "Accompagner la direction des finances dans l'expression du besoin, la rédaction du cahier des "
               "charges et le suivi de la recette d'un portail de demandes de subvention en ligne.",
    "prerequisites": "Connaissance des règles de la commande publique.",
    "skills": ["AMOA", "rédaction de cahier des charges", "conduite du changement"],
    "min_years_of_experience": 8, "expected_profile": "Chef de projet AMOA sénior", "level": "senior",
    "certifications": [], "public_sector_required": True,
    "context": "Projet inscrit au schéma directeur numérique 2025-2028.",
    "start_date": "2026-04-06", "duration_days": 40, "end_date": "2026-07-31", "region": "84",
    "work_mode": "mixed", "deliverables": ["Cahier des charges", "Plan de recette", "Procès-verbal de recette"],
    "daily_rate_ceiling_cents": 80000, "other_information": "",
}
FRAME_MISSION: dict[str, Any] = {
    "need_id": NEED_ID, "start_date": "2026-04-06", "end_date": "2026-07-31",
    "deliverables": ["Cahier des charges", "Plan de recette", "Procès-verbal de recette"],
    "milestones": [
        {"milestone_id": "J1", "label": "Cahier des charges validé", "days": 15, "due": "2026-05-15"},
        {"milestone_id": "J2", "label": "Recette du portail", "days": 20, "due": "2026-07-10"},
        {"milestone_id": "J3", "label": "Procès-verbal de recette et transfert", "days": 5, "due": "2026-07-31"},
    ],
    "conflict_declaration": {"signed_by": "Claire Dubois", "signed_on": "2026-03-16", "no_conflict": True,
                             "statement": "Je déclare n'avoir aucun lien avec les éditeurs susceptibles de répondre."},
}


class _SourcingStory:
    """The need BES-2026-014, from submission to the replacement of its professional."""

    def __init__(self) -> None:
        from shared.domain.sourcing.process import (
            RecordedDeadline, Milestone, NeedStatus, Proposal, ProposalStatus, Replacement, ReplacementReason,
            notice_period,
        )
        from shared.service.sourcing import missions, needs, replacements
        from shared.domain.workdays import add_working_days

        self.beneficiary = Beneficiary.model_validate_json(json.dumps(BENEFICIARY))
        self.professional = Professional.model_validate_json(json.dumps(PROFESSIONAL))
        self.replacement_pro = Professional.model_validate_json(json.dumps(REPLACEMENT_PRO))
        self.content = NeedContent.model_validate_json(json.dumps(NEED_CONTENT))
        submitted = _utc("2026-03-09T08:30:00.214000Z")
        territory = self.beneficiary.territory
        due, calendar = add_working_days(submitted.date(), needs.D4_WORKING_DAYS, territory), f"holidays:{territory}"
        d4 = RecordedDeadline(code="D4", started_at=submitted, due=due, unit="working_days", calendar=calendar)
        self.submitted = NeedRecord(
            need_id=NEED_ID, beneficiary_id=BENEFICIARY_ID, version=1, status=NeedStatus.ACKNOWLEDGED,
            title=self.content.title, submitted_at=submitted, updated_at=submitted, d4=d4,
            history=[{"version": 1, "status": "acknowledged", "at": submitted.isoformat()}])
        scored_at = _utc("2026-03-09T08:30:02.871000Z")
        self.candidate = {
            "professional_id": PRO_ID, "name": self.professional.name, "rank": 1, "total": 0.912, "partial": False,
            "criteria": {"text": 0.88, "level": 1.0, "experience": 1.0, "rate": 0.55, "location": 1.0,
                         "public_sector": 1.0},
            "filters": {"service_type": True, "availability": True, "active": True}, "missed": [],
            "matched_terms": ["amoa", "cahier", "charges", "changement"], "daily_rate_cents": 72000,
            "explanation": "Profil sénior AMOA, 14 ans d'expérience, connaissance du secteur public, TJM de 720,00 € "
                           "sous le plafond de 800,00 €, disponible sur toute la période.",
        }
        self.result = {"need_id": NEED_ID, "version": 1, "scored_at": scored_at.isoformat(), "index_revision": 318,
                       "candidates": [self.candidate], "partial": False, "pool_size": 1240, "full_matches": 7,
                       "weights": {"text": 0.35, "level": 0.15, "experience": 0.15, "rate": 0.15, "location": 0.1,
                                   "public_sector": 0.1},
                       "filters": ["service_type", "availability", "active"],
                       "query_terms": ["amoa", "dematerialisation", "subvention", "cahier", "charges"]}
        scored = self.submitted.model_copy(update={"status": NeedStatus.SCORED, "updated_at": scored_at, "history": [
            *self.submitted.history, {"version": 1, "status": "scored", "at": scored_at.isoformat(), "partial": False,
                                      "full_matches": 7}]})
        self.propose = {"beneficiary_id": BENEFICIARY_ID, "need_id": NEED_ID, "version": 1,
                        "proposals": [{"professional_id": PRO_ID, "guaranteed_until": "2026-03-27"}]}
        proposed_at = _utc("2026-03-12T15:00:00Z")
        c = self.candidate
        self.proposed = scored.model_copy(update={
            "status": NeedStatus.PROPOSED, "updated_at": proposed_at,
            "proposals": [Proposal(professional_id=PRO_ID, name=c["name"], rank=1, total=c["total"], partial=False,
                                   missed=[], explanation=c["explanation"], daily_rate_cents=c["daily_rate_cents"],
                                   guaranteed_until=dt.date(2026, 3, 27))],
            "d4": d4.model_copy(update={"stopped_at": proposed_at, "met": proposed_at.date() <= d4.due}),
            "history": [*scored.history, {"version": 1, "status": "proposed", "at": proposed_at.isoformat()}]})
        self.decide = {"need_id": NEED_ID, "version": 1, "decision": "accept", "professional_id": PRO_ID,
                       "reason": "Expérience des collectivités et disponibilité immédiate."}
        accepted_at = _utc("2026-03-13T09:15:00Z")
        self.accepted = self.proposed.model_copy(update={
            "status": NeedStatus.ACCEPTED, "accepted_professional_id": PRO_ID, "updated_at": accepted_at,
            "proposals": [p.model_copy(update={"status": ProposalStatus.ACCEPTED}) for p in self.proposed.proposals],
            "history": [*self.proposed.history, {"version": 1, "at": accepted_at.isoformat(), "decision": "accept",
                                                 "reason": self.decide["reason"], "status": "accepted",
                                                 "professional_id": PRO_ID}]})
        # frame_mission: the same arithmetic as missions.frame_mission
        command = FrameMission.model_validate_json(json.dumps(FRAME_MISSION))
        framed_at = _utc("2026-03-16T13:40:00Z")
        days = sum(m.days for m in command.milestones)
        extra = missions._extra_per_day(self.professional, self.content)
        self.mission = Mission(
            mission_id=missions.mission_id_for(NEED_ID), beneficiary_id=BENEFICIARY_ID, need_id=NEED_ID,
            need_version=1, professional_id=PRO_ID, profile_category=self.professional.profile_category,
            level=self.professional.level, service_type=self.content.nature,
            daily_rate_cents=self.professional.daily_rate_cents, extra_costs=self.professional.extra_costs,
            start_date=command.start_date, end_date=command.end_date, deliverables=list(command.deliverables),
            milestones=[Milestone(**m.model_dump()) for m in command.milestones],
            planned_budget_cents=days * (self.professional.daily_rate_cents + extra),
            conflict_declaration=command.conflict_declaration, order_id=missions.order_id_for(NEED_ID),
            framed_at=framed_at)
        self.framed = self.accepted.model_copy(update={
            "status": NeedStatus.MISSION_FRAMED, "mission_id": self.mission.mission_id, "updated_at": framed_at,
            "history": [*self.accepted.history, {"version": 1, "status": "mission_framed",
                                                 "at": framed_at.isoformat()}]})
        # The mission's order (part A), as missions.issue_order_for makes it; first milestone done.
        issue = missions.issue_order_for(self.mission, self.content.title, self.content, _FixedClock(framed_at))
        order = Order(manager_id=BENEFICIARY_ID, **issue.model_dump())
        consumed = order.lines[0].amount_cents
        self.mission_view = {
            **_json(self.mission),
            "order": {"order_id": order.order_id, "state": "in_progress", "total_cents": order.total_cents,
                      "progress": 40, "invoice_date": None},
            "budget": {"planned_cents": self.mission.planned_budget_cents, "ordered_cents": order.total_cents,
                       "consumed_cents": consumed, "remaining_cents": order.total_cents - consumed}}
        self.need_view = {**_json(self.framed), "versions": [
            {"version": 1, "content": _json(self.content), "result": self.result}]}
        self.pool = {"total": 1240, "per_service_type": {"AMOA": 812, "AMOE": 611},
                     "per_region": {"84": {"label": "Auvergne-Rhône-Alpes", "count": 173},
                                    "11": {"label": "Île-de-France", "count": 402},
                                    "93": {"label": "Provence-Alpes-Côte d'Azur", "count": 96}},
                     "index_revision": 318, "built_at": "2026-03-09T08:30:01.902000+00:00"}
        # replace_professional: a planned departure (D5, notice table), then the equivalent replacement
        self.request_replacement = {"action": "request", "mission_id": self.mission.mission_id,
                                    "reason": "departure", "departure_date": "2026-05-29", "planned": True,
                                    "notified_on": "2026-05-04"}
        request = RequestReplacement.model_validate_json(json.dumps(self.request_replacement))
        requested_at = _utc("2026-05-04T07:20:00Z")
        notice = notice_period(self.mission.start_date, self.mission.end_date, request.notified_on)
        replacement = Replacement(
            reason=ReplacementReason.DEPARTURE, requested_at=requested_at,
            deadline=RecordedDeadline(code="D5", started_at=requested_at,
                              due=request.notified_on + dt.timedelta(days=replacements.D5_CALENDAR_DAYS),
                              unit="calendar_days", calendar="calendar"),
            leaving_professional_id=PRO_ID, departure_date=request.departure_date, planned=True,
            notified_on=request.notified_on, notice_days=notice.days, notice_label=notice.label,
            notice_respected=(request.departure_date - request.notified_on).days >= notice.days)
        from shared.domain.sourcing.process import MissionState, replacement_errors
        from shared.domain.sourcing.records import Level
        self.replacement_requested = self.mission.model_copy(update={
            "state": MissionState.REPLACEMENT_REQUESTED, "replacements": [replacement]})
        self.propose_replacement = {"action": "propose", "beneficiary_id": BENEFICIARY_ID,
                                    "mission_id": self.mission.mission_id, "professional_id": PRO2_ID}
        assert not replacement_errors(self.replacement_requested, self.replacement_pro)
        replaced_at = _utc("2026-05-12T08:00:00Z")
        done = replacement.model_copy(update={"replaced_by": PRO2_ID, "replaced_at": replaced_at, "deadline": (
            replacement.deadline.model_copy(update={"stopped_at": replaced_at,
                                                    "met": replaced_at.date() <= replacement.deadline.due}))})
        self.replaced = self.mission.model_copy(update={"professional_id": PRO2_ID, "replacements": [done]})
        self.not_equivalent = replacement_errors(self.replacement_requested, self.professional.model_copy(
            update={"professional_id": "pro-0203", "level": Level.CONFIRMED,
                    "daily_rate_cents": 58000}))


class _FixedClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


class _PenaltyStory:
    """D2 (connection within a month of signature) missed by ctr-acme: three days of P1 in April."""

    def __init__(self) -> None:
        from shared.domain.deadlines import Deadline, DeadlineState, Evidence, Unit
        from shared.domain.penalties import DecisionAction, entries_due, statement, statement_csv

        due = _utc("2026-03-31T22:00:00Z")  # 1 April 2026, 00:00 in Paris
        deadline = Deadline(
            deadline_id="d2-ctr-acme-ac-2026-017", kind="D2", tenant_id=MANAGER_ID, territory="69",
            started_at=_utc("2026-02-28T23:00:00Z"), due_at=due, length_amount=1, length_unit=Unit.CALENDAR_MONTHS,
            contractor_id=CONTRACTOR_ID, contract_id="AC-2026-017", state=DeadlineState.MISSED, penalty_rule="P1",
            evidence=(Evidence(event="started", at=_utc("2026-02-28T23:00:00Z"), ref="contract-AC-2026-017",
                               note="Marché notifié le 1er mars 2026"),
                      Evidence(event="missed", at=due)))
        entries = entries_due(deadline, _utc("2026-04-03T09:00:00Z"))
        self.decision = {"entry_id": entries[1].entry_id, "action": "waive",
                         "reason": "Retard dû à l'indisponibilité de notre propre service informatique."}
        decided = entries[1].decide(DecisionAction.WAIVE, self.decision["reason"], "uid-mgr-paul-lambert",
                                    _utc("2026-04-07T08:12:00Z"))
        self.entry = decided
        self.entries = [entries[0], decided, entries[2]]
        self.statement = statement(MANAGER_ID, CONTRACTOR_ID, None, "2026-04", self.entries)
        self.csv = statement_csv(self.statement).decode("utf-8")


class _AccountStory:
    """The Métropole asks for an account for a colleague; the operator creates it (D7 met)."""

    def __init__(self) -> None:
        import copy

        from shared.ports import Document, UnitOfWork
        from shared.service import accounts

        class _Memory(UnitOfWork):  # just enough unit of work: documents by path, no queries
            def __init__(self) -> None:
                super().__init__()
                self.docs: dict[str, dict[str, Any]] = {}

            def _fetch(self, paths):
                return {p: Document(p, copy.deepcopy(self.docs[p]), 1) for p in paths if p in self.docs}

            def _run_query(self, query):
                return []

            def _count(self, query):
                return 0

            def _apply(self, writes):
                for w in writes:
                    self.docs[w.path] = {**self.docs.get(w.path, {}), **(w.data or {})}

            def fork(self):
                return self

        class _Admin:
            def upsert_user(self, email, display_name, password, claims):
                return "Xq3mLw8TnR2vKc9bYp4dHs6fJa1z"

        self.request_body = {"email": "Marc.Petit@grandlyon.example.fr", "display_name": "Marc Petit",
                             "rights": ["needs.read", "needs.write"], "territory": "69"}
        uow = _Memory()
        self.request = accounts.request_account(
            "uid-sophie-garnier", "beneficiary", BENEFICIARY_ID,
            RequestAccount.model_validate_json(json.dumps(self.request_body)), uow,
            _FixedClock(_utc("2026-03-10T09:05:00Z")))
        self.create_body = {"email": "marc.petit@grandlyon.example.fr", "display_name": "Marc Petit",
                            "role": "beneficiary", "tenant": BENEFICIARY_ID, "rights": ["needs.read", "needs.write"],
                            "request_id": self.request.request_id}
        self.created = accounts.create_account(CreateAccount.model_validate_json(json.dumps(self.create_body)),
                                               _Admin(), uow, _FixedClock(_utc("2026-03-11T14:30:00Z")))
        self.weak = ErrorDetail.of("$.password", "WEAK_PASSWORD")


# --- A2 exchange perimeter examples: contracts, billing accounts, quotes; incidents ----------------------------

ERASE_PROFESSIONAL: dict[str, Any] = {"professional_id": "pro-0042",
                                      "reason": "Demande d'effacement reçue le 12/03/2026 (article 17 du RGPD)."}
PROFESSIONAL_ERASED: dict[str, Any] = {"professional_id": "pro-0042", "status": "erased"}

CONTRACT_ID = "AC-2026-017"
UPSERT_CONTRACT: dict[str, Any] = {
    "contract_id": CONTRACT_ID, "title": "Entretien et petits travaux de plomberie — patrimoine lyonnais",
    "contractor_id": CONTRACTOR_ID, "contractor_siret": "43819027600016",
    "lots": [{"code": "PLB", "label": "Plomberie sanitaire"}, {"code": "CVC", "label": "Chauffage et ventilation"}],
    "perimeter": {"departements": ["69"], "communes": ["01173"]},
    "signed_on": "2026-02-20", "starts_on": "2026-03-01", "ends_on": "2029-02-28", "status": "active",
    "penalty_terms": {"daily_amount_cents": {"P1": 20000}, "rules_by_kind": {"D3": "P1"}},
}
UPSERT_BILLING_ACCOUNT: dict[str, Any] = {
    "billing_account_id": "CF-LYON-01", "contract_ids": [CONTRACT_ID],
    "invoicing_address": {"lines": ["Rhône Habitat — Service comptabilité fournisseurs", "12 rue de la République"],
                          "postal_code": "69002", "city": "Lyon"},
    "legal_entity": {"name": "Rhône Habitat OPH", "siret": "27690001200010"},
}
QUOTE_ID = "DEV-2026-0042"
REQUEST_QUOTE: dict[str, Any] = {
    "quote_id": QUOTE_ID, "contract_id": CONTRACT_ID, "contractor_id": CONTRACTOR_ID,
    "title": "Remplacement de la colonne d'eau froide — bâtiment A",
    "site": {"node_id": "LYON-BAT-A", "label": "Résidence Les Tilleuls — bâtiment A", "commune": "69383"},
}
SUBMIT_QUOTE: dict[str, Any] = {
    "manager_id": MANAGER_ID, "quote_id": QUOTE_ID, "valid_until": "2026-04-30",
    "lines": [
        {"line_id": "1", "service_code": "PLB-COL-01", "label": "Remplacement de colonne (par niveau)",
         "quantity": "5", "unit": "U", "unit_price_cents": 68000},
        {"line_id": "2", "service_code": "PLB-DEP-01", "label": "Déplacement", "quantity": "1", "unit": "U",
         "unit_price_cents": 4500},
    ],
    "document_sha256": "3b7d9e1f5a2c8b4d6e0f1a3c5b7d9e2f4a6c8b0d1e3f5a7c9b2d4e6f8a0c1b3d",
}


class _ExchangePerimeterStory:
    """Rhône Habitat's contract with ctr-acme, its billing account, a quote accepted; an incident acknowledged."""

    def __init__(self) -> None:
        from shared.domain import catalogue as cat
        from shared.domain import documents as docs_domain
        from shared.domain import property_tree as pt
        from shared.service import property_tree as tree_service
        from shared.domain.quotes import QuoteAction, QuoteVersion
        from shared.service import deadlines as dls
        from shared.domain.incidents import severity_variant
        from shared.service.incidents import incident_id_for

        saved = {"manager_id": MANAGER_ID, "version": 1, "updated_at": "2026-02-20T10:15:02.331000+00:00"}
        self.contract_saved = {"changed": True, **UPSERT_CONTRACT, **saved}
        self.contract_updated = {**self.contract_saved, "status": "suspended", "version": 2,
                                 "updated_at": "2026-09-01T07:30:00+00:00"}
        self.contract_changed = {**UPSERT_CONTRACT, **saved, "change": "created"}
        self.billing_saved = {"changed": True, **UPSERT_BILLING_ACCOUNT, **saved}
        self.billing_changed = {**UPSERT_BILLING_ACCOUNT, **saved, "change": "created"}
        self.contract_invalid = _errors_of(UpsertContract, {**UPSERT_CONTRACT, "ends_on": "2026-01-31",
                                                            "perimeter": {"departements": ["99"]}})
        self.billing_invalid = _errors_of(UpsertBillingAccount, {**UPSERT_BILLING_ACCOUNT, "invoicing_address": {
            **UPSERT_BILLING_ACCOUNT["invoicing_address"], "postal_code": "6900"}})

        requested = Quote(manager_id=MANAGER_ID, quote_id=QUOTE_ID, contract_id=CONTRACT_ID,
                          contractor_id=CONTRACTOR_ID, title=REQUEST_QUOTE["title"],
                          site=RequestQuote.model_validate_json(json.dumps(REQUEST_QUOTE)).site,
                          requested_at=_utc("2026-03-09T08:30:00Z"))
        command = SubmitQuote.model_validate_json(json.dumps(SUBMIT_QUOTE))
        version = QuoteVersion(version=1, lines=command.lines, valid_until=command.valid_until,
                               document_sha256=command.document_sha256, catalogue_version=3,
                               submitted_at=_utc("2026-03-11T15:02:00Z"))
        submitted = requested.apply(QuoteAction.SUBMIT, "contractor", versions=[version])
        self.decide = {"quote_id": QUOTE_ID, "action": "accept"}
        accepted = submitted.apply(QuoteAction.ACCEPT, "manager", decided_at=_utc("2026-03-16T09:00:00Z"),
                                   created_order_id="BC-2026-0150")
        self.refuse = {"quote_id": QUOTE_ID, "action": "refuse", "reason": "Montant supérieur à l'enveloppe votée."}
        self.withdraw = {"manager_id": MANAGER_ID, "quote_id": QUOTE_ID, "action": "withdraw",
                         "reason": "Erreur de métré : une nouvelle demande suivra."}
        self.quotes = {name: {**_json(q), "current_version": q.current.version if q.current else None}
                       for name, q in (("requested", requested), ("submitted", submitted), ("accepted", accepted))}
        added = [line.model_copy(update={"line_id": f"DEV-2026-0043-{line.line_id}"}) for line in command.lines]
        self.lines_added = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "quote_id": "DEV-2026-0043",
                            "lines": [_json(line) for line in added],
                            "total_cents": sum(line.amount_cents for line in [
                                *IssueOrder.model_validate_json(json.dumps(ISSUE_ORDER)).lines, *added])}
        self.catalogue_published = {"manager_id": MANAGER_ID, **_json(CatalogueVersion.model_validate({
            "contract_id": CONTRACT_ID, "version": 3, "valid_from": "2026-03-01", "reviewed_on": "2026-02-15",
            "items": {code: {"code": code, "label": label, "unit": "U", "unit_price_cents": price, "vat_rate": "10"}
                      for code, label, price in (("PLB-COL-01", "Remplacement de colonne (par niveau)", 68000),
                                                 ("PLB-DEP-01", "Déplacement", 4500),
                                                 ("PLB-FUI-01", "Recherche et réparation de fuite", 12500))}}))}
        self.import_catalogue = {"contract_id": CONTRACT_ID, "valid_from": "2026-03-01", "reviewed_on": "2026-02-15",
                                 "items": [{"code": code, "label": item["label"], "unit": "U",
                                            "unit_price": f"{item['unit_price_cents'] / 100:.2f}", "vat_rate": "10"}
                                           for code, item in self.catalogue_published["items"].items()]}
        items, errors = cat.parse_json_items(json.dumps(self.import_catalogue["items"]).encode())
        assert not errors
        version, _ = cat.next_version([], CONTRACT_ID, dt.date(2026, 3, 1), dt.date(2026, 2, 15), items)
        assert version is not None
        self.catalogue_imported = {"contract_id": CONTRACT_ID, "version": 3,
                                   "valid_from": version.valid_from.isoformat(), "items": len(version.items)}
        self.catalogue_csv = ("code;label;unit;unit_price;vat_rate\r\n" + "".join(
            f"{i['code']};{i['label']};{i['unit']};{i['unit_price'].replace('.', ',')};{i['vat_rate']}\r\n"
            for i in self.import_catalogue["items"]))
        csv_items, csv_errors = cat.parse_csv(self.catalogue_csv.encode("utf-8"))
        assert not csv_errors and csv_items == items, csv_errors
        self.catalogue_csv_errors = cat.parse_csv(
            self.catalogue_csv.replace("68000", "680").replace(";680,00;10", ";680,00;7").replace(";45,00;", ";45,5x;")
            .encode("utf-8"))[1]
        v2 = {"version": 2, "valid_from": "2025-03-01", "reviewed_on": "2025-02-10"}
        self.catalogue_view = {"contract_id": CONTRACT_ID, "on": "2026-03-16", "versions": [
            {"version": 1, "valid_from": "2024-03-01", "reviewed_on": "2024-02-12"}, v2,
            {"version": 3, "valid_from": "2026-03-01", "reviewed_on": "2026-02-15"}],
            "in_force": {k: v for k, v in self.catalogue_published.items() if k != "manager_id"},
            "needs_review": cat.needs_review(version, dt.date(2026, 3, 16))}
        self.tree_body = {"nodes": [
            {"node_id": "LYON-TILLEULS", "kind": "site", "parent_id": None, "label": "Résidence Les Tilleuls"},
            {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON-TILLEULS", "label": "Bâtiment A",
             "commune": "69383"},
            {"node_id": "LYON-BAT-A-ESC-1", "kind": "staircase", "parent_id": "LYON-BAT-A", "label": "Escalier 1"},
            {"node_id": "LYON-BAT-A-LOG-12", "kind": "dwelling", "parent_id": "LYON-BAT-A-ESC-1",
             "label": "Logement 12 (T3, 2e étage)"},
            {"node_id": "LYON-BAT-A-CHAUD", "kind": "equipment", "parent_id": "LYON-BAT-A",
             "label": "Chaufferie collective"}]}
        rows, errors = pt.parse_json(json.dumps(self.tree_body).encode())
        to_write, plan_errors = pt.plan(rows, {})
        assert not errors and not plan_errors, errors + plan_errors
        self.tree_csv = "node_id;kind;parent_id;label;commune\r\n" + "".join(
            f"{n['node_id']};{n['kind']};{n['parent_id'] or ''};{n['label']};{n.get('commune', '')}\r\n"
            for n in self.tree_body["nodes"])
        csv_rows, csv_errors = pt.parse_csv(self.tree_csv.encode("utf-8"))
        assert not csv_errors and [n for _, n in csv_rows] == [n for _, n in rows], csv_errors
        bad_rows, _ = pt.parse_json(json.dumps([*self.tree_body["nodes"], {
            "node_id": "LYON-BAT-B-LOG-3", "kind": "dwelling", "parent_id": "LYON-BAT-B", "label": "Logement 3"}]).encode())
        self.tree_errors = pt.plan(bad_rows, {})[1]
        assert self.tree_errors
        job_id = "imp-" + digest(MANAGER_ID, *(n.model_dump_json() for _, n in rows))[:24]
        job = {"job_id": job_id, "manager_id": MANAGER_ID, "format": "json", "status": "completed",
               "nodes_in_file": len(rows), "to_write": len(to_write), "written": len(to_write), "batches": 1,
               "batch_size": tree_service.BATCH_NODES, "started_at": "2026-02-18T09:00:00.120000+00:00",
               "updated_at": "2026-02-18T09:00:00.481000+00:00", "resumes": 0, "already_written_before_resume": 0,
               "completed_at": "2026-02-18T09:00:00.481000+00:00", "tree_nodes": len(rows)}
        self.tree_imported = {**job, "changed": True, "written_now": len(to_write), "resumed": False}
        self.tree_unchanged = {**job, "changed": False, "written_now": 0}
        self.coverage = {"manager_id": MANAGER_ID, "tree_nodes": len(rows), "tree_in_force": True,
                         **pt.coverage([("order", ORDER_ID, "LYON-BAT-A-LOG-12"),
                                        ("document", f"{ORDER_ID}/{SUBMIT_QUOTE['document_sha256']}",
                                         "LYON-BAT-A-LOG-12"),
                                        ("order", "BC-2026-0087", "LYON-BAT-C"), ("order", "BC-2026-0090", None)],
                                       {n.node_id for _, n in rows}),
                         "unfinished_imports": []}
        sha = "5d41b0c7e9a2f3d84c6b1e0a9f7d2c3b8e4a6f1d0c9b7e2a3f5d8c1b4e6a9f2d"
        self.attach_fields = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "kind": "intervention_report"}
        self.request_upload = {**self.attach_fields, "filename": "CR-BC-2026-0101-photos.pdf",
                               "size_bytes": 18_734_112}
        upload_id = "8c1f3e5a7b9d4f2e6a0c8b1d3f5e7a9c"
        self.register_upload = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "upload_id": upload_id}
        staged = docs_domain.staging_name(MANAGER_ID, ORDER_ID, upload_id)
        self.upload_ticket = {
            "upload_id": upload_id, "method": "PUT", "headers": {"Content-Type": "application/pdf"},
            "upload_url": f"https://storage.googleapis.com/passerelle-documents/{staged}?X-Goog-Algorithm="
                          f"GOOG4-RSA-SHA256&X-Goog-Expires={int(docs_domain.UPLOAD_URL_TTL.total_seconds())}"
                          "&X-Goog-Signature=…",
            "expires_at": "2026-03-05T15:03:00+00:00", "max_bytes": docs_domain.MAX_DOCUMENT_BYTES,
            "manager_id": MANAGER_ID, "order_id": ORDER_ID}
        record = {"sha256": sha, "manager_id": MANAGER_ID, "order_id": ORDER_ID, "contractor_id": CONTRACTOR_ID,
                  "kind": "intervention_report", "filename": "CR-BC-2026-0101.pdf", "size_bytes": 284_517, "pages": 3,
                  "object_name": docs_domain.object_name(MANAGER_ID, ORDER_ID, sha), "channel": "rest",
                  "uploaded_by": "uid-ctr-lucas-martin", "uploaded_at": "2026-03-05T14:41:12.905000+00:00"}
        self.document_stored = {"created": True, "document": record}
        ttl = int(docs_domain.DOWNLOAD_URL_TTL.total_seconds())
        self.document_list = {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "documents": [{
            **record, "download_url": f"https://storage.googleapis.com/passerelle-documents/{record['object_name']}"
                                      f"?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires={ttl}&X-Goog-Signature=…",
            "download_expires_in_seconds": ttl}]}
        self.not_pdf = docs_domain.inspect_pdf(b"PK\x03\x04 rapport.docx", docs_domain.MAX_REST_BYTES)[1]
        self.too_large = docs_domain.size_errors(62_914_560, docs_domain.MAX_DOCUMENT_BYTES, "$.size_bytes")
        assert self.not_pdf and self.too_large
        self.quote_illegal = self._refused(lambda: accepted.apply(QuoteAction.REFUSE, "manager"))
        self.quote_not_for_actor = self._refused(lambda: submitted.apply(QuoteAction.ACCEPT, "contractor"))
        self.incident_not_acknowledged = None  # set below, once the incident exists

        self.report = {"severity": 2, "title": "Connecteur ERP bloqué : ordres non reçus",
                       "description": "Depuis 8 h 40, aucun ordre de service n'arrive sur notre topic. "
                                      "Les interventions urgentes sont traitées par téléphone.",
                       "order_id": ORDER_ID, "territory": "69"}
        reported_at = _utc("2026-03-12T07:52:00Z")
        incident_id = incident_id_for("contractor", CONTRACTOR_ID, "inc-2026-03-12-0001")
        planned = dls.plan_deadline("D8", "D8-" + incident_id, tenant_id=CONTRACTOR_ID, territory="69",
                                    started_at=reported_at, ref=incident_id, variant=severity_variant(2))
        incident = Incident(incident_id=incident_id, reporter_tenant=CONTRACTOR_ID, reporter_role="contractor",
                            reported_by="uid-ctr-lucas-martin", severity=2, title=self.report["title"],
                            description=self.report["description"], order_id=ORDER_ID, territory="69",
                            reported_at=reported_at, deadline_id=planned.deadline_id, due_at=planned.due_at)
        self.acknowledge = {"incident_id": incident_id, "note": "Abonnement push relancé ; surveillance renforcée."}
        self.incident_reported = {**_json(incident), "d8_state": "running"}
        self.incident_acknowledged = {**_json(incident.model_copy(update={
            "state": IncidentState.ACKNOWLEDGED, "acknowledged_at": _utc("2026-03-12T08:21:00Z"),
            "acknowledged_by": OPERATOR_UID, "note": self.acknowledge["note"], "first_response_met": True})),
            "d8_state": "met"}
        self.incident_invalid = _errors_of(ReportIncident, {**self.report, "severity": 5, "title": ""})
        acknowledged = Incident.model_validate({k: v for k, v in self.incident_acknowledged.items() if k != "d8_state"})
        self.resolve = {"incident_id": incident_id,
                        "resolution": "Certificat du point de terminaison push renouvelé ; ordres en attente relivrés."}
        resolved = acknowledged.move(IncidentState.RESOLVED, _utc("2026-03-12T10:05:00Z"), OPERATOR_UID,
                                     self.resolve["resolution"])
        self.incident_resolved = {**_json(resolved), "d8_state": resolved.d8_status(_utc("2026-03-12T10:05:00Z"))}
        self.incident_list = {"incidents": [self.incident_resolved], "count": 1, "next_cursor": None}
        reported = Incident.model_validate({k: v for k, v in self.incident_reported.items() if k != "d8_state"})
        self.incident_not_acknowledged = self._refused(
            lambda: reported.move(IncidentState.RESOLVED, _utc("2026-03-12T08:00:00Z"), OPERATOR_UID, "r"))
        self.quote_submitted = submitted
        from shared.service import quotes as quote_service
        lyon = requested.model_copy(update={"territory": "69"})
        d3 = dls.plan_deadline("D3", f"D3-{QUOTE_ID}", tenant_id=MANAGER_ID, territory="69",
                               started_at=lyon.requested_at, ref=QUOTE_ID)
        self.quote_requested_message = quote_service.requested_message(lyon, d3.due_at)
        self.quote_requested = self.quote_requested_message.data
        accepted_here = submitted.apply(QuoteAction.ACCEPT, "manager", decided_at=_utc("2026-03-16T09:00:00Z"),
                                        created_order_id=QUOTE_ID)
        refused_here = submitted.apply(QuoteAction.REFUSE, "manager", decided_at=_utc("2026-03-16T09:00:00Z"),
                                       reason=self.refuse["reason"])
        self.quote_accepted_message = quote_service.decided_message(submitted, accepted_here, "manager",
                                                                    _utc("2026-03-16T09:00:00Z"))
        self.quote_decided = {"accepted": self.quote_accepted_message.data,
                              "refused": quote_service.decided_message(submitted, refused_here, "manager",
                                                                       _utc("2026-03-16T09:00:00Z")).data}
        self.quote_expired = _json(QuoteExpired(manager_id=MANAGER_ID, quote_id=QUOTE_ID, version=1,
                                                valid_until=command.valid_until,
                                                expired_at=_utc("2026-05-01T03:05:00Z")))

    @staticmethod
    def _refused(step: Any) -> list[ErrorDetail]:
        from shared.domain.errors import DomainError
        try:
            step()
        except DomainError as exc:
            return list(exc.errors)
        raise AssertionError("the step was meant to be refused")


EXPORT_JOB_ID = "5b0e8f2a9c4d4e1f8a7b6c5d4e3f2a1b"
EXPORT_PENDING: dict[str, Any] = {
    "job_id": EXPORT_JOB_ID, "tenant": MANAGER_ID, "role": "manager", "spaces": [f"managers/{MANAGER_ID}"],
    "status": "pending", "requested_by": "uid-mgr-paul-lambert", "requested_at": "2026-06-30T16:02:11.408000+00:00",
    "progress": {"records": 0, "files": 0},
}
EXPORT_RUNNING: dict[str, Any] = {**EXPORT_PENDING, "status": "running",
                                  "started_at": "2026-06-30T16:02:12.051000+00:00",
                                  "progress": {"records": 4200, "files": 3}}
EXPORT_COMPLETED: dict[str, Any] = {
    **EXPORT_RUNNING, "status": "completed", "completed_at": "2026-06-30T16:03:47.930000+00:00",
    "progress": {"records": 18734, "files": 41},
    "archive": f"exports/{MANAGER_ID}/{EXPORT_JOB_ID}.zip",
    "archive_sha256": "9f2c4b7e1a8d3f6c0b5e2a9d8c7f4e3b1a6d9c2f5e8b7a4d3c6f9e2b1a8d7c4f", "archive_bytes": 48213377,
    "download_url": f"https://storage.googleapis.com/passerelle-exports/exports/{MANAGER_ID}/{EXPORT_JOB_ID}.zip"
                    "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature=…",
    "download_expires_in_seconds": 900,
}


class _ReportStory:
    """The Métropole's first half of 2026 (B6) and the purchasing body's (B17), from the sourcing story:
    the mission's first milestone done on 30 April, its proof of service on 4 May, D4 met."""

    def __init__(self, s: _SourcingStory) -> None:
        import hashlib

        from shared.domain import workdays
        from shared.domain.deadlines import Deadline as Timer
        from shared.domain.deadlines import DeadlineState, Unit
        from shared.domain.sourcing import reporting as rep
        from shared.domain.sourcing.price_schedule import PRICE_SCHEDULE
        from shared.service.sourcing import missions

        issue = missions.issue_order_for(s.mission, s.content.title, s.content, _FixedClock(s.mission.framed_at))
        first = issue.lines[0].line_id
        order = Order(manager_id=BENEFICIARY_ID, **issue.model_dump(), state=OrderState.IN_PROGRESS,
                      line_status={first: True})
        d4 = Timer(deadline_id="D4-3f1c0a9e7b5d2c4e6a8b0d1f3e5c7a9b", kind="D4", tenant_id=BENEFICIARY_ID,
                   territory="69", started_at=s.submitted.submitted_at,
                   due_at=workdays.end_of_day(s.submitted.d4.due, "69"), length_amount=10,
                   length_unit=Unit.WORKING_DAYS, state=DeadlineState.MET, stopped_at=s.proposed.d4.stopped_at)
        facts = rep.BeneficiaryFacts(
            beneficiary_id=BENEFICIARY_ID, name=BENEFICIARY["name"], siret=BENEFICIARY["siret"], territory="69",
            needs=[s.framed], missions=[s.mission], deadlines=[d4],
            orders=[rep.OrderFacts(order=order, line_done_at={first: _utc("2026-04-30T15:00:00Z")},
                                   proofs_at=[_utc("2026-05-04T09:00:00Z")])],
            professional_names={PRO_ID: s.professional.name})
        period = rep.ReportPeriod(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
        now = _utc("2026-07-01T04:00:00Z")
        beneficiary = rep.beneficiary_report(facts, period, now)
        body = rep.purchasing_body_report([facts], period, PRICE_SCHEDULE, now)
        self.beneficiary = _json(beneficiary)
        self.purchasing_body = _json(body)
        self.beneficiary_csv = rep.beneficiary_csv(beneficiary).decode("utf-8")
        self.purchasing_body_csv = rep.purchasing_body_csv(body).decode("utf-8")
        digest = hashlib.sha256(body.model_dump_json(indent=2).encode()).hexdigest()
        stem = f"reports/half-year/2026-H1/rapport-centrale-2026-H1-{digest[:16]}"
        record = rep.HalfYearReportRecord(
            report_id=rep.half_year_report_id("2026-H1"), half_year="2026-H1", period=period, generated_at=now,
            json_object=f"{stem}.json", csv_object=f"{stem}.csv", json_sha256=digest,
            csv_sha256=hashlib.sha256(rep.purchasing_body_csv(body)).hexdigest(), volume_cents=body.volume.cents,
            orders=body.volume.orders, gain_cents=body.gains.gain_cents,
            price_schedule_version=body.price_schedule_version)
        signed = "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature=…"
        self.link = _json(rep.HalfYearReportLink(
            **record.model_dump(), url_expires_in_seconds=900,
            json_url=f"https://storage.googleapis.com/passerelle-documents/{record.json_object}{signed}",
            csv_url=f"https://storage.googleapis.com/passerelle-documents/{record.csv_object}{signed}"))
        self.list = {"reports": [self.link]}
        self.published = _json(rep.HalfYearReportPublished(**record.model_dump(), created=True))


class _Platform:
    """Every example of part B and of the platform services, computed once."""

    def __init__(self) -> None:
        self.sourcing = _SourcingStory()
        self.penalties = _PenaltyStory()
        self.accounts = _AccountStory()
        self.exchange = _ExchangePerimeterStory()
        self.reports = _ReportStory(self.sourcing)


def _import_report() -> dict[str, Any]:
    bad = {**PROFESSIONAL, "professional_id": "pro-0300", "siret": "43819027600017", "daily_rate_cents": 0}
    _, errors = parse_json(Professional, json.dumps(bad))
    prefixed = [ErrorDetail(field="$[2]" + e.field[1:], code=e.code, message=e.message) for e in errors]
    return {"accepted": 2, "rejected": 2, "changed": 2, "index_revision": 319, "lines": [
        {"line": 1, "status": "accepted", "professional_id": PRO_ID},
        {"line": 2, "status": "rejected", "errors": [_json(e) for e in prefixed]},
        {"line": 3, "status": "accepted", "professional_id": PRO2_ID},
        {"line": 4, "status": "rejected", "errors": [_json(ErrorDetail.of(
            "$[4]", "MALFORMED_JSON", detail="Expecting ',' delimiter"))]},
    ]}


def _jsonl(*bodies: dict[str, Any]) -> str:
    return "".join(json.dumps(b, ensure_ascii=False, separators=(",", ":")) + "\n" for b in bodies)


def _web_examples(p: _Platform) -> dict[str, list[Any]]:
    """The web application's reads, computed by their service from this story's documents."""
    quote = {k: v for k, v in p.exchange.quotes["submitted"].items() if k != "current_version"}
    contract = {k: v for k, v in UPSERT_CONTRACT.items() if k in ("contract_id", "contractor_id", "status", "starts_on",
                                                                   "ends_on", "lots", "perimeter")}
    return contracts_web.examples(quote, contract, _json(p.accounts.request), _json(p.sourcing.submitted),
                                  _json(p.sourcing.proposed), p.sourcing.result, PROFESSIONAL,
                                  _utc("2026-03-11T09:00:00Z"))


def platform_examples(p: _Platform) -> dict[str, list[Any]]:
    s, pen, acc, xp = p.sourcing, p.penalties, p.accounts, p.exchange
    return {
        "Beneficiary": [BENEFICIARY],
        "Professional": [PROFESSIONAL, {k: v for k, v in REPLACEMENT_PRO.items() if k != "siret"}],
        "ProfessionalUpserted": [{"outcome": "created", **_json(s.professional)}],
        "ImportReport": [_import_report()],
        "SubmitNeed": [{"need_id": NEED_ID, "content": NEED_CONTENT}],
        "ProposeProfessionals": [s.propose],
        "DecideProposal": [s.decide, {"need_id": NEED_ID, "version": 1, "decision": "relaunch",
                                      "reason": "Profils trop orientés AMOE : élargir à l'Île-de-France.",
                                      "content": {**NEED_CONTENT, "region": "11", "work_mode": "remote"}}],
        "NeedRecord": [_json(s.submitted), _json(s.proposed), _json(s.accepted)],
        "NeedSubmitted": [{"beneficiary_id": BENEFICIARY_ID, "need_id": NEED_ID, "version": 1}],
        "FrameMission": [FRAME_MISSION],
        "Mission": [_json(s.mission), _json(s.replacement_requested), _json(s.replaced)],
        "ReplacementRequest": [s.request_replacement, s.propose_replacement],
        "SourcingView": [s.need_view, s.mission_view, s.pool],
        "BeneficiaryReport": [p.reports.beneficiary],
        "PurchasingBodyReport": [p.reports.purchasing_body],
        "HalfYearReportList": [p.reports.list],
        "HalfYearReportLink": [p.reports.link],
        "ReportView": [p.reports.beneficiary, p.reports.purchasing_body, p.reports.list],
        "PublishHalfYearReport": [{}, {"half_year": "2026-H1"}],
        "HalfYearReportPublished": [p.reports.published, {**p.reports.published, "created": False}],
        "PenaltyDecisionRequest": [pen.decision],
        "PenaltyEntry": [_json(pen.entry)],
        "Statement": [_json(pen.statement)],
        "RequestAccount": [acc.request_body],
        "AccountRequest": [_json(acc.request)],
        "CreateAccount": [acc.create_body],
        "AccountCreated": [acc.created],
        "ExportJob": [EXPORT_PENDING, EXPORT_RUNNING, EXPORT_COMPLETED],
        "ExportRequested": [{"job_id": EXPORT_JOB_ID}],
        "UpsertContract": [UPSERT_CONTRACT, {k: v for k, v in UPSERT_CONTRACT.items() if k != "penalty_terms"}],
        "ContractSaved": [xp.contract_saved, xp.contract_updated],
        "ContractChanged": [xp.contract_changed],
        "UpsertBillingAccount": [UPSERT_BILLING_ACCOUNT],
        "BillingAccountSaved": [xp.billing_saved],
        "BillingAccountChanged": [xp.billing_changed],
        "RequestQuote": [REQUEST_QUOTE],
        "SubmitQuote": [SUBMIT_QUOTE],
        "DecideQuote": [xp.decide, xp.refuse, xp.withdraw],
        "QuoteView": list(xp.quotes.values()),
        "ReportIncident": [xp.report],
        "AcknowledgeIncident": [xp.acknowledge],
        "IncidentView": [xp.incident_reported, xp.incident_acknowledged, xp.incident_resolved],
        "ResolveIncident": [xp.resolve],
        "IncidentList": [xp.incident_list],
        "QuoteExpired": [xp.quote_expired],
        "QuoteRequested": [xp.quote_requested],
        "QuoteDecided": list(xp.quote_decided.values()),
        "EraseProfessional": [ERASE_PROFESSIONAL],
        "ProfessionalErased": [PROFESSIONAL_ERASED, {**PROFESSIONAL_ERASED, "status": "already_erased"}],
        "CataloguePublished": [xp.catalogue_published],
        "OrderLinesAdded": [xp.lines_added],
        "ImportCatalogue": [xp.import_catalogue],
        "CatalogueImported": [xp.catalogue_imported],
        "CatalogueView": [xp.catalogue_view],
        "ImportPropertyTree": [xp.tree_body],
        "PropertyTreeImported": [xp.tree_imported, xp.tree_unchanged],
        "PropertyCoverage": [xp.coverage],
        "AttachFields": [xp.attach_fields],
        "RegisterUpload": [xp.register_upload],
        "RequestUpload": [xp.request_upload],
        "DocumentStored": [xp.document_stored],
        "UploadTicket": [xp.upload_ticket],
        "DocumentList": [xp.document_list],
        "OrderList": [_Story().order_list()],
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
    # A command class named in the imperative keeps its wire name (its title) as component name.
    renamed = {model.__name__: model.model_config["title"] for model, _ in wanted
               if model.model_config.get("title") not in (None, model.__name__)}
    if renamed:
        text = json.dumps({"top": top, "keys": {repr(k): v for k, v in key_map.items()}})
        for old, new in renamed.items():
            text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
        loaded = json.loads(text)
        top = loaded["top"]
        top["$defs"] = {renamed.get(k, k): v for k, v in top.get("$defs", {}).items()}
        key_map = {k: loaded["keys"][repr(k)] for k in key_map}
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


def _common_problems(operation: str, *, post: bool, allowed: str | None = None,
                     max_body: int = edge_http.MAX_BODY_BYTES, media: str = "application/json nor a +json type"
                     ) -> dict[str, dict[str, Any]]:
    """The answers the shared edge gives before (or around) any operation."""
    path = f"/{operation}"
    allowed = allowed or ("POST" if post else "GET")
    cid = CORRELATION_IDS[2]
    rights = x_right(operation)
    right = rights if isinstance(rights, str) else next(iter(rights.values()))
    right_text = (f"`{rights}`" if isinstance(rights, str)
                  else " / ".join(f"`{r}` ({role})" for role, r in rights.items()))
    responses = {
        "401": _problem_response(
            "No bearer token, or an invalid, expired or unregistered one.",
            {"unauthenticated": _problem(401, [ErrorDetail.of("header.Authorization", "UNAUTHENTICATED")], cid,
                                         instance=path)},
            headers={"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}),
        "403": _problem_response(
            f"The caller's role may not call this operation (FORBIDDEN), or the account lacks the right "
            f"{right_text} (MISSING_RIGHT).",
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
            f"The body is over {max_body} bytes.",
            {"payload_too_large": _problem(413, [ErrorDetail.of("$", "PAYLOAD_TOO_LARGE",
                                                                limit=max_body)], cid, instance=path)})
        responses["415"] = _problem_response(
            f"The Content-Type is neither {media}.",
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


# --- OpenAPI: penalties, accounts, reversibility, sourcing -------------------------------------

_PLATFORM_HTTP_SCHEMAS = [
    "Beneficiary", "Professional", "ProfessionalUpserted", "ImportReport", "SubmitNeed", "ProposeProfessionals",
    "DecideProposal", "NeedRecord", "FrameMission", "Mission", "ReplacementRequest", "SourcingView", "ReportView",
    "PenaltyDecisionRequest", "PenaltyEntry", "Statement", "RequestAccount", "AccountRequest", "CreateAccount",
    "AccountCreated", "ExportJob", "UpsertContract", "ContractSaved", "UpsertBillingAccount", "BillingAccountSaved",
    "RequestQuote", "SubmitQuote", "DecideQuote", "QuoteView", "ReportIncident", "AcknowledgeIncident", "IncidentView",
    "ResolveIncident", "IncidentList", "EraseProfessional", "ProfessionalErased",
    "ImportCatalogue", "CatalogueImported", "CatalogueView", "ImportPropertyTree", "PropertyTreeImported",
    "PropertyCoverage", "RegisterUpload", "RequestUpload", "DocumentStored", "UploadTicket", "DocumentList",
    "OrderList",
]
# functions/import_professionals.py: JSON_LINES and MAX_BULK_BYTES (not imported: the handler imports Flask).
JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")
IMPORT_MAX_BYTES = 32 * 1024 * 1024


def _errors_of(model: type[BaseModel], body: dict[str, Any], wrap: str | None = None) -> list[ErrorDetail]:
    """The errors the real parser finds in a body (wrapped as the handler wraps it, when it does)."""
    _, errors = parse_json(model, json.dumps({wrap: body} if wrap else body))
    assert errors, f"{model.__name__}: the example was meant to be refused"
    return errors


def _post_body(ref: str, examples: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {
        "schema": {"$ref": ref},
        "examples": {name: {"summary": summary, "value": value} for name, (summary, value) in examples.items()}}}}


_POST_PARAMS = [{"$ref": "#/components/parameters/Idempotency-Key"}, {"$ref": "#/components/parameters/X-Correlation-Id"}]
_IDEM_400 = "Body is not JSON, or the Idempotency-Key header is missing or invalid."
_IDEM_409 = "A request with this Idempotency-Key is still running."
_IDEM_422 = "the Idempotency-Key was used for a different body."


def _query(name: str, description: str, example: str, *, required: bool = False,
           enum: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema,
            "example": example}


def _platform_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    pen, acc = p.penalties, p.accounts
    cid0, cid1, _ = CORRELATION_IDS

    # decide_penalty ------------------------------------------------------------------------
    path_item("decide_penalty", {
        "summary": "Waive, dispute or uphold one penalty entry",
        "description": (
            "A manager decides on one day of penalty of its ledger (A9): `waive` (forgo the amount; accrued or "
            "disputed entries), `dispute` (put it aside while the contractor's objection is examined; accrued "
            "entries) or `uphold` (the dispute is rejected: the amount is due again). Entries are never deleted: "
            "the decision, its reason, its author and its time are appended. See docs/penalties.md."),
        "tags": ["manager"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["PenaltyDecisionRequest"], {"waive": ("Waive day 2", pen.decision)}),
        "responses": {
            "200": _json_response("Decision recorded; the entry as it is now.", refs["PenaltyEntry"],
                                  {"waived": ("Entry waived, with its decision", _json(pen.entry))}, _REPLAYED),
            **post_errors("decide_penalty", extra={
                "400": {"malformed_json": _rejected(_malformed(DecidePenalty), cid0)},
                "422": {
                    "penalty_not_found": _rejected([ErrorDetail.of("$.entry_id", "PENALTY_NOT_FOUND",
                                                                   entry_id="d2-ctr-acme-ac-2026-017-d00009")], cid0),
                    "decision_not_allowed": _rejected([ErrorDetail.of(
                        "$.action", "PENALTY_DECISION_NOT_ALLOWED", action="uphold", status_label="due")], cid1),
                    "invalid_action": _rejected(_errors_of(DecidePenalty, {**pen.decision, "action": "cancel",
                                                                                    "reason": ""}), cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "409": _IDEM_409,
                "422": "The body breaks the schema, no such entry in the caller's ledger (PENALTY_NOT_FOUND), the "
                       "action does not apply to the entry's status, or " + _IDEM_422,
            }),
        },
    }, "post")

    # get_penalty_statement -----------------------------------------------------------------
    get_errors = _common_problems("get_penalty_statement", post=False)
    get_errors["400"] = _problem_response(
        "A query parameter is missing or invalid (month as YYYY-MM, format json or csv).", {
            "month_missing": _problem(400, [ErrorDetail.of("query.month", "REQUIRED")], cid0,
                                      instance="/get_penalty_statement"),
            "month_invalid": _problem(400, [ErrorDetail.of("query.month", "INVALID_MONTH")], cid0,
                                      instance="/get_penalty_statement")})
    statement_json = _json_response("The month's statement (an empty month has no lines and zero totals).",
                                    refs["Statement"], {"april": ("April 2026: two days due, one waived",
                                                                  _json(pen.statement))})
    statement_json["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "format=csv: French CSV, UTF-8 with BOM, `;` separator, CRLF, decimal comma, dates DD/MM/YYYY; one row "
            "per entry (Date, Délai, Type de délai, Jour de retard, Règle, Montant (EUR), Statut, Motif, Territoire: "
            "where the day was counted), a blank "
            "row, then the four totals. Sent with Content-Disposition: attachment; "
            "filename=\"penalites-<contractor>-<month>.csv\".")},
        "examples": {"april": {"summary": "The same statement as CSV", "value": pen.csv}},
    }
    path_item("get_penalty_statement", {
        "summary": "Read a month of penalties, in JSON or CSV",
        "description": (
            "The penalties of one month for one contractor (and one contract, or all): every entry with its status "
            "and last decision's reason, and the totals due, disputed, waived and recorded (A9). A manager names the "
            "contractor; a contractor reads its own statement and names the manager."),
        "tags": ["manager", "contractor"],
        "parameters": [
            _query("month", "The month, YYYY-MM (the entries' local date in the deadline's territory).", "2026-04",
                   required=True),
            _query("contractor_id", "Managers: required, the contractor. Contractors: ignored.", CONTRACTOR_ID),
            _query("manager_id", "Contractors: required, the manager. Managers: ignored (their own ledger).",
                   MANAGER_ID),
            _query("contract_id", "Optional: one contract only.", "AC-2026-017"),
            _query("format", "json (default) or csv.", "csv", enum=["json", "csv"]),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": statement_json, **get_errors},
    }, "get")

    # request_account -----------------------------------------------------------------------
    path_item("request_account", {
        "summary": "Ask the operator for an account for one of your people",
        "description": (
            "A manager or beneficiary asks for an account in its own tenant (B5), optionally narrowing its rights. "
            "The request starts D7: the operator creates the account within 72 working hours in the given "
            "territory (due_at). Asking again for the same e-mail answers the same request."),
        "tags": ["manager", "beneficiary"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["RequestAccount"], {"colleague": ("A colleague, two rights",
                                                                         acc.request_body)}),
        "responses": {
            "202": _json_response("Request recorded (or already recorded): pending until the operator acts.",
                                  refs["AccountRequest"], {"pending": ("Pending request, D7 due date",
                                                                       _json(acc.request))}, _REPLAYED),
            **post_errors("request_account", extra={
                "400": {"malformed_json": _rejected(_malformed(RequestAccount), cid0)},
                "422": {"invalid_request": _rejected(_errors_of(RequestAccount, {
                    **acc.request_body, "email": "marc.petit", "rights": ["needs.read", "orders.delete"]}), cid0)},
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema, or " + _IDEM_422}),
        },
    }, "post")

    # manage_account ------------------------------------------------------------------------
    path_item("manage_account", {
        "summary": "Create or update an account and its claims (operator)",
        "description": (
            "The platform operator creates (or updates) a Firebase Authentication account and sets its custom "
            "claims role, tenant and rights. Naming a request_id fulfils that request and records whether D7 was "
            "met. A password, when given, must be strong (B15)."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["CreateAccount"], {"fulfil_request": ("Fulfil the Métropole's request",
                                                                             acc.create_body)}),
        "responses": {
            "200": _json_response("Account created or updated.", refs["AccountCreated"],
                                  {"created": ("Created, request fulfilled within D7", acc.created)}, _REPLAYED),
            **post_errors("manage_account", extra={
                "400": {"malformed_json": _rejected(_malformed(CreateAccount), cid0)},
                "422": {
                    "weak_password_and_right": _rejected([acc.weak, ErrorDetail.of(
                        "$.rights[1]", "INVALID_VALUE",
                        detail="le rôle beneficiary ne peut détenir « professionals.write »")], cid0),
                    "request_not_found": _rejected([ErrorDetail.of("$.request_id", "ACCOUNT_REQUEST_NOT_FOUND",
                                                                   request_id="acc-0000000000000000dead")], cid1),
                    "role_mismatch": _rejected([ErrorDetail.of("$.role", "ROLE_MISMATCH", role="manager",
                                                               expected=f"beneficiary / {BENEFICIARY_ID}")], cid1),
                },
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema, a right the role cannot hold, a weak password, an "
                                    "unknown request or one for another role or tenant, or " + _IDEM_422}),
        },
    }, "post")

    # export_space --------------------------------------------------------------------------
    export_post_errors = post_errors("export_space", extra={}, descriptions={
        "400": "The Idempotency-Key header is missing or invalid.", "409": _IDEM_409,
        "422": "The Idempotency-Key was used for a different body."}, allowed="POST, GET")
    path_item("export_space", {
        "summary": "Start an export of all of your data",
        "description": (
            "Reversibility (A8): a manager (or beneficiary) exports every document of its space(s) and every file "
            "stored under them, at any time. The body is not read: send `{}` with Content-Type application/json. "
            "The export runs in the background (exports-requested, run_export); follow it with GET "
            "export_space?job_id= (the Location header)."),
        "tags": ["manager", "beneficiary"], "parameters": _POST_PARAMS,
        "responses": {
            "202": _json_response("Export queued.", refs["ExportJob"], {"pending": ("Queued", EXPORT_PENDING)}, {
                "Location": {"description": "Where to follow the job: ?job_id=<job_id>.", "schema": {"type": "string"},
                             "example": f"?job_id={EXPORT_JOB_ID}"}, **_REPLAYED}),
            **export_post_errors,
        },
    }, "post", operation_id="export_space")
    get_export = _common_problems("export_space", post=False, allowed="POST, GET")
    get_export["404"] = _problem_response("No such export for the caller's tenant.", {"export_not_found": _problem(
        404, [ErrorDetail.of("query.job_id", "EXPORT_NOT_FOUND", job_id="0f1e2d3c")], cid0, instance="/export_space")})
    path_item("export_space", {
        "summary": "Follow an export and download it",
        "description": (
            "The job with its progress (records and archive entries written so far). Once completed: the "
            "archive's SHA-256 and size, and download_url, a signed URL valid 15 minutes (a new one on every GET). "
            "The ZIP holds one JSON Lines file per collection, the stored files under files/, and manifest.json "
            "(counts and SHA-256 of every entry)."),
        "tags": ["manager", "beneficiary"],
        "parameters": [_query("job_id", "The job_id of the POST answer.", EXPORT_JOB_ID, required=True),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The job.", refs["ExportJob"], {
                "running": ("Running", EXPORT_RUNNING), "completed": ("Completed, with its download URL",
                                                                      EXPORT_COMPLETED)}),
            **get_export,
        },
    }, "get", operation_id="export_space_status")

    _sourcing_operations(p, refs, path_item, post_errors)
    _exchange_perimeter_operations(p, refs, path_item, post_errors)
    _catalogue_operations(p, refs, path_item, post_errors)
    _property_tree_operations(p, refs, path_item, post_errors)
    _reads_and_closures_operations(p, refs, path_item, post_errors)
    contracts_web.operations(refs, path_item, _web_examples(p), {"beneficiary_id": BENEFICIARY_ID, "need_id": NEED_ID,
                                                                 "professional_id": PRO_ID}, sys.modules[__name__])
    _document_operations(p, refs, path_item, post_errors)


def _exchange_perimeter_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    """Contracts and billing accounts (A2.1, A2.2), quotes (A2.4, A2.5, B16), incidents (B9)."""
    from shared.domain import catalogue as cat

    xp = p.exchange
    cid0, cid1, _ = CORRELATION_IDS

    # upsert_contract -------------------------------------------------------------------------
    path_item("upsert_contract", {
        "summary": "Create or update a contract (marché) with a contractor",
        "description": (
            "A manager declares one of its contracts (A2.1): contractor, lots, geographic perimeter (départements "
            "and/or INSEE communes), dates, status and, optionally, its penalty terms (A9: daily amount per rule, "
            "extra deadlines priced). Orders and quotes must then name a contract in force, held by their "
            "contractor, within its lots and perimeter (A13). Each change is published on the contractor's "
            "`orders-<contractor_id>` as `fr.passerelle.contract.changed.v1`; the same content again changes "
            "nothing (`changed: false`). A contract's contractor never changes. Signing starts D2 (connection "
            "within a month)."),
        "tags": ["manager"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["UpsertContract"], {
            "with_penalty_terms": ("Two lots, Rhône plus one commune of the Ain, P1 at 200 EUR a day",
                                   UPSERT_CONTRACT),
            "default_terms": ("The same contract with the catalogue's default penalty terms",
                              {k: v for k, v in UPSERT_CONTRACT.items() if k != "penalty_terms"})}),
        "responses": {
            "201": _json_response("Contract created (version 1) and published to the contractor.",
                                  refs["ContractSaved"], {"created": ("Created", xp.contract_saved)}, _REPLAYED),
            "200": _json_response("Contract updated (a new version, published), or unchanged (`changed: false`).",
                                  refs["ContractSaved"], {"updated": ("Suspended: version 2", xp.contract_updated),
                                                          "unchanged": ("Same content again", {
                                                              **xp.contract_saved, "changed": False})}, _REPLAYED),
            **post_errors("upsert_contract", extra={
                "400": {"malformed_json": _rejected(_malformed(UpsertContract), cid0)},
                "422": {
                    "invalid_contract": _rejected(xp.contract_invalid, cid0),
                    "unknown_contractor": _rejected([ErrorDetail.of("$.contractor_id", "CONTRACTOR_NOT_FOUND",
                                                                    contractor_id="ctr-inconnu")], cid1),
                    "contractor_changed": _rejected([ErrorDetail.of("$.contractor_id", "CONTRACTOR_CHANGED")], cid1),
                },
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema (dates in order, distinct lot codes, INSEE codes), "
                                    "the contractor is unknown, another contractor than the stored one is named, "
                                    "or " + _IDEM_422}),
        },
    }, "post")

    # upsert_billing_account ------------------------------------------------------------------
    path_item("upsert_billing_account", {
        "summary": "Create or update a billing account",
        "description": (
            "Where and to whom contractors invoice (A2.2): the invoicing address and legal entity, for one or more "
            "of the manager's contracts. Each change is published as `fr.passerelle.billing_account.changed.v1` on "
            "the `orders-<contractor_id>` of every contractor holding one of those contracts."),
        "tags": ["manager"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["UpsertBillingAccount"], {"lyon": ("Invoicing address of Rhône Habitat",
                                                                          UPSERT_BILLING_ACCOUNT)}),
        "responses": {
            "201": _json_response("Billing account created and published.", refs["BillingAccountSaved"],
                                  {"created": ("Created", xp.billing_saved)}, _REPLAYED),
            "200": _json_response("Updated (new version) or unchanged (`changed: false`).", refs["BillingAccountSaved"],
                                  {"unchanged": ("Same content again", {**xp.billing_saved, "changed": False})},
                                  _REPLAYED),
            **post_errors("upsert_billing_account", extra={
                "400": {"malformed_json": _rejected(_malformed(UpsertBillingAccount), cid0)},
                "422": {
                    "invalid_address": _rejected(xp.billing_invalid, cid0),
                    "unknown_contract": _rejected([ErrorDetail.of("$.contract_ids[0]", "CONTRACT_NOT_FOUND",
                                                                  contract_id="AC-2025-999")], cid1),
                },
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema, a contract is unknown to the manager, or "
                                    + _IDEM_422}),
        },
    }, "post")

    # request_quote ---------------------------------------------------------------------------
    path_item("request_quote", {
        "summary": "Ask a contractor for a quote (devis)",
        "description": (
            "A manager asks one of its contractors for a quote (A2.4) under a contract in force, for a node of its "
            "property tree; with `order_id`, a supplementary quote on an existing order (A2.5). D3 starts (the "
            "contractor's time to submit, B16). Asking again with the same content answers 200 with the stored "
            "quote; another quote under the same quote_id is refused."),
        "tags": ["manager"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["RequestQuote"], {
            "quote": ("A quote for works on a building", REQUEST_QUOTE),
            "supplementary": ("A supplementary quote on an order", {**REQUEST_QUOTE, "quote_id": "DEV-2026-0043",
                                                                     "order_id": ORDER_ID})}),
        "responses": {
            "201": _json_response("Quote requested; D3 running.", refs["QuoteView"],
                                  {"requested": ("Requested", xp.quotes["requested"])}, _REPLAYED),
            "200": _json_response("The same request was already recorded: nothing changed.", refs["QuoteView"],
                                  {"already_known": ("Same request again", xp.quotes["requested"])}, _REPLAYED),
            **post_errors("request_quote", extra={
                "400": {"malformed_json": _rejected(_malformed(RequestQuote), cid0)},
                "404": {"order_not_found": _rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {
                    "contract_refused": _rejected([
                        ErrorDetail.of("$.contract_id", "CONTRACT_NOT_IN_FORCE", contract_id=CONTRACT_ID,
                                       on="2026-03-09", status="suspended", starts_on="2026-03-01",
                                       ends_on="2029-02-28"),
                        ErrorDetail.of("$.site.commune", "OUTSIDE_CONTRACT_PERIMETER", commune="38185",
                                       contract_id=CONTRACT_ID)], cid0),
                    "unknown_node": _rejected([ErrorDetail.of("$.site.node_id", "PROPERTY_NODE_NOT_FOUND",
                                                              node_id="LYON-BAT-Z")], cid1),
                    "quote_already_exists": _rejected([ErrorDetail.of("$.quote_id", "QUOTE_ALREADY_EXISTS",
                                                                      quote_id=QUOTE_ID)], cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "404": "The supplementary quote's order is not one of the manager's orders with "
                                         "this contractor (ORDER_NOT_FOUND, alone).",
                "409": _IDEM_409,
                "422": "The body breaks the schema; the contract is unknown, not in force, another contractor's or "
                       "does not cover the site's commune (A13); the node is not in the property tree (A7); another "
                       "quote exists under this quote_id; or " + _IDEM_422}),
        },
    }, "post")

    # submit_quote ----------------------------------------------------------------------------
    catalogue = cat.CatalogueVersion(contract_id=CONTRACT_ID, version=3, valid_from=dt.date(2026, 3, 1),
                                     reviewed_on=dt.date(2026, 2, 15), items={
                                         "PLB-COL-01": cat.CatalogueItem(code="PLB-COL-01", label="Colonne", unit="U",
                                                                         unit_price_cents=65000, vat_rate="10"),
                                     })
    path_item("submit_quote", {
        "summary": "Submit (or revise) a quote",
        "description": (
            "The contractor answers a quote request with priced lines, a validity date and, optionally, the "
            "SHA-256 of the quote's PDF stored with store_report. Each submission is a new version; the first "
            "stops D3. When the contract has a catalogue in force, every line must use one of its service codes, "
            "at its unit and price (A14)."),
        "tags": ["contractor"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["SubmitQuote"], {"two_lines": ("Two lines and the PDF's digest",
                                                                      SUBMIT_QUOTE)}),
        "responses": {
            "200": _json_response("Version recorded.", refs["QuoteView"],
                                  {"submitted": ("Version 1 submitted", xp.quotes["submitted"])}, _REPLAYED),
            **post_errors("submit_quote", extra={
                "400": {"malformed_json": _rejected(_malformed(SubmitQuote), cid0)},
                "404": {"quote_not_found": _rejected([ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND",
                                                                     quote_id="DEV-2026-9999")], cid0)},
                "422": {
                    "off_catalogue": _rejected(cat.line_errors(catalogue, SUBMIT_QUOTE["lines"]), cid0),
                    "validity_past": _rejected([ErrorDetail.of("$.valid_until", "OUT_OF_RANGE",
                                                               detail="la date de validité est passée")], cid1),
                    "already_decided": _rejected(xp.quote_illegal, cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "404": "No such quote for this manager and contractor.", "409": _IDEM_409,
                "422": "The body breaks the schema, a line is off the catalogue in force, the validity date is past, "
                       "the quote is no longer open, or " + _IDEM_422}),
        },
    }, "post")

    # decide_quote ----------------------------------------------------------------------------
    path_item("decide_quote", {
        "summary": "Accept, refuse or withdraw a quote",
        "description": (
            "The manager accepts a submitted quote (it becomes an order through receive_order, or — a "
            "supplementary quote — its lines are added to the order and the contractor is told with "
            "`fr.passerelle.order.lines_added.v1`) or refuses it with a reason; the contractor withdraws it "
            "(naming the manager, with a reason). Accepting a quote past its validity date expires it "
            "(QUOTE_EXPIRED)."),
        "tags": ["manager", "contractor"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["DecideQuote"], {
            "accept": ("Manager accepts", xp.decide), "refuse": ("Manager refuses, with a reason", xp.refuse),
            "withdraw": ("Contractor withdraws", xp.withdraw)}),
        "responses": {
            "200": _json_response("Decision applied; the quote as it is now.", refs["QuoteView"],
                                  {"accepted": ("Accepted: order BC-2026-0150 issued", xp.quotes["accepted"])},
                                  _REPLAYED),
            **post_errors("decide_quote", extra={
                "400": {"malformed_json": _rejected(_malformed(DecideQuote), cid0)},
                "404": {"quote_not_found": _rejected([ErrorDetail.of("$.quote_id", "QUOTE_NOT_FOUND",
                                                                     quote_id="DEV-2026-9999")], cid0)},
                "422": {
                    "illegal_transition": _rejected(xp.quote_illegal, cid0),
                    "not_for_contractor": _rejected(xp.quote_not_for_actor, cid1),
                    "reason_required": _rejected([ErrorDetail.of("$.reason", "REQUIRED")], cid1),
                    "expired": _rejected([ErrorDetail.of("$.quote_id", "QUOTE_EXPIRED", quote_id=QUOTE_ID,
                                                         valid_until="2026-04-30")], cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "404": "No such quote for the caller (or the supplementary quote's order is gone).",
                "409": _IDEM_409,
                "422": "The body breaks the schema, the action does not apply to the quote's state or is the other "
                       "party's, a refusal or withdrawal without reason, the quote expired, or " + _IDEM_422}),
        },
    }, "post")

    # report_incident -------------------------------------------------------------------------
    path_item("report_incident", {
        "summary": "Report an incident to the operator",
        "description": (
            "Any party reports an incident (B9) with a severity from 1 (most severe) to 4. D8 starts: the operator "
            "must give a first response within 1 hour (severities 1 and 2), 8 or 24 working hours in the "
            "territory (severities 3 and 4). The incident id derives from the caller and the Idempotency-Key: the "
            "same key gives the same incident. See docs/penalties.md, \"Incidents\"."),
        "tags": ["manager", "contractor", "beneficiary"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["ReportIncident"], {"connector_down": ("Severity 2, about an order",
                                                                              xp.report)}),
        "responses": {
            "201": _json_response("Incident recorded; D8 running.", refs["IncidentView"],
                                  {"reported": ("Reported, due within the hour", xp.incident_reported)}, _REPLAYED),
            **post_errors("report_incident", extra={
                "400": {"malformed_json": _rejected(_malformed(ReportIncident), cid0)},
                "422": {"invalid_incident": _rejected(xp.incident_invalid, cid0)},
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema, or " + _IDEM_422}),
        },
    }, "post")

    # acknowledge_incident --------------------------------------------------------------------
    path_item("acknowledge_incident", {
        "summary": "Acknowledge an incident (operator's first response)",
        "description": (
            "The operator acknowledges an incident, optionally with a note: D8 stops, met or missed. "
            "Acknowledging again changes nothing."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["AcknowledgeIncident"], {"with_note": ("With a note", xp.acknowledge)}),
        "responses": {
            "200": _json_response("Acknowledged (or already acknowledged).", refs["IncidentView"],
                                  {"acknowledged": ("Acknowledged in 29 minutes: D8 met", xp.incident_acknowledged)},
                                  _REPLAYED),
            **post_errors("acknowledge_incident", extra={
                "400": {"malformed_json": _rejected(_malformed(AcknowledgeIncident), cid0)},
                "404": {"incident_not_found": _rejected([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND",
                                                                        incident_id="inc-000000000000000000000000")],
                                                        cid0)},
                "422": {"invalid_note": _rejected(_errors_of(AcknowledgeIncident, {**xp.acknowledge, "note": ""}),
                                                  cid0)},
            }, descriptions={"400": _IDEM_400, "404": "No such incident.", "409": _IDEM_409,
                             "422": "The body breaks the schema, or " + _IDEM_422}),
        },
    }, "post")


def _reads_and_closures_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    """get_quote, resolve_incident, list_incidents and erase_professional."""
    xp = p.exchange
    cid0, cid1, _ = CORRELATION_IDS

    # get_quote -------------------------------------------------------------------------------
    get_errors = _common_problems("get_quote", post=False)
    get_errors["400"] = _problem_response("A query parameter is missing.", {
        "quote_id_missing": _problem(400, [ErrorDetail.of("query.quote_id", "REQUIRED")], cid0,
                                     instance="/get_quote")})
    get_errors["404"] = _problem_response(
        "No such quote for the caller: another manager's quote, or a quote asked of another contractor, looks "
        "exactly like a missing one.",
        {"quote_not_found": _problem(404, [ErrorDetail.of("query.quote_id", "QUOTE_NOT_FOUND",
                                                          quote_id="DEV-2026-9999")], cid0, instance="/get_quote")})
    path_item("get_quote", {
        "summary": "Read a quote, its versions and its state",
        "description": (
            "One quote (A2.4, A2.5) with every version submitted, its state (requested, submitted, accepted, "
            "refused, expired, withdrawn), the territory its D3 and validity date are counted in, and the order it "
            "became. A manager reads its own space; the contractor the quote was asked of names the manager."),
        "tags": ["manager", "contractor"],
        "parameters": [_query("quote_id", "The quote.", QUOTE_ID, required=True),
                       _query("manager_id", "Contractors: required, the manager. Managers: ignored.", MANAGER_ID),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The quote as it is now.", refs["QuoteView"],
                                  {"submitted": ("Version 1 submitted", xp.quotes["submitted"])}),
            **get_errors,
        },
    }, "get")

    # resolve_incident ------------------------------------------------------------------------
    path_item("resolve_incident", {
        "summary": "Record an incident's resolution (operator)",
        "description": (
            "The operator records how an acknowledged incident was resolved (B9). D8 measured the first response "
            "and was stopped by the acknowledgement: resolving stops nothing. Resolving again changes nothing (the "
            "first resolution stands); an incident not yet acknowledged must be acknowledged first."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["ResolveIncident"], {"resolved": ("With its resolution", xp.resolve)}),
        "responses": {
            "200": _json_response("Resolved (or already resolved).", refs["IncidentView"],
                                  {"resolved": ("Resolved; D8 was met", xp.incident_resolved)}, _REPLAYED),
            **post_errors("resolve_incident", extra={
                "400": {"malformed_json": _rejected(_malformed(ResolveIncident), cid0)},
                "404": {"incident_not_found": _rejected([ErrorDetail.of("$.incident_id", "INCIDENT_NOT_FOUND",
                                                                        incident_id="inc-000000000000000000000000")],
                                                        cid0)},
                "422": {"not_acknowledged": _rejected(xp.incident_not_acknowledged, cid1),
                        "no_resolution": _rejected(_errors_of(ResolveIncident, {**xp.resolve, "resolution": ""}),
                                                   cid0)},
            }, descriptions={"400": _IDEM_400, "404": "No such incident.", "409": _IDEM_409,
                             "422": "The body breaks the schema, the incident is not acknowledged yet, or "
                                    + _IDEM_422}),
        },
    }, "post")

    # list_incidents --------------------------------------------------------------------------
    list_errors = _common_problems("list_incidents", post=False)
    list_errors["400"] = _problem_response("A filter is not one of its values, or the cursor is not one we gave.", {
        "bad_filters": _problem(400, [
            ErrorDetail.of("query.state", "INVALID_VALUE", detail="reported, acknowledged ou resolved attendu"),
            ErrorDetail.of("query.severity", "INVALID_VALUE", detail="1, 2, 3 ou 4 attendu")], cid0,
            instance="/list_incidents"),
        "bad_cursor": _problem(400, incident_list_filters({"cursor": "pas-un-curseur"})[1], cid1,
                               instance="/list_incidents")})
    path_item("list_incidents", {
        "summary": "List incidents with their state and where D8 stands",
        "description": (
            "A reporter (manager, contractor, beneficiary, purchasing body) lists the incidents its tenant reported "
            "in that role; the operator lists every incident. Each comes with `d8_state`: running until the first "
            "response is due, missed after it, met or missed once acknowledged. Newest first (reported time, then "
            "id), one page at a time: `limit` per page, `next_cursor` for the next (null on the last page)."),
        "tags": ["manager", "contractor", "beneficiary", "operator"],
        "parameters": [_query("state", "Optional: reported, acknowledged or resolved.", "acknowledged"),
                       _query("severity", "Optional: 1 to 4.", "2"),
                       _query("limit", f"Incidents per page, 1 to {INCIDENT_MAX_LIMIT} "
                                       f"(default {INCIDENT_DEFAULT_LIMIT}).", "50"),
                       _query("cursor", "next_cursor of the previous page, with the same filters (opaque).",
                              "eyJ0Ijo..."),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("One page of incidents, newest first.", refs["IncidentList"],
                                  {"one": ("One resolved incident", xp.incident_list)}),
            **list_errors,
        },
    }, "get")

    # erase_professional ----------------------------------------------------------------------
    path_item("erase_professional", {
        "summary": "Erase a professional's personal data (GDPR, operator)",
        "description": (
            "The operator anonymises a professional on request (GDPR article 17): name, contact details, free text "
            "and references are replaced, the missions, orders, invoices and proofs of service that point at the "
            "record are kept, and the search index is rebuilt without it. Erasing again answers `already_erased`. "
            "See docs/personal-data.md."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["EraseProfessional"], {"request": ("An erasure request",
                                                                          ERASE_PROFESSIONAL)}),
        "responses": {
            "200": _json_response("Erased (or already erased).", refs["ProfessionalErased"], {
                "erased": ("Erased now", PROFESSIONAL_ERASED),
                "already_erased": ("Erased before", {**PROFESSIONAL_ERASED, "status": "already_erased"})},
                _REPLAYED),
            **post_errors("erase_professional", extra={
                "400": {"malformed_json": _rejected(_malformed(EraseProfessional), cid0)},
                "422": {"professional_not_found": _rejected([ErrorDetail.of(
                    "$.professional_id", "PROFESSIONAL_NOT_FOUND", professional_id="pro-9999")], cid0),
                        "no_reason": _rejected(_errors_of(EraseProfessional, {**ERASE_PROFESSIONAL, "reason": ""}),
                                               cid1)},
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema, no such professional, or " + _IDEM_422}),
        },
    }, "post")


# functions/import_catalogue.py and import_property_tree.py: MAX_BODY (not imported: the handlers import Flask).
CATALOGUE_MAX_BYTES = 4 * 1024 * 1024
PROPERTY_TREE_MAX_BYTES = 32 * 1024 * 1024


def _catalogue_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    """The versioned catalogue (bordereau de prix, A14): import (JSON or French CSV) and read."""
    xp = p.exchange
    cid0, cid1, _ = CORRELATION_IDS
    body = _post_body(refs["ImportCatalogue"], {"json": ("Version 3: three items", xp.import_catalogue)})
    body["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "French CSV: header code;label;unit;unit_price;vat_rate, `;` separator, decimal comma (unit_price in "
            "euros, VAT rate 0, 2,1, 5,5, 10 or 20), UTF-8 with or without BOM. The contract and dates come in the "
            "query: ?contract_id=&valid_from=&reviewed_on=.")},
        "examples": {"csv": {"summary": "The same three items as CSV", "value": xp.catalogue_csv}}}
    path_item("import_catalogue", {
        "summary": "Import a new version of a contract's catalogue",
        "description": (
            "A manager imports the price catalogue (bordereau de prix unitaires) of one of its contracts, as JSON "
            "or as a French CSV. Every bad row is reported with its line number (the CSV header is line 1; a JSON "
            "item's position counts from 1) and nothing is written. A valid import creates the next version, "
            "valid from a date after every existing one (old versions are never rewritten), and is published to "
            "the contractor as `fr.passerelle.catalogue.published.v1` on `orders-<contractor_id>`."),
        "tags": ["manager"],
        "parameters": [*_POST_PARAMS,
                       _query("contract_id", "text/csv only: the contract.", CONTRACT_ID),
                       _query("valid_from", "text/csv only: first day of validity, YYYY-MM-DD.", "2026-03-01"),
                       _query("reviewed_on", "text/csv only: date of the last review, YYYY-MM-DD.", "2026-02-15")],
        "requestBody": body,
        "responses": {
            "201": _json_response("Version created and published.", refs["CatalogueImported"],
                                  {"created": ("Version 3, three items", xp.catalogue_imported)}, _REPLAYED),
            **post_errors("import_catalogue", extra={
                "400": {"malformed_json": _rejected(_malformed(ImportCatalogue), cid0)},
                "422": {
                    "bad_rows": _rejected(xp.catalogue_csv_errors, cid0),
                    "query_missing": _rejected([ErrorDetail.of("query.contract_id", "REQUIRED"), ErrorDetail.of(
                        "query.valid_from", "REQUIRED", detail="date AAAA-MM-JJ attendue")], cid1),
                    "not_after_latest": _rejected([ErrorDetail.of(
                        "$.valid_from", "OUT_OF_RANGE", detail="une nouvelle version doit commencer après le "
                                                               "2026-03-01")], cid1),
                    "unknown_contract": _rejected([ErrorDetail.of("$.contract_id", "CONTRACT_NOT_FOUND",
                                                                  contract_id="AC-2025-999")], cid1),
                },
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "A row or the body breaks the rules (every row reported: field `line <n>.<column>`), "
                                    "a CSV query parameter is missing or not a date, the version does not start after "
                                    "the latest one, the contract is unknown, or " + _IDEM_422},
                max_body=CATALOGUE_MAX_BYTES, media="application/json, a +json type nor text/csv"),
        },
    }, "post")

    get_errors = _common_problems("get_catalogue", post=False)
    get_errors["400"] = _problem_response("A query parameter is missing or not a date.", {
        "contract_id_missing": _problem(400, [ErrorDetail.of("query.contract_id", "REQUIRED")], cid0,
                                        instance="/get_catalogue"),
        "on_invalid": _problem(400, [ErrorDetail.of("query.on", "INVALID_FORMAT", detail="date AAAA-MM-JJ")], cid0,
                               instance="/get_catalogue")})
    get_errors["404"] = _problem_response(
        "No such contract for the manager (or, for a contractor, not one of its contracts).",
        {"contract_not_found": _problem(404, [ErrorDetail.of("query.contract_id", "CONTRACT_NOT_FOUND",
                                                             contract_id="AC-2025-999")], cid0,
                                        instance="/get_catalogue")})
    path_item("get_catalogue", {
        "summary": "Read a contract's catalogue",
        "description": (
            "Every version of a contract's catalogue and the one in force on a date (default: today), with "
            "`needs_review` when it was last reviewed more than six months ago. A contractor reads the catalogues "
            "of its own contracts and names the manager."),
        "tags": ["manager", "contractor"],
        "parameters": [_query("contract_id", "The contract.", CONTRACT_ID, required=True),
                       _query("manager_id", "Contractors: required, the manager. Managers: ignored.", MANAGER_ID),
                       _query("on", "Optional: the date, YYYY-MM-DD (default today).", "2026-03-16"),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The catalogue's versions and the one in force.", refs["CatalogueView"],
                                  {"in_force": ("Version 3 in force", xp.catalogue_view)}),
            **get_errors,
        },
    }, "get")


def _property_tree_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    """The manager's property tree (patrimoine, A7): import (JSON or French CSV) and coverage."""
    xp = p.exchange
    cid0, cid1, _ = CORRELATION_IDS
    body = _post_body(refs["ImportPropertyTree"], {"json": ("A site, a building, a staircase, a dwelling and the "
                                                            "boiler room", xp.tree_body)})
    body["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "French CSV: header node_id;kind;parent_id;label[;commune], `;` separator, UTF-8 with or without BOM; "
            "an empty parent_id is a root. kind: site, building, staircase, dwelling or equipment.")},
        "examples": {"csv": {"summary": "The same five nodes as CSV", "value": xp.tree_csv}}}
    path_item("import_property_tree", {
        "summary": "Import (add to or update) the property tree",
        "description": (
            "A manager imports its property tree (A7): sites, buildings, staircases, dwellings and equipment, each "
            "under an allowed parent (in the file or already stored). The file is checked as a whole: every bad row "
            "is reported with its line number and nothing is written. A valid file is written in batches by a "
            "resumable job (the same file again resumes an interrupted import, or answers 200 when already done). "
            "Nodes absent from the file are kept. Once a tree exists, orders and quotes must name one of its nodes."),
        "tags": ["manager"], "parameters": _POST_PARAMS, "requestBody": body,
        "responses": {
            "201": _json_response("Nodes written.", refs["PropertyTreeImported"],
                                  {"imported": ("Five new nodes", xp.tree_imported)}, _REPLAYED),
            "200": _json_response("Nothing new to write: the file was already imported.", refs["PropertyTreeImported"],
                                  {"unchanged": ("The same file again", xp.tree_unchanged)}, _REPLAYED),
            **post_errors("import_property_tree", extra={
                "400": {"malformed_json": _rejected(_malformed(ImportPropertyTree), cid0)},
                "422": {"bad_rows": _rejected(xp.tree_errors, cid0)},
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "A row breaks the rules (every row reported: field `line <n>.<column>`: unknown "
                                    "kind or column, parent not found or of a kind not allowed, a stored node "
                                    "changing kind), or " + _IDEM_422},
                max_body=PROPERTY_TREE_MAX_BYTES, media="application/json, a +json type nor text/csv"),
        },
    }, "post")

    path_item("get_property_coverage", {
        "summary": "Measure how much of the activity is attached to the property tree",
        "description": (
            "The share of the manager's orders and documents attached to an existing node of its tree (the "
            "contract demands 100 %), the orphans, and any import job left unfinished (send the same file again "
            "to resume it)."),
        "tags": ["manager"],
        "parameters": [{"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The coverage.", refs["PropertyCoverage"],
                                  {"half": ("Two orphan orders out of four items", xp.coverage)}),
            **_common_problems("get_property_coverage", post=False),
        },
    }, "get")


def _document_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    """PDF documents on orders (intervention reports, service-done certificates, invoices)."""
    from shared.domain import documents as docs_domain

    xp = p.exchange
    cid0, cid1, _ = CORRELATION_IDS
    rest_limit, signed_limit = docs_domain.MAX_REST_BYTES, docs_domain.MAX_DOCUMENT_BYTES
    body = _post_body(refs["RegisterUpload"], {"signed_upload": ("Register the file PUT on the signed URL",
                                                                 xp.register_upload)})
    body["content"]["multipart/form-data"] = {
        "schema": {"type": "object", "required": ["manager_id", "order_id", "kind", "file"],
                   "description": f"The text fields of AttachFields, and the PDF (at most {rest_limit} bytes) as "
                                  "the `file` part, with its filename.",
                   "properties": {"manager_id": {"type": "string"}, "order_id": {"type": "string"},
                                  "kind": {"type": "string",
                                           "enum": [k.value for k in docs_domain.DocumentKind]},
                                  "file": {"type": "string", "format": "binary",
                                           "contentMediaType": "application/pdf"}}},
        "encoding": {"file": {"contentType": "application/pdf"}},
        "examples": {"report": {"summary": "An intervention report (the file part is not shown)",
                                "value": xp.attach_fields}},
    }
    stored_replayed = {"created": False, **{k: v for k, v in xp.document_stored.items() if k != "created"}}
    path_item("store_report", {
        "summary": "Attach a PDF document to an order",
        "description": (
            "A contractor attaches a PDF (intervention report, service-done certificate, invoice) to one of its "
            f"orders. Up to {rest_limit // (1024 * 1024)} MiB, send it in the request as multipart/form-data; "
            f"up to {signed_limit // (1024 * 1024)} MiB, get a signed URL from request_report_upload, PUT the "
            "file there, then send its reference here as JSON. The file must be a complete, readable, unencrypted "
            "PDF; its SHA-256 is its id, so the same file for the same order is stored once (200)."),
        "tags": ["contractor"], "parameters": _POST_PARAMS, "requestBody": body,
        "responses": {
            "201": _json_response("Stored.", refs["DocumentStored"], {"stored": ("Three-page report", xp.document_stored)},
                                  _REPLAYED),
            "200": _json_response("This very file was already stored for the order.", refs["DocumentStored"],
                                  {"already_stored": ("Same file again", stored_replayed)}, _REPLAYED),
            **post_errors("store_report", extra={
                "400": {"malformed_json": _rejected(_malformed(RegisterUpload), cid0),
                        "malformed_multipart": _rejected([ErrorDetail.of("header.Content-Type", "MALFORMED_MULTIPART",
                                                                         detail="boundary absent")], cid0)},
                "404": {"order_not_found": _rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0),
                        "upload_not_found": _rejected([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_FOUND",
                                                                      upload_id="0" * 32)], cid1)},
                "422": {
                    "file_missing": _rejected([ErrorDetail.of("$.file", "DOCUMENT_MISSING")], cid0),
                    "not_pdf": _rejected(xp.not_pdf, cid1),
                    "upload_not_received": _rejected([ErrorDetail.of("$.upload_id", "UPLOAD_NOT_RECEIVED",
                                                                     upload_id=xp.register_upload["upload_id"])], cid1),
                    "upload_expired": _rejected([ErrorDetail.of(
                        "$.upload_id", "UPLOAD_EXPIRED", upload_id=xp.register_upload["upload_id"],
                        expires_at=xp.upload_ticket["expires_at"])], cid1),
                },
            }, descriptions={
                "400": "Body is not JSON or not valid multipart, or the Idempotency-Key header is missing or invalid.",
                "404": "No such order for this contractor, or no such upload.",
                "409": _IDEM_409,
                "422": "Fields break the schema, no `file` part, the file is empty, too large, not a PDF, truncated, "
                       "encrypted or unreadable, the signed upload was not received or expired, or " + _IDEM_422},
                max_body=rest_limit + docs_domain.MULTIPART_OVERHEAD_BYTES,
                media="application/json, a +json type nor multipart/form-data"),
        },
    }, "post")

    path_item("request_report_upload", {
        "summary": "Get a signed URL to upload a large PDF",
        "description": (
            f"For a PDF over {rest_limit // (1024 * 1024)} MiB (up to {signed_limit // (1024 * 1024)} MiB): the "
            "contractor declares it and receives a signed URL. PUT the file there with Content-Type "
            "application/pdf within 15 minutes, then register it with store_report `{manager_id, order_id, "
            "upload_id}`: the platform checks it then, and deletes it if it is refused."),
        "tags": ["contractor"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["RequestUpload"], {"photos_report": ("An 18 MB report with photos",
                                                                            xp.request_upload)}),
        "responses": {
            "201": _json_response("Upload ready.", refs["UploadTicket"], {"ticket": ("Signed PUT URL", xp.upload_ticket)},
                                  _REPLAYED),
            **post_errors("request_report_upload", extra={
                "400": {"malformed_json": _rejected(_malformed(RequestUpload), cid0)},
                "404": {"order_not_found": _rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND",
                                                                     order_id="BC-2026-9999")], cid0)},
                "422": {"too_large": _rejected(xp.too_large, cid0),
                        "invalid_request": _rejected(_errors_of(RequestUpload, {
                            **xp.request_upload, "kind": "devis", "filename": "../rapport.pdf"}), cid1)},
            }, descriptions={"400": _IDEM_400, "404": "No such order for this contractor.", "409": _IDEM_409,
                             "422": "The body breaks the schema, the declared size is over the limit, or "
                                    + _IDEM_422}),
        },
    }, "post")

    get_errors = _common_problems("get_documents", post=False)
    get_errors["400"] = _problem_response("A query parameter is missing.", {
        "order_id_missing": _problem(400, [ErrorDetail.of("query.order_id", "REQUIRED")], cid0,
                                     instance="/get_documents")})
    get_errors["404"] = _problem_response(
        "No such order for this caller (another manager's or contractor's order looks exactly like a missing one).",
        {"order_not_found": _rejected([ErrorDetail.of("$.order_id", "ORDER_NOT_FOUND", order_id="BC-2026-9999")],
                                      cid0)})
    path_item("get_documents", {
        "summary": "List an order's documents, with download URLs",
        "description": (
            "The PDF documents of one order, each with a signed download URL valid 5 minutes. Scoped like get_order: "
            "a manager (or beneficiary) reads its own orders; a contractor reads the orders addressed to it and "
            "names the manager. `sha256` narrows the list to one document."),
        "tags": ["manager", "contractor", "beneficiary"],
        "parameters": [{"$ref": "#/components/parameters/order_id"}, {"$ref": "#/components/parameters/manager_id"},
                       _query("sha256", "Optional: one document, by its SHA-256.",
                              xp.document_stored["document"]["sha256"]),
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The documents (an empty list when none).", refs["DocumentList"],
                                  {"one_report": ("One intervention report", xp.document_list)}),
            **get_errors,
        },
    }, "get")


def _sourcing_operations(p: _Platform, refs: dict[str, str], path_item: Any, post_errors: Any) -> None:
    s = p.sourcing
    cid0, cid1, _ = CORRELATION_IDS
    created = {"Location": {"$ref": "#/components/headers/Location"}, **_REPLAYED}

    # register_beneficiary ------------------------------------------------------------------
    path_item("register_beneficiary", {
        "summary": "Register or update a beneficiary (operator)",
        "description": (
            "The operator registers a public body as a beneficiary (B1): it becomes the tenant of its needs, "
            "missions and orders, served by the framework contract's titulaire. Sending the same record again "
            "changes nothing (200)."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["Beneficiary"], {"metropole": ("A metropolis", BENEFICIARY)}),
        "responses": {
            "201": _json_response("Beneficiary created.", refs["Beneficiary"],
                                  {"created": ("As stored", _json(s.beneficiary))}, _REPLAYED),
            "200": _json_response("Beneficiary updated, or unchanged.", refs["Beneficiary"],
                                  {"updated": ("As stored", _json(s.beneficiary))}, _REPLAYED),
            **post_errors("register_beneficiary", extra={
                "400": {"malformed_json": _rejected(_malformed(Beneficiary), cid0)},
                "422": {"invalid_beneficiary": _rejected(_errors_of(Beneficiary, {
                    **BENEFICIARY, "siret": "82451673900012", "territory": "99"}), cid0)},
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema (SIRET, region, territory…), or " + _IDEM_422}),
        },
    }, "post")

    # upsert_professional -------------------------------------------------------------------
    path_item("upsert_professional", {
        "summary": "Create or update one professional of the pool (operator)",
        "description": "The operator keeps the pool (B4). Every change bumps the search index revision; the next "
                       "scoring rebuilds the index first.",
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["Professional"], {"senior_amoa": ("A senior AMOA consultant", PROFESSIONAL)}),
        "responses": {
            "201": _json_response("Professional created.", refs["ProfessionalUpserted"],
                                  {"created": ("Created", {"outcome": "created", **_json(s.professional)})},
                                  _REPLAYED),
            "200": _json_response("Professional updated, or unchanged.", refs["ProfessionalUpserted"],
                                  {"unchanged": ("The same record again", {"outcome": "unchanged",
                                                                          **_json(s.professional)})}, _REPLAYED),
            **post_errors("upsert_professional", extra={
                "400": {"malformed_json": _rejected(_malformed(Professional), cid0)},
                "422": {"invalid_professional": _rejected(_errors_of(Professional, {
                    **PROFESSIONAL, "level": "expert", "service_types": [], "daily_rate_cents": 0}), cid0)},
            }, descriptions={"400": _IDEM_400, "409": _IDEM_409,
                             "422": "The body breaks the schema, or " + _IDEM_422}),
        },
    }, "post")

    # import_professionals ------------------------------------------------------------------
    bulk = _jsonl(PROFESSIONAL, {k: v for k, v in REPLACEMENT_PRO.items() if k != "siret"})
    path_item("import_professionals", {
        "summary": "Import professionals in bulk, JSON Lines (operator)",
        "description": (
            "One Professional per line (UTF-8; blank lines skipped), at most "
            f"{IMPORT_MAX_BYTES // (1024 * 1024)} MiB. Valid lines are stored, every invalid line comes back with "
            "its number and errors (fields rooted at `$[<line>]`): nothing is dropped silently. The search index is "
            "rebuilt once at the end. Content-Type: " + ", ".join(JSON_LINES_TYPES) + " (application/json is "
            "also accepted, read as JSON Lines)."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": {"required": True, "content": {JSON_LINES_TYPES[0]: {
            "schema": {"$ref": refs["Professional"]},
            "x-json-lines": True,
            "examples": {"two": {"summary": "Two professionals, one per line", "value": bulk}}}}},
        "responses": {
            "200": _json_response("At least one line was valid: the report, line by line.", refs["ImportReport"],
                                  {"partly_rejected": ("Two lines stored, two rejected", _import_report())},
                                  _REPLAYED),
            **post_errors("import_professionals", extra={
                "400": {"only_malformed_lines": _rejected([ErrorDetail.of(
                    "$[1]", "MALFORMED_JSON", detail="Expecting value")], cid0)},
                "422": {"empty": _rejected([ErrorDetail.of("$", "REQUIRED")], cid0)},
            }, descriptions={
                "400": "No valid line and at least one line is not JSON (every line's errors are listed), or the "
                       "Idempotency-Key header is missing or invalid.",
                "409": _IDEM_409,
                "422": "No valid line (every line's errors are listed; an empty body: REQUIRED on $), or " + _IDEM_422,
            }, max_body=IMPORT_MAX_BYTES, media=", ".join(JSON_LINES_TYPES) + " nor application/json"),
        },
    }, "post")

    # submit_need ---------------------------------------------------------------------------
    path_item("submit_need", {
        "summary": "Submit a search request (beneficiary)",
        "description": (
            "A beneficiary describes what it looks for (B2). The need is acknowledged at once (version 1, status "
            "acknowledged) and D4 starts: 10 working days in the beneficiary's territory to propose professionals. "
            "Scoring runs in the background (needs-submitted, score_candidates); read the ranked result with "
            "get_sourcing?view=need. Submitting the same need again answers 200 with the stored record."),
        "tags": ["beneficiary"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["SubmitNeed"], {"amoa": ("An AMOA need", {"need_id": NEED_ID,
                                                                                "content": NEED_CONTENT})}),
        "responses": {
            "201": _json_response("Need acknowledged (Location: /needs/<need_id>).", refs["NeedRecord"],
                                  {"acknowledged": ("Version 1, D4 running", _json(s.submitted))}, created),
            "200": _json_response("The identical need was already submitted.", refs["NeedRecord"],
                                  {"already_known": ("As stored", _json(s.submitted))}, created),
            **post_errors("submit_need", extra={
                "400": {"malformed_json": _rejected(_malformed(SubmitNeed), cid0)},
                "404": {"beneficiary_not_found": _rejected([ErrorDetail.of(
                    "$", "BENEFICIARY_NOT_FOUND", beneficiary_id="ben-inconnu")], cid0)},
                "409": {"need_already_exists": _rejected([ErrorDetail.of(
                    "$.need_id", "NEED_ALREADY_EXISTS", need_id=NEED_ID)], cid0)},
                "422": {"invalid_need": _rejected(_errors_of(SubmitNeed, {"need_id": NEED_ID, "content": {
                    **NEED_CONTENT, "end_date": "2026-03-31", "daily_rate_ceiling_cents": 0}}), cid0)},
            }, descriptions={
                "400": _IDEM_400,
                "404": "The caller's tenant is not a registered beneficiary.",
                "409": "Another need exists under this need_id, or " + _IDEM_409[0].lower() + _IDEM_409[1:],
                "422": "The body breaks the schema, or " + _IDEM_422}),
        },
    }, "post")

    # propose_professionals -----------------------------------------------------------------
    path_item("propose_professionals", {
        "summary": "Propose ranked professionals for a need (operator)",
        "description": (
            "The operator proposes professionals taken from the ranked result of the need's current version, each "
            "with the date until which its availability is guaranteed (B10). The first proposal stops D4 (met or "
            "not)."),
        "tags": ["operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["ProposeProfessionals"], {"one": ("One professional", s.propose)}),
        "responses": {
            "200": _json_response("Proposed; the need as it is now.", refs["NeedRecord"],
                                  {"proposed": ("Proposed, D4 met", _json(s.proposed))}, _REPLAYED),
            **post_errors("propose_professionals", extra={
                "400": {"malformed_json": _rejected(_malformed(ProposeProfessionals), cid0)},
                "404": {"need_not_found": _rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND",
                                                                    need_id="BES-2026-999")], cid0)},
                "422": {
                    "result_not_ready": _rejected([ErrorDetail.of("$.version", "RESULT_NOT_READY", version=1)], cid0),
                    "outdated_version": _rejected([ErrorDetail.of("$.version", "NEED_VERSION_OUTDATED", version=1,
                                                                  current=2)], cid1),
                    "not_ranked_and_past": _rejected([
                        ErrorDetail.of("$.proposals[0].professional_id", "PROFESSIONAL_NOT_RANKED",
                                       professional_id="pro-0999"),
                        ErrorDetail.of("$.proposals[1].guaranteed_until", "GUARANTEE_IN_PAST", date="2026-03-01")],
                        cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "404": "No such need for this beneficiary.", "409": _IDEM_409,
                "422": "The body breaks the schema, the version is not the current one or not scored yet, the need "
                       "is not in a state to receive proposals, a professional is not in the ranked result, a "
                       "guarantee date is past, or " + _IDEM_422}),
        },
    }, "post")

    # decide_proposal -----------------------------------------------------------------------
    path_item("decide_proposal", {
        "summary": "Accept a proposal, abandon, or relaunch with an edited need (beneficiary)",
        "description": (
            "`accept` one proposed professional (professional_id required); `abandon` (refuse every proposal and "
            "stop); or `relaunch` (refuse, edit the need: content required; a new version is acknowledged, D4 "
            "starts again and the new version is scored)."),
        "tags": ["beneficiary"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["DecideProposal"], {
            "accept": ("Accept Claire Dubois", s.decide),
            "relaunch": ("Relaunch with an edited need", platform_examples(p)["DecideProposal"][1])}),
        "responses": {
            "200": _json_response("Decision recorded; the need as it is now.", refs["NeedRecord"],
                                  {"accepted": ("Accepted", _json(s.accepted))}, _REPLAYED),
            **post_errors("decide_proposal", extra={
                "400": {"malformed_json": _rejected(_malformed(DecideProposal), cid0)},
                "404": {"need_not_found": _rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND",
                                                                    need_id="BES-2026-999")], cid0)},
                "422": {
                    "professional_missing": _rejected(_errors_of(DecideProposal, {
                        "need_id": NEED_ID, "version": 1, "decision": "accept"}), cid0),
                    "not_proposed": _rejected([ErrorDetail.of("$.professional_id", "NOT_PROPOSED",
                                                              professional_id="pro-0999")], cid1),
                    "illegal_transition": _rejected(_need_move_errors("accepted", "accepted"), cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "404": "No such need for this beneficiary.", "409": _IDEM_409,
                "422": "The body breaks the schema (REQUIRED_FOR_DECISION), the version is not the current one, the "
                       "need has no proposals to decide on, the professional was not proposed, or " + _IDEM_422}),
        },
    }, "post")

    # frame_mission -------------------------------------------------------------------------
    path_item("frame_mission", {
        "summary": "Frame the mission and issue its order (beneficiary)",
        "description": (
            "After acceptance: the conflict-of-interest declaration when the beneficiary requires one (B13), the "
            "mission's dates, deliverables and milestones, then its order, issued through receive_order (part A): "
            "the beneficiary is the order's manager, the titulaire its contractor, one line per milestone at the "
            "daily rate plus the extra costs per day unless the mission is fully remote. Sending the same framing "
            "again answers the same mission."),
        "tags": ["beneficiary"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["FrameMission"], {"three_milestones": ("Three milestones, 40 days",
                                                                              FRAME_MISSION)}),
        "responses": {
            "201": _json_response("Mission framed and its order issued (Location: /missions/<mission_id>).",
                                  refs["Mission"], {"framed": ("Mission and budget", _json(s.mission))}, created),
            **post_errors("frame_mission", extra={
                "400": {"malformed_json": _rejected(_malformed(FrameMission), cid0)},
                "404": {"need_not_found": _rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND",
                                                                    need_id="BES-2026-999")], cid0)},
                "409": {"mission_already_exists": _rejected([ErrorDetail.of("$.need_id", "MISSION_ALREADY_EXISTS")],
                                                            cid0)},
                "422": {
                    "declaration_and_milestone": _rejected([
                        ErrorDetail.of("$.conflict_declaration", "CONFLICT_DECLARATION_REQUIRED"),
                        ErrorDetail.of("$.milestones[2].due", "MILESTONE_OUTSIDE_MISSION", due="2026-08-14",
                                       start="2026-04-06", end="2026-07-31")], cid0),
                    "conflict_declared": _rejected([ErrorDetail.of("$.conflict_declaration.no_conflict",
                                                                   "CONFLICT_OF_INTEREST_DECLARED")], cid1),
                    "invalid_period": _rejected(_errors_of(FrameMission, {**FRAME_MISSION, "end_date": "2026-03-31"}),
                                                cid1),
                },
            }, descriptions={
                "400": _IDEM_400, "404": "No such need (or beneficiary).",
                "409": "Another framing exists for this need, or " + _IDEM_409[0].lower() + _IDEM_409[1:],
                "422": "The body breaks the schema, the need is not accepted, the declaration is missing or declares "
                       "a conflict, a milestone falls outside the mission, or " + _IDEM_422}),
        },
    }, "post")

    # replace_professional ------------------------------------------------------------------
    path_item("replace_professional", {
        "summary": "Request or propose the replacement of a mission's professional",
        "description": (
            "`action: request` (beneficiary, or operator naming beneficiary_id): the professional leaves "
            "(`departure`: D5, 14 calendar days from the departure, or from the notification of a planned one, "
            "with the notice of B12's table) or is found insufficient (`insufficiency`: D6, 10 working days). "
            "`action: propose` (operator only): the replacement, checked equivalent by code (same category and "
            "level, same daily rate and extra costs, the mission's service type, active); stops the deadline."),
        "tags": ["beneficiary", "operator"], "parameters": _POST_PARAMS,
        "requestBody": _post_body(refs["ReplacementRequest"], {
            "request_departure": ("Planned departure, notified 25 days before", s.request_replacement),
            "propose": ("The operator proposes Julien Roux", s.propose_replacement)}),
        "responses": {
            "200": _json_response("Recorded; the mission as it is now.", refs["Mission"], {
                "requested": ("Replacement requested, D5 running", _json(s.replacement_requested)),
                "replaced": ("Replaced, D5 met", _json(s.replaced))}, _REPLAYED),
            **post_errors("replace_professional", extra={
                "400": {"malformed_json": _rejected(_malformed(ReplacementRequest), cid0)},
                "403": {"propose_by_beneficiary": _problem(403, [ErrorDetail.of("header.Authorization", "FORBIDDEN")],
                                                           cid0, instance="/replace_professional")},
                "404": {"mission_not_found": _rejected([ErrorDetail.of("$.mission_id", "MISSION_NOT_FOUND",
                                                                       mission_id="BES-2026-999-mission")], cid0)},
                "422": {
                    "not_equivalent": _rejected(s.not_equivalent, cid0),
                    "departure_date_missing": _rejected(_errors_of(ReplacementRequest, {
                        "action": "request", "mission_id": s.mission.mission_id, "reason": "departure"},
                        wrap="command"), cid1),
                    "already_requested": _rejected([ErrorDetail.of("$.mission_id", "REPLACEMENT_ALREADY_REQUESTED")],
                                                   cid1),
                },
            }, descriptions={
                "400": _IDEM_400,
                "403": "The caller's role may not call this operation, the account lacks the right, or a beneficiary "
                       "sent action propose (operator only).",
                "404": "No such mission for this beneficiary.", "409": _IDEM_409,
                "422": "The body breaks the schema (fields are reported under $.command, as the handler reads the "
                       "body), an operator request without beneficiary_id, a replacement already requested or none "
                       "requested, the mission ended, the replacement not equivalent, or " + _IDEM_422}),
        },
    }, "post")

    # get_sourcing --------------------------------------------------------------------------
    errors = _common_problems("get_sourcing", post=False)
    errors["404"] = _problem_response("No such need or mission for this beneficiary.", {
        "need_not_found": _rejected([ErrorDetail.of("$.need_id", "NEED_NOT_FOUND", need_id="BES-2026-999")], cid0)})
    errors["422"] = _problem_response("A query parameter is missing or invalid.", {
        "invalid_view": _rejected([ErrorDetail.of("query.view", "INVALID_VALUE",
                                                  detail="valeurs acceptées : need, mission, pool_statistics")], cid0),
        "need_id_missing": _rejected([ErrorDetail.of("query.need_id", "REQUIRED")], cid1)})
    path_item("get_sourcing", {
        "summary": "Read a need, a mission or the pool statistics",
        "description": (
            "`view=need&need_id=`: the need with every version's content and ranked result. `view=mission&"
            "mission_id=`: the mission with its order's live state and the budget planned, ordered, consumed and "
            "remaining (B11). `view=pool_statistics`: active professionals per service type and region (B14). A "
            "beneficiary reads its own needs and missions; the operator names beneficiary_id."),
        "tags": ["beneficiary", "operator"],
        "parameters": [
            _query("view", "Which view.", "mission", required=True, enum=["need", "mission", "pool_statistics"]),
            _query("need_id", "view=need: required.", NEED_ID),
            _query("mission_id", "view=mission: required.", s.mission.mission_id),
            _query("beneficiary_id", "Operator, views need and mission: required. Beneficiaries: ignored.",
                   BENEFICIARY_ID),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The view asked for.", refs["SourcingView"], {
                "need": ("view=need", s.need_view), "mission": ("view=mission", s.mission_view),
                "pool_statistics": ("view=pool_statistics", s.pool)}),
            **errors,
        },
    }, "get")


def _report_operations(p: _Platform, refs: dict[str, str], path_item: Any) -> None:
    r, (cid0, cid1, _) = p.reports, CORRELATION_IDS
    errors = _common_problems("get_report", post=False)
    errors["400"] = _problem_response("A query parameter is missing or invalid.", {
        "invalid_view": _problem(400, [ErrorDetail.of("query.view", "INVALID_VALUE", detail=(
            "valeurs acceptées : beneficiary, purchasing_body, half_year_reports"))], cid0, instance="/get_report"),
        "invalid_date": _problem(400, [ErrorDetail.of("query.from", "INVALID_FORMAT",
                                                      detail="date AAAA-MM-JJ attendue")], cid1, instance="/get_report"),
        "beneficiary_id_missing": _problem(400, [ErrorDetail.of("query.beneficiary_id", "REQUIRED")], cid1,
                                           instance="/get_report")})
    errors["404"] = _problem_response("No such beneficiary (operator), or no such stored report.", {
        "beneficiary_not_found": _rejected([ErrorDetail.of("query.beneficiary_id", "BENEFICIARY_NOT_FOUND",
                                                           beneficiary_id="ben-inconnu")], cid0),
        "report_not_found": _rejected([ErrorDetail.of("query.report_id", "REPORT_NOT_FOUND",
                                                      report_id="half-year-2031-H2")], cid1)})
    ok = _json_response("The view asked for.", refs["ReportView"], {
        "beneficiary": ("view=beneficiary: the Métropole's first half of 2026", r.beneficiary),
        "purchasing_body": ("view=purchasing_body: the same half-year for the purchasing body", r.purchasing_body),
        "half_year_reports": ("view=half_year_reports: the stored reports, with signed URLs", r.list)})
    ok["content"]["text/csv"] = {
        "schema": {"type": "string", "description": (
            "format=csv (views beneficiary and purchasing_body): French CSV, UTF-8 with BOM, `;` separator, CRLF, "
            "decimal comma, dates DD/MM/YYYY, amounts in euros; one section per part of the report, separated by a "
            "blank row. Sent with Content-Disposition: attachment.")},
        "examples": {"beneficiary": {"summary": "view=beneficiary as CSV", "value": r.beneficiary_csv},
                     "purchasing_body": {"summary": "view=purchasing_body as CSV", "value": r.purchasing_body_csv}},
    }
    path_item("get_report", {
        "summary": "Read a report: a beneficiary's (B6), the purchasing body's (B17), or the stored half-year ones",
        "description": (
            "`view=beneficiary`: validated searches, professionals who delivered, revenue per professional per month "
            "and cumulated, D4 response delays (median, p90, working days and hours) and late D4/D6 answers; a "
            "beneficiary reads its own (naming another: 403), the operator names beneficiary_id. "
            "`view=purchasing_body` (purchasing body, operator): business volume overall and per beneficiary "
            "(SIRET) by month, quarter and year, every order (amounts and categories, never the need's content), "
            "the distribution across price lines, purchasing gains against the price schedule's reference daily "
            "rates and the return on investment against the purchasing body's fees. Both over `from`–`to` "
            "(default: the calendar year to date). `view=half_year_reports`: the reports publish_half_year_report "
            "stored for each ended half-year, with 15-minute signed URLs of their JSON and CSV files. Definitions: "
            "docs/sourcing.md, \"Reporting\"."),
        "tags": ["beneficiary", "purchasing_body", "operator"],
        "parameters": [
            _query("view", "Which report.", "beneficiary", required=True,
                   enum=["beneficiary", "purchasing_body", "half_year_reports"]),
            _query("from", "First day, YYYY-MM-DD (default: 1 January of the current year).", "2026-01-01"),
            _query("to", "Last day, YYYY-MM-DD (default: today, Europe/Paris).", "2026-06-30"),
            _query("beneficiary_id", "Operator, view=beneficiary: required. A beneficiary: its own or nothing.",
                   BENEFICIARY_ID),
            _query("report_id", "view=half_year_reports: one stored report.", "half-year-2026-H1"),
            _query("format", "json (default) or csv.", "csv", enum=["json", "csv"]),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {"200": ok, **errors},
    }, "get")


def _need_move_errors(current: str, target: str) -> list[ErrorDetail]:
    from shared.domain.sourcing.process import NeedStatus, SourcingActor, check_move

    return check_move(NeedStatus(current), NeedStatus(target), SourcingActor.BENEFICIARY)


def _openapi(story: _Story, platform: _Platform) -> dict[str, Any]:
    functions = _load_functions()
    names = ["IssueOrder", "ManagerDecision", "ExecutionReport", "Order", "OrderView", "Reply", "ErrorDetail", "Problem",
             *_PLATFORM_HTTP_SCHEMAS, *contracts_web.SCHEMAS]
    schemas, refs = components_schemas(names)
    cid0, cid1 = CORRELATION_IDS[0], CORRELATION_IDS[1]
    paths: dict[str, Any] = {}

    def path_item(name: str, operation: dict[str, Any], method: str, operation_id: str | None = None) -> None:
        port = functions[name]["port"]
        roles, _ = DESCRIBED_HTTP_FUNCTIONS[name]
        operation = {**operation, "x-function": name, "x-roles": list(roles), "x-right": x_right(name)}
        item = paths.setdefault(f"/{name}", {
            "servers": [
                {"url": "https://{region}-{project}.cloudfunctions.net", "description": "Production (Cloud Functions 2nd gen)",
                 "variables": _server_variables()},
                {"url": f"http://127.0.0.1:{port}", "description": f"Local: ./scripts/dev (emulators.json, port {port})"},
            ],
        })
        item[method] = {"operationId": operation_id or name, **operation}

    def post_errors(name: str, *, extra: dict[str, dict[str, dict[str, Any]]], descriptions: dict[str, str],
                    **common: Any) -> dict[str, Any]:
        idem = _idempotency_problems(name)
        merged: dict[str, dict[str, dict[str, Any]]] = {}
        for status in sorted(set(idem) | set(extra)):
            merged[status] = {**extra.get(status, {}), **idem.get(status, {})}
        out = _common_problems(name, post=True, **common)
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
    cancel_completed = completed.check(ChangeOrderState.model_validate_json(json.dumps(
        {"order_id": ORDER_ID, "occurred_at": "2026-03-05T14:30:00+01:00", "state": "cancelled",
         "reason": "Intervention jugée inutile."})).as_change(), Actor.MANAGER, now)
    manager_invoices = completed.check(ChangeOrderState.model_validate_json(json.dumps(
        {"order_id": ORDER_ID, "occurred_at": "2026-03-05T14:30:00+01:00", "state": "invoiced"})).as_change(),
        Actor.MANAGER, now)
    hold_without_reason = story.orders["scheduled"].check(ChangeOrderState.model_validate_json(json.dumps(
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
                "400": {"malformed_json": _rejected(_malformed(ChangeOrderState), cid0)},
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
                       "addressed to it and must name the manager. `next_states` lists where the caller's role "
                       "may move the order next (the web application's form offers only these).",
        "tags": ["manager", "contractor"],
        "parameters": [{"$ref": "#/components/parameters/order_id"}, {"$ref": "#/components/parameters/manager_id"},
                       {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("The order, its total and its history, oldest event first.", refs["OrderView"],
                                  {"completed": ("Completed order with four accepted reports", story.view())}),
            **get_responses,
        },
    }, "get")

    # list_orders ---------------------------------------------------------------------------
    list_responses = _common_problems("list_orders", post=False)
    _, bad_query = order_list_rules.parse_query("manager", MANAGER_ID, {"state": "fini", "limit": "500"})
    list_responses["400"] = _problem_response("A query parameter is unknown or invalid (every error is listed).", {
        "bad_filters": _problem(400, bad_query, cid0, instance="/list_orders"),
        "foreign_space": _problem(400, order_list_rules.parse_query("manager", MANAGER_ID,
                                                                   {"manager_id": "mgr-autre"})[1],
                                  cid1, instance="/list_orders")})
    path_item("list_orders", {
        "summary": "List orders, most recent activity first (real-time view)",
        "description": (
            "The orders a caller may see, one page at a time, sorted by the platform time of their last change "
            "(A11; the web application's dashboard, A3 c). A manager (or a beneficiary) lists its own space and may "
            "filter by `contractor_id`; a contractor lists the orders addressed to it in every manager's space and "
            "may filter by `manager_id`. The space or contractor always comes from the token; naming the caller's "
            "own scope in the query is refused. Each row carries the state (with its French label), progress, "
            "planned dates or appointment, the last event, a late flag with its reason and the number of documents. "
            "Poll with `updated_since` = the previous `as_of` to get only what changed."),
        "tags": ["manager", "contractor"],
        "parameters": [
            _query("state", "Only orders in this state.", "in_progress", enum=[s.value for s in OrderState]),
            _query("contractor_id", "Managers: only the orders of this contractor. Contractors: refused.",
                   CONTRACTOR_ID),
            _query("manager_id", "Contractors: only the orders of this manager's space. Managers: refused.",
                   MANAGER_ID),
            _query("late", "true: only the orders behind their own schedule (late_reason).", "true",
                   enum=["true", "false"]),
            _query("updated_since", "ISO 8601 date-time with offset: only the orders changed since then.",
                   "2026-03-04T08:00:00Z"),
            _query("limit", f"Rows per page, 1 to {order_list_rules.MAX_LIMIT} "
                            f"(default {order_list_rules.DEFAULT_LIMIT}).", "25"),
            _query("cursor", "next_cursor of the previous page (opaque).", "eyJ0Ijo..."),
            {"$ref": "#/components/parameters/X-Correlation-Id"}],
        "responses": {
            "200": _json_response("One page of orders; next_cursor is null at the end of the list.",
                                  refs["OrderList"], {"dashboard": ("A manager's dashboard, one order late",
                                                                    story.order_list())}),
            **list_responses,
        },
    }, "get")

    # submit_execution ----------------------------------------------------------------------
    rejected = story.rest_replies["in_progress_rejected"]
    malformed_reply = Reply(status=ReplyStatus.REJECTED, in_reply_to=rejected.in_reply_to,
                            received_at=rejected.received_at, errors=_malformed(ReportExecution))
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

    _platform_operations(platform, refs, path_item, post_errors)
    _report_operations(platform, refs, path_item)

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelle — HTTPS API",
            "version": API_VERSION,
            "summary": "Orders and their execution between property managers and contractors (A2.3, A3b, A4, A12); "
                       "contracts, billing accounts, catalogues, property trees, quotes and PDF documents (A2, A7, "
                       "A14); penalties (A9), incidents (B9), accounts (B5), reversibility (A8) and the sourcing "
                       "space (part B).",
            "description": _openapi_description(functions),
        },
        "servers": [{"url": "https://{region}-{project}.cloudfunctions.net",
                     "description": "Production: every function at https://<region>-<project>.cloudfunctions.net/<name>",
                     "variables": _server_variables()}],
        "security": [{"firebaseIdToken": []}],
        "tags": [{"name": "manager", "description": "Called by a property manager's ERP (role manager)."},
                 {"name": "contractor", "description": "Called by a contractor's ERP (role contractor)."},
                 {"name": "beneficiary", "description": "Called by a beneficiary, a public body using the sourcing "
                                                        "space (role beneficiary)."},
                 {"name": "operator", "description": "Called by the platform operator, the framework contract's "
                                                     "titulaire (role operator)."}],
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
                "Location": {"description": "Where the created resource lives: /orders/<order_id>, /needs/<need_id> or "
                                            "/missions/<mission_id>.",
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
        "Prose: docs/api.md. Pub/Sub channel: asyncapi.json and docs/connector-guide.en.md."
        + ("\n\nNot described here yet: " + ", ".join(f"`{n}`" for n in sorted(NOT_YET_DESCRIBED)) + "."
           if NOT_YET_DESCRIBED else ""))


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


ORDERS_MESSAGES = ["orderIssued", "orderStateChanged", "orderLinesAdded", "contractChanged", "billingAccountChanged",
                   "cataloguePublished", "quoteRequested", "quoteDecided"]


def _asyncapi(story: _Story) -> dict[str, Any]:
    functions = _load_functions()
    config = json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))
    region = config.get("region", "europe-west9")
    names = ["Order", "OrderStateChanged", "ExecutionReport", "Reply", "ErrorDetail", "NeedSubmitted", "ExportRequested",
             "ContractChanged", "BillingAccountChanged", "CataloguePublished", "OrderLinesAdded", "SubmitQuote",
             "RegisterUpload", "QuoteExpired", "QuoteRequested", "QuoteDecided"]
    schemas, refs = components_schemas(names)
    for key, event_type in (("QuoteSubmittedHeaders", EventType.QUOTE_SUBMITTED),
                            ("DocumentUploadedHeaders", EventType.DOCUMENT_UPLOADED)):
        schemas[key] = _headers_schema(
            event_type, inbound=True, subject="optional",
            source="Your ERP, as a URI reference you choose once and keep (e.g. //erp.example.fr/passerelle).",
            ce_id="Unique per message from this source: (contractor, ce-source, ce-id) is the deduplication key.")
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

    schemas["NeedSubmittedHeaders"] = _headers_schema(
        EventType.NEED_SUBMITTED, inbound=False, subject="always",
        source=f"{SOURCING_SOURCE}/beneficiaries/<beneficiary_id>: the beneficiary's space.",
        ce_id="need-<hash of beneficiary, need and version>: one event per need version; score_candidates is "
              "idempotent on it.")
    schemas["NeedSubmittedHeaders"]["properties"]["ce-subject"] = {
        "type": "string", "pattern": "^needs/", "description": "needs/<need_id>/versions/<version>."}
    schemas["ExportRequestedHeaders"] = _headers_schema(
        EventType.EXPORT_REQUESTED, inbound=False, subject="optional", source=f"{EXPORTS_SOURCE}: the platform.",
        ce_id="export-<job_id>: one event per export job.")
    del schemas["ExportRequestedHeaders"]["properties"]["ce-subject"]

    for key, event_type, subject, ce_id in (
            ("ContractChangedHeaders", EventType.CONTRACT_CHANGED, ("^contracts/", "contracts/<contract_id>."),
             "contracts-<hash of manager, contract, version and contractor>: one event per version; drop duplicates."),
            ("BillingAccountChangedHeaders", EventType.BILLING_ACCOUNT_CHANGED,
             ("^billing_accounts/", "billing_accounts/<billing_account_id>."),
             "billing_accounts-<hash of manager, account, version and contractor>: one event per version and "
             "contractor."),
            ("CataloguePublishedHeaders", EventType.CATALOGUE_PUBLISHED,
             ("^contracts/.+/catalogue$", "contracts/<contract_id>/catalogue."),
             "catalogue-<hash of manager, contract and version>: one event per catalogue version."),
            ("OrderLinesAddedHeaders", EventType.ORDER_LINES_ADDED, ("^orders/", "orders/<order_id>."),
             "lines-<hash of manager, order and quote>: one event per accepted supplementary quote.")):
        schemas[key] = _headers_schema(event_type, inbound=False, subject="always",
                                       source=f"{platform_source}: the manager.", ce_id=ce_id)
        schemas[key]["properties"]["ce-subject"] = {"type": "string", "pattern": subject[0], "description": subject[1]}
    schemas["QuoteExpiredHeaders"] = _headers_schema(
        EventType.QUOTE_EXPIRED, inbound=False, subject="always", source=f"{platform_source}: the quote's manager.",
        ce_id="quote-expired-<hash of manager and quote>: one event per quote; drop duplicates on it.")
    schemas["QuoteExpiredHeaders"]["properties"]["ce-subject"] = {"type": "string", "pattern": "^quotes/",
                                                                  "description": "quotes/<quote_id>."}
    for key, event_type, ce_id in (
            ("QuoteRequestedHeaders", EventType.QUOTE_REQUESTED,
             "quote-requested-<hash of manager and quote>: one event per quote; drop duplicates on it."),
            ("QuoteDecidedHeaders", EventType.QUOTE_DECIDED,
             "quote-decided-<hash of manager and quote>: one decision per quote (every decision is final); drop "
             "duplicates on it.")):
        schemas[key] = _headers_schema(event_type, inbound=False, subject="always",
                                       source=f"{platform_source}: the quote's manager.", ce_id=ce_id)
        schemas[key]["properties"]["ce-subject"] = {"type": "string", "pattern": "^quotes/",
                                                    "description": "quotes/<quote_id>."}
    xp = _ExchangePerimeterStory()

    def orders_ce(event_type: EventType, kind: str, parts: tuple[str, ...], time: str, subject: str) -> dict[str, str]:
        return _ce(event_type, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}", f"{kind}-{digest(*parts)[:32]}",
                   time, subject)

    ordering = {"googlepubsub": {"bindingVersion": PUBSUB_BINDING_VERSION, "orderingKey": "$message.payload#/order_id"}}

    def message(name: str, title: str, summary: str, description: str, headers: str, payload: str,
                examples: list[tuple[str, str, dict[str, str], dict[str, Any]]],
                correlation: dict[str, str] | None = None, ordered: bool = True) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "name": name, "title": title, "summary": summary, "description": description,
            "contentType": "application/json",
            "headers": {"$ref": f"#/components/schemas/{headers}"},
            "payload": {"$ref": payload},
            "examples": [{"name": n, "summary": s, "headers": h, "payload": p} for n, s, h, p in examples],
        }
        if ordered:
            msg["bindings"] = ordering
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
        "contractChanged": message(
            "contractChanged", "Contract created or updated",
            "The manager created or changed a contract held by the contractor (A2.1).",
            "Published through the outbox after POST upsert_contract changed the contract (a new version). Pub/Sub "
            "ordering key: the contract id. The payload is the whole contract; keep the highest version.",
            "ContractChangedHeaders", refs["ContractChanged"],
            [("contract_created", "Contract AC-2026-017 created", orders_ce(
                EventType.CONTRACT_CHANGED, "contracts", (MANAGER_ID, CONTRACT_ID, "1", CONTRACTOR_ID),
                "2026-02-20T10:15:02.331Z", f"contracts/{CONTRACT_ID}"), xp.contract_changed)],
            ordered=False),
        "billingAccountChanged": message(
            "billingAccountChanged", "Billing account created or updated",
            "Where and to whom to invoice changed (A2.2).",
            "Published after POST upsert_billing_account changed the account, to every contractor holding one of "
            "its contracts. Ordering key: the billing account id.",
            "BillingAccountChangedHeaders", refs["BillingAccountChanged"],
            [("billing_account_created", "Billing account CF-LYON-01 created", orders_ce(
                EventType.BILLING_ACCOUNT_CHANGED, "billing_accounts", (MANAGER_ID, "CF-LYON-01", "1", CONTRACTOR_ID),
                "2026-02-20T10:15:02.331Z", "billing_accounts/CF-LYON-01"), xp.billing_changed)],
            ordered=False),
        "cataloguePublished": message(
            "cataloguePublished", "Catalogue version published",
            "A new version of a contract's catalogue (bordereau de prix) was imported (A14).",
            "Published after POST import_catalogue. Ordering key: the contract id. Quote lines are checked "
            "against the version in force on the day of submission.",
            "CataloguePublishedHeaders", refs["CataloguePublished"],
            [("catalogue_v3", "Version 3 of AC-2026-017's catalogue", orders_ce(
                EventType.CATALOGUE_PUBLISHED, "catalogue", (MANAGER_ID, CONTRACT_ID, "3"),
                "2026-02-25T13:40:00.118Z", f"contracts/{CONTRACT_ID}/catalogue"), xp.catalogue_published)],
            ordered=False),
        "orderLinesAdded": message(
            "orderLinesAdded", "Lines added to an order",
            "The manager accepted a supplementary quote: its lines are added to the order (A2.5).",
            "Published after POST decide_quote accepted a quote naming an order_id. Ordering key: the order id, "
            "like the order's other messages.",
            "OrderLinesAddedHeaders", refs["OrderLinesAdded"],
            [("lines_added", "Two lines of DEV-2026-0043 added to BC-2026-0101", orders_ce(
                EventType.ORDER_LINES_ADDED, "lines", (MANAGER_ID, ORDER_ID, "DEV-2026-0043"),
                "2026-03-16T09:00:00.412Z", f"orders/{ORDER_ID}"), xp.lines_added)]),
        "quoteExpired": message(
            "quoteExpired", "Quote expired",
            "A submitted quote's validity date passed without a decision: the platform expired it (A2.4).",
            "Published through the outbox by expire_quotes (Cloud Scheduler, hourly) — or when the manager tried "
            "to accept the quote too late — once per quote. The validity date ends at midnight in the quote's "
            "territory. Ordering key: the quote id. Submit a new quote request's answer only when asked again.",
            "QuoteExpiredHeaders", refs["QuoteExpired"],
            [("quote_expired", "DEV-2026-0042 expired after 30 April", _ce(
                EventType.QUOTE_EXPIRED, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}",
                f"quote-expired-{digest(MANAGER_ID, QUOTE_ID)[:32]}", "2026-05-01T03:05:00Z", f"quotes/{QUOTE_ID}"),
              xp.quote_expired)],
            ordered=False),
        "quoteRequested": message(
            "quoteRequested", "Quote requested",
            "A manager asks the contractor for a quote, or a supplementary one on an order (A2.4, A2.5); D3 "
            "(5 working days, B16) starts.",
            "Published through the outbox, in the commit that stores the quote, after POST request_quote. Once per "
            "quote: a retried request publishes nothing more. Answer with submit_quote (or quote.submitted) before "
            "answer_due_at. Pub/Sub ordering key: the order the quote is about — order_id for a supplementary "
            "quote, else the quote id (the id of the order its acceptance creates) — so that it arrives in order "
            "with that order's messages.",
            "QuoteRequestedHeaders", refs["QuoteRequested"],
            [("quote_requested", "DEV-2026-0042 requested, due in 5 working days in the Rhône", _ce(
                EventType.QUOTE_REQUESTED, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}",
                xp.quote_requested_message.id, "2026-03-09T08:30:00.214Z", f"quotes/{QUOTE_ID}"),
              xp.quote_requested)],
            ordered=False),
        "quoteDecided": message(
            "quoteDecided", "Quote decided",
            "The manager accepted or refused the quote, or the contractor withdrew it (A2.4, A2.5).",
            "Published through the outbox, in the commit that records the decision, after POST decide_quote. Once "
            "per quote (every decision is final; a retried request publishes nothing more). An acceptance follows "
            "the orderIssued (new order, id = quote id) or orderLinesAdded (supplementary quote) it caused, under "
            "the same ordering key (order_id for a supplementary quote, else the quote id). An expiry comes as "
            "quoteExpired on replies-<contractorId> instead.",
            "QuoteDecidedHeaders", refs["QuoteDecided"],
            [("quote_accepted", "DEV-2026-0042 accepted: order DEV-2026-0042 created", _ce(
                EventType.QUOTE_DECIDED, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}",
                xp.quote_accepted_message.id, "2026-03-16T09:00:00.388Z", f"quotes/{QUOTE_ID}"),
              xp.quote_decided["accepted"]),
             ("quote_refused", "DEV-2026-0042 refused with a reason", _ce(
                 EventType.QUOTE_DECIDED, f"{topology.PLATFORM_SOURCE}/managers/{MANAGER_ID}",
                 xp.quote_accepted_message.id, "2026-03-16T09:00:00.388Z", f"quotes/{QUOTE_ID}"),
              xp.quote_decided["refused"])],
            ordered=False),
        "quoteSubmitted": message(
            "quoteSubmitted", "Quote submitted",
            "The contractor submits (or revises) a quote over Pub/Sub (A2.4): the body of POST submit_quote.",
            "Routed by ce-type to the same service as submit_quote; answered once on replies-<contractorId> "
            "(quote_id and quote_version in the reply).",
            "QuoteSubmittedHeaders", refs["SubmitQuote"],
            [("quote_submitted", "Version 1 of DEV-2026-0042", _ce(
                EventType.QUOTE_SUBMITTED, ERP_SOURCE, "7d0c4e2a-5b91-4f3e-8a6d-2c1b9e0f4a73",
                "2026-03-11T15:02:00Z", None), SUBMIT_QUOTE)],
            ordered=False),
        "documentUploaded": message(
            "documentUploaded", "Document uploaded",
            "The contractor registers a PDF PUT on the signed URL of request_report_upload: the JSON body of POST "
            "store_report.",
            "Routed by ce-type to the same service as store_report; answered once on replies-<contractorId> "
            "(document_sha256 in the reply).",
            "DocumentUploadedHeaders", refs["RegisterUpload"],
            [("document_uploaded", "Register upload 8c1f3e5a…", _ce(
                EventType.DOCUMENT_UPLOADED, ERP_SOURCE, "c3a9f1e0-2d4b-4c6a-9e8f-7b5d3a1c0e92",
                "2026-03-05T14:58:30Z", f"orders/{ORDER_ID}"),
              {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "upload_id": "8c1f3e5a7b9d4f2e6a0c8b1d3f5e7a9c"})],
            ordered=False),
        "needSubmitted": message(
            "needSubmitted", "Need version submitted",
            "A need version waits for scoring (platform-internal).",
            "Published through the outbox by submit_need (version 1) and decide_proposal (relaunch: the new "
            "version). score_candidates ranks the pool for that version and stores the result; a redelivery finds "
            "the result written and changes nothing. No ordering key.",
            "NeedSubmittedHeaders", refs["NeedSubmitted"],
            [("need_submitted", "Version 1 of BES-2026-014", _ce(
                EventType.NEED_SUBMITTED, f"{SOURCING_SOURCE}/beneficiaries/{BENEFICIARY_ID}",
                f"need-{digest(BENEFICIARY_ID, NEED_ID, '1')[:32]}", "2026-03-09T08:30:00.214Z",
                f"needs/{NEED_ID}/versions/1"), {"beneficiary_id": BENEFICIARY_ID, "need_id": NEED_ID, "version": 1})],
            ordered=False),
        "exportRequested": message(
            "exportRequested", "Export requested",
            "A reversibility export job waits to be run (platform-internal).",
            "Published through the outbox by POST export_space. run_export builds the archive and reports progress "
            "on the job; running it again for a completed job does nothing. No ordering key.",
            "ExportRequestedHeaders", refs["ExportRequested"],
            [("export_requested", "Export of mgr-rhone-habitat", _ce(
                EventType.EXPORT_REQUESTED, EXPORTS_SOURCE, f"export-{EXPORT_JOB_ID}", "2026-06-30T16:02:11.408Z",
                None), {"job_id": EXPORT_JOB_ID})],
            ordered=False),
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
                          "Platform → contractor: new orders, the manager's decisions, lines added by a "
                          "supplementary quote, quote requests and decisions, and the contracts, billing accounts and catalogue versions the "
                          f"contractor works under. Pull them from {topology.erp_subscription(orders_topic)} and "
                          "acknowledge each once stored; route on ce-type.",
                          ORDERS_MESSAGES,
                          {"name": topology.erp_subscription(orders_topic), "type": "pull", "messageOrdering": True,
                           "ackDeadlineSeconds": 60, "maxDeliveryAttempts": 10}),
        "execution": channel("execution", "Execution reports from a contractor",
                             "Contractor → platform: execution reports. Only the contractor's ERP service account may "
                             "publish here; the contractor is known from the topic, never from the payload.",
                             ["executionReported", "quoteSubmitted", "documentUploaded"],
                             {"name": topology.push_subscription("{contractorId}"), "type": "push",
                              "endpoint": "publish_execution", "messageOrdering": True, "ackDeadlineSeconds": 60,
                              "maxDeliveryAttempts": 5}),
        "replies": channel("replies", "Replies to a contractor",
                           "Platform → contractor: exactly one reply per distinct execution message (REST ones "
                           f"included), and the expiry of its quotes. Pull them from "
                           f"{topology.erp_subscription(replies_topic)}; correlate replies on in_reply_to.id; route "
                           "on ce-type.",
                           ["replyAccepted", "replyRejected", "quoteExpired"],
                           {"name": topology.erp_subscription(replies_topic), "type": "pull", "messageOrdering": True,
                            "ackDeadlineSeconds": 60, "maxDeliveryAttempts": 10}),
    }

    def internal_channel(topic: str, title: str, description: str, message_name: str, function: str,
                         ack_deadline: int) -> dict[str, Any]:
        return {
            "address": topic, "title": title, "description": description,
            "messages": {message_name: {"$ref": f"#/components/messages/{message_name}"}},
            "x-google-pubsub": {
                "messageStoragePolicy": {"allowedPersistenceRegions": [region]},
                "deadLetterTopic": topology.dead_letter_topic(topic),
                "subscription": {"name": f"{topic}-push", "type": "push", "endpoint": function,
                                 "messageOrdering": False, "ackDeadlineSeconds": ack_deadline,
                                 "maxDeliveryAttempts": 5},
            },
        }

    channels["needsSubmitted"] = internal_channel(
        NEEDS_TOPIC, "Need versions to score (internal)",
        "Platform → platform: no ERP publishes or subscribes here. Described so that the whole bus is on record.",
        "needSubmitted", "score_candidates", 300)
    channels["exportsRequested"] = internal_channel(
        EXPORTS_TOPIC, "Exports to build (internal)",
        "Platform → platform: no ERP publishes or subscribes here. Described so that the whole bus is on record.",
        "exportRequested", "run_export", 600)

    def refs_to(channel_name: str, names: list[str]) -> list[dict[str, str]]:
        return [{"$ref": f"#/channels/{channel_name}/messages/{n}"} for n in names]

    operations = {
        "sendOrders": {
            "action": "send", "channel": {"$ref": "#/channels/orders"},
            "title": "Deliver orders and decisions",
            "summary": "The platform publishes a manager's orders, quote requests and decisions, and the contracts, "
                       "billing accounts and catalogues behind them, for the contractor.",
            "messages": refs_to("orders", ORDERS_MESSAGES),
        },
        "receiveExecutionReports": {
            "action": "receive", "channel": {"$ref": "#/channels/execution"},
            "title": "Record execution reports",
            "summary": "The platform checks and applies each report, then answers it.",
            "description": f"Served by the {'publish_execution'} function ({functions['publish_execution']['trigger']} "
                           "trigger through the push subscription). Rejections are answers, not failures: the message "
                           "is acknowledged; only infrastructure failures make Pub/Sub redeliver (then dead-letter).",
            "messages": refs_to("execution", ["executionReported", "quoteSubmitted", "documentUploaded"]),
            "reply": {"channel": {"$ref": "#/channels/replies"},
                      "messages": refs_to("replies", ["replyAccepted", "replyRejected"])},
        },
        "scoreNeeds": {
            "action": "receive", "channel": {"$ref": "#/channels/needsSubmitted"},
            "title": "Score need versions",
            "summary": "score_candidates ranks the pool for each need version (B3).",
            "messages": refs_to("needsSubmitted", ["needSubmitted"]),
        },
        "runExports": {
            "action": "receive", "channel": {"$ref": "#/channels/exportsRequested"},
            "title": "Build export archives",
            "summary": "run_export builds one ZIP archive per job (A8).",
            "messages": refs_to("exportsRequested", ["exportRequested"]),
        },
        "sendReplies": {
            "action": "send", "channel": {"$ref": "#/channels/replies"},
            "title": "Answer every execution message; tell of expired quotes",
            "summary": "One reply per distinct message, accepted or rejected with every error (A4); one "
                       "quote.expired per quote whose validity date passed.",
            "messages": refs_to("replies", ["replyAccepted", "replyRejected", "quoteExpired"]),
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
        "needs-submitted and exports-requested are platform-internal (the platform publishes and consumes them); "
        "they are described so that every message on the bus is on record. ERPs never use them.\n\n"
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
        "| `openapi.json` | OpenAPI 3.1: the public HTTPS functions (" + ", ".join(DESCRIBED_HTTP_FUNCTIONS) + "). |\n"
        "| `asyncapi.json` | AsyncAPI 3.0: the Pub/Sub topics orders-, execution-, replies-<contractorId>, and the "
        "platform-internal needs-submitted and exports-requested; CloudEvents headers, error codes "
        "(`x-error-codes`). |\n"
        f"{rows}\n\n"
        "Prose: `docs/api.md`, `docs/connector-guide.en.md`, `docs/connector-guide.fr.md`.\n")


def dumps(document: Any) -> str:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """Every contract file: {path relative to docs/contracts: text}."""
    story, platform = _Story(), _Platform()
    examples = schema_examples(story, platform)
    files = {path: dumps(doc) for path, doc in schema_files(examples).items()}
    files["openapi.json"] = dumps(_openapi(story, platform))
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
