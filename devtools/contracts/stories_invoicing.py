"""The invoicing story (docs/invoicing.md): the example order, received on the contractor's attestation of
service done (stories_orders), is invoiced over Pub/Sub — first for more than was received (refused with the
difference), then for what was received — deposited on Chorus Pro (the recording stand-in), made available,
paid, and closed by the chain. The mission's milestone (stories_sourcing) gives the beneficiary's reception
with a reservation, its lifting and the titulaire's timesheets."""

from __future__ import annotations

from typing import Any

from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import (
    CONTRACTOR_ID, CONTRACTOR_UID, ERP_SOURCE, MANAGER_ID, ORDER_ID, OrderStory, pubsub_delivery,
)
from shared import topology
from shared.domain.messages import EventType, Reply
from shared.edge.cloudevents import inbound_from_pubsub
from shared.service import chorus_sync, inbound_router, invoices
from tests.fakes import RecordingChorusPro

SUPPLIER = {"siret": "43819027600016", "name": "Acme Maintenance", "vat_number": "FR32438190276"}


def invoice_body(number: str, lines: list[tuple[str, str, int]], net: int, vat: int) -> dict[str, Any]:
    return {"manager_id": MANAGER_ID, "order_id": ORDER_ID, "invoice_number": number, "issue_date": "2026-03-05",
            "due_date": "2026-04-04", "supplier": SUPPLIER,
            "lines": [{"line_id": line_id, "quantity": q, "unit_price_cents": price, "vat_rate": "10"}
                      for line_id, q, price in lines],
            "total_excl_tax_cents": net, "vat_cents": vat, "total_incl_tax_cents": net + vat,
            "payment_terms": "30 jours à réception"}


# More than received: L3 (1.5 h ordered) invoiced 2.5 h, and L2 at a higher price than the order's.
OVER_INVOICE = invoice_body("FA-2026-0311", [("L1", "1", 8500), ("L2", "1", 4600), ("L3", "2.5", 5200)], 26100, 2610)
INVOICE = invoice_body("FA-2026-0312", [("L1", "1", 8500), ("L2", "1", 4200), ("L3", "1.5", 5200)], 20500, 2050)
INVOICE_MESSAGES = [("over", "c1a3e5b7-2d4f-4a6c-8e0b-1d3f5a7c9e21", "2026-03-05T13:45:12.204Z", OVER_INVOICE),
                    ("invoice", "d2b4f6c8-3e5a-4b7d-9f1c-2e4a6c8e0f22", "2026-03-05T13:52:40.611Z", INVOICE)]


class InvoiceStory:
    def __init__(self, orders: OrderStory) -> None:
        p = self.platform = orders.platform
        self.deliveries: dict[str, dict[str, str]] = {}
        self.replies: dict[str, Reply] = {}
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            for name, ce_id, publish_time, body in INVOICE_MESSAGES:
                p.at(publish_time)
                delivery = pubsub_delivery(topology.execution_topic(CONTRACTOR_ID), ce_id, publish_time, body,
                                           ce_type=EventType.INVOICE_SUBMITTED.value, source=ERP_SOURCE,
                                           subject=f"orders/{ORDER_ID}")
                self.deliveries[name] = delivery.data["message"]["attributes"]
                message = inbound_from_pubsub(delivery, p.clock.now())
                self.replies[name] = inbound_router.route(message, inbound_router.Services(uow=p.uow(), clock=p.clock))
        assert self.replies["invoice"].errors == [], self.replies["invoice"].errors
        chorus = RecordingChorusPro(p.clock)
        self.statuses: list[tuple[dict[str, str], dict[str, Any]]] = []
        for at, status in (("2026-03-06T05:00:00Z", None), ("2026-03-09T05:00:00Z", "MISE_A_DISPOSITION"),
                           ("2026-04-02T05:00:00Z", "MISE_EN_PAIEMENT")):
            p.at(at)
            if status:
                chorus.set_status(next(iter(chorus.deposits)), status)
            chorus_sync.sync(p.uow(), chorus, p.clock)
            self.statuses.append(p.last(EventType.INVOICE_STATUS_CHANGED.value))
        self.deposit = next(iter(chorus.deposits.values()))["deposit"]
        self.invoices = invoices.invoice_list(MANAGER_ID, ORDER_ID, p.uow())
        # its contractor's reading: the seller its registry record holds, which its invoice form prefills
        self.contractor_invoices = invoices.invoice_list(MANAGER_ID, ORDER_ID, p.uow(), CONTRACTOR_ID)


@examples
def invoicing_examples(stories: Any) -> dict[str, list[Any]]:
    story, sourcing = stories.invoicing, stories.sourcing
    return {
        "SubmitInvoice": [INVOICE, OVER_INVOICE],
        "InvoiceList": [story.invoices.model_dump(mode="json"), story.contractor_invoices.model_dump(mode="json")],
        "InvoiceStatusChanged": [data for _, data in story.statuses],
        "ReceiveOrder": [sourcing.receive_milestone],
        "LiftReservation": [sourcing.lift_reservation],
        "OrderReceived": [sourcing.milestone_received_message[1]],
        "ReservationLifted": [sourcing.reservation_lifted_message[1]],
        "SubmitTimesheet": [sourcing.timesheet],
        "TimesheetRecorded": [sourcing.timesheet_recorded.model_dump(mode="json")],
    }
