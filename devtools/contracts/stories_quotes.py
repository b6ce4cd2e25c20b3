"""The quote story (A2.4 quotes, A2.5 supplementary quotes, B16 D3, A14 catalogue) and the incident story
(B9 incidents, D8 first response).

Quotes go on on the exchange-perimeter platform (the contract, its catalogue and the property tree are
there): Rhône Habitat asks Acme for four quotes, Acme submits them (one line off the catalogue is refused
first), the manager accepts one (an order is created), accepts the supplementary one (its lines join
BC-2026-0101), refuses one, and the last expires. Incidents run on a platform of their own: Acme reports
its connector down, the operator acknowledges and resolves it. Every answer and message comes from the
real services."""

from __future__ import annotations

import json
from typing import Any

from devtools.contracts.platform import Platform
from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import (
    CONTRACT_ID, CONTRACTOR_ID, CONTRACTOR_UID, MANAGER_ID, MANAGER_UID, ORDER_ID,
)
from devtools.contracts.stories_perimeter import PerimeterStory, errors_of, refused
from shared import topology
from shared.domain.incidents import AcknowledgeIncident, IncidentView, ReportIncident, ResolveIncident
from shared.domain.messages import EventType
from shared.domain.quote_list import parse_query as parse_quote_query
from shared.domain.quotes import DecideQuote, QuoteView, RequestQuote, SubmitQuote
from shared.ports import digest
from shared.service import incidents, quote_list, quotes

QUOTE_ID = "DEV-2026-0042"
OPERATOR_UID = "op-ines-moreau"
REQUEST_QUOTE: dict[str, Any] = {
    "quote_id": QUOTE_ID, "contract_id": CONTRACT_ID, "contractor_id": CONTRACTOR_ID,
    "title": "Remplacement de la colonne d'eau froide — bâtiment A",
    "site": {"node_id": "LYON-BAT-A", "label": "Résidence Les Tilleuls — bâtiment A", "commune": "69383"},
}
SUPPLEMENTARY = {**REQUEST_QUOTE, "quote_id": "DEV-2026-0043", "order_id": ORDER_ID,
                 "title": "Travaux complémentaires : colonne du logement 12"}
OTHERS = [{**REQUEST_QUOTE, "quote_id": "DEV-2026-0044", "title": "Colonne d'eau chaude — bâtiment A"},
          {**REQUEST_QUOTE, "quote_id": "DEV-2026-0045", "title": "Colonne d'eau froide — bâtiment A, tranche 2"}]
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
DECIDE = {"quote_id": QUOTE_ID, "action": "accept"}
REFUSE = {"quote_id": "DEV-2026-0044", "action": "refuse", "reason": "Montant supérieur à l'enveloppe votée."}
WITHDRAW = {"manager_id": MANAGER_ID, "quote_id": QUOTE_ID, "action": "withdraw",
            "reason": "Erreur de métré : une nouvelle demande suivra."}

REPORT_INCIDENT = {"severity": 2, "title": "Connecteur ERP bloqué : ordres non reçus",
                   "description": "Depuis 8 h 40, aucun ordre de service n'arrive sur notre topic. "
                                  "Les interventions urgentes sont traitées par téléphone.",
                   "order_id": ORDER_ID, "territory": "69"}
ACKNOWLEDGE_NOTE = "Abonnement push relancé ; surveillance renforcée."
RESOLUTION = "Certificat du point de terminaison push renouvelé ; ordres en attente relivrés."


def _cmd(model: type, body: dict[str, Any]) -> Any:
    return model.model_validate_json(json.dumps(body))


class QuoteStory:
    def __init__(self, perimeter: PerimeterStory) -> None:
        p = self.platform = perimeter.platform
        manager, contractor = ("manager", MANAGER_ID), ("contractor", CONTRACTOR_ID)
        with p.as_(MANAGER_UID, *manager):
            p.at("2026-03-09T08:30:00.214Z")
            quote, _ = quotes.request_quote(MANAGER_ID, _cmd(RequestQuote, REQUEST_QUOTE), p.uow(), p.clock)
            self.requested = QuoteView.of(quote).model_dump(mode="json")
            self.requested_message = p.last(EventType.QUOTE_REQUESTED.value)
            again, created = quotes.request_quote(MANAGER_ID, _cmd(RequestQuote, REQUEST_QUOTE), p.uow(), p.clock)
            assert not created
            self.requested_again = QuoteView.of(again).model_dump(mode="json")
            for body in (SUPPLEMENTARY, *OTHERS):
                quotes.request_quote(MANAGER_ID, _cmd(RequestQuote, body), p.uow(), p.clock)
        with p.as_(CONTRACTOR_UID, *contractor):
            p.at("2026-03-11T14:58:40Z")
            off = {**SUBMIT_QUOTE, "lines": [{**SUBMIT_QUOTE["lines"][0], "unit_price_cents": 65000},
                                             {**SUBMIT_QUOTE["lines"][1], "unit": "h"}]}
            self.off_catalogue = refused(lambda: self._submit(off, "off"))
            p.at("2026-03-11T15:02:00Z")
            self.submitted = QuoteView.of(self._submit(SUBMIT_QUOTE, "v1")).model_dump(mode="json")
            for body in (SUPPLEMENTARY, *OTHERS):
                self._submit({**SUBMIT_QUOTE, "quote_id": body["quote_id"], "document_sha256": None}, "v1")
        with p.as_(MANAGER_UID, *manager):  # the web application's list of the space's quotes
            self.quote_list = quote_list.list_quotes(parse_quote_query("manager", MANAGER_ID, {})[0], p.uow())
        with p.as_(MANAGER_UID, *manager):
            p.at("2026-03-16T09:00:00.388Z")
            self.accepted = QuoteView.of(self._decide("manager", DECIDE)).model_dump(mode="json")
            self.accepted_message = p.last(EventType.QUOTE_DECIDED.value)
            self._decide("manager", {"quote_id": "DEV-2026-0043", "action": "accept"})
            self.lines_added = p.last(EventType.ORDER_LINES_ADDED.value)
            self._decide("manager", REFUSE)
            self.refused_message = p.last(EventType.QUOTE_DECIDED.value)
            self.illegal = refused(lambda: self._decide("manager", {**REFUSE, "quote_id": QUOTE_ID}))
        with p.as_(CONTRACTOR_UID, *contractor):
            self.not_for_actor = refused(lambda: self._decide("contractor", {**DECIDE, "quote_id": "DEV-2026-0045",
                                                                             "manager_id": MANAGER_ID}))
        p.at("2026-05-01T03:05:00Z")  # expire_quotes, hourly (Cloud Scheduler): 30 April has ended in Lyon
        quotes.expire_quotes(p.uow(), p.clock)
        self.expired = p.published(topology.replies_topic(CONTRACTOR_ID))[-1]
        assert self.expired[0]["ce-type"] == EventType.QUOTE_EXPIRED.value

    def _submit(self, body: dict[str, Any], key: str) -> Any:
        p = self.platform  # as submit_quote names a REST submission: a digest of the Idempotency-Key
        idempotency_key = f"{body['quote_id']}-{key}"
        submission = f"rest-{digest(CONTRACTOR_ID, idempotency_key)[:40]}"
        return quotes.submit_quote(CONTRACTOR_ID, _cmd(SubmitQuote, {k: v for k, v in body.items() if v is not None}),
                                   p.uow(), p.clock, submission_id=submission)

    def _decide(self, role: str, body: dict[str, Any]) -> Any:
        tenant = MANAGER_ID if role == "manager" else CONTRACTOR_ID
        return quotes.decide_quote(role, tenant, _cmd(DecideQuote, body), self.platform.uow(), self.platform.clock)


