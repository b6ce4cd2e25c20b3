"""Accounts (B5 account management, D7 account creation): what each command commits, on the in-memory world."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import DomainError
from shared.domain.identity import CreateAccount, RequestAccount
from shared.service import accounts
from tests.fakes import World

# Tuesday 10 March 2026, 10:05 in Lyon.
ASKED = dt.datetime(2026, 3, 10, 9, 5, tzinfo=dt.UTC)


class Admin:
    """IdentityAdmin in memory: the claims last set on each user, the passwords, the revocations."""

    def __init__(self, users: dict[str, dict] | None = None):
        self.users: dict[str, dict] = dict(users or {})
        self.passwords: dict[str, str] = {}
        self.revoked: list[str] = []
        self.names: dict[str, str] = {}
        self.disabled: set[str] = set()
        self.upserts = 0

    def find_user(self, email):
        if email not in self.users:
            return None
        return {"uid": f"uid-{email.split('@')[0]}", "claims": self.users[email], "display_name": self.names.get(email),
                "disabled": email in self.disabled}

    def upsert_user(self, email, display_name, password, claims, disabled=None):
        self.upserts += 1
        self.users[email], self.names[email] = claims, display_name
        if password:
            self.passwords[email] = password
        if disabled is not None:
            (self.disabled.add if disabled else self.disabled.discard)(email)
        return f"uid-{email.split('@')[0]}"

    def sessions_revoked(self, uid):
        self.revoked.append(uid)


def registered(world: World) -> World:
    """The tenants of these tests, in the registry (shared/service/registry.py)."""
    world.seed("managers/mgr-test", {"name": "Test"})
    world.seed("managers/mgr-other", {"name": "Other"})
    world.seed("contractors/ctr-test", {"name": "Ctr", "managers": ["mgr-test"]})
    world.seed("beneficiaries/ben-test", {"name": "Ben"})
    world.seed("managers/ben-test", {"name": "Ben", "kind": "beneficiary"})
    return world


def ask(world: World, email: str = "Lea.Martin@rhone-habitat.fr", **options) -> accounts.AccountRequest:
    command = RequestAccount.model_validate({"email": email, "display_name": "Léa Martin", "rights": ["orders.read"],
                                             "territory": "69"}, strict=False)
    return accounts.request_account("uid-sophie", "manager", "mgr-test", command, world.uow(), world.clock,
                                    **options)


def creation(request_id: str | None, **overrides) -> CreateAccount:
    return CreateAccount.model_validate({"email": "lea.martin@rhone-habitat.fr", "display_name": "Léa Martin",
                                         "role": "manager", "tenant": "mgr-test", "rights": ["orders.read"],
                                         "request_id": request_id, **overrides}, strict=False)


def test_a_request_opens_d7_in_its_own_commit_and_asking_again_is_the_same_request():
    world = registered(World(ASKED))
    # When a manager asks for an account, then asks again for the same person (any case)
    request = ask(world)
    again = ask(world, "lea.martin@RHONE-HABITAT.fr")
    # Then one commit stored the request and its D7, due 72 hours counted on working days later in its
    # territory: Tuesday 10:05 → Friday 10:05 (three working days)
    assert again == request and world.db.commits == 1
    d7 = world.deadlines("mgr-test")[request.request_id]
    assert (d7.kind, d7.state.value, d7.territory, d7.due_at) == ("D7", "running", "69", request.due_at)
    assert request.due_at == dt.datetime(2026, 3, 13, 9, 5, tzinfo=dt.UTC)
    # And the request is audited in the requester's space
    [audit] = [d for d in world.db.under("managers/mgr-test/audit").values()
               if d["action"] == "account_request.created"]
    assert audit["target"] == f"account_requests/{request.request_id}"


def test_creating_the_account_records_its_claims_fulfils_the_request_and_stops_d7_in_one_commit():
    world = registered(World(ASKED))
    request = ask(world)
    admin, commits = Admin(), world.db.commits
    world.clock.advance(days=1)
    # When the operator creates the account the request asked for
    created = accounts.create_account(creation(request.request_id), admin, world.uow(), world.clock)
    # Then Firebase Auth holds the claims, and one commit recorded them, fulfilled the request (met) and stopped D7
    claims = {"role": "manager", "tenant": "mgr-test", "rights": ["orders.read"]}
    assert admin.users == {"lea.martin@rhone-habitat.fr": claims} and world.db.commits == commits + 1
    assert created["claims"] == claims and created["request"]["status"] == "fulfilled" and created["request"]["met"]
    account = world.db.data(f"accounts/{created['uid']}")
    assert (account["claims"], account["request_id"]) == (claims, request.request_id)
    d7 = world.deadlines("mgr-test")[request.request_id]
    assert (d7.state.value, d7.stopped_at) == ("met", world.clock.now())
    # When it is sent again later (a retry), naming no rights
    world.clock.advance(days=9)
    again = accounts.create_account(creation(request.request_id, rights=None), admin, world.uow(), world.clock)
    # Then the account keeps the rights the request asked for (never its role's defaults), and the
    # request keeps its first fulfilment
    assert again["request"] == created["request"]
    assert world.db.data(f"accounts/{created['uid']}")["claims"] == claims


@pytest.mark.parametrize("overrides, field, code", [
    ({"password": "motdepassemotdepasse"}, "$.password", "WEAK_PASSWORD"),
    ({"rights": ["execution.write"]}, "$.rights[0]", "INVALID_VALUE"),
    ({"request_id": "acc-unknown"}, "$.request_id", "ACCOUNT_REQUEST_NOT_FOUND"),
    ({"role": "beneficiary", "tenant": "ben-test", "rights": None}, "$.role", "ROLE_MISMATCH"),
    ({"rights": ["orders.read", "orders.write"]}, "$.rights[1]", "RIGHT_NOT_REQUESTED"),
    ({"tenant": "mgr-unknown", "request_id": None}, "$.tenant", "TENANT_NOT_REGISTERED"),
    ({"role": "beneficiary", "rights": None, "request_id": None}, "$.tenant", "TENANT_NOT_REGISTERED"),
    ({"role": "contractor", "tenant": "ben-test", "rights": None, "request_id": None}, "$.tenant",
     "TENANT_NOT_REGISTERED"),
    ({"role": "operator", "rights": None, "request_id": None}, "$.tenant", "TENANT_NOT_REGISTERED"),
    ({"role": "purchasing_body", "rights": None, "request_id": None}, "$.tenant", "TENANT_ID_TAKEN"),
])
def test_a_bad_creation_is_refused_before_anything_is_set_or_written(overrides, field, code):
    world = registered(World(ASKED))
    request = ask(world)
    admin, commits = Admin(), world.db.commits
    with pytest.raises(DomainError) as refused:
        accounts.create_account(creation(**{"request_id": request.request_id, **overrides}), admin, world.uow(),
                                world.clock)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert admin.users == {} and world.db.commits == commits


def test_an_email_held_in_another_tenant_is_refused_unless_the_operator_moves_it_recording_the_move():
    world = registered(World(ASKED))
    # Given the victim's account, a manager of mgr-other
    admin = Admin({"victim@bailleur.fr": {"role": "manager", "tenant": "mgr-other"}})
    # When mgr-test requests an account for the same e-mail and the operator fulfils it
    command = RequestAccount.model_validate({"email": "victim@bailleur.fr", "display_name": "V"}, strict=False)
    request = accounts.request_account("uid-sophie", "manager", "mgr-test", command, world.uow(), world.clock)
    commits = world.db.commits
    with pytest.raises(DomainError) as refused:
        accounts.create_account(creation(request.request_id, email="victim@bailleur.fr", rights=None,
                                         password="Autre-Mot-De-Passe-1"), admin, world.uow(), world.clock)
    # Then it is refused: the account keeps its tenant and password, and nothing is written
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.email", "ACCOUNT_EMAIL_TAKEN")]
    assert "mgr-other" in refused.value.errors[0].message
    assert admin.users["victim@bailleur.fr"]["tenant"] == "mgr-other" and admin.passwords == {}
    assert world.db.commits == commits
    # When the operator moves it explicitly
    moved = accounts.create_account(creation(None, email="victim@bailleur.fr", rights=None, move=True), admin,
                                    world.uow(), world.clock)
    # Then the move is recorded on the account, and its sessions are revoked
    assert moved["moved_from"] == {"role": "manager", "tenant": "mgr-other"}
    account = world.db.data("accounts/uid-victim")
    assert account["moves"] == [{"role": "manager", "tenant": "mgr-other", "moved_at": world.clock.now(),
                                 "to": {"role": "manager", "tenant": "mgr-test"}}]
    assert admin.revoked == ["uid-victim"]
    # And the same tenant and role again is an update, not a move
    again = accounts.create_account(creation(None, email="victim@bailleur.fr", rights=None), admin, world.uow(),
                                    world.clock)
    assert "moved_from" not in again


def test_a_request_never_asks_for_more_rights_than_its_requester_holds_and_names_its_requester():
    world = registered(World(ASKED))
    held = frozenset({"orders.read", "accounts.request"})
    # When a requester holding two rights asks for a right it lacks
    with pytest.raises(DomainError) as refused:
        accounts.request_account("uid-sophie", "manager", "mgr-test", RequestAccount.model_validate(
            {"email": "a@b.fr", "display_name": "A", "rights": ["orders.read", "orders.write"]}, strict=False),
            world.uow(), world.clock, held=held)
    # Then it is refused, naming the right
    assert [(e.field, e.code) for e in refused.value.errors] == [("$.rights[1]", "RIGHT_NOT_HELD")]
    # When it names no rights
    request = accounts.request_account("uid-sophie", "manager", "mgr-test", RequestAccount.model_validate(
        {"email": "a@b.fr", "display_name": "A"}, strict=False), world.uow(), world.clock, held=held,
        requester_email="sophie@rhone-habitat.fr")
    # Then the request asks for the requester's own rights at most, and shows who asked
    assert request.rights == ["accounts.request", "orders.read"]
    assert (request.requested_by, request.requested_by_email) == ("uid-sophie", "sophie@rhone-habitat.fr")
    assert request.requested_by_rights == ["accounts.request", "orders.read"]


@pytest.mark.parametrize(("role", "tenant", "seeded", "expected"), [
    ("beneficiary", "ben-test", {"beneficiaries/ben-test": {"name": "Ben", "territory": "972"}}, "972"),
    ("manager", "mgr-test", {"managers/mgr-test": {"name": "Test", "territory": "974"}}, "974"),
    ("manager", "mgr-test", {}, "75"),
    ("purchasing_body", "centrale-test", {"purchasing_bodies/centrale-test": {"name": "C", "territory": "971"}}, "971"),
    ("purchasing_body", "centrale-test", {}, "75"),
])
def test_a_request_naming_no_territory_counts_d7_in_its_requesters_own(role, tenant, seeded, expected):
    world = registered(World(ASKED))
    for path, data in seeded.items():
        world.seed(path, data)
    # When a beneficiary (registered in Martinique) or a manager (its space in La Réunion, or in no territory)
    # asks for an account without naming a territory
    command = RequestAccount.model_validate({"email": "lea.martin@example.fr", "display_name": "Léa Martin"},
                                            strict=False)
    request = accounts.request_account("uid-sophie", role, tenant, command, world.uow(), world.clock)
    # Then D7 and the request are counted in the requester's own territory (B18), else Paris
    assert request.territory == expected
    assert world.deadlines(tenant)[request.request_id].territory == expected


def test_the_purchasing_body_requests_an_account_for_its_own_people_and_the_operator_fulfils_it():
    world = registered(World(ASKED))
    world.seed("purchasing_bodies/centrale-test", {"name": "Centrale", "territory": "75"})
    # When the purchasing body asks for an account for one of its buyers, narrowing its rights
    command = RequestAccount.model_validate({"email": "Acheteur.Deux@centrale.fr", "display_name": "Paul Acheteur",
                                             "rights": ["reports.read"]}, strict=False)
    request = accounts.request_account("uid-centrale", "purchasing_body", "centrale-test", command, world.uow(),
                                       world.clock, held=frozenset({"reports.read", "accounts.request"}))
    # Then the request is its own tenant's, D7 runs 72 working hours (Tuesday → Friday), and the request is
    # audited in the platform's registry (the purchasing body holds no space)
    assert (request.role.value, request.tenant, request.rights) == ("purchasing_body", "centrale-test",
                                                                    ["reports.read"])
    assert request.due_at == dt.datetime(2026, 3, 13, 9, 5, tzinfo=dt.UTC)
    assert world.deadlines("centrale-test")[request.request_id].state.value == "running"
    [audit] = [d for d in world.db.under("platform/registry/audit").values()
               if d["action"] == "account_request.created"]
    assert audit["target"] == f"account_requests/{request.request_id}"
    assert not world.db.under("beneficiaries/centrale-test/audit")
    # When the operator creates the account for it
    admin = Admin()
    world.clock.advance(days=1)
    created = accounts.create_account(creation(request.request_id, email="acheteur.deux@centrale.fr",
                                               display_name="Paul Acheteur", role="purchasing_body",
                                               tenant="centrale-test", rights=None), admin, world.uow(), world.clock)
    # Then the account holds what was asked, the request is fulfilled in time and D7 stopped
    assert created["claims"] == {"role": "purchasing_body", "tenant": "centrale-test", "rights": ["reports.read"]}
    assert created["request"]["met"] is True
    assert world.deadlines("centrale-test")[request.request_id].state.value == "met"
    # And it lists its own people only, never another party's
    listed = accounts.list_accounts(world.uow(), "centrale-test")
    assert [a["email"] for a in listed["accounts"]] == ["acheteur.deux@centrale.fr"]
    assert accounts.list_accounts(world.uow(), "mgr-test")["accounts"] == []


def test_disabling_an_account_disables_its_user_revokes_its_sessions_and_is_recorded_once():
    world = registered(World(ASKED))
    admin = Admin()
    created = accounts.create_account(creation(None, rights=None), admin, world.uow(), world.clock)
    uid = created["uid"]
    first = world.db.data(f"accounts/{uid}")
    assert (first["disabled"], first["created_at"], first["updated_at"]) == (False, ASKED, ASKED)
    # When the operator disables it (someone leaves), later
    world.clock.advance(hours=2)
    disabled = accounts.create_account(creation(None, rights=None, disabled=True), admin, world.uow(), world.clock)
    # Then its user is disabled, its sessions revoked from this second, and the record says so (created_at kept)
    assert disabled["disabled"] is True and disabled["changed"] is True
    assert "lea.martin@rhone-habitat.fr" in admin.disabled and admin.revoked == [uid, uid]
    record = world.db.data(f"accounts/{uid}")
    assert (record["disabled"], record["disabled_at"], record["created_at"]) == (True, world.clock.now(), ASKED)
    assert record["sessions_valid_after"] == int(world.clock.now().timestamp())
    # When the same is sent again (another request, not a replay)
    commits, upserts = world.db.commits, admin.upserts
    world.clock.advance(minutes=5)
    again = accounts.create_account(creation(None, rights=None, disabled=True), admin, world.uow(), world.clock)
    # Then nothing is set, written, audited or revoked a second time
    assert again["changed"] is False and again["disabled"] is True
    assert (world.db.commits, admin.upserts, admin.revoked) == (commits, upserts, [uid, uid])
    assert world.db.data(f"accounts/{uid}") == record
    # When it is enabled again
    enabled = accounts.create_account(creation(None, rights=None, disabled=False), admin, world.uow(), world.clock)
    assert enabled["disabled"] is False and admin.disabled == set()
    record = world.db.data(f"accounts/{uid}")
    assert (record["disabled"], record["disabled_at"]) == (False, None)
    audited = [d["action"] for d in world.db.under("platform/registry/audit").values()
               if d["target"] == f"accounts/{uid}"]
    assert sorted(audited) == ["account.created", "account.updated", "account.updated"]


def test_changing_rights_and_giving_a_new_temporary_password_keep_the_account_and_mark_the_password():
    world = registered(World(ASKED))
    admin = Admin()
    uid = accounts.create_account(creation(None), admin, world.uow(), world.clock)["uid"]
    world.clock.advance(hours=1)
    changed = accounts.create_account(creation(None, rights=["orders.read", "orders.write"]), admin, world.uow(),
                                      world.clock)
    assert changed["claims"]["rights"] == ["orders.read", "orders.write"] and changed["changed"] is True
    assert admin.users["lea.martin@rhone-habitat.fr"]["rights"] == ["orders.read", "orders.write"]
    # A forgotten password: the operator gives a new temporary one
    reset = accounts.create_account(creation(None, rights=["orders.read", "orders.write"],
                                             password="Nouveau-Provisoire-2026"), admin, world.uow(), world.clock)
    assert reset["password_change_required"] is True and reset["changed"] is True
    assert admin.users["lea.martin@rhone-habitat.fr"]["password_change_required"] is True
    record = world.db.data(f"accounts/{uid}")
    assert record["password_change_required"] is True and record["created_at"] == ASKED
    assert "Nouveau-Provisoire-2026" not in repr(record)


def test_a_party_lists_its_accounts_only_in_pages_with_nothing_secret():
    world = registered(World(ASKED))
    admin = Admin()
    for name in ("alice", "bruno", "chloe"):
        accounts.create_account(creation(None, email=f"{name}@rhone-habitat.fr", rights=None), admin, world.uow(),
                                world.clock)
    accounts.create_account(creation(None, email="zoe@autre.fr", tenant="mgr-other", rights=None,
                                     password="Provisoire-Autre-2026"), admin, world.uow(), world.clock)
    accounts.create_account(creation(None, email="bruno@rhone-habitat.fr", rights=None, disabled=True), admin,
                            world.uow(), world.clock)
    listed = accounts.list_accounts(world.uow(), "mgr-test")
    assert [a["email"] for a in listed["accounts"]] == ["alice@rhone-habitat.fr", "bruno@rhone-habitat.fr",
                                                        "chloe@rhone-habitat.fr"]
    assert listed["count"] == 3 and listed["next_cursor"] is None and listed["tenant"] == "mgr-test"
    bruno = listed["accounts"][1]
    assert (bruno["status"], bruno["role"], bruno["default_rights"]) == ("disabled", "manager", True)
    assert "orders.write" in bruno["rights"] and bruno["disabled_at"] is not None
    assert "password" not in bruno and "sessions_valid_after" not in bruno and "claims" not in bruno
    other = accounts.list_accounts(world.uow(), "mgr-other")["accounts"]
    assert [(a["email"], a["password_change_required"]) for a in other] == [("zoe@autre.fr", True)]
    assert accounts.list_accounts(world.uow(), "mgr-unknown")["accounts"] == []


def test_a_page_of_accounts_ends_at_max_rows_and_the_next_starts_after_its_last(monkeypatch):
    from shared.service import id_pages

    monkeypatch.setattr(id_pages, "MAX_ROWS", 2)
    world = registered(World(ASKED))
    for name in ("a", "b", "c"):
        world.seed(f"accounts/uid-{name}", {"uid": f"uid-{name}", "email": f"{name}@x.fr",
                                            "claims": {"role": "manager", "tenant": "mgr-test"}})
    world.seed("accounts/uid-other", {"uid": "uid-other", "email": "o@x.fr",
                                      "claims": {"role": "manager", "tenant": "mgr-other"}})
    first = accounts.list_accounts(world.uow(), "mgr-test")
    assert [a["uid"] for a in first["accounts"]] == ["uid-a", "uid-b"] and first["next_cursor"] == "uid-b"
    second = accounts.list_accounts(world.uow(), "mgr-test", first["next_cursor"])
    assert [a["uid"] for a in second["accounts"]] == ["uid-c"] and second["next_cursor"] is None


@pytest.mark.parametrize("role, own, args, expected", [
    ("operator", "platform", {"tenant": "ctr-test"}, ("ctr-test", None, [], None)),
    ("operator", "platform", {}, (None, None, [("query.tenant", "REQUIRED")], None)),
    ("manager", "mgr-test", {}, ("mgr-test", None, [], None)),
    ("manager", "mgr-test", {"tenant": "mgr-test", "after": "uid-b"}, ("mgr-test", "uid-b", [], None)),
    ("manager", "mgr-test", {"tenant": "mgr-other"}, (None, None, [], "query.tenant")),
    ("beneficiary", "ben-test", {"tenant": "mgr-test"}, (None, None, [], "query.tenant")),
    ("manager", "mgr-test", {"kind": "x", "after": "../x"}, ("mgr-test", "../x", [("query.kind", "UNKNOWN_FIELD"),
                                                                                 ("query.after", "INVALID_FORMAT")],
                                                             None)),
])
def test_who_may_list_whose_accounts(role, own, args, expected):
    from shared.domain.identity import account_list_query

    tenant, after, errors, forbidden = account_list_query(args, role, own)
    assert (tenant, after, [(e.field, e.code) for e in errors], forbidden) == expected
