"""The connector story: what a contractor does beyond answering — raising its own quotes (A2.4, A2.5) —
and what it reads back after an outage (replay, contracts, billing accounts, property nodes), with the
property tree changing under it (A7) and the catalogue's six-month review (A14); and a beneficiary asking
the titulaire of its mission for a quote (B16).

It goes on on the quote story's platform (Rhône Habitat and Acme, after the quotes of March and April)
once the export story has read it, and on the sourcing story's platform after its reports. Every answer
and message comes from the real services."""

from __future__ import annotations

import json
from typing import Any

from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import CONTRACT_ID, CONTRACTOR_ID, CONTRACTOR_UID, MANAGER_ID, MANAGER_UID
from devtools.contracts.stories_perimeter import TREE_BODY, refused
from devtools.contracts.stories_sourcing import BENEFICIARY_ID, BENEFICIARY_UID, MISSION_ID
from shared.domain.catalogue import ConfirmCatalogueReview
from shared.domain.messages import EventType
from shared.domain.quotes import QuoteView, RaiseQuote, RequestMissionQuote
from shared.domain.replay import RedeliverMessages
from shared.ports import digest
from shared.service import catalogue, perimeter_reads, property_tree, quote_origins, replay

RAISE_QUOTE: dict[str, Any] = {
    "manager_id": MANAGER_ID, "quote_id": "DEV-ACME-2026-0117", "contract_id": CONTRACT_ID,
    "title": "Remplacement du groupe de sécurité du ballon d'eau chaude — chaufferie",
    "site": {"node_id": "LYON-BAT-A-CHAUD", "label": "Résidence Les Tilleuls — chaufferie du bâtiment A"},
    "lines": [{"line_id": "1", "service_code": "PLB-090", "label": "Main-d'œuvre plombier", "quantity": "3",
               "unit": "h", "unit_price_cents": 5200},
              {"line_id": "2", "service_code": "PLB-DEP-01", "label": "Déplacement", "quantity": "1", "unit": "U",
               "unit_price_cents": 4500}],
    "valid_until": "2026-08-31",
}
SUPPLEMENTARY_RAISE = {**RAISE_QUOTE, "quote_id": "DEV-ACME-2026-0118", "order_id": "BC-2026-0101",
                       "title": "Reprise du joint de la baignoire constaté pendant l'intervention",
                       "site": {"node_id": "LYON-BAT-A-LOG-12"}}
MISSION_QUOTE: dict[str, Any] = {"quote_id": "DEV-MET-2026-0003", "mission_id": MISSION_ID,
                                 "title": "Atelier supplémentaire de recette avec les services métier"}
CONFIRM_REVIEW: dict[str, Any] = {"contract_id": CONTRACT_ID, "reviewed_on": "2026-07-21",
                                  "note": "Revue semestrielle du 21 juillet : bordereau reconduit sans changement."}
# The tree of July: the collective boiler room replaced by a district-heating substation.
NEW_TREE = [n for n in TREE_BODY["nodes"] if n["node_id"] != "LYON-BAT-A-CHAUD"] + [
    {"node_id": "LYON-BAT-A-SST", "kind": "equipment", "parent_id": "LYON-BAT-A",
     "label": "Sous-station de chauffage urbain"}]


def _cmd(model: type, body: dict[str, Any]) -> Any:
    return model.model_validate_json(json.dumps(body))


