"""The sourcing story (part B): the operator registers the Métropole de Lyon and keeps the pool; the
Métropole submits a need, the pool is scored, the operator proposes Claire Dubois, the Métropole accepts
her and frames the mission, whose order the titulaire executes (first milestone done, proof of service);
Claire leaves, Julien Roux replaces her (B12). Then the half-year reports (B6, B17) and a GDPR erasure.
Every answer and message comes from the real services on the in-memory platform (pool, needs and
scoring, missions, replacements, execution reports, documents, reporting, erasure)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from devtools.contracts.platform import Platform
from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import pubsub_delivery
from devtools.contracts.stories_perimeter import errors_of, refused
from shared import topology
from shared.domain import documents as docs_domain
from shared.domain.errors import ErrorDetail
from shared.domain.messages import EventType
from shared.domain.reception import LiftReservation, ReceiveOrder
from shared.domain.sourcing.messages import (
    DecideDeliverable, DecideProposal, FrameMission, NeedSubmitted, ProposeProfessionals, ProposeReplacement, RequestReplacement,
    SubmitNeed, SubmitTimesheet, TimesheetRecorded,
)
from shared.domain.sourcing.process import SourcingActor
from shared.domain.sourcing import reporting as rep
from shared.domain.sourcing.records import Beneficiary, Professional, ProfessionalUpserted
from shared.domain.sourcing.reporting import ReportPeriod
from shared.edge.cloudevents import inbound_from_pubsub
from shared.service import documents, executions, listings, receptions
from shared.service.sourcing import (
    deliverables, erasure, missions, needs, paths, pool, pool_import, ranking, replacements, reporting, timesheets,
)
from tests.pdfs import a_pdf

BENEFICIARY_ID = "ben-metropole-lyon"
BENEFICIARY_UID = "uid-sophie-garnier"
NEED_ID = "BES-2026-014"
PRO_ID, PRO2_ID = "pro-0042", "pro-0117"
OPERATOR_UID = "op-ines-moreau"
TITULAIRE = paths.Settings().titulaire_id
TITULAIRE_SOURCE = "//erp.titulaire-numerique.fr/passerelle"
MISSION_ID, MISSION_ORDER = missions.mission_id_for(NEED_ID), missions.order_id_for(NEED_ID)

BENEFICIARY: dict[str, Any] = {
    "beneficiary_id": BENEFICIARY_ID, "name": "Métropole de Lyon", "siret": "82451673900011", "region": "84",
    "territory": "69",
    "contacts": [{"last_name": "Garnier", "first_name": "Sophie", "email": "sophie.garnier@grandlyon.example.fr",
                  "role": "Cheffe de projet numérique"}],
    "requires_conflict_declaration": True,
}
PROFESSIONAL: dict[str, Any] = {
    "professional_id": PRO_ID, "name": "Claire Dubois", "siret": "43819027600016",
    "education": ["Master MIAGE — Université Lyon 1"], "level": "senior", "years_of_experience": 14,
    "public_sector_knowledge": True, "certifications": ["PMP", "ITIL 4 Foundation"],
    "references": ["Refonte du portail usagers d'une région (2023)", "Schéma directeur SI d'un département (2021)"],
    "skills": ["AMOA", "conduite du changement", "rédaction de cahier des charges", "marchés publics"],
    "summary": "Consultante AMOA depuis 14 ans, spécialiste des projets de dématérialisation des collectivités.",
    "availability": [{"start": "2026-04-01", "end": "2026-12-31"}], "daily_rate_cents": 72000,
    "extra_costs": {"travel_cents": 4500, "lodging_cents": 0, "meals_cents": 2000},
    "reviews": [{"mission_ref": "MIS-2025-031", "rating": 5, "comment": "Très bonne animation des ateliers.",
                 "on": "2025-11-28"}],
    "profile_category": "CHEF-PROJET-AMOA", "service_types": ["AMOA"], "region": "84", "active": True,
}
# The replacement: same category, level, rates and extra costs (B12).
REPLACEMENT_PRO: dict[str, Any] = {
    **PROFESSIONAL, "professional_id": PRO2_ID, "name": "Julien Roux", "siret": None,
    "education": ["Ingénieur INSA Lyon"], "years_of_experience": 11, "certifications": ["PMP"],
    "references": ["Dématérialisation des aides sociales d'un département (2024)"],
    "summary": "Chef de projet AMOA, collectivités territoriales et établissements publics.", "reviews": [],
}
NEED_CONTENT: dict[str, Any] = {
    "title": "AMOA pour la dématérialisation des demandes de subvention",
    "nature": "AMOA",
    "summary": "Accompagner la direction des finances dans l'expression du besoin, la rédaction du cahier des "
               "charges et le suivi de la recette d'un portail de demandes de subvention en ligne.",
    "prerequisites": "Connaissance des règles de la commande publique.",
    "skills": ["AMOA", "rédaction de cahier des charges", "conduite du changement"],
    "min_years_of_experience": 8, "expected_profile": "Chef de projet AMOA sénior", "level": "senior",
    "certifications": [], "public_sector_required": True,
    "context": "Projet inscrit au schéma directeur numérique 2025-2028.",
    "start_date": "2026-04-06", "duration_days": 40, "end_date": "2026-07-31", "region": "84",
    "work_mode": "mixed", "deliverables": ["Cahier des charges", "Plan de recette", "Procès-verbal de recette"],
    "daily_rate_ceiling_cents": 80000, "other_information": "",
}
FRAME_MISSION: dict[str, Any] = {
    "need_id": NEED_ID, "start_date": "2026-04-06", "end_date": "2026-07-31",
    "deliverables": ["Cahier des charges", "Plan de recette", "Procès-verbal de recette"],
    "milestones": [
        {"milestone_id": "J1", "label": "Cahier des charges validé", "days": 15, "due": "2026-05-15"},
        {"milestone_id": "J2", "label": "Recette du portail", "days": 20, "due": "2026-07-10"},
        {"milestone_id": "J3", "label": "Procès-verbal de recette et transfert", "days": 5, "due": "2026-07-31"},
    ],
    "conflict_declaration": {"signed_by": "Claire Dubois", "signed_on": "2026-03-16", "no_conflict": True,
                             "statement": "Je déclare n'avoir aucun lien avec les éditeurs susceptibles de répondre."},
}
# A candidate the operator might have proposed instead: a confirmed profile, cheaper — not equivalent (B12).
NOT_EQUIVALENT_PRO: dict[str, Any] = {
    **REPLACEMENT_PRO, "professional_id": "pro-0203", "name": "Hugo Lefèvre", "level": "confirme",
    "years_of_experience": 6, "daily_rate_cents": 58000, "summary": "Consultant AMOA, collectivités."}
IMPORT_LINES = [PROFESSIONAL, {**PROFESSIONAL, "professional_id": "pro-0300", "siret": "43819027600017",
                               "daily_rate_cents": 0}, {k: v for k, v in REPLACEMENT_PRO.items() if k != "siret"}]
ERASE_PROFESSIONAL: dict[str, Any] = {"professional_id": "pro-0203",
                                      "reason": "Demande d'effacement reçue le 12/03/2026 (article 17 du RGPD)."}
# The titulaire's reports on the mission's order (its ERP, over Pub/Sub).
TITULAIRE_REPORTS: list[tuple[str, str, dict[str, Any]]] = [
    ("6b1d3f50-8a2c-4e7b-9d1f-3a5c7e9b1d11", "2026-03-16T14:02:10.318Z", {
        "sequence": 1, "occurred_at": "2026-03-16T15:00:00+01:00", "state": "acknowledged",
        "event": {"label": "Bon de commande reçu", "code": "ACK"}}),
    ("7c2e4a60-9b3d-4f8c-8e2a-4b6d8f0c2e12", "2026-03-20T10:00:40.902Z", {
        "sequence": 2, "occurred_at": "2026-03-20T11:00:00+01:00", "state": "scheduled",
        "site_lead": {"last_name": "Dubois", "first_name": "Claire", "mobile": "06 98 76 54 32"},
        "planned_start": "2026-04-06T09:00:00+02:00", "planned_end": "2026-07-31T18:00:00+02:00",
        "event": {"label": "Démarrage prévu le 6 avril", "code": "PLAN"}}),
    ("8d3f5b70-0c4e-4a9d-9f3b-5c7e9a1d3f13", "2026-04-06T07:01:05.144Z", {
        "sequence": 3, "occurred_at": "2026-04-06T09:00:00+02:00", "state": "in_progress", "progress": 5,
        "actual_start": "2026-04-06T09:00:00+02:00", "event": {"label": "Lancement de la mission", "code": "START"}}),
    ("9e4a6c80-1d5f-4b0e-8a4c-6d8f0b2e4a14", "2026-04-30T15:00:30.771Z", {
        "sequence": 4, "occurred_at": "2026-04-30T17:00:00+02:00", "state": "in_progress", "progress": 40,
        "line_statuses": [{"line_id": "J1", "done": True, "comment": "Cahier des charges validé en comité"}],
        "event": {"label": "Jalon J1 livré : cahier des charges validé", "code": "MILESTONE"}}),
]
RELAUNCH = {"need_id": NEED_ID, "version": 1, "decision": "relaunch",
            "reason": "Profils trop orientés AMOE : élargir à l'Île-de-France.",
            "content": {**NEED_CONTENT, "region": "11", "work_mode": "remote"}}
H1 = ReportPeriod(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))


def _cmd(model: type, body: dict[str, Any]) -> Any:
    return model.model_validate_json(json.dumps(body))


def jsonl(*bodies: dict[str, Any]) -> str:
    return "".join(json.dumps(b, ensure_ascii=False, separators=(",", ":")) + "\n" for b in bodies)


class SourcingStory:
    """The need BES-2026-014, from submission to the replacement of its professional, then its reports."""

    def __init__(self) -> None:
        p = self.platform = Platform("sourcing", "2026-03-02T08:00:00Z")
        with p.as_(OPERATOR_UID, "operator", "platform"):
            beneficiary = _cmd(Beneficiary, BENEFICIARY)
            assert pool.register_beneficiary(beneficiary, p.uow())
            self.beneficiary = beneficiary
            self.professional = _cmd(Professional, PROFESSIONAL)
            self.upserted_first = pool.upsert_professional(self.professional, p.uow())
            p.at("2026-03-02T08:03:00Z")
            pool.upsert_professional(_cmd(Professional, NOT_EQUIVALENT_PRO), p.uow())
            self.created_answer = ProfessionalUpserted.model_validate({**self.professional.model_dump(),
                                                                        "outcome": self.upserted_first})
            outcome = pool.upsert_professional(self.professional, p.uow())
            self.unchanged_answer = ProfessionalUpserted.model_validate({**self.professional.model_dump(),
                                                                          "outcome": outcome})
            p.at("2026-03-02T08:15:00Z")
            bulk = jsonl(*IMPORT_LINES) + "{\"professional_id\": \"pro-0301\", \n"
            self.import_report = pool_import.import_professionals(bulk.encode(), p.uow(), p.blobs, p.clock)
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            p.at("2026-03-09T08:30:00.214Z")
            self.submit = {"need_id": NEED_ID, "content": NEED_CONTENT}
            self.submitted, _ = needs.submit_need(BENEFICIARY_ID, _cmd(SubmitNeed, self.submit), p.uow(), p.clock)
            self.need_submitted = p.last(EventType.NEED_SUBMITTED.value)
        p.at("2026-03-09T08:30:02.871Z")  # score_candidates, pushed the need version
        ranking.score_need(NeedSubmitted.model_validate(self.need_submitted[1]), p.uow(), p.blobs, p.clock)
        with p.as_(OPERATOR_UID, "operator", "platform"):  # the operator's list of needs waiting for proposals
            p.at("2026-03-11T09:00:00Z")
            self.waiting_needs = listings.list_needs("operator", "platform", {"status": None, "beneficiary_id": None,
                                                                              "waiting": True}, p.uow())
        with p.as_(OPERATOR_UID, "operator", "platform"):
            p.at("2026-03-12T15:00:00Z")
            self.propose = {"beneficiary_id": BENEFICIARY_ID, "need_id": NEED_ID, "version": 1,
                            "proposals": [{"professional_id": PRO_ID, "guaranteed_until": "2026-03-27"}]}
            self.proposed = needs.propose(_cmd(ProposeProfessionals, self.propose), p.uow(), p.clock)
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):  # the record of the professional proposed
            self.professional_record = listings.get_professional("beneficiary", BENEFICIARY_ID, PRO_ID, NEED_ID,
                                                                 p.uow())
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            p.at("2026-03-13T09:15:00Z")
            self.decide = {"need_id": NEED_ID, "version": 1, "decision": "accept", "professional_id": PRO_ID,
                           "reason": "Expérience des collectivités et disponibilité immédiate."}
            self.accepted = needs.decide(BENEFICIARY_ID, _cmd(DecideProposal, self.decide), p.uow(), p.clock)
            self.not_proposed = refused(lambda: needs.decide(BENEFICIARY_ID, _cmd(DecideProposal, {
                **self.decide, "professional_id": "pro-0203"}), p.uow(), p.clock))
            p.at("2026-03-16T13:40:00Z")
            frame = _cmd(FrameMission, FRAME_MISSION)
            self.declaration_missing = refused(lambda: missions.frame_mission(BENEFICIARY_ID, frame.model_copy(
                update={"conflict_declaration": None}), p.uow(), p.clock))
            self.mission = missions.frame_mission(BENEFICIARY_ID, frame, p.uow(), p.clock)
        self._execution()
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            p.at("2026-05-04T07:20:00Z")
            self.request_replacement = {"action": "request", "mission_id": MISSION_ID, "reason": "departure",
                                        "departure_date": "2026-05-29", "planned": True, "notified_on": "2026-05-04"}
            self.replacement_requested = replacements.request_replacement(
                BENEFICIARY_ID, _cmd(RequestReplacement, self.request_replacement), SourcingActor.BENEFICIARY,
                p.uow(), p.clock)
            self.replacement_requested_message = p.last(EventType.MISSION_REPLACEMENT_REQUESTED.value)
            self.already_requested = refused(lambda: replacements.request_replacement(
                BENEFICIARY_ID, _cmd(RequestReplacement, self.request_replacement), SourcingActor.BENEFICIARY,
                p.uow(), p.clock))
        with p.as_(OPERATOR_UID, "operator", "platform"):
            p.at("2026-05-12T08:00:00Z")
            self.propose_replacement = {"action": "propose", "beneficiary_id": BENEFICIARY_ID, "mission_id": MISSION_ID,
                                        "professional_id": PRO2_ID}
            self.not_equivalent = refused(lambda: replacements.propose_replacement(_cmd(ProposeReplacement, {
                **self.propose_replacement, "professional_id": "pro-0203"}), p.uow(), p.clock))
            self.replaced = replacements.propose_replacement(_cmd(ProposeReplacement, self.propose_replacement),
                                                             p.uow(), p.clock)
            self.professional_replaced_message = p.last(EventType.MISSION_PROFESSIONAL_REPLACED.value)
            p.at("2026-05-12T08:05:00Z")
            self.need_view = needs.read_need(BENEFICIARY_ID, NEED_ID, p.uow())
            self.mission_view = missions.read_mission(BENEFICIARY_ID, MISSION_ID, p.uow(), p.clock)  # with d6_preview
            self.pool = pool.pool_statistics(p.uow(), p.blobs, p.clock)
            self.beneficiaries = pool.list_beneficiaries(p.uow())
        self._reports()
        with p.as_(OPERATOR_UID, "operator", "platform"):
            p.at("2026-07-03T10:12:00Z")
            self.erased = erasure.erase_professional(ERASE_PROFESSIONAL["professional_id"], p.uow(), blobs=p.blobs,
                                                   archive=p.archive, clock=p.clock)
            self.erased_again = erasure.erase_professional(ERASE_PROFESSIONAL["professional_id"], p.uow(), blobs=p.blobs,
                                                   archive=p.archive, clock=p.clock)

    def _execution(self) -> None:
        """The titulaire's ERP reports on the mission's order; J1 done on 30 April, its proof of service on 4 May."""
        p = self.platform
        with p.as_("sa-titulaire-erp", "contractor", TITULAIRE):
            for ce_id, publish_time, body in TITULAIRE_REPORTS:
                body = {"manager_id": BENEFICIARY_ID, "order_id": MISSION_ORDER, **body}
                p.at(publish_time)
                delivery = pubsub_delivery(topology.execution_topic(TITULAIRE), ce_id, publish_time, body,
                                           source=TITULAIRE_SOURCE, subject=f"orders/{MISSION_ORDER}")
                reply = executions.record_execution(inbound_from_pubsub(delivery, p.clock.now()), p.uow(), p.clock)
                assert not reply.errors, reply.errors
            self._deliverable()
            p.at("2026-05-04T06:45:00Z")
            fields = docs_domain.AttachFields.model_validate_json(json.dumps(
                {"manager_id": BENEFICIARY_ID, "order_id": MISSION_ORDER, "kind": "service_done"}))
            documents.attach_document(TITULAIRE, fields, "attestation-service-fait-J1.pdf",
                                      a_pdf("Attestation de service fait — jalon J1", pages=1), p.uow(), p.documents,
                                      p.clock, "sa-titulaire-erp")
        self._milestone()

    def _deliverable(self) -> None:
        """B11: the titulaire delivers the « Cahier des charges » for J1; the beneficiary refuses it with a reason,
        the titulaire delivers it again, the beneficiary accepts the new document."""
        p = self.platform

        def deliver(text: str, filename: str) -> str:
            fields = docs_domain.AttachFields.model_validate_json(json.dumps({
                "manager_id": BENEFICIARY_ID, "order_id": MISSION_ORDER, "kind": "deliverable", "milestone_id": "J1",
                "deliverable": "Cahier des charges"}))
            with p.as_("sa-titulaire-erp", "contractor", TITULAIRE):
                return documents.attach_document(TITULAIRE, fields, filename, a_pdf(text, pages=2), p.uow(),
                                                 p.documents, p.clock, "sa-titulaire-erp").record.sha256

        def decide(body: dict[str, Any]):
            return deliverables.decide_deliverable(BENEFICIARY_ID, _cmd(DecideDeliverable, body), p.uow(), p.clock,
                                                   decided_by="sophie.garnier@grandlyon.example.fr")

        p.at("2026-04-30T15:10:00Z")
        first = deliver("Cahier des charges — version 1", "cahier-des-charges-v1.pdf")
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            p.at("2026-05-02T08:30:00Z")
            self.refuse_deliverable = {"mission_id": MISSION_ID, "document_id": first, "decision": "refused",
                                       "reason": "Les exigences d'accessibilité (RGAA) ne sont pas décrites."}
            self.reason_missing = refused(lambda: decide({**self.refuse_deliverable, "reason": None}))
            self.deliverable_refused = decide(self.refuse_deliverable)
            self.deliverable_refused_message = p.last(EventType.DELIVERABLE_DECIDED.value)
        p.at("2026-05-03T10:00:00Z")
        second = deliver("Cahier des charges — version 2, exigences RGAA", "cahier-des-charges-v2.pdf")
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            p.at("2026-05-04T06:40:00Z")
            self.accept_deliverable = {"mission_id": MISSION_ID, "document_id": second, "decision": "accepted"}
            self.superseded = refused(lambda: decide({**self.refuse_deliverable, "decision": "accepted",
                                                      "reason": None, "document_id": first}))
            self.deliverable_accepted = decide(self.accept_deliverable)
            self.deliverable_accepted_message = p.last(EventType.DELIVERABLE_DECIDED.value)
            self.already_decided = refused(lambda: decide({**self.accept_deliverable, "decision": "refused",
                                                           "reason": "Finalement incomplet."}))

    def _milestone(self) -> None:
        """B11: the titulaire's timesheets on J1 (the second one over the milestone's days is refused); the
        beneficiary receives J1 with a reservation and lifts it (docs/invoicing.md)."""
        p = self.platform
        with p.as_("sa-titulaire-erp", "contractor", TITULAIRE):
            p.at("2026-05-04T06:50:00Z")
            self.timesheet = {"beneficiary_id": BENEFICIARY_ID, "mission_id": MISSION_ID, "timesheet_id": "TS-2026-04",
                              "milestone_id": "J1", "period_start": "2026-04-06", "period_end": "2026-04-30",
                              "days": "14.5", "days_on_site": "6", "comment": "Ateliers et rédaction du cahier des charges"}
            self.timesheet_recorded = timesheets.submit_timesheet(TITULAIRE, _cmd(SubmitTimesheet, self.timesheet),
                                                                  p.uow(), p.clock)
            self.timesheet_over = refused(lambda: timesheets.submit_timesheet(TITULAIRE, _cmd(SubmitTimesheet, {
                **self.timesheet, "timesheet_id": "TS-2026-04-bis", "days": "2"}), p.uow(), p.clock))
            self.timesheet_recorded = TimesheetRecorded(
                mission_id=MISSION_ID, timesheet_days=self.timesheet_recorded.timesheet_days,
                timesheet_days_on_site=self.timesheet_recorded.timesheet_days_on_site)
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            p.at("2026-05-04T06:55:00Z")
            self.receive_milestone = {"order_id": MISSION_ORDER, "occurred_at": "2026-05-04T08:55:00+02:00",
                                      "lines": [{"line_id": "J1", "reservations": [
                                          {"reservation_id": "J1-R1",
                                           "description": "Annexe accessibilité (RGAA) à compléter"}]}],
                                      "comment": "Comité de validation du 4 mai"}
            self.milestone_received = receptions.record_reception(
                BENEFICIARY_ID, _cmd(ReceiveOrder, self.receive_milestone), p.uow(), p.clock)
            self.milestone_received_message = p.last(EventType.ORDER_RECEIVED.value)
            p.at("2026-05-04T07:05:00Z")
            self.lift_reservation = {"order_id": MISSION_ORDER, "reservation_id": "J1-R1",
                                     "occurred_at": "2026-05-04T09:05:00+02:00",
                                     "comment": "Annexe RGAA reçue et validée"}
            self.reservation_lifted = receptions.lift_reservation(
                BENEFICIARY_ID, _cmd(LiftReservation, self.lift_reservation), p.uow(), p.clock)
            self.reservation_lifted_message = p.last(EventType.RESERVATION_LIFTED.value)

    def _reports(self) -> None:
        """1 July, 04:00 UTC: the half-year has ended; the reports read what the services stored."""
        p = self.platform.at("2026-07-01T04:00:00Z")
        with p.as_(BENEFICIARY_UID, "beneficiary", BENEFICIARY_ID):
            self.beneficiary_report = reporting.beneficiary_report(BENEFICIARY_ID, H1, p.uow(), p.clock)
            self.beneficiary_csv = rep.beneficiary_csv(self.beneficiary_report).decode("utf-8")
        with p.as_("uid-canut-reporting", "purchasing_body", "canut"):
            self.purchasing_body_report = reporting.purchasing_body_report(H1, p.uow(), p.clock)
            self.purchasing_body_csv = rep.purchasing_body_csv(self.purchasing_body_report).decode("utf-8")
        self.published = reporting.publish_half_year_report(p.uow(), p.documents, p.clock)
        p.at("2026-07-01T04:00:07.250Z")  # Cloud Scheduler retries: the report is already stored
        self.published_again = reporting.publish_half_year_report(p.uow(), p.documents, p.clock)
        p.at("2026-07-02T08:30:00Z")
        self.half_year_list = reporting.list_half_year_reports(p.uow(), p.documents)
        self.half_year_link = reporting.half_year_report(self.published.report_id, p.uow(), p.documents)


def import_errors() -> list[ErrorDetail]:
    return errors_of(Professional, {**PROFESSIONAL, "level": "expert", "service_types": [], "daily_rate_cents": 0})


@examples
def sourcing_examples(stories: Any) -> dict[str, list[Any]]:
    s = stories.sourcing
    dump = lambda model: model.model_dump(mode="json")  # noqa: E731
    return {
        "Beneficiary": [BENEFICIARY],
        "Professional": [PROFESSIONAL, {k: v for k, v in REPLACEMENT_PRO.items() if k != "siret"}],
        "ProfessionalUpserted": [dump(s.created_answer)],
        "ImportReport": [s.import_report],
        "SubmitNeed": [s.submit],
        "ProposeProfessionals": [s.propose],
        "DecideProposal": [s.decide, RELAUNCH],
        "NeedRecord": [dump(s.submitted), dump(s.proposed), dump(s.accepted)],
        "NeedSubmitted": [s.need_submitted[1]],
        "FrameMission": [FRAME_MISSION],
        "DecideDeliverable": [s.refuse_deliverable, s.accept_deliverable],
        "DeliverableDecided": [dump(s.deliverable_refused), dump(s.deliverable_accepted)],
        "MissionReplacementRequested": [s.replacement_requested_message[1]],
        "MissionProfessionalReplaced": [s.professional_replaced_message[1]],
        "Mission": [dump(s.mission), dump(s.replacement_requested), dump(s.replaced)],
        "ReplacementRequest": [s.request_replacement, s.propose_replacement],
        "SourcingView": [s.need_view, s.mission_view, s.pool, stories.terms.agreement_view],
        "BeneficiaryReport": [dump(s.beneficiary_report)],
        "PurchasingBodyReport": [dump(s.purchasing_body_report)],
        "HalfYearReportList": [dump(s.half_year_list)],
        "HalfYearReportLink": [dump(s.half_year_link)],
        "ReportView": [dump(s.beneficiary_report), dump(s.purchasing_body_report), dump(s.half_year_list),
                       stories.terms.price_schedule_list],
        "PublishHalfYearReport": [{}, {"half_year": "2026-H1"}],
        "HalfYearReportPublished": [dump(s.published), dump(s.published_again)],
        "EraseProfessional": [ERASE_PROFESSIONAL],
        "ProfessionalErased": [s.erased, s.erased_again],
    }
