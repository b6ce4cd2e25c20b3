"""The contract-fidelity story: penalty terms per deadline as dated versions (A9; a manager's contract, a
beneficiary's agreement), the price schedule's next version (B17), and B9 as the clause says (a phone report
entered by the operator with the time of the call, the operator alerted of a severity-1 incident, a
workaround that stops no clock). Every answer and message comes from the real services."""

from __future__ import annotations

import json
from typing import Any

from devtools.contracts.platform import Platform
from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import CONTRACTOR_ID, MANAGER_ID, MANAGER_UID, UPSERT_CONTRACT
from devtools.contracts.stories_perimeter import errors_of, refused
from devtools.contracts.stories_sourcing import BENEFICIARY, BENEFICIARY_ID, OPERATOR_UID
from shared.domain.contract_terms import SetPenaltyTerms
from shared.domain.contracts import UpsertContract
from shared.domain.incidents import AcknowledgeIncident, FollowUpIncident, IncidentView, ReportIncident
from shared.domain.messages import EventType
from shared.domain.sourcing.price_schedule import ImportPriceSchedule
from shared.domain.sourcing.records import Beneficiary
from shared.service import contracts, incidents, penalty_terms
from shared.service.incidents import ALERTS_TOPIC
from shared.service.sourcing import agreements, paths, pool, price_schedules

PURCHASING_UID = "uid-canut-amelie-roux"
FRAMEWORK = paths.Settings().contract_id
SET_TERMS = {"contract_id": UPSERT_CONTRACT["contract_id"], "effective_from": "2026-07-01",
             "reason": "Avenant n° 2 : pénalité de partage portée à 250 EUR par jour",
             "terms": {"daily_amount_cents": {"P1": 25000}, "rules_by_kind": {"D3": "P1"}}}
SET_AGREEMENT_TERMS = {"beneficiary_id": BENEFICIARY_ID, "effective_from": "2026-07-01",
                       "reason": "Convention de mise à disposition, annexe « Pénalités »",
                       "terms": {"rules_by_kind": {"D4": "P1", "D5": "P1", "D7": "P1", "D8": "P1"},
                                 "daily_amount_cents": {"P1": 10000}, "lengths": {"D7": 48}}}
IMPORT_PRICE_SCHEDULE = {"version": "2026-07", "valid_from": "2026-07-01", "fee_rate_bps": 250, "lines": [
    {"category": "CHEF-PROJET", "label": "Chef de projet", "reference_daily_rate": "780,00"},
    {"category": "DEVELOPPEUR", "label": "Développeur", "reference_daily_rate": "620,00"}]}
PRICE_SCHEDULE_CSV = ("category;label;reference_daily_rate\r\nCHEF-PROJET;Chef de projet;780,00\r\n"
                      "DEVELOPPEUR;Développeur;620,00\r\n")
PHONE_REPORT = {"severity": 1, "title": "Plateforme inaccessible",
                "description": "Appel de la Métropole à 9 h 12 : erreur 503 sur toutes les pages depuis 9 h.",
                "reported_for": {"tenant": BENEFICIARY_ID, "role": "beneficiary"},
                "first_reported_at": "2026-06-15T07:12:00Z"}
WORKAROUND = {"kind": "workaround", "note": "Bascule sur l'instance de secours : service rétabli, cause à corriger."}


def _cmd(model: type, body: dict[str, Any]) -> Any:
    return model.model_validate_json(json.dumps(body))


