"""Onboarding through the API (A10), on the emulators: the operator registers a manager and a contractor
over HTTPS, and the contractor — whose topics nobody created by hand nor with Terraform — receives its
first order and is answered on its own topics; errors are structured, calls idempotent, parties can be
deactivated."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared import topology
from tests.functional.erp import Erp

pytestmark = pytest.mark.emulators

SIRET = "73282932000074"
MANAGER_SIRET = "21690123100011"


@pytest.fixture
def operator(platform, clean_firestore) -> Erp:
    return Erp(platform, "operator", "platform")


def register(operator: Erp, manager_id: str, contractor_id: str) -> None:
    manager = operator.post("register_manager", {"manager_id": manager_id, "name": "Office de démo",
                                                  "siret": MANAGER_SIRET, "territory": "69"})
    contractor = operator.post("register_contractor", {"contractor_id": contractor_id, "name": "Entreprise de démo",
                                                        "siret": SIRET, "managers": [manager_id]})
    assert (manager.status_code, contractor.status_code) == (201, 201), (manager.text, contractor.text)


def contract(contractor_id: str, signed_on: dt.date) -> dict:
    return {"contract_id": f"AC-{contractor_id}", "title": "Entretien — lot 2", "contractor_id": contractor_id,
            "contractor_siret": SIRET, "lots": [{"code": "LOT2", "label": "Plomberie"}],
            "perimeter": {"departements": ["69"], "communes": []}, "signed_on": signed_on.isoformat(),
            "starts_on": "2026-01-01", "ends_on": "2030-12-31", "status": "active"}


def test_a_contractor_registered_through_the_api_receives_its_first_order_with_no_terraform_change(
        platform, operator):
    # Given a manager and a contractor registered by the operator, over HTTPS only
    register(operator, "mgr-onboard", "ctr-onboard")
    manager, contractor = Erp(platform, "manager", "mgr-onboard"), Erp(platform, "contractor", "ctr-onboard")
    # When the manager sends a contract and an order to that contractor
    assert manager.post("upsert_contract", contract("ctr-onboard", dt.date.today())).status_code == 201
    order = {"order_id": "BC-ONBOARD-1", "contract_id": "AC-ctr-onboard", "contractor_id": "ctr-onboard",
             "title": "Première commande", "site": {"node_id": "N-1"},
             "issued_at": dt.datetime.now(dt.UTC).isoformat(),
             "lines": [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
                        "unit": "U", "unit_price_cents": 8500}]}
    sent = manager.post("receive_order", order)
    # Then the contractor's ERP pulls it from its own subscription, made by register_contractor
    assert sent.status_code == 201, sent.text
    received = [json.loads(m.data) for m in contractor.pull(topology.orders_topic("ctr-onboard"), wait=20)
                if m.attributes["ce-type"] == "fr.passerelle.order.issued.v1"]
    assert [o["order_id"] for o in received] == ["BC-ONBOARD-1"]
    # And its execution report, published on its own topic, is pushed in and answered on its reply topic
    ce_id = contractor.publish({"manager_id": "mgr-onboard", "order_id": "BC-ONBOARD-1", "sequence": 1,
                                "occurred_at": dt.datetime.now(dt.UTC).isoformat(), "state": "acknowledged",
                                "event": {"label": "Commande prise en compte"}})
    assert contractor.reply_to(ce_id, wait=30)["status"] == "accepted"
    contractor.close()


def test_a_registration_is_idempotent_and_says_whether_it_changed_anything(platform, operator):
    body = {"manager_id": "mgr-idem", "name": "Office", "siret": MANAGER_SIRET}
    first = operator.post("register_manager", body, key="register-mgr-idem-1")
    replayed = operator.post("register_manager", body, key="register-mgr-idem-1")
    again = operator.post("register_manager", body)
    assert (first.status_code, replayed.status_code, again.status_code) == (201, 201, 200)
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert (first.json()["changed"], again.json()["changed"]) == (True, False)


def test_every_registration_replays_its_first_answer_under_the_same_key(platform, operator):
    """The web app's « Raccordement » sends one Idempotency-Key per content (A10 onboarding): a repeat under that key
    is answered with the first success, « créée », marked Idempotent-Replayed; a new key on the same body is a new
    request, which the registry answers unchanged (an ERP or a script calling the API without keeping its key)."""
    from tests.sourcing_builders import a_beneficiary

    registrations = [
        ("register_manager", {"manager_id": "mgr-replay", "name": "Office", "siret": MANAGER_SIRET}),
        ("register_contractor", {"contractor_id": "ctr-replay", "name": "Entreprise", "siret": SIRET,
                                 "managers": ["mgr-replay"]}),
        ("register_purchasing_body", {"purchasing_body_id": "centrale-replay", "name": "Centrale d'achat"}),
        ("register_machine_identity", {"email": "erp-replay@acme-erp.iam.gserviceaccount.com", "role": "contractor",
                                       "tenant": "ctr-replay"}),
        ("register_beneficiary", a_beneficiary("ben-replay")),
    ]
    for function, body in registrations:
        first = operator.post(function, body, key=f"{function}-replay-1")
        replayed = operator.post(function, body, key=f"{function}-replay-1")
        again = operator.post(function, body)
        assert (first.status_code, replayed.status_code, again.status_code) == (201, 201, 200), (function, first.text)
        assert "Idempotent-Replayed" not in first.headers, function
        assert replayed.headers.get("Idempotent-Replayed") == "true", function
        assert replayed.json() == first.json(), function
        assert "Idempotent-Replayed" not in again.headers, function


def test_every_error_of_a_registration_is_reported_and_nothing_is_provisioned(platform, operator, clean_firestore):
    # When a contractor is registered with a bad SIRET key
    bad = operator.post("register_contractor", {"contractor_id": "ctr-bad", "name": "X", "siret": "73282932000075",
                                                "managers": ["mgr-test"]})
    # And another naming managers that do not exist
    unknown = operator.post("register_contractor", {"contractor_id": "ctr-bad", "name": "X", "siret": SIRET,
                                                    "managers": ["mgr-nobody", "mgr-test", "mgr-ghost"]})
    # Then both are refused with each error at its field, in French, and nothing exists for ctr-bad
    assert bad.status_code == 422 and [(e["field"], e["code"]) for e in bad.json()["errors"]] == [
        ("$.siret", "INVALID_SIRET")]
    assert unknown.status_code == 422 and [(e["field"], e["code"]) for e in unknown.json()["errors"]] == [
        ("$.managers[0]", "MANAGER_NOT_FOUND"), ("$.managers[2]", "MANAGER_NOT_FOUND")]
    assert "inconnu" in unknown.json()["errors"][0]["message"]
    assert clean_firestore.document("contractors/ctr-bad").get().exists is False
    publisher = Erp(platform, "contractor", "ctr-bad").publisher
    topics = {t.name.rsplit("/", 1)[1] for t in publisher.list_topics(project=f"projects/{platform.project_id}")}
    assert "orders-ctr-bad" not in topics


def test_only_the_operator_registers_parties(platform, clean_firestore):
    manager = Erp(platform, "manager", "mgr-test")
    refused = manager.post("register_manager", {"manager_id": "mgr-x", "name": "X", "siret": MANAGER_SIRET})
    assert refused.status_code == 403


def test_a_deactivated_contractor_is_sent_nothing_new(platform, operator):
    register(operator, "mgr-deact", "ctr-deact")
    manager = Erp(platform, "manager", "mgr-deact")
    assert manager.post("upsert_contract", contract("ctr-deact", dt.date.today())).status_code == 201
    # When the operator deactivates the contractor
    done = operator.post("deactivate_party", {"kind": "contractor", "id": "ctr-deact"})
    # Then a new order for it is refused, and deactivating someone unknown is a 404
    assert done.status_code == 200 and done.json()["record"]["status"] == "inactive"
    order = {"order_id": "BC-DEACT-1", "contract_id": "AC-ctr-deact", "contractor_id": "ctr-deact", "title": "X",
             "site": {"node_id": "N-1"}, "issued_at": dt.datetime.now(dt.UTC).isoformat(),
             "lines": [{"line_id": "L1", "service_code": "X-1", "label": "X", "quantity": 1, "unit": "U",
                        "unit_price_cents": 1}]}
    refused = manager.post("receive_order", order)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "CONTRACTOR_NOT_FOUND"
    assert operator.post("deactivate_party", {"kind": "manager", "id": "mgr-nobody"}).status_code == 404


def test_a_machine_identity_is_registered_for_a_known_tenant_and_refused_once_deactivated(
        platform, operator, firestore_client):
    from shared.edge.auth import firestore_machine_lookup

    email = "erp-ctr-test@acme-erp.iam.gserviceaccount.com"
    unknown = operator.post("register_machine_identity", {"email": email, "role": "contractor", "tenant": "ctr-none"})
    created = operator.post("register_machine_identity", {"email": email, "role": "contractor", "tenant": "ctr-test",
                                                          "rights": ["execution.write", "orders.read"]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["code"] == "TENANT_NOT_FOUND"
    assert created.status_code == 201, created.text
    lookup = firestore_machine_lookup(firestore_client)
    assert lookup(email)["rights"] == ["execution.write", "orders.read"]
    # When the operator deactivates it, its Google-signed tokens no longer find it
    assert operator.post("deactivate_party", {"kind": "machine_identity", "id": email}).status_code == 200
    assert lookup(email) is None
