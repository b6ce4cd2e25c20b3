"""People with Firebase Auth accounts, as they come to exist: the operator creates the account with a
temporary password (manage_account), its user signs in and chooses its own (change_password, B15)."""

from __future__ import annotations

from typing import Any

import requests

from devtools import seed
from devtools.stack import Stack
from tests.functional.erp import Erp

TEMPORARY_PASSWORD = "Provisoire-Essai-2026!"


def sign_in(stack: Stack, email: str, password: str) -> requests.Response:
    url = (f"http://127.0.0.1:{stack.ports['auth']}/identitytoolkit.googleapis.com/v1/"
           "accounts:signInWithPassword?key=fake-api-key")
    return requests.post(url, json={"email": email, "password": password, "returnSecureToken": True}, timeout=30)


def account_with_own_password(stack: Stack, body: dict[str, Any], password: str) -> requests.Response:
    """manage_account's answer for ``body`` (given a temporary password), once its user has replaced that
    password with ``password`` through change_password."""
    created = Erp(stack, "operator", "platform").post("manage_account", {**body, "password": TEMPORARY_PASSWORD})
    if created.status_code == 200:
        status = seed.choose_own_password(stack.url("change_password"), stack.ports["auth"], body["email"],
                                          TEMPORARY_PASSWORD, password)
        assert status == 200, f"change_password answered {status}"
    return created
