"""B5 accounts and rights, on the real Auth and Firestore emulators: the operator administers a person's account
(creates it for a contractor's people, lists it, changes its rights, disables it and enables it again), and a
manager sees its own people only (list_accounts)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from devtools.tokens import emulator_token
from tests.functional.erp import Erp
from tests.functional.people import account_with_own_password, sign_in

pytestmark = pytest.mark.emulators

OWN = "Chantier-Acme-Lyon-2026"


def claims_of(token: str) -> dict:
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def listed(platform, token: str, **params: str) -> requests.Response:
    return requests.get(platform.url("list_accounts") + "/", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def orders_of(platform, token: str) -> requests.Response:
    return requests.get(platform.url("list_orders") + "/", timeout=30, headers={"Authorization": f"Bearer {token}"})


def codes(response: requests.Response) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def audited(firestore, uid: str) -> list[str]:
    return sorted(a.to_dict()["action"] for a in firestore.collection("platform/registry/audit").stream()
                  if a.to_dict()["target"] == f"accounts/{uid}")


def test_the_operator_creates_lists_changes_disables_and_enables_a_contractors_persons_account(platform,
                                                                                             clean_firestore):
    operator = Erp(platform, "operator", "platform")
    email = f"paul.chef.{uuid.uuid4().hex[:8]}@acme.fr"
    body = {"email": email, "display_name": "Paul Chef", "role": "contractor", "tenant": "ctr-test",
            "rights": ["orders.read"]}
    # Given a contractor without a connector whose site lead gets an account from the operator (temporary
    # password, replaced by his own at first sign-in)
    created = account_with_own_password(platform, body, OWN)
    assert created.status_code == 200, created.text
    uid = created.json()["uid"]
    # When the operator lists the contractor's accounts
    page = listed(platform, operator.token, tenant="ctr-test")
    # Then the person is there with his rights and state, and nothing secret
    assert page.status_code == 200, page.text
    [row] = [a for a in page.json()["accounts"] if a["uid"] == uid]
    assert (row["email"], row["display_name"], row["role"], row["tenant"]) == (email, "Paul Chef", "contractor",
                                                                                "ctr-test")
    assert (row["rights"], row["default_rights"], row["status"], row["password_change_required"]) == (
        ["orders.read"], False, "active", False)
    assert row["created_at"] and row["updated_at"] >= row["created_at"]
    assert OWN not in page.text and "sessions_valid_after" not in page.text
    # And the person reads orders but may not report execution
    token = sign_in(platform, email, OWN).json()["idToken"]
    assert orders_of(platform, token).status_code == 200
    person = Erp(platform, "contractor", "ctr-test")
    person.token = token
    denied = person.post("submit_execution", {})
    assert denied.status_code == 403 and codes(denied) == [("header.Authorization", "MISSING_RIGHT")]

    # When the operator gives him the right to report execution (a second later: revocation counts whole seconds)
    time.sleep(1.1)
    changed = operator.post("manage_account", {**body, "rights": ["orders.read", "execution.write"]})
    assert changed.status_code == 200 and changed.json()["changed"] is True, changed.text
    # Then his earlier session ends (its token is refused), and his next sign-in carries the new rights
    revoked = orders_of(platform, token)
    assert revoked.status_code == 401 and codes(revoked) == [("header.Authorization", "UNAUTHENTICATED")]
    token = sign_in(platform, email, OWN).json()["idToken"]
    assert claims_of(token)["rights"] == ["execution.write", "orders.read"]
    person.token = token
    assert person.post("submit_execution", {}).status_code == 422  # past the right: the empty body is refused
    [row] = [a for a in listed(platform, operator.token, tenant="ctr-test").json()["accounts"] if a["uid"] == uid]
    assert row["rights"] == ["execution.write", "orders.read"]

    # When he leaves and the operator disables his account
    time.sleep(1.1)
    disable = {**body, "rights": ["orders.read", "execution.write"], "disabled": True}
    disabled = operator.post("manage_account", disable, key="disable-paul-chef-1")
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True, disabled.text
    # Then his token is refused at the next call, with a structured 401 saying why, and he cannot sign in
    refused = orders_of(platform, token)
    assert refused.status_code == 401 and codes(refused) == [("header.Authorization", "ACCOUNT_DISABLED")]
    assert "désactivé" in refused.json()["errors"][0]["message"]
    again = sign_in(platform, email, OWN)
    assert again.status_code == 400 and "USER_DISABLED" in again.text
    [row] = [a for a in listed(platform, operator.token, tenant="ctr-test").json()["accounts"] if a["uid"] == uid]
    assert row["status"] == "disabled" and row["disabled_at"]
    actions = audited(clean_firestore, uid)
    record = clean_firestore.document(f"accounts/{uid}").get().to_dict()
    # When the same request is retried (same key), then sent again as a new request
    replay = operator.post("manage_account", disable, key="disable-paul-chef-1")
    assert replay.status_code == 200 and replay.headers.get("Idempotent-Replayed") == "true"
    time.sleep(1.1)
    resent = operator.post("manage_account", disable)
    # Then nothing changes twice: no new record, audit or revocation
    assert resent.status_code == 200 and resent.json()["changed"] is False, resent.text
    assert audited(clean_firestore, uid) == actions
    assert clean_firestore.document(f"accounts/{uid}").get().to_dict() == record

    # When the operator enables it again
    enabled = operator.post("manage_account", {**disable, "disabled": False})
    assert enabled.status_code == 200 and enabled.json()["disabled"] is False, enabled.text
    # Then he signs in again and works; the token of before stays refused (its session was revoked)
    fresh = sign_in(platform, email, OWN)
    assert fresh.status_code == 200, fresh.text
    assert orders_of(platform, fresh.json()["idToken"]).status_code == 200
    assert orders_of(platform, token).status_code == 401
    [row] = [a for a in listed(platform, operator.token, tenant="ctr-test").json()["accounts"] if a["uid"] == uid]
    assert (row["status"], row["disabled_at"]) == ("active", None)


def test_a_forgotten_password_gets_a_new_temporary_one_from_the_operator(platform, clean_firestore):
    operator = Erp(platform, "operator", "platform")
    email = f"oubli.{uuid.uuid4().hex[:8]}@rhone-habitat.fr"
    body = {"email": email, "display_name": "Anne Oubli", "role": "manager", "tenant": "mgr-test"}
    assert account_with_own_password(platform, body, OWN).status_code == 200
    # When the operator sets a new temporary password (hers is forgotten)
    reset = operator.post("manage_account", {**body, "password": "Nouveau-Provisoire-0412"})
    # Then she signs in with it, and must choose her own before anything else; the list says so
    assert reset.status_code == 200 and reset.json()["password_change_required"] is True, reset.text
    assert sign_in(platform, email, OWN).status_code == 400
    token = sign_in(platform, email, "Nouveau-Provisoire-0412").json()["idToken"]
    assert claims_of(token)["password_change_required"] is True
    blocked = orders_of(platform, token)
    assert blocked.status_code == 403 and codes(blocked) == [("header.Authorization", "PASSWORD_CHANGE_REQUIRED")]
    [row] = [a for a in listed(platform, operator.token, tenant="mgr-test").json()["accounts"]
             if a["email"] == email]
    assert row["password_change_required"] is True and row["default_rights"] is True


def test_a_manager_lists_its_own_people_and_no_other_partys(platform, clean_firestore):
    operator = Erp(platform, "operator", "platform")
    suffix = uuid.uuid4().hex[:8]
    for email, tenant in ((f"lea.{suffix}@rhone-habitat.fr", "mgr-test"), (f"zoe.{suffix}@autre.fr", "mgr-other")):
        made = operator.post("manage_account", {"email": email, "display_name": email.split("@")[0], "role": "manager",
                                                "tenant": tenant, "rights": ["orders.read"]})
        assert made.status_code == 200, made.text
    manager = Erp(platform, "manager", "mgr-test")
    # When a manager lists its people (naming itself or not)
    for page in (listed(platform, manager.token), listed(platform, manager.token, tenant="mgr-test")):
        # Then it sees its own accounts only
        assert page.status_code == 200, page.text
        assert [a["email"] for a in page.json()["accounts"]] == [f"lea.{suffix}@rhone-habitat.fr"]
        assert page.json()["tenant"] == "mgr-test"
    # When it names another party
    other = listed(platform, manager.token, tenant="mgr-other")
    # Then it is refused, naming the field, with nothing of the other party's
    assert other.status_code == 403 and codes(other) == [("query.tenant", "FORBIDDEN")], other.text
    assert "zoe" not in other.text
    # And a manager account without the right to ask for accounts, a contractor, the operator naming no party,
    # are refused in a structured way
    narrow = emulator_token(platform.project_id, "uid-narrow", role="manager", tenant="mgr-test",
                            rights=["orders.read"])
    assert codes(listed(platform, narrow)) == [("header.Authorization", "MISSING_RIGHT")]
    contractor = Erp(platform, "contractor", "ctr-test")
    assert codes(listed(platform, contractor.token)) == [("header.Authorization", "FORBIDDEN")]
    missing = listed(platform, operator.token)
    assert missing.status_code == 400 and codes(missing) == [("query.tenant", "REQUIRED")]


def test_the_purchasing_body_requests_and_lists_its_own_peoples_accounts_and_never_another_partys(platform,
                                                                                                 clean_firestore):
    operator = Erp(platform, "operator", "platform")
    suffix = uuid.uuid4().hex[:8]
    clean_firestore.document("purchasing_bodies/centrale-test").set({"name": "Centrale test", "territory": "75"})
    centrale = Erp(platform, "purchasing_body", "centrale-test")
    # Given a manager's person and another purchasing body's, who must never show in this one's list
    for email, role, tenant in ((f"zoe.{suffix}@autre.fr", "manager", "mgr-test"),
                                (f"ana.{suffix}@autre-centrale.fr", "purchasing_body", "centrale-other")):
        made = operator.post("manage_account", {"email": email, "display_name": "Autre", "role": role,
                                                "tenant": tenant})
        assert made.status_code == 200, made.text
    # When the purchasing body asks for an account for one of its buyers, narrowing its rights (B5, D7)
    email = f"acheteur.{suffix}@centrale.fr"
    asked = centrale.post("request_account", {"email": email, "display_name": "Paul Acheteur",
                                              "rights": ["reports.read"]})
    # Then it is recorded in its own tenant, D7 running on the operator's list
    assert asked.status_code == 202, asked.text
    request = asked.json()
    assert (request["tenant"], request["role"], request["rights"], request["status"]) == (
        "centrale-test", "purchasing_body", ["reports.read"], "pending")
    pending = requests.get(platform.url("list_account_requests") + "/", timeout=30,
                           headers={"Authorization": f"Bearer {operator.token}"}).json()["requests"]
    assert [(r["tenant"], r["role"]) for r in pending if r["request_id"] == request["request_id"]] == [
        ("centrale-test", "purchasing_body")]
    # When it tries to ask for another party's person: the body names no tenant (its token's is the one)
    crossed = centrale.post("request_account", {"email": f"x.{suffix}@autre.fr", "display_name": "X",
                                                "tenant": "mgr-test"})
    # Then it is refused, naming the field, and nothing is recorded
    assert crossed.status_code == 422 and codes(crossed) == [("$.tenant", "UNKNOWN_FIELD")], crossed.text
    assert not [d for d in clean_firestore.collection("account_requests").stream()
                if d.to_dict()["email"] == f"x.{suffix}@autre.fr"]
    # And a purchasing body token on a manager's id is refused before anything is read or recorded
    posing = Erp(platform, "purchasing_body", "mgr-test")
    for answer in (posing.post("request_account", {"email": f"y.{suffix}@autre.fr", "display_name": "Y"}),
                   listed(platform, posing.token)):
        assert answer.status_code == 403 and codes(answer) == [("header.Authorization", "TENANT_ID_TAKEN")], \
            answer.text
        assert "zoe" not in answer.text
    # And a right it does not hold is refused on its field
    narrow = emulator_token(platform.project_id, "uid-buyer", role="purchasing_body", tenant="centrale-test",
                            rights=["reports.read", "accounts.request"])
    centrale_narrow = Erp(platform, "purchasing_body", "centrale-test")
    centrale_narrow.token = narrow
    exceeding = centrale_narrow.post("request_account", {"email": f"z.{suffix}@centrale.fr", "display_name": "Z",
                                                         "rights": ["agreements.write"]})
    assert exceeding.status_code == 422 and codes(exceeding) == [("$.rights[0]", "RIGHT_NOT_HELD")], exceeding.text

    # When the operator creates the account it asked for
    made = operator.post("manage_account", {"email": email, "display_name": "Paul Acheteur",
                                            "role": "purchasing_body", "tenant": "centrale-test",
                                            "request_id": request["request_id"]})
    assert made.status_code == 200 and made.json()["request"]["met"] is True, made.text
    # Then the purchasing body lists its own people (naming itself or not), and only them
    for page in (listed(platform, centrale.token), listed(platform, centrale.token, tenant="centrale-test")):
        assert page.status_code == 200, page.text
        assert [(a["email"], a["rights"]) for a in page.json()["accounts"]] == [(email, ["reports.read"])]
    # And naming another party is refused with nothing of it
    for other in ("centrale-other", "mgr-test"):
        refused = listed(platform, centrale.token, tenant=other)
        assert refused.status_code == 403 and codes(refused) == [("query.tenant", "FORBIDDEN")], refused.text
        assert suffix not in refused.text
    # And a buyer without the right to ask for accounts reads no list
    reader = emulator_token(platform.project_id, "uid-reader", role="purchasing_body", tenant="centrale-test",
                            rights=["reports.read"])
    assert codes(listed(platform, reader)) == [("header.Authorization", "MISSING_RIGHT")]