class TermsStory:
    def __init__(self) -> None:
        p = self.platform = Platform("terms", "2026-06-15T07:20:00Z")
        p.seed(f"contractors/{CONTRACTOR_ID}", {"name": "Acme Maintenance", "managers": [MANAGER_ID]})
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            contracts.upsert_contract(MANAGER_ID, _cmd(UpsertContract, UPSERT_CONTRACT), p.uow(), p.clock)
            self.manager_terms = penalty_terms.set_penalty_terms(
                "manager", MANAGER_ID, MANAGER_UID, _cmd(SetPenaltyTerms, SET_TERMS), FRAMEWORK, p.uow(), p.clock)
            self.terms_announced = p.last(EventType.CONTRACT_CHANGED.value)  # to Acme, with every version (A9)
            self.past = refused(lambda: penalty_terms.set_penalty_terms(
                "manager", MANAGER_ID, MANAGER_UID, _cmd(SetPenaltyTerms, {**SET_TERMS, "effective_from": "2026-06-01"}),
                FRAMEWORK, p.uow(), p.clock))
        with p.as_(OPERATOR_UID, "operator", "platform"):
            pool.register_beneficiary(Beneficiary.model_validate(BENEFICIARY, strict=False), p.uow())
        with p.as_(PURCHASING_UID, "purchasing_body", "canut"):
            self.agreement_terms = penalty_terms.set_penalty_terms(
                "purchasing_body", "canut", PURCHASING_UID, _cmd(SetPenaltyTerms, SET_AGREEMENT_TERMS), FRAMEWORK,
                p.uow(), p.clock)
            self.agreement_announced = p.last(EventType.AGREEMENT_TERMS_CHANGED.value)  # to the titulaire (A9)
            self.agreement_view = agreements.read_agreement(BENEFICIARY_ID, p.uow(), p.clock)
            self.longer = errors_of(SetPenaltyTerms, {**SET_AGREEMENT_TERMS, "terms": {"lengths": {"D7": 96}}})
            body = IMPORT_PRICE_SCHEDULE
            self.price_schedule = price_schedules.import_price_schedule(
                body["version"], _cmd(ImportPriceSchedule, body).valid_from, body["fee_rate_bps"], "json",
                body["lines"], p.uow(), p.clock)
            self.bad_rows = refused(lambda: price_schedules.import_price_schedule(
                None, _cmd(ImportPriceSchedule, body).valid_from, 250, "csv",
                b"category;label;reference_daily_rate\r\nchef projet;;780\r\nDEVELOPPEUR;D\xc3\xa9veloppeur;620,001\r\n",
                p.uow(), p.clock))
            self.price_schedule_list = price_schedules.read_price_schedule(p.uow(), p.clock)  # 2026-07 to come
        with p.as_(OPERATOR_UID, "operator", "platform"):  # the Métropole phoned at 9 h 12 (Paris)
            incident, d8 = incidents.report_incident(OPERATOR_UID, "operator", "platform", "tel-2026-06-15-0912",
                                                     _cmd(ReportIncident, PHONE_REPORT), p.uow(), p.clock,
                                                     agreement_id=FRAMEWORK)
            self.phone_report = IncidentView.of(incident, d8.state, p.clock.now()).model_dump(mode="json")
            self.alert = p.last(EventType.INCIDENT_ALERT.value)
            assert p.published(ALERTS_TOPIC)
            p.at("2026-06-15T07:31:00Z")
            incidents.acknowledge_incident(OPERATOR_UID, _cmd(AcknowledgeIncident, {"incident_id": incident.incident_id}),
                                           p.uow(), p.clock)
            p.at("2026-06-15T08:05:00Z")
            self.follow_up = {"incident_id": incident.incident_id, **WORKAROUND}
            around = incidents.follow_up_incident(OPERATOR_UID, _cmd(FollowUpIncident, self.follow_up), p.uow(),
                                                  p.clock)
            self.followed = IncidentView.of(around, around.d8_status(p.clock.now()), p.clock.now()).model_dump(
                mode="json")
            self.not_acknowledged = refused(lambda: incidents.follow_up_incident(
                OPERATOR_UID, _cmd(FollowUpIncident, {**self.follow_up, "incident_id": self._other(p)}), p.uow(),
                p.clock))
            self.phone_only = refused(lambda: incidents.report_incident(
                "uid-x", "beneficiary", BENEFICIARY_ID, "k", _cmd(ReportIncident, PHONE_REPORT), p.uow(), p.clock))

    @staticmethod
    def _other(p: Platform) -> str:
        """An incident the operator has not answered yet (a severity-3 report of the Métropole)."""
        incident, _ = incidents.report_incident(
            "uid-sophie-garnier", "beneficiary", BENEFICIARY_ID, "inc-lent-0001",
            _cmd(ReportIncident, {"severity": 3, "title": "Export lent", "description": "Plus de 10 minutes."}),
            p.uow(), p.clock)
        return incident.incident_id


@examples
def terms_examples(stories: Any) -> dict[str, list[Any]]:
    t = stories.terms
    return {
        "SetPenaltyTerms": [SET_TERMS, SET_AGREEMENT_TERMS],
        "PenaltyTermsSet": [t.manager_terms, t.agreement_terms],
        "ImportPriceSchedule": [IMPORT_PRICE_SCHEDULE],
        "PriceScheduleImported": [t.price_schedule],
        "PriceScheduleList": [t.price_schedule_list],
        "FollowUpIncident": [t.follow_up],
        "IncidentAlert": [t.alert[1]],
        "AgreementTermsChanged": [t.agreement_announced[1]],
    }
