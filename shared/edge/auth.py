"""Who is calling, and what they may do.

Two kinds of bearer token are accepted:

* **Firebase ID tokens** — people, and ERPs that sign in as Firebase users. Their custom
  claims carry ``role``, ``tenant`` and optionally ``rights`` (set by the operator through
  ``manage_account``). Locally, FIREBASE_AUTH_EMULATOR_HOST makes firebase-admin accept the
  Auth emulator's unsigned tokens; that variable is refused outright on Cloud Run. A token
  issued before its user's sessions were revoked is refused: every change of an account's
  claims by ``manage_account`` revokes them in Firebase Auth and records the instant in
  ``accounts/{uid}`` (``sessions_valid_after``, or ``disabled``), which is read here and kept
  ``PASSERELLE_SESSION_CACHE_SECONDS`` (30 s by default) per instance — the platform's own
  record, so that checking costs a Firestore read, not a call to Firebase Auth that every
  function's identity would need the right to make. A token whose claims carry
  ``password_change_required`` (a password the operator set, B15) is marked on its Principal;
  shared/edge/http.py lets it call change_password only.
* **Google-signed ID tokens** of service accounts — ERPs running on Google Cloud, or using
  a service-account key. The token's audience must be one of PASSERELLE_AUDIENCES; its
  e-mail is looked up in the ``machine_identities`` registry, which the operator maintains,
  to find the role, tenant and rights. A token for an unregistered account is refused.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.domain.identity import PASSWORD_CHANGE_CLAIM, Role, effective_rights
from shared.edge.tenancy import TtlCache, seconds_from_env

ROLES = frozenset(r.value for r in Role)
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"


@dataclass(frozen=True)
class Principal:
    uid: str
    role: str
    tenant: str
    rights: frozenset[str] = field(default_factory=frozenset)
    machine: bool = False
    email: str | None = None  # the signed-in person's e-mail, when the token carries it
    # B15: the account's password is one the operator set (claim password_change_required): the edge lets
    # this token call change_password only. Never set for machine identities.
    password_change_required: bool = False
    auth_time: float | None = None  # when the person last typed its password (the ID token's auth_time)
    expires_at: float | None = None  # the token's expiry (epoch seconds): a stream never outlives it (watch_orders)
    name: str | None = None  # the signed-in person's display name, when the token carries it (never a machine's)


class Unauthenticated(Exception):
    """The token is refused; ``code`` the error the edge answers (ACCOUNT_DISABLED for a disabled account, B5)."""

    def __init__(self, reason: str, code: str = "UNAUTHENTICATED"):
        super().__init__(reason)
        self.code = code


MachineLookup = Callable[[str], "dict | None"]
SessionLookup = Callable[[str], "dict | None"]  # uid → {"sessions_valid_after": epoch seconds, "disabled": bool}


def _principal(uid: str, claims: dict, machine: bool = False, expires_at: float | None = None) -> Principal:
    role, tenant = claims.get("role"), claims.get("tenant")
    if role not in ROLES or not isinstance(tenant, str) or not tenant:
        return Principal(uid=uid, role="", tenant="", machine=machine)  # authenticated, entitled to nothing
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    auth_time = claims.get("auth_time")
    return Principal(uid=uid, role=role, tenant=tenant, rights=effective_rights(role, claims.get("rights")),
                     machine=machine, email=email,
                     password_change_required=not machine and claims.get(PASSWORD_CHANGE_CLAIM) is True,
                     auth_time=float(auth_time) if isinstance(auth_time, int | float) and not machine else None,
                     expires_at=expires_at, name=_name(claims) if not machine else None)


def _name(claims: dict) -> str | None:
    name = claims.get("name")
    return name.strip()[:200] if isinstance(name, str) and name.strip() else None


def _expiry(claims: dict) -> float | None:
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, int | float) else None


def _unverified_claims(token: str) -> dict:
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        raise Unauthenticated("malformed token") from None


class FirebaseAuthenticator:
    def __init__(self, project_id: str, machine_lookup: MachineLookup | None = None,
                 audiences: list[str] | None = None, certs_url: str | None = None,
                 session_lookup: SessionLookup | None = None):
        if os.environ.get("FIREBASE_AUTH_EMULATOR_HOST") and os.environ.get("K_SERVICE"):
            raise RuntimeError("FIREBASE_AUTH_EMULATOR_HOST must never be set in production")
        import firebase_admin

        name = f"passerelle-{project_id}"
        try:
            self.app = firebase_admin.get_app(name)
        except ValueError:
            self.app = firebase_admin.initialize_app(options={"projectId": project_id}, name=name)
        self.machine_lookup = machine_lookup
        env_audiences = [a for a in os.environ.get("PASSERELLE_AUDIENCES", "").split(",") if a]
        self.audiences = audiences if audiences is not None else env_audiences
        self.certs_url = certs_url or os.environ.get("PASSERELLE_GOOGLE_CERTS_URL", GOOGLE_CERTS_URL)
        self.session_lookup = session_lookup
        self.sessions: TtlCache[str, tuple[float, bool]] = TtlCache(seconds_from_env("PASSERELLE_SESSION_CACHE_SECONDS", 30.0))

    def verify(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthenticated("missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        if _unverified_claims(token).get("iss") in GOOGLE_ISSUERS:
            return self._verify_google(token)
        return self._verify_firebase(token)

    def _verify_firebase(self, token: str) -> Principal:
        from firebase_admin import auth

        try:
            claims = auth.verify_id_token(token, app=self.app, clock_skew_seconds=10)
        except (ValueError, auth.InvalidIdTokenError, auth.ExpiredIdTokenError, auth.CertificateFetchError) as exc:
            raise Unauthenticated(str(exc)) from exc
        # The emulator path skips firebase-admin's expiry check; keep it.
        if float(claims.get("exp", 0)) < time.time() - 10:
            raise Unauthenticated("token expired")
        self._check_session(claims)
        return _principal(claims["uid"], claims, expires_at=_expiry(claims))

    def _check_session(self, claims: dict) -> None:
        """The token was issued after its user's sessions were last revoked, and the account is not disabled
        (what ``verify_id_token(check_revoked=True)`` checks, from the platform's record, cached briefly)."""
        if self.session_lookup is None:
            return
        uid = claims["uid"]
        state = self.sessions.get(uid)
        if state is None:
            record = self.session_lookup(uid) or {}
            state = (float(record.get("sessions_valid_after") or 0), bool(record.get("disabled")))
            self.sessions.put(uid, state)
        valid_after, disabled = state
        if disabled:
            raise Unauthenticated("account disabled", code="ACCOUNT_DISABLED")
        if float(claims.get("iat", 0)) < valid_after:
            raise Unauthenticated("session revoked")

    def forget_sessions(self, uid: str) -> None:
        """This instance reads the user's state again at its next call (its sessions were just revoked)."""
        self.sessions.forget(uid)

    def _verify_google(self, token: str) -> Principal:
        import google.auth.exceptions
        import google.auth.transport.requests
        from google.oauth2 import id_token

        if not self.audiences or self.machine_lookup is None:
            raise Unauthenticated("machine identities are not configured")
        try:
            claims = id_token.verify_token(token, google.auth.transport.requests.Request(),
                                           audience=self.audiences, certs_url=self.certs_url, clock_skew_in_seconds=10)
        except (ValueError, google.auth.exceptions.GoogleAuthError) as exc:
            raise Unauthenticated(str(exc)) from exc
        if claims.get("iss") not in GOOGLE_ISSUERS or not claims.get("email") or not claims.get("email_verified"):
            raise Unauthenticated("not a verified service account token")
        record = self.machine_lookup(claims["email"])
        if record is None:
            raise Unauthenticated("unregistered machine identity")
        return _principal(claims["email"], record, machine=True, expires_at=_expiry(claims))


def firestore_session_lookup(client) -> SessionLookup:
    """``accounts/{uid}`` → when its sessions were last revoked (written by manage_account)."""

    def lookup(uid: str) -> dict | None:
        snap = client.collection("accounts").document(uid).get(field_paths=["sessions_valid_after", "disabled"])
        return snap.to_dict() if snap.exists else None

    return lookup


def firestore_machine_lookup(client) -> MachineLookup:
    """``machine_identities/{email}`` → {role, tenant, rights}; written by the operator only
    (register_machine_identity). A deactivated identity is refused like an unregistered one."""

    def lookup(email: str) -> dict | None:
        snap = client.collection("machine_identities").document(email.lower()).get()
        record = snap.to_dict() if snap.exists else None
        return record if record is not None and record.get("status") != "inactive" else None

    return lookup
