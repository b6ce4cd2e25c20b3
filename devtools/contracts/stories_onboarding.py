"""The onboarding story (A10): the operator registers Rhône Habitat, Acme (its Pub/Sub topology applied
through a recording Topology) and Acme's ERP identity, refuses what is wrong, deactivates an identity;
then Acme plays its conformance run on its sandbox — a validate-only check first, the scenario through
the live services — and passes, which stops the D2 of its contract. Every answer comes from the real
services on the in-memory platform."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from devtools.contracts.platform import Platform
from devtools.contracts.registry import examples
from devtools.contracts.stories_orders import (
    CONTRACTOR_ID, CONTRACTOR_UID, ERP_SOURCE, MANAGER_ID, MANAGER_UID, UPSERT_CONTRACT,
)
from devtools.contracts.stories_perimeter import refused
from devtools.contracts.stories_sourcing import OPERATOR_UID
from shared import topology
from shared.domain import documents as doc
from shared.domain.contracts import UpsertContract
from shared.domain.messages import EventType
from shared.domain.parties import (
    DeactivateParty, ListedKind, RegisterContractor, RegisterMachineIdentity, RegisterManager, RegisterPurchasingBody,
    party_list_query,
)
from shared.domain.quotes import SubmitQuote
from shared.domain.validation import parse_json
from shared.ports import InboundMessage
from shared.service import conformance, contracts, documents, executions, inbound_router, parties, quotes
from tests.pdfs import a_pdf

ERP_ACCOUNT = "erp@acme-maintenance-erp.iam.gserviceaccount.com"
REGISTER_MANAGER: dict[str, Any] = {"manager_id": MANAGER_ID, "name": "Rhône Habitat OPH", "siret": "27690001200010",
                                    "territory": "69"}
REGISTER_CONTRACTOR: dict[str, Any] = {"contractor_id": CONTRACTOR_ID, "name": "Acme Maintenance",
                                       "siret": "73282932000074", "managers": [MANAGER_ID],
                                       "erp_service_account": ERP_ACCOUNT, "territory": "69"}
REGISTER_PURCHASING_BODY: dict[str, Any] = {"purchasing_body_id": "centrale-numerique",
                                            "name": "Centrale d'achat du numérique", "territory": "93"}
REGISTER_MACHINE_IDENTITY: dict[str, Any] = {"email": ERP_ACCOUNT, "role": "contractor", "tenant": CONTRACTOR_ID,
                                             "rights": ["execution.write", "documents.write", "orders.read"]}
DEACTIVATE: dict[str, Any] = {"kind": "machine_identity", "id": ERP_ACCOUNT}
RUN_ID = "3f9c1a7e52b0"


class RecordingTopology:
    """The Topology port as Pub/Sub would apply a plan: what a first application creates, then nothing."""

    def __init__(self) -> None:
        self.existing: set[str] = set()

    def apply(self, plan: topology.ContractorTopology) -> dict[str, Any]:
        names = [*plan.topics, *(s.name for s in plan.subscriptions)]
        created = [n for n in names if n not in self.existing]
        self.existing |= set(names)
        return {"topics": list(plan.topics), "subscriptions": [s.name for s in plan.subscriptions],
                "dead_letter_topic": plan.dead_letter_topic, "created": created, "iam": "managed"}


def _cmd(model: type, body: dict[str, Any]) -> Any:
    command, errors = parse_json(model, json.dumps(body))
    assert not errors, errors
    return command


class OnboardingStory:
    def __init__(self) -> None:
        p = self.platform = Platform("onboarding", "2026-02-16T08:30:00Z")
        bus = RecordingTopology()
        with p.as_(OPERATOR_UID, "operator", "platform"):
            self.manager = parties.register_manager(_cmd(RegisterManager, REGISTER_MANAGER), p.uow(), p.clock)
            p.at("2026-02-16T08:31:10Z")
            self.unknown_manager = refused(lambda: parties.register_contractor(
                _cmd(RegisterContractor, {**REGISTER_CONTRACTOR, "managers": [MANAGER_ID, "mgr-lyon-metropole"]}),
                p.uow(), bus, p.clock))
            self.contractor = parties.register_contractor(_cmd(RegisterContractor, REGISTER_CONTRACTOR), p.uow(),
                                                          bus, p.clock)
            p.at("2026-02-16T08:40:00Z")
            self.contractor_again = parties.register_contractor(_cmd(RegisterContractor, REGISTER_CONTRACTOR),
                                                                p.uow(), bus, p.clock)
            self.purchasing_body = parties.register_purchasing_body(
                _cmd(RegisterPurchasingBody, REGISTER_PURCHASING_BODY), p.uow(), p.clock)
            self.purchasing_body_taken = refused(lambda: parties.register_purchasing_body(
                _cmd(RegisterPurchasingBody, {**REGISTER_PURCHASING_BODY, "purchasing_body_id": MANAGER_ID}),
                p.uow(), p.clock))
            self.reserved = refused(lambda: parties.register_manager(
                _cmd(RegisterManager, {**REGISTER_MANAGER, "manager_id": "sandbox-ctr-acme"}), p.uow(), p.clock))
            self.machine_refused = refused(lambda: parties.register_machine_identity(
                _cmd(RegisterMachineIdentity, {**REGISTER_MACHINE_IDENTITY, "tenant": "ctr-inconnu",
                                               "rights": ["execution.write", "contracts.write"]}), p.uow(), p.clock))
            self.machine = parties.register_machine_identity(
                _cmd(RegisterMachineIdentity, REGISTER_MACHINE_IDENTITY), p.uow(), p.clock)
            self.party_not_found = refused(lambda: parties.deactivate(
                _cmd(DeactivateParty, {"kind": "contractor", "id": "ctr-inconnu"}), p.uow(), bus, p.clock))
        # The manager signs its contract: D2 (a month to connect) starts.
        with p.as_(MANAGER_UID, "manager", MANAGER_ID):
            p.at("2026-02-20T10:15:02Z")
            contracts.upsert_contract(MANAGER_ID, UpsertContract.model_validate_json(json.dumps(
                {**UPSERT_CONTRACT, "signed_on": "2026-02-20"})), p.uow(), p.clock)
        self._conformance(p)
        with p.as_(OPERATOR_UID, "operator", "platform"):  # a key rotation: the old identity is withdrawn
            p.at("2026-03-02T09:00:00Z")
            self.deactivated = parties.deactivate(_cmd(DeactivateParty, DEACTIVATE), p.uow(), bus, p.clock)
            # The operator's directory: Acme connected since its run passed, working for Rhône Habitat
            self.contractor_list = parties.list_parties(p.uow(), ListedKind.CONTRACTOR)
            self.manager_list = parties.list_parties(p.uow(), ListedKind.MANAGER)
            self.bad_query = party_list_query({"kind": "prestataire", "after": "ctr acme"})[2]

    def _conformance(self, p: Platform) -> None:
        with p.as_(CONTRACTOR_UID, "contractor", CONTRACTOR_ID):
            p.at("2026-02-23T09:00:00Z")
            self.run = conformance.start_run(CONTRACTOR_ID, RUN_ID, p.uow(), p.clock)
            sandbox, order_id = self.run.manager_id, self.run.order_id
            self.run_not_found = refused(lambda: conformance.check_run(CONTRACTOR_ID, "0a1b2c3d4e5f", p.uow(),
                                                                       p.clock))

            def report(sequence: int, state: str, label: str, minutes: int, **fields: Any) -> dict[str, Any]:
                return {"manager_id": sandbox, "order_id": order_id, "sequence": sequence, "state": state,
                        "occurred_at": f"2026-02-23T09:{minutes:02d}:00+00:00", "event": {"label": label}, **fields}

            def send(body: dict[str, Any], ce_id: str, minutes: int, validate: bool = False,
                     ce_type: EventType = EventType.EXECUTION_REPORTED) -> Any:
                p.at(f"2026-02-23T09:{minutes:02d}:20Z")
                message = InboundMessage(contractor_id=CONTRACTOR_ID, channel="pubsub", source=ERP_SOURCE, id=ce_id,
                                         type=ce_type.value, received_at=p.clock.now(),
                                         data=json.dumps(body).encode(), validate_only=validate)
                if validate:
                    return executions.validate_execution(message, p.uow(), p.clock)
                return inbound_router.route(message, inbound_router.Services(uow=p.uow(), clock=p.clock))

            ack = report(1, "acknowledged", "Commande de bac à sable prise en compte", 5)
            self.validated = send(ack, "c1d2e3f4-0000-4000-8000-000000000001", 5, validate=True)
            send(ack, "c1d2e3f4-0000-4000-8000-000000000001", 6)
            send(report(2, "scheduled", "Intervention planifiée", 7, planned_start="2026-02-24T08:00:00+01:00",
                        planned_end="2026-02-24T12:00:00+01:00"), "c1d2e3f4-0000-4000-8000-000000000002", 7)
            send(report(3, "in_progress", "Début des travaux", 8), "c1d2e3f4-0000-4000-8000-000000000003", 8)
            self.middle_check = conformance.check_run(CONTRACTOR_ID, RUN_ID, p.uow(), p.clock)
            send(report(3, "in_progress", "Début des travaux", 8, actual_start="2026-02-23T09:08:00+00:00"),
                 "c1d2e3f4-0000-4000-8000-000000000004", 9)
            p.at("2026-02-23T09:12:00Z")
            documents.attach_document(CONTRACTOR_ID, doc.AttachFields(manager_id=sandbox, order_id=order_id,
                                                                      kind=doc.DocumentKind.INTERVENTION_REPORT),
                                      "CR-bac-a-sable.pdf", a_pdf("Bac à sable Acme"), p.uow(), p.documents, p.clock,
                                      CONTRACTOR_UID)
            # The order completed: the sandbox manager receives it in that commit; the contractor invoices it.
            send(report(4, "completed", "Fin des travaux", 13, actual_end="2026-02-23T09:13:00+00:00"),
                 "c1d2e3f4-0000-4000-8000-000000000005", 13)
            send({"manager_id": sandbox, "order_id": order_id, "invoice_number": "BAS-3F9C-F1",
                  "issue_date": "2026-02-23", "supplier": {"siret": REGISTER_CONTRACTOR["siret"],
                                                           "name": "Acme Maintenance"},
                  "lines": [{"line_id": "L1", "quantity": "1", "unit_price_cents": 10000, "vat_rate": "20"}],
                  "total_excl_tax_cents": 10000, "vat_cents": 2000, "total_incl_tax_cents": 12000},
                 "c1d2e3f4-0000-4000-8000-000000000006", 14, ce_type=EventType.INVOICE_SUBMITTED)
            # The quote answered: the sandbox manager accepts it in that commit; its order is acknowledged.
            p.at("2026-02-23T09:15:00Z")
            quotes.submit_quote(CONTRACTOR_ID, _cmd(SubmitQuote, {
                "manager_id": sandbox, "quote_id": self.run.quote_id, "valid_until": "2026-03-31",
                "lines": [{"line_id": "L1", "service_code": "BAS-001", "label": "Prestation fictive", "quantity": 1,
                           "unit": "U", "unit_price_cents": 10000}]}), p.uow(), p.clock)
            send({**report(1, "acknowledged", "Commande issue du devis prise en compte", 16),
                  "order_id": self.run.quote_id}, "c1d2e3f4-0000-4000-8000-000000000007", 16)
            p.at("2026-02-23T09:16:30Z")
            self.passed = conformance.check_run(CONTRACTOR_ID, RUN_ID, p.uow(), p.clock)
        d2 = p.db.data(f"managers/{MANAGER_ID}/deadlines/d2-{UPSERT_CONTRACT['contract_id']}")
        assert d2 is not None and d2["state"] == "met", "passing the run stops D2"
        assert dt.datetime.fromisoformat(str(self.passed.passed_at)) == p.clock.now()


@examples
def onboarding_examples(stories: Any) -> dict[str, list[Any]]:
    onb = stories.onboarding
    return {
        "RegisterManager": [REGISTER_MANAGER],
        "ManagerRegistered": [onb.manager.model_dump(mode="json")],
        "RegisterContractor": [REGISTER_CONTRACTOR],
        "ContractorRegistered": [onb.contractor.model_dump(mode="json"), onb.contractor_again.model_dump(mode="json")],
        "RegisterPurchasingBody": [REGISTER_PURCHASING_BODY],
        "PurchasingBodyRegistered": [onb.purchasing_body.model_dump(mode="json")],
        "RegisterMachineIdentity": [REGISTER_MACHINE_IDENTITY],
        "MachineIdentityRegistered": [onb.machine.model_dump(mode="json")],
        "DeactivateParty": [DEACTIVATE],
        "PartyDeactivated": [onb.deactivated.model_dump(mode="json")],
        "PartyList": [onb.contractor_list, onb.manager_list],
        "StartConformance": [{}],
        "CheckConformance": [{"run_id": RUN_ID}],
        "ConformanceRun": [onb.run.model_dump(mode="json")],
        "ConformanceReport": [onb.middle_check.model_dump(mode="json"), onb.passed.model_dump(mode="json")],
    }
