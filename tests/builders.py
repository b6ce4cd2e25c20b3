"""Readable builders for orders, reports and messages used across the test tiers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from shared.domain.messages import EventType
from shared.domain.orders import Order, OrderState
from shared.ports import InboundMessage

MANAGER = "mgr-test"
CONTRACTOR = "ctr-test"
NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
# For an order whose events are days old when they arrive (late sharing, D1): issued before them, as every order is
# (A6: an event dated before its order's issue is refused, OCCURRED_BEFORE_ORDER).
ISSUED_DAYS_BEFORE = "2026-02-23T08:00:00+01:00"


def issue_order_body(order_id: str = "BC-2026-014", contractor_id: str = CONTRACTOR, **overrides: Any) -> dict:
    body = {
        "order_id": order_id,
        "contract_id": "AC-2026-017",
        "contractor_id": contractor_id,
        "title": "Fuite sous évier — logement 12",
        "site": {"node_id": "LYON-BAT-A-LOG-12", "label": "Bâtiment A, logement 12"},
        "lines": [
            {"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
             "unit": "U", "unit_price_cents": 8500},
            {"line_id": "L2", "service_code": "PLB-024", "label": "Remplacement siphon", "quantity": "2.5",
             "unit": "U", "unit_price_cents": 4200},
        ],
        "issued_at": "2026-03-02T08:00:00+01:00",
    }
    body.update(overrides)
    return body


def an_order(order_id: str = "BC-2026-014", state: OrderState = OrderState.TO_ACKNOWLEDGE, **fields: Any) -> Order:
    body = issue_order_body(order_id)
    return Order.model_validate({**body, "manager_id": MANAGER, "state": state, **fields}, strict=False)


def report(sequence: int, state: str | None = None, order_id: str = "BC-2026-014", manager_id: str = MANAGER,
           occurred_at: dt.datetime | str = NOW - dt.timedelta(minutes=1), **fields: Any) -> dict:
    body: dict[str, Any] = {
        "manager_id": manager_id,
        "order_id": order_id,
        "sequence": sequence,
        "occurred_at": occurred_at if isinstance(occurred_at, str) else occurred_at.isoformat(),
        "event": {"label": f"Événement {sequence}"},
    }
    if state is not None:
        body["state"] = state
    body.update(fields)
    return body


def inbound(data: dict | bytes, message_id: str = "m-1", contractor_id: str = CONTRACTOR, channel: str = "pubsub",
            received_at: dt.datetime = NOW) -> InboundMessage:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return InboundMessage(contractor_id=contractor_id, channel=channel, source="//erp.test/", id=message_id,
                          type=EventType.EXECUTION_REPORTED.value, received_at=received_at, data=raw)


# The contractor's execution reports that take an order from to_acknowledge to completed, in order.
EXECUTION = [
    ("acknowledged", {}),
    ("scheduled", {"planned_start": "2026-03-04T08:00:00+01:00", "planned_end": "2026-03-04T12:00:00+01:00",
                   "site_lead": {"last_name": "Martin", "first_name": "Léa", "mobile": "06 12 34 56 78"}}),
    ("in_progress", {"actual_start": "2026-03-04T08:10:00+01:00", "progress": 10}),
    ("completed", {"actual_end": "2026-03-04T11:40:00+01:00", "progress": 100,
                   "line_statuses": [{"line_id": "L1", "done": True}, {"line_id": "L2", "done": False}]}),
]
# The whole life (A6, B7, B10): the contractor executes, the client receives what was done (service
# fait), the contractor invoices what was received, the client closes. (actor, state, what it carries)
LIFE = [
    *(("contractor", state, fields) for state, fields in EXECUTION),
    ("manager", "received", {"lines": [{"line_id": "L1"}]}),
    ("contractor", "invoiced", {"invoice_number": "F-2026-0042"}),
    ("manager", "closed", {}),
]
SUPPLIER = {"siret": "73282932000074", "name": "Plomberie Test SARL", "vat_number": "FR44732829320"}
BUYER = {"buyer_siret": "21690123100011", "buyer_name": "Office Public Test", "service_code": "SERVICE-TRAVAUX",
         "engagement_number": "EJ-2026-0042"}


def invoice_body(invoice_number: str = "F-2026-0042", order_id: str = "BC-2026-014", manager_id: str = MANAGER,
                 lines: list[tuple[str, str, int]] = (("L1", "1", 8500),), vat_rate: str = "10", **overrides: Any) -> dict:
    """A SubmitInvoice whose totals are those of its lines (line_id, quantity, unit price in cents)."""
    from decimal import ROUND_HALF_UP, Decimal

    nets = [int((Decimal(q) * p).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for _, q, p in lines]
    net = sum(nets)
    vat = int((Decimal(net) * Decimal(vat_rate) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    body = {"manager_id": manager_id, "order_id": order_id, "invoice_number": invoice_number,
            "issue_date": "2026-03-10", "due_date": "2026-04-09", "supplier": SUPPLIER,
            "lines": [{"line_id": line_id, "quantity": q, "unit_price_cents": p, "vat_rate": vat_rate}
                      for line_id, q, p in lines],
            "total_excl_tax_cents": net, "vat_cents": vat, "total_incl_tax_cents": net + vat}
    body.update(overrides)
    return body


def late_today(minutes_ago: int, allowed: dt.timedelta = dt.timedelta(minutes=15)) -> dt.datetime:
    """When an event ``minutes_ago`` happened, for a message shared late (past ``allowed``, D1's 15 minutes)
    whose missed deadline falls on today's Paris day, the day a refusal sent now counts on too: just after
    midnight in Paris, the event is moved to a few minutes before midnight so that its deadline (and so its
    P1 day) falls after it. A run within a minute of midnight first waits for the new day."""
    from shared.domain.workdays import PARIS
    import time

    now = dt.datetime.now(dt.UTC)
    local = now.astimezone(PARIS)
    next_midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), PARIS)
    if next_midnight - local < dt.timedelta(minutes=1):
        time.sleep((next_midnight - local).total_seconds() + 1)
        return late_today(minutes_ago, allowed)
    midnight = dt.datetime.combine(local.date(), dt.time(), PARIS)
    if now - midnight < dt.timedelta(seconds=20):
        time.sleep(20)
        return late_today(minutes_ago, allowed)
    occurred = now - dt.timedelta(minutes=minutes_ago)
    if occurred + allowed <= midnight:  # due yesterday (or at midnight): halfway between midnight and now instead
        occurred = midnight + (now - midnight) / 2 - allowed
    return occurred.astimezone(dt.UTC)
