"""IdentityAdmin over firebase-admin (Firebase Auth, or the Auth emulator), and account requests in Firestore."""

from __future__ import annotations

from typing import Any

from google.api_core import exceptions as gexc

from shared.domain.identity import AccountRequest


class FirebaseIdentityAdmin:
    def __init__(self, app):
        self.app = app

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
        return uid


class FirestoreAccountRequests:
    def __init__(self, client):
        self.collection = client.collection("account_requests")

    def get(self, request_id: str) -> AccountRequest | None:
        snap = self.collection.document(request_id).get()
        return AccountRequest.model_validate(snap.to_dict()) if snap.exists else None

    def create(self, request: AccountRequest) -> bool:
        try:
            self.collection.document(request.request_id).create(request.model_dump(mode="json"))
            return True
        except gexc.AlreadyExists:
            return False

    def save(self, request: AccountRequest) -> None:
        self.collection.document(request.request_id).set(request.model_dump(mode="json"))
