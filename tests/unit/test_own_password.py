"""B5 accounts, B15 protection of identities: a password the operator sets is temporary, and every person
changes its own — the rules (domain), the service on the in-memory world, and the HTTPS edge that enforces
the temporary mark and the recent sign-in once for every function (shared/edge/http.py)."""

from __future__ import annotations

import json

import flask
import pytest

from shared import bootstrap
from shared.domain.errors import DomainError
from shared.domain.identity import ChangePassword, CreateAccount, signed_in_recently
from shared.edge import http, tenancy
from shared.edge.auth import Principal, _principal
from shared.ports import digest
from shared.service import accounts
from tests.fakes import World
from tests.unit.test_accounts import ASKED, registered

NOW = ASKED.timestamp()
TEMPORARY, OWN = "Provisoire-Lyon-0311", "Grand-Lyon-Besoins-2026"


class Admin:
    """IdentityAdmin in memory: claims and passwords per user, the revocations."""

    def __init__(self):
        self.users: dict[str, dict] = {}  # email → {"uid", "claims", "password"}
        self.revoked: list[str] = []

    def find_user(self, email):
        user = self.users.get(email)
        return None if user is None else {"uid": user["uid"], "claims": user["claims"]}

    def upsert_user(self, email, display_name, password, claims, disabled=None):
        user = self.users.setdefault(email, {"uid": f"uid-{email.split('@')[0]}", "password": None})
        user["claims"] = claims
        if password:
            user["password"] = password
        return user["uid"]

    def set_own_password(self, uid, password):
        found = [(e, u) for e, u in self.users.items() if u["uid"] == uid]
        if not found:
            return None
        email, user = found[0]
        user["password"] = password
        user["claims"] = {k: v for k, v in user["claims"].items() if k != "password_change_required"}
        self.revoked.append(uid)
        return {"email": email, "claims": user["claims"]}

    def sessions_revoked(self, uid):
        pass


def create(world: World, admin: Admin, **overrides) -> dict:
    return accounts.create_account(CreateAccount.model_validate(
        {"email": "lea.martin@rhone-habitat.fr", "display_name": "Léa Martin", "role": "manager",
         "tenant": "mgr-test", **overrides}, strict=False), admin, world.uow(), world.clock)


def change(world: World, admin: Admin, new_password: str, uid: str = "uid-lea.martin"):
    return accounts.change_own_password(uid, ChangePassword(new_password=new_password), admin, world.uow(),
                                        world.clock)


# --- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("auth_time, recent", [
    (NOW, True), (NOW - 299, True), (NOW - 300, True), (NOW - 301, False), (NOW - 3600, False),
    (NOW + 5, True),  # a few seconds of clock skew
    (NOW + 60, False), (None, False),
])
def test_a_sign_in_counts_as_recent_for_five_minutes(auth_time, recent):
    assert signed_in_recently(auth_time, NOW) is recent


def test_the_temporary_mark_and_the_sign_in_time_are_read_from_a_person_token_never_from_a_machine():
    claims = {"role": "manager", "tenant": "mgr-test", "password_change_required": True, "auth_time": 1_700_000_000}
    person = _principal("u1", claims)
    assert person.password_change_required and person.auth_time == 1_700_000_000
    machine = _principal("erp@p.iam.gserviceaccount.com", claims, machine=True)
    assert not machine.password_change_required and machine.auth_time is None
    assert not _principal("u2", {**claims, "password_change_required": "true"}).password_change_required


# --- the service --------------------------------------------------------------------------------


def test_a_password_the_operator_sets_is_temporary_until_its_user_chooses_its_own():
    world, admin = registered(World(ASKED)), Admin()
    # When the operator creates the account with a password
    created = create(world, admin, password=TEMPORARY)
    # Then its tokens will carry the mark, and the account's record says so (the claims answered are its rights')
    user = admin.users["lea.martin@rhone-habitat.fr"]
    assert user["claims"] == {"role": "manager", "tenant": "mgr-test", "password_change_required": True}
    assert created["password_change_required"] is True and created["claims"] == {"role": "manager",
                                                                                  "tenant": "mgr-test"}
    assert world.db.data("accounts/uid-lea.martin")["password_change_required"] is True
    # When the operator later narrows its rights without a password, the mark stays
    again = create(world, admin, rights=["orders.read"])
    assert again["password_change_required"] is True and user["claims"]["password_change_required"] is True
    # When its user chooses its own password, a few minutes later
    world.clock.advance(minutes=3)
    changed = change(world, admin, OWN)
    # Then Firebase Auth holds it without the mark (the rights kept), every session is revoked, and the
    # account's record tells when, audited in the platform's registry like manage_account's changes
    assert user["password"] == OWN and user["claims"] == {"role": "manager", "tenant": "mgr-test",
                                                         "rights": ["orders.read"]}
    assert admin.revoked == ["uid-lea.martin"]
    account = world.db.data("accounts/uid-lea.martin")
    assert account["password_change_required"] is False and account["password_changed_at"] == world.clock.now()
    assert account["sessions_valid_after"] == int(world.clock.now().timestamp()) == changed.sessions_valid_after
    assert account["claims"] == {"role": "manager", "tenant": "mgr-test", "rights": ["orders.read"]}
    audits = [d for d in world.db.under("platform/registry/audit").values()
              if d["target"] == "accounts/uid-lea.martin"]
    assert [a["action"] for a in audits] == ["account.created", "account.updated", "account.updated"]
    # And no password is stored anywhere in the platform's records
    stored = json.dumps({path: data for path, (data, _) in world.db.docs.items()}, default=str)
    assert TEMPORARY not in stored and OWN not in stored
    # And an update without a password after that keeps it the user's own
    assert create(world, admin, rights=["orders.read"])["password_change_required"] is False


