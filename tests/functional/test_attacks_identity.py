"""Attacks on identity and tenancy, tried through HTTP on the emulators (docs/security.md, threat model):
account takeover through an account request, rights beyond the requester's, role/tenant confusion,
sessions that outlive a change of rights."""

from __future__ import annotations

import time

import pytest
import requests

from devtools.tokens import emulator_token
from tests.builders import issue_order_body
from tests.functional.erp import Erp
from tests.functional.people import account_with_own_password, sign_in

pytestmark = pytest.mark.emulators

PASSWORD = "Victime-Lyon-2026!"


def as_token(platform, token: str, role: str = "manager", tenant: str = "mgr-test") -> Erp:
    erp = Erp(platform, role, tenant)
    erp.token = token
    return erp


def codes(response: requests.Response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def test_an_account_request_cannot_take_over_an_account_of_another_tenant(platform, clean_firestore):
    operator, attacker = Erp(platform, "operator", "platform"), Erp(platform, "manager", "mgr-other")
    # Given the victim's account, a manager of mgr-test, signed in
    email = "victime.takeover@bailleur.fr"
    created = account_with_own_password(platform, {"email": email, "display_name": "Victime", "role": "manager",
                                                   "tenant": "mgr-test"}, PASSWORD)
    assert created.status_code == 200, created.text
    victim = as_token(platform, sign_in(platform, email, PASSWORD).json()["idToken"])
    assert victim.post("receive_order", issue_order_body("BC-VICTIM-1")).status_code == 201
    # When a manager of another tenant requests an account for the same e-mail, and the operator fulfils it
    asked = attacker.post("request_account", {"email": email, "display_name": "Victime"})
    assert asked.status_code == 202, asked.text
    assert asked.json()["requested_by"] == "erp-mgr-other"
    taken = operator.post("manage_account", {"email": email, "display_name": "Victime", "role": "manager",
                                             "tenant": "mgr-other", "password": "Attaquant-Choisi-1!",
                                             "request_id": asked.json()["request_id"]})
    # Then it is refused with a structured error, and the account keeps its tenant and password
    assert taken.status_code == 409 and codes(taken) == ["ACCOUNT_EMAIL_TAKEN"], taken.text
    assert taken.json()["errors"][0]["field"] == "$.email" and "mgr-test" in taken.json()["errors"][0]["message"]
    assert sign_in(platform, email, "Attaquant-Choisi-1!").status_code == 400
    assert victim.get_order("BC-VICTIM-1").status_code == 200
    # When the operator moves the account explicitly (a second later: revocation counts whole seconds)
    time.sleep(1.1)
    moved = operator.post("manage_account", {"email": email, "display_name": "Victime", "role": "manager",
                                             "tenant": "mgr-other", "move": True})
    assert moved.status_code == 200, moved.text
    assert moved.json()["moved_from"] == {"role": "manager", "tenant": "mgr-test"}
    # Then the move is recorded on the account, and the session opened in mgr-test no longer works
    account = clean_firestore.document(f"accounts/{moved.json()['uid']}").get().to_dict()
    assert account["moves"][-1]["tenant"] == "mgr-test" and account["moves"][-1]["to"]["tenant"] == "mgr-other"
    refused = victim.get_order("BC-VICTIM-1")
    assert refused.status_code == 401 and codes(refused) == ["UNAUTHENTICATED"]


def test_an_account_request_never_carries_more_rights_than_its_requester_and_shows_who_asked(platform,
                                                                                              clean_firestore):
    operator = Erp(platform, "operator", "platform")
    # Given a manager's user who may only read orders and request accounts
    email = "lecteur.requester@bailleur.fr"
    assert account_with_own_password(platform, {"email": email, "display_name": "Lecteur", "role": "manager",
                                                "tenant": "mgr-test", "rights": ["orders.read", "accounts.request"]},
                                     PASSWORD).status_code == 200
    requester = as_token(platform, sign_in(platform, email, PASSWORD).json()["idToken"])
    # When it asks for an account that may issue orders
    greedy = requester.post("request_account", {"email": "complice@bailleur.fr", "display_name": "Complice",
                                                "rights": ["orders.read", "orders.write"]})
    # Then it is refused, naming the right it does not hold
    assert greedy.status_code == 422 and codes(greedy) == ["RIGHT_NOT_HELD"], greedy.text
    assert greedy.json()["errors"][0]["field"] == "$.rights[1]"
    # When it names no rights, the request asks for its own at most, and the operator sees who asked
    asked = requester.post("request_account", {"email": "complice@bailleur.fr", "display_name": "Complice"})
    assert asked.status_code == 202, asked.text
    assert asked.json()["rights"] == ["accounts.request", "orders.read"]
    rows = requests.get(platform.url("list_account_requests") + "/", timeout=30,
                        headers={"Authorization": f"Bearer {operator.token}"}).json()["requests"]
    [row] = [r for r in rows if r["request_id"] == asked.json()["request_id"]]
    assert row["requested_by_email"] == email and row["rights"] == ["accounts.request", "orders.read"]
    # And the operator cannot give the account more than was asked
    more = operator.post("manage_account", {"email": "complice@bailleur.fr", "display_name": "Complice",
                                            "role": "manager", "tenant": "mgr-test", "rights": ["orders.write"],
                                            "request_id": asked.json()["request_id"]})
    assert more.status_code == 422 and codes(more) == ["RIGHT_NOT_REQUESTED"], more.text


def test_a_token_whose_role_does_not_match_its_tenant_reads_and_exports_nothing(platform, clean_firestore):
    manager = Erp(platform, "manager", "mgr-test")
    assert manager.post("receive_order", issue_order_body("BC-CONFUSED-1")).status_code == 201
    # Given a beneficiary token naming a manager's id as its tenant, and tokens naming no registered tenant
    tokens = {"beneficiary on a manager": emulator_token(platform.project_id, "u-confused", role="beneficiary",
                                                        tenant="mgr-test"),
              "unregistered manager": emulator_token(platform.project_id, "u-ghost", role="manager",
                                                     tenant="mgr-ghost"),
              "contractor on a manager": emulator_token(platform.project_id, "u-ctr-confused", role="contractor",
                                                        tenant="mgr-test"),
              "operator elsewhere": emulator_token(platform.project_id, "u-op-confused", role="operator",
                                                   tenant="mgr-test")}
    calls = {"get_order": ("GET", {"order_id": "BC-CONFUSED-1", "manager_id": "mgr-test"}),
             "list_orders": ("GET", {}), "export_space": ("POST", {}), "manage_account": ("POST", {})}
    for label, token in tokens.items():
        for name, (method, params) in calls.items():
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "confused-0001",
                       "Content-Type": "application/json"}
            response = requests.request(method, platform.url(name) + "/", params=params if method == "GET" else None,
                                        data=b"{}" if method == "POST" else None, headers=headers, timeout=30)
            # Then each call is refused before anything is read or written (a role the function does not
            # serve is FORBIDDEN; a role it serves, on a tenant the registry does not pair with it, too)
            assert response.status_code == 403, (label, name, response.text)
            assert codes(response)[0] in ("FORBIDDEN", "TENANT_NOT_REGISTERED", "TENANT_ID_TAKEN"), (label, name)
    assert not list(clean_firestore.collection("exports").stream())


