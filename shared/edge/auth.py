"""Who is calling: Firebase ID tokens carrying the role and tenant as custom claims.

People and ERP machine accounts both sign in to Firebase Authentication; an admin sets
their custom claims ``role`` (manager, contractor, …) and ``tenant`` (the manager or
contractor id). Locally, FIREBASE_AUTH_EMULATOR_HOST makes firebase-admin accept the
emulator's unsigned tokens — refused outright when running on Cloud Run.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

ROLES = frozenset({"manager", "contractor", "beneficiary", "purchasing_body", "operator"})


@dataclass(frozen=True)
class Principal:
    uid: str
    role: str
    tenant: str


class Unauthenticated(Exception):
    pass


class FirebaseAuthenticator:
    def __init__(self, project_id: str):
        if os.environ.get("FIREBASE_AUTH_EMULATOR_HOST") and os.environ.get("K_SERVICE"):
            raise RuntimeError("FIREBASE_AUTH_EMULATOR_HOST must never be set in production")
        import firebase_admin

        name = f"passerelle-{project_id}"
        try:
            self.app = firebase_admin.get_app(name)
        except ValueError:
            self.app = firebase_admin.initialize_app(options={"projectId": project_id}, name=name)

    def verify(self, authorization: str | None) -> Principal:
        from firebase_admin import auth

        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthenticated("missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            claims = auth.verify_id_token(token, app=self.app, clock_skew_seconds=10)
        except (ValueError, auth.InvalidIdTokenError, auth.ExpiredIdTokenError, auth.CertificateFetchError) as exc:
            raise Unauthenticated(str(exc)) from exc
        # The emulator path skips firebase-admin's expiry check; keep it.
        if float(claims.get("exp", 0)) < time.time() - 10:
            raise Unauthenticated("token expired")
        role, tenant = claims.get("role"), claims.get("tenant")
        if role not in ROLES or not isinstance(tenant, str) or not tenant:
            return Principal(uid=claims["uid"], role="", tenant="")  # authenticated, entitled to nothing
        return Principal(uid=claims["uid"], role=role, tenant=tenant)
