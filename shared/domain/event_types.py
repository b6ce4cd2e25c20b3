"""The CloudEvents types of every message on the bus, apart from the wire models that carry them.

A plain enum module (no pydantic): the ports, the services and the edges that only name a message's
type import it without building the wire models of ``shared.domain.messages``, which re-exports it.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """CloudEvents ``type`` of every message on the bus."""

    ORDER_ISSUED = "fr.passerelle.order.issued.v1"
    ORDER_STATE_CHANGED = "fr.passerelle.order.state_changed.v1"
    EXECUTION_REPORTED = "fr.passerelle.execution.reported.v1"
    REPLY_ACCEPTED = "fr.passerelle.reply.accepted.v1"
    REPLY_REJECTED = "fr.passerelle.reply.rejected.v1"
    NEED_SUBMITTED = "fr.passerelle.need.submitted.v1"
    EXPORT_REQUESTED = "fr.passerelle.export.requested.v1"
    CONTRACT_CHANGED = "fr.passerelle.contract.changed.v1"
    BILLING_ACCOUNT_CHANGED = "fr.passerelle.billing_account.changed.v1"
    CATALOGUE_PUBLISHED = "fr.passerelle.catalogue.published.v1"
    ORDER_LINES_ADDED = "fr.passerelle.order.lines_added.v1"  # an accepted supplementary quote (A2.5)
    QUOTE_SUBMITTED = "fr.passerelle.quote.submitted.v1"  # contractor → platform: SubmitQuote (A2.4) by Pub/Sub
    DOCUMENT_UPLOADED = "fr.passerelle.document.uploaded.v1"  # contractor → platform: RegisterUpload by Pub/Sub
    QUOTE_EXPIRED = "fr.passerelle.quote.expired.v1"  # platform → contractor (replies-<c>): validity date passed
    QUOTE_REQUESTED = "fr.passerelle.quote.requested.v1"  # platform → contractor (orders-<c>): D3 starts
    QUOTE_DECIDED = "fr.passerelle.quote.decided.v1"  # platform → contractor (orders-<c>): accepted, refused, withdrawn
    QUOTE_RAISED = "fr.passerelle.quote.raised.v1"  # contractor → platform: RaiseQuote (A2.4, A2.5) by Pub/Sub
    PROPERTY_NODES_CHANGED = "fr.passerelle.property_nodes.changed.v1"  # platform → contractor (orders-<c>): A7
    PROPERTY_NODES_RETIRED = "fr.passerelle.property_nodes.retired.v1"  # platform → contractor (orders-<c>): A7
    ORDER_NODE_CHANGED = "fr.passerelle.order.node_changed.v1"  # platform → contractor (orders-<c>): A7 attachment
    CATALOGUE_REVIEWED = "fr.passerelle.catalogue.reviewed.v1"  # platform → contractor: A14 review, no new version
    CATALOGUE_REVIEW_DUE = "fr.passerelle.catalogue.review_due.v1"  # platform → contractor: A14 review in a month
    ORDER_RECEIVED = "fr.passerelle.order.received.v1"  # platform → contractor (orders-<c>): a reception, with reservations
    RESERVATION_LIFTED = "fr.passerelle.order.reservation_lifted.v1"  # platform → contractor (orders-<c>)
    INVOICE_SUBMITTED = "fr.passerelle.invoice.submitted.v1"  # contractor → platform: SubmitInvoice by Pub/Sub
    INVOICE_STATUS_CHANGED = "fr.passerelle.invoice.status_changed.v1"  # platform → contractor: Chorus Pro status
    AGREEMENT_TERMS_CHANGED = "fr.passerelle.agreement.terms_changed.v1"  # platform → titulaire (orders-<t>): A9
    DELIVERABLE_DECIDED = "fr.passerelle.deliverable.decided.v1"  # platform → titulaire (orders-<t>): B11 decision
    MISSION_REPLACEMENT_REQUESTED = "fr.passerelle.mission.replacement_requested.v1"  # platform → titulaire: B12
    MISSION_PROFESSIONAL_REPLACED = "fr.passerelle.mission.professional_replaced.v1"  # platform → titulaire: B12
    INCIDENT_ALERT = "fr.passerelle.incident.alert.v1"  # platform → operator (incident-alerts): severity 1–2 reported


# What a contractor may publish on its topic ``execution-<contractor>``; the ce-type routes it.
CONTRACTOR_EVENT_TYPES = frozenset({EventType.EXECUTION_REPORTED, EventType.QUOTE_SUBMITTED,
                                    EventType.QUOTE_RAISED, EventType.DOCUMENT_UPLOADED, EventType.INVOICE_SUBMITTED})