def test_an_account_without_a_password_is_not_marked():
    world, admin = registered(World(ASKED)), Admin()
    assert create(world, admin)["password_change_required"] is False
    assert "password_change_required" not in admin.users["lea.martin@rhone-habitat.fr"]["claims"]


@pytest.mark.parametrize("weak", ["court-A1", "toutenminuscules", "ToutEnLettresSansChiffre", "123456789012!"])
def test_a_weak_new_password_is_refused_naming_the_field_and_nothing_changes(weak):
    world, admin = registered(World(ASKED)), Admin()
    create(world, admin, password=TEMPORARY)
    commits = world.db.commits
    with pytest.raises(DomainError) as refused:
        change(world, admin, weak)
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.new_password", "WEAK_PASSWORD")]
    assert "12 caractères" in refused.value.errors[0].message
    assert admin.users["lea.martin@rhone-habitat.fr"]["password"] == TEMPORARY and admin.revoked == []
    assert world.db.commits == commits


def test_a_token_of_an_account_deleted_since_changes_nothing():
    world, admin = registered(World(ASKED)), Admin()
    with pytest.raises(DomainError) as refused:
        change(world, admin, OWN, uid="uid-gone")
    assert [e.code for e in refused.value.errors] == ["ACCOUNT_NOT_FOUND"] and world.db.commits == 0


def test_the_body_names_no_account():
    from shared.domain.validation import parse_json

    _, errors = parse_json(ChangePassword, json.dumps({"uid": "uid-victime", "new_password": OWN}))
    assert [(e.field, e.code) for e in errors] == [("$.uid", "UNKNOWN_FIELD")]


# --- the edge -----------------------------------------------------------------------------------

app = flask.Flask(__name__)


class Authenticator:
    def __init__(self, principal: Principal):
        self.principal = principal

    def verify(self, authorization):
        return self.principal


@pytest.fixture
def edge(monkeypatch):
    world = World(ASKED)
    monkeypatch.setattr(tenancy, "principal_errors", lambda role, tenant, reader: [])
    monkeypatch.setattr(bootstrap, "uow", world.uow)
    monkeypatch.setattr(bootstrap, "clock", lambda: world.clock)

    def serve(principal: Principal, *, own_password: bool, body: bytes = b"{}", key: str = "cle-essai-0001",
              action=None):
        monkeypatch.setattr(bootstrap, "authenticator", lambda: Authenticator(principal))
        ran: list[bytes] = []

        def answer(req):
            ran.append(req.body)
            return http.Answer(200, {"ran": len(ran)})

        with app.test_request_context("/", method="POST", data=body, content_type="application/json",
                                      headers={"Idempotency-Key": key, "Authorization": "Bearer x"}):
            response = http.serve(flask.request, operation="op", roles=frozenset({"manager", "contractor"}),
                                  action=action or answer, own_password=own_password)
        return response.status_code, json.loads(response.get_data()), ran

    serve.world = world
    return serve


def person(**fields) -> Principal:
    return Principal(**{"uid": "u1", "role": "manager", "tenant": "mgr-test", "auth_time": NOW - 10, **fields})


def test_a_token_with_a_temporary_password_may_call_change_password_only(edge):
    marked = person(password_change_required=True)
    status, body, ran = edge(marked, own_password=False)
    assert status == 403 and [e["code"] for e in body["errors"]] == ["PASSWORD_CHANGE_REQUIRED"] and not ran
    assert body["errors"][0]["message"] == "Choisissez votre propre mot de passe avant de continuer."
    status, body, ran = edge(marked, own_password=True)
    assert status == 200 and ran
    # An unmarked token calls the other functions as before
    assert edge(person(), own_password=False)[0] == 200


def test_changing_a_password_needs_a_sign_in_of_the_last_five_minutes_and_a_person(edge):
    status, body, ran = edge(person(auth_time=NOW - 301), own_password=True)
    assert status == 401 and [e["code"] for e in body["errors"]] == ["REAUTHENTICATION_REQUIRED"] and not ran
    assert "Reconnectez-vous" in body["errors"][0]["message"]
    status, body, ran = edge(person(auth_time=None), own_password=True)
    assert status == 401 and not ran
    status, body, ran = edge(Principal(uid="erp@p.iam.gserviceaccount.com", role="contractor", tenant="ctr-test",
                                       machine=True), own_password=True)
    assert status == 403 and [e["code"] for e in body["errors"]] == ["FORBIDDEN"] and not ran
    # The other functions do not ask for a recent sign-in
    assert edge(person(auth_time=NOW - 3000), own_password=False)[0] == 200


def test_a_secret_body_is_replayed_per_user_and_leaves_no_digest_of_itself(edge):
    first = json.dumps({"new_password": OWN}).encode()
    status, body, ran = edge(person(), own_password=True, body=first)
    assert status == 200 and ran == [first]
    # A retry with the same key replays the first answer and runs nothing, whatever it sends
    for retry in (first, json.dumps({"new_password": "Autre-Mot-De-Passe-2026"}).encode()):
        status, body, ran = edge(person(), own_password=True, body=retry)
        assert (status, body, ran) == (200, {"ran": 1}, [])
    # Another user of the same tenant with the same key is another request
    assert edge(person(uid="u2"), own_password=True, body=first)[2] == [first]
    # And the idempotency records keep neither the password nor a digest of the body that holds it
    stored = json.dumps({p: data for p, (data, _) in edge.world.db.docs.items()}, default=str)
    assert OWN not in stored and digest(first) not in stored
