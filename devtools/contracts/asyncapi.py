"""asyncapi.json: the per-contractor Pub/Sub topics (and the platform-internal ones), their CloudEvents
headers, the messages with examples from the stories (``asyncapi_messages``), and the error-code catalogue
as ``x-error-codes``."""

from __future__ import annotations

import json
import string
from typing import Any, Literal

from devtools.contracts.asyncapi_messages import ORDERS_MESSAGES, messages as build_messages
from devtools.contracts.openapi_common import EMULATORS_FILE, load_functions
from devtools.contracts.openapi import API_VERSION
from devtools.contracts.schemas import components_schemas
from devtools.contracts.stories import Stories
from shared import topology
from shared.domain.errors import CATALOGUE
from shared.domain.messages import EventType
from shared.domain.orders import CLOCK_SKEW_TOLERANCE
from shared.domain.timeliness import SHARING_DEADLINE
from shared.edge.cloudevents import MAX_MESSAGE_BYTES, REQUIRED_ATTRIBUTES
from shared.service import exports as exports_service
from shared.service import incidents as incidents_service
from shared.service.sourcing import paths as sourcing_paths

# Platform-internal topics and their CloudEvents sources. tests/unit/test_contracts.py checks that the
# export service publishes from EXPORTS_SOURCE on EXPORTS_TOPIC.
NEEDS_TOPIC = sourcing_paths.NEEDS_TOPIC
SOURCING_SOURCE = sourcing_paths.SOURCE
EXPORTS_TOPIC = exports_service.EXPORTS_TOPIC
EXPORTS_SOURCE = "//passerelle.fr/exports"
ALERTS_TOPIC = incidents_service.ALERTS_TOPIC
INCIDENTS_SOURCE = f"{topology.PLATFORM_SOURCE}/incidents"


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
        properties["ce-validateonly"] = {
            "type": "string", "enum": ["true", "false"],
            "description": "Optional CloudEvents extension: true checks the message and answers, on "
                           "replies-<contractor>, the reply it would get (validate_only: true), changing nothing "
                           "(the ce-id stays free). Any other value is rejected with INVALID_ENVELOPE."}
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




