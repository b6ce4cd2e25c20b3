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
    """IdentityAdmin in memory: the claims last set on each user."""

    def __init__(self):
        self.users: dict[str, dict] = {}

    def upsert_user(self, email, display_name, password, claims):
        self.users[email] = claims
        return f"uid-{email.split('@')[0]}"


def ask(world: World, email: str = "Lea.Martin@rhone-habitat.fr") -> accounts.AccountRequest:
    command = RequestAccount.model_validate({"email": email, "display_name": "Léa Martin", "rights": ["orders.read"],
                                             "territory": "69"}, strict=False)
    return accounts.request_account("uid-sophie", "manager", "mgr-test", command, world.uow(), world.clock)


def creation(request_id: str | None, **overrides) -> CreateAccount:
    return CreateAccount.model_validate({"email": "lea.martin@rhone-habitat.fr", "display_name": "Léa Martin",
                                         "role": "manager", "tenant": "mgr-test", "rights": ["orders.read"],
                                         "request_id": request_id, **overrides}, strict=False)


def test_a_request_opens_d7_in_its_own_commit_and_asking_again_is_the_same_request():
    world = World(ASKED)
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
    world = World(ASKED)
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
    # When it is sent again later (a retry), with fewer rights
    world.clock.advance(days=9)
    again = accounts.create_account(creation(request.request_id, rights=None), admin, world.uow(), world.clock)
    # Then the claims change is recorded, and the request keeps its first fulfilment
    assert again["request"] == created["request"]
    assert world.db.data(f"accounts/{created['uid']}")["claims"] == {"role": "manager", "tenant": "mgr-test"}


@pytest.mark.parametrize("overrides, field, code", [
    ({"password": "motdepassemotdepasse"}, "$.password", "WEAK_PASSWORD"),
    ({"rights": ["execution.write"]}, "$.rights[0]", "INVALID_VALUE"),
    ({"request_id": "acc-unknown"}, "$.request_id", "ACCOUNT_REQUEST_NOT_FOUND"),
    ({"role": "beneficiary", "rights": None}, "$.role", "ROLE_MISMATCH"),
])
def test_a_bad_creation_is_refused_before_anything_is_set_or_written(overrides, field, code):
    world = World(ASKED)
    request = ask(world)
    admin, commits = Admin(), world.db.commits
    with pytest.raises(DomainError) as refused:
        accounts.create_account(creation(**{"request_id": request.request_id, **overrides}), admin, world.uow(),
                                world.clock)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert admin.users == {} and world.db.commits == commits
