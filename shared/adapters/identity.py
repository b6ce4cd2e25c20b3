"""IdentityAdmin over firebase-admin (Firebase Auth, or the Auth emulator), and account requests in Firestore."""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.api_core import exceptions as gexc

from shared.adapters import audit

from shared.domain.identity import AccountRequest


class FirebaseIdentityAdmin:
    def __init__(self, app, firestore_client=None):
        self.app = app
        self.db = firestore_client

    def upsert_user(self, email: str, display_name: str, password: str | None, claims: dict[str, Any]) -> str:
        from firebase_admin import auth

        try:
            user = auth.get_user_by_email(email, app=self.app)
            updates: dict[str, Any] = {"display_name": display_name}
            if password:
                updates["password"] = password
            auth.update_user(user.uid, app=self.app, **updates)
            uid = user.uid
        except auth.UserNotFoundError:
            kwargs: dict[str, Any] = {"email": email, "display_name": display_name}
            if password:
                kwargs["password"] = password
            uid = auth.create_user(app=self.app, **kwargs).uid
        auth.set_custom_user_claims(uid, claims, app=self.app)
        # Sessions opened before a change of rights end: tokens issued earlier are revoked.
        auth.revoke_refresh_tokens(uid, app=self.app)
        if self.db is not None:
            audit.record_now(self.db, "platform/registry", "account.claims_set", f"auth/users/{uid}",
                             {"email": email, "claims": claims})
        return uid


class FirestoreAccountRequests:
    def __init__(self, client):
        self.collection = client.collection("account_requests")

    def get(self, request_id: str) -> AccountRequest | None:
        snap = self.collection.document(request_id).get()
        return AccountRequest.model_validate(snap.to_dict()) if snap.exists else None

    def create(self, request: AccountRequest) -> bool:
        return self._write(request, create=True)

    def save(self, request: AccountRequest) -> None:
        self._write(request, create=False)

    def _write(self, request: AccountRequest, create: bool) -> bool:
        db, ref = self.collection._client, self.collection.document(request.request_id)
        data = request.model_dump(mode="json")
        batch = db.batch()
        batch.create(ref, data) if create else batch.set(ref, data)
        audit.add_records(db, batch, [(f"managers/{request.tenant}" if request.role.value == "manager"
                                       else f"beneficiaries/{request.tenant}",
                                       "account.requested" if create else "account.request_fulfilled", ref.path,
                                       None, data)], dt.datetime.now(dt.UTC))
        try:
            batch.commit()
            return True
        except gexc.AlreadyExists:
            return False
