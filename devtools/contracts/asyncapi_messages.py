"""The messages of asyncapi.json, each with its examples: the CloudEvents headers and the payload the
stories' services published."""

from __future__ import annotations

from typing import Any

from devtools.contracts.stories import Stories
from devtools.contracts.stories_orders import ERP_SOURCE, ORDER_ID, REPORTS
from devtools.contracts.stories_connector import RAISE_QUOTE
from devtools.contracts.stories_invoicing import INVOICE, OVER_INVOICE
from devtools.contracts.stories_quotes import SUBMIT_QUOTE
from shared.domain.messages import EventType
from shared.domain.timeliness import SHARING_DEADLINE

PUBSUB_BINDING_VERSION = "0.2.0"
ORDERS_MESSAGES = ["orderIssued", "orderStateChanged", "orderLinesAdded", "contractChanged", "billingAccountChanged",
                   "cataloguePublished", "catalogueReviewed", "catalogueReviewDue", "propertyNodesChanged",
                   "propertyNodesRetired", "orderNodeChanged", "quoteRequested", "quoteDecided", "orderReceived", "reservationLifted",
                   "invoiceStatusChanged", "agreementTermsChanged", "deliverableDecided",
                   "missionReplacementRequested", "missionProfessionalReplaced"]


def ce_headers(event_type: EventType, source: str, ce_id: str, time: str, subject: str | None) -> dict[str, str]:
    """The CloudEvents attributes a contractor's ERP sets on a message it publishes."""
    attrs = {"ce-specversion": "1.0", "ce-type": event_type.value, "ce-source": source, "ce-id": ce_id,
             "ce-time": time, "content-type": "application/json"}
    if subject:
        attrs["ce-subject"] = subject
    return attrs


