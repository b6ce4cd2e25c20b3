"""Every schema docs/contracts publishes: its model, its JSON Schema mode and what it is on the wire.

Validation mode for what the platform receives, serialization mode for what it sends. The name is
the file name (``schemas/<name>.schema.json``) and the component name; a model keeps its wire name as
its pydantic ``title``, wherever it lives. A new schema is one line in ``SCHEMAS`` and one in
``DIRECTION``; its examples come from a story (``registry.examples``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.domain.audit_report import AuditCheckView
from shared.domain.catalogue import (
    CatalogueImported, CataloguePublished, CatalogueReviewConfirmed, CatalogueReviewDue, CatalogueReviewed,
    CatalogueView, ConfirmCatalogueReview, ImportCatalogue,
)
from shared.domain.conformance import CheckConformance, ConformanceReport, ConformanceRun, StartConformance
from shared.domain.contracts import (
    BillingAccountChanged, BillingAccountSaved, ContractChanged, ContractSaved, UpsertBillingAccount, UpsertContract,
)
from shared.domain.documents import (
    AttachFields, DocumentList, DocumentStored, RegisterUpload, RequestUpload, UploadTicket,
)
from shared.domain.errors import ErrorDetail
from shared.domain.exports import ExportJob, ExportRequested
from shared.domain.identity import (
    AccountCreated, AccountList, AccountRequest, ChangePassword, CreateAccount, PasswordChanged, RequestAccount,
)
from shared.domain.contract_terms import AgreementTermsChanged, PenaltyTermsSet, SetPenaltyTerms
from shared.domain.incidents import (
    AcknowledgeIncident, FollowUpIncident, IncidentAlert, IncidentList, IncidentView, ReportIncident, ResolveIncident,
)
from shared.domain.messages import ChangeOrderState, IssueOrder, OrderStateChanged, Problem, Reply, ReportExecution
from shared.domain.listings import AccountRequestList, ContractList, NeedList, ProfessionalRecord, QuoteList
from shared.domain.order_list import OrderList
from shared.domain.order_views import OrderView
from shared.domain.orders import Order
from shared.domain.parties import (
    ContractorRegistered, DeactivateParty, MachineIdentityRegistered, ManagerRegistered, PartyDeactivated, PartyList,
    PurchasingBodyRegistered, RegisterContractor, RegisterMachineIdentity, RegisterManager, RegisterPurchasingBody,
)
from shared.domain.penalties import DecidePenalty, PenaltyEntry, Statement
from shared.domain.perimeter_reads import BillingAccountList, ContractRecord, PropertyNodePage
from shared.domain.property_attach import OrderRefused, OrdersNodeAttached
from shared.domain.property_tree import (
    AttachOrderNode, ImportPropertyTree, OrderNodeAttached, OrderNodeChanged, PropertyCoverage, PropertyNodesChanged,
    PropertyNodesRetired, PropertyTreeImported,
)
from shared.domain.quotes import (
    DecideQuote, OrderLinesAdded, QuoteDecided, QuoteExpired, QuoteRequested, QuoteView, RaiseQuote,
    RequestMissionQuote, RequestQuote, SubmitQuote,
)
from shared.domain.message_log import MessageLog
from shared.domain.replay import MessagePage, RedeliverMessages, Redelivered
from shared.domain.sourcing.erasure_messages import EraseProfessional, ProfessionalErased
from shared.domain.sourcing.messages import (
    DecideDeliverable, DecideProposal, DeliverableDecided, FrameMission, MissionProfessionalReplaced,
    MissionReplacementRequested, NeedSubmitted, ProposeProfessionals, ReplacementRequest, SubmitNeed, SubmitTimesheet,
    TimesheetRecorded,
)
from shared.domain.invoices import InvoiceList, InvoiceStatusChanged, SubmitInvoice
from shared.domain.reception import LiftReservation, OrderReceived, ReceiveOrder, ReservationLifted
from shared.domain.sourcing.price_schedule import ImportPriceSchedule, PriceScheduleImported, PriceScheduleList
from shared.domain.sourcing.process import Mission, NeedRecord
from shared.domain.sourcing.views import SourcingView
from shared.domain.sourcing.records import Beneficiary, ImportReport, Professional, ProfessionalUpserted
from shared.domain.sourcing.reporting import (
    BeneficiaryReport, HalfYearReportLink, HalfYearReportList, HalfYearReportPublished, PublishHalfYearReport,
    PurchasingBodyReport, ReportView,
)

BASE_URI = "https://passerelle.fr/contracts/"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMMAND = "python -m devtools.contracts"

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
    "ChangePassword": (ChangePassword, "validation"),
    "PasswordChanged": (PasswordChanged, "serialization"),
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
    # reception and invoicing (docs/invoicing.md), mission timesheets (B11)
    "ReceiveOrder": (ReceiveOrder, "validation"),
    "LiftReservation": (LiftReservation, "validation"),
    "OrderReceived": (OrderReceived, "serialization"),
    "ReservationLifted": (ReservationLifted, "serialization"),
    "SubmitInvoice": (SubmitInvoice, "validation"),
    "InvoiceList": (InvoiceList, "serialization"),
    "InvoiceStatusChanged": (InvoiceStatusChanged, "serialization"),
    "SubmitTimesheet": (SubmitTimesheet, "validation"),
    "TimesheetRecorded": (TimesheetRecorded, "serialization"),
    "DecideDeliverable": (DecideDeliverable, "validation"),
    "DeliverableDecided": (DeliverableDecided, "serialization"),
    "MissionReplacementRequested": (MissionReplacementRequested, "serialization"),
    "MissionProfessionalReplaced": (MissionProfessionalReplaced, "serialization"),
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
    # the web application's reads
    "QuoteList": (QuoteList, "serialization"),
    "ContractList": (ContractList, "serialization"),
    "AccountRequestList": (AccountRequestList, "serialization"),
    "AccountList": (AccountList, "serialization"),
    "NeedList": (NeedList, "serialization"),
    "ProfessionalRecord": (ProfessionalRecord, "serialization"),
    "RegisterManager": (RegisterManager, "validation"),
    "ManagerRegistered": (ManagerRegistered, "serialization"),
    "RegisterPurchasingBody": (RegisterPurchasingBody, "validation"),
    "PurchasingBodyRegistered": (PurchasingBodyRegistered, "serialization"),
    "RegisterContractor": (RegisterContractor, "validation"),
    "ContractorRegistered": (ContractorRegistered, "serialization"),
    "RegisterMachineIdentity": (RegisterMachineIdentity, "validation"),
    "MachineIdentityRegistered": (MachineIdentityRegistered, "serialization"),
    "DeactivateParty": (DeactivateParty, "validation"),
    "PartyDeactivated": (PartyDeactivated, "serialization"),
    "PartyList": (PartyList, "serialization"),
    "AuditCheckView": (AuditCheckView, "serialization"),
    "StartConformance": (StartConformance, "validation"),
    "CheckConformance": (CheckConformance, "validation"),
    "ConformanceRun": (ConformanceRun, "serialization"),
    "ConformanceReport": (ConformanceReport, "serialization"),
    # quotes not started by the manager (A2.4, A2.5, B16), replay and reads for connectors, property nodes
    # delivered (A7), the catalogue's six-month review (A14)
    "RaiseQuote": (RaiseQuote, "validation"),
    "RequestMissionQuote": (RequestMissionQuote, "validation"),
    "MessagePage": (MessagePage, "serialization"),
    "MessageLog": (MessageLog, "serialization"),
    "RedeliverMessages": (RedeliverMessages, "validation"),
    "Redelivered": (Redelivered, "serialization"),
    "ContractRecord": (ContractRecord, "serialization"),
    "BillingAccountList": (BillingAccountList, "serialization"),
    "PropertyNodePage": (PropertyNodePage, "serialization"),
    "PropertyNodesChanged": (PropertyNodesChanged, "serialization"),
    "PropertyNodesRetired": (PropertyNodesRetired, "serialization"),
    "AttachOrderNode": (AttachOrderNode, "validation"),
    "OrderNodeAttached": (OrderNodeAttached, "serialization"),
    "OrdersNodeAttached": (OrdersNodeAttached, "serialization"),
    "OrderRefused": (OrderRefused, "serialization"),
    "OrderNodeChanged": (OrderNodeChanged, "serialization"),
    "ConfirmCatalogueReview": (ConfirmCatalogueReview, "validation"),
    "CatalogueReviewConfirmed": (CatalogueReviewConfirmed, "serialization"),
    "CatalogueReviewed": (CatalogueReviewed, "serialization"),
    "CatalogueReviewDue": (CatalogueReviewDue, "serialization"),
    # terms per deadline (A9), the price schedule (B17), incident follow-up and alerts (B9)
    "SetPenaltyTerms": (SetPenaltyTerms, "validation"),
    "PenaltyTermsSet": (PenaltyTermsSet, "serialization"),
    "ImportPriceSchedule": (ImportPriceSchedule, "validation"),
    "PriceScheduleImported": (PriceScheduleImported, "serialization"),
    "PriceScheduleList": (PriceScheduleList, "serialization"),
    "FollowUpIncident": (FollowUpIncident, "validation"),
    "IncidentAlert": (IncidentAlert, "serialization"),
    "AgreementTermsChanged": (AgreementTermsChanged, "serialization"),
}

DIRECTION = {
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
    "SourcingView": "Outbound: body of the GET get_sourcing answer (need, mission, agreement, pool_statistics or "
                    "beneficiaries view).",
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
    "RequestAccount": "Inbound: body of POST request_account (manager, beneficiary or purchasing body).",
    "AccountRequest": "Outbound: body of the request_account answer (202).",
    "CreateAccount": "Inbound: body of POST manage_account (operator).",
    "AccountCreated": "Outbound: body of the manage_account answer.",
    "ChangePassword": "Inbound: body of POST change_password (any person: its own password).",
    "PasswordChanged": "Outbound: body of the change_password answer.",
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
    "IncidentView": "Outbound: body of the report_incident, acknowledge_incident, follow_up_incident and "
                    "resolve_incident answers.",
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
    "ReceiveOrder": "Inbound: body of POST record_reception (manager, or beneficiary for its mission's order).",
    "LiftReservation": "Inbound: body of POST lift_reservation (manager or beneficiary).",
    "OrderReceived": "Outbound: data of fr.passerelle.order.received.v1 on orders-<contractor>.",
    "ReservationLifted": "Outbound: data of fr.passerelle.order.reservation_lifted.v1 on orders-<contractor>.",
    "SubmitInvoice": "Inbound: data of fr.passerelle.invoice.submitted.v1 on execution-<contractor>, or body of POST "
                     "submit_invoice; answered by a Reply.",
    "InvoiceList": "Outbound: body of the GET get_invoices answer (format=cii answers the Factur-X XML instead).",
    "InvoiceStatusChanged": "Outbound: data of fr.passerelle.invoice.status_changed.v1 on orders-<contractor>.",
    "SubmitTimesheet": "Inbound: body of POST submit_timesheet (the titulaire).",
    "TimesheetRecorded": "Outbound: body of the submit_timesheet answer.",
    "DecideDeliverable": "Inbound: body of POST decide_deliverable (the beneficiary).",
    "DeliverableDecided": "Outbound: body of the decide_deliverable answer, and data of "
                          "fr.passerelle.deliverable.decided.v1 on orders-<titulaire>.",
    "MissionReplacementRequested": "Outbound: data of fr.passerelle.mission.replacement_requested.v1 on "
                                   "orders-<titulaire>.",
    "MissionProfessionalReplaced": "Outbound: data of fr.passerelle.mission.professional_replaced.v1 on "
                                   "orders-<titulaire>.",
    "CatalogueView": "Outbound: body of the GET get_catalogue answer.",
    "ImportPropertyTree": "Inbound: JSON body of POST import_property_tree (manager); the same nodes can be sent as a "
                          "French CSV (text/csv).",
    "PropertyTreeImported": "Outbound: body of the import_property_tree answer (201 when nodes were written, 200 "
                            "otherwise).",
    "PropertyCoverage": "Outbound: body of the GET get_property_coverage answer.",
    "AttachOrderNode": "Inbound: body of POST attach_order_node (manager): one order (order_id) or up to 500 (order_ids).",
    "OrderNodeAttached": "Outbound: body of the attach_order_node answer to one order (order_id).",
    "OrdersNodeAttached": "Outbound: body of the attach_order_node answer to many orders (order_ids).",
    "OrderRefused": "Outbound: one order an attach_order_node request for many orders did not attach, with its reasons.",
    "OrderNodeChanged": "Outbound: data of fr.passerelle.order.node_changed.v1 on orders-<contractor>.",
    "AttachFields": "Inbound: the text fields of the multipart/form-data body of POST store_report (contractor); the "
                    "PDF is the `file` part.",
    "RegisterUpload": "Inbound: JSON body of POST store_report (contractor): a file PUT on the signed URL of "
                      "request_report_upload.",
    "RequestUpload": "Inbound: body of POST request_report_upload (contractor).",
    "DocumentStored": "Outbound: body of the store_report answer (201 stored, 200 already there).",
    "UploadTicket": "Outbound: body of the request_report_upload answer (201).",
    "DocumentList": "Outbound: body of the GET get_documents answer.",
    "OrderList": "Outbound: body of the GET list_orders answer (the web application's lists, A11).",
    "QuoteList": "Outbound: body of the GET list_quotes answer.",
    "ContractList": "Outbound: body of the GET list_contracts answer.",
    "AccountRequestList": "Outbound: body of the GET list_account_requests answer.",
    "AccountList": "Outbound: body of the GET list_accounts answer (B5 accounts and rights).",
    "NeedList": "Outbound: body of the GET list_needs answer.",
    "ProfessionalRecord": "Outbound: body of the GET get_professional answer.",
    "RegisterManager": "Inbound: body of POST register_manager (operator).",
    "ManagerRegistered": "Outbound: body of the register_manager answer (201 created, 200 updated or unchanged).",
    "RegisterPurchasingBody": "Inbound: body of POST register_purchasing_body (operator).",
    "PurchasingBodyRegistered": "Outbound: body of the register_purchasing_body answer (201 created, 200 updated "
                                "or unchanged).",
    "RegisterContractor": "Inbound: body of POST register_contractor (operator).",
    "ContractorRegistered": "Outbound: body of the register_contractor answer, with the Pub/Sub topology applied.",
    "RegisterMachineIdentity": "Inbound: body of POST register_machine_identity (operator).",
    "MachineIdentityRegistered": "Outbound: body of the register_machine_identity answer.",
    "DeactivateParty": "Inbound: body of POST deactivate_party (operator).",
    "PartyDeactivated": "Outbound: body of the deactivate_party answer.",
    "PartyList": "Outbound: body of the GET list_parties answer.",
    "AuditCheckView": "Outbound: body of the GET get_audit_check answer (B15 audit trail).",
    "StartConformance": "Inbound: body of POST start_conformance (contractor): {}.",
    "CheckConformance": "Inbound: body of POST check_conformance (contractor).",
    "ConformanceRun": "Outbound: body of the start_conformance answer (201).",
    "ConformanceReport": "Outbound: body of the check_conformance answer: the verdict of each step.",
    "RaiseQuote": "Inbound: body of POST raise_quote (contractor), or data of fr.passerelle.quote.raised.v1 on "
                  "execution-<contractor>.",
    "RequestMissionQuote": "Inbound: body of POST request_mission_quote (beneficiary).",
    "MessagePage": "Outbound: body of the GET list_messages answer (contractor).",
    "MessageLog": "Outbound: body of the GET list_message_log answer (contractor, operator).",
    "RedeliverMessages": "Inbound: body of POST redeliver_messages (contractor).",
    "Redelivered": "Outbound: body of the redeliver_messages answer.",
    "ContractRecord": "Outbound: body of the GET get_contract answer.",
    "BillingAccountList": "Outbound: body of the GET list_billing_accounts answer.",
    "PropertyNodePage": "Outbound: body of the GET list_property_nodes answer.",
    "PropertyNodesChanged": "Outbound: data of fr.passerelle.property_nodes.changed.v1 on orders-<contractor>.",
    "PropertyNodesRetired": "Outbound: data of fr.passerelle.property_nodes.retired.v1 on orders-<contractor>.",
    "ConfirmCatalogueReview": "Inbound: body of POST confirm_catalogue_review (manager).",
    "CatalogueReviewConfirmed": "Outbound: body of the confirm_catalogue_review answer (201 recorded, 200 again).",
    "CatalogueReviewed": "Outbound: data of fr.passerelle.catalogue.reviewed.v1 on orders-<contractor>.",
    "CatalogueReviewDue": "Outbound: data of fr.passerelle.catalogue.review_due.v1 on orders-<contractor>.",
    "SetPenaltyTerms": "Inbound: body of POST set_penalty_terms (manager: its contract; purchasing body: a "
                       "beneficiary's agreement).",
    "PenaltyTermsSet": "Outbound: body of the set_penalty_terms answer (201).",
    "ImportPriceSchedule": "Inbound: JSON body of POST import_price_schedule (purchasing body); the same lines can be "
                           "sent as a French CSV (text/csv).",
    "PriceScheduleImported": "Outbound: body of the import_price_schedule answer (201).",
    "PriceScheduleList": "Outbound: body of the GET get_report?view=price_schedule answer.",
    "FollowUpIncident": "Inbound: body of POST follow_up_incident (operator).",
    "IncidentAlert": "Internal: data of fr.passerelle.incident.alert.v1 on incident-alerts (a new severity-1 or -2 "
                     "incident, for the operator's on-call tooling).",
    "AgreementTermsChanged": "Outbound: data of fr.passerelle.agreement.terms_changed.v1 on orders-<titulaire> (a "
                             "new version of a beneficiary's agreement terms).",
}


def schema_files(examples: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    files = {}
    for name, (model, mode) in SCHEMAS.items():
        schema = model.model_json_schema(mode=mode)
        schema = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": f"{BASE_URI}schemas/{name}.schema.json",
            "$comment": f"Generated by `{COMMAND}` from {model.__module__}.{model.__qualname__} "
                        f"({mode} mode). Do not edit.",
            **schema,
            "description": f"{schema.get('description', '').strip()}\n\n{DIRECTION[name]}".strip(),
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
        target["description"] = f"{target.get('description', '').strip()}\n\n{DIRECTION[name]}".strip()
    return schemas, refs
