"""Revoked sessions and registered tenants, checked on every call with a small per-instance cache
(shared/edge/auth.py, shared/edge/tenancy.py)."""

from __future__ import annotations

import pytest

from shared.edge import tenancy
from shared.edge.auth import FirebaseAuthenticator, Unauthenticated
from shared.edge.tenancy import TtlCache
from tests.fakes import World


class Ticks:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def authenticator(monkeypatch):
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    records: dict[str, dict] = {}
    reads: list[str] = []

    def lookup(uid):
        reads.append(uid)
        return records.get(uid)

    auth = FirebaseAuthenticator("demo-passerelle", session_lookup=lookup)
    ticks = Ticks()
    auth.sessions = TtlCache(30, clock=ticks)
    return auth, records, reads, ticks


def test_a_token_issued_before_its_sessions_were_revoked_is_refused(authenticator):
    auth, records, reads, _ = authenticator
    records["u1"] = {"sessions_valid_after": 1_700_000_100}
    with pytest.raises(Unauthenticated, match="revoked"):
        auth._check_session({"uid": "u1", "iat": 1_700_000_099})
    auth._check_session({"uid": "u1", "iat": 1_700_000_100})  # issued in the second of the revocation or later
    records["u2"] = {"sessions_valid_after": 0, "disabled": True}
    with pytest.raises(Unauthenticated, match="disabled"):
        auth._check_session({"uid": "u2", "iat": 1_700_000_200})
    auth._check_session({"uid": "never-managed", "iat": 1})  # no record: nothing revoked


def test_the_record_is_read_once_per_user_and_period_and_again_once_forgotten(authenticator):
    auth, records, reads, ticks = authenticator
    for _ in range(50):
        auth._check_session({"uid": "u1", "iat": 10})
    assert reads == ["u1"]
    # When the sessions are revoked elsewhere, the cached state holds until it expires (30 s)…
    records["u1"] = {"sessions_valid_after": 20}
    ticks.now += 29
    auth._check_session({"uid": "u1", "iat": 10})
    ticks.now += 2
    with pytest.raises(Unauthenticated):
        auth._check_session({"uid": "u1", "iat": 10})
    # …and at once in the instance that revoked them
    records["u3"] = {}
    auth._check_session({"uid": "u3", "iat": 10})
    records["u3"] = {"sessions_valid_after": 20}
    auth.forget_sessions("u3")
    with pytest.raises(Unauthenticated):
        auth._check_session({"uid": "u3", "iat": 10})


def test_a_registered_tenant_is_cached_and_a_refusal_is_not(monkeypatch):
    world, built = World(), []
    monkeypatch.setattr(tenancy, "registered", TtlCache(60))

    def reader():
        built.append(1)
        return world.uow()

    # A manager token naming a space nobody registered: refused, every time read again
    assert [e.code for e in tenancy.principal_errors("manager", "mgr-new", reader)] == ["TENANT_NOT_REGISTERED"]
    world.seed("managers/mgr-new", {"name": "Nouveau"})
    # Registered a moment later: accepted at once, then from the cache without a read
    assert tenancy.principal_errors("manager", "mgr-new", reader) == []
    assert tenancy.principal_errors("manager", "mgr-new", reader) == []
    assert len(built) == 2
    # One namespace: the same id is no beneficiary, and a beneficiary's space is no manager's
    assert [e.code for e in tenancy.principal_errors("beneficiary", "mgr-new", reader)] == ["TENANT_NOT_REGISTERED"]
    world.seed("beneficiaries/ben-x", {"name": "B"})
    world.seed("managers/ben-x", {"name": "B", "kind": "beneficiary"})
    assert tenancy.principal_errors("beneficiary", "ben-x", reader) == []
    assert [e.code for e in tenancy.principal_errors("manager", "ben-x", reader)] == ["TENANT_NOT_REGISTERED"]
    assert [e.code for e in tenancy.principal_errors("purchasing_body", "ben-x", reader)] == ["TENANT_ID_TAKEN"]
    assert tenancy.principal_errors("operator", "platform", reader) == []
    assert [e.code for e in tenancy.principal_errors("operator", "ben-x", reader)] == ["TENANT_NOT_REGISTERED"]


def test_the_cache_keeps_a_bounded_number_of_entries():
    ticks = Ticks()
    cache: TtlCache[int, bool] = TtlCache(10, clock=ticks, max_entries=100)
    for n in range(250):
        cache.put(n, True)
    assert len(cache._entries) <= 100 and cache.get(249)