def test_the_operator_cannot_pair_a_role_with_another_kind_of_tenant_nor_register_a_taken_id(platform,
                                                                                              clean_firestore):
    operator = Erp(platform, "operator", "platform")
    before = clean_firestore.document("managers/mgr-test").get().to_dict()
    # When the operator gives a beneficiary account a manager's space, or a manager account an unknown one
    for role, tenant in (("beneficiary", "mgr-test"), ("manager", "mgr-ghost"), ("contractor", "mgr-test"),
                         ("purchasing_body", "ctr-test"), ("operator", "mgr-test")):
        refused = operator.post("manage_account", {"email": f"x-{role}@bailleur.fr", "display_name": "X",
                                                   "role": role, "tenant": tenant})
        # Then it is refused, naming the tenant
        assert refused.status_code in (409, 422), (role, tenant, refused.text)
        assert refused.json()["errors"][0]["field"] == "$.tenant", refused.text
    # When it registers a beneficiary under a manager's id
    taken = operator.post("register_beneficiary", {
        "beneficiary_id": "mgr-test", "name": "Usurpateur", "siret": "92443595100018", "region": "84",
        "territory": "69", "contacts": [{"last_name": "X", "first_name": "Y", "email": "x@y.fr", "role": "DSI"}]})
    # Then it is refused, and the manager's space is untouched
    assert taken.status_code == 409 and codes(taken) == ["TENANT_ID_TAKEN"], taken.text
    assert clean_firestore.document("managers/mgr-test").get().to_dict() == before
    assert not clean_firestore.document("beneficiaries/mgr-test").get().exists


def test_a_session_opened_before_its_rights_were_narrowed_stops_working(platform, clean_firestore):
    operator = Erp(platform, "operator", "platform")
    email = "revocation.session@bailleur.fr"
    assert account_with_own_password(platform, {"email": email, "display_name": "Session", "role": "manager",
                                                "tenant": "mgr-test"}, PASSWORD).status_code == 200
    session = as_token(platform, sign_in(platform, email, PASSWORD).json()["idToken"])
    assert session.post("receive_order", issue_order_body("BC-SESSION-1")).status_code == 201
    # When the operator narrows its rights (which revokes earlier sessions; a second later, as revocation
    # counts whole seconds)
    time.sleep(1.1)
    assert operator.post("manage_account", {"email": email, "display_name": "Session", "role": "manager",
                                            "tenant": "mgr-test", "rights": ["orders.read"]}).status_code == 200
    # Then the token of the earlier session is refused at once, though it has not expired
    refused = session.post("receive_order", issue_order_body("BC-SESSION-2"))
    assert refused.status_code == 401 and codes(refused) == ["UNAUTHENTICATED"], refused.text
    # And a new sign-in carries the narrowed rights
    fresh = as_token(platform, sign_in(platform, email, PASSWORD).json()["idToken"])
    assert fresh.get_order("BC-SESSION-1").status_code == 200
    assert codes(fresh.post("receive_order", issue_order_body("BC-SESSION-3"))) == ["MISSING_RIGHT"]