def messages(refs: dict[str, str], stories: Stories) -> dict[str, Any]:
    story, perimeter, quotes, connector = stories.orders, stories.perimeter, stories.quotes, stories.connector

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

    messages = {
        "orderIssued": message(
            "orderIssued", "Order issued", "A manager sent a new order to the contractor.",
            "Published once per order after POST receive_order. Pub/Sub ordering key: the order id, so that an "
            "order's messages arrive in order on orders-<contractorId>-erp.",
            "OrderIssuedHeaders", refs["Order"],
            [("order_issued", "New plumbing order", *story.order_issued)]),
        "orderStateChanged": message(
            "orderStateChanged", "Order state changed by the manager",
            "The manager cancelled, suspended, resumed, received or closed an order.",
            "Published after POST change_order_state. Contractor reports never produce this message: their "
            "outcome comes on replies-<contractorId>.",
            "OrderStateChangedHeaders", refs["OrderStateChanged"],
            [("order_received", "The manager received the completed work", *story.received_message)]),
        "executionReported": message(
            "executionReported", "Execution reported",
            "The contractor reports on an order: state, dates, site lead, progress, lines (A6).",
            "Publish with ordering key = order_id. `sequence` counts the contractor's accepted messages for the order "
            "from 1 without gaps (SEQUENCE_OUTDATED / SEQUENCE_GAP otherwise); a rejected message does not use up "
            "its number. Every message gets exactly one reply on replies-<contractorId>.",
            "ExecutionReportedHeaders", refs["ExecutionReport"],
            [(name, f"Sequence {body['sequence']}: {body['event']['label']}"
              + (" — rejected: no actual_start (see replyRejected)" if name == "in_progress_rejected" else ""),
              story.deliveries[name], body)
             for name, _, _, body in REPORTS],
            correlation={"location": "$message.header#/ce-id",
                         "description": "Echoed in the reply as in_reply_to.id (with in_reply_to.source)."}),
        "replyAccepted": message(
            "replyAccepted", "Message accepted", "The execution message was applied to the order.",
            "delay_seconds is Pub/Sub publishTime (or HTTP receipt) minus occurred_at; late is true over "
            f"{int(SHARING_DEADLINE.total_seconds() // 60)} minutes (A5).",
            "ReplyAcceptedHeaders", refs["Reply"],
            [("accepted", "Accepted on time", *story.reply_messages["acknowledged"]),
             ("accepted_late", "Accepted, but late", *story.reply_messages["completed"])],
            correlation={"location": "$message.payload#/in_reply_to/id",
                         "description": "The ce-id of the execution message answered."}),
        "replyRejected": message(
            "replyRejected", "Message rejected",
            "The execution message was refused; nothing changed. Every error is listed (A4).",
            "Fix the message and publish it again with a new ce-id and the same sequence. Error codes: x-error-codes.",
            "ReplyRejectedHeaders", refs["Reply"],
            [("rejected", "Missing actual_start to start the work", *story.reply_messages["in_progress_rejected"])],
            correlation={"location": "$message.payload#/in_reply_to/id",
                         "description": "The ce-id of the execution message answered."}),
        "contractChanged": message(
            "contractChanged", "Contract created or updated",
            "The manager created or changed a contract held by the contractor (A2.1).",
            "Published through the outbox after POST upsert_contract changed the contract, or POST set_penalty_terms "
            "recorded a new version of its penalty terms (A9: `change` updated, the contract's version + 1). Pub/Sub "
            "ordering key: the contract id. The payload is the whole contract with every version of its penalty "
            "terms (`penalty_terms_versions`, and the one in force on the day of the message); keep the highest "
            "version.",
            "ContractChangedHeaders", refs["ContractChanged"],
            [("contract_created", "Contract AC-2026-017 created", *perimeter.contract_changed),
             ("penalty_terms_amended", "AC-2026-017's penalty terms: version 1 from 1 July 2026",
              *stories.terms.terms_announced)],
            ordered=False),
        "billingAccountChanged": message(
            "billingAccountChanged", "Billing account created or updated",
            "Where and to whom to invoice changed (A2.2).",
            "Published after POST upsert_billing_account changed the account, to every contractor holding one of "
            "its contracts. Ordering key: the billing account id.",
            "BillingAccountChangedHeaders", refs["BillingAccountChanged"],
            [("billing_account_created", "Billing account CF-LYON-01 created", *perimeter.billing_changed)],
            ordered=False),
        "cataloguePublished": message(
            "cataloguePublished", "Catalogue version published",
            "A new version of a contract's catalogue (bordereau de prix) was imported (A14).",
            "Published after POST import_catalogue. Ordering key: the contract id. Quote lines are checked "
            "against the version in force on the day of submission.",
            "CataloguePublishedHeaders", refs["CataloguePublished"],
            [("catalogue_v3", "Version 3 of AC-2026-017's catalogue", *perimeter.catalogue_published)],
            ordered=False),
        "orderLinesAdded": message(
            "orderLinesAdded", "Lines added to an order",
            "The manager accepted a supplementary quote: its lines are added to the order (A2.5).",
            "Published after POST decide_quote accepted a quote naming an order_id. Ordering key: the order id, "
            "like the order's other messages.",
            "OrderLinesAddedHeaders", refs["OrderLinesAdded"],
            [("lines_added", "Two lines of DEV-2026-0043 added to BC-2026-0101", *quotes.lines_added)]),
        "quoteExpired": message(
            "quoteExpired", "Quote expired",
            "A submitted quote's validity date passed without a decision: the platform expired it (A2.4).",
            "Published through the outbox by expire_quotes (Cloud Scheduler, hourly) — or when the manager tried "
            "to accept the quote too late — once per quote. The validity date ends at midnight in the quote's "
            "territory. Ordering key: the quote id. Submit a new quote request's answer only when asked again.",
            "QuoteExpiredHeaders", refs["QuoteExpired"],
            [("quote_expired", "DEV-2026-0045 expired after 30 April", *quotes.expired)],
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
            [("quote_requested", "DEV-2026-0042 requested, due in 5 working days in the Rhône",
              *quotes.requested_message)],
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
            [("quote_accepted", "DEV-2026-0042 accepted: order DEV-2026-0042 created", *quotes.accepted_message),
             ("quote_refused", "DEV-2026-0044 refused with a reason", *quotes.refused_message)],
            ordered=False),
        "quoteSubmitted": message(
            "quoteSubmitted", "Quote submitted",
            "The contractor submits (or revises) a quote over Pub/Sub (A2.4): the body of POST submit_quote.",
            "Routed by ce-type to the same service as submit_quote; answered once on replies-<contractorId> "
            "(quote_id and quote_version in the reply).",
            "QuoteSubmittedHeaders", refs["SubmitQuote"],
            [("quote_submitted", "Version 1 of DEV-2026-0042", ce_headers(
                EventType.QUOTE_SUBMITTED, ERP_SOURCE, "7d0c4e2a-5b91-4f3e-8a6d-2c1b9e0f4a73",
                "2026-03-11T15:02:00Z", None), SUBMIT_QUOTE)],
            ordered=False),
        "quoteRaised": message(
            "quoteRaised", "Quote raised by the contractor",
            "The contractor offers a quote nobody asked for, spontaneous or supplementary works on one of its "
            "orders (A2.4, A2.5): the body of POST raise_quote.",
            "Routed by ce-type to the same service as raise_quote: stored submitted in version 1, no D3; answered "
            "once on replies-<contractorId> (quote_id, quote_version 1 and order_id in the reply).",
            "QuoteRaisedHeaders", refs["RaiseQuote"],
            [("quote_raised", "A spontaneous quote for the boiler room", ce_headers(
                EventType.QUOTE_RAISED, ERP_SOURCE, "5e2b7c90-1f3a-4d8e-b6c2-9a0d4e7f1c35",
                "2026-07-01T10:12:00Z", None), RAISE_QUOTE)],
            ordered=False),
        "propertyNodesChanged": message(
            "propertyNodesChanged", "Property nodes added or changed",
            "Nodes of the manager's property tree that concern the contractor were added, changed or brought back "
            "(A7).",
            "Published by import_property_tree, in each batch's commit (up to 449 nodes), to every contractor whose "
            "contract perimeter covers the nodes' commune (in_commune), or for nodes placed in no commune. Ordering "
            "key: property-tree/<manager_id>.",
            "PropertyNodesChangedHeaders", refs["PropertyNodesChanged"],
            [("nodes_changed", "The substation that replaced the boiler room", *connector.nodes_changed)],
            ordered=False),
        "propertyNodesRetired": message(
            "propertyNodesRetired", "Property nodes retired",
            "An import left these nodes out: retired (A7). Orders and documents naming them keep them; new orders "
            "and quotes may not name them.",
            "Published by import_property_tree (mode replace) to the contractors the nodes concerned. Ordering key: "
            "property-tree/<manager_id>, after the batch's changes.",
            "PropertyNodesRetiredHeaders", refs["PropertyNodesRetired"],
            [("nodes_retired", "The boiler room retired", *connector.nodes_retired)],
            ordered=False),
        "orderNodeChanged": message(
            "orderNodeChanged", "Order attached to another property node",
            "The manager attached its order to a node of its property tree in force (A7): an order received "
            "before the tree was imported, or whose node an import retired. Only the site's node_id changes (its "
            "label, address and commune stay); the order's territory and deadlines do not (B18).",
            "Published after POST attach_order_node changed the order's node (the same attachment again sends "
            "nothing). Ordering key: the order id, like the order's other messages.",
            "OrderNodeChangedHeaders", refs["OrderNodeChanged"],
            [("node_changed", "BC-2025-0887 attached to its residence", *perimeter.node_changed)]),
        "catalogueReviewed": message(
            "catalogueReviewed", "Catalogue review confirmed",
            "The six-month review kept the catalogue as it is: the version in force stays (A14).",
            "Published after POST confirm_catalogue_review. Ordering key: the contract id.",
            "CatalogueReviewedHeaders", refs["CatalogueReviewed"],
            [("catalogue_reviewed", "AC-2026-017 reviewed on 21 July", *connector.reviewed)],
            ordered=False),
        "catalogueReviewDue": message(
            "catalogueReviewDue", "Catalogue review due in a month",
            "Reminder: the contract's six-month catalogue review (A14) is due in a month.",
            "Published by remind_catalogue_reviews (Cloud Scheduler, daily), once per contract and due date. "
            "Ordering key: the contract id.",
            "CatalogueReviewDueHeaders", refs["CatalogueReviewDue"],
            [("catalogue_review_due", "AC-2026-017's review due on 15 August", *connector.review_due)],
            ordered=False),
        "documentUploaded": message(
            "documentUploaded", "Document uploaded",
            "The contractor registers a PDF PUT on the signed URL of request_report_upload: the JSON body of POST "
            "store_report.",
            "Routed by ce-type to the same service as store_report; answered once on replies-<contractorId> "
            "(document_sha256 in the reply).",
            "DocumentUploadedHeaders", refs["RegisterUpload"],
            [("document_uploaded", f"Register upload {perimeter.register_upload['upload_id'][:8]}…", ce_headers(
                EventType.DOCUMENT_UPLOADED, ERP_SOURCE, "c3a9f1e0-2d4b-4c6a-9e8f-7b5d3a1c0e92",
                "2026-03-05T14:58:30Z", f"orders/{ORDER_ID}"),
              perimeter.register_upload)],
            ordered=False),
        "invoiceSubmitted": message(
            "invoiceSubmitted", "Invoice submitted",
            "The contractor sends an invoice or a credit note on an order over Pub/Sub: the body of POST "
            "submit_invoice (docs/invoicing.md).",
            "Routed by ce-type to the same service as submit_invoice; checked against what the client received and "
            "the order's prices; answered once on replies-<contractorId> (invoice_number and the order's state in the "
            "reply; every error, with the difference in euros, when refused). Ordering key: the order id.",
            "InvoiceSubmittedHeaders", refs["SubmitInvoice"],
            [(name, summary, stories.invoicing.deliveries[name], body) for name, summary, body in (
                ("over", "More than received — rejected (see replyRejected)", OVER_INVOICE),
                ("invoice", "The three received lines — accepted", INVOICE))]),
        "orderReceived": message(
            "orderReceived", "Order received (service done)",
            "The client received lines of the order, with or without reservations (B7, B10).",
            "Published in the commit of POST record_reception. `partial` is true while some lines are not received; "
            "only received lines may be invoiced.",
            "OrderReceivedHeaders", refs["OrderReceived"],
            [("milestone_received", "A mission's milestone received with one reservation",
              *stories.sourcing.milestone_received_message)]),
        "reservationLifted": message(
            "reservationLifted", "Reservation lifted",
            "The client lifted a reservation made at reception.",
            "Published in the commit of POST lift_reservation; `open_reservations` counts those still open (the order "
            "is closed only when none is).",
            "ReservationLiftedHeaders", refs["ReservationLifted"],
            [("reservation_lifted", "The milestone's reservation lifted", *stories.sourcing.reservation_lifted_message)]),
        "invoiceStatusChanged": message(
            "invoiceStatusChanged", "Invoice status changed (Chorus Pro)",
            "Where Chorus Pro says an invoice stands, with the e-invoicing reform's lifecycle status.",
            "Published by sync_chorus_pro, once per new status of an invoice (the mapping is in docs/invoicing.md). "
            "order_state is the order's state after it: a rejected invoice sends the order back to received, a paid "
            "one may close it.",
            "InvoiceStatusChangedHeaders", refs["InvoiceStatusChanged"],
            [(f"status_{data['chorus_status'].lower()}", f"{data['chorus_status']} ({data['lifecycle_code']})",
              headers, data) for headers, data in stories.invoicing.statuses]),
        "agreementTermsChanged": message(
            "agreementTermsChanged", "Agreement penalty terms changed",
            "The purchasing body recorded a new version of a beneficiary's agreement terms (A9).",
            "Published to the titulaire (the contractor of the beneficiary's mission orders) in the commit of POST "
            "set_penalty_terms naming beneficiary_id, once per version. The payload carries every version of the "
            "agreement's penalty terms (those not yet in force included) and the one in force on the day of the "
            "message in the beneficiary's territory (B18). Ordering key and ce-subject: agreements/<beneficiary_id>. GET "
            "get_sourcing?view=agreement answers the same for today (beneficiary, purchasing body, operator).",
            "AgreementTermsChangedHeaders", refs["AgreementTermsChanged"],
            [("agreement_terms_changed", "The Métropole's agreement: version 1 from 1 July 2026",
              *stories.terms.agreement_announced)],
            ordered=False),
        "deliverableDecided": message(
            "deliverableDecided", "Deliverable accepted or refused",
            "The beneficiary accepted a deliverable the titulaire delivered on its mission's order, or refused it "
            "with a reason (B11).",
            "Published to the titulaire in the commit of POST decide_deliverable, once per deliverable document. "
            "`document_id` is the SHA-256 of the document decided on (get_documents lists it with its decision). A "
            "refused deliverable is delivered again as a new document (store_report, kind deliverable, the same "
            "milestone_id and deliverable), which the beneficiary decides on in turn. Ordering key: the order id.",
            "DeliverableDecidedHeaders", refs["DeliverableDecided"],
            [("deliverable_refused", "The « Cahier des charges » refused with its reason",
              *stories.sourcing.deliverable_refused_message),
             ("deliverable_accepted", "Delivered again, then accepted", *stories.sourcing.deliverable_accepted_message)]),
        "missionReplacementRequested": message(
            "missionReplacementRequested", "Replacement of a mission's professional requested",
            "The beneficiary asks that the professional of a mission the titulaire holds the order of be replaced "
            "(B12): they leave (departure, D5: 14 calendar days from the departure, or from its notification when "
            "planned) or their work is found insufficient (insufficiency, D6: 10 working days from the request).",
            "Published to the titulaire in the commit of POST replace_professional (action request), once per "
            "replacement: the same request again is refused and sends nothing. Professionals are named by id only, as "
            "the order names them. get_order's mission shows the same (replacement_requested, replacements). "
            "Ordering key: the order id.",
            "MissionReplacementRequestedHeaders", refs["MissionReplacementRequested"],
            [("replacement_requested", "pro-0042 leaves on 29 May, planned and notified on 4 May: D5 due on 18 May",
              *stories.sourcing.replacement_requested_message)]),
        "missionProfessionalReplaced": message(
            "missionProfessionalReplaced", "Mission's professional replaced",
            "The operator named an equivalent professional (same category, level, service type and rates, available "
            "over the rest of the mission) who does the mission from now on (B12); D5 or D6 is stopped, `met` says "
            "whether in time.",
            "Published to the titulaire in the commit of POST replace_professional (action propose), once per "
            "replacement: a proposal sent again is refused and sends nothing. replacement_index is the one of the "
            "replacement_requested message it answers. The order's description keeps the professional named at "
            "framing; get_order's mission.professional_id names the arriving one. Ordering key: the order id.",
            "MissionProfessionalReplacedHeaders", refs["MissionProfessionalReplaced"],
            [("professional_replaced", "pro-0117 replaces pro-0042 on 12 May, D5 met",
              *stories.sourcing.professional_replaced_message)]),
        "needSubmitted": message(
            "needSubmitted", "Need version submitted",
            "A need version waits for scoring (platform-internal).",
            "Published through the outbox by submit_need (version 1) and decide_proposal (relaunch: the new "
            "version). score_candidates ranks the pool for that version and stores the result; a redelivery finds "
            "the result written and changes nothing. No ordering key.",
            "NeedSubmittedHeaders", refs["NeedSubmitted"],
            [("need_submitted", "Version 1 of BES-2026-014", *stories.sourcing.need_submitted)],
            ordered=False),
        "exportRequested": message(
            "exportRequested", "Export requested",
            "A reversibility export job waits to be run (platform-internal).",
            "Published through the outbox by POST export_space. run_export builds the archive and reports progress "
            "on the job; running it again for a completed job does nothing. No ordering key.",
            "ExportRequestedHeaders", refs["ExportRequested"],
            [("export_requested", "Export of mgr-rhone-habitat", *stories.exports.requested)],
            ordered=False),
        "incidentAlert": message(
            "incidentAlert", "Urgent incident",
            "A new severity-1 or -2 incident: the operator's first response is due within the hour (B9).",
            "Published through the outbox by report_incident, in the report's commit, once per incident (a phone "
            "report the operator enters included: `channel` phone, `reported_at` the call). Pulled from "
            "incident-alerts-ops by the on-call tooling. No ordering key.",
            "IncidentAlertHeaders", refs["IncidentAlert"],
            [("phone_report", "A severity-1 phone report of the Métropole", *stories.terms.alert)],
            ordered=False),
    }
    return messages
