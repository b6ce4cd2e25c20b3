"""B5 accounts, B15 protection of identities, on the real Auth emulator: the password the operator sets is
temporary — every function but change_password refuses its tokens — and every person chooses its own."""

from __future__ import annotations

import json
import time

import pytest
import requests

from devtools.tokens import emulator_token
from tests.builders import issue_order_body
from tests.functional.erp import Erp
from tests.functional.people import account_with_own_password, sign_in

pytestmark = pytest.mark.emulators

TEMPORARY, OWN = "Provisoire-Lyon-0311!", "Mon-Propre-Secret-2026"


def claims_of(token: str) -> dict:
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def change_password(platform, token: str, body: dict, key: str) -> requests.Response:
    return requests.post(platform.url("change_password") + "/", data=json.dumps(body), timeout=30, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})


def codes(response: requests.Response) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_a_temporary_password_opens_change_password_only_until_its_user_chooses_its_own(platform, clean_firestore):
    operator = Erp(platform, "operator", "platform")
    email = "premiere.connexion@bailleur.fr"
    # Given an account the operator creates with a password
    created = operator.post("manage_account", {"email": email, "display_name": "Première connexion",
                                               "role": "manager", "tenant": "mgr-test", "password": TEMPORARY})
    assert created.status_code == 200 and created.json()["password_change_required"] is True, created.text
    uid = created.json()["uid"]
    # When its user signs in with it
    signed = sign_in(platform, email, TEMPORARY)
    assert signed.status_code == 200, signed.text
    first = signed.json()["idToken"]
    assert claims_of(first)["password_change_required"] is True
    user = Erp(platform, "manager", "mgr-test")
    user.token = first
    # Then every other function refuses it, before reading or writing anything
    for refused in (user.post("receive_order", issue_order_body("BC-TEMP-1")), user.get_order("BC-TEMP-1"),
                    requests.get(platform.url("list_orders") + "/", headers={"Authorization": f"Bearer {first}"},
                                 timeout=30)):
        assert refused.status_code == 403 and codes(refused) == [("header.Authorization", "PASSWORD_CHANGE_REQUIRED")]
        assert refused.json()["errors"][0]["message"] == "Choisissez votre propre mot de passe avant de continuer."
    assert not clean_firestore.document("managers/mgr-test/orders/BC-TEMP-1").get().exists
    # When it chooses a weak password
    weak = change_password(platform, first, {"new_password": "motdepasse"}, "own-password-weak-1")
    # Then it is refused, naming the field and the rule
    assert weak.status_code == 422 and codes(weak) == [("$.new_password", "WEAK_PASSWORD")], weak.text
    assert "12 caractères" in weak.json()["errors"][0]["message"]
    # When it names an account in the body (another's, say)
    named = change_password(platform, first, {"uid": "uid-de-quelqu-un", "new_password": OWN}, "own-password-uid-1")
    # Then the body is refused: there is no way to name an account, only the token's own
    assert named.status_code == 422 and ("$.uid", "UNKNOWN_FIELD") in codes(named), named.text
    # When its token is of a sign-in more than five minutes old (the emulator's tokens are unsigned: one is
    # minted for the same user, with the claims Firebase gives it, but signed in ten minutes ago)
    stale = emulator_token(platform.project_id, uid, role="manager", tenant="mgr-test",
                           password_change_required=True, auth_time=int(time.time()) - 600)
    old = change_password(platform, stale, {"new_password": OWN}, "own-password-stale-1")
    # Then it must sign in again
    assert old.status_code == 401 and codes(old) == [("header.Authorization", "REAUTHENTICATION_REQUIRED")], old.text
    assert sign_in(platform, email, TEMPORARY).status_code == 200  # nothing changed
    # When it chooses a strong one (a second later: revocation counts whole seconds)
    time.sleep(1.1)
    changed = change_password(platform, first, {"new_password": OWN}, "own-password-good-1")
    # Then it is changed: the temporary password no longer signs in, its own does, without the mark
    assert changed.status_code == 200, changed.text
    assert changed.json()["uid"] == uid and OWN not in changed.text
    assert sign_in(platform, email, TEMPORARY).status_code == 400
    fresh = sign_in(platform, email, OWN)
    assert fresh.status_code == 200, fresh.text
    own_token = fresh.json()["idToken"]
    assert "password_change_required" not in claims_of(own_token)
    # And the other sessions ended: the token of the first sign-in is refused
    user_before = user.get_order("BC-TEMP-1")
    assert user_before.status_code == 401 and codes(user_before) == [("header.Authorization", "UNAUTHENTICATED")]
    # And the other functions answer the new session
    user.token = own_token
    assert user.post("receive_order", issue_order_body("BC-TEMP-1")).status_code == 201
    assert user.get_order("BC-TEMP-1").status_code == 200
    # And the change is recorded on the account and audited in the platform's registry
    account = clean_firestore.document(f"accounts/{uid}").get().to_dict()
    assert account["password_change_required"] is False and account["password_changed_at"]
    assert account["sessions_valid_after"] == changed.json()["sessions_valid_after"]
    audited = [a.to_dict() for a in clean_firestore.collection("platform/registry/audit").stream()]
    assert sorted(a["action"] for a in audited if a["target"] == f"accounts/{uid}") == ["account.created",
                                                                                        "account.updated"]
    # When the same request is sent again with the same Idempotency-Key, on the new session, a second later
    time.sleep(1.1)
    retry = change_password(platform, own_token, {"new_password": OWN}, "own-password-good-1")
    # Then the first answer is replayed and nothing changes twice: no new revocation, the session still works
    assert retry.status_code == 200 and retry.headers.get("Idempotent-Replayed") == "true", retry.text
    assert retry.json() == changed.json()
    assert user.get_order("BC-TEMP-1").status_code == 200
    assert clean_firestore.document(f"accounts/{uid}").get().to_dict()["sessions_valid_after"] == \
        account["sessions_valid_after"]
    # And no password is stored anywhere: not in the account, not in the idempotency records
    stored = json.dumps([d.to_dict() for name in ("accounts", "idempotency")
                         for d in clean_firestore.collection(name).stream()], default=str)
    assert TEMPORARY not in stored and OWN not in stored


@pytest.mark.parametrize("role, tenant", [("contractor", "ctr-test"), ("operator", "platform")])
def test_every_person_changes_its_own_password_again(platform, clean_firestore, role, tenant):
    email = f"personne.{role}@essai.fr"
    # Given a person of the role who already chose its password once
    assert account_with_own_password(platform, {"email": email, "display_name": "Personne", "role": role,
                                                "tenant": tenant}, OWN).status_code == 200
    token = sign_in(platform, email, OWN).json()["idToken"]
    # When it changes it again, just after signing in
    changed = change_password(platform, token, {"new_password": OWN + "-bis"}, f"own-password-{role}-2")
    # Then its new password signs in, the old one no longer
    assert changed.status_code == 200, changed.text
    assert sign_in(platform, email, OWN + "-bis").status_code == 200
    assert sign_in(platform, email, OWN).status_code == 400
