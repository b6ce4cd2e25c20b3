"""Temporary: the hand-built stories of shared/contracts.py, while the package is assembled."""

from __future__ import annotations

from typing import Any

from devtools.contracts.registry import examples
from shared import contracts as _old
from shared.contracts import (  # noqa: F401
    BENEFICIARY, BENEFICIARY_ID, CATALOGUE_MAX_BYTES, CONTRACT_ID, CONTRACTOR_ID, DECISIONS, ERASE_PROFESSIONAL,
    ERP_SOURCE, EXPORT_COMPLETED, EXPORT_JOB_ID, EXPORT_PENDING, EXPORT_RUNNING, FRAME_MISSION, IMPORT_MAX_BYTES,
    ISSUE_ORDER, JSON_LINES_TYPES, MANAGER_ID, NEED_CONTENT, NEED_ID, ORDER_ID, PROFESSIONAL, PROFESSIONAL_ERASED,
    PROPERTY_TREE_MAX_BYTES, QUOTE_ID, REPLACEMENT_PRO, REPORTS, REQUEST_QUOTE, SUBMIT_QUOTE, UPSERT_BILLING_ACCOUNT,
    UPSERT_CONTRACT, EXPORTS_SOURCE, SOURCING_SOURCE,
)
from shared.contracts import _ce as ce_headers  # noqa: F401
from shared.contracts import _import_report as import_report  # noqa: F401
from shared.contracts import _need_move_errors as need_move_errors  # noqa: F401
from shared.contracts import platform_examples  # noqa: F401


@examples
def legacy_examples(stories: Any) -> dict[str, list[Any]]:
    found = _old.schema_examples(_old._Story(), stories.platform)
    for name in ("IssueOrder", "ExecutionReport", "ManagerDecision", "Order", "OrderStateChanged", "OrderView", "Reply",
                 "ErrorDetail", "Problem", "OrderList", "UpsertContract", "ContractSaved", "ContractChanged",
                 "UpsertBillingAccount", "BillingAccountSaved", "BillingAccountChanged", "CataloguePublished",
                 "ImportCatalogue", "CatalogueImported", "CatalogueView", "ImportPropertyTree", "PropertyTreeImported",
                 "PropertyCoverage", "AttachFields", "RegisterUpload", "RequestUpload", "DocumentStored", "UploadTicket",
                 "DocumentList", "RequestQuote", "SubmitQuote", "DecideQuote", "QuoteView", "QuoteExpired",
                 "QuoteRequested", "QuoteDecided", "OrderLinesAdded", "ReportIncident", "AcknowledgeIncident",
                 "IncidentView", "ResolveIncident", "IncidentList"):
        del found[name]
    return found