class IncidentStory:
    def __init__(self) -> None:
        p = self.platform = Platform("operator", "2026-03-12T07:52:00Z")
        p.seed(f"contractors/{CONTRACTOR_ID}", {"name": "Acme Maintenance", "managers": [MANAGER_ID]})
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            incident, d8 = incidents.report_incident(CONTRACTOR_UID, "contractor", CONTRACTOR_ID,
                                                     "inc-2026-03-12-0001", _cmd(ReportIncident, REPORT_INCIDENT),
                                                     p.uow(), p.clock)
            self.reported = IncidentView.of(incident, d8.state, p.clock.now()).model_dump(mode="json")
        with p.as_("uid-mgr-paul-lambert", "manager", MANAGER_ID):
            p.at("2026-03-12T08:05:00Z")
            other, _ = incidents.report_incident(
                "uid-mgr-paul-lambert", "manager", MANAGER_ID, "inc-rh-2026-03-12-a",
                _cmd(ReportIncident, {**REPORT_INCIDENT, "severity": 3, "title": "Tableau de bord lent",
                                      "description": "La liste des commandes met 20 s à s'afficher."}),
                p.uow(), p.clock)
        with p.as_(OPERATOR_UID, "operator", "platform"):
            p.at("2026-03-12T08:21:00Z")
            self.acknowledge = {"incident_id": incident.incident_id, "note": ACKNOWLEDGE_NOTE}
            acknowledged, d8 = incidents.acknowledge_incident(OPERATOR_UID, _cmd(AcknowledgeIncident, self.acknowledge),
                                                              p.uow(), p.clock)
            self.acknowledged = IncidentView.of(acknowledged, d8.state if d8 else acknowledged.d8_status(
                p.clock.now()), p.clock.now()).model_dump(mode="json")
            p.at("2026-03-12T10:05:00Z")
            self.resolve = {"incident_id": incident.incident_id, "resolution": RESOLUTION}
            resolved = incidents.resolve_incident(OPERATOR_UID, _cmd(ResolveIncident, self.resolve), p.uow(), p.clock)
            self.resolved = IncidentView.of(resolved, resolved.d8_status(p.clock.now()), p.clock.now()).model_dump(mode="json")
            self.not_acknowledged = refused(lambda: incidents.resolve_incident(
                OPERATOR_UID, _cmd(ResolveIncident, {"incident_id": other.incident_id, "resolution": "r"}), p.uow(),
                p.clock))
        p.at("2026-03-12T10:30:00Z")
        self.listed = incidents.list_incidents("contractor", CONTRACTOR_ID, {}, p.uow(), p.clock)
        self.invalid = errors_of(ReportIncident, {**REPORT_INCIDENT, "severity": 5, "title": ""})


@examples
def quote_examples(stories: Any) -> dict[str, list[Any]]:
    q, i = stories.quotes, stories.incidents
    return {
        "RequestQuote": [REQUEST_QUOTE],
        "SubmitQuote": [SUBMIT_QUOTE],
        "DecideQuote": [DECIDE, REFUSE, WITHDRAW],
        "QuoteView": [q.requested, q.submitted, q.accepted],
        "QuoteExpired": [q.expired[1]],
        "QuoteRequested": [q.requested_message[1]],
        "QuoteDecided": [q.accepted_message[1], q.refused_message[1]],
        "OrderLinesAdded": [q.lines_added[1]],
        "ReportIncident": [REPORT_INCIDENT],
        "AcknowledgeIncident": [i.acknowledge],
        "IncidentView": [i.reported, i.acknowledged, i.resolved],
        "ResolveIncident": [i.resolve],
        "IncidentList": [i.listed],
    }
