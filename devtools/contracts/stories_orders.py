"""The order story (A2.3, A3, A4, A5, A11): Rhône Habitat signs a contract with Acme, issues an order,
Acme reports on it over Pub/Sub (one report rejected, then corrected; the last one late), the manager
receives the work. Every answer and message is what the real services gave on the in-memory platform:
``orders.receive_order``, ``executions.record_execution`` (fed by the edge's own
``inbound_from_pubsub``), ``orders.change_order_state``, ``order_store.order_view``, ``order_list``.
The same reports over REST run on a second platform (``channel="rest"``), as ``submit_execution`` calls
the service."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from devtools.contracts.platform import Platform, utc
from devtools.contracts.registry import examples
from shared import topology
from shared.domain import order_list as order_list_rules
from shared.domain.contracts import UpsertContract
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.identity import ROLE_RIGHTS, Role
from shared.domain.message_log import LogQuery
from shared.domain.messages import ChangeOrderState, EventType, IssueOrder, Reply
from shared.domain.orders import Order
from shared.domain.validation import parse_json
from shared.edge.cloudevents import inbound_from_pubsub
from shared.ports import InboundMessage
from shared.domain.documents import AttachFields, DocumentKind
from shared.service import contracts, documents, executions, message_log, order_store, orders
from tests.pdfs import a_pdf
from shared.service.order_list import list_orders

MANAGER_ID = "mgr-rhone-habitat"
MANAGER_UID = "uid-mgr-paul-lambert"
CONTRACTOR_ID = "ctr-acme"
CONTRACTOR_UID = "uid-ctr-lucas-martin"
CONTRACT_ID = "AC-2026-017"
ORDER_ID = "BC-2026-0101"
ERP_SOURCE = "//erp.acme-maintenance.fr/passerelle"
REST_SOURCE = f"{topology.PLATFORM_SOURCE}/rest/contractors/{CONTRACTOR_ID}"
SIGNED_AT = "2026-02-20T10:15:02.331Z"

UPSERT_CONTRACT: dict[str, Any] = {
    "contract_id": CONTRACT_ID, "title": "Entretien et petits travaux de plomberie — patrimoine lyonnais",
    "contractor_id": CONTRACTOR_ID, "contractor_siret": "43819027600016",
    "lots": [{"code": "PLB", "label": "Plomberie sanitaire"}, {"code": "CVC", "label": "Chauffage et ventilation"}],
    "perimeter": {"departements": ["69"], "communes": ["01173"]},
    "signed_on": "2026-02-20", "starts_on": "2026-03-01", "ends_on": "2029-02-28", "status": "active",
    "penalty_terms": {"daily_amount_cents": {"P1": 20000}, "rules_by_kind": {"D3": "P1"}},
}
ISSUE_ORDER: dict[str, Any] = {
    "order_id": ORDER_ID,
    "contract_id": CONTRACT_ID,
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
    # Rhône Habitat is a public office: what Chorus Pro routes its invoices on (docs/invoicing.md)
    "public_invoicing": {"buyer_siret": "21690123100011", "buyer_name": "Rhône Habitat",
                         "service_code": "SERVICE-MAINTENANCE", "engagement_number": "EJ-2026-000417"},
}
ORDER_RECEIVED_AT = "2026-03-02T07:00:03.120Z"
# Two more orders of the same day: one whose requested end passes without a start (late in the
# dashboard), one the manager puts on hold once it is scheduled.
LATE_ORDER = {**ISSUE_ORDER, "order_id": "BC-2026-0097", "title": "Robinet à remplacer", "requested_end": "2026-03-03"}
HELD_ORDER = {**ISSUE_ORDER, "order_id": "BC-2026-0102", "title": "Chasse d'eau qui fuit — logement 7",
              "site": {"node_id": "LYON-BAT-A-LOG-7", "label": "Résidence Les Tilleuls — bâtiment A, logement 7"}}

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
# The held order's own reports, then the manager's decisions (bodies of change_order_state).
HELD_REPORTS = [
    ("held_acknowledged", "3a9c1f70-2b4d-4e8a-9c1e-5f7a9b2c4d06", "2026-03-02T08:02:11.604Z",
     {"manager_id": MANAGER_ID, "order_id": "BC-2026-0102", "sequence": 1, "occurred_at": "2026-03-02T09:00:00+01:00",
      "state": "acknowledged", "event": {"label": "Commande prise en compte", "code": "ACK"}}),
    ("held_scheduled", "7e1b3d50-4c6a-4f8e-8b2d-6a8c0e2f4b07", "2026-03-02T15:31:40.007Z",
     {"manager_id": MANAGER_ID, "order_id": "BC-2026-0102", "sequence": 2, "occurred_at": "2026-03-02T16:30:00+01:00",
      "state": "scheduled", "site_lead": {"last_name": "Martin", "first_name": "Léa", "mobile": "06 12 34 56 78"},
      "planned_start": "2026-03-05T08:00:00+01:00", "planned_end": "2026-03-05T10:00:00+01:00",
      "event": {"label": "Intervention planifiée le 5 mars à 8 h", "code": "PLAN"}}),
]
DECISIONS: dict[str, dict[str, Any]] = {
    "received": {"order_id": ORDER_ID, "occurred_at": "2026-03-05T14:30:00+01:00", "state": "received"},
    "on_hold": {"order_id": "BC-2026-0102", "occurred_at": "2026-03-03T09:15:00+01:00", "state": "on_hold",
                "reason": "Accès impossible : la locataire est absente jusqu'au 9 mars."},
    "cancelled": {"order_id": "BC-2026-0103", "occurred_at": "2026-03-03T11:00:00+01:00", "state": "cancelled",
                  "reason": "Doublon de la commande BC-2026-0101."},
}
DECIDED_AT = {"on_hold": "2026-03-03T08:15:02.118Z", "received": "2026-03-05T13:30:01.447Z"}
DASHBOARD_AT = "2026-03-04T09:00:00Z"  # the manager's dashboard: the order in progress, one order late


def rhone_habitat(name: str, now: str = SIGNED_AT) -> Platform:
    """A platform where Acme serves Rhône Habitat under contract AC-2026-017, signed on 20 February."""
    p = Platform(name, now)
    p.seed(f"contractors/{CONTRACTOR_ID}", {"name": "Acme Maintenance", "siret": "43819027600016",
                                            "managers": [MANAGER_ID]})
    with p.as_(MANAGER_UID, "manager", MANAGER_ID):
        contracts.upsert_contract(MANAGER_ID, UpsertContract.model_validate_json(json.dumps(UPSERT_CONTRACT)),
                                  p.uow(), p.clock)
    return p


def pubsub_delivery(topic: str, ce_id: str, publish_time: str, body: dict[str, Any],
                    ce_type: str = EventType.EXECUTION_REPORTED.value, source: str = ERP_SOURCE,
                    subject: str | None = None) -> Any:
    """A Pub/Sub push delivery as functions-framework hands it to publish_execution."""
    from cloudevents.http import CloudEvent

    sent = utc(publish_time) - dt.timedelta(milliseconds=350)
    attributes = {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": source, "ce-id": ce_id,
                  "ce-time": sent.isoformat().replace("+00:00", "Z"), "content-type": "application/json"}
    if subject:
        attributes["ce-subject"] = subject
    data = json.dumps(body, ensure_ascii=False).encode()
    return CloudEvent({"type": "google.cloud.pubsub.topic.v1.messagePublished", "id": ce_id[:8],
                       "source": f"//pubsub.googleapis.com/projects/passerelle/topics/{topic}"},
                      {"message": {"data": base64.b64encode(data).decode(), "attributes": attributes,
                                   "messageId": ce_id[:8], "publishTime": publish_time}})


class OrderStory:
    """The example order, from issue to reception, on one channel (pubsub or rest)."""

    def __init__(self, channel: str = "pubsub") -> None:
        p = self.platform = rhone_habitat(f"orders-{channel}")
        self.channel = channel
        p.at(ORDER_RECEIVED_AT)
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            for body in (ISSUE_ORDER, LATE_ORDER, HELD_ORDER):
                command = IssueOrder.model_validate_json(json.dumps(body))
                issued = orders.receive_order(MANAGER_ID, command, p.uow(), p.clock).order
                if body is ISSUE_ORDER:
                    self.issued, self.order_issued = issued, p.last(EventType.ORDER_ISSUED.value)
        self.replies: dict[str, Reply] = {}
        self.reply_messages: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}
        self.deliveries: dict[str, dict[str, str]] = {}
        self.orders: dict[str, Order] = {"issued": self.issued}
        self.received_at: dict[str, str] = {}
        reports = sorted([*REPORTS, *HELD_REPORTS], key=lambda r: r[2])
        for name, ce_id, publish_time, body in reports:
            if name == "completed":
                self.dashboard = self._dashboard()
            self._report(name, ce_id, publish_time, body)
            if name == "held_scheduled":
                self._decide("on_hold")
            self.orders[name] = order_store.get_order(MANAGER_ID, body["order_id"], p.uow())
        self.completed = self.orders["completed"]
        if channel == "rest":  # two messages submit_execution refuses: an unknown order, a body cut short
            self._report("not_found", "1f3e5a70-9b2c-4d6e-8f0a-6b8c0d2e4f08", "2026-03-04T11:02:40.512Z",
                         {**REPORTS[0][3], "order_id": "BC-2026-9999", "occurred_at": "2026-03-04T12:02:00+01:00"})
            self._report("malformed", "2a4c6e80-0c3d-4e7f-9a1b-7c9d1e3f5a09", "2026-03-04T11:03:05.230Z",
                         b'{"order_id": "BC-2026-0101", ')
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            # what Acme sent and was refused, as its staff read it (« Messages envoyés », list_message_log)
            self.message_log = message_log.list_message_log(LogQuery(CONTRACTOR_ID, status="rejected", limit=3),
                                                            p.uow())
            self.view = order_store.order_view(MANAGER_ID, ORDER_ID, "contractor", p.uow(), contractor_id=CONTRACTOR_ID,
                                          rights={r.value for r in ROLE_RIGHTS[Role.CONTRACTOR]})
        # the manager may not receive the work before the contractor's attestation of service done (B7)
        p.at("2026-03-05T13:29:10.000Z")
        self.received_without_proof = self._refused(DECISIONS["received"])
        p.at("2026-03-05T13:29:40.250Z")
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            attestation = a_pdf("Attestation de service fait BC-2026-0101")
            documents.attach_document(CONTRACTOR_ID, AttachFields(manager_id=MANAGER_ID, order_id=ORDER_ID,
                                                                  kind=DocumentKind.SERVICE_DONE),
                                      "SF-BC-2026-0101.pdf", attestation, p.uow(), p.documents, p.clock,
                                      CONTRACTOR_UID)
        self.received = self._decide("received")

    def _report(self, name: str, ce_id: str, publish_time: str, body: dict[str, Any] | bytes) -> None:
        p = self.platform
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        p.at(publish_time)
        if self.channel == "pubsub":
            delivery = pubsub_delivery(topology.execution_topic(CONTRACTOR_ID), ce_id, publish_time, body,
                                       subject=f"orders/{body['order_id']}")
            self.deliveries[name] = delivery.data["message"]["attributes"]
            p.at(utc(publish_time) + dt.timedelta(milliseconds=180))
            message = inbound_from_pubsub(delivery, p.clock.now())
        else:  # submit_execution: the Idempotency-Key is the message id, the receipt is now
            message = InboundMessage(contractor_id=CONTRACTOR_ID, channel="rest", source=REST_SOURCE, id=ce_id,
                                     type=EventType.EXECUTION_REPORTED.value, received_at=p.clock.now(), data=data)
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            self.replies[name] = executions.record_execution(message, p.uow(), p.clock)
        headers, data = p.published(topology.replies_topic(CONTRACTOR_ID))[-1]
        assert data == self.replies[name].model_dump(mode="json")
        self.reply_messages[name] = (headers, data)

    def _decide(self, name: str) -> Order:
        p = self.platform.at(DECIDED_AT[name])
        if name == "on_hold":  # the example order is scheduled too: suspending it needs a reason
            self.hold_without_reason = self._refused({**DECISIONS["on_hold"], "order_id": ORDER_ID, "reason": None})
        if name == "received":  # before receiving the completed work: what the manager may not do
            self.cancel_completed = self._refused({**DECISIONS["received"], "state": "cancelled",
                                                   "reason": "Intervention jugée inutile."})
            self.manager_invoices = self._refused({**DECISIONS["received"], "state": "invoiced"})
        decision = ChangeOrderState.model_validate_json(json.dumps(DECISIONS[name]))
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            order = orders.change_order_state(MANAGER_ID, decision, p.uow(), p.clock)
        setattr(self, f"{name}_message", p.last(EventType.ORDER_STATE_CHANGED.value))
        return order

    def _refused(self, body: dict[str, Any]) -> list[ErrorDetail]:
        """The errors change_order_state answers a decision it refuses (nothing is written)."""
        decision = ChangeOrderState.model_validate_json(json.dumps({k: v for k, v in body.items() if v is not None}))
        try:
            orders.change_order_state(MANAGER_ID, decision, self.platform.uow(), self.platform.clock)
        except DomainError as exc:
            return list(exc.errors)
        raise AssertionError(f"the decision was meant to be refused: {body}")

    def _dashboard(self) -> dict[str, Any]:
        """What list_orders answers the manager at DASHBOARD_AT: in progress, on hold, one order late."""
        p = self.platform.at(DASHBOARD_AT)
        query, errors = order_list_rules.parse_query("manager", MANAGER_ID, {"limit": "3"},
                                                     {r.value for r in ROLE_RIGHTS[Role.MANAGER]})
        assert not errors, errors
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            return list_orders(query, p.uow(), p.clock)


def invalid_order_errors() -> list[ErrorDetail]:
    bad = {**ISSUE_ORDER, "lines": [{**ISSUE_ORDER["lines"][0], "quantity": 0}], "priority": "urgent"}
    return parse_json(IssueOrder, json.dumps(bad))[1]


@examples
def order_examples(stories: Any) -> dict[str, list[Any]]:
    from devtools.contracts.openapi_common import CORRELATION_IDS, problem, rejected

    story, rest = stories.orders, stories.orders_rest
    refused = rest.replies["in_progress_rejected"]
    return {
        "IssueOrder": [ISSUE_ORDER],
        "ExecutionReport": [body for name, _, _, body in REPORTS if name != "in_progress_rejected"],
        "ManagerDecision": list(DECISIONS.values()),
        "Order": [story.order_issued[1], story.completed.model_dump(mode="json")],
        "OrderStateChanged": [story.received_message[1], story.on_hold_message[1]],
        "OrderView": [story.view],
        "Reply": [story.reply_messages[n][1] for n in ("acknowledged", "in_progress_rejected", "completed")],
        "ErrorDetail": [e.model_dump(mode="json") for e in story.replies["in_progress_rejected"].errors]
        + [invalid_order_errors()[0].model_dump(mode="json")],
        "Problem": [
            rejected(invalid_order_errors(), CORRELATION_IDS[0]),
            rejected(refused.errors, CORRELATION_IDS[1], reply=refused),
            problem(401, [ErrorDetail.of("header.Authorization", "UNAUTHENTICATED")], CORRELATION_IDS[2],
                    instance="/submit_execution"),
        ],
        "OrderList": [story.dashboard],
        "MessageLog": [rest.message_log],
    }