def asyncapi(stories: Stories) -> dict[str, Any]:
    functions = load_functions()
    config = json.loads(EMULATORS_FILE.read_text(encoding="utf-8"))
    region = config.get("region", "europe-west9")
    names = ["Order", "OrderStateChanged", "ExecutionReport", "Reply", "ErrorDetail", "NeedSubmitted", "ExportRequested",
             "ContractChanged", "BillingAccountChanged", "CataloguePublished", "OrderLinesAdded", "SubmitQuote",
             "RegisterUpload", "QuoteExpired", "QuoteRequested", "QuoteDecided", "RaiseQuote", "PropertyNodesChanged",
             "PropertyNodesRetired", "CatalogueReviewed", "CatalogueReviewDue", "SubmitInvoice", "OrderReceived",
             "ReservationLifted", "InvoiceStatusChanged", "IncidentAlert", "AgreementTermsChanged",
             "DeliverableDecided", "OrderNodeChanged", "MissionReplacementRequested", "MissionProfessionalReplaced"]
    schemas, refs = components_schemas(names)
    for key, event_type in (("QuoteSubmittedHeaders", EventType.QUOTE_SUBMITTED),
                            ("QuoteRaisedHeaders", EventType.QUOTE_RAISED),
                            ("DocumentUploadedHeaders", EventType.DOCUMENT_UPLOADED),
                            ("InvoiceSubmittedHeaders", EventType.INVOICE_SUBMITTED)):
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
    schemas["IncidentAlertHeaders"] = _headers_schema(
        EventType.INCIDENT_ALERT, inbound=False, subject="always", source=f"{INCIDENTS_SOURCE}: the platform.",
        ce_id="incident-alert-<incident_id>: one alert per incident; drop duplicates on it.")
    schemas["IncidentAlertHeaders"]["properties"]["ce-subject"] = {
        "type": "string", "pattern": "^incidents/", "description": "incidents/<incident_id>."}

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
             "lines-<hash of manager, order and quote>: one event per accepted supplementary quote."),
            ("OrderNodeChangedHeaders", EventType.ORDER_NODE_CHANGED, ("^orders/", "orders/<order_id>."),
             "node-<hash of manager, order, nodes and time>-<hash of manager and order>: one event per attachment "
             "that changed the order's node."),
            ("PropertyNodesChangedHeaders", EventType.PROPERTY_NODES_CHANGED,
             ("^property-tree/", "property-tree/<import job id>."),
             "nodes-<hash of manager, import, contractor and batch>: one event per import batch and contractor."),
            ("PropertyNodesRetiredHeaders", EventType.PROPERTY_NODES_RETIRED,
             ("^property-tree/", "property-tree/<import job id>."),
             "nodes-<hash of manager, import, contractor and batch>: one event per import batch and contractor."),
            ("CatalogueReviewedHeaders", EventType.CATALOGUE_REVIEWED,
             ("^contracts/.+/catalogue$", "contracts/<contract_id>/catalogue."),
             "catalogue-reviewed-<hash of manager, contract and review date>: one event per review."),
            ("CatalogueReviewDueHeaders", EventType.CATALOGUE_REVIEW_DUE,
             ("^contracts/.+/catalogue$", "contracts/<contract_id>/catalogue."),
             "catalogue-review-due-<hash of manager, contract and due date>: one reminder per due date."),
            ("OrderReceivedHeaders", EventType.ORDER_RECEIVED, ("^orders/", "orders/<order_id>."),
             "rec-<hash>-<hash of manager and order>: one event per reception; drop duplicates on it."),
            ("ReservationLiftedHeaders", EventType.RESERVATION_LIFTED, ("^orders/", "orders/<order_id>."),
             "lift-<hash>-<hash of manager and order>: one event per reservation lifted."),
            ("DeliverableDecidedHeaders", EventType.DELIVERABLE_DECIDED, ("^orders/", "orders/<order_id>."),
             "deliverable-decided-<hash of beneficiary, order and document>: one event per deliverable document "
             "decided; drop duplicates on it."),
            ("MissionReplacementRequestedHeaders", EventType.MISSION_REPLACEMENT_REQUESTED,
             ("^orders/", "orders/<order_id>."),
             "mission-replacement-requested-<hash of beneficiary, mission and replacement index>: one event per "
             "replacement requested; drop duplicates on it."),
            ("MissionProfessionalReplacedHeaders", EventType.MISSION_PROFESSIONAL_REPLACED,
             ("^orders/", "orders/<order_id>."),
             "mission-professional-replaced-<hash of beneficiary, mission and replacement index>: one event per "
             "replacement made; drop duplicates on it."),
            ("InvoiceStatusChangedHeaders", EventType.INVOICE_STATUS_CHANGED, ("^orders/", "orders/<order_id>."),
             "chorus-<hash of manager, order, invoice and status>: one event per Chorus Pro status of an invoice."),
            ("AgreementTermsChangedHeaders", EventType.AGREEMENT_TERMS_CHANGED,
             ("^agreements/", "agreements/<beneficiary_id>."),
             "agreement-terms-<hash of beneficiary, contract, terms version and titulaire>: one event per version of "
             "the agreement's terms; drop duplicates on it.")):
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
    messages = build_messages(refs, stories)

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
                          "supplementary quote, quote requests and decisions, and the contracts, billing accounts, "
                          "catalogue versions and reviews and property nodes the contractor works under, and (to the "
                          "titulaire) the beneficiaries' agreement terms, their decisions on deliverables and the replacements "
                          "of a mission's professional; every one "
                          "kept 35 days for replay (list_messages, redeliver_messages). Pull them from {topology.erp_subscription(orders_topic)} and "
                          "acknowledge each once stored; route on ce-type.",
                          ORDERS_MESSAGES,
                          {"name": topology.erp_subscription(orders_topic), "type": "pull", "messageOrdering": True,
                           "ackDeadlineSeconds": 60, "maxDeliveryAttempts": 10}),
        "execution": channel("execution", "Execution reports from a contractor",
                             "Contractor → platform: execution reports. Only the contractor's ERP service account may "
                             "publish here; the contractor is known from the topic, never from the payload.",
                             ["executionReported", "quoteSubmitted", "quoteRaised", "documentUploaded",
                              "invoiceSubmitted"],
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

    channels["incidentAlerts"] = {
        "address": ALERTS_TOPIC, "title": "Urgent incidents (operator)",
        "description": "Platform → the operator's on-call tooling: every new severity-1 or -2 incident (B9: followed "
                       "24/7, first response within the hour). No ERP publishes or subscribes here.",
        "messages": {"incidentAlert": {"$ref": "#/components/messages/incidentAlert"}},
        "x-google-pubsub": {
            "messageStoragePolicy": {"allowedPersistenceRegions": [region]},
            "subscription": {"name": f"{ALERTS_TOPIC}-ops", "type": "pull", "messageOrdering": False,
                             "ackDeadlineSeconds": 60},
        },
    }

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
            "messages": refs_to("execution", ["executionReported", "quoteSubmitted", "quoteRaised",
                                              "documentUploaded", "invoiceSubmitted"]),
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
        "alertOperator": {
            "action": "send", "channel": {"$ref": "#/channels/incidentAlerts"},
            "title": "Alert the operator of an urgent incident",
            "summary": "report_incident publishes one alert per new severity-1 or -2 incident, in the report's "
                       "commit (outbox).",
            "messages": refs_to("incidentAlerts", ["incidentAlert"]),
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
        "rejected (OCCURRED_IN_FUTURE), and so is one that much before the order's issued_at "
        "(OCCURRED_BEFORE_ORDER: nothing happens on an order before it exists); a planned, appointment, actual or "
        "invoice date on a day before the order's issue day is rejected on its field (DATE_BEFORE_ORDER).\n"
        f"- Size: message data at most {MAX_MESSAGE_BYTES} bytes.\n"
        "- Errors (A4): every rejected message gets a reply listing each error as {field, code, message}; the codes "
        "and their French message templates are in `x-error-codes`.\n"
        "- Validate-only: with the attribute ce-validateonly: true, a message is checked and answered with the reply "
        "it would get (validate_only: true), and nothing changes.\n"
        "- Topics: a contractor's are created when the operator registers it; every contractor subscription "
        f"dead-letters into {topology.CONTRACTOR_DEAD_LETTER} (docs/topology.md).\n\n"
        "needs-submitted and exports-requested are platform-internal (the platform publishes and consumes them); "
        "incident-alerts goes to the operator's on-call tooling. They are described so that every message on the "
        "bus is on record. ERPs never use them.\n\n"
        "Guide: docs/connector-guide.en.md (français : docs/connector-guide.fr.md).")


def error_codes() -> dict[str, dict[str, Any]]:
    """CATALOGUE as published: each stable code, its French template and the template's placeholders."""
    out = {}
    for code, template in CATALOGUE.items():
        placeholders = sorted({field for _, field, _, _ in string.Formatter().parse(template) if field})
        out[code] = {"message": template, "placeholders": placeholders}
    return out
