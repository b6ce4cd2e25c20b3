"""Unsigned ID tokens as the Firebase Auth emulator issues them (``alg: none``).

Only firebase-admin in emulator mode (FIREBASE_AUTH_EMULATOR_HOST set) accepts these;
production verifies Google's signatures and refuses them. The platform also refuses a token
whose user does not exist in Firebase Auth (or whose sessions were revoked after it was
issued), so while FIREBASE_AUTH_EMULATOR_HOST is set, ``emulator_token`` first creates the
user in the Auth emulator when it is not there yet.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import urllib.error
import urllib.request

_known: set[tuple[str, str, str]] = set()
_lock = threading.Lock()


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def emulator_token(project_id: str, uid: str, *, role: str | None = None, tenant: str | None = None,
                   ttl_seconds: int = 3600, **claims) -> str:
    host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    if host:
        ensure_emulator_user(host, project_id, uid)
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


def ensure_emulator_user(host: str, project_id: str, uid: str) -> None:
    """Create ``uid`` in the Auth emulator unless this process did already (or it exists): before the
    token is minted, so that its issue time is never before the user's."""
    key = (host, project_id, uid)
    if key in _known:
        return
    with _lock:
        if key in _known:
            return
        request = urllib.request.Request(
            f"http://{host}/identitytoolkit.googleapis.com/v1/projects/{project_id}/accounts",
            data=json.dumps({"localId": uid}).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": "Bearer owner"})
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except urllib.error.HTTPError as exc:
            if "DUPLICATE_LOCAL_ID" not in exc.read().decode(errors="replace"):
                raise
        _known.add(key)