class ConnectorStory:
    def __init__(self, quotes_story: Any, sourcing_story: Any) -> None:
        p = self.platform = quotes_story.platform
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            p.at("2026-07-01T10:12:00Z")  # on site for another job, Acme's technician finds worn safety valves
            self.raised = QuoteView.of(self._raise(RAISE_QUOTE, "raise-0117")).model_dump(mode="json")
            self.raised_supplementary = QuoteView.of(self._raise(SUPPLEMENTARY_RAISE, "raise-0118")).model_dump(
                mode="json")
            self.not_its_contract = refused(lambda: self._raise({**RAISE_QUOTE, "quote_id": "DEV-ACME-2026-0119",
                                                                 "contract_id": "AC-2023-004-BIS"}, "raise-0119"))
        p.at("2026-07-15T05:15:00Z")  # remind_catalogue_reviews, daily: the review of 15 February is due on 15 August
        catalogue.remind_reviews(p.uow(), p.clock)
        self.review_due = p.last(EventType.CATALOGUE_REVIEW_DUE.value)
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            p.at("2026-07-22T14:00:00Z")
            self.review_confirmed = catalogue.confirm_review(MANAGER_ID, _cmd(ConfirmCatalogueReview, CONFIRM_REVIEW),
                                                             p.uow(), p.clock)
            self.reviewed = p.last(EventType.CATALOGUE_REVIEWED.value)
            self.review_confirmed_again = catalogue.confirm_review(
                MANAGER_ID, _cmd(ConfirmCatalogueReview, CONFIRM_REVIEW), p.uow(), p.clock)
            p.at("2026-07-23T09:00:00.450Z")
            self.tree_replaced = property_tree.import_tree(MANAGER_ID, "json", json.dumps(NEW_TREE).encode(), p.uow(),
                                                           p.clock)
            self.nodes_changed = p.last(EventType.PROPERTY_NODES_CHANGED.value)
            self.nodes_retired = p.last(EventType.PROPERTY_NODES_RETIRED.value)
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):  # back from an outage
            p.at("2026-07-24T08:00:00Z")
            reader = p.uow()
            self.messages = replay.list_messages(CONTRACTOR_ID, None, None, 3, reader, p.clock)
            self.redeliver = {"after": self.messages["next_cursor"], "limit": 100}
            self.redelivered = replay.redeliver(CONTRACTOR_ID, _cmd(RedeliverMessages, self.redeliver), p.uow(),
                                                p.clock)
            self.contract = perimeter_reads.get_contract("contractor", CONTRACTOR_ID, MANAGER_ID, CONTRACT_ID, reader,
                                                         p.clock)
            self.billing_accounts = perimeter_reads.list_billing_accounts("contractor", CONTRACTOR_ID, reader)
            self.nodes = perimeter_reads.list_property_nodes("contractor", CONTRACTOR_ID, MANAGER_ID, None, 4, reader)
        s = sourcing_story.platform
        with s.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            s.at("2026-07-06T09:30:00Z")
            quote, _ = quote_origins.request_mission_quote(BENEFICIARY_ID, _cmd(RequestMissionQuote, MISSION_QUOTE),
                                                           s.uow(), s.clock)
            self.mission_quote = QuoteView.of(quote).model_dump(mode="json")
            self.mission_quote_requested = s.last(EventType.QUOTE_REQUESTED.value)

    def _raise(self, body: dict[str, Any], key: str) -> Any:
        p = self.platform  # as raise_quote names a REST submission: a digest of the Idempotency-Key
        quote, _ = quote_origins.raise_quote(CONTRACTOR_ID, _cmd(RaiseQuote, body), p.uow(), p.clock,
                                             submission_id=f"rest-{digest(CONTRACTOR_ID, key)[:40]}")
        return quote


@examples
def connector_examples(stories: Any) -> dict[str, list[Any]]:
    c = stories.connector
    return {
        "RaiseQuote": [RAISE_QUOTE, SUPPLEMENTARY_RAISE],
        "RequestMissionQuote": [MISSION_QUOTE],
        "MessagePage": [c.messages],
        "RedeliverMessages": [c.redeliver, {"ids": [c.messages["messages"][0]["id"]]},
                              {"since": "2026-07-20T00:00:00Z", "limit": 500}],
        "Redelivered": [c.redelivered],
        "ContractRecord": [c.contract],
        "BillingAccountList": [c.billing_accounts],
        "PropertyNodePage": [c.nodes],
        "PropertyNodesChanged": [c.nodes_changed[1]],
        "PropertyNodesRetired": [c.nodes_retired[1]],
        "ConfirmCatalogueReview": [CONFIRM_REVIEW],
        "CatalogueReviewConfirmed": [c.review_confirmed],
        "CatalogueReviewed": [c.reviewed[1]],
        "CatalogueReviewDue": [c.review_due[1]],
    }

