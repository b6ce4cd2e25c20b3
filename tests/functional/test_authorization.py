"""Every HTTPS endpoint refuses callers it must refuse (401/403, problem+json) and writes nothing.

The endpoint list comes from emulators.json, so a new function is covered the day it is added.
"""

from __future__ import annotations

import pytest
import requests

from devtools.stack import load_config
from devtools.tokens import emulator_token

pytestmark = pytest.mark.emulators

ROLES = ("manager", "contractor", "beneficiary", "purchasing_body", "operator")
ENDPOINTS = {name: spec for name, spec in load_config()["functions"].items()
             if spec["trigger"] == "http" and "role" in spec}


def all_documents(client) -> set[str]:
    paths: set[str] = set()

    def walk(collections) -> None:
        for collection in collections:
            for ref in collection.list_documents():
                snap = ref.get()
                if snap.exists:
                    paths.add(ref.path)
                walk(ref.collections())

    walk(client.collections())
    return paths


def call(platform, name: str, token: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json", "Idempotency-Key": "authz-check-0001"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if name.startswith("get_"):
        return requests.get(platform.url(name) + "/", headers=headers, timeout=30)
    return requests.post(platform.url(name) + "/", data=b"{}", headers=headers, timeout=30)


def refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [e["code"] for e in response.json()["errors"]] == [code]


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_each_endpoint_refuses_strangers_wrong_roles_and_missing_rights(platform, clean_firestore, name):
    # Given the store as it is
    before = all_documents(clean_firestore)
    allowed = ENDPOINTS[name]["role"].split("|")
    project = platform.project_id
    wrong_role = next(r for r in ROLES if r not in allowed)
    # When callers without a token, with a forged one, with the wrong role or without the right call it
    refused(call(platform, name, None), 401, "UNAUTHENTICATED")
    refused(call(platform, name, "eyJhbGciOiJub25lIn0.e30."), 401, "UNAUTHENTICATED")
    refused(call(platform, name, emulator_token(project, "u-role", role=wrong_role, tenant="mgr-test")), 403, "FORBIDDEN")
    for role in allowed:
        token = emulator_token(project, "u-norights", role=role, tenant="mgr-test", rights=[])
        refused(call(platform, name, token), 403, "MISSING_RIGHT")
    # Then each is refused with a problem, and nothing was written
    assert all_documents(clean_firestore) == before
