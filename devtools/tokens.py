"""Unsigned ID tokens as the Firebase Auth emulator issues them (``alg: none``).

Only firebase-admin in emulator mode (FIREBASE_AUTH_EMULATOR_HOST set) accepts these;
production verifies Google's signatures and refuses them.
"""

from __future__ import annotations

import base64
import json
import time


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def emulator_token(project_id: str, uid: str, *, role: str | None = None, tenant: str | None = None,
                   ttl_seconds: int = 3600, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "sub": uid,
        "user_id": uid,
        "iat": now,
        "auth_time": now,
        "exp": now + ttl_seconds,
        "firebase": {"sign_in_provider": "custom", "identities": {}},
        **claims,
    }
    if role is not None:
        payload["role"] = role
    if tenant is not None:
        payload["tenant"] = tenant
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."
