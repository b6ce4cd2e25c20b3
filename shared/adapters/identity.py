"""IdentityAdmin over firebase-admin (Firebase Auth, or the Auth emulator).

The claims change is recorded by the account service (``accounts/{uid}``, audited in its commit),
not here: this adapter talks to Firebase Auth only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class FirebaseIdentityAdmin:
    def __init__(self, app, on_revoke: Callable[[str], None] | None = None):
        self.app = app
        self.on_revoke = on_revoke  # this instance forgets what it cached about the user's sessions

    def find_user(self, email: str) -> dict[str, Any] | None:
        from firebase_admin import auth

        try:
            user = auth.get_user_by_email(email, app=self.app)
        except auth.UserNotFoundError:
            return None
        return {"uid": user.uid, "claims": dict(user.custom_claims or {}), "display_name": user.display_name,
                "disabled": bool(user.disabled)}

    def upsert_user(self, email: str, display_name: str, password: str | None, claims: dict[str, Any],
                    disabled: bool | None = None) -> str:
        from firebase_admin import auth

        try:
            user = auth.get_user_by_email(email, app=self.app)
            updates: dict[str, Any] = {"display_name": display_name}
            if password:
                updates["password"] = password
            if disabled is not None:  # B5: a disabled user cannot sign in nor refresh its tokens
                updates["disabled"] = disabled
            auth.update_user(user.uid, app=self.app, **updates)
            uid = user.uid
        except auth.UserNotFoundError:
            kwargs: dict[str, Any] = {"email": email, "display_name": display_name, "disabled": bool(disabled)}
            if password:
                kwargs["password"] = password
            uid = auth.create_user(app=self.app, **kwargs).uid
        auth.set_custom_user_claims(uid, claims, app=self.app)
        # Sessions opened before a change of rights end: tokens issued earlier are revoked.
        auth.revoke_refresh_tokens(uid, app=self.app)
        return uid

    def set_own_password(self, uid: str, password: str) -> dict[str, Any] | None:
        """The user's own password (change_password): set, the temporary-password claim dropped, every refresh
        token revoked (its other sessions end). Harmless to repeat. None: no such user."""
        from firebase_admin import auth

        from shared.domain.identity import PASSWORD_CHANGE_CLAIM

        try:
            user = auth.get_user(uid, app=self.app)
        except auth.UserNotFoundError:
            return None
        claims = {k: v for k, v in (user.custom_claims or {}).items() if k != PASSWORD_CHANGE_CLAIM}
        auth.update_user(uid, password=password, app=self.app)
        auth.set_custom_user_claims(uid, claims or None, app=self.app)
        auth.revoke_refresh_tokens(uid, app=self.app)
        return {"email": user.email, "claims": claims}

    def sessions_revoked(self, uid: str) -> None:
        if self.on_revoke is not None:
            self.on_revoke(uid)
