"""The web application's /config.json and Content-Security-Policy (docs/web-app.md).

The app is plain files under ``web/`` (no build step, no CDN), served by Firebase Hosting (its
emulator locally); devtools/hosting.py writes this config beside them, telling the browser
where Firebase Auth and every function are, and sets this policy on every file.

Where the URLs come from, first match wins:
- ``PASSERELLE_FUNCTION_URLS``: a JSON object name → URL (devtools/stack.py sets it to the ports
  it actually started, fixed for ./scripts/dev, free for the tests);
- ``PASSERELLE_FUNCTIONS_BASE_URL``: production (Terraform): ``<base>/<name with hyphens>``;
- otherwise the ports of emulators.json on 127.0.0.1.
Auth: ``FIREBASE_AUTH_EMULATOR_HOST`` (the emulator, key ``fake-api-key``) or Google's Identity
Toolkit with ``PASSERELLE_WEB_API_KEY``.
Support: ``PASSERELLE_SUPPORT_EMAIL`` (Terraform's ``support_email``), the address the accessibility
statement (« Accessibilité », web/accessibility.mjs) gives for help and feedback; without it a placeholder
on the reserved ``.invalid`` domain, which no mail reaches and whose name says it is one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EMULATORS_FILE = Path(__file__).resolve().parents[1] / "emulators.json"
DEFAULT_REFRESH_SECONDS = 15
PLACEHOLDER_SUPPORT_EMAIL = "adresse-de-support-a-configurer@passerelle.invalid"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def catalogue(path: Path = EMULATORS_FILE) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["functions"]


def function_urls(env: Mapping[str, str], functions: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The URL of every HTTPS function a browser may call (those with a role)."""
    callable_ = sorted(name for name, spec in functions.items() if spec.get("trigger") == "http" and spec.get("role"))
    if env.get("PASSERELLE_FUNCTION_URLS"):
        given = json.loads(env["PASSERELLE_FUNCTION_URLS"])
        return {name: given[name].rstrip("/") for name in callable_ if name in given}
    if env.get("PASSERELLE_FUNCTIONS_BASE_URL"):
        base = env["PASSERELLE_FUNCTIONS_BASE_URL"].rstrip("/")
        return {name: f"{base}/{name.replace('_', '-')}" for name in callable_}
    return {name: f"http://127.0.0.1:{functions[name]['port']}" for name in callable_}


def auth_endpoints(env: Mapping[str, str]) -> dict[str, str]:
    """Identity Toolkit (sign-in) and Secure Token (refresh) endpoints, and the Web API key."""
    emulator = env.get("FIREBASE_AUTH_EMULATOR_HOST")
    if emulator:
        root = f"http://{emulator}"
        return {"sign_in_url": f"{root}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword",
                "refresh_url": f"{root}/securetoken.googleapis.com/v1/token",
                "api_key": "fake-api-key", "emulator": True}
    return {"sign_in_url": "https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword",
            "refresh_url": "https://securetoken.googleapis.com/v1/token",
            "api_key": env.get("PASSERELLE_WEB_API_KEY", ""), "emulator": False}


def config(env: Mapping[str, str], functions: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    refresh = env.get("PASSERELLE_WEB_REFRESH_SECONDS", "")
    return {"auth": auth_endpoints(env), "functions": function_urls(env, functions),
            "refresh_seconds": int(refresh) if refresh.isdigit() and int(refresh) > 0 else DEFAULT_REFRESH_SECONDS,
            "support_email": support_email(env)}


def support_email(env: Mapping[str, str]) -> str:
    """The operator's support address (the accessibility statement's contact), or the named placeholder."""
    given = env.get("PASSERELLE_SUPPORT_EMAIL", "").strip()
    if not given:
        return PLACEHOLDER_SUPPORT_EMAIL
    if not _EMAIL.match(given):
        raise ValueError(f"PASSERELLE_SUPPORT_EMAIL is not an e-mail address: {given!r}")
    return given


def content_security_policy(cfg: Mapping[str, Any]) -> str:
    """Scripts and styles from the app itself only; connections to Auth and the functions only."""
    origins = {_origin(url) for url in cfg["functions"].values()}
    origins |= {_origin(cfg["auth"]["sign_in_url"]), _origin(cfg["auth"]["refresh_url"])}
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {' '.join(sorted(origins))}; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
